"""The three top-level calls, used the way a Python user would: only ``import vnreader``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import vnreader

SEED = Path(__file__).parent / "fixtures" / "pages" / "tanhiep_seed.html"

#: A short article page, so that narrating it takes a second.
SHORT_PAGE = """<!doctype html><html lang="vi"><head><meta charset="utf-8">
<title>Xã Thạnh Đông ra quân dọn vệ sinh kênh rạch</title></head><body>
<nav><a href="/">Trang chủ</a> | <a href="/tin-tuc">Tin tức</a></nav>
<article><h1>Xã Thạnh Đông ra quân dọn vệ sinh kênh rạch</h1>
<p class="date">Ngày đăng: 02/12/2026</p>
<p>Sáng ngày 01/12/2026, UBND xã Thạnh Đông tổ chức ra quân dọn vệ sinh 12 km kênh rạch
trên địa bàn xã, có hơn 300 đoàn viên, hội viên tham gia.</p>
<p>Đ/c Nguyễn Văn An, Phó Chủ tịch UBND xã, đề nghị các ấp duy trì phong trào hằng tháng.</p>
</article><footer>Bản quyền thuộc UBND xã Thạnh Đông</footer></body></html>"""


def test_clean_reads_a_saved_page_a_string_and_bytes() -> None:
    from_file = vnreader.clean(SEED)
    assert isinstance(from_file, vnreader.Article)
    assert "Hội nghị" in from_file.title or "hội nghị" in from_file.title.lower()
    assert len(from_file.paragraphs) >= 3

    from_text = vnreader.clean(SHORT_PAGE, url="https://thanhdong.example.gov.vn/tin/1")
    assert from_text.title == "Xã Thạnh Đông ra quân dọn vệ sinh kênh rạch"
    body = "\n".join(from_text.paragraphs)
    assert "Trang chủ" not in body and "Bản quyền" not in body
    assert "300 đoàn viên" in body

    from_bytes = vnreader.clean(SHORT_PAGE.encode("utf-8"))
    assert from_bytes.title == from_text.title
    assert from_bytes.paragraphs == from_text.paragraphs


def test_clean_of_a_missing_file_is_a_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(vnreader.VnreaderError) as caught:
        vnreader.clean(tmp_path / "nowhere.html")
    assert "no such file" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_narrate_an_article_or_a_page(tmp_path: Path) -> None:
    narration = vnreader.narrate(vnreader.clean(SHORT_PAGE), tmp_path / "a.mp3")
    assert narration.mp3 == tmp_path / "a.mp3"
    assert narration.mp3.read_bytes()[:3] in (b"ID3", b"\xff\xfb")
    assert narration.duration_ms > 5_000
    vtt = narration.vtt.read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT")
    # The transcript shows the sentences as written, one cue each, in order.
    assert "UBND xã Thạnh Đông tổ chức" in vtt
    starts = [cue.start_ms for cue in narration.cues]
    assert len(starts) >= 3 and starts == sorted(starts)
    chapters = json.loads(narration.chapters_json.read_text(encoding="utf-8"))
    assert chapters["chapters"]

    saved = tmp_path / "page.html"
    saved.write_text(SHORT_PAGE, encoding="utf-8")
    again = vnreader.narrate(saved, tmp_path / "b.mp3", rate=120)
    assert 0 < again.duration_ms < narration.duration_ms


def test_narrate_refuses_an_unknown_option(tmp_path: Path) -> None:
    with pytest.raises(vnreader.VnreaderError, match="no option 'speed'"):
        vnreader.narrate(vnreader.clean(SHORT_PAGE), tmp_path / "a.mp3", speed=2)
    assert not (tmp_path / "a.mp3").exists()


def test_publish_a_site_then_publish_it_again(tmp_path: Path) -> None:
    page = tmp_path / "bai-viet.html"
    page.write_text(SHORT_PAGE, encoding="utf-8")
    out = tmp_path / "site"
    first = vnreader.publish(
        [page], out, portal_name="UBND xã Thạnh Đông", base_url="https://example.gov.vn/doc/"
    )
    assert (first.published, first.failed, first.exit_code) == (1, [], 0)
    feed = (out / "feeds" / "podcast.xml").read_text(encoding="utf-8")
    assert "Xã Thạnh Đông ra quân dọn vệ sinh kênh rạch" in feed
    assert "https://example.gov.vn/doc/" in feed
    assert list(out.glob("**/*.mp3"))

    second = vnreader.publish(
        [page], out, portal_name="UBND xã Thạnh Đông", base_url="https://example.gov.vn/doc/"
    )
    assert (second.published, second.unchanged, second.written) == (0, 1, [])


def test_publish_refuses_an_unknown_setting(tmp_path: Path) -> None:
    with pytest.raises(vnreader.VnreaderError, match="colour"):
        vnreader.publish([], tmp_path / "site", colour="red")
    assert not (tmp_path / "site").exists()


def test_import_vnreader_stays_light_and_is_typed() -> None:
    code = (
        "import sys, vnreader\n"
        "heavy = [m for m in ('lxml', 'httpx', 'jinja2', 'feedgen', 'vnreader.extract',"
        " 'vnreader.speech', 'vnreader.publishing') if m in sys.modules]\n"
        "print(heavy)\n"
        "print(callable(vnreader.clean), callable(vnreader.narrate), callable(vnreader.publish))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split("\n")[:2] == ["[]", "True True True"]
    assert (Path(vnreader.__file__).parent / "py.typed").is_file()
