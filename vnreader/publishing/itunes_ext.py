"""What feedgen's ``podcast`` (iTunes) extension writes wrong for Apple today, done right.

feedgen 1.0 knows the iTunes tags of 2017: ``itunes:explicit`` only as ``yes``/``no``/``clean``
(Apple documents ``true``/``false`` now) and the category list of before 2019 ("News &
Politics", "Games & Hobbies"...). This feedgen extension (registered as ``apple``) writes
those two tags itself; everything else iTunes (author, owner, image, type, duration,
episodeType) still comes from feedgen's own extension.

Apple's current list is data: ``data/apple_categories.tsv`` (category, or category<TAB>
subcategory per row), read once by :func:`vnreader.config.values.apple_category_tree`.
A category is named ``"News"``, ``"News/Daily News"``, ``"News > Daily News"`` or just
``"Daily News"`` (every subcategory name is unique).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.util import xml_elem
from lxml import etree

from vnreader.config.values import apple_category_tree as apple_categories
from vnreader.errors import FeedError

ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"

Category = tuple[str, str | None]


def resolve_category(name: str) -> Category:
    """``(category, subcategory or None)`` in Apple's spelling for a configured name.

    Accepts ``"News"``, ``"News/Daily News"``, ``"News > Daily News"`` and ``"Daily News"``,
    in any letter case. Raises :class:`FeedError` for a name not on Apple's current list.
    """
    tree = apple_categories()
    by_fold = {cat.casefold(): cat for cat in tree}
    parent_of = {sub.casefold(): (cat, sub) for cat, subs in tree.items() for sub in subs}
    text = " ".join(name.split())
    for sep in (" > ", ">", "/"):
        if sep in text:
            head, _, tail = text.partition(sep)
            cat = by_fold.get(head.strip().casefold())
            hit = parent_of.get(tail.strip().casefold())
            if cat is None or hit is None or hit[0] != cat:
                break
            return hit
    else:
        folded = text.casefold()
        if folded in by_fold:
            return by_fold[folded], None
        if folded in parent_of:
            return parent_of[folded]
    raise FeedError(f"{name!r} is not an Apple Podcasts category (see docs/feeds.md)")


def resolve_categories(names: Iterable[str]) -> tuple[Category, ...]:
    """Resolved categories in the given order, each (category, subcategory) pair once."""
    seen: list[Category] = []
    for name in names:
        pair = resolve_category(name)
        if pair not in seen:
            seen.append(pair)
    return tuple(seen)


def _explicit_text(value: bool) -> str:
    return "true" if value else "false"


class AppleExtension(BaseExtension):
    """Channel: ``itunes:category`` (Apple's current list, nested subcategories) and
    ``itunes:explicit`` as ``true``/``false``."""

    def __init__(self) -> None:
        self.__categories: tuple[Category, ...] = ()
        self.__explicit: bool | None = None

    def extend_ns(self) -> dict[str, str]:
        return {"itunes": ITUNES_NS}

    def categories(self, pairs: Sequence[Category] | None = None) -> tuple[Category, ...]:
        """Get or set the categories: ``(category, subcategory or None)`` pairs, first = main."""
        if pairs is not None:
            tree = apple_categories()
            for cat, sub in pairs:
                if cat not in tree or (sub is not None and sub not in tree[cat]):
                    raise FeedError(f"not an Apple Podcasts category: {cat!r} / {sub!r}")
            self.__categories = tuple(pairs)
        return self.__categories

    def explicit(self, value: bool | None = None) -> bool | None:
        """Get or set itunes:explicit (written ``true`` or ``false``)."""
        if value is not None:
            self.__explicit = bool(value)
        return self.__explicit

    def extend_rss(self, rss_feed: etree._Element) -> etree._Element:
        channel = rss_feed[0]
        # One element per category; its subcategories nested inside, in the order given
        # (Apple reads the first category as the show's main one).
        by_cat: dict[str, etree._Element] = {}
        for cat, sub in self.__categories:
            elem = by_cat.get(cat)
            if elem is None:
                elem = xml_elem(f"{{{ITUNES_NS}}}category", channel)
                elem.attrib["text"] = cat
                by_cat[cat] = elem
            if sub is not None:
                child = xml_elem(f"{{{ITUNES_NS}}}category", elem)
                child.attrib["text"] = sub
        if self.__explicit is not None:
            xml_elem(f"{{{ITUNES_NS}}}explicit", channel).text = _explicit_text(self.__explicit)
        return rss_feed


class AppleEntryExtension(BaseEntryExtension):
    """Item: ``itunes:explicit`` as ``true``/``false``."""

    def __init__(self) -> None:
        self.__explicit: bool | None = None

    def explicit(self, value: bool | None = None) -> bool | None:
        if value is not None:
            self.__explicit = bool(value)
        return self.__explicit

    def extend_rss(self, entry: etree._Element) -> etree._Element:
        if self.__explicit is not None:
            xml_elem(f"{{{ITUNES_NS}}}explicit", entry).text = _explicit_text(self.__explicit)
        return entry
