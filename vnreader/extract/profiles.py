"""Site knowledge as data: one TOML profile per portal platform (``profiles/*.toml``).

A profile says where a platform keeps the title, date, body, lead, author and category,
and what to cut out of the body. It is matched by the page's host (``[match] hosts``) or,
for the thousands of government portals that share a platform under different hosts, by
the page's own markup (``[match] selectors``, ``[match] generator``). Every field is
optional: a field a profile does not name, or whose selectors find nothing on a page,
falls back to the generic heuristics of :mod:`vnreader.extract.content`.

Selectors are CSS (compiled once to XPath with ``cssselect``) or XPath when written with
an ``xpath:`` prefix. The format is documented in ``docs/extraction.md``.
"""

from __future__ import annotations

import fnmatch
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache

from cssselect import GenericTranslator, SelectorError
from lxml import etree
from lxml.html import HtmlElement

from vnreader.errors import DataError
from vnreader.packagedata import iter_data, read_text

FIELDS = ("title", "lead", "body", "date", "author", "category", "remove")


class _Translator(GenericTranslator):
    """CSS → XPath where class names and ids compare exactly (as browsers do in HTML)."""


_TRANSLATOR = _Translator()


@dataclass(frozen=True)
class Selector:
    """One compiled selector; ``source`` is the text written in the profile."""

    source: str
    xpath: etree.XPath = field(compare=False, repr=False)

    def __call__(self, root: HtmlElement) -> list[HtmlElement]:
        found = self.xpath(root)
        return [e for e in found if isinstance(e, HtmlElement)]


def compile_selector(source: str, *, where: str = "a profile") -> Selector:
    """Compile a CSS selector, or an XPath one written as ``xpath:…``."""
    try:
        if source.startswith("xpath:"):
            return Selector(source, etree.XPath(source[6:].strip()))
        return Selector(source, etree.XPath(_TRANSLATOR.css_to_xpath(source)))
    except (SelectorError, etree.XPathSyntaxError) as exc:
        raise DataError(f"{where}: bad selector {source!r}: {exc}") from None


@dataclass(frozen=True)
class Profile:
    """A platform's layout: where each field lives and what to remove."""

    name: str
    description: str = ""
    priority: int = 0
    hosts: tuple[str, ...] = ()
    signatures: tuple[Selector, ...] = ()
    generator: tuple[str, ...] = ()
    title: tuple[Selector, ...] = ()
    lead: tuple[Selector, ...] = ()
    body: tuple[Selector, ...] = ()
    date: tuple[Selector, ...] = ()
    author: tuple[Selector, ...] = ()
    category: tuple[Selector, ...] = ()
    remove: tuple[Selector, ...] = ()

    def matches_host(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        if host.startswith("www."):
            host = host[4:]
        return any(fnmatch.fnmatchcase(host, pattern) for pattern in self.hosts)

    def matches_page(self, doc: HtmlElement, generator: str) -> bool:
        if generator and any(g.lower() in generator.lower() for g in self.generator):
            return True
        return any(sel(doc) for sel in self.signatures)


def _strings(value: object, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise DataError(f"{where}: expected a string or a list of strings")


def parse_profile(text: str, name: str) -> Profile:
    """Build a profile from TOML text (``name`` is used in error messages)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"profile {name}: {exc}") from None
    known = {"name", "description", "priority", "match", "fields"}
    unknown = set(data) - known
    if unknown:
        raise DataError(f"profile {name}: unknown keys {sorted(unknown)}")
    match = data.get("match", {})
    fields = data.get("fields", {})
    if not isinstance(match, dict) or not isinstance(fields, dict):
        raise DataError(f"profile {name}: [match] and [fields] must be tables")
    bad = set(fields) - set(FIELDS)
    if bad:
        raise DataError(f"profile {name}: unknown fields {sorted(bad)}")
    bad = set(match) - {"hosts", "selectors", "generator"}
    if bad:
        raise DataError(f"profile {name}: unknown [match] keys {sorted(bad)}")

    def sels(key: str, table: dict[str, object]) -> tuple[Selector, ...]:
        where = f"profile {name}, {key}"
        return tuple(compile_selector(s, where=where) for s in _strings(table.get(key), where))

    priority = data.get("priority", 0)
    if not isinstance(priority, int):
        raise DataError(f"profile {name}: priority must be an integer")
    return Profile(
        name=str(data.get("name", name)),
        description=str(data.get("description", "")),
        priority=priority,
        hosts=tuple(h.lower() for h in _strings(match.get("hosts"), f"profile {name}, hosts")),
        signatures=sels("selectors", match),
        generator=_strings(match.get("generator"), f"profile {name}, generator"),
        **{f: sels(f, fields) for f in FIELDS},
    )


@lru_cache(maxsize=1)
def load_profiles() -> tuple[Profile, ...]:
    """The shipped profiles, highest priority first."""
    out = [
        parse_profile(read_text("vnreader.extract", "profiles", entry.name), entry.name)
        for entry in iter_data("vnreader.extract", "profiles", suffix=".toml")
    ]
    return tuple(sorted(out, key=lambda p: -p.priority))


def find_profile(
    doc: HtmlElement, host: str | None, profiles: tuple[Profile, ...] | None = None
) -> Profile | None:
    """The profile for a page: by host first, then by the page's markup; ``None`` if none."""
    profiles = load_profiles() if profiles is None else profiles
    if host:
        for profile in profiles:
            if profile.matches_host(host):
                return profile
    generator = ""
    for meta in doc.iter("meta"):
        if (meta.get("name") or "").lower() == "generator":
            generator = meta.get("content") or ""
            break
    for profile in profiles:
        if profile.matches_page(doc, generator):
            return profile
    return None


__all__ = ["FIELDS", "Profile", "Selector", "compile_selector", "find_profile", "load_profiles"]
