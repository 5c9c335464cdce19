"""vnreader's tone contours for espeak-ng: the tone table, the derived phoneme data, the engine."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from vnreader.errors import VnreaderError
from vnreader.speech.engines import espeak, espeak_tones
from vnreader.speech.engines.espeak_tones import ToneTable

ROOT = Path(__file__).resolve().parents[1]
HEADER = "tone\tcontour\tamplitude\twhy\n"
#: A table no one would ship: every ngang very high and flat, sắc a long rise with a dip.
LOUD = HEADER + (
    "ngang\t0:80 100:80\t-\tfar above espeak's 25-27\n"
    "ngang-final\t0:80 100:78\t-\tthe same at a clause's end\n"
    "sắc\t0:10 100:90\t0:100 50:20 100:100\ta long rise with a dip in strength\n"
)


def wheel_data() -> Path:
    import espeakng_loader

    return Path(espeakng_loader.get_data_path())


@pytest.fixture
def loud(tmp_path: Path) -> ToneTable:
    path = tmp_path / "loud.tsv"
    path.write_text(LOUD, encoding="utf-8")
    return ToneTable(path)


def copy_of_data(tmp_path: Path) -> Path:
    """A folder that looks like the wheel's data: links, and copies of the phoneme files."""
    folder = tmp_path / "data"
    folder.mkdir()
    for entry in os.listdir(wheel_data()):
        if entry in ("phontab", "phonindex", "phondata"):
            shutil.copy(wheel_data() / entry, folder / entry)
        else:
            (folder / entry).symlink_to(wheel_data() / entry)
    return folder


def run_python(code: str, cache: Path) -> subprocess.CompletedProcess[str]:
    """Code in a child process: espeak-ng loads its data once per process."""
    env = dict(os.environ, XDG_CACHE_HOME=str(cache))
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- the table ----------------------------------------------------------------------------


def test_the_shipped_table_names_every_tone_with_a_reason() -> None:
    table = espeak_tones.shipped("vi-tones.tsv")
    assert set(table.tones) == set(espeak_tones.TONE_PHONEMES)
    rows = [
        line.split("\t")
        for line in table.path.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ][1:]
    assert all(len(row) == 4 and len(row[3].split()) >= 3 for row in rows)
    # ngã ends higher than it starts and is broken by a dip in strength; nặng falls.
    nga, nang = table.tones["ngã"], table.tones["nặng"]
    assert nga.pitch_env[-1] > nga.pitch_env[0] and nga.amp_env is not None
    assert min(nga.amp_env) < 0.5 * nga.amp_env[0]
    assert nang.pitch_env[-1] < nang.pitch_env[0]


def test_levels_and_envelopes_follow_the_contour(loud: ToneTable) -> None:
    sac = loud.tones["sắc"]
    assert (sac.low, sac.high, sac.phoneme) == (10, 90, "3")
    assert sac.pitch_env[0] == 0 and sac.pitch_env[-1] == 255
    assert list(sac.pitch_env) == sorted(sac.pitch_env)  # a rise
    assert sac.amp_env is not None and sac.amp_env[0] == 128 and min(sac.amp_env) == 26
    ngang = loud.tones["ngang"]
    assert (ngang.low, ngang.high, ngang.amp_env) == (80, 80, None)
    assert "huyền" not in loud.tones  # keeps espeak's own
    assert loud.phoneme_table.startswith("vnr-") and len(loud.phoneme_table) < 32


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("tone\tlevels\n", "the header must be"),
        (HEADER + "ngangg\t0:20 100:20\t-\tx\n", "unknown tone 'ngangg'"),
        (HEADER + "ngang\t0:20 100:20\t-\tx\nngang\t0:20 100:20\t-\tx\n", "given twice"),
        (HEADER + "sắc\t0:20 50\t-\tx\n", "is not PERCENT:NUMBER"),
        (HEADER + "sắc\t0:20 100:120\t-\tx\n", "out of range"),
        (HEADER + "sắc\t0:20 60:30 40:40 100:50\t-\tx\n", "go forward in time"),
        (HEADER + "sắc\t10:20 100:50\t-\tx\n", "points at 0 and 100"),
        (HEADER + "sắc\t0:20 100:50\t0:100 100:250\tx\n", "out of range"),
        (HEADER + "sắc\t0:20\n", "expected tone, contour"),
        (HEADER, "lists no tone"),
    ],
)
def test_a_bad_table_is_one_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(VnreaderError, match=message) as caught:
        ToneTable(path)
    assert "\n" not in str(caught.value)


def test_tone_names_in_decomposed_letters_are_read(tmp_path: Path) -> None:
    import unicodedata

    path = tmp_path / "nfd.tsv"
    path.write_text(unicodedata.normalize("NFD", HEADER + "huyền\t0:20 100:5\t-\tx\n"), "utf-8")
    assert set(ToneTable(path).tones) == {"huyền"}


def test_an_unreadable_table_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(VnreaderError, match="cannot be read"):
        ToneTable(tmp_path / "missing.tsv")
    (tmp_path / "latin1.tsv").write_bytes(b"tone\tcontour\tamplitude\ns\xe1c\t0:1 100:1\t-\n")
    with pytest.raises(VnreaderError, match="not UTF-8"):
        ToneTable(tmp_path / "latin1.tsv")


# --- the derived data ---------------------------------------------------------------------


def test_the_derived_data_holds_the_table_and_espeaks_bytes(
    tmp_path: Path, loud: ToneTable
) -> None:
    folder = espeak_tones.derive(wheel_data(), [loud], root=tmp_path / "cache")
    # Read back from the written files, as espeak will: the levels and envelopes asked for.
    assert espeak_tones.read_back(folder, loud) == loud.tones
    for name in ("phontab", "phonindex", "phondata"):
        original = (wheel_data() / name).read_bytes()
        derived = (folder / name).read_bytes()
        assert len(derived) > len(original)
        assert derived[4:].startswith(original[4:])  # espeak's own bytes all kept
    count = struct.unpack_from("<i", (folder / "phontab").read_bytes(), 0)[0]
    assert count == struct.unpack_from("<i", (wheel_data() / "phontab").read_bytes(), 0)[0] + 1
    assert (folder / "vi_dict").is_symlink() and (folder / "lang").is_symlink()
    # Made once: asked again, the same folder, not rewritten.
    stamp = (folder / "phondata").stat().st_mtime_ns
    assert espeak_tones.derive(wheel_data(), [loud], root=tmp_path / "cache") == folder
    assert (folder / "phondata").stat().st_mtime_ns == stamp
    # A damaged copy is made again.
    (folder / "phondata").write_bytes(b"broken")
    again = espeak_tones.derive(wheel_data(), [loud], root=tmp_path / "cache")
    assert espeak_tones.read_back(again, loud) == loud.tones
    assert not [p for p in (tmp_path / "cache").iterdir() if p.name.startswith(".building")]


def test_a_copy_whose_data_was_removed_is_not_used(tmp_path: Path, loud: ToneTable) -> None:
    # A virtual environment made again elsewhere: the same espeak data at another path.
    # The copy made for the first one links into it; once it is gone, the second gets its
    # own copy (never links that lead nowhere), and the dead copy is cleared away.
    first_env, second_env = tmp_path / "env1" / "espeak-ng-data", tmp_path / "env2" / "data"
    shutil.copytree(wheel_data(), first_env, symlinks=True)
    old = espeak_tones.derive(first_env, [loud], root=tmp_path / "cache")
    assert os.readlink(old / "intonations") == str(first_env / "intonations")
    shutil.rmtree(tmp_path / "env1")
    shutil.copytree(wheel_data(), second_env, symlinks=True)
    new = espeak_tones.derive(second_env, [loud], root=tmp_path / "cache")
    assert new != old
    assert (new / "vi_dict").exists() and (new / "intonations").exists()
    assert os.readlink(new / "intonations") == str(second_env / "intonations")
    assert espeak_tones.read_back(new, loud) == loud.tones
    assert not old.exists()


def test_a_copy_with_a_link_gone_is_made_again(tmp_path: Path, loud: ToneTable) -> None:
    folder = espeak_tones.derive(wheel_data(), [loud], root=tmp_path / "cache")
    (folder / "vi_dict").unlink()
    again = espeak_tones.derive(wheel_data(), [loud], root=tmp_path / "cache")
    assert (again / "vi_dict").is_symlink() and (again / "vi_dict").exists()


def test_another_table_is_another_folder(tmp_path: Path, loud: ToneTable) -> None:
    other_path = tmp_path / "other.tsv"
    other_path.write_text(LOUD.replace("0:80 100:80", "0:70 100:70"), encoding="utf-8")
    other = ToneTable(other_path)
    first = espeak_tones.derive(wheel_data(), [loud], root=tmp_path / "cache")
    both = espeak_tones.derive(wheel_data(), [loud, other], root=tmp_path / "cache")
    assert first != both
    assert espeak_tones.read_back(both, loud) == loud.tones
    assert espeak_tones.read_back(both, other) == other.tones


def _damage(folder: Path, name: str, at: int, value: bytes) -> None:
    data = bytearray((folder / name).read_bytes())
    data[at : at + len(value)] = value
    (folder / name).write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("name", "at", "value", "message"),
    [
        ("phondata", 0, b"\x02\x49\x01\x00", "not of version"),
        ("phonindex", 0, b"\x00\x00\x00\x00", "not of version"),
        ("phontab", 0, b"\xff\x00\x00\x00", "names 255 phoneme tables"),
        ("phontab", -1, b"", "not as expected|bytes after|ends inside"),
    ],
)
def test_data_of_another_layout_is_refused(
    tmp_path: Path, loud: ToneTable, name: str, at: int, value: bytes, message: str
) -> None:
    folder = copy_of_data(tmp_path)
    if at < 0:
        (folder / name).write_bytes((folder / name).read_bytes() + b"\x01\x02")
    else:
        _damage(folder, name, at, value)
    with pytest.raises(VnreaderError, match=message) as caught:
        espeak_tones.derive(folder, [loud], root=tmp_path / "cache")
    assert "\n" not in str(caught.value)


def test_data_without_the_vietnamese_tones_is_refused(tmp_path: Path, loud: ToneTable) -> None:
    folder = copy_of_data(tmp_path)
    phontab = (folder / "phontab").read_bytes()
    at = phontab.index(b"vi\x00" + b"\x00" * 29)
    _damage(folder, "phontab", at, b"vx")
    with pytest.raises(VnreaderError, match="no single 'vi' phoneme table"):
        espeak_tones.derive(folder, [loud], root=tmp_path / "cache")


# --- the engine ---------------------------------------------------------------------------


def test_the_engine_speaks_with_the_derived_tones(tmp_path: Path, loud: ToneTable) -> None:
    result = run_python(
        f"""
        import numpy as np
        from vnreader.speech.engines.espeak import EspeakEngine
        toned = EspeakEngine(tones={str(loud.path)!r})
        plain = EspeakEngine(tones=False)

        def f0(pcm):
            x = np.frombuffer(pcm.data, dtype="<i2").astype(float)
            found = []
            for start in range(0, len(x) - 1024, 512):
                frame = x[start : start + 1024]
                if abs(frame).max() < 3000:
                    continue
                ac = np.correlate(frame, frame, "full")[1023:]
                lo, hi = pcm.rate // 400, pcm.rate // 60
                found.append(pcm.rate / (lo + int(np.argmax(ac[lo:hi]))))
            return float(np.median(found))

        text = "ba ma la na"  # four ngang syllables
        a, b = toned.synthesize(text, voice="north"), plain.synthesize(text, voice="north")
        print("differ", a.data != b.data)
        print("higher", f0(a) > 1.4 * f0(b))
        print("loaded", toned.loaded_voice()[1])
        key = toned.cache_key("north", 100).split("/")
        print("key", next(part for part in key if part.startswith("tones=")))
        print("plain key", "tones=" in plain.cache_key("north", 100))
        print("in use", toned.tones_in_use("north").label == toned.tones_for("vi").label)
        print("south", toned.tones_for("vi-VN-x-south"))
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:3] == ["differ True", "higher True", "loaded vnreader-north"]
    assert lines[3] == f"key tones={loud.label}"
    assert lines[4:] == ["plain key False", "in use True", "south None"]
    # The derived data went to the user cache (here $XDG_CACHE_HOME).
    assert list((tmp_path / "vnreader" / "espeak-data").iterdir())


@pytest.mark.parametrize("problem", ["layout", "unwritable"])
def test_unusable_data_falls_back_with_one_warning(
    tmp_path: Path, loud: ToneTable, problem: str
) -> None:
    folder = copy_of_data(tmp_path)
    cache = tmp_path / "cache"
    if problem == "layout":
        # Bytes after the last phoneme table: espeak-ng ignores them, this module does not
        # know what they are and leaves the data alone.
        (folder / "phontab").write_bytes((folder / "phontab").read_bytes() + b"\x01\x02")
    else:
        cache.write_text("a file where the cache folder would be")
    result = run_python(
        f"""
        import logging
        logging.basicConfig(format="%(levelname)s %(message)s")
        from vnreader.speech.engines import espeak
        espeak.TUNED_TONES["vi"] = {str(loud.path)!r}
        espeak.initialize(data_path={str(folder)!r})
        engine = espeak.EspeakEngine()
        pcm = engine.synthesize("xin chào bà con", voice="north")
        plain = espeak.EspeakEngine(tones=False).synthesize("xin chào bà con", voice="north")
        print("table", engine.tones_for("vi") is not None)
        print("in use", engine.tones_in_use("vi"))
        print("key", "tones=" in engine.cache_key("vi", 100))
        print("spoken", len(pcm.data) > 20000 and len(plain.data) > 20000)
        """,
        cache,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:4] == [
        "table True",
        "in use None",
        "key False",
        "spoken True",
    ]
    warnings = [line for line in result.stderr.splitlines() if line.startswith("WARNING")]
    assert len(warnings) == 1 and "espeak-ng speaks with its own tones" in warnings[0]
    assert "Traceback" not in result.stderr


def test_a_table_asked_for_by_path_that_cannot_load_is_an_error(
    tmp_path: Path, loud: ToneTable
) -> None:
    folder = copy_of_data(tmp_path)
    phontab = (folder / "phontab").read_bytes()
    _damage(folder, "phontab", phontab.index(b"vi\x00" + b"\x00" * 29), b"vx")
    result = run_python(
        f"""
        from vnreader.errors import VnreaderError
        from vnreader.speech.engines import espeak
        engine = espeak.EspeakEngine(tones={str(loud.path)!r})
        espeak.initialize(data_path={str(folder)!r})
        plain = espeak.EspeakEngine(tones=False)
        print("plain", len(plain.synthesize("xin chào", voice="south").data) > 1000)
        try:
            engine.synthesize("xin chào", voice="north")
        except VnreaderError as exc:
            print("ERROR", exc)
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "plain True"
    assert lines[1].startswith(f"ERROR espeak-ng cannot use the tone table {loud.path}:")
    assert "no single 'vi' phoneme table" in lines[1]
    assert len(lines) == 2


def test_a_table_asked_for_after_the_start_is_an_error(tmp_path: Path, loud: ToneTable) -> None:
    result = run_python(
        f"""
        from vnreader.errors import VnreaderError
        from vnreader.speech.engines import espeak
        espeak.EspeakEngine(tones=False).synthesize("xin chào", voice="north")
        late = espeak.EspeakEngine(tones={str(loud.path)!r})
        try:
            late.synthesize("xin chào", voice="north")
        except VnreaderError as exc:
            print("ERROR", exc)
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ERROR espeak-ng cannot use the tone table")
    assert "after espeak-ng had started" in result.stdout


def test_the_northern_default_speaks_with_vnreaders_tones(tmp_path: Path) -> None:
    result = run_python(
        """
        from pathlib import Path
        from vnreader.speech.engines import espeak, espeak_tones
        engine = espeak.EspeakEngine()
        table = espeak_tones.shipped("vi-tones.tsv")
        toned = engine.synthesize("Hỏi ngã nặng, sắc huyền ngang.", voice="north")
        identifier, name = engine.loaded_voice()
        text = Path(identifier).read_text(encoding="utf-8")
        print("voice", name, text.rstrip().endswith("phonemes " + table.phoneme_table))
        print("in use", engine.tones_in_use("north") is table)
        print("key", "tones=" + table.label in engine.cache_key("north", 100).split("/"))
        plain = espeak.EspeakEngine(tones=False)
        other = plain.synthesize("Hỏi ngã nặng, sắc huyền ngang.", voice="north")
        print("plain key", "tones=" in plain.cache_key("north", 100))
        print("differ", toned.data != other.data)
        print("south", engine.tones_for("vi-VN-x-south"), engine.tones_in_use("south"))
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "voice vnreader-north True",
        "in use True",
        "key True",
        "plain key False",
        "differ True",
        "south None None",
    ]


def test_a_deep_cache_folder_still_loads(tmp_path: Path) -> None:
    # espeak-ng 1.52 holds its data path in 160 bytes; a derived copy under a deep cache
    # folder is reached through the engine's short link.
    deep = tmp_path / ("c" * 60) / ("d" * 60)
    deep.mkdir(parents=True)
    result = run_python(
        """
        from vnreader.speech.engines import espeak
        engine = espeak.EspeakEngine()
        pcm = engine.synthesize("Xin chào bà con.", voice="north")
        print(engine.tones_in_use("north") is not None, pcm.duration_ms > 500)
        """,
        deep,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True"]
    assert len(str(next((deep / "vnreader" / "espeak-data").iterdir()))) > 160


def test_a_table_is_for_the_northern_voice_only(loud: ToneTable) -> None:
    # The southern and central voices speak with espeak tables of their own (vi-sgn,
    # vi-hue) that a table built on 'vi' would replace.
    for voice in ("south", "central"):
        with pytest.raises(VnreaderError, match="northern voice"):
            espeak.EspeakEngine(voice, tones=loud.path)


def test_the_default_tones_are_the_tuned_ones() -> None:
    engine = espeak.EspeakEngine()
    for voice, name in espeak.TUNED_TONES.items():
        table = engine.tones_for(voice)
        assert table is not None and table.path.name == name
    assert espeak.EspeakEngine(tones=False).tones_for("vi") is None
