"""Article images are fetched once at publish time, resized and served from the site."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image

from tests.publish_portal import MiniPortal
from tests.test_cron import one_portal_config
from vnreader.cli import main


@pytest.fixture
def portal() -> MiniPortal:
    server = MiniPortal()
    yield server  # type: ignore[misc]
    server.stop()


def jpeg(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (30, 120, 60)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_images_are_stored_in_the_site_once_and_failures_only_warn(
    portal: MiniPortal, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = portal.add(
        "trao-qua",
        "Trao quà Tết cho hộ nghèo ở ấp Tân Hòa",
        "Ủy ban nhân dân xã trao quà Tết cho các hộ nghèo, hộ cận nghèo trên địa bàn xã.",
    )
    path = url.removeprefix(portal.base_url)
    portal.files["/anh/trao-qua.jpg"] = (jpeg(2400, 1600), "image/jpeg")
    portal.files["/anh/tai-lieu.pdf"] = (b"%PDF-1.4 not an image", "application/pdf")
    portal.images[path] = [
        ("/anh/trao-qua.jpg", "Lãnh đạo xã trao quà cho bà con."),
        ("/anh/khong-co.jpg", "Ảnh đã bị xóa trên cổng."),
        ("/anh/tai-lieu.pdf", "Một tệp không phải ảnh."),
    ]
    config = one_portal_config(tmp_path, portal)
    out = tmp_path / "site"
    assert main(["publish", "--config", str(config)]) == 0  # images never fail an article
    err = capsys.readouterr().err
    assert "image left out" in err and "khong-co.jpg" in err and "tai-lieu.pdf" in err
    (stored,) = (out / "images").iterdir()
    with Image.open(stored) as picture:
        assert picture.format == "JPEG" and picture.size == (1200, 800)
    manifest = json.loads(
        next((tmp_path / ".vnreader" / "sites").glob("*/images.json")).read_text()
    )
    assert manifest == {
        f"{portal.base_url}/anh/trao-qua.jpg": {
            "file": f"images/{stored.name}",
            "width": 1200,
            "height": 800,
        }
    }
    # A second run neither fetches nor writes it again.
    hits = portal.hits["/anh/trao-qua.jpg"]
    mtime = stored.stat().st_mtime_ns
    assert main(["publish", "--config", str(config), "--quiet"]) == 0
    assert portal.hits["/anh/trao-qua.jpg"] == hits == 1
    assert stored.stat().st_mtime_ns == mtime
    # Withdrawn, its image leaves the site too.
    assert main(["withdraw", url, "--config", str(config)]) == 0
    assert not list((out / "images").iterdir())
