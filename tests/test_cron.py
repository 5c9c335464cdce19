"""The operator's path, as cron runs it: `vnreader publish` with no SOURCE, day after day.

A fake portal on 127.0.0.1 (a paged listing and an RSS feed) changes between runs; the CLI
publishes from the sources configured in vnreader.toml, several portals from one file,
withdraws and restores articles, and keeps its state outside the served folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import feedparser
import pytest

from tests.publish_portal import MiniPortal, served_portal  # noqa: F401 (the portal fixture)
from tests.test_publish import check_site
from vnreader.cli import main

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://tanhiep.example.gov.vn/podcast/"

TOPICS = (
    "Hội nghị sơ kết công tác cải cách hành chính sáu tháng đầu năm",
    "Ra quân tổng vệ sinh môi trường trên các tuyến đường chính",
    "Tập huấn kỹ thuật trồng lúa an toàn cho hội viên nông dân",
    "Tổ chức tiếp công dân định kỳ tại trụ sở ủy ban nhân dân xã",
    "Trao nhà đại đoàn kết cho hộ nghèo ở ấp Tân Hòa",
    "Khai giảng lớp bồi dưỡng lý luận chính trị cho đảng viên mới",
    "Kiểm tra công tác phòng chống dịch bệnh trên đàn gia súc",
    "Phát động phong trào thi đua xây dựng nông thôn mới nâng cao",
)


def add(portal: MiniPortal, i: int, day: int = 20) -> str:
    title = TOPICS[i % len(TOPICS)]
    text = f"Sáng ngày {day}/12, xã tổ chức {title.lower()}, có {i + 2} hộ tham gia."
    return portal.add(f"bai-viet-so-{i}", title, text, when=f"{day}/12/2019 0{i % 9}:00")


def write_config(folder: Path, body: str) -> Path:
    path = folder / "vnreader.toml"
    path.write_text(body, encoding="utf-8")
    return path


def one_portal_config(folder: Path, portal: MiniPortal, pages: int = 5) -> Path:
    return write_config(
        folder,
        f"""portal_name = "Cổng thông tin điện tử xã Tân Hiệp"
base_url = "{BASE}"
out_dir = "site"
sources = [
    {{ url = "{portal.listing_url}", pages = {pages} }},
    "{portal.rss_url}",
]
""",
    )


def snapshot(out: Path) -> dict[str, tuple[str, int]]:
    """Every file of the site: its sha256 and mtime."""
    return {
        path.relative_to(out).as_posix(): (
            hashlib.sha256(path.read_bytes()).hexdigest(),
            path.stat().st_mtime_ns,
        )
        for path in sorted(out.rglob("*"))
        if path.is_file()
    }


def guids(out: Path) -> dict[str, str]:
    """Main feed: title → guid."""
    feed = feedparser.parse((out / "feeds" / "podcast.xml").read_bytes())
    return {entry.title: entry.id for entry in feed.entries}


def test_day_by_day_from_configured_sources(
    portal: MiniPortal, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = one_portal_config(tmp_path, portal)
    out = tmp_path / "site"
    urls = [add(portal, i) for i in range(5)]  # two listing pages of 3

    # Day 1: every article of both listing pages, from the configured sources (no SOURCE).
    assert main(["publish", "--config", str(config)]) == 0
    err = capsys.readouterr().err
    assert "5 published, 0 updated, 0 unchanged, 0 failed" in err
    assert portal.hits["/tin-tuc?page=2"] == 1  # the second page was followed
    check_site(out, BASE)
    day1 = guids(out)
    assert len(day1) == 5
    # The folder holds only what is served: no catalog, lock or cache in it.
    assert not [p for p in out.rglob(".*")]
    assert not [p for p in out.rglob("*.sqlite*")]
    assert (tmp_path / ".vnreader").is_dir()

    # Day 2: two new articles, one edited, one gone (404 while still listed).
    new = [add(portal, 5), add(portal, 6)]
    portal.edit(urls[1], "Nội dung đã được sửa: buổi làm việc dời sang chiều ngày 21/12.")
    portal.remove(urls[3])
    mp3_before = {p.name for p in (out / "audio").glob("*.mp3")}
    assert main(["publish", "--config", str(config)]) == 1
    err = capsys.readouterr().err
    assert "2 published, 1 updated" in err
    assert f"{urls[3]}: " in err and "404" in err  # the failure is named with its reason
    check_site(out, BASE)
    day2 = guids(out)
    assert len(day2) == 7  # the gone article stays published: nothing lost
    assert {t: g for t, g in day2.items() if t in day1} == day1  # every guid kept
    mp3_after = {p.name for p in (out / "audio").glob("*.mp3")}
    changed = mp3_after - mp3_before
    assert len([n for n in changed if not n.startswith("digest-")]) == 3  # 2 new + 1 edited
    for url in new:
        assert portal.hits[url.removeprefix(portal.base_url)] >= 1

    # Day 3: nothing changes on the portal: not one byte of the site changes.
    before = snapshot(out)
    code = main(["publish", "--config", str(config)])
    assert code == 1  # the gone article is still failing, and still named
    assert snapshot(out) == before

    # The status says it all, as JSON for monitoring.
    assert main(["status", "--config", str(config), "--json"]) == 1
    status = json.loads(capsys.readouterr().out)
    (site,) = status["portals"]
    assert status["version"] == 1
    assert site["articles"] == 7
    assert site["feed_url"] == BASE + "feeds/podcast.xml"
    assert site["last_run"]["exit_code"] == 1
    (failure,) = site["failures"]
    assert failure["source"] == urls[3] and failure["attempts"] == 2 and "404" in failure["reason"]
    assert site["disk_bytes"]["site"] > 0


def test_the_extract_package_keeps_its_discover_function() -> None:
    """The crash of the cron path: a submodule named discover shadowed the function."""
    import vnreader.extract
    import vnreader.extract.discovery

    assert callable(vnreader.extract.discover)


def test_pagination_stops_when_a_page_brings_nothing_new(
    portal: MiniPortal, tmp_path: Path
) -> None:
    config = one_portal_config(tmp_path, portal)
    for i in range(5):
        add(portal, i)
    assert main(["publish", "--config", str(config), "--quiet"]) == 0
    pages_before = portal.hits["/tin-tuc?page=2"]
    add(portal, 5)  # page 1 now has one new article and two known ones
    assert main(["publish", "--config", str(config), "--quiet"]) == 0
    assert portal.hits["/tin-tuc?page=2"] == pages_before + 1
    assert main(["publish", "--config", str(config), "--quiet"]) == 0
    assert portal.hits["/tin-tuc?page=2"] == pages_before + 1  # page 1 all known: stop there


def test_robots_txt_is_honoured(
    portal: MiniPortal, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = one_portal_config(tmp_path, portal)
    urls = [add(portal, i) for i in range(2)]
    portal.robots = f"User-agent: *\nDisallow: {urls[0].removeprefix(portal.base_url)}\n"
    assert main(["publish", "--config", str(config)]) == 1
    assert "robots.txt does not allow" in capsys.readouterr().err
    assert portal.hits[urls[0].removeprefix(portal.base_url)] == 0
    assert len(guids(tmp_path / "site")) == 1


def test_two_portals_from_one_file_one_failing(
    portal: MiniPortal, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for i in range(3):
        add(portal, i)
    config = write_config(
        tmp_path,
        f"""portal_name = "Cổng thông tin điện tử tỉnh"
base_url = "{BASE}"
out_dir = "sites"

[portals.tan-hiep]
portal_name = "Cổng thông tin điện tử xã Tân Hiệp"
sources = ["{portal.rss_url}"]

[portals.thanh-dong]
portal_name = "Cổng thông tin điện tử xã Thạnh Đông"
sources = ["http://127.0.0.1:9/rss"]
""",
    )
    assert main(["publish", "--config", str(config)]) == 1
    err = capsys.readouterr().err
    assert "thanh-dong:" in err and "127.0.0.1:9" in err
    good, bad = tmp_path / "sites" / "tan-hiep", tmp_path / "sites" / "thanh-dong"
    check_site(good, BASE + "tan-hiep/")
    assert len(guids(good)) == 3
    assert (bad / "feeds" / "podcast.xml").is_file() and not guids(bad)
    # Each portal has its own catalog and lock in the state folder, none in the sites.
    assert sorted(p.name for p in (tmp_path / ".vnreader" / "sites").iterdir()) == [
        "tan-hiep",
        "thanh-dong",
    ]
    assert not list((tmp_path / "sites").rglob(".*"))
    # --portal runs one of them.
    assert main(["publish", "--config", str(config), "--portal", "tan-hiep", "--quiet"]) == 0
    assert main(["publish", "--config", str(config), "--portal", "tan-hiepp"]) == 2
    assert "did you mean 'tan-hiep'" in capsys.readouterr().err


def test_withdraw_keeps_an_article_out_until_restored(
    portal: MiniPortal, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = one_portal_config(tmp_path, portal)
    out = tmp_path / "site"
    urls = [add(portal, i) for i in range(3)]
    assert main(["publish", "--config", str(config), "--quiet"]) == 0
    before = guids(out)
    title = TOPICS[1]
    slug = "ra-quan-tong-ve-sinh-moi-truong-tren-cac-tuyen-duong-chinh"
    assert (out / "read" / f"{slug}.html").is_file()
    # Withdrawn by its address on the portal …
    assert main(["withdraw", urls[1], "--config", str(config), "--reason", "sai số liệu"]) == 0
    after = guids(out)
    assert title not in after and len(after) == 2
    assert not any("ra-quan-tong-ve-sinh" in p.name for p in (out / "audio").iterdir())
    assert not (out / "read" / f"{slug}.html").exists()
    check_site(out, BASE)
    # The portal still lists it: a later run keeps it out.
    assert main(["publish", "--config", str(config)]) == 0
    assert "1 withdrawn" in capsys.readouterr().err
    assert title not in guids(out)
    # … restored by its slug, with its old guid.
    assert main(["restore", slug, "--config", str(config)]) == 0
    assert guids(out) == before
    check_site(out, BASE)
    assert main(["withdraw", "no-such-article", "--config", str(config)]) == 2


def test_kill_9_during_a_two_portal_publish(portal: MiniPortal, tmp_path: Path) -> None:
    """Killed at random moments, each site stays complete and valid; the next run finishes."""
    other = MiniPortal()
    try:
        for i in range(4):
            add(portal, i)
            add(other, i + 4, day=21)
        config = write_config(
            tmp_path,
            f"""base_url = "{BASE}"
out_dir = "sites"
[portals.a]
sources = ["{portal.rss_url}"]
[portals.b]
sources = ["{other.rss_url}"]
""",
        )
        command = [sys.executable, "-m", "vnreader.cli", "publish", "--config", str(config)]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        rng = random.Random(20191220)
        for _ in range(3):
            child = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.5, 6.0))
            child.send_signal(signal.SIGKILL)
            child.wait()
            for name in ("a", "b"):
                site = tmp_path / "sites" / name
                if (site / "feeds" / "podcast.xml").exists():
                    check_site(site, f"{BASE}{name}/")
        assert subprocess.run(command, env=env, stderr=subprocess.DEVNULL).returncode == 0
        for name in ("a", "b"):
            site = tmp_path / "sites" / name
            check_site(site, f"{BASE}{name}/")
            assert len(guids(site)) == 4
            assert not list(site.rglob(".*"))
    finally:
        other.stop()


# -- bad input, old sites, the terminal -------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('portal_nam = "X"\n', "unknown setting 'portal_nam' (did you mean 'portal_name'?)"),
        ('rate = "fast"\n', "rate: must be a whole number of percent"),
        ('sources = ["tinh.example.gov.vn/tin-tuc"]\n', "write it 'https://tinh.example"),
        ('sources = ["ftp://x.gov.vn/a"]\n', "must be an http:// or https:// address"),
        ('sources = [{ url = "https://x.gov.vn/", pagez = 3 }]\n', "unknown source option"),
        (
            '[portals.a]\nout_dir = "site"\n[portals.b]\nout_dir = "site"\n',
            "[portals.a] and [portals.b] share the output folder",
        ),
        ('[portals."xã 1"]\n', "a portal's name is letters, digits"),
        ('state_dir = "site/.state"\n', "is inside the output folder"),
    ],
)
def test_bad_settings_exit_2_with_one_line_and_write_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str, message: str
) -> None:
    config = write_config(tmp_path, body)
    assert main(["publish", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("vnreader: error: ")
    assert str(config) in err and message in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vnreader.toml"]


def test_a_missing_file_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "site"
    assert main(["publish", str(tmp_path / "khong-co.html"), "--out", str(out)]) == 2
    assert capsys.readouterr().err == (
        f"vnreader: error: {tmp_path / 'khong-co.html'}: no such file\n"
    )


def test_an_old_site_is_moved_out_of_the_served_folder(portal: MiniPortal, tmp_path: Path) -> None:
    """A site of vnreader 0.1 kept its catalog and caches in OUT/.vnreader and OUT/.cache."""
    config = one_portal_config(tmp_path, portal)
    out = tmp_path / "site"
    for i in range(2):
        add(portal, i)
    assert main(["publish", "--config", str(config), "--quiet"]) == 0
    before = guids(out)
    state = tmp_path / ".vnreader"
    (site_state,) = (state / "sites").iterdir()
    (out / ".vnreader").mkdir()
    for path in site_state.iterdir():
        if path.name != "lock":
            path.rename(out / ".vnreader" / path.name)
    (state / "cache").rename(out / ".cache")
    (out / ".vnreader.lock").write_text("")
    mp3 = {p.name: p.stat().st_mtime_ns for p in (out / "audio").glob("*.mp3")}
    assert main(["publish", "--config", str(config), "--quiet"]) == 0
    assert not list(out.rglob(".*"))
    assert (site_state / "catalog.sqlite").is_file() and (state / "cache" / "chunks").is_dir()
    assert guids(out) == before
    # Nothing narrated again: the catalog moved with its rows, the audio is the same.
    assert {p.name: p.stat().st_mtime_ns for p in (out / "audio").glob("*.mp3")} == mp3


def test_progress_bar_on_a_terminal_only(portal: MiniPortal, tmp_path: Path) -> None:
    import pty

    config = one_portal_config(tmp_path, portal)
    add(portal, 0)
    command = [sys.executable, "-m", "vnreader.cli", "publish", "--config", str(config)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    # Under cron (no terminal): log lines only.
    piped = subprocess.run(command, env=env, capture_output=True, text=True)
    assert piped.returncode == 0 and "\r" not in piped.stderr and "[" not in piped.stderr
    add(portal, 1)
    parent, child = pty.openpty()
    run = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=child, timeout=300)
    os.close(child)
    seen = b""
    while True:
        try:
            chunk = os.read(parent, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(parent)
    text = seen.decode("utf-8", "replace")
    assert run.returncode == 0
    assert "\r\x1b[K[" in text and "/2 narrating: " in text
    assert "1 published, 0 updated, 1 unchanged" in text
