"""The three top-level calls: ``clean``, ``narrate`` and ``publish``.

Each is one step of the data flow (HTML → Article → MP3 → site) with the defaults the
command line uses, so a Python user writes::

    import vnreader

    article = vnreader.clean("https://tanhiep.kiengiang.gov.vn/...")   # or a file, or HTML
    vnreader.narrate(article, "bai-viet.mp3")                          # + .vtt, .chapters.json
    report = vnreader.publish(["https://.../rss"], "site", base_url="https://.../doc-bao/")

The heavy parts (lxml, ffmpeg, Jinja2, feedgen) are imported only when a call needs them,
so ``import vnreader`` stays as light as the normalizer.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vnreader.article import Article

if TYPE_CHECKING:
    from vnreader.config import Source
    from vnreader.publishing.report import PublishReport
    from vnreader.speech.model import Narration

__all__ = ["clean", "narrate", "publish"]

#: Options of :func:`narrate` (those of :func:`vnreader.speech.narrate.narrate`).
_NARRATE_OPTIONS = frozenset(
    {
        "engine",
        "voice",
        "rate",
        "pitch",
        "dialect",
        "cache_dir",
        "portal_name",
        "fallback",
        "fallback_voice",
        "progress",
        "gtts_tld",
        "lexicon",
    }
)


def clean(source: str | PathLike[str] | bytes, *, url: str | None = None) -> Article:
    """The article of ``source``, cleaned of the portal's menus, banners and lists.

    ``source`` is an http(s) URL, the path of a saved page, or the page itself (a ``str``
    starting with ``<`` or ``bytes``; its charset is detected). ``url`` is the page's
    address when the HTML is given directly, used to resolve links and pick the portal's
    profile. Raises :class:`vnreader.errors.InputError` (or ``FetchError``) with a
    one-line reason when the page cannot be read.
    """
    from vnreader import extract

    if isinstance(source, bytes):
        return extract.extract_bytes(source, url=url)
    if isinstance(source, str) and source.lstrip().startswith("<"):
        return extract.extract_html(source, url)
    return extract.extract_article(str(source) if isinstance(source, PathLike) else source)


def narrate(
    article: Article | str | PathLike[str],
    out: str | PathLike[str],
    **options: Any,
) -> Narration:
    """Narrate ``article`` to the MP3 ``out``, with its transcript (``.vtt``) and chapters.

    ``article`` is an :class:`Article` or anything :func:`clean` accepts. ``options`` are
    those of the command line: ``engine`` ("espeak" offline by default, "piper", "edge",
    "gtts"), ``voice``, ``rate`` (percent), ``pitch`` (Hz, edge only), ``dialect``
    ("north"/"south"), ``lexicon``
    (a TSV path or a mapping of written → spoken), ``fallback``, ``cache_dir``,
    ``portal_name``. Returns the :class:`~vnreader.speech.model.Narration` (duration,
    sentences with their times, the files written).
    """
    from vnreader.errors import ConfigError
    from vnreader.speech.narrate import narrate as narrate_article

    unknown = sorted(set(options) - _NARRATE_OPTIONS)
    if unknown:
        raise ConfigError(f"narrate() has no option {unknown[0]!r}")
    if not isinstance(article, Article):
        article = clean(article)
    return narrate_article(article, Path(out), **options)


def publish(
    sources: Iterable[str | PathLike[str] | Source],
    out_dir: str | PathLike[str],
    *,
    log: logging.Logger | None = None,
    **options: Any,
) -> PublishReport:
    """Publish ``sources`` (article URLs or files, portal listings, RSS feeds) into ``out_dir``.

    ``options`` are the keys of ``vnreader.toml`` (``portal_name``, ``base_url``,
    ``engine``, ``voice``, ``dialect``, ``lexicon``, ``max_items``, ``state_dir`` …),
    checked the same way; an unknown key raises :class:`vnreader.errors.ConfigError`.
    Running it again publishes only what changed. Returns the
    :class:`~vnreader.publishing.report.PublishReport` (published, updated, unchanged,
    failed with reasons).
    """
    from vnreader.config import Settings
    from vnreader.publishing.pipeline import publish as publish_site

    out = Path(out_dir)
    settings = Settings().with_(out_dir=out, **options)
    listed = [item if not isinstance(item, PathLike) else str(item) for item in sources]
    return publish_site(listed, out, settings, log=log)
