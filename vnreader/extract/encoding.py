"""Page bytes → NFC text, finding the character encoding the way a careful browser would.

Order of evidence (docs/fetching.md, "Character encodings"):

1. A byte-order mark. It is unambiguous, so it beats any label (browsers agree).
2. Bytes that are valid UTF-8 and not plain ASCII are UTF-8, whatever the label says:
   Vietnamese text in a legacy 8-bit encoding is practically never valid UTF-8, while
   templates that still say ``windows-1258`` over UTF-8 content are common on old portals.
3. The charset of the HTTP ``Content-Type`` header, then ``<meta charset>`` or
   ``<meta http-equiv="Content-Type" content="…; charset=…">`` in the first 4 KB.
4. Detection: Windows-1258 when its combining tone bytes follow vowels, else
   charset-normalizer's best guess.

Windows-1258 writes most toned vowels as a base letter and a *combining* tone mark
(``Tie`` + U+0300 + ``n``); everything returned is NFC, so that reads ``Tiền``.
Unusable input is a one-line :class:`InputError` (empty, binary, undecodable) or
:class:`ExtractError` (text that is not an HTML page).
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from vnreader.errors import ExtractError, InputError

#: Labels that Python's codec registry does not know or that browsers read differently
#: (WHATWG Encoding Standard: latin1 and ascii labels mean windows-1252; a UTF-16 label
#: in a page without a BOM means UTF-8, as the page could not have been parsed otherwise).
_LABEL_ALIASES = {
    "x-cp1258": "cp1258",
    "cp-1258": "cp1258",
    "windows1258": "cp1258",
    "utf8": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
    "x-unicode20utf8": "utf-8",
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "l1": "cp1252",
    "ascii": "cp1252",
    "us-ascii": "cp1252",
    "windows-874": "cp874",
    "x-user-defined": "cp1252",
    "unicode": "utf-8",
    "utf-16": "utf-8",
    "utf-16le": "utf-8",
    "utf-16be": "utf-8",
}

#: Codecs a server's default label names, which Windows-1258 evidence overrides.
_WESTERN = frozenset({"cp1252", "iso8859-1", "ascii", "iso8859-15"})

#: Magic numbers of files people mistake for pages; checked before anything is decoded.
_MAGIC = (
    (b"%PDF-", "a PDF"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive or Office document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document (.doc/.xls)"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"Rar!", "a RAR archive"),
    (b"ID3", "an MP3 file"),
)

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

#: Control bytes never found in HTML (tab, newlines, form feed and ESC allowed).
_CONTROL = frozenset(b for b in range(32) if b not in (9, 10, 12, 13, 27))

_CHARSET_PARAM = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)""", re.IGNORECASE)
_META = re.compile(rb"<meta\b[^>]*>", re.IGNORECASE)
_HTTP_EQUIV = re.compile(rb"""http-equiv\s*=\s*["']?\s*content-type""", re.IGNORECASE)
_META_CHARSET_ATTR = re.compile(rb"""\bcharset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)""", re.IGNORECASE)
_CONTENT_ATTR = re.compile(rb"""\bcontent\s*=\s*(["'])(.*?)\1""", re.IGNORECASE | re.DOTALL)

#: Windows-1258 bytes of the five combining tone marks (grave, hook, tilde, acute, dot).
_CP1258_TONES = frozenset(b"\xcc\xd2\xde\xec\xf2")
#: Bytes a tone may follow in Windows-1258: ASCII vowels and the precomposed base vowels.
_CP1258_VOWELS = frozenset(b"aeiouyAEIOUY\xc2\xc3\xca\xd4\xd5\xdd\xe2\xe3\xea\xf4\xf5\xfd")

#: Markup that only an HTML document has; plain text and JSON have none of it.
_MARKUP = re.compile(
    r"<(?:!doctype\s+html|html|head|body|div|p|span|a|meta|title|table|article|section|"
    r"main|h[1-6]|br|ul|ol|li|img|font|center|form|script|style|link)\b",
    re.IGNORECASE,
)
_FEED_ROOT = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(rss|feed|rdf:RDF)\b", re.S)


def decode_html(raw: bytes, content_type: str | None, *, name: str) -> str:
    """Decode the bytes of an HTML page to NFC text.

    ``content_type`` is the HTTP ``Content-Type`` header (``None`` for files); ``name``
    names the page in error messages (a URL or a file name).
    """
    if not raw.strip():
        raise InputError(f"{name} is empty")
    bom = _bom_encoding(raw)
    if bom is None:
        _refuse_binary(raw, name)
    if bom is not None:
        encoding, body = bom
        try:
            text = body.decode(encoding)
        except UnicodeDecodeError:
            raise InputError(
                f"{name} starts with a {encoding.upper()} byte-order mark "
                "but is not valid in that encoding"
            ) from None
    else:
        text = _decode_without_bom(raw, content_type, name)
    text = unicodedata.normalize("NFC", text)
    _require_markup(text, name)
    return text


def declared_charset(raw: bytes, content_type: str | None) -> str | None:
    """The Python codec the header, then the page's ``<meta>``, declares (``None``: none)."""
    return _label_to_codec(_header_label(content_type)) or _label_to_codec(_meta_label(raw))


def _bom_encoding(raw: bytes) -> tuple[str, bytes] | None:
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return encoding, raw[len(bom) :]
    return None


def _refuse_binary(raw: bytes, name: str) -> None:
    head = raw.lstrip()[:16]
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise InputError(f"{name} is {what}, not a web page")
    sample = raw[:8192]
    controls = sum(1 for b in sample if b in _CONTROL)
    if b"\x00" in sample or controls > len(sample) // 100 + 2:
        raise InputError(f"{name} looks like a binary file, not a web page")


def _decode_without_bom(raw: bytes, content_type: str | None, name: str) -> str:
    utf8 = raw.decode("utf-8", errors="replace")
    invalid = utf8.count("\ufffd") - raw.count("\ufffd".encode())
    if invalid == 0:
        if not raw.isascii():
            return utf8  # valid UTF-8 beyond ASCII is UTF-8, whatever the label says
    else:
        multibyte = sum(1 for c in utf8 if c > "\x7f") - invalid
        # A few stray bytes in a page that is otherwise UTF-8 (a truncated character,
        # one pasted symbol) should not turn the whole article into mojibake: drop them.
        if multibyte >= max(3, 10 * invalid):
            return utf8.replace("\ufffd", "")
    declared = declared_charset(raw, content_type)
    if declared in _WESTERN and _looks_cp1258(raw):
        # Servers that add a default "ISO-8859-1" to every page are common; Windows-1258
        # tone bytes after vowels are nonsense in any Western language.
        declared = "cp1258"
    if declared is not None and declared != "utf-8":
        try:
            return raw.decode(declared)
        except UnicodeDecodeError:
            pass  # mislabelled: detection below looks at the bytes themselves
    if invalid == 0:
        return utf8  # pure ASCII: every label agrees
    guess = _detect(raw)
    if guess is not None:
        return guess
    pos = _first_invalid_utf8(raw)
    said = f"says it is {declared.upper()} but " if declared else ""
    raise InputError(
        f"{name} {said}is not in a character encoding vnreader can read "
        f"(byte 0x{raw[pos]:02x} at offset {pos}); expected UTF-8 or Windows-1258"
    )


def _first_invalid_utf8(raw: bytes) -> int:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start
    return 0


def _header_label(content_type: str | None) -> bytes | None:
    if not content_type:
        return None
    match = _CHARSET_PARAM.search(content_type.encode("latin-1", errors="replace"))
    return match.group(1) if match else None


def _meta_label(raw: bytes) -> bytes | None:
    # The HTML standard's prescan looks at the first 1024 bytes; real portals put long
    # scripts and comments first, so look a little further.
    head = raw[:4096]
    for meta in _META.finditer(head):
        tag = meta.group(0)
        if _HTTP_EQUIV.search(tag):
            content = _CONTENT_ATTR.search(tag)
            if content:
                found = _CHARSET_PARAM.search(content.group(2))
                if found:
                    return found.group(1)
            continue
        # <meta charset=…>, and leniently a charset inside any other meta's content.
        found = _META_CHARSET_ATTR.search(tag)
        if found:
            return found.group(1)
    return None


def _label_to_codec(label: bytes | None) -> str | None:
    if not label:
        return None
    text = label.decode("ascii", errors="ignore").strip().lower()
    text = _LABEL_ALIASES.get(text, text)
    try:
        return codecs.lookup(text).name
    except LookupError:
        return None  # an unknown label is no evidence: detection decides


def _detect(raw: bytes) -> str | None:
    if _looks_cp1258(raw):
        try:
            return raw.decode("cp1258")
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is None or best.encoding in ("utf_8", "ascii"):
        return None  # "UTF-8" for bytes that failed strict UTF-8 is no answer
    return str(best)


def _looks_cp1258(raw: bytes) -> bool:
    """Windows-1258 text: its combining tone bytes come right after vowels, nearly always."""
    tones = after_vowel = 0
    previous = 0
    for byte in raw:
        if byte in _CP1258_TONES:
            tones += 1
            if previous in _CP1258_VOWELS:
                after_vowel += 1
        previous = byte
    return tones >= 2 and after_vowel >= 0.9 * tones


def _require_markup(text: str, name: str) -> None:
    head = text[:65536]
    if _FEED_ROOT.match(head):
        raise ExtractError(
            f"{name} is an RSS or Atom feed, not an article page "
            "(vnreader discover lists the articles of a feed)"
        )
    if not _MARKUP.search(head):
        raise ExtractError(
            f"{name} is plain text, not an HTML page: vnreader clean reads article pages "
            "(vnreader normalize reads plain text)"
        )
