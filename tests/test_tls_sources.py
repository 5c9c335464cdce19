"""Portals with incomplete certificate chains: ca_bundle, verify_tls and doctor's diagnosis.

A portal on 127.0.0.1 speaks HTTPS with a certificate chain built here in pure Python
(tests/tlsportal.py): a root CA, an intermediate, and a leaf for 127.0.0.1 that the server
sends alone, as many ``.gov.vn`` hosts do. The machine's trust store is the root only
(``SSL_CERT_FILE``, which vnreader's fetching honours through httpx), so a source on that
portal fails until its ``ca_bundle`` adds the intermediate; ``verify_tls = false`` gets
through with a warning; ``vnreader doctor`` names the missing certificate and the address in
the leaf where its CA publishes it, and an operator who follows that advice gets a working
source. A portal that sends the full chain is the control; one whose own certificate is
self-signed, expired or made for another address is told apart from a missing intermediate.
"""

from __future__ import annotations

import logging
import ssl
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest

from tests.test_publish import check_site
from tests.tlsportal import ARTICLES, INTERMEDIATE_CN, ORGANIZATION, Chain, TlsPortal
from vnreader.cli import main
from vnreader.config import load_settings
from vnreader.extract import fetch as fetch_module
from vnreader.publishing import certificates
from vnreader.publishing.sources import Expander

BASE = "https://tanhiep.example.gov.vn/podcast/"
TITLES = {title for _, title, _, _ in ARTICLES}
WARNING = "TLS certificates are not checked (verify_tls = false)"


def _serve(chain: Chain) -> Iterator[TlsPortal]:
    server = TlsPortal(chain)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def leaf_only() -> Iterator[TlsPortal]:
    """The portal that sends its leaf certificate without the intermediate."""
    yield from _serve("leaf")


@pytest.fixture(scope="module")
def full_chain() -> Iterator[TlsPortal]:
    yield from _serve("full")


@pytest.fixture(scope="module")
def self_signed() -> Iterator[TlsPortal]:
    yield from _serve("self-signed")


@pytest.fixture(scope="module")
def expired() -> Iterator[TlsPortal]:
    yield from _serve("expired")


@pytest.fixture(scope="module")
def other_host() -> Iterator[TlsPortal]:
    yield from _serve("other-host")


@pytest.fixture
def portal(leaf_only: TlsPortal) -> TlsPortal:
    leaf_only.reset()
    return leaf_only


@pytest.fixture
def trust_root_only(
    leaf_only: TlsPortal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """The machine trusts the test root CA and nothing else; no proxy in the way."""
    root = leaf_only.write(tmp_path, "root")
    monkeypatch.setenv("SSL_CERT_FILE", str(root))
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    for variable in ("https_proxy", "http_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(variable, raising=False)
        monkeypatch.delenv(variable.upper(), raising=False)
    # One TLS context per CA setting is kept for the process: start from none.
    fetch_module._tls_context.cache_clear()
    yield root
    fetch_module._tls_context.cache_clear()


def write_config(folder: Path, *sources: str) -> Path:
    path = folder / "vnreader.toml"
    path.write_text(
        f'portal_name = "Cổng thông tin điện tử xã Tân Hiệp"\nbase_url = "{BASE}"\n'
        f'out_dir = "site"\nsources = [\n' + "".join(f"    {s},\n" for s in sources) + "]\n",
        encoding="utf-8",
    )
    return path


def published_titles(out: Path) -> set[str]:
    feed = feedparser.parse((out / "feeds" / "podcast.xml").read_bytes())
    return {entry.title for entry in feed.entries}


def source_line(stdout: str, url: str) -> str:
    (line,) = [line for line in stdout.splitlines() if f"source {url}:" in line]
    return line


# -- the certificates themselves -----------------------------------------------------------


def test_the_chain_verifies_only_with_the_intermediate(
    portal: TlsPortal, trust_root_only: Path, tmp_path: Path
) -> None:
    """The PKI is sound: root + intermediate verify the leaf; the root alone does not."""
    root, intermediate = trust_root_only, portal.write(tmp_path, "intermediate")
    alone = ssl.create_default_context(cafile=str(root))
    with pytest.raises(urllib.error.URLError, match="unable to get local issuer certificate"):
        urllib.request.urlopen(portal.rss_url, context=alone, timeout=10)
    both = ssl.create_default_context(cafile=str(root))
    both.load_verify_locations(cafile=str(intermediate))
    with urllib.request.urlopen(portal.rss_url, context=both, timeout=10) as answer:
        assert b"<rss" in answer.read()
    # The leaf names the intermediate as its issuer and says where it is published.
    leaf = tmp_path / "leaf.pem"
    leaf.write_text(portal.pki.leaf, encoding="ascii")
    decoded = ssl._ssl._test_decode_cert(str(leaf))  # type: ignore[attr-defined]
    assert decoded["subjectAltName"] == (("IP Address", "127.0.0.1"),)
    assert decoded["caIssuers"] == (portal.pki.ca_issuers_url,)
    assert dict(rdn[0] for rdn in decoded["issuer"])["commonName"] == INTERMEDIATE_CN


# -- publish -------------------------------------------------------------------------------


def test_a_portal_without_its_intermediate_fails_by_name(
    portal: TlsPortal, trust_root_only: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, f'"{portal.rss_url}"')
    assert main(["publish", "--config", str(config)]) == 1
    err = capsys.readouterr().err
    (failed,) = [line for line in err.splitlines() if line.startswith("vnreader: failed:")]
    assert f"failed: {portal.rss_url}: " in failed
    assert "TLS certificate could not be verified" in failed
    assert "robots.txt" not in failed  # the host's certificate is what to fix
    assert "0 published" in err and "1 failed" in err
    assert portal.handshake_failures >= 1  # the client refused the chain itself
    assert not any(portal.hits[path] for path, *_ in ARTICLES)
    assert not list((tmp_path / "site").rglob("*.mp3"))


def test_ca_bundle_with_the_intermediate_publishes(
    portal: TlsPortal, trust_root_only: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    portal.write(tmp_path, "intermediate")
    config = write_config(
        tmp_path, f'{{ url = "{portal.rss_url}", ca_bundle = "intermediate.pem" }}'
    )
    assert main(["publish", "--config", str(config)]) == 0
    err = capsys.readouterr().err
    assert "2 published, 0 updated, 0 unchanged, 0 failed" in err
    assert WARNING not in err
    out = tmp_path / "site"
    check_site(out, BASE)
    assert published_titles(out) == TITLES
    assert all(portal.hits[path] == 1 for path, *_ in ARTICLES)


def test_verify_tls_false_publishes_and_warns_once_per_source(
    portal: TlsPortal, trust_root_only: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(
        tmp_path,
        f'{{ url = "{portal.rss_url}", verify_tls = false }}',
        f'{{ url = "{portal.listing_url}", verify_tls = false }}',
    )
    assert main(["publish", "--config", str(config)]) == 0
    err = capsys.readouterr().err
    assert "2 published" in err and "0 failed" in err
    warnings = [line for line in err.splitlines() if WARNING in line]
    # Both sources, once each, although each was fetched several times (robots.txt, the
    # feed or listing, and the articles of the first).
    assert sorted(warnings) == sorted(
        f"vnreader: {url}: {WARNING}; prefer a ca_bundle with the missing certificate "
        "(vnreader doctor names it)"
        for url in (portal.rss_url, portal.listing_url)
    )
    assert portal.hits["/rss"] == 1 and portal.hits["/tin-tuc"] == 1
    assert published_titles(tmp_path / "site") == TITLES

    # As cron runs it: --quiet prints only failures, so the warning is in the log file,
    # again once per source on this second run.
    log = tmp_path / "publish.log"
    assert main(["publish", "--config", str(config), "--quiet", "--log-file", str(log)]) == 0
    assert capsys.readouterr().err == ""
    logged = [line for line in log.read_text("utf-8").splitlines() if WARNING in line]
    assert len(logged) == 2 and all(" WARNING " in line for line in logged)
    assert {line.split(" WARNING ", 1)[1].split(": ", 1)[0] for line in logged} == {
        portal.rss_url,
        portal.listing_url,
    }


def test_verify_tls_defaults_to_true(portal: TlsPortal, tmp_path: Path) -> None:
    config = write_config(tmp_path, f'"{portal.rss_url}"', f'{{ url = "{portal.listing_url}" }}')
    assert all(source.verify_tls for source in load_settings(config).sources)
    assert all(source.ca_bundle is None for source in load_settings(config).sources)


def test_robots_rules_are_kept_per_tls_setting(
    portal: TlsPortal, trust_root_only: Path, tmp_path: Path
) -> None:
    """A source that cannot verify the host does not close it to a later source that can
    (both on the same host: robots.txt is read once per host and per TLS setting)."""
    portal.write(tmp_path, "intermediate")
    config = write_config(
        tmp_path,
        f'"{portal.rss_url}"',
        f'{{ url = "{portal.listing_url}", ca_bundle = "intermediate.pem" }}',
    )
    failures: list[tuple[str, str]] = []
    expander = Expander(
        http_cache=None,
        known=lambda url: False,
        fail=lambda source, reason: failures.append((source, reason)),
        log=logging.getLogger("test"),
    )
    items = expander.expand(load_settings(config).sources, configured=True)
    assert [source for source, _ in failures] == [portal.rss_url]
    assert "TLS certificate could not be verified" in failures[0][1]
    assert sorted(item.url for item in items) == sorted(portal.article_urls())


# -- doctor --------------------------------------------------------------------------------


def test_doctor_names_the_missing_intermediate_and_where_to_get_it(
    portal: TlsPortal, trust_root_only: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, f'"{portal.rss_url}"')
    assert main(["doctor", "--config", str(config)]) == 1
    line = source_line(capsys.readouterr().out, portal.rss_url)
    assert line.startswith(f"✗ source {portal.rss_url}: ")
    assert "TLS certificate could not be verified" in line
    assert f"organizationName={ORGANIZATION}, commonName={INTERMEDIATE_CN}" in line
    assert f"download it from {portal.pki.ca_issuers_url}" in line
    assert "self-signed" not in line

    # The operator does what it says: downloads the certificate, saves it as PEM, sets
    # ca_bundle; doctor then finds the source's articles.
    with urllib.request.urlopen(portal.pki.ca_issuers_url, timeout=10) as answer:
        der = answer.read()
    (tmp_path / "certs").mkdir()
    (tmp_path / "certs" / "intermediate.pem").write_text(ssl.DER_cert_to_PEM_cert(der))
    config = write_config(
        tmp_path, f'{{ url = "{portal.rss_url}", ca_bundle = "certs/intermediate.pem" }}'
    )
    assert main(["doctor", "--config", str(config)]) == 0
    line = source_line(capsys.readouterr().out, portal.rss_url)
    assert line == f"✓ source {portal.rss_url}: 2 articles found"


def test_doctor_says_a_certificate_is_self_signed(
    self_signed: TlsPortal,
    trust_root_only: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = write_config(tmp_path, f'"{self_signed.rss_url}"')
    assert main(["doctor", "--config", str(config)]) == 1
    line = source_line(capsys.readouterr().out, self_signed.rss_url)
    assert line.startswith(f"✗ source {self_signed.rss_url}: ")
    assert "self-signed" in line and "commonName=127.0.0.1" in line
    assert "intermediate" not in line


@pytest.mark.parametrize(
    ("chain", "says"),
    [
        ("expired", "the server's certificate expired on "),
        ("other-host", "the server's certificate is for 127.0.0.2, not for 127.0.0.1: "),
    ],
)
def test_doctor_does_not_blame_the_chain_for_a_bad_leaf(
    request: pytest.FixtureRequest,
    trust_root_only: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    chain: str,
    says: str,
) -> None:
    """The server sends the intermediate, but its own certificate has expired or names
    another address: a ca_bundle would not help, and doctor does not suggest one."""
    server: TlsPortal = request.getfixturevalue(chain.replace("-", "_"))
    config = write_config(tmp_path, f'"{server.rss_url}"')
    assert main(["doctor", "--config", str(config)]) == 1
    line = source_line(capsys.readouterr().out, server.rss_url)
    assert line.startswith(f"✗ source {server.rss_url}: ")
    assert says in line
    assert "intermediate" not in line and "ca_bundle" not in line


@pytest.mark.parametrize(
    ("names", "host", "covered"),
    [
        ((("DNS", "*.example.gov.vn"),), "xa.example.gov.vn", True),
        ((("DNS", "*.example.gov.vn"),), "EXAMPLE.gov.vn", False),
        ((("DNS", "*.example.gov.vn"),), "a.xa.example.gov.vn", False),
        (
            (("DNS", "tinh.example.gov.vn"), ("DNS", "www.tinh.example.gov.vn")),
            "Tinh.Example.gov.vn",
            True,
        ),
        ((("DNS", "xn--x-tn-hip-kzah3925f.gov.vn"),), "xã-tân-hiệp.gov.vn", True),
        ((("IP Address", "127.0.0.1"),), "127.0.0.1", True),
        ((("DNS", "127.0.0.1"),), "127.0.0.1", False),  # an address is only an IP entry
        ((("IP Address", "2001:DB8:0:0:0:0:0:1"),), "2001:db8::1", True),
        ((("URI", "https://example.gov.vn/"),), "example.gov.vn", True),  # no names: not judged
    ],
)
def test_which_names_a_certificate_covers(
    names: tuple[tuple[str, str], ...], host: str, covered: bool
) -> None:
    fault = certificates._leaf_fault({"subjectAltName": names}, host)
    assert (fault is None) == covered, fault


def test_doctor_passes_a_full_chain_and_flags_verify_tls_false(
    full_chain: TlsPortal,
    portal: TlsPortal,
    trust_root_only: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The same leaf and root, but the server sends the intermediate too: no ca_bundle
    needed. A verify_tls = false source is reported as a warning, not as fine."""
    config = write_config(
        tmp_path, f'"{full_chain.rss_url}"', f'{{ url = "{portal.rss_url}", verify_tls = false }}'
    )
    assert main(["doctor", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert (
        source_line(out, full_chain.rss_url) == f"✓ source {full_chain.rss_url}: 2 articles found"
    )
    assert source_line(out, portal.rss_url) == (
        f"! source {portal.rss_url}: 2 articles found (TLS not verified: verify_tls = false)"
    )


# -- bad ca_bundle files -------------------------------------------------------------------


def test_a_missing_ca_bundle_is_a_config_error(
    portal: TlsPortal, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, f'{{ url = "{portal.rss_url}", ca_bundle = "nowhere.pem" }}')
    assert main(["publish", "--config", str(config)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == (
        f"vnreader: error: {config}: sources: ca_bundle file "
        f"{str(tmp_path / 'nowhere.pem')!r} does not exist"
    )
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("intermediate.pem", b"not a certificate\n", "holds no PEM certificate"),
        (
            "intermediate.pem",
            b"-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n",
            "holds no valid certificate",
        ),
        (
            "intermediate.crt",
            None,  # the intermediate as the CA publishes it, in DER
            "is a DER certificate: convert it to PEM (openssl x509 -inform der -in "
            "intermediate.crt -out intermediate.pem) and name that file",
        ),
        ("intermediate.pem", None, "-out intermediate-converted.pem"),
    ],
    ids=["text", "broken-pem", "der", "der-named-pem"],
)
def test_a_ca_bundle_that_is_not_a_pem_certificate_is_a_config_error(
    portal: TlsPortal,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    content: bytes | None,
    reason: str,
) -> None:
    bundle = tmp_path / name
    bundle.write_bytes(portal.pki.intermediate_der if content is None else content)
    config = write_config(tmp_path, f'{{ url = "{portal.rss_url}", ca_bundle = "{name}" }}')
    assert main(["publish", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"vnreader: error: {config}: sources: ca_bundle file {str(bundle)!r} ")
    assert reason in err
    assert not (tmp_path / "site").exists()
    assert not portal.hits  # nothing fetched
