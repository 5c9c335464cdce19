"""A fake Vietnamese portal on 127.0.0.1 for the fetching and discovery tests.

It serves a category listing page, the seed article and a few more articles, RSS and
Atom feeds, and every bad case ``fetch`` must name in one line: 404, 500, a page slower
than the client's timeout, a redirect loop, a 20 MB page (generated while streaming, never
stored), a PDF, an image, an empty page, Windows-1258 pages (header, ``<meta>`` only, no
declaration), gzip, a gzip bomb, ETag/Last-Modified with 304 answers, 503-then-200, and
429 with a long Retry-After.

Every request is counted by path (``hits``) and its headers kept (``seen``), so a test
can assert how many attempts a fetch made and what it sent. The server only ever binds
127.0.0.1 on an ephemeral port and stops with the test session.
"""

from __future__ import annotations

import gzip
import threading
import time
import unicodedata
from collections import Counter
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"

#: The seed article's address on the fake portal (a numeric-id slug, as many portals use).
SEED_PATH = (
    "/tin-tuc/xay-dung-chinh-quyen/"
    "hoi-nghi-bch-huyen-uy-mo-rong-tong-ket-cong-tac-dan-van-cap-uy-4521.html"
)
LISTING_PATH = "/tin-tuc/xay-dung-chinh-quyen"

#: The other articles of the category, newest first: (path, title, date, paragraphs).
#: Their addresses take the shapes real portals use: numeric-id slug, SharePoint ItemID,
#: a long slug with no id, a short slug under a category, a Liferay "/-/" address.
ARTICLES = (
    (
        "/tin-tuc/xay-dung-chinh-quyen/hdnd-huyen-khai-mac-ky-hop-thu-muoi-hai-4519.html",
        "HĐND huyện Tân Hiệp khai mạc kỳ họp thứ 12, khóa XI, nhiệm kỳ 2016 - 2021",
        "18/12/2019 10:20",
        (
            "Sáng 18/12, Hội đồng nhân dân huyện khai mạc kỳ họp thường lệ cuối năm với "
            "sự tham dự của 35 đại biểu.",
            "Kỳ họp xem xét các báo cáo kinh tế - xã hội năm 2019 và quyết định dự toán "
            "ngân sách năm 2020.",
        ),
    ),
    (
        "/Pages/tin-tuc.aspx?ItemID=4517&l=XayDungChinhQuyen",
        "Lãnh đạo UBND huyện tiếp công dân định kỳ tháng 12 năm 2019",
        "16/12/2019 08:05",
        (
            "Buổi tiếp công dân diễn ra tại trụ sở Ban Tiếp công dân huyện, tiếp nhận 7 "
            "lượt ý kiến của người dân.",
            "Các ý kiến chủ yếu liên quan đến đất đai và bồi thường giải phóng mặt bằng.",
        ),
    ),
    (
        "/tin-tuc/xay-dung-chinh-quyen/so-ket-cong-tac-cai-cach-hanh-chinh-nam-2019",
        "Sơ kết công tác cải cách hành chính năm 2019 trên địa bàn huyện",
        "12/12/2019 14:30",
        (
            "Năm 2019, tỷ lệ hồ sơ giải quyết đúng hạn tại bộ phận một cửa của huyện đạt trên 98%.",
            "Huyện tiếp tục đẩy mạnh tiếp nhận hồ sơ trực tuyến mức độ 3 và 4.",
        ),
    ),
    (
        "/tin-tuc/trao-nha-dai-doan-ket",
        "Ủy ban Mặt trận Tổ quốc huyện trao 12 căn nhà Đại đoàn kết cho hộ nghèo",
        "09/12/2019 09:00",
        ("Mỗi căn nhà trị giá 50 triệu đồng, do các nhà hảo tâm và doanh nghiệp hỗ trợ.",),
    ),
    (
        "/web/guest/-/ra-quan-ve-sinh-moi-truong-cuoi-nam",
        "Thị trấn Tân Hiệp ra quân tổng vệ sinh môi trường chào đón năm mới",
        "05/12/2019 07:30",
        ("Hơn 300 đoàn viên, hội viên tham gia dọn dẹp các tuyến đường chính của thị trấn.",),
    ),
)

#: A most-read article that only the sidebar links to.
MOST_READ = (
    "/tin-tuc/kinh-te/nong-dan-tan-hiep-thu-hoach-lua-thu-dong-dat-nang-suat-cao-4388.html",
    "Nông dân Tân Hiệp thu hoạch lúa Thu Đông đạt năng suất cao",
)

#: A short Vietnamese page with every tone mark, for the Windows-1258 cases.
CP1258_TITLE = "Tiền Giang: Hội nghị tổng kết phong trào thi đua yêu nước năm 2019"
CP1258_PARAGRAPH = (
    "Sáng nay, Ủy ban nhân dân tỉnh đã tổ chức hội nghị tổng kết; những tập thể, cá nhân "
    "có thành tích xuất sắc được khen thưởng. Đời sống người dân ở vùng sâu, vùng xa "
    "tiếp tục được cải thiện rõ rệt. Ông Trần Văn Đức phát biểu: “Chúng ta phải nỗ lực "
    "hơn nữa để giữ vững thành quả.”"
)

_TONES = "\u0300\u0301\u0303\u0309\u0323"

HUGE_SIZE = 20_000_000
_CHUNK = b"<p>" + "Nội dung rất dài. ".encode() * 200 + b"</p>\n"


def encode_cp1258(text: str) -> bytes:
    """Text → Windows-1258 as Vietnamese keyboards write it.

    A letter cp1258 has precomposed stays one byte; other toned vowels become the toned
    letter's base (â, ê, ô, ơ, ư, ă or a plain vowel, which cp1258 has) followed by one of
    its five combining tone marks: U+0300 grave, U+0301 acute, U+0303 tilde, U+0309 hook
    above, U+0323 dot below.
    """
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
        tones = "".join(c for c in parts if c in _TONES)
        out += (base + tones).encode("cp1258")
    return bytes(out)


def article_page(title: str, when: str, paragraphs: tuple[str, ...], charset: str = "utf-8") -> str:
    """A portal article page: header, menu, breadcrumb, the article, sidebar, footer."""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    meta = f'<meta charset="{charset}">' if charset else ""
    return f"""<!DOCTYPE html>
<html lang="vi"><head>{meta}<title>{title} - Cổng thông tin điện tử huyện</title></head>
<body><div class="header"><a href="/">Cổng thông tin điện tử huyện Tân Hiệp</a></div>
<div class="menu-top"><ul><li><a href="/">Trang chủ</a></li>
<li><a href="/tin-tuc">Tin tức - Sự kiện</a></li><li><a href="/van-ban">Văn bản</a></li></ul></div>
<div class="breadcrumb"><a href="/">Trang chủ</a> &gt; <a href="{LISTING_PATH}">Xây dựng chính
quyền</a></div>
<div class="ArticleDetail"><h1 class="ArticleTitle">{title}</h1>
<div class="ArticleDate">({when})</div>
<div class="ArticleContent">
{body}
</div></div>
<div class="footer"><p>Cơ quan chủ quản: Ủy ban nhân dân huyện Tân Hiệp</p></div>
</body></html>
"""


def listing_page() -> str:
    """The category page: featured story, the list, pagination, sidebar, footer."""
    seed_title = (
        "Huyện Tân Hiệp Hội nghị BCH Huyện ủy mở rộng Tổng kết chương trình công tác dân "
        "vận cấp ủy giai đoạn 2016-2020"
    )
    items = "\n".join(
        f"""  <li class="news-item{" first" if i == 0 else ""}">
    <a class="thumb" href="{path}"><img src="/PublishingImages/{i}.jpg" alt=""></a>
    <h3 class="news-title"><a href="{path}">{title}</a></h3>
    <span class="news-date">({when})</span>
    <p class="news-sapo">{paras[0]}</p>
  </li>"""
        for i, (path, title, when, paras) in enumerate(ARTICLES)
    )
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8">
<title>Xây dựng chính quyền - Cổng thông tin điện tử huyện Tân Hiệp</title>
<link rel="alternate" type="application/rss+xml" title="RSS" href="/rss/xay-dung-chinh-quyen.rss">
</head>
<body><div id="s4-workspace">
<div class="header"><a href="/"><img src="/banner.png" alt="Cổng thông tin điện tử huyện Tân
Hiệp"></a>
<div class="top-links"><a href="/">Trang chủ</a> | <a href="/sitemap">Sơ đồ cổng</a> |
<a href="/lien-he">Liên hệ</a></div></div>
<div class="menu-top"><ul>
  <li><a href="/">Trang chủ</a></li>
  <li><a href="/gioi-thieu">Giới thiệu</a></li>
  <li><a href="/tin-tuc">Tin tức - Sự kiện</a><ul>
    <li><a href="{LISTING_PATH}">Xây dựng chính quyền</a></li>
    <li><a href="/tin-tuc/kinh-te">Kinh tế</a></li>
    <li><a href="/tin-tuc/van-hoa-xa-hoi">Văn hóa - Xã hội</a></li></ul></li>
  <li><a href="/tin-tuc/ke-hoach-phat-trien-kinh-te-xa-hoi-huyen-giai-doan-2021-2025-cac-van-ban">
    Kế hoạch phát triển kinh tế - xã hội huyện giai đoạn 2021 - 2025</a></li>
</ul></div>
<div class="main">
<div class="center-col">
  <div class="breadcrumb"><a href="/">Trang chủ</a> &gt; <a href="/tin-tuc">Tin tức - Sự
  kiện</a> &gt; <span>Xây dựng chính quyền</span></div>
  <h1 class="cat-title">Xây dựng chính quyền</h1>
  <div class="hot-news">
    <a href="{SEED_PATH}"><img src="/PublishingImages/hoi-nghi.jpg" alt=""></a>
    <h2><a href="{SEED_PATH}">{seed_title}</a></h2>
    <p>Sáng ngày 09-12-2019, Huyện ủy Tân Hiệp tổ chức Hội nghị Ban Chấp hành mở rộng.</p>
  </div>
  <ul class="news-list">
{items}
  </ul>
  <div class="paging"><a href="{LISTING_PATH}?page=1">1</a> <a href="{LISTING_PATH}?page=2">2</a>
  <a href="{LISTING_PATH}/trang-3">3</a> <a href="{LISTING_PATH}?page=2">Trang sau »</a></div>
  <div class="tags">Từ khóa: <a href="/tag/dan-van">dân vận</a>
  <a href="/tag/cai-cach-hanh-chinh">cải cách hành chính</a></div>
</div>
<div class="right-col">
  <div class="box"><div class="box-title"><h3>Tin đọc nhiều</h3></div><ul>
    <li><a href="{MOST_READ[0]}">{MOST_READ[1]}</a></li>
    <li><a href="{ARTICLES[0][0]}">{ARTICLES[0][1]}</a></li>
  </ul></div>
  <div class="box"><h3>Liên kết website</h3><select><option>Chính phủ</option></select></div>
</div>
</div>
<div class="footer">
  <p>CỔNG THÔNG TIN ĐIỆN TỬ HUYỆN TÂN HIỆP</p>
  <p><a href="/gioi-thieu">Giới thiệu</a> | <a href="/lien-he">Liên hệ</a> |
  <a href="https://chinhphu.vn">Cổng thông tin điện tử Chính phủ</a></p>
</div>
</div></body></html>
"""


def table_listing_page() -> str:
    """A 2010s table-layout listing (classless rows, relative addresses, ASP)."""
    rows = "\n".join(
        f'<tr><td><img src="images/bullet.gif"> <a href="chitiet.asp?id={n}">{t}</a> '
        f'<font color="#999">({d})</font></td></tr>'
        for n, t, d in (
            (412, "Xã Thạnh Đông A tổ chức lễ ra mắt mô hình dân vận khéo", "20/11/2015"),
            (409, "Hội Nông dân xã tập huấn kỹ thuật trồng lúa an toàn", "17/11/2015"),
            (401, "Thông báo lịch tiếp công dân của lãnh đạo xã tháng 11 năm 2015", "02/11/2015"),
        )
    )
    return f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>Tin tức</title></head><body>
<table width="980"><tr><td colspan="2"><a href="index.asp">Trang chủ</a> |
<a href="gioithieu.asp">Giới thiệu</a> | <a href="tintuc.asp">Tin tức</a> |
<a href="vanban.asp">Văn bản</a> | <a href="lienhe.asp">Liên hệ</a></td></tr>
<tr><td width="200" valign="top"><a href="tintuc.asp?cat=1">Tin hoạt động</a><br>
<a href="tintuc.asp?cat=2">Tin kinh tế</a><br><a href="tintuc.asp?cat=3">Thông báo</a></td>
<td valign="top"><table>
{rows}
</table>
<p>Trang: <a href="tintuc.asp?cat=1&amp;page=2">2</a>
<a href="tintuc.asp?cat=1&amp;page=3">3</a></p>
</td></tr>
<tr><td colspan="2">Bản quyền thuộc UBND xã. <a href="http://www.kiengiang.gov.vn">Cổng tỉnh</a>
</td></tr></table></body></html>
"""


def rss_feed(base: str) -> str:
    """RSS 2.0 whose items are NOT in date order (discover sorts them newest first)."""
    entries = [
        (ARTICLES[1][0], ARTICLES[1][1], "Mon, 16 Dec 2019 08:05:00 +0700"),
        (
            SEED_PATH,
            "Hội nghị BCH Huyện ủy mở rộng tổng kết công tác dân vận",
            "Thu, 19 Dec 2019 15:53:00 +0700",
        ),
        (ARTICLES[2][0], ARTICLES[2][1], "Thu, 12 Dec 2019 14:30:00 +0700"),
        (ARTICLES[0][0], ARTICLES[0][1], "Wed, 18 Dec 2019 03:20:00 GMT"),
    ]
    items = "".join(
        f"<item><title>{t}</title><link>{base}{p.replace('&', '&amp;')}</link>"
        f"<pubDate>{d}</pubDate><description>Tóm tắt</description></item>\n"
        for p, t, d in entries
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>Xây dựng chính quyền</title><link>{base}{LISTING_PATH}</link>\n{items}"
        "</channel></rss>\n"
    )


def atom_feed() -> str:
    """Atom with relative links (resolved against the feed's address)."""
    return """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Tin tức</title>
<entry><title>Trao nhà Đại đoàn kết</title>
<link rel="alternate" href="/tin-tuc/trao-nha-dai-doan-ket"/>
<updated>2019-12-09T09:00:00+07:00</updated></entry>
<entry><title>Ra quân vệ sinh môi trường</title>
<link rel="enclosure" type="image/jpeg" href="/anh/ve-sinh.jpg"/>
<link href="/web/guest/-/ra-quan-ve-sinh-moi-truong-cuoi-nam"/>
<updated>2019-12-05T07:30:00+07:00</updated></entry>
<entry><title>Sơ kết cải cách hành chính</title>
<link rel="alternate" type="text/html"
 href="/tin-tuc/xay-dung-chinh-quyen/so-ket-cong-tac-cai-cach-hanh-chinh-nam-2019"/>
<published>2019-12-12T14:30:00+07:00</published></entry>
</feed>
"""


def vn_dates_feed(base: str) -> bytes:
    """RSS with Vietnamese dd/mm/yyyy dates, served with no content type at all."""
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Tin</title>'
        f"<item><title>A</title><link>{base}{ARTICLES[3][0]}</link>"
        "<pubDate>09/12/2019 09:00</pubDate></item>"
        f"<item><title>B</title><link>{base}{SEED_PATH}</link>"
        "<pubDate>19/12/2019 15:53</pubDate></item>"
        f"<item><title>C</title><link>{base}{ARTICLES[0][0]}</link>"
        "<pubDate>18/12/2019 10:20</pubDate></item>"
        "</channel></rss>"
    ).encode()


def serve_in_thread(handler: type[BaseHTTPRequestHandler]) -> tuple[ThreadingHTTPServer, str]:
    """A threaded HTTP server for ``handler`` on an ephemeral 127.0.0.1 port, started in a
    daemon thread; returns it and its base URL (``http://127.0.0.1:PORT``)."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


class FakePortal:
    """The server: ``url(path)``, ``hits`` per path, ``seen`` request headers per path."""

    ETAG = '"tanhiep-4521-v1"'
    LAST_MODIFIED = "Thu, 19 Dec 2019 08:53:00 GMT"

    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self.seen: dict[str, list[dict[str, str]]] = {}
        self.lock = threading.Lock()
        portal = self

        class Handler(_Handler):
            server_portal = portal

        self._handler = Handler

    def start(self) -> FakePortal:
        self.httpd, self.base_url = serve_in_thread(self._handler)
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def reset(self) -> None:
        with self.lock:
            self.hits.clear()
            self.seen.clear()

    def url(self, path: str) -> str:
        return self.base_url + path

    def record(self, path: str, headers: dict[str, str]) -> int:
        with self.lock:
            self.hits[path] += 1
            self.seen.setdefault(path, []).append(headers)
            return self.hits[path]


class QuietHandler(BaseHTTPRequestHandler):
    """A test server's handler: HTTP/1.0 (each answer closes its connection, so no
    keep-alive state between tests), no log lines, and ``_send`` for a whole answer."""

    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep pytest's output clean

    def _send(
        self,
        status: int,
        body: bytes = b"",
        content_type: str | None = "text/html; charset=utf-8",
        extra: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _Handler(QuietHandler):
    server_portal: FakePortal

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        path, query = parts.path, parse_qs(parts.query)
        headers = {k.lower(): v for k, v in self.headers.items()}
        hit = self.server_portal.record(path, headers)
        try:
            self._route(path, query, headers, hit)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (size cap, timeout): that is the point of the case

    # -- helpers -------------------------------------------------------------------------

    def _redirect(self, location: str, status: int = 302) -> None:
        self._send(status, b"", None, {"Location": location})

    def _route(
        self, path: str, query: dict[str, list[str]], headers: dict[str, str], hit: int
    ) -> None:
        portal = self.server_portal
        base = portal.base_url
        articles = {p.split("?", 1)[0]: a for p, *a in ARTICLES}
        if path == SEED_PATH:
            self._send(200, (PAGES / "tanhiep_seed.html").read_bytes())
        elif path == LISTING_PATH:
            self._send(200, listing_page().encode())
        elif path == "/tintuc.asp":
            self._send(200, table_listing_page().encode(), "text/html")
        elif path in articles:
            title, when, paras = articles[path]
            self._send(200, article_page(title, when, paras).encode())
        elif path == MOST_READ[0]:
            self._send(
                200, article_page(MOST_READ[1], "01/12/2019 06:00", ("Lúa trúng mùa.",)).encode()
            )
        elif path == "/rss/xay-dung-chinh-quyen.rss":
            self._send(200, rss_feed(base).encode(), "application/rss+xml; charset=utf-8")
        elif path == "/atom.xml":
            self._send(200, atom_feed().encode(), "application/atom+xml")
        elif path == "/rss-vn-dates":
            self._send(200, vn_dates_feed(base), None)
        elif path == "/rss-empty.xml":
            self._send(
                200,
                b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
                b"</channel></rss>",
                "text/xml",
            )
        elif path == "/tin-tuc/js-listing":
            page = (
                '<html><head><meta charset="utf-8"><title>Tin tức</title>'
                '<link rel="alternate" type="application/rss+xml"'
                ' href="/rss/xay-dung-chinh-quyen.rss"></head><body><div id="app">Đang tải…</div>'
                '<script src="/app.js"></script></body></html>'
            )
            self._send(200, page.encode())
        elif path == "/no-articles":
            self._send(
                200,
                article_page("Giới thiệu chung", "01/01/2019 00:00", ("Huyện có 11 xã.",)).encode(),
            )
        elif path == "/error":
            self._send(500, b"<h1>Internal Server Error</h1>")
        elif path == "/slow":
            # Sleep in small steps so a test session never waits on a dead client for long.
            delay = float(query.get("delay", ["2"])[0])
            end = time.monotonic() + delay
            while time.monotonic() < end:
                time.sleep(0.05)
            self._send(200, article_page("Trang chậm", "01/01/2019 00:00", ("Chậm.",)).encode())
        elif path == "/loop/a":
            self._redirect("/loop/b", 301)
        elif path == "/loop/b":
            self._redirect(base + "/loop/a", 302)
        elif path == "/old-address":
            self._redirect(SEED_PATH, 301)
        elif path.startswith("/chain/"):
            left = int(path.rsplit("/", 1)[1])
            self._redirect(f"/chain/{left - 1}" if left > 0 else SEED_PATH)
        elif path == "/to-ftp":
            self._redirect("ftp://127.0.0.1/baocao.pdf")
        elif path == "/huge":
            self._stream_huge(declare=False)
        elif path == "/huge-declared":
            self._stream_huge(declare=True)
        elif path == "/bomb":
            # 20 MB of spaces inside a page, gzip-compressed to about 20 kB.
            raw = b"<html><body><p>" + b" " * HUGE_SIZE + b"</p></body></html>"
            self._send(200, gzip.compress(raw, 9), extra={"Content-Encoding": "gzip"})
        elif path == "/baocao.pdf":
            self._send(200, b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n", "application/pdf")
        elif path == "/download":
            self._send(200, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "application/octet-stream")
        elif path == "/pdf-as-html":
            self._send(200, b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n", "text/html")
        elif path == "/anh.png":
            self._send(200, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png")
        elif path == "/empty":
            self._send(200, b"")
        elif path == "/plain.txt":
            self._send(
                200,
                "Thông báo: lịch tiếp công dân tháng 12.\n".encode(),
                "text/plain; charset=utf-8",
            )
        elif path == "/cp1258":
            page = article_page(CP1258_TITLE, "20/12/2019 08:00", (CP1258_PARAGRAPH,), charset="")
            self._send(200, encode_cp1258(page), "text/html; charset=windows-1258")
        elif path == "/cp1258-meta":
            page = article_page(
                CP1258_TITLE, "20/12/2019 08:00", (CP1258_PARAGRAPH,), charset="windows-1258"
            )
            self._send(200, encode_cp1258(page), "text/html")
        elif path == "/cp1258-bare":
            page = article_page(CP1258_TITLE, "20/12/2019 08:00", (CP1258_PARAGRAPH,), charset="")
            self._send(200, encode_cp1258(page), "text/html")
        elif path == "/mislabelled":
            page = article_page(
                CP1258_TITLE, "20/12/2019 08:00", (CP1258_PARAGRAPH,), charset="windows-1258"
            )
            self._send(200, page.encode(), "text/html; charset=iso-8859-1")
        elif path == "/gzip":
            page = article_page(CP1258_TITLE, "20/12/2019 08:00", (CP1258_PARAGRAPH,))
            self._send(
                200,
                gzip.compress(page.encode()),
                extra={"Content-Encoding": "gzip", "Vary": "Accept-Encoding"},
            )
        elif path == "/cached":
            validators = {"ETag": FakePortal.ETAG, "Last-Modified": FakePortal.LAST_MODIFIED}
            if headers.get("if-none-match") == FakePortal.ETAG or (
                "if-none-match" not in headers
                and headers.get("if-modified-since") == FakePortal.LAST_MODIFIED
            ):
                self._send(304, b"", None, validators)
            else:
                self._send(200, (PAGES / "tanhiep_seed.html").read_bytes(), extra=validators)
        elif path == "/changing":
            # New content each time: validators v1, then v2, then none at all.
            body = article_page(f"Bản tin lần {hit}", "20/12/2019 08:00", ("Cập nhật.",))
            validators = {"ETag": f'"v{hit}"'} if hit <= 2 else {}
            self._send(200, body.encode(), extra=validators)
        elif path == "/flaky":
            fails = int(query.get("fail", ["1"])[0])
            if hit <= fails:
                self._send(503, b"<h1>Service Unavailable</h1>", extra={"Retry-After": "0"})
            else:
                self._send(200, (PAGES / "tanhiep_seed.html").read_bytes())
        elif path == "/down":
            self._send(503, b"<h1>Service Unavailable</h1>")
        elif path == "/throttled":
            if hit == 1:
                self._send(429, b"", extra={"Retry-After": "2"})
            else:
                self._send(200, (PAGES / "tanhiep_seed.html").read_bytes())
        elif path == "/busy":
            self._send(429, b"", extra={"Retry-After": "3600"})
        elif path == "/busy-date":
            self._send(503, b"", extra={"Retry-After": formatdate(time.time() + 7200, usegmt=True)})
        elif path == "/gone":
            self._send(410, b"<h1>Gone</h1>")
        else:
            self._send(404, b"<h1>Not Found</h1>")

    def _stream_huge(self, *, declare: bool) -> None:
        # Generated while it streams (never held in memory); the client hangs up at its cap.
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        if declare:
            self.send_header("Content-Length", str(HUGE_SIZE))
        self.end_headers()
        self.wfile.write(b"<html><body>")
        sent = 0
        while sent < HUGE_SIZE:
            self.wfile.write(_CHUNK)
            sent += len(_CHUNK)
