"""`vnreader narrate` end to end from the command line: espeak offline, gTTS through its own
request code against the local fake Google server, and one-line failures that write nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fakegtts import FakeGoogle
from vnreader.cli import main

pytest_plugins = ("tests.fakegtts",)

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "tests" / "fixtures" / "pages" / "tanhiep_seed.html"


def _outputs(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name != "cache")


def test_seed_narrates_with_gtts_through_the_fake_server(
    fake_gtts: FakeGoogle, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "tanhiep.mp3"
    args = ["narrate", str(SEED), "-o", str(out), "--engine", "gtts"]
    code = main([*args, "--gtts-tld", fake_gtts.tld, "--cache-dir", str(tmp_path / "cache")])
    assert code == 0, capsys.readouterr().err
    assert _outputs(tmp_path) == ["tanhiep.chapters.json", "tanhiep.mp3", "tanhiep.vtt"]
    assert out.stat().st_size > 10_000
    # gTTS's own request code sent the spoken (normalized) text, in Vietnamese, in order.
    sent = " ".join(fake_gtts.texts)
    assert {s.lang for s in fake_gtts.seen} == {"vi"}
    assert "Ban Chấp hành Huyện ủy" in sent and "BCH" not in sent
    assert "ngày chín tháng mười hai năm hai nghìn không trăm mười chín" in sent


@pytest.mark.parametrize("failure", ["unreachable", "garbage"])
def test_gtts_failure_is_one_line_exit_2_and_writes_nothing(
    failure: str, fake_gtts: FakeGoogle, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tld = "com@127.0.0.1:9" if failure == "unreachable" else fake_gtts.tld
    if failure == "garbage":
        fake_gtts.default = "garbage"
    out = tmp_path / "tanhiep.mp3"
    args = ["narrate", str(SEED), "-o", str(out), "--engine", "gtts", "--gtts-tld", tld]
    code = main([*args, "--cache-dir", str(tmp_path / "cache")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("vnreader: error:") and "Traceback" not in err
    assert _outputs(tmp_path) == []  # no MP3, transcript, chapters or temp file


def test_seed_narrates_offline_with_espeak_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "seed.mp3"
    assert main(["narrate", str(SEED), "-o", str(out), "--cache-dir", str(tmp_path / "cache")]) == 0
    assert _outputs(tmp_path) == ["seed.chapters.json", "seed.mp3", "seed.vtt"]
    assert "chapters" in capsys.readouterr().err
