"""Why a portal's TLS certificate is refused, said so that the operator can fix it.

Used by ``vnreader doctor`` when a source fails on its certificate: the server's own
certificate (expired, not yet valid, made for other names) or a chain the server sends
incomplete (the intermediate missing: set ``ca_bundle``), or a self-signed one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from typing import Any

__all__ = ["describe_certificate"]


def describe_certificate(url: str, timeout: float = 10.0) -> str:
    """What is wrong with the certificate chain of ``url``'s server, for the operator."""
    import socket
    import ssl
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host, port = parts.hostname or "", parts.port or 443
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with socket.create_connection((host, port), timeout=timeout) as raw:
            with context.wrap_socket(raw, server_hostname=host) as tls:
                der = tls.getpeercert(binary_form=True)
    except OSError as exc:
        return f"the certificate could not be read ({exc})"
    info = _decode_certificate(der) if der else {}
    fault = _leaf_fault(info, host)
    if fault is not None:
        return fault  # nothing to do with the chain: adding a certificate would not help
    issuer = ", ".join(f"{key}={value}" for rdn in info.get("issuer", ()) for key, value in rdn)
    subject = ", ".join(f"{key}={value}" for rdn in info.get("subject", ()) for key, value in rdn)
    if issuer and issuer == subject:
        return (
            f"the server's certificate is self-signed ({subject}): ask the portal for its "
            "certificate and set ca_bundle for this source"
        )
    where = ", ".join(info.get("caIssuers", ())) or "the issuer's site"
    named = f" '{issuer}'" if issuer else ""
    return (
        f"the server likely does not send the intermediate certificate{named}: download "
        f"it from {where}, save it as PEM and set ca_bundle for this source "
        "(docs/operator.md, 'Portals with incomplete certificate chains')"
    )


def _leaf_fault(info: dict[str, Any], host: str) -> str | None:
    """What is wrong with the server's own certificate (its dates, the names it covers)."""
    import ssl
    import time

    try:
        not_before = ssl.cert_time_to_seconds(info["notBefore"])
        not_after = ssl.cert_time_to_seconds(info["notAfter"])
    except (KeyError, ValueError):
        pass
    else:
        now = time.time()
        if not_after < now:
            day = time.strftime("%Y-%m-%d", time.gmtime(not_after))
            return (
                f"the server's certificate expired on {day}: ask the portal to renew it "
                "(verify_tls = false for this source is the last resort until then)"
            )
        if not_before > now:
            day = time.strftime("%Y-%m-%d", time.gmtime(not_before))
            return (
                f"the server's certificate is valid only from {day}: check this computer's "
                "clock, or ask the portal"
            )
    sans = [(kind, value) for kind, value in info.get("subjectAltName", ()) if kind in _SAN_KINDS]
    if sans and not any(_covers(kind, value, host) for kind, value in sans):
        names = ", ".join(value for _, value in sans)
        return (
            f"the server's certificate is for {names}, not for {host}: use the "
            "address the certificate names, or ask the portal to fix its certificate"
        )
    return None


_SAN_KINDS = ("DNS", "IP Address")


def _covers(kind: str, value: str, host: str) -> bool:
    """Whether one subjectAltName entry names ``host`` (as TLS clients match them)."""
    import ipaddress

    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        address = None
    if address is not None or kind == "IP Address":  # addresses only match addresses
        if address is None or kind != "IP Address":
            return False
        try:
            return ipaddress.ip_address(value.strip()) == address
        except ValueError:
            return False
    try:  # certificates name a Vietnamese domain in its ASCII (punycode) form
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        pass
    pattern, host = value.lower().rstrip("."), host.lower().rstrip(".")
    if pattern.startswith("*."):  # one label, the leftmost, and only a whole one
        return "." in host and host.split(".", 1)[1] == pattern[2:]
    return pattern == host


def _decode_certificate(der: bytes) -> dict[str, Any]:
    """Issuer, subject and CA issuer addresses of a DER certificate (CPython's decoder)."""
    import ssl

    decode = getattr(getattr(ssl, "_ssl", None), "_test_decode_cert", None)
    if decode is None:
        return {}
    with tempfile.NamedTemporaryFile("w", suffix=".pem", delete=False) as handle:
        handle.write(ssl.DER_cert_to_PEM_cert(der))
        name = handle.name
    try:
        return dict(decode(name))
    except (ssl.SSLError, ValueError, OSError):
        return {}
    finally:
        with contextlib.suppress(OSError):
            os.unlink(name)
