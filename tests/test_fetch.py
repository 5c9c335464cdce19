"""fetch(): every bad case is one clear FetchError line; retries, size cap and cache hold.

All traffic goes to the fake portal on 127.0.0.1 (tests/fakeportal.py).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.fakeportal import PAGES, SEED_PATH, FakePortal
from vnreader.errors import FetchError, InputError, VnreaderError
from vnreader.extract import extract_article
from vnreader.extract import fetch as fetch_module
from vnreader.extract.encoding import decode_html
from vnreader.extract.fetch import fetch

SEED_BYTES = (PAGES / "tanhiep_seed.html").read_bytes()


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Backoff delays fetch asked for, recorded instead of slept (tests stay fast)."""
    asked: list[float] = []
    monkeypatch.setattr(fetch_module, "_sleep", asked.append)
    return asked


def failure(url: str, **kwargs: object) -> str:
    """The message of the FetchError ``fetch(url)`` raises; it must be one line."""
    with pytest.raises(FetchError) as caught:
        fetch(url, **kwargs)  # type: ignore[arg-type]
    message = str(caught.value)
    assert "\n" not in message and message.strip() == message
    return message


# -- a good page -------------------------------------------------------------------------


def test_seed_page_is_fetched_whole(portal: FakePortal) -> None:
    page = fetch(portal.url(SEED_PATH))
    assert page.status == 200
    assert page.body == SEED_BYTES
    assert page.url == portal.url(SEED_PATH)
    assert page.content_type == "text/html; charset=utf-8"
    assert not page.not_modified


def test_user_agent_is_honest_and_language_is_vietnamese(
    portal: FakePortal, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VNREADER_CONTACT", "admin@example.org")
    fetch(portal.url(SEED_PATH))
    sent = portal.seen[SEED_PATH][0]
    assert sent["user-agent"].startswith("vnreader/")
    assert "contact: admin@example.org" in sent["user-agent"]
    assert "Mozilla" not in sent["user-agent"]
    assert sent["accept-language"].startswith("vi")
    assert "gzip" in sent["accept-encoding"]
    assert "if-none-match" not in sent  # no cache: never conditional


def test_gzip_body_arrives_decompressed(portal: FakePortal) -> None:
    page = fetch(portal.url("/gzip"))
    assert page.body.startswith(b"<!DOCTYPE html>")
    assert "Tiền Giang" in decode_html(page.body, page.content_type, name="gzip")


def test_redirects_are_followed_to_the_final_address(portal: FakePortal) -> None:
    page = fetch(portal.url("/old-address"))
    assert page.url == portal.url(SEED_PATH)
    assert page.body == SEED_BYTES
    assert fetch(portal.url("/chain/3")).url == portal.url(SEED_PATH)


def test_extract_article_reads_a_url_through_fetch(portal: FakePortal) -> None:
    pytest.importorskip("vnreader.extract.content")
    article = extract_article(portal.url(SEED_PATH))
    assert article.title.startswith("Huyện Tân Hiệp Hội nghị BCH Huyện ủy")


# -- HTTP errors -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/khong-co-trang-nay", "answered 404 Not Found"),
        ("/error", "answered 500 Internal Server Error"),
        ("/gone", "answered 410 Gone"),
    ],
)
def test_http_errors_name_the_status_and_are_not_retried(
    portal: FakePortal, sleeps: list[float], path: str, expected: str
) -> None:
    message = failure(portal.url(path), retries=2)
    assert message == f"{portal.url(path)} {expected}"
    assert portal.hits[path] == 1 and sleeps == []


def test_unreachable_host_is_one_line_after_bounded_retries(sleeps: list[float]) -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    message = failure(f"http://127.0.0.1:{port}/tin-tuc", retries=2)
    assert message == f"cannot reach 127.0.0.1:{port}: connection refused (3 attempts)"
    assert len(sleeps) == 2


def test_slow_page_times_out_quickly(portal: FakePortal) -> None:
    start = time.monotonic()
    message = failure(portal.url("/slow?delay=2"), timeout=0.3, retries=0)
    assert message == f"{portal.url('/slow?delay=2')} did not answer within 0.3 s"
    assert time.monotonic() - start < 1.5


def test_timeouts_are_retried_a_bounded_number_of_times(
    portal: FakePortal, sleeps: list[float]
) -> None:
    message = failure(portal.url("/slow?delay=1"), timeout=0.2, retries=1)
    assert message.endswith("did not answer within 0.2 s (2 attempts)")
    assert portal.hits["/slow"] == 2 and len(sleeps) == 1


# -- retries -----------------------------------------------------------------------------


def test_503_then_200_is_retried_and_succeeds(portal: FakePortal, sleeps: list[float]) -> None:
    page = fetch(portal.url("/flaky?fail=1"), retries=2)
    assert page.status == 200 and page.body == SEED_BYTES
    assert portal.hits["/flaky"] == 2
    assert len(sleeps) == 1


def test_retries_are_bounded_and_back_off_exponentially(
    portal: FakePortal, sleeps: list[float]
) -> None:
    message = failure(portal.url("/down"), retries=3)
    assert message == f"{portal.url('/down')} answered 503 Service Unavailable (4 attempts)"
    assert portal.hits["/down"] == 4
    base = fetch_module.BACKOFF_BASE
    assert len(sleeps) == 3
    for n, delay in enumerate(sleeps):  # base * 2**n, plus at most a quarter of jitter
        assert base * 2**n <= delay <= base * 2**n * 1.25


def test_no_retries_means_one_request(portal: FakePortal, sleeps: list[float]) -> None:
    failure(portal.url("/down"), retries=0)
    assert portal.hits["/down"] == 1 and sleeps == []


def test_retry_after_is_honoured(portal: FakePortal, sleeps: list[float]) -> None:
    page = fetch(portal.url("/throttled"), retries=1)
    assert page.status == 200
    assert portal.hits["/throttled"] == 2
    assert sleeps[0] >= 2  # the server asked for 2 s, more than the first backoff


@pytest.mark.parametrize("path", ["/busy", "/busy-date"])
def test_long_retry_after_fails_at_once(portal: FakePortal, sleeps: list[float], path: str) -> None:
    message = failure(portal.url(path), retries=2)
    assert "(it asks to retry after" in message
    assert portal.hits[path] == 1 and sleeps == []


# -- redirects ---------------------------------------------------------------------------


def test_redirect_loop_is_named(portal: FakePortal) -> None:
    message = failure(portal.url("/loop/a"))
    assert message == f"{portal.url('/loop/a')} redirects in a loop (/loop/a → /loop/b → /loop/a)"
    assert portal.hits["/loop/a"] == 1  # a loop is not retried


def test_too_many_redirects(portal: FakePortal) -> None:
    message = failure(portal.url("/chain/12"))
    assert message == f"{portal.url('/chain/12')} redirects more than 10 times"


def test_redirect_to_another_scheme_is_refused(portal: FakePortal) -> None:
    message = failure(portal.url("/to-ftp"))
    assert "redirects to ftp://127.0.0.1/baocao.pdf, which is not an http(s) address" in message


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/a.html", "file:///etc/passwd", "tin-tuc/a"])
def test_only_http_and_https(url: str) -> None:
    assert failure(url) == f"only http:// and https:// addresses can be fetched, not {url}"


# -- size cap ----------------------------------------------------------------------------


def test_huge_page_stops_at_the_cap_while_streaming(portal: FakePortal) -> None:
    start = time.monotonic()
    assert failure(portal.url("/huge")) == f"{portal.url('/huge')} is larger than 10 MB"
    assert time.monotonic() - start < 5


def test_declared_huge_page_is_refused_before_download(portal: FakePortal) -> None:
    message = failure(portal.url("/huge-declared"))
    assert message == f"{portal.url('/huge-declared')} is larger than 10 MB (it says 20 MB)"


def test_gzip_bomb_is_capped_on_decompressed_size(portal: FakePortal) -> None:
    assert failure(portal.url("/bomb")) == f"{portal.url('/bomb')} is larger than 10 MB"


def test_cap_is_configurable(portal: FakePortal) -> None:
    message = failure(portal.url(SEED_PATH), max_bytes=2000)
    assert message == f"{portal.url(SEED_PATH)} is larger than 2 kB (it says 9.5 kB)"
    assert fetch(portal.url(SEED_PATH), max_bytes=len(SEED_BYTES)).body == SEED_BYTES


# -- not a web page ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "what"),
    [("/baocao.pdf", "is a PDF, not a web page"), ("/anh.png", "is an image, not a web page")],
)
def test_non_html_content_types_are_refused(portal: FakePortal, path: str, what: str) -> None:
    assert failure(portal.url(path)) == f"{portal.url(path)} {what}"


def test_pdf_sent_as_octet_stream_or_html_is_caught_by_its_bytes(portal: FakePortal) -> None:
    for path in ("/download", "/pdf-as-html"):
        page = fetch(portal.url(path))
        with pytest.raises(InputError, match=r"is a PDF, not a web page$"):
            decode_html(page.body, page.content_type, name=page.url)


def test_empty_page(portal: FakePortal) -> None:
    assert failure(portal.url("/empty")) == f"{portal.url('/empty')} answered with an empty page"


def test_every_url_failure_of_extract_article_is_a_vnreader_error(portal: FakePortal) -> None:
    for path in ("/baocao.pdf", "/empty", "/plain.txt", "/download", "/khong-co"):
        with pytest.raises(VnreaderError) as caught:
            extract_article(portal.url(path))
        assert "\n" not in str(caught.value)


# -- cache and conditional requests ------------------------------------------------------


def test_second_fetch_is_conditional_and_answered_304(portal: FakePortal, tmp_path: Path) -> None:
    first = fetch(portal.url("/cached"), cache_dir=tmp_path)
    assert first.status == 200 and not first.not_modified
    assert first.etag == FakePortal.ETAG and first.last_modified == FakePortal.LAST_MODIFIED
    assert len(list(tmp_path.iterdir())) == 2  # validators + body, no temp files left

    second = fetch(portal.url("/cached"), cache_dir=tmp_path)
    assert second.not_modified and second.status == 304
    assert second.body == first.body == SEED_BYTES
    assert second.url == first.url and second.content_type == first.content_type
    assert portal.hits["/cached"] == 2
    sent = portal.seen["/cached"][1]
    assert sent["if-none-match"] == FakePortal.ETAG
    assert sent["if-modified-since"] == FakePortal.LAST_MODIFIED


def test_damaged_cache_means_a_full_fetch(portal: FakePortal, tmp_path: Path) -> None:
    fetch(portal.url("/cached"), cache_dir=tmp_path)
    body = next(tmp_path.glob("*.body"))
    body.write_bytes(b"<html>truncated")
    again = fetch(portal.url("/cached"), cache_dir=tmp_path)
    assert again.status == 200 and not again.not_modified and again.body == SEED_BYTES
    assert "if-none-match" not in portal.seen["/cached"][1]
    # ...and the full answer repaired the cache.
    assert fetch(portal.url("/cached"), cache_dir=tmp_path).not_modified


def test_pages_without_validators_are_not_cached(portal: FakePortal, tmp_path: Path) -> None:
    fetch(portal.url(SEED_PATH), cache_dir=tmp_path / "cache")
    fetch(portal.url(SEED_PATH), cache_dir=tmp_path / "cache")
    assert not (tmp_path / "cache").exists()
    assert all("if-none-match" not in h for h in portal.seen[SEED_PATH])


def test_changed_page_replaces_the_cache_and_lost_validators_clear_it(
    portal: FakePortal, tmp_path: Path
) -> None:
    url = portal.url("/changing")
    bodies = [fetch(url, cache_dir=tmp_path) for _ in range(4)]
    assert [b.not_modified for b in bodies] == [False] * 4
    assert b"B\xe1\xba\xa3n tin l\xe1\xba\xa7n 2" in bodies[1].body  # "Bản tin lần 2"
    sent = [h.get("if-none-match") for h in portal.seen["/changing"]]
    assert sent == [None, '"v1"', '"v2"', None]
    assert list(tmp_path.iterdir()) == []


# -- one run, one connection ---------------------------------------------------------------


class _KeepAliveHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keeps the connection open between requests

    def setup(self) -> None:
        super().setup()
        self.server.connections += 1  # type: ignore[attr-defined]

    def do_GET(self) -> None:
        body = b"<!DOCTYPE html><html><body><p>Trang " + self.path.encode() + b"</p></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def keepalive() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _KeepAliveHandler)
    server.connections = 0  # type: ignore[attr-defined]
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_a_session_keeps_one_connection_for_a_run(keepalive: ThreadingHTTPServer) -> None:
    base = f"http://127.0.0.1:{keepalive.server_address[1]}"
    with fetch_module.session() as outer:
        with fetch_module.session() as inner:  # a nested run shares the outer session
            assert inner is outer
            pages = [fetch(f"{base}/tin/{n}") for n in range(5)]
        pages.append(fetch(f"{base}/tin/5"))
    assert [p.body.count(b"/tin/") for p in pages] == [1] * 6
    assert keepalive.connections == 1  # type: ignore[attr-defined]


def test_without_a_session_each_fetch_has_its_own_connection(
    keepalive: ThreadingHTTPServer,
) -> None:
    base = f"http://127.0.0.1:{keepalive.server_address[1]}"
    for n in range(3):
        assert fetch(f"{base}/tin/{n}").status == 200
    assert keepalive.connections == 3  # type: ignore[attr-defined]


def test_a_session_survives_a_server_that_closed_its_end(portal: FakePortal) -> None:
    # The fake portal answers with HTTP/1.0 and closes every connection: the session
    # must open a new one for each page rather than fail on the closed one.
    with fetch_module.session():
        bodies = [fetch(portal.url(SEED_PATH)).body for _ in range(3)]
    assert bodies == [SEED_BYTES] * 3
