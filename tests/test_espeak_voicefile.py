"""espeak-ng voice files: vnreader's own northern voice, and a voice file given by path."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pytest

from vnreader.errors import VnreaderError
from vnreader.speech.engines import espeak
from vnreader.speech.engines.espeak import EspeakEngine
from vnreader.speech.engines.espeak_voicefile import DATA_DIR, VoiceFile
from vnreader.speech.model import PCM

TEXT = (
    "Ủy ban nhân dân xã thông báo lịch tiêm chủng cho trẻ em vào sáng thứ hai tuần sau "
    "tại trạm y tế, bà con mang theo sổ tiêm."
)
TUNED = DATA_DIR / espeak.TUNED_VOICE_FILES["vi"]


def espeak_language_file(name: str = "vi") -> Path:
    """espeak-ng's own language file of a voice, in the installed wheel's data."""
    import espeakng_loader

    path = Path(espeakng_loader.get_data_path()) / "lang" / "aav" / name
    assert path.is_file()
    return path


def signal(pcm: PCM) -> np.ndarray:
    return np.frombuffer(pcm.data, dtype="<i2").astype(np.float64)


def noise_share(pcm: PCM) -> float:
    """How much of the 4-8 kHz band is noise rather than harmonics, over the loud frames:
    the band's energy between the peaks of its spectrum (its median) against its mean.
    A breathy voice fills the valleys between the harmonics."""
    x = signal(pcm)
    size = 1024
    frames = x[: len(x) // size * size].reshape(-1, size)
    frames = frames[np.abs(frames).max(axis=1) > 3000] * np.hanning(size)
    spectrum = np.abs(np.fft.rfft(frames, axis=1)) ** 2
    freqs = np.fft.rfftfreq(size, 1 / pcm.rate)
    band = spectrum[:, (freqs > 4000) & (freqs < 8000)]
    return float(np.median(np.median(band, axis=1) / band.mean(axis=1)))


def test_the_northern_voice_is_spoken_with_vnreaders_voice_file() -> None:
    engine = EspeakEngine()
    voice_file = engine.voice_file_for("vi")
    assert voice_file is not None and voice_file.path == TUNED
    assert voice_file.name == "vnreader-north"
    pcm = engine.synthesize(TEXT, voice="north")
    identifier, name = engine.loaded_voice()
    # espeak-ng itself reports the file it loaded: vnreader's copy, and the file's name.
    assert name == "vnreader-north"
    assert identifier.startswith((tempfile.gettempdir(), "/tmp/"))
    # The copy is the file, and the line that chooses vnreader's tone contours
    # (tests/test_espeak_tones.py).
    loaded = Path(identifier).read_text(encoding="utf-8")
    table = engine.tones_in_use("vi")
    assert table is not None
    assert loaded == voice_file.with_phonemes(table.phoneme_table).text
    assert loaded.startswith(TUNED.read_text(encoding="utf-8").rstrip())
    plain = EspeakEngine(voice_file=False, tones=False)
    other = plain.synthesize(TEXT, voice="north")
    assert plain.loaded_voice() == ("aav/vi", "Vietnamese (Northern)")
    # Same words, same speed, another sound: the voice file's breath noise fills the
    # valleys between the harmonics (measured: about 0.38 against 0.02).
    assert pcm.duration_ms == pytest.approx(other.duration_ms, rel=0.03)
    assert noise_share(pcm) > 5 * noise_share(other)


def test_the_other_voices_keep_espeaks_own_files() -> None:
    engine = EspeakEngine()
    for voice in ("south", "central"):
        assert engine.voice_file_for(espeak.resolve_voice(voice)) is None
        engine.synthesize("Xin chào bà con.", voice=voice)
        assert not engine.loaded_voice()[1].startswith("vnreader")


def test_espeaks_own_file_loaded_by_path_sounds_like_the_voice_by_name(tmp_path: Path) -> None:
    # The same attributes by file and by name: the same speech (espeak-ng is not bit-exact
    # from call to call, so compared by length and level).
    copy = tmp_path / "Deep Folder With Capitals" / ("long-name-" * 8)
    copy.parent.mkdir()
    copy.write_bytes(espeak_language_file().read_bytes())
    by_file = EspeakEngine(voice_file=copy, tones=False)
    by_name = EspeakEngine(voice_file=False, tones=False)
    a = by_file.synthesize(TEXT)
    identifier, name = by_file.loaded_voice()
    assert name == "Vietnamese (Northern)"
    assert Path(identifier).read_bytes() == copy.read_bytes()  # loaded from (a copy of) it
    b = by_name.synthesize(TEXT)
    assert by_name.loaded_voice()[0] == "aav/vi"
    assert a.duration_ms == pytest.approx(b.duration_ms, rel=0.01)
    rms_a, rms_b = np.sqrt((signal(a) ** 2).mean()), np.sqrt((signal(b) ** 2).mean())
    assert rms_a == pytest.approx(rms_b, rel=0.05)
    assert noise_share(a) == pytest.approx(noise_share(b), rel=0.2)


def test_a_voice_file_and_a_variant_go_together() -> None:
    # The longest variant names of the wheel's data fit with vnreader's copy of the file
    # (the library keeps path and variant in 40 bytes, and aborts the process past that).
    for variant in ("f2", "klatt4", "RicishayMax3"):
        engine = EspeakEngine(variant=variant)
        pcm = engine.synthesize(TEXT)
        identifier, name = engine.loaded_voice()
        assert name == "vnreader-north" and identifier.endswith(f"+{variant}")
        assert pcm.duration_ms > 3000
    with pytest.raises(VnreaderError, match="too long a name"):
        EspeakEngine(variant="a" * 32).synthesize(TEXT)


def test_the_cache_key_names_the_voice_file_and_its_content(tmp_path: Path) -> None:
    tuned = EspeakEngine(tones=False, room=False).cache_key("vi", 100)
    digest = VoiceFile(TUNED).digest
    assert tuned.endswith(f"/voicefile=espeak-vi-north.voice-{digest[:16]}")
    # With vnreader's tone contours and room (the default) both are named after the file.
    assert EspeakEngine(room=False).cache_key("vi", 100).startswith(tuned + "/tones=vi-tones.tsv-")
    assert EspeakEngine().cache_key("vi", 100).startswith(tuned + "/tones=vi-tones.tsv-")
    # espeak's own voice: the key it had before voice files (its cached audio stays valid).
    assert (
        EspeakEngine(voice_file=False, tones=False, room=False)
        .cache_key("vi", 100)
        .endswith("/pitch=60/wordgap=2/range=80")
    )
    assert "voicefile" not in EspeakEngine().cache_key("south", 100)
    edited = tmp_path / "espeak-vi-north.voice"
    edited.write_text(TUNED.read_text(encoding="utf-8") + "flutter 0\n", encoding="utf-8")
    changed = EspeakEngine(voice_file=edited, tones=False).cache_key("vi", 100)
    assert changed != tuned and changed.startswith(tuned.rsplit("-", 1)[0])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"name english\nlanguage en\n", "not a Vietnamese espeak-ng voice file"),
        (b"name nothing\nwords 1 2\n", "found 'none'"),
        (b"\xff\xfe\x00n\x00a", "not an espeak-ng voice file"),
        (b"name x\nlanguage vi\n" + b"tone " + b"100 " * 40 + b"\n", "line 3 is longer"),
        (b"\xc3(language vi\n", "not UTF-8 text"),
    ],
)
def test_a_bad_voice_file_is_a_one_line_error(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "voice"
    path.write_bytes(content)
    with pytest.raises(VnreaderError, match=message) as caught:
        EspeakEngine(voice_file=path)
    assert "\n" not in str(caught.value)


def test_a_missing_voice_file_is_a_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(VnreaderError, match="cannot be read") as caught:
        EspeakEngine(voice_file=tmp_path / "nowhere.voice")
    assert "\n" not in str(caught.value)
