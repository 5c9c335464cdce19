"""A run fetches its articles' pages two at a time, a few ahead, each page once."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.publish_portal import MiniPortal, served_portal  # noqa: F401 (the portal fixture)
from vnreader.config import Settings, Source
from vnreader.errors import FetchError
from vnreader.extract.fetch import Page
from vnreader.publishing.pipeline import FETCHES_AT_ONCE, Prefetcher, publish
from vnreader.publishing.sources import Item


class Recorder:
    """A fetch function that takes a little time and records how many ran at once."""

    def __init__(self, failing: set[str] = frozenset()) -> None:  # type: ignore[assignment]
        self.failing = failing
        self.running = 0
        self.most = 0
        self.calls: list[str] = []
        self.lock = threading.Lock()

    def __call__(self, url: str, source: Source | None) -> Page:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
            self.calls.append(url)
        time.sleep(0.02)
        with self.lock:
            self.running -= 1
        if url in self.failing:
            raise FetchError(f"{url} answered 404 Not Found", 404)
        return Page(url, 200, "text/html", f"<p>{url}</p>".encode())


def items(n: int) -> list[Item]:
    return [
        Item(key=f"https://xa.example.gov.vn/{i}", url=f"https://xa.example.gov.vn/{i}")
        for i in range(n)
    ]


def test_pages_come_in_order_two_at_a_time_each_once() -> None:
    fetch = Recorder(failing={"https://xa.example.gov.vn/3"})
    wanted = items(12)
    got: list[str] = []
    with ThreadPoolExecutor(FETCHES_AT_ONCE) as pool:
        pages = Prefetcher(fetch, wanted, pool, ahead=4)
        for item in wanted:
            try:
                got.append(pages.get(item).body.decode())
            except FetchError as exc:
                got.append(str(exc))
    assert got[3] == "https://xa.example.gov.vn/3 answered 404 Not Found"
    assert [g for i, g in enumerate(got) if i != 3] == [
        f"<p>https://xa.example.gov.vn/{i}</p>" for i in range(12) if i != 3
    ]
    assert sorted(fetch.calls) == sorted(i.url for i in wanted)  # each page once
    assert fetch.most == FETCHES_AT_ONCE == 2


def test_an_item_not_foreseen_is_fetched_when_asked() -> None:
    fetch = Recorder()
    foreseen, other = (
        items(3),
        Item(key="https://xa.example.gov.vn/x", url="https://xa.example.gov.vn/x"),
    )
    with ThreadPoolExecutor(2) as pool:
        pages = Prefetcher(fetch, foreseen, pool)
        assert pages.get(other).url == "https://xa.example.gov.vn/x"
        assert [pages.get(i).url for i in foreseen] == [i.url for i in foreseen]
    assert len(fetch.calls) == 4


def test_a_rerun_asks_for_each_page_once(portal: MiniPortal, tmp_path: Path) -> None:
    urls = [
        portal.add(
            f"tin-{i}",
            f"Xã ra quân dọn vệ sinh kênh rạch đợt {i + 1}",
            f"Sáng ngày {i + 10}/12, xã tổ chức ra quân dọn vệ sinh kênh rạch, có {i + 20} hộ "
            "dân và đoàn viên tham gia.",
        )
        for i in range(5)
    ]
    settings = Settings(base_url="https://xa.example.gov.vn/doc/")
    first = publish([portal.base_url + "/rss"], tmp_path / "site", settings)
    assert first.published == 5
    portal.hits.clear()
    again = publish([portal.base_url + "/rss"], tmp_path / "site", settings)
    assert (again.unchanged, again.published, again.updated) == (5, 0, 0)
    for url in urls:
        assert portal.hits[url.removeprefix(portal.base_url)] == 1
