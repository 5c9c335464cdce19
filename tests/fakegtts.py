"""A fake Google Translate text-to-speech endpoint on 127.0.0.1, speaking gTTS's protocol.

How gTTS is pointed at it without patching gTTS or vnreader: gTTS builds its URL as
``"https://translate.google.{tld}/_/TranslateWebserverUi/data/batchexecute"``, with ``tld``
pasted in as it is. With ``tld="com@127.0.0.1:PORT"`` that URL reads
``https://translate.google.com@127.0.0.1:PORT/…``: everything before ``@`` is the URL's
*user information*, so the host requests connects to is 127.0.0.1:PORT (a user name with no
password: requests sends no ``Authorization`` header for it, and ``Host`` is 127.0.0.1).

The scheme stays ``https``, so the server speaks TLS with a self-signed certificate made
when the server starts; gTTS sends every request with ``verify=False``, so no CA bundle is
needed. The certificate is built here in pure Python (RSA key, DER, PKCS#1 v1.5 signature)
because neither the ``cryptography`` package nor an ``openssl`` command can be counted on.

gTTS also passes ``urllib.request.getproxies()`` (the ``*_proxy`` environment variables) to
every request, ignoring ``no_proxy``; :func:`no_internet` clears them so a proxy set on the
test machine cannot receive the request, and only lets sockets connect to loopback
addresses: a test that would reach the real internet fails closed (an unresolvable name).

The server decodes each request's ``f.req`` form field (``[[["jQ1olc", "[text, lang, slow,
\\"null\\"]", null, "generic"]]]``), keeps what it saw, and answers in the batchexecute
format gTTS parses, with a real MP3 made by the bundled ffmpeg: a tone as long as the text
(longer for the slow voice) between 0.2 s of silence, as Google pads its answers. Its
answers can be scripted: HTTP errors, dropped connections, slow answers, garbage.

Test modules use its fixtures with ``pytest_plugins = ("tests.fakegtts",)``. They import
it first, so pytest could not rewrite its asserts anyway: PYTEST_DONT_REWRITE says so and
keeps pytest from warning about it.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import secrets
import socket
import ssl
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import imageio_ffmpeg
import pytest

from tests.x509 import SHA256_RSA, bit_string, der, integer, oid, pem, rsa_key, seq

RPC_PATH = "/_/TranslateWebserverUi/data/batchexecute"
#: Seconds of silence the fake puts before and after each tone, as Google pads its speech.
PAD_S = 0.2
#: Seconds of tone per character of text (and a floor), for the normal voice.
TONE_PER_CHAR_S = 0.01
TONE_MIN_S = 0.12
#: How much longer the slow voice is (1 / 0.7, vnreader's estimate of Google's slow speed).
SLOW_STRETCH = 1 / 0.7


# -- a self-signed certificate, in pure Python ------------------------------------------


@cache
def self_signed_pem() -> tuple[str, str]:
    """(certificate PEM, RSA private key PEM) for CN=127.0.0.1, valid one day either side."""
    key = rsa_key("fake Google")
    name = seq(der(0x31, seq(oid("2.5.4.3"), der(0x0C, b"127.0.0.1"))))
    now = datetime.now(UTC)
    validity = seq(
        *(
            der(0x17, t.strftime("%y%m%d%H%M%SZ").encode())
            for t in (now - timedelta(1), now + timedelta(1))
        )
    )
    tbs = seq(
        der(0xA0, integer(2)),  # version 3
        integer(secrets.randbits(63) | 1),
        SHA256_RSA,
        name,
        validity,
        name,
        key.spki(),
    )
    cert_der = seq(tbs, SHA256_RSA, bit_string(key.sign(tbs)))
    return pem("CERTIFICATE", cert_der), key.private_pem()


# -- audio --------------------------------------------------------------------------------


@cache
def tone_mp3(seconds: float, frequency: int = 440) -> bytes:
    """An MP3 like Google's (24 kHz mono, 32 kb/s): a tone between :data:`PAD_S` silences."""
    pad_ms = int(PAD_S * 1000)
    graph = (
        f"sine=frequency={frequency}:sample_rate=24000:duration={seconds:.3f},"
        f"adelay=delays={pad_ms}:all=1,apad=pad_dur={PAD_S}"
    )
    command = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error"]
    command += ["-f", "lavfi", "-i", graph, "-ac", "1", "-ar", "24000"]
    command += ["-c:a", "libmp3lame", "-b:a", "32k", "-f", "mp3", "pipe:1"]
    return subprocess.run(command, capture_output=True, check=True).stdout


def tone_seconds(text: str, slow: bool) -> float:
    """How long the fake's tone for ``text`` lasts (without its padding)."""
    seconds = max(TONE_MIN_S, TONE_PER_CHAR_S * len(text))
    return round(seconds * (SLOW_STRETCH if slow else 1.0), 2)


# -- the server ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Seen:
    """One request the fake received, decoded."""

    text: str
    lang: str
    slow: bool
    headers: dict[str, str] = field(default_factory=dict)


def _batchexecute(payload: str | None) -> bytes:
    """A batchexecute answer carrying ``payload`` (base64 MP3) as Google frames it."""
    inner = json.dumps([payload] if payload is not None else None, separators=(",", ":"))
    envelope = json.dumps(
        [["wrb.fr", "jQ1olc", inner, None, None, None, "generic"], ["di", 42]],
        separators=(",", ":"),
    )
    tail = json.dumps([["e", 4, None, None, len(envelope) + 20]], separators=(",", ":"))
    return f")]}}'\n\n{len(envelope)}\n{envelope}\n{len(tail)}\n{tail}\n".encode()


class FakeGoogle:
    """The fake endpoint. ``plan(...)`` scripts the next answers, one action per request:

    ``"ok"`` (audio), ``"500"``/``"503"``/``"429"``/``"403"`` (that HTTP status), ``"drop"``
    (close the connection without answering), ``"slow"`` (answer after ``delay`` seconds),
    ``"garbage"`` (an HTML page with status 200), ``"noaudio"`` (the RPC's envelope without
    audio), ``"notmp3"`` (base64 of bytes that are no MP3). When the plan is used up every
    request gets ``default`` (``"ok"``).
    """

    def __init__(self) -> None:
        self.seen: list[Seen] = []
        self.hits = 0
        self.errors: list[str] = []
        self.default = "ok"
        self.delay = 1.0
        self.langs = {"vi"}
        self._plan: list[str] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._dir = tempfile.TemporaryDirectory(prefix="fakegtts-")

    # -- control ------------------------------------------------------------------------

    def start(self) -> FakeGoogle:
        cert, key = self_signed_pem()
        certfile, keyfile = Path(self._dir.name, "cert.pem"), Path(self._dir.name, "key.pem")
        certfile.write_text(cert)
        keyfile.write_text(key)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(certfile, keyfile)
        fake = self

        class Handler(_Handler):
            server_fake = fake

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        # The handshake happens in the request's thread, so a stuck client blocks no one.
        server.socket = context.wrap_socket(
            server.socket, server_side=True, do_handshake_on_connect=False
        )
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self._server = server
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        self._dir.cleanup()

    @property
    def port(self) -> int:
        assert self._server is not None, "start() the fake first"
        return self._server.server_address[1]

    @property
    def tld(self) -> str:
        """The ``tld`` that makes gTTS's URL point here (see the module's docstring)."""
        return f"com@127.0.0.1:{self.port}"

    def reset(self) -> None:
        with self._lock:
            self.seen.clear()
            self.errors.clear()
            self.hits = 0
            self.default = "ok"
            self.delay = 1.0
            self.langs = {"vi"}
            self._plan = []

    def plan(self, *actions: str) -> None:
        with self._lock:
            self._plan = list(actions)

    def _next(self) -> str:
        with self._lock:
            self.hits += 1
            return self._plan.pop(0) if self._plan else self.default

    @property
    def texts(self) -> list[str]:
        return [s.text for s in self.seen]


class _Handler(BaseHTTPRequestHandler):
    server_fake: FakeGoogle
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:
        self._send(404, b"not here", "text/plain")

    def do_POST(self) -> None:
        fake = self.server_fake
        action = fake._next()
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        seen = self._decode(body)
        if seen is None:
            self._send(400, b"bad request", "text/plain")
            return
        with fake._lock:
            fake.seen.append(seen)
        if action == "drop":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if action == "slow":
            time.sleep(fake.delay)
            action = "ok"
        if action.isdigit():
            self._send(int(action), b"<html>error</html>", "text/html")
        elif action == "garbage":
            self._send(200, b"<!doctype html><title>Sorry</title>unusual traffic", "text/html")
        elif action == "noaudio" or seen.lang not in fake.langs:
            self._send(200, _batchexecute(None), "application/json")
        elif action == "notmp3":
            junk = base64.b64encode(b"this is not an mp3 file at all" * 20).decode()
            self._send(200, _batchexecute(junk), "application/json")
        else:
            mp3 = tone_mp3(tone_seconds(seen.text, seen.slow))
            self._send(200, _batchexecute(base64.b64encode(mp3).decode()), "application/json")

    def _decode(self, body: bytes) -> Seen | None:
        """The request's text, language and speed, or ``None`` (noted) if malformed."""
        fake = self.server_fake
        try:
            if self.path != RPC_PATH:
                raise ValueError(f"path {self.path}")
            (freq,) = parse_qs(body.decode("ascii"))["f.req"]
            ((rpc,),) = json.loads(freq)
            rpc_id, params, _, kind = rpc
            if rpc_id != "jQ1olc" or kind != "generic":
                raise ValueError(f"rpc {rpc_id} {kind}")
            text, lang, speed, _ = json.loads(params)
            if not isinstance(text, str) or not text:
                raise ValueError("no text")
        except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
            with fake._lock:
                fake.errors.append(f"{exc!r}: {body[:200]!r}")
            return None
        return Seen(text, lang, speed is True, dict(self.headers.items()))

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", f"{content_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True


# -- no internet --------------------------------------------------------------------------

_PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "ftp_proxy", "no_proxy")


def _loopback(host: object) -> bool:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if host in (None, "localhost"):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


class Blocked(list[str]):
    """The addresses a test tried to reach beyond loopback (each was refused)."""


@pytest.fixture
def no_internet(monkeypatch: pytest.MonkeyPatch) -> Iterator[Blocked]:
    """Fail closed: no proxy, no name resolution or connection beyond 127.0.0.1/::1."""
    for name in _PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    blocked = Blocked()
    real_getaddrinfo = socket.getaddrinfo
    real_connect = socket.socket.connect

    def getaddrinfo(host, port, *args, **kwargs):  # type: ignore[no-untyped-def]
        if not _loopback(host):
            blocked.append(f"resolve {host!r}")
            raise socket.gaierror(socket.EAI_NONAME, "blocked by the tests: no internet")
        return real_getaddrinfo(host, port, *args, **kwargs)

    def connect(self, address):  # type: ignore[no-untyped-def]
        if isinstance(address, tuple) and not _loopback(address[0]):
            blocked.append(f"connect {address!r}")
            raise ConnectionRefusedError(111, "blocked by the tests: no internet")
        return real_connect(self, address)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", connect)
    yield blocked


@pytest.fixture(scope="session")
def gtts_server() -> Iterator[FakeGoogle]:
    """One fake Google endpoint for the session, on an ephemeral 127.0.0.1 port."""
    fake = FakeGoogle().start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture
def fake_gtts(gtts_server: FakeGoogle, no_internet: Blocked) -> FakeGoogle:
    """The fake endpoint, its plan and records cleared, with the internet blocked."""
    gtts_server.reset()
    return gtts_server
