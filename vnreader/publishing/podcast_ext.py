"""The Podcasting 2.0 namespace as a feedgen extension of vnreader's own.

Namespace ``xmlns:podcast="https://podcastindex.org/namespace/1.0"`` (Podcast Index,
``podcast-namespace`` docs). Register it on a ``FeedGenerator`` before adding entries::

    fg.register_extension("podcastindex", PodcastIndexExtension, PodcastIndexEntryExtension)

Channel:

- ``<podcast:guid>``: the show's global id, a UUIDv5 of the feed URL with its scheme and
  trailing slashes removed, in the namespace ``ead4c236-bf58-58c6-a2c6-a6b28d128cb6``
  (spec example: ``podnews.net/rss`` → ``9b024349-ccf0-5f69-a609-6b82873eab3c``).
- ``<podcast:locked owner="...">no</podcast:locked>``: whether another hosting platform may
  import the feed. vnreader writes ``no`` unless told otherwise (see docs/feeds.md).

Item:

- ``<podcast:transcript url type="text/vtt" language="vi" rel="captions"/>``: the WebVTT
  transcript (timed, hence ``rel="captions"``).
- ``<podcast:chapters url type="application/json+chapters"/>``: the JSON chapters file.
"""

from __future__ import annotations

import re
import uuid

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.util import xml_elem
from lxml import etree

PODCAST_NS = "https://podcastindex.org/namespace/1.0"
#: The "podcast" namespace UUID of the podcast:guid spec.
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")

VTT_TYPE = "text/vtt"
CHAPTERS_TYPE = "application/json+chapters"

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def podcast_guid(feed_url: str) -> str:
    """The podcast:guid of a feed URL: UUIDv5 of the URL without scheme and trailing slashes."""
    seed = _SCHEME.sub("", feed_url.strip()).rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, seed))


def _tag(name: str) -> str:
    return f"{{{PODCAST_NS}}}{name}"


class PodcastIndexExtension(BaseExtension):
    """Channel tags: podcast:guid and podcast:locked."""

    def __init__(self) -> None:
        self.__guid: str | None = None
        self.__locked: bool | None = None
        self.__owner: str | None = None

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": PODCAST_NS}

    def guid(self, value: str | None = None, *, feed_url: str | None = None) -> str | None:
        """Get or set podcast:guid: a given UUID, or the one derived from ``feed_url``."""
        if feed_url is not None:
            value = podcast_guid(feed_url)
        if value is not None:
            self.__guid = str(uuid.UUID(value))  # rejects a malformed id, writes it lowercase
        return self.__guid

    def locked(self, value: bool | None = None, owner: str | None = None) -> bool | None:
        """Get or set podcast:locked (``yes``/``no``) and its optional ``owner`` e-mail."""
        if value is not None:
            self.__locked = bool(value)
            self.__owner = owner or None
        return self.__locked

    def extend_rss(self, rss_feed: etree._Element) -> etree._Element:
        channel = rss_feed[0]
        if self.__guid is not None:
            xml_elem(_tag("guid"), channel).text = self.__guid
        if self.__locked is not None:
            locked = xml_elem(_tag("locked"), channel)
            if self.__owner:
                locked.attrib["owner"] = self.__owner
            locked.text = "yes" if self.__locked else "no"
        return rss_feed


class PodcastIndexEntryExtension(BaseEntryExtension):
    """Item tags: podcast:transcript and podcast:chapters."""

    def __init__(self) -> None:
        self.__transcripts: list[dict[str, str]] = []
        self.__chapters: dict[str, str] | None = None

    def transcript(
        self,
        url: str,
        type: str = VTT_TYPE,
        *,
        language: str | None = None,
        rel: str | None = "captions",
    ) -> None:
        """Add a podcast:transcript (several are allowed: one per format)."""
        attrs = {"url": url, "type": type}
        if language:
            attrs["language"] = language
        if rel:
            attrs["rel"] = rel
        self.__transcripts.append(attrs)

    def transcripts(self) -> tuple[dict[str, str], ...]:
        return tuple(dict(t) for t in self.__transcripts)

    def chapters(self, url: str | None = None, type: str = CHAPTERS_TYPE) -> dict[str, str] | None:
        """Get or set podcast:chapters."""
        if url is not None:
            self.__chapters = {"url": url, "type": type}
        return dict(self.__chapters) if self.__chapters else None

    def extend_rss(self, entry: etree._Element) -> etree._Element:
        for attrs in self.__transcripts:
            elem = xml_elem(_tag("transcript"), entry)
            for key in ("url", "type", "language", "rel"):  # a fixed attribute order
                if key in attrs:
                    elem.attrib[key] = attrs[key]
        if self.__chapters:
            elem = xml_elem(_tag("chapters"), entry)
            elem.attrib["url"] = self.__chapters["url"]
            elem.attrib["type"] = self.__chapters["type"]
        return entry
