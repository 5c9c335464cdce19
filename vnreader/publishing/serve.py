"""``vnreader serve``: a static file server for previewing a published site on 127.0.0.1.

Podcast players and browsers seek in an MP3 with HTTP Range requests, and validate feeds with
ETag / Last-Modified, so this server does both (which Python's ``http.server`` does not):

* ``Range: bytes=a-b``, ``bytes=a-`` and ``bytes=-n`` → 206 with ``Content-Range``; a range
  past the end → 416 with ``Content-Range: bytes */size``; several ranges at once → the whole
  file (200), which RFC 9110 allows, rather than a multipart body no player needs.
* ``If-None-Match`` / ``If-Modified-Since`` → 304; ``If-Range`` that no longer matches →
  the whole file.
* The content types podcast apps check (``audio/mpeg``, ``text/vtt``, ``application/rss+xml``,
  ``text/x-opml``, ``application/json``), text in UTF-8.
* Nothing outside the folder: ``..`` segments (also percent-encoded), backslashes, NULs and
  symbolic links that lead out are refused, and so are hidden files (the publish lock and the
  temporary files of a run in progress start with a dot).

It is a preview server: it listens on 127.0.0.1 unless told otherwise and is not meant to face
the internet (docs/operator.md: serve the folder with nginx, Apache or any static server).
"""

from __future__ import annotations

import email.utils
import functools
import html
import mimetypes
import os
import re
import socket
import sys
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import quote, unquote, urlsplit

from vnreader import __version__
from vnreader.errors import VnreaderError

__all__ = ["CONTENT_TYPES", "SiteHandler", "make_server", "serve"]

#: Content types by file suffix. Podcast apps reject enclosures and transcripts served as
#: octet-stream, and text without a charset is read as Latin-1 by some players.
CONTENT_TYPES: dict[str, str] = {
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".vtt": "text/vtt; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".xml": "application/rss+xml; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".opml": "text/x-opml; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".srt": "application/x-subrip; charset=utf-8",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
}

_CHUNK = 64 * 1024
_RANGE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$", re.IGNORECASE)


def content_type(path: Path) -> str:
    """The Content-Type header for ``path``."""
    suffix = path.suffix.lower()
    if suffix in CONTENT_TYPES:
        return CONTENT_TYPES[suffix]
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


def parse_range(header: str, size: int) -> tuple[int, int] | bool | None:
    """One ``Range`` header → ``(first, last)`` inclusive; None: ignore it (serve all);
    False: unsatisfiable (416).

    Malformed and multi-range headers are ignored, as RFC 9110 §14.2 permits.
    """
    match = _RANGE.match(header)
    if match is None:
        return None
    first_text, last_text = match.groups()
    if not first_text and not last_text:
        return None
    if not first_text:  # bytes=-n: the last n bytes
        suffix = int(last_text)
        if suffix == 0 or size == 0:
            return False
        return max(0, size - suffix), size - 1
    first = int(first_text)
    last = int(last_text) if last_text else size - 1
    if last_text and last < first:
        return None  # syntactically invalid: ignored
    if first >= size:
        return False
    return first, min(last, size - 1)


class SiteHandler(BaseHTTPRequestHandler):
    """GET and HEAD of the files under ``root``."""

    server_version = f"vnreader/{__version__}"
    protocol_version = "HTTP/1.1"

    def __init__(self, *args: Any, root: Path, quiet: bool = False, **kwargs: Any) -> None:
        self.root = root
        self.quiet = quiet
        super().__init__(*args, **kwargs)

    # --- requests ------------------------------------------------------------------------

    def do_GET(self) -> None:
        self._respond(body=True)

    def do_HEAD(self) -> None:
        self._respond(body=False)

    def _not_allowed(self) -> None:
        self.send_response(HTTPStatus.METHOD_NOT_ALLOWED)
        self.send_header("Allow", "GET, HEAD")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_POST = do_PUT = do_DELETE = do_PATCH = _not_allowed

    def log_message(self, format: str, *args: Any) -> None:
        if not self.quiet:
            super().log_message(format, *args)

    # --- the work ------------------------------------------------------------------------

    def _respond(self, *, body: bool) -> None:
        url_path = urlsplit(self.path).path
        target = self._resolve(url_path)
        if target is None:
            self._error(HTTPStatus.NOT_FOUND, body)
            return
        if target.is_dir():
            if not url_path.endswith("/"):
                # Relative links inside index.html need the trailing slash.
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", quote(url_path, safe="/%") + "/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            index = target / "index.html"
            if index.is_file():
                target = index
            else:
                self._listing(target, url_path, body)
                return
        if not target.is_file():
            self._error(HTTPStatus.NOT_FOUND, body)
            return
        try:
            handle = target.open("rb")
        except OSError:
            self._error(HTTPStatus.FORBIDDEN, body)
            return
        with handle:
            self._send_file(handle, target, body)

    def _resolve(self, url_path: str) -> Path | None:
        """The file or folder under the root that ``url_path`` names, or None (refused)."""
        try:
            decoded = unquote(url_path, errors="strict")
        except UnicodeDecodeError:
            return None
        if "\x00" in decoded or "\\" in decoded:
            return None
        parts = [part for part in decoded.split("/") if part not in ("", ".")]
        # ".." anywhere is refused outright rather than normalized away: no legitimate link
        # of a published site contains one. Hidden names are the lock and unfinished files.
        if any(part == ".." or part.startswith(".") for part in parts):
            return None
        candidate = self.root.joinpath(*parts)
        try:
            real = candidate.resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        if real != self.root and not real.is_relative_to(self.root):
            return None  # a symbolic link out of the site
        return real

    def _send_file(self, handle: BinaryIO, path: Path, body: bool) -> None:
        stat = os.fstat(handle.fileno())
        size = stat.st_size
        etag = f'"{stat.st_mtime_ns:x}-{size:x}"'
        last_modified = email.utils.formatdate(stat.st_mtime, usegmt=True)
        validators = {"ETag": etag, "Last-Modified": last_modified}

        if self._not_modified(etag, int(stat.st_mtime)):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self._headers(validators)
            self.end_headers()
            return

        span: tuple[int, int] | None = None
        range_header = self.headers.get("Range")
        if range_header is not None and self._if_range_holds(etag, int(stat.st_mtime)):
            parsed = parse_range(range_header, size)
            if parsed is False:
                self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
                self._headers({"Content-Range": f"bytes */{size}", "Content-Length": "0"})
                self._headers(validators)
                self.end_headers()
                return
            if isinstance(parsed, tuple):
                span = parsed

        if span is None:
            first, last = 0, size - 1
            self.send_response(HTTPStatus.OK)
        else:
            first, last = span
            self.send_response(HTTPStatus.PARTIAL_CONTENT)
            self.send_header("Content-Range", f"bytes {first}-{last}/{size}")
        length = last - first + 1
        self._headers(
            {
                "Content-Type": content_type(path),
                "Content-Length": str(length),
                "Accept-Ranges": "bytes",
                # A preview: always revalidate (cheap, thanks to the ETag), so a new publish
                # run shows at once.
                "Cache-Control": "no-cache",
                "X-Content-Type-Options": "nosniff",
            }
        )
        self._headers(validators)
        self.end_headers()
        if body and length > 0:
            handle.seek(first)
            self._copy(handle, length)

    def _not_modified(self, etag: str, mtime: int) -> bool:
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            # It takes precedence over If-Modified-Since (RFC 9110 §13.2.2); weak comparison.
            tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
            return "*" in tags or etag in tags
        since = self.headers.get("If-Modified-Since")
        if since is not None:
            when = _http_date(since)
            return when is not None and mtime <= when
        return False

    def _if_range_holds(self, etag: str, mtime: int) -> bool:
        condition = self.headers.get("If-Range")
        if condition is None:
            return True
        condition = condition.strip()
        if condition.startswith('"'):
            return condition == etag  # strong comparison only
        when = _http_date(condition)
        return when is not None and mtime <= when

    def _copy(self, handle: BinaryIO, length: int) -> None:
        remaining = length
        try:
            while remaining > 0:
                chunk = handle.read(min(_CHUNK, remaining))
                if not chunk:
                    break  # the file shrank under us; the client sees a short body
                self.wfile.write(chunk)
                remaining -= len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            # Players drop the connection as soon as they have the bytes they wanted.
            self.close_connection = True

    def _listing(self, folder: Path, url_path: str, body: bool) -> None:
        names = sorted(
            (entry.name + ("/" if entry.is_dir() else ""))
            for entry in folder.iterdir()
            if not entry.name.startswith(".")
        )
        title = html.escape(unquote(url_path))
        items = "\n".join(
            f'<li><a href="{quote(name)}">{html.escape(name)}</a></li>' for name in names
        )
        page = (
            '<!DOCTYPE html>\n<html lang="vi">\n<head><meta charset="utf-8">'
            f"<title>{title}</title></head>\n<body>\n<h1>{title}</h1>\n<ul>\n{items}\n</ul>\n"
            "</body>\n</html>\n"
        ).encode()
        self.send_response(HTTPStatus.OK)
        self._headers(
            {
                "Content-Type": "text/html; charset=utf-8",
                "Content-Length": str(len(page)),
                "Cache-Control": "no-cache",
            }
        )
        self.end_headers()
        if body:
            self.wfile.write(page)

    def _error(self, status: HTTPStatus, body: bool) -> None:
        page = f"{status.value} {status.phrase}\n".encode()
        self.send_response(status)
        self._headers(
            {"Content-Type": "text/plain; charset=utf-8", "Content-Length": str(len(page))}
        )
        self.end_headers()
        if body:
            self.wfile.write(page)

    def _headers(self, headers: dict[str, str]) -> None:
        for name, value in headers.items():
            self.send_header(name, value)


def _http_date(text: str) -> int | None:
    try:
        parsed = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed is None:
        return None
    return int(parsed.timestamp())


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # Ctrl-C must not wait for a podcast app's idle keep-alive

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A browser or a player that hangs up mid-request (seeking in an MP3, leaving a
        # page) is routine, not an error worth a traceback on the operator's terminal.
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


class _Server6(_Server):
    address_family = socket.AF_INET6


def make_server(
    directory: Path | str, host: str = "127.0.0.1", port: int = 8000, *, quiet: bool = False
) -> ThreadingHTTPServer:
    """A server for ``directory`` bound to ``host:port`` (port 0: any free port), not started.

    ``server.server_address[1]`` is the port; run it with ``serve_forever()``.
    """
    root = Path(directory)
    if not root.is_dir():
        raise VnreaderError(f"{root} is not a folder (publish a site into it first)")
    root = root.resolve()
    handler = functools.partial(SiteHandler, root=root, quiet=quiet)
    server_class = _Server6 if ":" in host else _Server
    try:
        return server_class((host, port), handler)
    except OSError as exc:
        if exc.errno in (98, 48, 10048):  # EADDRINUSE on Linux, macOS, Windows
            raise VnreaderError(
                f"port {port} on {host} is already in use (choose another with --port)"
            ) from None
        raise VnreaderError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def server_url(server: ThreadingHTTPServer) -> str:
    """The address a browser opens for ``server``."""
    host, port = server.server_address[:2]
    host = host.decode() if isinstance(host, bytes) else str(host)
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def serve(
    directory: Path | str,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    quiet: bool = False,
) -> None:
    """Serve ``directory`` until interrupted (Ctrl-C ends it cleanly, without a traceback)."""
    server = make_server(directory, host, port, quiet=quiet)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
