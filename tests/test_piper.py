"""The piper engine with a tiny piper-format voice the tests build (tests/tinypiper.py).

piper-tts's own code phonemizes (its bundled espeak-ng, offline) and runs the ONNX model
through onnxruntime; nothing is downloaded, and nothing can reach the internet.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests import tinypiper
from tests.fakegtts import Blocked
from vnreader.errors import VnreaderError
from vnreader.extract import extract_bytes
from vnreader.normalizer import Normalizer
from vnreader.speech import audio
from vnreader.speech.engines.piper import PiperEngine
from vnreader.speech.narrate import narrate
from vnreader.speech.script import build_script
from vnreader.speech.voices import VoiceError

pytest_plugins = ("tests.fakegtts",)

SEED = Path(__file__).resolve().parent / "fixtures" / "pages" / "tanhiep_seed.html"


@pytest.fixture(autouse=True)
def _offline(no_internet: Blocked, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No internet, and an empty data directory of our own for installed voices."""
    monkeypatch.setenv("VNREADER_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture(scope="module")
def voice_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("voice")


@pytest.fixture(scope="module")
def model(voice_dir: Path) -> Path:
    return tinypiper.write_voice(voice_dir)


def test_a_sentence_goes_through_piper_phonemes_and_the_model(model: Path) -> None:
    engine = PiperEngine(str(model))
    pcm = engine.synthesize("Xin chào bà con.", rate=100)
    assert pcm.rate == tinypiper.SAMPLE_RATE
    # piper's phonemes for the sentence, each id 256 samples, plus piper's BOS/EOS/pads.
    from piper import PiperVoice

    voice = PiperVoice.load(model)
    [phonemes] = voice.phonemize("Xin chào bà con.")
    ids = voice.phonemes_to_ids(phonemes)
    assert len(pcm.data) // 2 == len(ids) * tinypiper.HOP
    assert "ɔ" in phonemes and "2" in phonemes  # Vietnamese vowels and tones, via espeak "vi"


def test_rate_scales_the_length(model: Path) -> None:
    engine = PiperEngine(str(model))
    normal = engine.synthesize("Hội đồng nhân dân huyện.", rate=100)
    fast = engine.synthesize("Hội đồng nhân dân huyện.", rate=200)
    assert abs(fast.duration_ms * 2 - normal.duration_ms) < 0.02 * normal.duration_ms
    assert engine.cache_key(None, 100) != engine.cache_key(None, 200)
    assert engine.cache_key(None, 100).startswith("piper|v1|model=")


def test_two_sentences_in_one_chunk_get_a_pause(model: Path) -> None:
    engine = PiperEngine(str(model))
    one = engine.synthesize("Một câu.", rate=100)
    two = engine.synthesize("Một câu. Một câu.", rate=100)
    assert two.duration_ms == pytest.approx(2 * one.duration_ms + 250, abs=1)


def test_a_voice_with_several_speakers_takes_sid(tmp_path: Path) -> None:
    multi = tinypiper.write_voice(tmp_path, "vi_VN-multi-x_low", num_speakers=3)
    assert PiperEngine(str(multi), speaker=2).synthesize("Xin chào.", rate=100).data
    with pytest.raises(VnreaderError, match="speaker 7 does not exist"):
        PiperEngine(str(multi), speaker=7).synthesize("Xin chào.", rate=100)


def test_the_seed_article_is_narrated_offline_with_piper(model: Path, tmp_path: Path) -> None:
    article = extract_bytes(SEED.read_bytes())
    narration = narrate(
        article,
        tmp_path / "seed.mp3",
        engine="piper",
        voice=str(model),
        cache_dir=tmp_path / "c",
    )
    assert narration.engine == "piper" and not narration.fell_back
    script = build_script(article, normalizer=Normalizer())
    sentences = sum(len(segment.utterances) for segment in script.segments)
    assert narration.provenance is not None and narration.provenance.sentences == sentences
    decoded = audio.decode_file(narration.mp3)
    assert abs(decoded.duration_ms - narration.duration_ms) < 200
    assert narration.duration_ms > 60_000  # the whole article, not a sentence
    assert len(narration.cues) == narration.provenance.sentences


def test_an_installed_voice_is_found_by_name(model: Path, tmp_path: Path) -> None:
    folder = tmp_path / "data" / "voices" / "piper" / "vi_VN-tiny-x_low"
    folder.mkdir(parents=True)
    shutil.copy(model, folder / "vi_VN-tiny-x_low.onnx")
    shutil.copy(f"{model}.json", folder / "vi_VN-tiny-x_low.onnx.json")
    pcm = PiperEngine("vi_VN-tiny-x_low").synthesize("Xin chào.", rate=100)
    assert pcm.rate == tinypiper.SAMPLE_RATE and pcm.data


def test_a_catalogued_voice_that_is_not_installed_names_the_command() -> None:
    with pytest.raises(VoiceError) as caught:
        PiperEngine("vi_VN-vais1000-medium").cache_key(None, 100)
    assert str(caught.value) == (
        "piper voice vi_VN-vais1000-medium is not installed; "
        "run: vnreader voices install vi_VN-vais1000-medium"
    )


def test_narration_never_downloads_a_voice(tmp_path: Path, no_internet: Blocked) -> None:
    article = extract_bytes(SEED.read_bytes())
    with pytest.raises(VoiceError, match="not installed"):
        narrate(article, tmp_path / "x.mp3", engine="piper", cache_dir=tmp_path / "c")
    assert list(no_internet) == []  # not even an attempt
    assert not (tmp_path / "x.mp3").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"this is not an onnx file", "is not a piper voice model"),
        (b"", "is not a piper voice model"),
    ],
)
def test_a_file_that_is_not_a_piper_model_is_one_line(
    model: Path, tmp_path: Path, content: bytes, message: str
) -> None:
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(content)
    shutil.copy(f"{model}.json", f"{bad}.json")
    with pytest.raises(VoiceError) as caught:
        PiperEngine(str(bad)).synthesize("Xin chào.", rate=100)
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_an_onnx_model_with_other_inputs_is_not_a_voice(model: Path, tmp_path: Path) -> None:
    from onnx import TensorProto, helper

    graph = helper.make_graph(
        [helper.make_node("Identity", ["x"], ["y"])],
        "not_a_voice",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])],
    )
    other = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    other.ir_version = 8
    path = tmp_path / "other.onnx"
    path.write_bytes(other.SerializeToString())
    shutil.copy(f"{model}.json", f"{path}.json")
    with pytest.raises(VoiceError, match=r"piper needs \['input', 'input_lengths', 'scales'\]"):
        PiperEngine(str(path)).synthesize("Xin chào.", rate=100)


def test_bad_settings_files_and_paths_are_one_line(model: Path, tmp_path: Path) -> None:
    copy = tmp_path / "v.onnx"
    shutil.copy(model, copy)
    with pytest.raises(VoiceError, match=r"has no settings file v\.onnx\.json"):
        PiperEngine(str(copy)).synthesize("Xin chào.", rate=100)
    Path(f"{copy}.json").write_text(json.dumps({"audio": {}}), encoding="utf-8")
    with pytest.raises(VoiceError, match="is not a piper voice settings file"):
        PiperEngine(str(copy)).synthesize("Xin chào.", rate=100)
    with pytest.raises(VoiceError, match="does not exist"):
        PiperEngine(str(tmp_path / "missing.onnx")).synthesize("Xin chào.", rate=100)
    with pytest.raises(VoiceError, match="unknown piper voice 'giong-la'"):
        PiperEngine("giong-la").synthesize("Xin chào.", rate=100)
    with pytest.raises(VnreaderError, match="rate 20%"):
        PiperEngine(str(model)).synthesize("Xin chào.", rate=20)
