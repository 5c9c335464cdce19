"""decode_html(): the charset found as a browser would, Windows-1258 composed to NFC, and a
one-line error for everything that is not an HTML page."""

from __future__ import annotations

import codecs
import gzip
import unicodedata

import pytest

from tests.fakeportal import CP1258_PARAGRAPH, CP1258_TITLE, FakePortal, encode_cp1258
from vnreader.errors import ExtractError, InputError, VnreaderError
from vnreader.extract.encoding import declared_charset, decode_html
from vnreader.extract.fetch import fetch

#: Every Vietnamese vowel with every tone, both cases, and đ/Đ.
_BASES = "aăâeêioôơuưy"
_TONES = ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")
ALL_LETTERS = "".join(
    unicodedata.normalize("NFC", base + tone) for base in _BASES for tone in _TONES
)
ALL_LETTERS += ALL_LETTERS.upper() + "đĐ"


def page(body: str, head: str = "") -> str:
    return f"<html><head>{head}<title>Tin</title></head><body><p>{body}</p></body></html>"


def decode(raw: bytes, content_type: str | None = None) -> str:
    return decode_html(raw, content_type, name="trang.html")


def error(exc_type: type[VnreaderError], raw: bytes, content_type: str | None = None) -> str:
    with pytest.raises(exc_type) as caught:
        decode(raw, content_type)
    message = str(caught.value)
    assert "\n" not in message
    return message


def no_combining_marks(text: str) -> bool:
    return not any(unicodedata.combining(c) for c in text)


# -- UTF-8 -------------------------------------------------------------------------------


def test_utf8_is_read_and_composed_to_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Tiền Giang tổ chức hội nghị")
    text = decode(page(decomposed).encode("utf-8"))
    assert "Tiền Giang tổ chức hội nghị" in text and no_combining_marks(text)


@pytest.mark.parametrize("bom", [codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE])
def test_byte_order_mark_wins_over_labels(bom: bytes) -> None:
    encoding = {codecs.BOM_UTF8: "utf-8"}.get(bom) or (
        "utf-16-le" if bom == codecs.BOM_UTF16_LE else "utf-16-be"
    )
    raw = bom + page("Đời sống người dân", '<meta charset="windows-1258">').encode(encoding)
    text = decode(raw, "text/html; charset=iso-8859-1")
    assert "Đời sống người dân" in text and not text.startswith("\ufeff")


def test_valid_utf8_under_a_legacy_label_is_utf8() -> None:
    raw = page("Ủy ban nhân dân tỉnh", '<meta charset="windows-1258">').encode("utf-8")
    assert "Ủy ban nhân dân tỉnh" in decode(raw, "text/html; charset=iso-8859-1")


def test_a_few_stray_bytes_do_not_spoil_a_utf8_page() -> None:
    raw = page("Tiếng Việt có dấu. " * 40).encode("utf-8")
    raw = raw.replace("dấu.".encode(), b"d\xe1\xbau.", 1)  # one truncated character
    text = decode(raw)
    assert text.count("Tiếng Việt có dấu.") == 39 and "\ufffd" not in text


# -- Windows-1258 ------------------------------------------------------------------------


def test_cp1258_combining_tones_compose() -> None:
    raw = page("Ti\xea\xccn Giang t\xf4\xd2 ch\xfd\xecc h\xf4\xf2i nghi\xf2").encode("latin-1")
    assert "Tiền Giang tổ chức hội nghị" in decode(raw, "text/html; charset=windows-1258")


@pytest.mark.parametrize(
    "label", ["windows-1258", "x-cp1258", "WINDOWS-1258", "cp1258", "'windows-1258'"]
)
def test_cp1258_labels(label: str) -> None:
    raw = encode_cp1258(page(CP1258_PARAGRAPH))
    text = decode(raw, f"text/html; charset={label}")
    assert CP1258_PARAGRAPH in text and no_combining_marks(text)


@pytest.mark.parametrize(
    "head",
    [
        '<meta charset="windows-1258">',
        "<meta charset=windows-1258>",
        '<meta http-equiv="Content-Type" content="text/html; charset=windows-1258">',
        "<META HTTP-EQUIV='content-type' CONTENT='text/html;charset=x-cp1258'>",
    ],
)
def test_cp1258_from_meta_only(head: str) -> None:
    raw = encode_cp1258(page(CP1258_PARAGRAPH, head))
    assert CP1258_PARAGRAPH in decode(raw, "text/html")


def test_cp1258_detected_without_any_declaration() -> None:
    raw = encode_cp1258(page(CP1258_TITLE + ". " + CP1258_PARAGRAPH))
    text = decode(raw)
    assert CP1258_TITLE in text and CP1258_PARAGRAPH in text


def test_every_vietnamese_letter_survives_cp1258() -> None:
    # Two writers: precomposed where cp1258 has the letter (as keyboards do), and the
    # base letter + combining tone for every toned vowel.
    def fully_decomposed(text: str) -> bytes:
        out = bytearray()
        for char in text:
            nfd = unicodedata.normalize("NFD", char)
            tones = "".join(c for c in nfd if c in "\u0300\u0301\u0303\u0309\u0323")
            base = unicodedata.normalize("NFC", nfd.replace(tones, "") if tones else nfd)
            out += (base + tones).encode("cp1258")
        return bytes(out)

    for raw in (encode_cp1258(page(ALL_LETTERS)), fully_decomposed(page(ALL_LETTERS))):
        assert all(bytes([tone]) in raw for tone in b"\xcc\xd2\xde\xec\xf2")
        text = decode(raw, "text/html; charset=windows-1258")
        assert f"<p>{ALL_LETTERS}</p>" in text
        assert text == unicodedata.normalize("NFC", text)


def test_cp1258_bytes_beat_a_servers_default_latin1_label() -> None:
    raw = encode_cp1258(page(CP1258_PARAGRAPH, '<meta charset="windows-1258">'))
    assert CP1258_PARAGRAPH in decode(raw, "text/html; charset=ISO-8859-1")
    assert CP1258_PARAGRAPH in decode(
        encode_cp1258(page(CP1258_PARAGRAPH)), "text/html; charset=latin1"
    )


def test_latin1_label_means_windows_1252_as_in_browsers() -> None:
    raw = page("\x93quoted\x94 caf\xe9").encode("latin-1")
    assert "“quoted” café" in decode(raw, "text/html; charset=ISO-8859-1")


def test_unknown_label_is_ignored() -> None:
    raw = encode_cp1258(page(CP1258_PARAGRAPH, '<meta charset="vn-tcvn-bogus">'))
    assert CP1258_PARAGRAPH in decode(raw)


def test_declared_charset_order() -> None:
    raw = b'<meta charset="windows-1258"><p>x</p>'
    assert declared_charset(raw, "text/html; charset=utf-8") == "utf-8"
    assert declared_charset(raw, "text/html") == "cp1258"
    assert declared_charset(b"<p>x</p>", None) is None


# -- refusals ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "trang.html is a PDF, not a web page"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "trang.html is a PNG image, not a web page"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "trang.html is a JPEG image, not a web page"),
        (b"PK\x03\x04\x14\x00", "trang.html is a ZIP archive or Office document, not a web page"),
        (gzip.compress(b"<html></html>"), "trang.html is gzip-compressed data, not a web page"),
        (b"<html>\x00\x01\x02\x03</html>", "trang.html looks like a binary file, not a web page"),
        (b"", "trang.html is empty"),
        (b" \n\t ", "trang.html is empty"),
    ],
)
def test_binary_and_empty_input(raw: bytes, expected: str) -> None:
    assert error(InputError, raw) == expected


def test_undecodable_bytes() -> None:
    raw = b"<html><body><p>" + bytes(range(0x80, 0x100)) * 20 + b"</p></body></html>"
    message = error(InputError, raw)
    assert message.startswith("trang.html is not in a character encoding vnreader can read")
    assert "(byte 0x80 at offset 15)" in message


def test_plain_text_is_not_an_article_page() -> None:
    raw = "Thông báo: lịch tiếp công dân tháng 12 năm 2019.\nLiên hệ: 0297 3836 000".encode()
    message = error(ExtractError, raw)
    assert message.startswith("trang.html is plain text, not an HTML page")


def test_a_feed_is_not_an_article_page() -> None:
    raw = b'<?xml version="1.0"?>\n<rss version="2.0"><channel><title>T</title></channel></rss>'
    assert "is an RSS or Atom feed, not an article page" in error(ExtractError, raw)


# -- through the fake portal -------------------------------------------------------------


@pytest.mark.parametrize("path", ["/cp1258", "/cp1258-meta", "/cp1258-bare", "/mislabelled"])
def test_portal_pages_in_windows_1258_read_as_vietnamese(portal: FakePortal, path: str) -> None:
    fetched = fetch(portal.url(path))
    if path != "/mislabelled":
        assert b"Ti\xea\xccn Giang" in fetched.body  # really sent as cp1258 with a combining tone
    text = decode_html(fetched.body, fetched.content_type, name=fetched.url)
    assert f'<h1 class="ArticleTitle">{CP1258_TITLE}</h1>' in text
    assert CP1258_PARAGRAPH in text and no_combining_marks(text)
