"""A portal on 127.0.0.1 over HTTPS, with the certificate chains real ``.gov.vn`` hosts serve.

Many portals send only their own (leaf) certificate and forget the intermediate CA that
signed it: a browser that has met the intermediate before, or fetches it from the address
in the certificate's *Authority Information Access* (caIssuers), shows the page; Python,
OpenSSL and curl refuse it. To test that case without the internet, this module builds a
small public-key infrastructure in pure Python (RSA keys, DER, PKCS#1 v1.5 SHA-256
signatures; neither the ``cryptography`` package nor an ``openssl`` command is needed):

- a root CA (self-signed, basicConstraints CA:TRUE, keyUsage keyCertSign + cRLSign),
- an intermediate CA signed by the root (the same constraints, its authorityKeyIdentifier
  pointing at the root),
- a leaf for IP 127.0.0.1 signed by the intermediate (subjectAltName iPAddress 127.0.0.1,
  since Python matches IP addresses against the SAN and never against the CN; extKeyUsage
  serverAuth; authorityInfoAccess caIssuers ``http://127.0.0.1:PORT/intermediate.crt``),
- a self-signed certificate for 127.0.0.1 (a portal that made its own),
- leaves that are wrong in other ways: one that expired last month, one for another
  address (127.0.0.2), both signed by the intermediate.

Every certificate carries the extensions OpenSSL's strict mode (Python 3.13's default)
wants: subject/authority key identifiers, critical basicConstraints.

:class:`TlsPortal` serves, over HTTPS, an RSS feed, a listing page and two short articles
(tests/fakeportal.py's article template) with one of these chains: ``"leaf"`` (only the
leaf: the incomplete chain), ``"full"`` (leaf + intermediate, as a correct server sends),
``"self-signed"``, ``"expired"`` or ``"other-host"`` (each with the intermediate, so that
the one fault is the one named). Beside it a plain-HTTP server plays the CA's repository and serves
the intermediate in DER at the caIssuers address, where an operator would download it.

Keys take a second or two to generate, so each is made once per session (:func:`rsa_key`),
and so are the root and the intermediate (:func:`authorities`): the root of one server
is the root of all. A leaf is signed when its server starts, because it names the
repository's port.
"""

from __future__ import annotations

import ipaddress
import secrets
import ssl
import tempfile
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Literal

from tests.fakeportal import article_page, serve_in_thread
from tests.x509 import (
    SHA256_RSA,
    RsaKey,
    bit_string,
    der,
    integer,
    oid,
    pem,
    rsa_key,
    seq,
)

Chain = Literal["leaf", "full", "self-signed", "expired", "other-host"]

# -- DER pieces ----------------------------------------------------------------------------

_TRUE = b"\x01\x01\xff"

_COUNTRY, _ORGANIZATION, _COMMON_NAME = "2.5.4.6", "2.5.4.10", "2.5.4.3"
_KEY_USAGE_BITS = {"digitalSignature": 0, "keyEncipherment": 2, "keyCertSign": 5, "cRLSign": 6}


def _octets(body: bytes) -> bytes:
    return der(0x04, body)


def _utf8(text: str) -> bytes:
    return der(0x0C, text.encode("utf-8"))


def name(common_name: str, organization: str | None = None) -> bytes:
    """A distinguished name: C=VN, O=``organization``, CN=``common_name``."""
    parts = [(_COUNTRY, der(0x13, b"VN"))]  # countryName is a PrintableString
    if organization:
        parts.append((_ORGANIZATION, _utf8(organization)))
    parts.append((_COMMON_NAME, _utf8(common_name)))
    return seq(*(der(0x31, seq(oid(kind), value)) for kind, value in parts))


# -- extensions (RFC 5280 §4.2) ------------------------------------------------------------


def _extension(kind: str, value: bytes, *, critical: bool = False) -> bytes:
    return seq(oid(kind), *([_TRUE] if critical else []), _octets(value))


def basic_constraints(*, ca: bool) -> bytes:
    return _extension("2.5.29.19", seq(_TRUE) if ca else seq(), critical=True)


def key_usage(*usages: str) -> bytes:
    """keyUsage as a DER named-bit string (trailing zero bits dropped)."""
    value = 0
    for usage in usages:
        value |= 0x80 >> _KEY_USAGE_BITS[usage]  # one byte is enough for these bits
    unused = (value & -value).bit_length() - 1
    return _extension("2.5.29.15", der(0x03, bytes([unused, value])), critical=True)


def subject_key_id(key: RsaKey) -> bytes:
    return _extension("2.5.29.14", _octets(key.key_id()))


def authority_key_id(issuer_key: RsaKey) -> bytes:
    return _extension("2.5.29.35", seq(der(0x80, issuer_key.key_id())))


def subject_alt_name(ip: str) -> bytes:
    return _extension("2.5.29.17", seq(der(0x87, ipaddress.ip_address(ip).packed)))


def server_auth() -> bytes:
    return _extension("2.5.29.37", seq(oid("1.3.6.1.5.5.7.3.1")))


def ca_issuers(url: str) -> bytes:
    """authorityInfoAccess with one caIssuers address: where the issuer's certificate is."""
    access = seq(oid("1.3.6.1.5.5.7.48.2"), der(0x86, url.encode("ascii")))
    return _extension("1.3.6.1.5.5.7.1.1", seq(access))


def certificate(
    *,
    subject: bytes,
    key: RsaKey,
    issuer: bytes,
    issuer_key: RsaKey,
    extensions: list[bytes],
    days: int = 30,
    ago: int = 1,
) -> bytes:
    """A DER X.509 v3 certificate for ``key`` named ``subject``, signed by ``issuer_key``,
    valid from ``ago`` days ago for ``days`` days."""
    start = datetime.now(UTC) - timedelta(days=ago)
    validity = seq(
        *(
            der(0x17, t.strftime("%y%m%d%H%M%SZ").encode())
            for t in (start, start + timedelta(days=days))
        )
    )
    tbs = seq(
        der(0xA0, integer(2)),  # version 3
        integer(secrets.randbits(63) | 1 << 62),
        SHA256_RSA,
        issuer,
        validity,
        subject,
        key.spki(),
        der(0xA3, seq(*extensions)),
    )
    return seq(tbs, SHA256_RSA, bit_string(issuer_key.sign(tbs)))


# -- the chain a portal has ----------------------------------------------------------------

ROOT_CN = "vnreader Test Root CA"
INTERMEDIATE_CN = "vnreader Test Intermediate CA R3"
ORGANIZATION = "Trung tâm Chứng thực Thử nghiệm"
PORTAL_ORG = "Ủy ban nhân dân xã Tân Hiệp"


@dataclass(frozen=True)
class Pki:
    """The certificates (PEM) of one test portal, and the leaf's key."""

    root: str
    intermediate: str
    intermediate_der: bytes
    leaf: str
    leaf_key: str
    self_signed: str
    expired: str
    other_host: str
    #: The leaf's caIssuers address (where the intermediate is served).
    ca_issuers_url: str


@cache
def authorities() -> tuple[bytes, bytes]:
    """The root and the intermediate CA (DER), the same for every server of the session."""
    root_key, mid_key = rsa_key("root"), rsa_key("intermediate")
    root_name = name(ROOT_CN, ORGANIZATION)
    ca_extensions = [basic_constraints(ca=True), key_usage("keyCertSign", "cRLSign")]
    root = certificate(
        subject=root_name,
        key=root_key,
        issuer=root_name,
        issuer_key=root_key,
        extensions=[*ca_extensions, subject_key_id(root_key)],
        days=3650,
    )
    intermediate = certificate(
        subject=name(INTERMEDIATE_CN, ORGANIZATION),
        key=mid_key,
        issuer=root_name,
        issuer_key=root_key,
        extensions=[*ca_extensions, subject_key_id(mid_key), authority_key_id(root_key)],
        days=365,
    )
    return root, intermediate


def make_pki(ca_issuers_url: str, host: str = "127.0.0.1") -> Pki:
    """The authorities, a leaf for ``host`` signed by the intermediate (its caIssuers:
    ``ca_issuers_url``), and a self-signed certificate for ``host``."""
    root, intermediate = authorities()
    mid_key, leaf_key = rsa_key("intermediate"), rsa_key("leaf")
    mid_name = name(INTERMEDIATE_CN, ORGANIZATION)
    leaf_name = name(host, PORTAL_ORG)

    def server_extensions(address: str) -> list[bytes]:
        return [
            basic_constraints(ca=False),
            key_usage("digitalSignature", "keyEncipherment"),
            server_auth(),
            subject_alt_name(address),
            subject_key_id(leaf_key),
        ]

    def signed_leaf(address: str, **validity: int) -> bytes:
        return certificate(
            subject=name(address, PORTAL_ORG),
            key=leaf_key,
            issuer=mid_name,
            issuer_key=mid_key,
            extensions=[
                *server_extensions(address),
                authority_key_id(mid_key),
                ca_issuers(ca_issuers_url),
            ],
            **validity,
        )

    own = certificate(
        subject=leaf_name,
        key=leaf_key,
        issuer=leaf_name,
        issuer_key=leaf_key,
        extensions=server_extensions(host),
    )
    other = str(ipaddress.ip_address(host) + 1)
    return Pki(
        root=pem("CERTIFICATE", root),
        intermediate=pem("CERTIFICATE", intermediate),
        intermediate_der=intermediate,
        leaf=pem("CERTIFICATE", signed_leaf(host)),
        leaf_key=leaf_key.private_pem(),
        self_signed=pem("CERTIFICATE", own),
        expired=pem("CERTIFICATE", signed_leaf(host, ago=60, days=30)),
        other_host=pem("CERTIFICATE", signed_leaf(other)),
        ca_issuers_url=ca_issuers_url,
    )


# -- the servers ---------------------------------------------------------------------------

#: The portal's two articles: (path, title, "dd/mm/yyyy hh:mm", paragraphs).
ARTICLES = (
    (
        "/tin-tuc/hop-dan-ve-dat-dai-4101.html",
        "Xã Tân Hiệp họp dân về quy hoạch đất đai năm 2026",
        "04/12/2026 08:00",
        ("Sáng ngày 4/12, xã tổ chức họp dân, có 120 hộ tham gia.",),
    ),
    (
        "/tin-tuc/tiem-chung-cho-tre-4102.html",
        "Trạm y tế xã tiêm chủng mở rộng cho trẻ dưới 5 tuổi",
        "05/12/2026 07:30",
        ("Trong ngày 5/12, trạm y tế đã tiêm chủng cho 86 cháu.",),
    ),
)


class TlsPortal:
    """The HTTPS portal (``base_url``) and its CA's repository (``pki.ca_issuers_url``).

    ``chain``: what the server sends in the TLS handshake. ``hits`` counts the requests
    that got through the handshake, by path.
    """

    def __init__(self, chain: Chain = "leaf") -> None:
        self.chain = chain
        self.hits: Counter[str] = Counter()
        self.handshake_failures = 0
        self._lock = threading.Lock()
        self._dir = tempfile.TemporaryDirectory(prefix="tlsportal-")
        self.folder = Path(self._dir.name)
        portal = self

        class Repository(_RepositoryHandler):
            owner = portal

        # The repository first: the leaf names its address.
        self.repository, repository_url = serve_in_thread(Repository)
        self.pki = make_pki(f"{repository_url}/intermediate.crt")
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _portal_handler(self))
        self.httpd.daemon_threads = True
        # The handshake happens in each request's thread (a failed one is counted there).
        self.httpd.socket = self._context().wrap_socket(
            self.httpd.socket, server_side=True, do_handshake_on_connect=False
        )
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.base_url = f"https://127.0.0.1:{self.httpd.server_address[1]}"

    def _context(self) -> ssl.SSLContext:
        sent = {
            "leaf": self.pki.leaf,
            "full": self.pki.leaf + self.pki.intermediate,
            "self-signed": self.pki.self_signed,
            "expired": self.pki.expired + self.pki.intermediate,
            "other-host": self.pki.other_host + self.pki.intermediate,
        }[self.chain]
        certfile, keyfile = self.folder / "chain.pem", self.folder / "key.pem"
        certfile.write_text(sent, encoding="ascii")
        keyfile.write_text(self.pki.leaf_key, encoding="ascii")
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(certfile, keyfile)
        return context

    def stop(self) -> None:
        for server in (self.httpd, self.repository):
            server.shutdown()
            server.server_close()
        self._dir.cleanup()

    def reset(self) -> None:
        with self._lock:
            self.hits.clear()
            self.handshake_failures = 0

    def write(self, folder: Path, what: str) -> Path:
        """Write ``what`` ("root", "intermediate" …) of the PKI as ``folder/<what>.pem``."""
        path = folder / f"{what.replace('-', '_')}.pem"
        path.write_text(getattr(self.pki, what.replace("-", "_")), encoding="ascii")
        return path

    @property
    def rss_url(self) -> str:
        return self.base_url + "/rss"

    @property
    def listing_url(self) -> str:
        return self.base_url + "/tin-tuc"

    def article_urls(self) -> list[str]:
        return [self.base_url + path for path, *_ in ARTICLES]

    def count(self, path: str) -> None:
        with self._lock:
            self.hits[path] += 1

    def failed_handshake(self) -> None:
        with self._lock:
            self.handshake_failures += 1


class _Handler(BaseHTTPRequestHandler):
    owner: TlsPortal
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _RepositoryHandler(_Handler):
    """The CA's plain-HTTP repository: the intermediate in DER, as CAs publish it."""

    def do_GET(self) -> None:
        if self.path == "/intermediate.crt":
            self._send(200, self.owner.pki.intermediate_der, "application/pkix-cert")
        else:
            self._send(404, b"not found", "text/plain")


def _portal_handler(portal: TlsPortal) -> type[BaseHTTPRequestHandler]:
    class Handler(_PortalHandler):
        owner = portal

    return Handler


class _PortalHandler(_Handler):
    def handle(self) -> None:
        try:
            super().handle()
        except (ssl.SSLError, ConnectionError):
            # The client refused the certificate (what these tests are about), or read it
            # and hung up (doctor does): not a server error.
            self.owner.failed_handshake()

    def do_GET(self) -> None:
        portal = self.owner
        portal.count(self.path)
        articles = {path: entry for path, *entry in ARTICLES}
        if self.path == "/rss":
            items = "".join(
                f"<item><title>{title}</title><link>{portal.base_url}{path}</link></item>"
                for path, title, *_ in ARTICLES
            )
            body = (
                '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                f"<title>Tin tức xã Tân Hiệp</title>{items}</channel></rss>"
            )
            self._send(200, body.encode(), "application/rss+xml; charset=utf-8")
        elif self.path == "/tin-tuc":
            items = "".join(
                f'<li class="news-item"><a href="{path}">{title}</a>'
                f'<span class="date">{when[:10]}</span></li>'
                for path, title, when, _ in ARTICLES
            )
            body = (
                '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Tin tức'
                '</title></head><body><div class="menu"><a href="/">Trang chủ</a></div>'
                '<div class="list-news"><h2>Tin tức - Sự kiện</h2>'
                f'<ul class="news-list">{items}</ul></div>'
                '<div class="footer">Cơ quan chủ quản: Ủy ban nhân dân xã</div></body></html>'
            )
            self._send(200, body.encode(), "text/html; charset=utf-8")
        elif self.path in articles:
            title, when, paragraphs = articles[self.path]
            page = article_page(title, when, paragraphs)
            self._send(200, page.encode(), "text/html; charset=utf-8")
        else:
            self._send(404, b"<h1>Not Found</h1>", "text/html")
