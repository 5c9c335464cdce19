"""`vnreader clean`: the JSON of docs/extraction.md, text output, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fakeportal import FakePortal

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "tests" / "fixtures" / "pages"
CONTRACT_KEYS = {
    "title",
    "lead",
    "published",
    "author",
    "category",
    "paragraphs",
    "captions",
    "url",
}


def run(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "vnreader.cli", *args], input=stdin, capture_output=True, check=False
    )


def test_seed_page_cleans_to_its_gold_as_json() -> None:
    result = run("clean", str(PAGES / "tanhiep_seed.html"))
    assert result.returncode == 0, result.stderr.decode()
    got = json.loads(result.stdout)
    gold = json.loads((PAGES / "tanhiep_seed.json").read_text("utf-8"))
    assert CONTRACT_KEYS <= set(got)
    assert {k: got[k] for k in CONTRACT_KEYS} == {k: gold[k] for k in CONTRACT_KEYS}


def test_stdin_and_text_format() -> None:
    page = (PAGES / "tanhiep_seed.html").read_bytes()
    result = run("clean", "-", "--format", "text", stdin=page)
    assert result.returncode == 0, result.stderr.decode()
    text = result.stdout.decode()
    assert text.startswith("Huyện Tân Hiệp Hội nghị BCH Huyện ủy mở rộng")
    assert "15:53 19/12/2019" in text and text.rstrip().endswith("Tiến Đức")
    for leak in ("Xem với cỡ chữ", ".jpg", "Các tin khác", "Lượt xem", "Chia sẻ"):
        assert leak not in text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "PDF"),
        ("Chỉ là một dòng chữ, không phải trang web.\n".encode(), "not"),
    ],
)
def test_bad_input_is_one_line_exit_2(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(content)
    result = run("clean", str(path))
    err = result.stderr.decode()
    assert result.returncode == 2, err
    assert err.count("\n") == 1 and "Traceback" not in err and message in err
    assert result.stdout == b""


def test_missing_file_and_unreachable_host() -> None:
    result = run("clean", "no-such-page.html")
    assert result.returncode == 2 and "no such file" in result.stderr.decode()
    # Port 9 on loopback: nothing listens there, the connection is refused at once.
    result = run("clean", "http://127.0.0.1:9/tin-tuc/bai-viet.html")
    err = result.stderr.decode()
    assert result.returncode == 2 and err.count("\n") == 1 and "Traceback" not in err


def test_clean_url_twice_with_a_cache_asks_only_whether_it_changed(
    portal: FakePortal, tmp_path: Path
) -> None:
    url = f"{portal.base_url}/cached"
    cache = str(tmp_path / "cache")
    first = run("clean", url, "--cache-dir", cache, "--timeout", "5")
    second = run("clean", url, "--cache-dir", cache, "--timeout", "5")
    assert first.returncode == second.returncode == 0, second.stderr.decode()
    assert first.stdout == second.stdout
    assert json.loads(second.stdout)["published"] == "2019-12-19T15:53:00+07:00"
    assert portal.hits["/cached"] == 2  # the second run was a conditional request (304)
    assert portal.seen["/cached"][-1].get("if-none-match") == FakePortal.ETAG
