"""Publishing: catalog, feeds, pages, the cron-safe pipeline, doctor and preview server."""

# feedgen.util uses ``lxml.etree`` without importing it; make sure it is loaded before any
# module of this package imports feedgen.
import lxml.etree  # noqa: F401
