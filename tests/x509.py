"""DER, RSA keys and PEM in pure Python, for the certificates of the test servers
(tests/fakegtts.py, tests/tlsportal.py): no cryptography package, no openssl binary."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from functools import cache


def der(tag: int, body: bytes) -> bytes:
    n = len(body)
    if n < 0x80:
        return bytes([tag, n]) + body
    size = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(size)]) + size + body


def integer(value: int) -> bytes:
    return der(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big", signed=False))


def seq(*items: bytes) -> bytes:
    return der(0x30, b"".join(items))


def oid(dotted: str) -> bytes:
    a, b, *rest = (int(x) for x in dotted.split("."))
    body = bytearray([40 * a + b])
    for n in rest:
        chunk = [n & 0x7F]
        while n > 0x7F:
            n >>= 7
            chunk.append(0x80 | (n & 0x7F))
        body += bytes(reversed(chunk))
    return der(0x06, bytes(body))


RSA = seq(oid("1.2.840.113549.1.1.1"), b"\x05\x00")
SHA256_RSA = seq(oid("1.2.840.113549.1.1.11"), b"\x05\x00")
#: DigestInfo prefix of a SHA-256 digest (PKCS#1 v1.5, RFC 8017 §9.2).
SHA256_INFO = bytes.fromhex("3031300d060960864801650304020105000420")


def bit_string(body: bytes) -> bytes:
    return der(0x03, b"\x00" + body)


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
        return seq(integer(self.n), integer(self.e))

    def spki(self) -> bytes:
        return seq(RSA, bit_string(self.public_der()))

    def key_id(self) -> bytes:
        """The usual key identifier: SHA-1 of the public key's bits (RFC 5280 §4.2.1.2)."""
        return hashlib.sha1(self.public_der()).digest()

    def sign(self, data: bytes) -> bytes:
        """PKCS#1 v1.5 signature of SHA-256(``data``)."""
        info = SHA256_INFO + hashlib.sha256(data).digest()
        block = b"\x00\x01" + b"\xff" * (self.size - 3 - len(info)) + b"\x00" + info
        return pow(int.from_bytes(block, "big"), self.d, self.n).to_bytes(self.size, "big")

    def private_pem(self) -> str:
        p, q, d = self.p, self.q, self.d
        fields = (0, self.n, self.e, d, p, q, d % (p - 1), d % (q - 1), pow(q, -1, p))
        return pem("RSA PRIVATE KEY", seq(*map(integer, fields)))


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


def pem(label: str, body: bytes) -> str:
    b64 = base64.b64encode(body).decode()
    lines = [b64[i : i + 64] for i in range(0, len(b64), 64)]
    return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----\n"
