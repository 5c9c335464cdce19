"""Publishing: catalog, feeds, pages, the cron-safe pipeline, doctor and preview server."""
