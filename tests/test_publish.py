"""vnreader publish end to end, offline: the fake portal → audio, feeds, OPML, read pages.

Checked: the site is complete and every URL in it points at an existing file of the stated
size; a second run rewrites and narrates nothing (byte-identical, mtimes kept); an edited
article is narrated again, once, under the same guid; a run killed with SIGKILL leaves the
previous site valid and the next run completes; two runs serialize (or --no-wait exits 2);
a damaged catalog is refused with the way out, rebuilt on request, re-using the audio; a
failing article is named, exit 1, the others published. espeak narrates (offline).
"""

from __future__ import annotations

import hashlib
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser
import pytest

from tests.fakeportal import ARTICLES, LISTING_PATH, FakePortal
from tests.publish_portal import MiniPortal
from vnreader.config import Settings
from vnreader.errors import VnreaderError
from vnreader.publishing.atomic import RunLock, write_atomic
from vnreader.publishing.catalog import Catalog, CatalogError, article_guid, catalog_path, slugify
from vnreader.publishing.pipeline import publish, site_state

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://tanhiep.example.gov.vn/podcast/"
SETTINGS = Settings(portal_name="Cổng thông tin điện tử huyện Tân Hiệp", base_url=BASE)


def site_files(out: Path) -> dict[str, tuple[str, int]]:
    """Every published file (not the lock, catalog or caches): sha256 and mtime."""
    found = {}
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out).as_posix()
        if not path.is_file():
            continue
        found[rel] = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
    return found


def local(out: Path, url: str, base: str = BASE) -> Path:
    assert url.startswith(base), url
    return out / url.removeprefix(base)


def check_site(out: Path, base: str = BASE) -> dict[str, feedparser.FeedParserDict]:
    """Every feed parses; every enclosure, transcript and chapters file exists (exact size)."""
    feeds = {}
    for xml in sorted((out / "feeds").glob("*.xml")):
        parsed = feedparser.parse(xml.read_bytes())
        assert not parsed.bozo, (xml, parsed.bozo_exception)
        for entry in parsed.entries:
            (enclosure,) = entry.enclosures
            assert enclosure.type == "audio/mpeg"
            assert local(out, enclosure.href, base).stat().st_size == int(enclosure.length)
            text = xml.read_text("utf-8")
            for name in ("transcript", "chapters"):
                assert f"<podcast:{name} " in text
        for tag in ("podcast:transcript", "podcast:chapters"):
            for url in _attr_values(xml.read_text("utf-8"), tag, "url"):
                assert local(out, url, base).is_file(), url
        feeds[xml.name] = parsed
    return feeds


def _attr_values(text: str, tag: str, attr: str) -> list[str]:
    import re

    return re.findall(rf'<{tag} [^>]*{attr}="([^"]+)"', text)


# -- the fake portal, end to end -------------------------------------------------------------


@pytest.fixture(scope="module")
def portal_site(
    portal_server: FakePortal, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, object]]:
    out = tmp_path_factory.mktemp("site")
    report = publish([portal_server.url(LISTING_PATH)], out, SETTINGS)
    yield out, report


def test_publish_fake_portal_listing(portal_site: tuple[Path, object]) -> None:
    out, report = portal_site
    assert report.failed == []
    assert report.published == len(ARTICLES) + 1  # the featured seed story and the list
    feeds = check_site(out)
    main = feeds["podcast.xml"]
    assert main.feed.title == SETTINGS.portal_name
    assert main.feed.language == "vi"
    assert len(main.entries) == report.published
    dates = [e.published_parsed for e in main.entries]
    assert dates == sorted(dates, reverse=True)
    titles = {e.title for e in main.entries}
    assert ARTICLES[0][1] in titles
    for entry in main.entries:
        assert entry.link.startswith(BASE + "read/")
        page = local(out, entry.link).read_text("utf-8")
        assert '<html lang="vi"' in page
        # The page's player points (relatively) at the feed's enclosure.
        audio = re.search(r'<audio [^>]*src="([^"]+)"', page)
        assert audio and urljoin(entry.link, audio[1]) == entry.enclosures[0].href
        assert '<track kind="captions"' in page
    assert "xay-dung-chinh-quyen.xml" in feeds  # one feed per category
    # One digest per day of two articles or more (one article already is the day).
    per_day = Counter(d[:3] for d in dates)
    assert len(feeds["digest.xml"].entries) == sum(1 for n in per_day.values() if n >= 2)
    opml = (out / "feeds" / "podcasts.opml").read_text("utf-8")
    for name in feeds:
        assert f'xmlUrl="{BASE}feeds/{name}"' in opml
    assert (out / "artwork.png").stat().st_size > 0
    assert (out / "read" / "index.html").is_file()


def test_second_run_is_byte_identical_and_narrates_nothing(
    portal_site: tuple[Path, object], portal_server: FakePortal
) -> None:
    out, _ = portal_site
    before = site_files(out)
    report = publish([portal_server.url(LISTING_PATH)], out, SETTINGS)
    assert (report.published, report.updated, report.failed) == (0, 0, [])
    assert report.unchanged == len(ARTICLES) + 1
    assert report.narrated == 0 and report.narrated_digests == 0
    assert report.written == []
    assert site_files(out) == before  # same bytes, and not even rewritten (mtimes)


# -- an editable portal ----------------------------------------------------------------------


@pytest.fixture
def mini() -> Iterator[MiniPortal]:
    portal = MiniPortal()
    try:
        yield portal
    finally:
        portal.stop()


def _text(i: int, extra: str = "") -> str:
    return (
        f"Sáng nay, xã số {i} tổ chức họp dân để lấy ý kiến về kế hoạch làm đường giao thông "
        f"nông thôn trong năm tới{extra}."
    )


def fill(portal: MiniPortal, n: int) -> list[str]:
    return [portal.add(f"tin-so-{i}", f"Tin ngắn số {i} của huyện", _text(i)) for i in range(n)]


def test_edited_article_is_narrated_again_once_same_guid(mini: MiniPortal, tmp_path: Path) -> None:
    urls = fill(mini, 3)
    first = publish([mini.rss_url], tmp_path, SETTINGS)
    assert (first.published, first.narrated, first.failed) == (3, 3, [])
    with Catalog(catalog_path(tmp_path)) as catalog:
        old = catalog.article(urls[1])
    assert old is not None and old.narration is not None
    assert old.guid == article_guid(urls[1])

    mini.edit(urls[1], _text(1, ", có sửa"))
    second = publish([mini.rss_url], tmp_path, SETTINGS)
    assert (second.published, second.updated, second.unchanged) == (0, 1, 2)
    assert second.narrated == 1
    with Catalog(catalog_path(tmp_path)) as catalog:
        new = catalog.article(urls[1])
    assert new is not None and new.narration is not None
    assert (new.guid, new.slug) == (old.guid, old.slug)
    assert new.narration.file != old.narration.file
    assert not (tmp_path / "audio" / old.narration.file).exists()  # pruned after the feeds
    feeds = check_site(tmp_path)
    (entry,) = [e for e in feeds["podcast.xml"].entries if e.id == old.guid]
    assert entry.enclosures[0].href.endswith(new.narration.file)
    assert int(entry.enclosures[0].length) == new.narration.bytes


def test_failing_article_is_named_and_the_others_published(
    mini: MiniPortal, tmp_path: Path
) -> None:
    from vnreader.cli import main

    fill(mini, 2)
    missing = mini.list_missing("/tin-tuc/bai-da-go-9999.html")
    code = main(["publish", mini.rss_url, "--out", str(tmp_path), "--base-url", BASE])
    assert code == 1
    with Catalog(catalog_path(tmp_path)) as catalog:
        assert catalog.count() == 2
        assert catalog.article(missing) is None
    assert len(check_site(tmp_path)["podcast.xml"].entries) == 2


def test_failure_summary_names_the_source(mini: MiniPortal, tmp_path: Path) -> None:
    missing = mini.list_missing("/tin-tuc/bai-da-go-9999.html")
    report = publish([mini.rss_url, str(tmp_path / "khong-co.html")], tmp_path / "s", SETTINGS)
    reasons = dict(report.failed)
    assert set(reasons) == {missing, str(tmp_path / "khong-co.html")}
    assert reasons[missing] == "answered 404 Not Found"
    assert reasons[str(tmp_path / "khong-co.html")] == "no such file"
    assert report.summary().startswith("0 published, 0 updated, 0 unchanged, 2 failed: ")
    assert report.exit_code == 1


def _publish_process(url: str, out: Path, *extra: str) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    # The same settings as the in-process runs, so both narrate alike.
    (out.parent / "vnreader.toml").write_text(
        f'portal_name = "{SETTINGS.portal_name}"\nbase_url = "{BASE}"\n', "utf-8"
    )
    return subprocess.Popen(
        [sys.executable, "-m", "vnreader.cli", "publish", url, "--out", str(out), *extra],
        cwd=out.parent,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _catalog_count(out: Path) -> int:
    path = catalog_path(out)
    if not path.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1) as db:
            return int(db.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.Error:
        return 0


def test_kill_9_mid_run_leaves_the_previous_site_valid(mini: MiniPortal, tmp_path: Path) -> None:
    out = tmp_path / "site"
    urls = fill(mini, 2)
    publish([mini.rss_url], out, SETTINGS)
    before = check_site(out)
    assert len(before["podcast.xml"].entries) == 2

    mini.edit(urls[0], _text(0, " lần hai"))
    late = fill(mini, 2)
    mini.delays[urlsplit(late[0]).path] = 15  # keeps the run busy until it is killed
    proc = _publish_process(mini.rss_url, out)
    try:
        deadline = time.monotonic() + 30
        while _catalog_count(out) < 3 and time.monotonic() < deadline:
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.02)
        assert _catalog_count(out) == 3  # the first new article is recorded
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    after = check_site(out)  # still complete: old feeds, their files all there
    assert len(after["podcast.xml"].entries) == 2

    mini.delays.clear()
    report = publish([mini.rss_url], out, SETTINGS)
    assert report.failed == []
    feeds = check_site(out)
    assert len(feeds["podcast.xml"].entries) == 4
    assert not list((out / "audio").glob(".*.part"))


def test_second_run_waits_for_the_first(mini: MiniPortal, tmp_path: Path) -> None:
    out = tmp_path / "site"
    fill(mini, 1)
    out.mkdir()
    with RunLock(site_state(out, SETTINGS).lock):
        proc = _publish_process(mini.rss_url, out)
        try:
            time.sleep(2.0)
            assert proc.poll() is None  # waiting for the lock
            assert _catalog_count(out) == 0
        except BaseException:
            proc.kill()
            raise
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert _catalog_count(out) == 1
    assert b"waiting for another vnreader publish" in err


def test_no_wait_exits_2_with_the_holder(mini: MiniPortal, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from vnreader.cli import main

    fill(mini, 1)
    with RunLock(site_state(tmp_path, SETTINGS).lock):
        code = main(["publish", mini.rss_url, "--out", str(tmp_path), "--no-wait"])
    assert code == 2
    err = capsys.readouterr().err
    assert "another vnreader publish is running on" in err
    assert f"pid {os.getpid()}" in err
    assert _catalog_count(tmp_path) == 0


def test_damaged_catalog_is_refused_then_rebuilt_reusing_audio(
    mini: MiniPortal, tmp_path: Path
) -> None:
    urls = fill(mini, 2)
    publish([mini.rss_url], tmp_path, SETTINGS)
    before = site_files(tmp_path)
    path = catalog_path(tmp_path)
    for side in ("-wal", "-shm"):
        path.with_name(path.name + side).unlink(missing_ok=True)
    path.write_bytes(b"this is not a database " * 200)

    with pytest.raises(CatalogError, match=r"damaged.*--rebuild-catalog"):
        publish([mini.rss_url], tmp_path, SETTINGS)
    report = publish([mini.rss_url], tmp_path, SETTINGS, rebuild_catalog=True)
    assert (report.published, report.narrated, report.failed) == (2, 0, [])
    assert path.with_name(path.name + ".damaged").exists()
    with Catalog(path) as catalog:
        assert {a.guid for a in catalog.articles()} == {article_guid(u) for u in urls}
    assert site_files(tmp_path) == before  # the same site, not one byte rewritten


def test_missing_catalog_is_created_and_audio_reused(mini: MiniPortal, tmp_path: Path) -> None:
    fill(mini, 1)
    publish([mini.rss_url], tmp_path, SETTINGS)
    for item in catalog_path(tmp_path).parent.iterdir():
        item.unlink()
    report = publish([mini.rss_url], tmp_path, SETTINGS)
    assert (report.published, report.narrated) == (1, 0)
    assert catalog_path(tmp_path).is_file()


# -- parts -----------------------------------------------------------------------------------


def test_slugs_fold_vietnamese() -> None:
    assert slugify("Hội nghị BCH") == "hoi-nghi-bch"
    assert slugify("Đảng bộ xã Thạnh Đông: năm 2019!") == "dang-bo-xa-thanh-dong-nam-2019"
    assert slugify("…") == "bai-viet"
    assert len(slugify("Hội nghị " * 40)) <= 80
    assert not slugify("Digest ngày 1").startswith("digest-")


def test_unique_slugs_are_stable(tmp_path: Path) -> None:
    with Catalog(tmp_path / "c.sqlite") as catalog:
        assert catalog.unique_slug("hoi-nghi") == "hoi-nghi"
        assert catalog.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_write_atomic_keeps_identical_files(tmp_path: Path) -> None:
    target = tmp_path / "a" / "feed.xml"
    assert write_atomic(target, b"<rss/>")
    stamp = target.stat().st_mtime_ns
    time.sleep(0.01)
    assert not write_atomic(target, b"<rss/>")
    assert target.stat().st_mtime_ns == stamp
    assert write_atomic(target, b"<rss></rss>")
    assert target.read_bytes() == b"<rss></rss>"
    assert [p.name for p in target.parent.iterdir()] == ["feed.xml"]


def test_lock_without_wait_names_the_holder(tmp_path: Path) -> None:
    lock = tmp_path / "lock"
    with RunLock(lock), pytest.raises(VnreaderError, match=rf"pid {os.getpid()} since"):
        RunLock(lock, wait=False).acquire()
    with RunLock(lock, wait=False):  # released: free again
        pass


def test_article_url_quiet_run_says_nothing(mini: MiniPortal, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from vnreader.cli import main

    (url,) = fill(mini, 1)
    args = ["publish", url, "--out", str(tmp_path), "--base-url", BASE, "--quiet"]
    log = tmp_path / "publish.log"
    assert main([*args, "--log-file", str(log)]) == 0
    assert capsys.readouterr().err == ""
    assert f"published: {url}" in log.read_text("utf-8")
    with Catalog(catalog_path(tmp_path)) as catalog:
        assert catalog.article(url) is not None  # one article, not a listing
    assert main(["publish", url, "--out", str(tmp_path), "--base-url", BASE]) == 0
    assert "0 published, 0 updated, 1 unchanged, 0 failed" in capsys.readouterr().err
