"""vnreader serve: the preview server (Range, HEAD, 304, content types, no traversal)."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from vnreader.errors import VnreaderError
from vnreader.publishing.serve import make_server, parse_range

AUDIO = bytes(range(256)) * 40  # 10240 bytes, every offset distinguishable


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp_path = tmp_path_factory.mktemp("serve")
    root = tmp_path / "site"
    (root / "audio").mkdir(parents=True)
    (root / "feeds").mkdir()
    (root / "read" / "bai-1").mkdir(parents=True)
    (root / "audio" / "bai-1.mp3").write_bytes(AUDIO)
    (root / "audio" / "bai-1.vtt").write_text("WEBVTT\n\n", encoding="utf-8")
    (root / "audio" / "bai-1.chapters.json").write_text('{"version": "1.2.0"}', "utf-8")
    (root / "feeds" / "podcast.xml").write_text("<rss/>", encoding="utf-8")
    (root / "feeds" / "feeds.opml").write_text("<opml/>", encoding="utf-8")
    (root / "read" / "index.html").write_text("<p>Mục lục</p>", encoding="utf-8")
    (root / "read" / "bai-1" / "index.html").write_text("<p>Bài</p>", encoding="utf-8")
    (root / "empty.txt").write_bytes(b"")
    (root / ".lock").write_text("", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    (root / "link-out").symlink_to(tmp_path / "secret.txt")
    return root


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[tuple[str, int]]:
    srv = make_server(site, "127.0.0.1", 0, quiet=True)
    thread = threading.Thread(target=srv.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield "127.0.0.1", srv.server_address[1]
    finally:
        srv.shutdown()
        srv.server_close()


def request(
    server: tuple[str, int], path: str, method: str = "GET", **headers: str
) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection(*server, timeout=5)
    try:
        # skip_host etc. are not needed; putrequest keeps the path exactly as written.
        conn.putrequest(method, path, skip_accept_encoding=True)
        for name, value in headers.items():
            conn.putheader(name.replace("_", "-"), value)
        conn.endheaders()
        resp = conn.getresponse()
        body = resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, body
    finally:
        conn.close()


def test_whole_file_with_length_type_and_validators(server: tuple[str, int]) -> None:
    status, headers, body = request(server, "/audio/bai-1.mp3")
    assert status == 200
    assert body == AUDIO
    assert headers["content-type"] == "audio/mpeg"
    assert headers["content-length"] == str(len(AUDIO))
    assert headers["accept-ranges"] == "bytes"
    assert headers["etag"].startswith('"')
    assert headers["last-modified"].endswith("GMT")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/audio/bai-1.mp3", "audio/mpeg"),
        ("/audio/bai-1.vtt", "text/vtt; charset=utf-8"),
        ("/audio/bai-1.chapters.json", "application/json; charset=utf-8"),
        ("/feeds/podcast.xml", "application/rss+xml; charset=utf-8"),
        ("/feeds/feeds.opml", "text/x-opml; charset=utf-8"),
        ("/read/index.html", "text/html; charset=utf-8"),
        ("/read/", "text/html; charset=utf-8"),
    ],
)
def test_content_types(server: tuple[str, int], path: str, expected: str) -> None:
    status, headers, _ = request(server, path)
    assert status == 200
    assert headers["content-type"] == expected


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        ("bytes=0-99", 0, 99),
        ("bytes=100-199", 100, 199),
        ("bytes=10000-", 10000, 10239),  # open range
        ("bytes=-240", 10000, 10239),  # suffix range
        ("bytes=-99999", 0, 10239),  # suffix longer than the file: all of it
        ("bytes=10200-99999", 10200, 10239),  # end past the file: clipped
        ("bytes=10239-10239", 10239, 10239),  # the last byte
    ],
)
def test_range_requests(server: tuple[str, int], header: str, first: int, last: int) -> None:
    status, headers, body = request(server, "/audio/bai-1.mp3", Range=header)
    assert status == 206
    assert headers["content-range"] == f"bytes {first}-{last}/{len(AUDIO)}"
    assert headers["content-length"] == str(last - first + 1)
    assert body == AUDIO[first : last + 1]


@pytest.mark.parametrize("header", ["bytes=10240-", "bytes=99999-100000", "bytes=-0"])
def test_unsatisfiable_range_is_416(server: tuple[str, int], header: str) -> None:
    status, headers, body = request(server, "/audio/bai-1.mp3", Range=header)
    assert status == 416
    assert headers["content-range"] == f"bytes */{len(AUDIO)}"
    assert body == b""


def test_any_range_of_an_empty_file_is_416(server: tuple[str, int]) -> None:
    status, headers, _ = request(server, "/empty.txt", Range="bytes=0-")
    assert status == 416
    assert headers["content-range"] == "bytes */0"


@pytest.mark.parametrize("header", ["bytes=5-1", "items=0-1", "bytes=0-1,5-6", "bytes=-"])
def test_malformed_or_multiple_ranges_get_the_whole_file(
    server: tuple[str, int], header: str
) -> None:
    status, _, body = request(server, "/audio/bai-1.mp3", Range=header)
    assert status == 200
    assert body == AUDIO


def test_if_range_with_a_stale_etag_gets_the_whole_file(server: tuple[str, int]) -> None:
    _, headers, _ = request(server, "/audio/bai-1.mp3")
    status, _, body = request(
        server, "/audio/bai-1.mp3", Range="bytes=0-9", If_Range=headers["etag"]
    )
    assert (status, body) == (206, AUDIO[:10])
    status, _, body = request(server, "/audio/bai-1.mp3", Range="bytes=0-9", If_Range='"old"')
    assert (status, body) == (200, AUDIO)


def test_head_has_the_headers_and_no_body(server: tuple[str, int]) -> None:
    status, headers, body = request(server, "/audio/bai-1.mp3", "HEAD")
    assert status == 200
    assert headers["content-length"] == str(len(AUDIO))
    assert body == b""
    status, headers, body = request(server, "/audio/bai-1.mp3", "HEAD", Range="bytes=-10")
    assert status == 206
    assert headers["content-range"] == f"bytes 10230-10239/{len(AUDIO)}"
    assert body == b""


def test_conditional_requests_get_304(server: tuple[str, int]) -> None:
    _, headers, _ = request(server, "/feeds/podcast.xml")
    status, again, body = request(server, "/feeds/podcast.xml", If_None_Match=headers["etag"])
    assert (status, body) == (304, b"")
    assert again["etag"] == headers["etag"]
    status, _, _ = request(server, "/feeds/podcast.xml", If_Modified_Since=headers["last-modified"])
    assert status == 304
    status, _, body = request(server, "/feeds/podcast.xml", If_None_Match='"something-else"')
    assert (status, body) == (200, b"<rss/>")
    status, _, _ = request(
        server, "/feeds/podcast.xml", If_Modified_Since="Mon, 01 Jan 2001 00:00:00 GMT"
    )
    assert status == 200


def test_a_folder_serves_its_index_and_redirects_without_slash(
    server: tuple[str, int],
) -> None:
    status, _, body = request(server, "/read/bai-1/")
    assert (status, body.decode()) == (200, "<p>Bài</p>")
    status, headers, _ = request(server, "/read/bai-1")
    assert status == 301
    assert headers["location"] == "/read/bai-1/"
    status, _, body = request(server, "/")  # no index.html: a plain listing
    assert status == 200
    assert b'href="audio/"' in body
    assert b".lock" not in body


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt",
        "/../../../../etc/passwd",
        "/audio/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2e%2e/etc/passwd",
        "/audio/..%2f..%2fsecret.txt",
        "/audio/%2e%2e%2f%2e%2e%2fsecret.txt",
        "/..%5csecret.txt",
        "/link-out",
        "/.lock",
        "/audio/bai-1.mp3%00.html",
        "/%ff%fe",
        "/nothing-here.mp3",
    ],
)
def test_nothing_outside_the_folder_or_hidden_is_served(server: tuple[str, int], path: str) -> None:
    status, _, body = request(server, path)
    assert status == 404
    assert b"secret" not in body


def test_other_methods_are_refused(server: tuple[str, int]) -> None:
    status, headers, _ = request(server, "/feeds/podcast.xml", "POST")
    assert status == 405
    assert headers["allow"] == "GET, HEAD"


def test_percent_encoded_vietnamese_names_are_served(site: Path, server: tuple[str, int]) -> None:
    (site / "read" / "tin-tức.html").write_text("ok", encoding="utf-8")
    status, _, body = request(server, "/read/tin-t%E1%BB%A9c.html")
    assert (status, body) == (200, b"ok")


def test_missing_folder_and_busy_port_are_one_line_errors(site: Path, tmp_path: Path) -> None:
    with pytest.raises(VnreaderError, match="is not a folder"):
        make_server(tmp_path / "nope", port=0)
    first = make_server(site, port=0, quiet=True)
    try:
        with pytest.raises(VnreaderError, match="already in use"):
            make_server(site, port=first.server_address[1])
    finally:
        first.server_close()


def test_parse_range_edges() -> None:
    assert parse_range("bytes=0-0", 1) == (0, 0)
    assert parse_range("bytes=1-", 1) is False
    assert parse_range("bytes=-1", 0) is False
    assert parse_range("bytes = 2 - 3", 10) == (2, 3)
    assert parse_range("bytes=", 10) is None


def test_cli_serve_prints_the_url_and_stops_cleanly_on_ctrl_c(site: Path) -> None:
    import re
    import signal
    import subprocess
    import sys
    import time

    proc = subprocess.Popen(
        [sys.executable, "-m", "vnreader.cli", "serve", str(site), "--port", "0", "--quiet"],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        first = proc.stderr.readline()
        match = re.search(r"at http://127\.0\.0\.1:(\d+)/ \(Ctrl-C to stop\)", first)
        assert match, first
        assert proc.stderr.readline().strip().endswith(f":{match[1]}/feeds/podcast.xml")
        status, _, body = request(("127.0.0.1", int(match[1])), "/feeds/podcast.xml")
        assert (status, body) == (200, b"<rss/>")
        time.sleep(0.1)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
        assert proc.stderr.read() == "stopped\n"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_cli_serve_of_a_missing_folder_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from vnreader.cli import main

    assert main(["serve", str(tmp_path / "nope"), "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is not a folder" in err
