"""Piper neural voices, offline (the ``piper-tts`` package, on onnxruntime).

A voice is a VITS model exported to ONNX (``NAME.onnx``) with its settings beside it
(``NAME.onnx.json``: sample rate, espeak voice, phoneme id map, speakers, scales). It is
given either by the path of its ``.onnx`` file or by the name of a voice installed with
``vnreader voices install NAME`` (in the user data directory; see
:mod:`vnreader.speech.voices`). Nothing is downloaded here: a voice that is not installed is
a one-line error naming the command that installs it.

Text goes through piper-tts's own code: its bundled espeak-ng (``piper.espeakbridge``, with
its own ``espeak-ng-data``, so it works offline) turns text into phonemes, the voice's map
into ids, and onnxruntime runs the model with the inputs ``input``, ``input_lengths``,
``scales`` (and ``sid`` for a voice with several speakers). ``rate`` divides the voice's
``length_scale``.
"""

from __future__ import annotations

import hashlib
import json
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vnreader.errors import VnreaderError
from vnreader.speech.engines.base import EngineError
from vnreader.speech.model import PCM
from vnreader.speech.voices import VoiceError, catalogue, installed_piper_model

ENGINE_NAME = "piper"
FORMAT_VERSION = 1
MIN_RATE = 50
MAX_RATE = 300
#: Silence between two sentences piper found inside one chunk (ms).
SENTENCE_GAP_MS = 250
#: What piper's ONNX voices take and give.
REQUIRED_INPUTS = ("input", "input_lengths", "scales")
OUTPUT = "output"

_LOCK = threading.Lock()


def available() -> bool:
    """Whether piper-tts (and onnxruntime) can be imported."""
    try:
        import piper  # noqa: F401
    except ImportError:
        return False
    return True


def _check_rate(rate: int) -> None:
    if isinstance(rate, bool) or not isinstance(rate, int):
        raise VnreaderError(f"speech rate must be a whole percentage, not {rate!r}")
    if not MIN_RATE <= rate <= MAX_RATE:
        raise VnreaderError(
            f"piper: rate {rate}% is outside {MIN_RATE}-{MAX_RATE}% of normal speed"
        )


def resolve_model(voice: str) -> Path:
    """A voice (path to ``.onnx``, or an installed voice's name) → the ``.onnx`` path.

    Never downloads: a catalogued voice that is not installed names the command to run.
    """
    text = voice.strip()
    if not text:
        raise VoiceError("piper needs a voice: an installed voice's name or a .onnx path")
    path = Path(text).expanduser()
    looks_like_path = text.endswith(".onnx") or "/" in text or "\\" in text
    if looks_like_path:
        if not path.is_file():
            raise VoiceError(f"piper voice file {path} does not exist")
        if not Path(f"{path}.json").is_file():
            raise VoiceError(f"piper voice {path} has no settings file {path.name}.json beside it")
        return path
    model = installed_piper_model(text)
    if model is not None:
        return model
    known = catalogue().voice("piper", text)
    if known is not None:
        raise VoiceError(
            f"piper voice {known.name} is not installed; run: vnreader voices install {known.name}"
        )
    offered = ", ".join(v.name for v in catalogue().voices if v.engine == "piper")
    raise VoiceError(f"unknown piper voice {text!r}: give a .onnx path or one of: {offered}")


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class _Loaded:
    config: dict[str, Any]  # the .onnx.json settings
    key: str  # what identifies the model and its settings
    sample_rate: int
    length_scale: float
    num_speakers: int
    model: Path
    voice: Any = None  # piper.PiperVoice, made on first synthesis (onnxruntime is slow to start)


_MODELS: dict[tuple[str, int, int], _Loaded] = {}


def load_voice(model: Path, *, session: bool = True) -> _Loaded:
    """The piper voice at ``model``, loaded once per process (per file version).

    Without ``session`` only the settings are read and the files hashed (for the cache key):
    a narration whose sentences are all cached never starts onnxruntime.
    """
    try:
        stat = model.stat()
        config_stat = Path(f"{model}.json").stat()
    except OSError as exc:
        raise VoiceError(f"cannot read piper voice {model}: {exc.strerror or exc}") from None
    slot = (str(model.resolve()), stat.st_mtime_ns ^ config_stat.st_mtime_ns, stat.st_size)
    with _LOCK:
        loaded = _MODELS.get(slot)
        if loaded is None:
            loaded = _settings(model)
            _MODELS[slot] = loaded
        if session and loaded.voice is None:
            loaded.voice = _session(loaded)
        return loaded


def _settings(model: Path) -> _Loaded:
    """The voice's settings file, read as piper reads it (without importing piper, whose
    import starts onnxruntime), and the files' hashes."""
    config_path = Path(f"{model}.json")
    try:
        raw = json.loads(config_path.read_text("utf-8"))
        sample_rate = int(raw["audio"]["sample_rate"])
        num_speakers = int(raw["num_speakers"])
        length_scale = float(raw.get("inference", {}).get("length_scale", 1.0))
        str(raw["espeak"]["voice"])
        int(raw["num_symbols"])
        ids = raw["phoneme_id_map"]
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise VoiceError(
            f"{config_path} is not a piper voice settings file ({type(exc).__name__}: {exc})"
        ) from None
    if sample_rate <= 0 or not isinstance(ids, dict) or not ids or length_scale <= 0:
        raise VoiceError(
            f"{config_path} is not a piper voice settings file (no sample rate or phoneme ids)"
        )
    key = f"model={_file_sha256(model)[:16]}/config={_file_sha256(config_path)[:16]}"
    return _Loaded(raw, key, sample_rate, length_scale, num_speakers, model)


def _session(loaded: _Loaded) -> Any:
    try:
        import onnxruntime
        from piper import PiperVoice
        from piper.config import PiperConfig
    except ImportError as exc:  # a broken install: piper-tts is a declared dependency
        raise VnreaderError(f"the piper engine needs the piper-tts package: {exc}") from None
    model = loaded.model
    try:
        config = PiperConfig.from_dict(loaded.config)
    except (ValueError, KeyError, TypeError) as exc:
        raise VoiceError(
            f"{model}.json is not a piper voice settings file ({type(exc).__name__}: {exc})"
        ) from None
    try:
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3
        options.intra_op_num_threads = 1
        session = onnxruntime.InferenceSession(
            str(model), sess_options=options, providers=["CPUExecutionProvider"]
        )
    except Exception as exc:  # onnxruntime raises its own Fail/InvalidGraph… classes
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise VoiceError(f"{model} is not a piper voice model ({first[:160]})") from None
    inputs = {i.name for i in session.get_inputs()}
    outputs = {o.name for o in session.get_outputs()}
    missing = [name for name in REQUIRED_INPUTS if name not in inputs]
    if missing or OUTPUT not in outputs:
        raise VoiceError(
            f"{model} is not a piper voice model (it has inputs {sorted(inputs)} and outputs "
            f"{sorted(outputs)}; piper needs {list(REQUIRED_INPUTS)} → {OUTPUT!r})"
        )
    if loaded.num_speakers > 1 and "sid" not in inputs:
        raise VoiceError(f"{model} lists {loaded.num_speakers} speakers but takes no 'sid'")
    return PiperVoice(config=config, session=session)


class PiperEngine:
    """The offline neural engine (``name = "piper"``).

    ``voice_default`` is a voice name or ``.onnx`` path; ``speaker`` picks a speaker of a
    voice with several (e.g. vi_VN-vivos-x_low), default the voice's own default.
    """

    name = ENGINE_NAME

    def __init__(self, voice_default: str | None = None, *, speaker: int | None = None) -> None:
        if speaker is not None and (isinstance(speaker, bool) or speaker < 0):
            raise VnreaderError(f"piper speaker must be a number ≥ 0, not {speaker!r}")
        self.voice_default = voice_default
        self.speaker = speaker

    def _model(self, voice: str | None, *, session: bool = True) -> _Loaded:
        chosen = voice or self.voice_default
        if not chosen:
            raise VoiceError("piper needs a voice: an installed voice's name or a .onnx path")
        loaded = load_voice(resolve_model(chosen), session=session)
        if self.speaker is not None and self.speaker >= max(1, loaded.num_speakers):
            raise VnreaderError(
                f"piper voice {chosen} has {loaded.num_speakers} speaker(s); "
                f"speaker {self.speaker} does not exist"
            )
        return loaded

    def cache_key(self, voice: str | None, rate: int) -> str:
        """The model's and settings' content (hashes), the rate and the speaker."""
        _check_rate(rate)
        loaded = self._model(voice, session=False)
        speaker = "" if loaded.num_speakers <= 1 else f"/speaker={self.speaker or 0}"
        return f"piper|v{FORMAT_VERSION}|{loaded.key}|rate={rate}{speaker}"

    def synthesize(self, text: str, *, voice: str | None = None, rate: int = 100) -> PCM:
        """One chunk of spoken text → 16-bit mono PCM at the voice's sample rate."""
        _check_rate(rate)
        loaded = self._model(voice)
        spoken = " ".join(unicodedata.normalize("NFC", text).replace("\x00", " ").split())
        if not spoken:
            return PCM(b"", loaded.sample_rate)
        from piper.config import SynthesisConfig

        syn = SynthesisConfig(
            speaker_id=self.speaker if loaded.num_speakers > 1 else None,
            length_scale=loaded.length_scale * 100 / rate,
        )
        gap = bytes(2 * (loaded.sample_rate * SENTENCE_GAP_MS // 1000))
        parts: list[bytes] = []
        try:
            with _LOCK:  # piper's espeak bridge is one global state
                for chunk in loaded.voice.synthesize(spoken, syn_config=syn):
                    parts.append(chunk.audio_int16_bytes)
        except Exception as exc:  # onnxruntime's and piper's own error classes
            raise EngineError(f"piper could not speak {spoken[:40]!r}: {exc}") from None
        return PCM(gap.join(parts), loaded.sample_rate)
