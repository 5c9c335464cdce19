"""`vnreader voices` and `vnreader voices install`, against a local HTTP server on 127.0.0.1.

The server publishes a tiny piper voice (tests/tinypiper.py) in the layout of the published
piper voices (``vi/vi_VN/<dataset>/<quality>/NAME.onnx`` + ``.onnx.json``); a test catalogue
(``$VNREADER_VOICE_CATALOGUE``) pins its SHA-256. The data directory is a temporary folder
(``$VNREADER_DATA_DIR``), and nothing can reach the internet.
"""

from __future__ import annotations

import hashlib
import json
import socket
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests import tinypiper
from tests.fakegtts import Blocked
from vnreader.cli import cli, main
from vnreader.speech import voices
from vnreader.speech.engines.piper import PiperEngine
from vnreader.speech.voices import VoiceError

pytest_plugins = ("tests.fakegtts",)

NAME = "vi_VN-tiny-x_low"
REMOTE = f"vi/vi_VN/tiny/x_low/{NAME}"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A local server publishing the tiny voice; yields (base URL, served folder)."""
    root = tmp_path_factory.mktemp("published")
    tinypiper.write_voice(root / Path(REMOTE).parent, NAME)
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", root
    finally:
        server.shutdown()
        server.server_close()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_catalogue(path: Path, served: Path, *, corrupt: bool = False) -> Path:
    model = served / f"{REMOTE}.onnx"
    config = served / f"{REMOTE}.onnx.json"
    model_hash = "0" * 64 if corrupt else sha256(model)
    path.write_text(
        f"""
[[voices]]
engine = "piper"
name = "{NAME}"
dialect = "north"
gender = "female"
licence = "made by the tests"

[[voices.files]]
path = "{REMOTE}.onnx"
size = {model.stat().st_size}
sha256 = "{model_hash}"

[[voices.files]]
path = "{REMOTE}.onnx.json"
size = {config.stat().st_size}
sha256 = "{sha256(config)}"
""",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def env(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    published: tuple[str, Path],
    no_internet: Blocked,
) -> Path:
    """An empty data directory, the test catalogue, and the local server as the base URL."""
    base, served = published
    data = tmp_path / "data"
    monkeypatch.setenv("VNREADER_DATA_DIR", str(data))
    monkeypatch.setenv(
        "VNREADER_VOICE_CATALOGUE", str(write_catalogue(tmp_path / "cat.toml", served))
    )
    monkeypatch.setenv("VNREADER_PIPER_BASE_URL", base)
    return data


def everything_under(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*")) if folder.exists() else []


def test_install_downloads_checks_and_moves_into_place(env: Path) -> None:
    seen: list[tuple[int, int, str]] = []
    model = voices.install(NAME, progress=lambda *call: seen.append(call))
    assert model == env / "voices" / "piper" / NAME / f"{NAME}.onnx"
    assert sorted(p.name for p in model.parent.iterdir()) == [f"{NAME}.onnx", f"{NAME}.onnx.json"]
    assert seen[-1][0] == seen[-1][1] and seen[-1][2] == f"{NAME}.onnx.json"
    assert any(name == f"{NAME}.onnx" and done == total for done, total, name in seen)
    # The installed voice narrates by name.
    assert PiperEngine(NAME).synthesize("Xin chào.", rate=100).data


def test_a_checksum_mismatch_leaves_nothing_installed(
    env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, published: tuple[str, Path]
) -> None:
    bad = write_catalogue(tmp_path / "bad.toml", published[1], corrupt=True)
    monkeypatch.setenv("VNREADER_VOICE_CATALOGUE", str(bad))
    with pytest.raises(VoiceError) as caught:
        voices.install(NAME)
    assert "does not match its pinned SHA-256" in str(caught.value)
    assert "nothing was installed" in str(caught.value)
    assert everything_under(env) == []
    assert voices.installed_piper_model(NAME) is None


def test_the_real_catalogue_entry_refuses_files_that_are_not_the_published_voice(
    env: Path, published: tuple[str, Path]
) -> None:
    # The tiny voice served where vi_VN-vais1000-medium is published: its pinned size and
    # SHA-256 (the real ones) do not match, so nothing is installed.
    served = published[1]
    real = served / "vi/vi_VN/vais1000/medium"
    tinypiper.write_voice(real, "vi_VN-vais1000-medium")
    with pytest.raises(VoiceError, match="not the 63201294 pinned"):
        voices.install("vi_VN-vais1000-medium")
    assert everything_under(env) == []


def test_no_network_is_one_line_and_leaves_nothing(env: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(VoiceError, match="connection refused") as caught:
        voices.install(NAME, base_url=f"http://127.0.0.1:{port}/")
    assert "\n" not in str(caught.value)
    assert everything_under(env) == []


def test_the_published_host_is_unreachable_here(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VNREADER_PIPER_BASE_URL")
    with pytest.raises(VoiceError, match="cannot download"):
        voices.install(NAME)
    assert everything_under(env) == []


def test_a_missing_file_on_the_server_is_an_http_error(
    env: Path, published: tuple[str, Path]
) -> None:
    with pytest.raises(VoiceError, match="answered HTTP 404"):
        voices.install(NAME, base_url=published[0] + "elsewhere/")
    assert everything_under(env) == []


def test_names_that_cannot_be_installed(env: Path) -> None:
    with pytest.raises(VoiceError, match="unknown piper voice 'vi_VN-nobody'"):
        voices.install("vi_VN-nobody")
    with pytest.raises(VoiceError, match="is a voice of the edge engine: only piper voices"):
        voices.install("vi-VN-HoaiMyNeural")
    with pytest.raises(VoiceError, match=r"no SHA-256 is pinned for vi_VN-vivos-x_low\.onnx"):
        voices.install("vi_VN-vivos-x_low")
    assert everything_under(env) == []


def test_listing_says_what_works_here(env: Path) -> None:
    rows = {(r.engine, r.voice): r for r in voices.listing()}
    assert rows[("espeak", "vi-VN-x-south")].works_now
    assert rows[("espeak", "vi-VN-x-south")].text_goes == "stays here"
    edge = rows[("edge", "vi-VN-NamMinhNeural")]
    assert (edge.text_goes, edge.status, edge.gender) == (
        "sent to Microsoft",
        "needs the network",
        "male",
    )
    assert rows[("gtts", "vi")].text_goes == "sent to Google"
    tiny = rows[("piper", NAME)]
    assert not tiny.works_now and tiny.status == f"not installed: vnreader voices install {NAME}"
    voices.install(NAME)
    tiny = next(r for r in voices.listing() if r.voice == NAME)
    assert tiny.works_now and tiny.status.startswith("installed in ")
    dialects = {r.dialect for r in rows.values()}
    assert {"north", "south", "central"} <= dialects


def test_cli_voices_table_and_json(env: Path) -> None:
    runner = CliRunner()
    table = runner.invoke(cli, ["voices"])
    assert table.exit_code == 0
    lines = table.output.splitlines()
    assert lines[0].split()[:4] == ["ENGINE", "VOICE", "DIALECT", "GENDER"]
    assert any("vi-VN-HoaiMyNeural" in line and "sent to Microsoft" in line for line in lines)
    listed = json.loads(runner.invoke(cli, ["voices", "--json"]).output)
    by_voice = {(item["engine"], item["voice"]): item for item in listed}
    assert by_voice[("edge", "vi-VN-HoaiMyNeural")]["needs_network"] is True
    assert by_voice[("piper", NAME)]["works_now"] is False
    assert set(by_voice[("espeak", "vi")]) >= {
        "dialect", "gender", "works_now", "licence", "text_goes", "needs_network",
    }  # fmt: skip


def test_cli_install_and_its_errors(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["voices", "install", NAME]) == 0
    assert f"installed {NAME}:" in capsys.readouterr().err
    assert main(["voices", "install", NAME]) == 0
    assert "already installed" in capsys.readouterr().err
    assert main(["voices", "install", "vi_VN-nobody"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("vnreader: error: unknown piper voice") and err.count("\n") == 1
