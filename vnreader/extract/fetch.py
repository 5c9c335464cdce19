"""Fetching one page politely and safely: ``fetch(url) -> Page`` or a one-line FetchError.

- Timeouts: ``timeout`` seconds to connect and for each read; a whole download may take
  at most three times that (a server that trickles bytes cannot hold a cron job forever).
- Retries: at most ``retries`` more attempts, only for failures that may pass (connection
  errors, timeouts, HTTP 429/502/503/504), after an exponential backoff with jitter; a
  ``Retry-After`` up to :data:`RETRY_AFTER_CAP` seconds is honoured, a longer one ends the
  fetch at once (waiting an hour is not what a person at the keyboard wants).
- Size: the body is counted while it streams and the download stops at ``max_bytes``
  (decompressed bytes, so a gzip bomb is stopped too).
- Redirects: followed by hand, at most :data:`MAX_REDIRECTS`, http(s) only; a loop is
  named as one.
- Conditional requests: with ``cache_dir``, a page's ETag / Last-Modified and body are
  kept per URL and sent back as If-None-Match / If-Modified-Since; a 304 answer returns
  the kept body with ``not_modified=True``.
- An honest User-Agent (:func:`user_agent`) and ``Accept-Language: vi``.
- Connections: inside ``with session():`` (a publish run) every fetch shares one HTTP
  client per TLS setting, so a portal's connection is kept alive from one page to the
  next; outside one, each fetch opens and closes its own.
"""

from __future__ import annotations

import email.utils
import functools
import hashlib
import json
import os
import random
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx

from vnreader.cachefile import write_cache_file
from vnreader.errors import FetchError


@functools.cache
def _tls_context(
    cafile: str | None, capath: str | None, extra: str | None = None, verify: bool = True
) -> ssl.SSLContext:
    """One TLS context per process and CA setting: building one loads the CA bundle
    (about 16 ms), which dominated a cron re-run of 1,000 unchanged pages.
    ``cafile``/``capath`` are the SSL_CERT_FILE/SSL_CERT_DIR in force (the cache key);
    ``extra`` a PEM file of certificates trusted besides the system's (the intermediate a
    portal forgets to send); ``verify=False`` accepts any certificate (a last resort)."""
    if not verify:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    context = httpx.create_ssl_context()
    if extra is not None:
        try:
            context.load_verify_locations(cafile=extra)
        except (OSError, ssl.SSLError) as exc:
            raise FetchError(f"cannot use the ca_bundle {extra}: {exc}") from None
    return context


MAX_REDIRECTS = 10
#: Longest Retry-After (seconds) worth waiting for; longer ones fail at once.
RETRY_AFTER_CAP = 30.0
#: First backoff delay in seconds; attempt n waits BACKOFF_BASE * 2**n plus jitter.
BACKOFF_BASE = 0.5
RETRY_STATUSES = frozenset({429, 502, 503, 504})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
#: Environment variable with a contact (e-mail or URL) added to the User-Agent, so a
#: portal's administrator can reach whoever runs a scheduled reader.
CONTACT_ENV = "VNREADER_CONTACT"

#: Content types fetch returns; the rest are refused before their body is downloaded.
_PAGE_TYPES = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "text/xml",
        "application/xml",
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "text/plain",  # decode_html says plainly that it is not a page
    }
)
_TYPE_NAMES = {
    "application/pdf": "a PDF",
    "application/msword": "a Word document",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("a Word document"),
    "application/vnd.ms-excel": "an Excel workbook",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "an Excel workbook",
    "application/zip": "a ZIP archive",
    "application/x-rar-compressed": "a RAR archive",
    "application/vnd.rar": "a RAR archive",
    "application/json": "JSON data",
}
_TYPE_FAMILIES = {"image": "an image", "audio": "an audio file", "video": "a video"}

_BAD_CERTIFICATE = "its TLS certificate could not be verified"

# Tests replace these to run without waiting.
_sleep = time.sleep
_monotonic = time.monotonic


@dataclass(frozen=True)
class Page:
    """A fetched page. ``status`` is 304 and ``not_modified`` True when the cache answered."""

    url: str
    status: int
    content_type: str | None
    body: bytes
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False


class _Retryable(Exception):
    """An attempt failed in a way that may pass; ``message`` is the FetchError if not."""

    def __init__(
        self, message: str, retry_after: float | None = None, status: int | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after
        self.status = status


class Session:
    """HTTP clients shared by the fetches of one run, one per TLS setting.

    Building an ``httpx.Client`` reads the proxy environment and sets up a connection
    pool; doing it once per run instead of once per page, and keeping the portal's
    connection alive between its pages, is what makes a cron re-run of 1,000 unchanged
    articles cheap. Safe to use from several threads.
    """

    def __init__(self) -> None:
        self._clients: dict[int, httpx.Client] = {}
        self._lock = threading.Lock()

    def client(self, tls: ssl.SSLContext) -> httpx.Client:
        with self._lock:
            client = self._clients.get(id(tls))
            if client is None:
                client = self._clients[id(tls)] = _new_client(tls)
            return client

    def close(self) -> None:
        with self._lock:
            clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            client.close()


_active: Session | None = None
_active_lock = threading.Lock()


@contextmanager
def session() -> Iterator[Session]:
    """Share HTTP clients between the fetches made until the block ends (nested blocks
    use the outermost session); the connections are closed at its end."""
    global _active
    with _active_lock:
        outer = _active
        current = outer if outer is not None else Session()
        _active = current
    if outer is not None:
        yield outer
        return
    try:
        yield current
    finally:
        with _active_lock:
            _active = None
        current.close()


def _new_client(tls: ssl.SSLContext) -> httpx.Client:
    return httpx.Client(follow_redirects=False, verify=tls)


def user_agent() -> str:
    """``vnreader/<version> (+accessible reader …; contact)``: who is asking, honestly."""
    contact = os.environ.get(CONTACT_ENV, "").strip()
    about = "accessible reader for Vietnamese public information"
    return f"vnreader/{_version()} ({about}" + (f"; contact: {contact})" if contact else ")")


@functools.cache
def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("vnreader")
    except PackageNotFoundError:
        return "0"


def fetch(
    url: str,
    *,
    timeout: float = 20,
    max_bytes: int = 10_000_000,
    retries: int = 2,
    cache_dir: Path | None = None,
    verify_tls: bool = True,
    ca_bundle: Path | None = None,
    images: bool = False,
) -> Page:
    """Fetch ``url`` (http or https) and return its :class:`Page`; FetchError on failure.

    ``ca_bundle`` adds trusted certificates (PEM) for this request; ``verify_tls=False``
    accepts any certificate (for a portal whose chain cannot be fixed otherwise).
    ``images=True`` fetches an image (``image/*``) instead of a page.
    """
    _check_scheme(url, url)
    cached = _Cache(Path(cache_dir), url) if cache_dir is not None else None
    headers = {
        "User-Agent": user_agent(),
        "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.5",
        "Accept-Language": "vi,en;q=0.5",
    }
    kept = cached.load() if cached else None
    if kept is not None:
        if kept.etag:
            headers["If-None-Match"] = kept.etag
        if kept.last_modified:
            headers["If-Modified-Since"] = kept.last_modified
    limits = httpx.Timeout(timeout, connect=timeout)
    attempt = 0
    tls = _tls_context(
        os.environ.get("SSL_CERT_FILE"),
        os.environ.get("SSL_CERT_DIR"),
        str(ca_bundle) if ca_bundle is not None else None,
        verify_tls,
    )
    shared = _active
    client = shared.client(tls) if shared is not None else _new_client(tls)
    try:
        while True:
            try:
                page = _attempt(
                    client,
                    url,
                    headers=headers,
                    limits=limits,
                    timeout=timeout,
                    max_bytes=max_bytes,
                    images=images,
                )
                break
            except _Retryable as failure:
                if attempt >= retries:
                    tries = f" ({attempt + 1} attempts)" if attempt else ""
                    raise FetchError(failure.message + tries, failure.status) from None
                delay = BACKOFF_BASE * 2**attempt * (1 + random.random() / 4)
                if failure.retry_after is not None:
                    if failure.retry_after > RETRY_AFTER_CAP:
                        raise FetchError(
                            f"{failure.message} (it asks to retry after "
                            f"{failure.retry_after:.0f} s)",
                            failure.status,
                        ) from None
                    delay = max(delay, failure.retry_after)
                attempt += 1
                _sleep(delay)
    finally:
        if shared is None:
            client.close()
    if page.status == 304:
        if kept is None:
            raise FetchError(
                f"{url} answered 304 Not Modified to a request that was not conditional"
            )
        return Page(
            url=kept.url,
            status=304,
            content_type=kept.content_type,
            body=kept.body,
            etag=page.etag or kept.etag,
            last_modified=page.last_modified or kept.last_modified,
            not_modified=True,
        )
    if cached is not None:
        if page.etag or page.last_modified:
            cached.store(page)
        elif kept is not None:
            cached.clear()  # the page no longer has validators: never send stale ones
    return page


def _attempt(
    client: httpx.Client,
    url: str,
    *,
    headers: dict[str, str],
    limits: httpx.Timeout,
    timeout: float,
    max_bytes: int,
    images: bool = False,
) -> Page:
    """One attempt: redirects followed by hand so that loops and odd schemes are named."""
    seen = [url]
    current = url
    deadline = _monotonic() + 3 * timeout
    while True:
        try:
            with client.stream("GET", current, headers=headers, timeout=limits) as response:
                if response.status_code in _REDIRECTS:
                    target = _redirect_target(response, current, url)
                    if target in seen:
                        raise FetchError(f"{url} redirects in a loop ({_loop(seen, target)})")
                    if len(seen) > MAX_REDIRECTS:
                        raise FetchError(f"{url} redirects more than {MAX_REDIRECTS} times")
                    seen.append(target)
                    current = target
                    continue
                return _read(
                    response, url, current, max_bytes=max_bytes, deadline=deadline, images=images
                )
        except httpx.TimeoutException:
            raise _Retryable(f"{current} did not answer within {timeout:g} s") from None
        except httpx.ConnectError as exc:
            reason = _reason(exc)
            if reason == _BAD_CERTIFICATE:
                raise FetchError(f"cannot reach {_host(current)}: {reason}") from None
            raise _Retryable(f"cannot reach {_host(current)}: {reason}") from None
        except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
            raise _Retryable(f"{_host(current)} broke off the connection: {_reason(exc)}") from None
        except httpx.DecodingError:
            raise FetchError(f"{url} sent a compressed body that cannot be decompressed") from None
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            raise FetchError(f"{current} is not a valid web address ({exc})") from None
        except httpx.HTTPError as exc:
            raise FetchError(f"cannot fetch {url}: {_reason(exc)}") from None


def _read(
    response: httpx.Response,
    url: str,
    final: str,
    *,
    max_bytes: int,
    deadline: float,
    images: bool = False,
) -> Page:
    status = response.status_code
    etag = response.headers.get("ETag")
    last_modified = response.headers.get("Last-Modified")
    if status == 304:
        return Page(final, 304, None, b"", etag, last_modified)
    if status >= 400:
        message = f"{url} answered {status} {_phrase(response)}"
        if status in RETRY_STATUSES:
            raise _Retryable(message, _retry_after(response.headers.get("Retry-After")), status)
        raise FetchError(message, status)
    content_type = response.headers.get("Content-Type")
    if images:
        _check_image_type(content_type, url)
    else:
        _check_type(content_type, url)
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(
            f"{url} is larger than {_size(max_bytes)} (it says {_size(int(declared))})"
        )
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"{url} is larger than {_size(max_bytes)}")
        if _monotonic() > deadline:
            raise _Retryable(f"{url} took too long to download")
        chunks.append(chunk)
    body = b"".join(chunks)
    if not body.strip():
        raise FetchError(f"{url} answered with an empty page")
    return Page(final, status, content_type, body, etag, last_modified)


def _check_scheme(target: str, url: str) -> None:
    scheme = urlsplit(target).scheme.lower()
    if scheme not in ("http", "https"):
        if target == url:
            raise FetchError(f"only http:// and https:// addresses can be fetched, not {url}")
        raise FetchError(f"{url} redirects to {target}, which is not an http(s) address")


def _redirect_target(response: httpx.Response, current: str, url: str) -> str:
    location = response.headers.get("Location")
    if not location:
        raise FetchError(f"{url} answered {response.status_code} without saying where to go")
    target = urljoin(current, location.strip())
    _check_scheme(target, url)
    return target.split("#", 1)[0]


def _loop(seen: list[str], target: str) -> str:
    cycle = [*seen[seen.index(target) :], target]
    if len(cycle) > 4:
        return f"through {len(cycle) - 1} addresses"
    host = urlsplit(seen[0]).netloc
    return " → ".join(_short(u, host) for u in cycle)


def _short(url: str, host: str) -> str:
    """The address without scheme and host when it is on the first address's host."""
    parts = urlsplit(url)
    if parts.netloc != host:
        return url
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _check_type(content_type: str | None, url: str) -> None:
    if not content_type:
        return  # no header: the bytes decide (decode_html refuses PDFs and images)
    mime = content_type.split(";", 1)[0].strip().lower()
    if mime in _PAGE_TYPES or mime.endswith("+xml") or mime in ("", "application/octet-stream"):
        return
    what = _TYPE_NAMES.get(mime) or _TYPE_FAMILIES.get(mime.split("/", 1)[0])
    if what:
        raise FetchError(f"{url} is {what}, not a web page")
    raise FetchError(f"{url} is not a web page (its content type is {mime})")


def _check_image_type(content_type: str | None, url: str) -> None:
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    if mime and not mime.startswith("image/") and mime != "application/octet-stream":
        raise FetchError(f"{url} is not an image (its content type is {mime})")


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _phrase(response: httpx.Response) -> str:
    try:
        return HTTPStatus(response.status_code).phrase
    except ValueError:
        return response.reason_phrase or "error"


def _reason(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    lowered = text.lower()
    if (
        "name or service not known" in lowered
        or "nodename nor servname" in lowered
        or ("temporary failure in name resolution" in lowered)
    ):
        return "no such host"
    if "connection refused" in lowered:
        return "connection refused"
    if "certificate" in lowered:
        return _BAD_CERTIFICATE
    if "network is unreachable" in lowered:
        return "network is unreachable"
    return text.splitlines()[0]


def _host(url: str) -> str:
    return urlsplit(url).netloc or url


def _size(n: int) -> str:
    for unit, scale in (("MB", 1_000_000), ("kB", 1000)):
        if n >= scale:
            return f"{n / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{n} bytes"


class _Cache:
    """One URL's kept response: ``<sha256>.json`` (validators) and ``<sha256>.body``."""

    def __init__(self, directory: Path, url: str) -> None:
        key = hashlib.sha256(url.encode("utf-8")).hexdigest()
        self.dir = directory
        self.meta = directory / f"{key}.json"
        self.body = directory / f"{key}.body"
        self.url = url

    def load(self) -> Page | None:
        try:
            meta = json.loads(self.meta.read_text("utf-8"))
            body = self.body.read_bytes()
        except (OSError, ValueError):
            return None  # no entry, or a damaged one: fetch unconditionally
        if (
            meta.get("request") != self.url
            or meta.get("sha256") != hashlib.sha256(body).hexdigest()
        ):
            return None  # body and validators out of step: never pair them
        return Page(
            url=meta.get("url") or self.url,
            status=200,
            content_type=meta.get("content_type"),
            body=body,
            etag=meta.get("etag"),
            last_modified=meta.get("last_modified"),
        )

    def clear(self) -> None:
        for path in (self.meta, self.body):
            path.unlink(missing_ok=True)

    def store(self, page: Page) -> None:
        meta = {
            "request": self.url,
            "url": page.url,
            "content_type": page.content_type,
            "etag": page.etag,
            "last_modified": page.last_modified,
            "sha256": hashlib.sha256(page.body).hexdigest(),
        }
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            # Body first, then the validators that point at it: a crash in between
            # leaves a mismatch that load() ignores, never a stale body with fresh tags.
            write_cache_file(self.body, page.body)
            write_cache_file(self.meta, json.dumps(meta, ensure_ascii=False).encode("utf-8"))
        except OSError as exc:
            raise FetchError(
                f"cannot write the page cache in {self.dir}: {exc.strerror or exc}"
            ) from None
