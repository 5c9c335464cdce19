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

import base64
import hashlib
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

from tests.fakegtts import _der, _int, _oid, _seq
from tests.fakeportal import article_page, serve_in_thread

Chain = Literal["leaf", "full", "self-signed", "expired", "other-host"]

# -- DER pieces ----------------------------------------------------------------------------

_RSA = _seq(_oid("1.2.840.113549.1.1.1"), b"\x05\x00")
_SHA256_RSA = _seq(_oid("1.2.840.113549.1.1.11"), b"\x05\x00")
#: DigestInfo prefix of a SHA-256 digest (PKCS#1 v1.5, RFC 8017 §9.2).
_SHA256_INFO = bytes.fromhex("3031300d060960864801650304020105000420")
_TRUE = b"\x01\x01\xff"

_COUNTRY, _ORGANIZATION, _COMMON_NAME = "2.5.4.6", "2.5.4.10", "2.5.4.3"
_KEY_USAGE_BITS = {"digitalSignature": 0, "keyEncipherment": 2, "keyCertSign": 5, "cRLSign": 6}


def _octets(body: bytes) -> bytes:
    return _der(0x04, body)


def _bits(body: bytes) -> bytes:
    return _der(0x03, b"\x00" + body)


def _utf8(text: str) -> bytes:
    return _der(0x0C, text.encode("utf-8"))


def name(common_name: str, organization: str | None = None) -> bytes:
    """A distinguished name: C=VN, O=``organization``, CN=``common_name``."""
    parts = [(_COUNTRY, _der(0x13, b"VN"))]  # countryName is a PrintableString
    if organization:
        parts.append((_ORGANIZATION, _utf8(organization)))
    parts.append((_COMMON_NAME, _utf8(common_name)))
    return _seq(*(_der(0x31, _seq(_oid(oid), value)) for oid, value in parts))


@dataclass(frozen=True)
class RsaKey:
    """An RSA private key, with what certificates need of it."""

    n: int
    e: int
    d: int
    p: int
    q: int

    @property
    def size(self) -> int:
        return (self.n.bit_length() + 7) // 8

    def public_der(self) -> bytes:
        """RSAPublicKey (the bits inside subjectPublicKeyInfo)."""
        return _seq(_int(self.n), _int(self.e))

    def spki(self) -> bytes:
        return _seq(_RSA, _bits(self.public_der()))

    def key_id(self) -> bytes:
        """The usual key identifier: SHA-1 of the public key's bits (RFC 5280 §4.2.1.2)."""
        return hashlib.sha1(self.public_der()).digest()

    def sign(self, data: bytes) -> bytes:
        """PKCS#1 v1.5 signature of SHA-256(``data``)."""
        info = _SHA256_INFO + hashlib.sha256(data).digest()
        block = b"\x00\x01" + b"\xff" * (self.size - 3 - len(info)) + b"\x00" + info
        return pow(int.from_bytes(block, "big"), self.d, self.n).to_bytes(self.size, "big")

    def private_pem(self) -> str:
        p, q, d = self.p, self.q, self.d
        fields = (0, self.n, self.e, d, p, q, d % (p - 1), d % (q - 1), pow(q, -1, p))
        return pem("RSA PRIVATE KEY", _seq(*map(_int, fields)))


#: Odd primes below 3,000: a candidate divisible by one is skipped without a modular power.
_SMALL_PRIMES = tuple(
    p for p in range(3, 3000, 2) if all(p % q for q in range(3, int(p**0.5) + 1, 2))
)


def _probably_prime(n: int, rounds: int) -> bool:
    """Miller-Rabin with base 2, then ``rounds - 1`` random bases."""
    d, r = n - 1, 0
    while d % 2 == 0:
        d, r = d // 2, r + 1
    for base in [2, *(secrets.randbelow(n - 3) + 2 for _ in range(rounds - 1))]:
        x = pow(base, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(r - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def _prime(bits: int, e: int) -> int:
    """A random prime of ``bits`` bits (top two set, so p*q has twice the bits), with
    gcd(p-1, e) = 1: the odd numbers from a random start, sieved by the small primes
    (a few times faster than testing random candidates, which matters under load)."""
    while True:
        start = secrets.randbits(bits) | (3 << (bits - 2)) | 1
        residues = [start % p for p in _SMALL_PRIMES]
        for step in range(0, 20_000, 2):
            if all((r + step) % p for r, p in zip(residues, _SMALL_PRIMES, strict=True)):
                n = start + step
                # One round rejects nearly every composite; six more for the survivor.
                if (n - 1) % e and _probably_prime(n, 1) and _probably_prime(n, 7):
                    return n


@cache
def rsa_key(label: str, bits: int = 2048) -> RsaKey:
    """A fresh RSA key, made once per session for each ``label``.

    2048 bits: OpenSSL's default security level refuses smaller keys on a server.
    """
    e = 65537
    while True:
        p, q = _prime(bits // 2, e), _prime(bits // 2, e)
        n = p * q
        if p != q and n.bit_length() == bits:
            return RsaKey(n=n, e=e, d=pow(e, -1, (p - 1) * (q - 1)), p=p, q=q)


def pem(label: str, der: bytes) -> str:
    b64 = base64.b64encode(der).decode()
    lines = [b64[i : i + 64] for i in range(0, len(b64), 64)]
    return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----\n"


# -- extensions (RFC 5280 §4.2) ------------------------------------------------------------


def _extension(oid: str, value: bytes, *, critical: bool = False) -> bytes:
    return _seq(_oid(oid), *([_TRUE] if critical else []), _octets(value))


def basic_constraints(*, ca: bool) -> bytes:
    return _extension("2.5.29.19", _seq(_TRUE) if ca else _seq(), critical=True)


def key_usage(*usages: str) -> bytes:
    """keyUsage as a DER named-bit string (trailing zero bits dropped)."""
    value = 0
    for usage in usages:
        value |= 0x80 >> _KEY_USAGE_BITS[usage]  # one byte is enough for these bits
    unused = (value & -value).bit_length() - 1
    return _extension("2.5.29.15", _der(0x03, bytes([unused, value])), critical=True)


def subject_key_id(key: RsaKey) -> bytes:
    return _extension("2.5.29.14", _octets(key.key_id()))


def authority_key_id(issuer_key: RsaKey) -> bytes:
    return _extension("2.5.29.35", _seq(_der(0x80, issuer_key.key_id())))


def subject_alt_name(ip: str) -> bytes:
    return _extension("2.5.29.17", _seq(_der(0x87, ipaddress.ip_address(ip).packed)))


def server_auth() -> bytes:
    return _extension("2.5.29.37", _seq(_oid("1.3.6.1.5.5.7.3.1")))


def ca_issuers(url: str) -> bytes:
    """authorityInfoAccess with one caIssuers address: where the issuer's certificate is."""
    access = _seq(_oid("1.3.6.1.5.5.7.48.2"), _der(0x86, url.encode("ascii")))
    return _extension("1.3.6.1.5.5.7.1.1", _seq(access))


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
    validity = _seq(
        *(
            _der(0x17, t.strftime("%y%m%d%H%M%SZ").encode())
            for t in (start, start + timedelta(days=days))
        )
    )
    tbs = _seq(
        _der(0xA0, _int(2)),  # version 3
        _int(secrets.randbits(63) | 1 << 62),
        _SHA256_RSA,
        issuer,
        validity,
        subject,
        key.spki(),
        _der(0xA3, _seq(*extensions)),
    )
    return _seq(tbs, _SHA256_RSA, _bits(issuer_key.sign(tbs)))


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
