"""Publishing benchmark: synthetic portals of short articles on 127.0.0.1.

    python benchmarks/bench_publish.py [--articles 1000] [--portals 15] [--portal-articles 50]
                                       [--days 50] [--only single|portals|real] [--work DIR]

One HTTP server (in this process, on an ephemeral 127.0.0.1 port, or ``--port``) serves
every synthetic portal under its own path: article pages made from a template (each one or
two sentences, every sentence its own, so no narration is a chunk-cache hit: a first run on
a small machine ends in minutes; say so when quoting the figures), with ETags and 304
answers as a well-behaved portal, and one RSS feed per portal listing its articles.

(a) **One portal of ``--articles`` articles** (1,000): ``publish(RSS)`` in a fresh child
    process, three times: the first (cold) run fetches, extracts, narrates with espeak and
    writes everything; the second and third change nothing (every article answers 304).
(b) **``--portals`` portals × ``--portal-articles`` articles** (15 × 50) from ONE
    ``vnreader.toml`` with one ``[portals.NAME]`` table each, published by ONE
    ``vnreader publish --config FILE --quiet`` command, three times (cold, unchanged,
    unchanged); then once more unchanged as one job per portal (``--portal NAME``,
    ``--jobs`` at a time), the shape of a national deployment. When the installed CLI
    does not yet take several portals (no ``--portal`` in ``vnreader publish --help``),
    the same file is published by the library call that command makes,
    ``publish_portals(load_config(FILE).portals)``; the driver is printed.

(c) **Real-length articles**: ``vnreader narrate PAGE`` on three portal pages of median
    length from tests/fixtures/pages/ (:data:`REAL_PAGES`), each with an empty chunk cache:
    CPU time per article, per character and per minute of audio, to scale (a) and (b)'s
    figures from short synthetic articles to real ones.

Each run is a child process, so its peak memory (VmHWM, read by the child itself at exit)
and its CPU time (user + system of it and of every process it started: ffmpeg passes,
read from ``RUSAGE_CHILDREN``) are its own. Printed per run: wall time, per-article cost,
articles narrated, files changed (sizes and modification times of every file of the sites
before and after), CPU time, peak memory and the load average (on a shared machine the
wall time of a short run follows the load; its CPU time does not); for each first run,
articles narrated per core-hour (narrations / CPU hours), the figure docs/scaling.md
builds on. Targets: (a) unchanged re-run < 2 s, (b) < 3 s, peak memory < 300 MB.

``--work DIR`` keeps the sites (default: a temporary folder). With ``--port`` fixed as
well, a later invocation on the same DIR finds the sites published: its "first" run is
then an unchanged one too, which is how the re-runs can be timed again (e.g. with a newer
CLI) without narrating everything again.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PAGE = """<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>{title} - {portal}</title>
</head><body><div class="header"><a href="/">{portal}</a></div>
<div class="menu-top"><ul><li><a href="/">Trang chủ</a></li>
<li><a href="/tin-tuc">Tin tức - Sự kiện</a></li></ul></div>
<div class="ArticleDetail"><h1 class="ArticleTitle">{title}</h1>
<div class="ArticleDate">({when})</div>
<div class="ArticleContent">
<p>{text}</p>
</div></div>
<div class="footer"><p>Cơ quan chủ quản: Ủy ban nhân dân {owner}</p></div>
</body></html>
"""

#: Communes of the synthetic province: portal k of part (b) is commune COMMUNES[k].
COMMUNES = (
    "Thạnh Đông",
    "Tân Hội",
    "Thạnh Trị",
    "Tân An",
    "Thạnh Đông A",
    "Tân Thành",
    "Thạnh Lộc",
    "Mong Thọ",
    "Giục Tượng",
    "Vĩnh Hòa Hiệp",
    "Bình An",
    "Minh Hòa",
    "Bình Sơn",
    "Hòa Điền",
    "Kiên Bình",
    "Thạnh Hưng",
    "Định An",
    "Vĩnh Phú",
)
HAMLETS = ("ấp Kênh Tư", "ấp Đông Thành", "ấp Tân Lợi", "ấp Trung Hòa", "ấp Bờ Xáng")
TOPICS = (
    "họp dân lấy ý kiến về kế hoạch làm đường giao thông nông thôn",
    "tổ chức tiếp công dân định kỳ tại trụ sở ủy ban nhân dân xã",
    "ra quân tổng vệ sinh môi trường trên các tuyến đường chính",
    "tập huấn kỹ thuật trồng lúa an toàn cho hội viên nông dân",
    "trao quà cho các gia đình chính sách và hộ nghèo",
    "kiểm tra công tác phòng chống sốt xuất huyết tại các hộ dân",
)

Article = tuple[str, str, str, str]  # (path, title, "dd/mm/yyyy hh:mm", text)


def make_articles(prefix: str, place: str, n: int, days: int) -> list[Article]:
    """n articles of the commune ``place`` spread over ``days`` days, under ``prefix``.

    Every title and sentence differs from every other (the article's number, its hamlet,
    its figures are in them), so each narration is synthesized, never a chunk-cache hit.
    """
    start = datetime(2024, 3, 1, 7, 0)
    out = []
    for i in range(n):
        topic = TOPICS[i % len(TOPICS)]
        hamlet = HAMLETS[(i // len(TOPICS)) % len(HAMLETS)]
        when = start + timedelta(days=i % days, minutes=7 * (i // days))
        title = f"Xã {place} {topic}, đợt {i + 1}"
        text = (
            f"Sáng ngày {when:%d/%m}, tại {hamlet}, xã {place} {topic} lần thứ {i + 1}. "
            f"Có {20 + i} hộ dân và {3 + i % 9} cán bộ tham dự."
        )
        out.append(
            (f"{prefix}/tin-tuc/bai-viet-so-{i + 1}.html", title, f"{when:%d/%m/%Y %H:%M}", text)
        )
    return out


class Portals:
    """One 127.0.0.1 server for every synthetic portal; each has its pages and ``PREFIX/rss``."""

    def __init__(self, port: int = 0) -> None:
        self.pages: dict[str, bytes] = {}
        self.etags: dict[str, str] = {}
        self.feeds: dict[str, bytes] = {}
        portals = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                feed = portals.feeds.get(self.path)
                if feed is not None:
                    self.answer(200, feed, "application/rss+xml; charset=utf-8")
                    return
                body = portals.pages.get(self.path)
                if body is None:
                    self.answer(404, b"not found", "text/plain")
                    return
                etag = portals.etags[self.path]
                if self.headers.get("If-None-Match") == etag:
                    self.answer(304, b"", None, etag)
                else:
                    self.answer(200, body, "text/html; charset=utf-8", etag)

            def answer(self, status: int, body: bytes, ctype: str | None, etag: str = "") -> None:
                self.send_response(status)
                if ctype:
                    self.send_header("Content-Type", ctype)
                if etag:
                    self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def add(self, prefix: str, place: str, articles: list[Article]) -> str:
        """Serve ``articles`` of the commune ``place``; the URL of their RSS feed."""
        portal = f"Cổng thông tin điện tử xã {place}"
        for path, title, when, text in articles:
            body = PAGE.format(
                title=title, when=when, text=text, portal=portal, owner=f"xã {place}"
            ).encode()
            self.pages[path] = body
            self.etags[path] = f'"{hashlib.sha256(body).hexdigest()[:16]}"'
        items = "".join(
            f"<item><title>{i}</title><link>{self.base}{path}</link></item>"
            for i, (path, *_) in enumerate(articles)
        )
        self.feeds[prefix + "/rss"] = (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Tin</title>{items}</channel></rss>"
        ).encode()
        return self.base + prefix + "/rss"


# The child ends by printing one JSON line: its peak memory, and what the run did.
HWM = """
def _hwm():
    return next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
"""

SINGLE_CHILD = (
    HWM
    + """
import json, sys, time
from pathlib import Path
from vnreader.config import Settings
from vnreader.publishing.pipeline import publish
settings = Settings(portal_name="Cổng thông tin điện tử xã Thạnh Đông",
                    base_url="https://thanhdong.example.gov.vn/podcast/",
                    max_items=int(sys.argv[3]))
t = time.perf_counter()
report = publish([sys.argv[1]], Path(sys.argv[2]), settings)
wall = time.perf_counter() - t
print(json.dumps({"inner_s": wall, "narrated": report.narrated, "failed": len(report.failed),
                  "exit": report.exit_code, "vmhwm_mb": _hwm() / 1024}))
"""
)

PORTALS_LIBRARY_CHILD = (
    HWM
    + """
import json, sys, time
from vnreader.config import load_config
from vnreader.publishing.pipeline import publish_portals
t = time.perf_counter()
results = publish_portals(load_config(sys.argv[1]).portals)
wall = time.perf_counter() - t
print(json.dumps({"inner_s": wall,
                  "narrated": sum(r.report.narrated for r in results if r.report),
                  "failed": sum(1 for r in results if r.exit_code),
                  "exit": max(r.exit_code for r in results), "vmhwm_mb": _hwm() / 1024}))
"""
)

CLI = "import sys; from vnreader.cli import main; sys.exit(main(sys.argv[1:]))"

# The console script's own entry point, run as ``vnreader`` would be; the peak memory is
# printed on the way out (atexit runs after the command's sys.exit).
PORTALS_CLI_CHILD = (
    HWM
    + """
import atexit, json, sys
atexit.register(lambda: print(json.dumps({"vmhwm_mb": _hwm() / 1024})))
from vnreader.cli import main
sys.exit(main(sys.argv[1:]))
"""
)


@dataclass
class Run:
    wall_s: float  # the child process, interpreter start included
    inner_s: float | None  # inside the publishing call (library drivers only)
    cpu_s: float  # user + system of the child and everything it started
    vmhwm_mb: float
    narrated: int | None
    exit: int


def run_child(code: str, args: list[str]) -> Run:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        sys.exit(f"publish failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
    result = json.loads(lines[-1])
    if done.returncode != 0:
        sys.exit(f"publish exited {done.returncode}:\n{done.stderr[-3000:]}")
    return Run(
        wall_s=wall,
        inner_s=result.get("inner_s"),
        cpu_s=cpu,
        vmhwm_mb=result["vmhwm_mb"],
        narrated=result.get("narrated"),
        exit=done.returncode,
    )


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``folder``: (size, mtime in ns)."""
    out = {}
    for path in folder.rglob("*"):
        if path.is_file():
            st = path.stat()
            out[str(path.relative_to(folder))] = (st.st_size, st.st_mtime_ns)
    return out


def changed(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> int:
    return sum(1 for k in before.keys() | after.keys() if before.get(k) != after.get(k))


def feed_items(site: Path) -> int:
    feed = site / "feeds" / "podcast.xml"
    return feed.read_text(encoding="utf-8").count("<item>") if feed.is_file() else 0


def mp3s(site: Path) -> int:
    return sum(1 for _ in (site / "audio").glob("*.mp3"))


def cli_takes_portals() -> bool:
    """Whether ``vnreader publish`` publishes several portals (it then has --portal)."""
    done = subprocess.run(
        [sys.executable, "-c", CLI, "publish", "--help"],
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        capture_output=True,
        text=True,
        check=False,
    )
    return "--portal " in done.stdout or "--portal\n" in done.stdout


def describe(label: str, run: Run, articles: int, files_changed: int, narrated: int) -> str:
    per = run.wall_s / articles * 1000
    inner = f" ({run.inner_s:.2f} s inside the call)" if run.inner_s is not None else ""
    return (
        f"{label}: {run.wall_s:.2f} s{inner}, {per:.2f} ms per article, "
        f"{narrated} narrated, {files_changed} files changed, CPU {run.cpu_s:.2f} s, "
        f"peak memory {run.vmhwm_mb:.0f} MB, exit {run.exit}; load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )


def per_core_hour(run: Run, narrated: int) -> str:
    if not narrated:
        return "no narration in this run (sites already published)"
    rate = narrated / (run.cpu_s / 3600)
    return (
        f"{narrated} articles narrated in {run.cpu_s:.0f} CPU-seconds: {rate:.0f} articles per "
        f"core-hour ({run.cpu_s / narrated:.2f} core-seconds each); "
        f"{narrated / run.wall_s * 3600:.0f} per hour of wall time on this machine"
    )


def three_runs(
    label: str, sites: list[Path], articles: int, go: Callable[[], Run]
) -> tuple[float, float]:
    """Run ``go()`` three times, printing each; (peak memory of all, best unchanged re-run)."""
    runs = []
    for i, what in enumerate(
        ("first run", "second run (nothing changed)", "third run (nothing changed)")
    ):
        before = {s: snapshot(s) if s.exists() else {} for s in sites}
        audio_before = sum(mp3s(s) for s in sites if s.exists())
        run = go()
        files = sum(changed(before[s], snapshot(s)) for s in sites)
        # narrated: what the child counted, else the MP3s that appeared (no failures here)
        narrated = (
            run.narrated if run.narrated is not None else sum(mp3s(s) for s in sites) - audio_before
        )
        print(describe(f"{label} {what}", run, articles, files, narrated))
        if i == 0:
            print(f"{label} cold narration: {per_core_hour(run, narrated)}")
            items = [feed_items(s) for s in sites]
            print(f"{label} feeds list {sum(items)} items ({min(items)}-{max(items)} per site)")
        runs.append(run)
    return max(r.vmhwm_mb for r in runs), min(r.wall_s for r in runs[1:])


#: (c): a commune's, a district's and a province department's article pages, 1,100-1,550
#: characters of text (``vnreader clean --format text``), around the median (1,262) of the
#: 52 pages of tests/fixtures/pages/. Those are trimmed copies: real articles often run to
#: 3,000-6,000 characters, so scale with the per-character figure.
REAL_PAGES = (
    "tests/fixtures/pages/portal_xa_nodate.html",
    "tests/fixtures/pages/ho3_igate_huyen_tiemchung.html",
    "tests/fixtures/pages/portal_vnpt_chauthanh.html",
)


def vtt_cues(vtt: Path) -> tuple[float, int]:
    """(end of the last cue in seconds, characters of cue text) of a WebVTT file."""
    text = vtt.read_text(encoding="utf-8")
    ends = re.findall(r"--> (?:(\d+):)?(\d+):(\d+(?:\.\d+)?)", text)
    hours, minutes, seconds = ends[-1]
    spoken = sum(
        len(line)
        for block in text.split("\n\n")[1:]
        for line in block.splitlines()
        if line and "-->" not in line and not line.isdigit()
    )
    return int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds), spoken


def real_articles(folder: Path) -> None:
    """(c): narrate each of REAL_PAGES with an empty chunk cache; print CPU per unit."""
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\n(c) {len(REAL_PAGES)} real-length articles, vnreader narrate, empty chunk cache")
    cpu = audio = chars = 0.0
    size = 0
    for page in REAL_PAGES:
        out = folder / (Path(page).stem + ".mp3")
        cache = Path(tempfile.mkdtemp(prefix="chunks-", dir=folder))  # every chunk made
        args = ["narrate", str(ROOT / page), "-o", str(out), "--dialect", "south"]
        run = run_child(PORTALS_CLI_CHILD, [*args, "--cache-dir", str(cache)])
        seconds, spoken = vtt_cues(out.with_suffix(".vtt"))
        print(
            f"(c) {Path(page).name}: {spoken} characters spoken, {seconds / 60:.1f} min of "
            f"audio, {run.wall_s:.1f} s, CPU {run.cpu_s:.1f} s, peak memory "
            f"{run.vmhwm_mb:.0f} MB"
        )
        cpu, audio, chars = cpu + run.cpu_s, audio + seconds, chars + spoken
        size += out.stat().st_size
    n = len(REAL_PAGES)
    print(
        f"(c) per article: {cpu / n:.1f} core-seconds for {chars / n:.0f} characters "
        f"({audio / n / 60:.1f} min of audio): {3600 * n / cpu:.0f} such articles per "
        f"core-hour; {cpu / chars * 1000:.1f} core-ms per character, "
        f"{cpu / (audio / 60):.1f} core-s per minute of audio; "
        f"{chars / (audio / 60):.0f} characters and {size / (audio / 60) / 1000:.0f} kB of MP3 "
        "per minute of audio"
    )


def one_job_per_portal(config: Path, sites: list[Path], articles: int, jobs: int) -> None:
    """(b) again, unchanged, as one job per portal (``--portal NAME``), ``jobs`` at a time."""
    before = {s: snapshot(s) for s in sites}

    def job(site: Path) -> Run:
        args = ["publish", "--config", str(config), "--portal", site.name, "--quiet"]
        return run_child(PORTALS_CLI_CHILD, args)

    start = time.perf_counter()
    with ThreadPoolExecutor(jobs) as pool:
        runs = list(pool.map(job, sites))
    wall = time.perf_counter() - start
    files = sum(changed(before[s], snapshot(s)) for s in sites)
    each = sorted(r.wall_s for r in runs)
    print(
        f"(b) the same, unchanged, as {len(sites)} jobs (vnreader publish --config FILE "
        f"--portal NAME --quiet), {jobs} at a time: {wall:.2f} s in all; each job "
        f"{each[len(each) // 2]:.2f} s (median, {each[-1]:.2f} s at most, "
        f"{each[len(each) // 2] / articles * 1000:.1f} ms per article), CPU "
        f"{sum(r.cpu_s for r in runs) / len(runs):.2f} s per job, {files} files changed, "
        f"peak memory {max(r.vmhwm_mb for r in runs):.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000, help="(a): one portal's articles")
    parser.add_argument("--portals", type=int, default=15, help="(b): portals in the file")
    parser.add_argument("--portal-articles", type=int, default=50, help="(b): articles each")
    parser.add_argument("--days", type=int, default=50, help="days the articles spread over")
    parser.add_argument(
        "--only", choices=("single", "portals", "real"), help="run only (a), (b) or (c)"
    )
    parser.add_argument("--work", type=Path, help="folder for the sites (default: temporary)")
    parser.add_argument("--port", type=int, default=0, help="server port (default: any free)")
    parser.add_argument(
        "--jobs", type=int, default=2, help="(b) as one job per portal: jobs at a time"
    )
    parser.add_argument(
        "--driver",
        choices=("auto", "cli", "library"),
        default="auto",
        help="(b): the vnreader CLI, the library call, or the CLI when it takes portals",
    )
    args = parser.parse_args()
    if args.portals > len(COMMUNES):
        parser.error(f"--portals: at most {len(COMMUNES)}")
    work = args.work or Path(tempfile.mkdtemp(prefix="vnreader-bench-publish-"))
    work = work.absolute()
    server = Portals(args.port)
    sys.stdout.reconfigure(line_buffering=True)  # figures appear as each run ends
    print(f"portals on {server.base}; sites under {work}")
    when = time.strftime("%Y-%m-%d %H:%M %Z")
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, {when}")
    verdicts = []
    peak = 0.0

    if args.only in (None, "single"):
        n = args.articles
        rss = server.add(
            "/single", COMMUNES[0], make_articles("/single", COMMUNES[0], n, args.days)
        )
        site = work / "single" / "site"
        print(f"\n(a) one portal, {n} articles over {args.days} days")
        top, rerun = three_runs(
            "(a)", [site], n, lambda: run_child(SINGLE_CHILD, [rss, str(site), str(n)])
        )
        verdicts.append(
            f"(a) unchanged re-run of {n} articles < 2 s: "
            f"{'yes' if rerun < 2 else 'NO'} ({rerun:.2f} s, {rerun / n * 1000:.2f} ms per article)"
        )
        peak = max(peak, top)

    if args.only in (None, "portals"):
        k, n = args.portals, args.portal_articles
        folder = work / "province"
        folder.mkdir(parents=True, exist_ok=True)
        lines = [
            "# Written by benchmarks/bench_publish.py: one province's commune portals.",
            'base_url = "https://tinhkg.example.gov.vn/podcast/"',
            'out_dir = "sites"',
            f"max_items = {n}",
            "",
        ]
        sites = []
        for j in range(k):
            name = f"xa-{j + 1:02d}"
            place = COMMUNES[j]
            rss = server.add(f"/{name}", place, make_articles(f"/{name}", place, n, args.days))
            lines += [
                f"[portals.{name}]",
                f'portal_name = "Cổng thông tin điện tử xã {place}"',
                f'sources = ["{rss}"]',
                "",
            ]
            sites.append(folder / "sites" / name)
        config = folder / "vnreader.toml"
        config.write_text("\n".join(lines), encoding="utf-8")
        use_cli = args.driver == "cli" or (args.driver == "auto" and cli_takes_portals())
        if use_cli:
            driver = f"vnreader publish --config {config} --quiet"
            go = functools.partial(
                run_child, PORTALS_CLI_CHILD, ["publish", "--config", str(config), "--quiet"]
            )
        else:
            driver = f"publish_portals(load_config({config}).portals) (the CLI has no --portal yet)"
            go = functools.partial(run_child, PORTALS_LIBRARY_CHILD, [str(config)])
        print(f"\n(b) {k} portals x {n} articles from one vnreader.toml; driver: {driver}")
        top, rerun = three_runs("(b)", sites, k * n, go)
        verdicts.append(
            f"(b) unchanged re-run of {k} portals x {n} articles < 3 s: "
            f"{'yes' if rerun < 3 else 'NO'} ({rerun:.2f} s, "
            f"{rerun / (k * n) * 1000:.2f} ms per article)"
        )
        peak = max(peak, top)
        if use_cli:
            one_job_per_portal(config, sites, n, args.jobs)

    if args.only in (None, "real"):
        real_articles(work / "real")

    if not verdicts:
        return
    print("\ntargets:")
    for line in verdicts:
        print(f"  {line}")
    print(f"  peak memory < 300 MB: {'yes' if peak < 300 else 'NO'} ({peak:.0f} MB, largest run)")


if __name__ == "__main__":
    main()
