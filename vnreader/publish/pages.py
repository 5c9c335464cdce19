"""Plain read pages: ``read/<slug>.html`` per article and ``read/index.html``.

Until the large-print pages arrive these are deliberately plain, valid HTML in Vietnamese
(``lang="vi"``): the title, the date, the text, an ``<audio controls>`` player of the
narration with its WebVTT transcript as a ``<track kind="captions">``, and the source.
The templates are data (``templates/*.html``), rendered by Jinja2 with autoescaping on,
so text from a portal can never inject markup. Every URL is absolute from the base URL.
The bytes depend only on the catalog (no clock), so an unchanged site is not rewritten.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

if TYPE_CHECKING:
    from jinja2 import Environment

    from vnreader.config import Settings
    from vnreader.publish.catalog import ArticleRow
    from vnreader.publish.feed import FeedItem

__all__ = ["render_article", "render_index"]

VIETNAM = timezone(timedelta(hours=7))


@cache
def _env() -> Environment:
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    return Environment(
        loader=PackageLoader("vnreader.publish", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _date(row: ArticleRow) -> tuple[str | None, str | None]:
    """("19/12/2019 15:53", ISO) in Vietnam's time, or (None, None) for an undated article."""
    if not row.published:
        return None, None
    when = datetime.fromisoformat(row.published)
    if when.tzinfo is None:
        when = when.replace(tzinfo=VIETNAM)
    local = when.astimezone(VIETNAM)
    return local.strftime("%d/%m/%Y %H:%M"), when.isoformat()


def render_article(
    row: ArticleRow, item: FeedItem, *, settings: Settings, base_url: str, feed_url: str
) -> bytes:
    """The read page of one article (UTF-8 bytes)."""
    article: dict[str, Any] = json.loads(row.article_json)
    date, date_iso = _date(row)
    url = article.get("url")
    html = (
        _env()
        .get_template("article.html")
        .render(
            portal=settings.portal_name,
            title=row.title,
            date=date,
            date_iso=date_iso,
            category=row.category,
            lead=row.lead,
            blocks=article.get("blocks") or [],
            author=row.author,
            audio_url=item.enclosure_url,
            vtt_url=item.transcript_url,
            index_url=urljoin(base_url, "read/index.html"),
            feed_url=feed_url,
            source_url=url if isinstance(url, str) and url.startswith("http") else None,
        )
    )
    return html.encode("utf-8")


def render_index(
    entries: Sequence[tuple[ArticleRow, FeedItem]],
    *,
    settings: Settings,
    base_url: str,
    feeds: Sequence[tuple[str, str]],
) -> bytes:
    """``read/index.html``: the feeds to subscribe to and every article, in the given order."""
    listed = []
    for row, item in entries:
        date, date_iso = _date(row)
        listed.append({"title": row.title, "url": item.link, "date": date, "date_iso": date_iso})
    html = (
        _env()
        .get_template("index.html")
        .render(
            portal=settings.portal_name,
            description=settings.description,
            feeds=list(feeds),
            entries=listed,
        )
    )
    return html.encode("utf-8")
