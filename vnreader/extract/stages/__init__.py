"""The stages of article extraction, one module each, orchestrated by
:mod:`vnreader.extract.content` (the order and the reasons: docs/extraction.md).

Internal: the public names stay in :mod:`vnreader.extract` and
:mod:`vnreader.extract.content`.
"""
