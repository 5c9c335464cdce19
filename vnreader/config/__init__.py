"""Typed settings of a vnreader site, read from ``vnreader.toml``.

``vnreader init`` writes a commented ``vnreader.toml`` (:func:`write_template`);
:func:`load_settings` reads it into a frozen :class:`Settings`, with a default for every key
left out and a one-line :class:`~vnreader.errors.ConfigError` for every bad value (unknown
key, wrong type, bad URL or e-mail, unknown Apple category, missing lexicon, TOML syntax).

Relative paths in the file (``artwork``, ``lexicon``, ``out_dir``) are taken relative to the
file's own folder, not to the current directory, so that a cron job started from ``/`` reads
the same site as the person who ran ``vnreader init``.

Three modules: :mod:`~vnreader.config.values` (limits, sources, one checker per key, Apple's
categories), :mod:`~vnreader.config.settings` (``Settings`` and ``Config``) and
:mod:`~vnreader.config.loading` (reading the file, its portals, and writing the template).
Every public name is importable from ``vnreader.config``.
"""

from __future__ import annotations

from vnreader.config.loading import load_config, load_settings, template_text, write_template
from vnreader.config.settings import (
    DEFAULT_LEXICON,
    Config,
    Settings,
    portal_lexicon_name,
)
from vnreader.config.values import (
    CONFIG_NAME,
    DEFAULT_BASE_URL,
    DEFAULT_PAGES,
    DIALECTS,
    ENGINES,
    MAX_ITEMS,
    MAX_PAGES,
    MAX_RATE,
    MIN_RATE,
    Source,
    apple_categories,
    apple_category_tree,
)
from vnreader.errors import ConfigError

__all__ = [
    "CONFIG_NAME",
    "DEFAULT_BASE_URL",
    "DEFAULT_LEXICON",
    "DEFAULT_PAGES",
    "DIALECTS",
    "ENGINES",
    "MAX_ITEMS",
    "MAX_PAGES",
    "MAX_RATE",
    "MIN_RATE",
    "Config",
    "ConfigError",
    "Settings",
    "Source",
    "apple_categories",
    "apple_category_tree",
    "load_config",
    "load_settings",
    "portal_lexicon_name",
    "template_text",
    "write_template",
]
