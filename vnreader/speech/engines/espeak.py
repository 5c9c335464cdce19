"""espeak-ng, embedded: offline Vietnamese speech from the ``espeakng-loader`` wheel.

The wheel ships ``libespeak-ng.so`` and its ``espeak-ng-data``; we drive the library through
:mod:`ctypes` (no system package, no ``espeak-ng`` executable), so narration works on a fresh
machine with no internet. espeak-ng is GPL-3.0-or-later, which is why vnreader is too.

The library keeps one global state (one voice, one set of parameters, one output callback)
and is not thread-safe, so this module holds a process-wide singleton: initialised once under
:data:`_LOCK`, and every synthesis runs under the same lock.

Two traps of the C library are avoided here:

* ``espeak_Initialize`` calls ``exit(1)`` on missing data, killing the whole Python process;
  with a NULL path it looks for the data where the wheel was *built*. We use the
  ``espeak_ng_*`` calls instead, which return a status, and always pass the wheel's data path,
  checked beforehand so that a system ``espeak-ng-data`` is never picked up by accident.
* espeak-ng 1.52 copies the data path into a 160-byte buffer and silently truncates it, so a
  deep virtual environment fails to load its own data. A long path is reached through a short
  symbolic link in the temporary directory instead.
"""

from __future__ import annotations

import atexit
import ctypes
import os
import re
import tempfile
import threading
import unicodedata
from pathlib import Path

from vnreader.errors import VnreaderError
from vnreader.speech.engines import espeak_ffi as ffi
from vnreader.speech.engines import espeak_tones
from vnreader.speech.engines.espeak_tones import ToneChoice, ToneTable
from vnreader.speech.engines.espeak_voicefile import (
    DATA_DIR,
    MAX_VOICE_PATH,
    ShortCopies,
    VoiceFile,
    VoiceFileChoice,
)
from vnreader.speech.model import PCM
from vnreader.speech.room import Room

ENGINE_NAME = "espeak"

#: Friendly names → espeak-ng voice names (the files under ``espeak-ng-data/lang/aav/``).
#: The espeak names are accepted as they are, in any letter case.
VOICE_ALIASES: dict[str, str] = {
    "vi": "vi",
    "north": "vi",
    "vi-vn": "vi",
    "vi-vn-x-north": "vi",
    "south": "vi-VN-x-south",
    "vi-vn-x-south": "vi-VN-x-south",
    "central": "vi-VN-x-central",
    "vi-vn-x-central": "vi-VN-x-central",
}

#: The voices vnreader offers, in espeak's spelling.
VOICES: tuple[str, ...] = ("vi", "vi-VN-x-south", "vi-VN-x-central")

#: Words per minute at rate 100 %. espeak's own default is 175, which for Vietnamese (one
#: espeak "word" per syllable) measures about 4.2 syllables a second inside a sentence: the
#: pace of a fast newsreader. 119 (about 2.9 syllables a second) with a 20 ms gap between
#: words was the most intelligible setting measured by benchmarks/bench_intelligibility.py
#: (an offline recognizer's word error rate on six articles: 0.769, against 0.795 for the
#: earlier 140 wpm without a gap; see docs/benchmarks.md). Listeners who want faster speech
#: raise ``rate``.
BASE_WPM = 119

#: The library's limits on espeakRATE (speak_lib.h: espeakRATE_MINIMUM / _MAXIMUM).
MIN_WPM = 80
MAX_WPM = 450

#: Rates (percent) accepted by :meth:`EspeakEngine.synthesize`; outside this a value is a typo.
MIN_RATE = 25
MAX_RATE = 400

DEFAULT_PITCH = 50  # espeakPITCH 0-100, 50 = the voice's own pitch
#: espeakRANGE 0-100, the pitch range of the intonation (50 = the voice's own; 0 = monotone).
DEFAULT_RANGE = 50
#: Per voice, the (pitch, range) used when none is given, where the intelligibility
#: benchmark measured one better than the voice's own (docs/benchmarks.md): the northern
#: voice a little higher (60) and with a wider intonation (80) had a word error rate of
#: 0.741 against 0.775 on 640 words (0.716 against 0.770 on another 335). The southern
#: and central voices were not measured with them and keep their own (50, 50).
TUNED_PITCH: dict[str, tuple[int, int]] = {"vi": (60, 80)}
#: espeak-ng voice variant (a file of ``espeak-ng-data/voices/!v``, e.g. ``m3``, ``klatt``),
#: appended as ``vi+m3``; None = the language voice as it is.
DEFAULT_VARIANT: str | None = None
#: espeakWORDGAP, extra pause between words in units of 10 ms: 20 ms, chosen with BASE_WPM.
DEFAULT_WORD_GAP = 2

#: vnreader's own espeak-ng voice files (``vnreader/speech/data/``), per espeak voice: used
#: instead of espeak's language file where the intelligibility benchmark measured one better
#: (docs/benchmarks.md). A voice file sets what the API cannot (formants, tone equalizer,
#: breath, consonant strength, stress lengths…); see docs/speech-engines.md.
TUNED_VOICE_FILES: dict[str, str] = {"vi": "espeak-vi-north.voice"}
#: vnreader's own tone tables (``vnreader/speech/data/``), per espeak voice: the pitch and
#: amplitude contours of the six tones, written into a derived copy of espeak's phoneme
#: data (:mod:`vnreader.speech.engines.espeak_tones`) where they measured better. The
#: northern table is espeak's contours 1.2 times further apart: more intelligible than
#: espeak's own in eight of the eleven runs on 640-1,209 words (by 0.005-0.031 WER), two
#: ties, one loss by 0.009 (within the noise; docs/benchmarks.md).
TUNED_TONES: dict[str, str] = {"vi": "vi-tones.tsv"}
#: Early reflections added to a voice's output (:mod:`vnreader.speech.room`), per espeak
#: voice: every voice as if recorded in a small, dry room (a 20 ms tail at -6 dB:
#: reverberation time 0.14 s, C50 about 28 dB; seed 1, the best of three rooms of that
#: size on the six development articles and again on six held-out pages). Over every
#: sentence of the six articles the offline recognizer misheard 0.563-0.578 of the northern
#: voice's words with it (its voice file without the echo the room replaces), against
#: 0.675 without; the southern voice 0.813 against 0.889, the central 0.827 against 0.940
#: (docs/benchmarks.md, seventh pass).
SMALL_ROOM = Room(20, -6, seed=1)
TUNED_ROOMS: dict[str, Room] = {voice: SMALL_ROOM for voice in VOICES}
#: What ``EspeakEngine(room=…)`` accepts: True (the tuned room where there is one), False
#: (the voice as espeak-ng makes it), or a Room for every voice.
RoomChoice = bool | Room

#: Longest data path handed to the library as is (its buffer holds 160 bytes, and file names
#: such as ``lang/aav/vi-VN-x-central`` are appended to it).
_MAX_DATA_PATH = 100


_LOCK = threading.Lock()
_LIBRARY: _Library | None = None
_FAILURE: VnreaderError | None = None


def _short_data_path(path: str) -> str:
    """``path``, or a short symbolic link to it when the library could not hold it."""
    if len(os.fsencode(path)) <= _MAX_DATA_PATH:
        return path
    folder = tempfile.mkdtemp(prefix="vnreader-espeak-")
    link = os.path.join(folder, "espeak-ng-data")
    try:
        os.symlink(path, link, target_is_directory=True)
    except OSError:
        os.rmdir(folder)
        return path  # the library will report the path as missing, cleanly

    def remove() -> None:
        # The link only: never the data it points to.
        for step in (lambda: os.unlink(link), lambda: os.rmdir(folder)):
            try:
                step()
            except OSError:
                pass

    atexit.register(remove)
    return link


class _Library:
    """The initialised libespeak-ng of this process. Use only while holding :data:`_LOCK`."""

    def __init__(self, library_path: str, data_path: str) -> None:
        try:
            lib = ctypes.CDLL(library_path)
        except OSError as exc:
            raise VnreaderError(f"espeak-ng cannot be loaded from {library_path}: {exc}") from None
        data = Path(data_path)
        missing = [name for name in ffi.REQUIRED_DATA if not (data / name).exists()]
        if missing:
            # Checked here: given a folder it cannot use, the library silently falls back to
            # other places (ESPEAK_DATA_PATH, its build-time path) and may load foreign data.
            raise VnreaderError(
                f"espeak-ng data is incomplete at {data_path} (missing {', '.join(missing)});"
                " reinstall the espeakng-loader package"
            )
        ffi.declare(lib)
        lib.espeak_ng_InitializePath(os.fsencode(_short_data_path(str(data))))
        status = lib.espeak_ng_Initialize(None)
        if status != ffi.ENS_OK:
            why = ffi.status_message(lib, status)
            raise VnreaderError(f"espeak-ng cannot start with data from {data_path}: {why}")
        status = lib.espeak_ng_InitializeOutput(ffi.ENOUTPUT_MODE_SYNCHRONOUS, 0, None)
        if status != ffi.ENS_OK:
            raise VnreaderError(f"espeak-ng cannot start: {ffi.status_message(lib, status)}")
        self.lib = lib
        self.sample_rate: int = lib.espeak_ng_GetSampleRate()
        self.version: str = (lib.espeak_Info(None) or b"unknown").decode("ascii", "replace")
        self.voices: frozenset[str] = self._list_voices()
        self._chunks: list[bytes] = []
        # Kept as an attribute: ctypes does not keep a callback alive for the C side.
        self._callback = ffi.SynthCallback(self._collect)
        lib.espeak_SetSynthCallback(self._callback)
        self._applied: tuple[str, int, int, int, int, str] | None = None
        # Voice files handed to the library, as copies under a short lower-case path.
        self._voice_copies = ShortCopies()
        self.data_path = data
        self.tones = espeak_tones.Loaded({})

    def _list_voices(self) -> frozenset[str]:
        """The voice names in the data (``aav/vi-VN-x-south`` → ``vi-VN-x-south``)."""
        names = set()
        table = self.lib.espeak_ListVoices(None)
        index = 0
        while table[index]:
            identifier = table[index].contents.identifier or b""
            names.add(identifier.decode("utf-8", "replace").rsplit("/", 1)[-1])
            index += 1
        return frozenset(names)

    def _collect(self, wav: ctypes._Pointer, count: int, _events: ctypes._Pointer) -> int:
        # Runs inside espeak_ng_Synthesize, on the calling thread (synchronous mode).
        if wav and count > 0:
            self._chunks.append(ctypes.string_at(wav, count * 2))
        return 0  # 0 = go on

    def _set(self, parameter: int, value: int) -> None:
        status = self.lib.espeak_ng_SetParameter(parameter, value, 0)
        if status != ffi.ENS_OK:
            raise VnreaderError(
                f"espeak-ng rejected parameter {parameter}={value}: "
                f"{ffi.status_message(self.lib, status)}"
            )

    def current_voice(self) -> tuple[str, str]:
        """(identifier, name) of the voice espeak-ng has loaded, as the library reports it."""
        info = self.lib.espeak_GetCurrentVoice()
        if not info:
            return ("", "")
        identifier = (info.contents.identifier or b"").decode("utf-8", "replace")
        name = (info.contents.name or b"").decode("utf-8", "replace")
        return (identifier, name)

    def _select_voice(self, voice: str, voice_file: VoiceFile | None, variant: str | None) -> None:
        if voice_file is None:
            full = f"{voice}+{variant}" if variant else voice
            status = self.lib.espeak_ng_SetVoiceByName(full.encode("ascii"))
            if status != ffi.ENS_OK:
                raise VnreaderError(
                    f"espeak-ng has no voice {full!r}: {ffi.status_message(self.lib, status)}"
                )
            return
        path = self._voice_copies.path(voice_file)
        full = f"{path}+{variant}" if variant else path
        if len(full.encode("ascii")) > MAX_VOICE_PATH:
            raise VnreaderError(
                f"espeak voice variant {variant!r} is too long a name to go with a voice file"
            )
        status = self.lib.espeak_ng_SetVoiceByFile(full.encode("ascii"))
        identifier, name = self.current_voice()
        # The library reports the file it loaded (its path, cut to 39 bytes) and its name
        # (cut to 39 bytes, spaces as written).
        reported = " ".join(name.split())
        loaded = path.startswith(identifier.split("+")[0] or "\x00") and (
            bool(reported) and voice_file.name.startswith(reported) if voice_file.name else True
        )
        if status != ffi.ENS_OK or not loaded:
            raise VnreaderError(
                f"espeak-ng could not load the voice file {voice_file.path}: "
                f"{ffi.status_message(self.lib, status) if status != ffi.ENS_OK else 'not loaded'}"
            )

    def synthesize(
        self,
        text: str,
        voice: str,
        wpm: int,
        pitch: int,
        word_gap: int,
        pitch_range: int = 50,
        *,
        variant: str | None = None,
        voice_file: VoiceFile | None = None,
        tones: ToneTable | None = None,
    ) -> bytes:
        language_file = Path(self.data_path) / "lang" / "aav" / voice
        voice_file = self.tones.voice_file(tones, voice_file, language_file)
        settings = (
            f"{voice}+{variant}" if variant else voice,
            wpm,
            pitch,
            word_gap,
            pitch_range,
            voice_file.digest if voice_file else "",
        )
        if settings != self._applied:
            # Re-applied only on change: another engine object may have changed the shared
            # state. The voice first, since choosing a voice may reset the parameters.
            self._applied = None
            self._select_voice(voice, voice_file, variant)
            self._set(ffi.ESPEAK_RATE, wpm)
            self._set(ffi.ESPEAK_PITCH, pitch)
            self._set(ffi.ESPEAK_WORDGAP, word_gap)
            self._set(ffi.ESPEAK_RANGE, pitch_range)
            self._applied = settings
        encoded = text.encode("utf-8")
        self._chunks = []
        try:
            # No espeakENDPAUSE: the script decides the pauses between sentences, so the
            # engine must not add its own at the end.
            status = self.lib.espeak_ng_Synthesize(
                encoded,
                len(encoded) + 1,
                0,
                ffi.POS_CHARACTER,
                0,
                ffi.ESPEAK_CHARS_UTF8,
                None,
                None,
            )
            if status != ffi.ENS_OK:
                why = ffi.status_message(self.lib, status)
                raise VnreaderError(f"espeak-ng could not speak {text[:40]!r}: {why}")
            return b"".join(self._chunks)
        finally:
            self._chunks = []


def _library(library_path: str | None = None, data_path: str | None = None) -> _Library:
    """The process's library, initialised on first use; the paths count only the first time.

    A failure is remembered: the C library's global state is not fit for a second attempt.
    """
    global _LIBRARY, _FAILURE
    if _LIBRARY is not None:
        return _LIBRARY
    if _FAILURE is not None:
        raise _FAILURE
    try:
        import espeakng_loader
    except ImportError:
        _FAILURE = VnreaderError("espeak-ng is not installed: install the espeakng-loader package")
        raise _FAILURE from None
    try:
        library = library_path or espeakng_loader.get_library_path()
        data = data_path or espeakng_loader.get_data_path()
        # vnreader's tone tables, in a derived copy of the data (or none: espeak's tones).
        started, tones = espeak_tones.prepare(data, sorted(set(TUNED_TONES.values())))
        _LIBRARY = _Library(library, started)
        _LIBRARY.tones = tones
    except VnreaderError as exc:
        _FAILURE = exc
        raise
    except RuntimeError as exc:  # espeakng_loader: "data path not exists"
        _FAILURE = VnreaderError(f"espeak-ng data is missing: {exc}")
        raise _FAILURE from None
    return _LIBRARY


def initialize(library_path: str | None = None, data_path: str | None = None) -> None:
    """Load and start the library now (else done on first use); raises VnreaderError."""
    with _LOCK:
        _library(library_path, data_path)


def available() -> bool:
    """Whether espeak-ng can be loaded and started in this process."""
    try:
        initialize()
    except VnreaderError:
        return False
    return True


def version() -> str:
    """The espeak-ng library version, e.g. ``"1.52.0"``."""
    with _LOCK:
        return _library().version


def resolve_voice(voice: str) -> str:
    """A voice name or alias (``north``, ``south``, ``central``, ``vi``…) → espeak's name."""
    canonical = VOICE_ALIASES.get(voice.strip().lower())
    if canonical is None:
        offered = ", ".join(["north", "south", "central", *VOICES])
        raise VnreaderError(f"unknown espeak voice {voice!r}; choose one of: {offered}")
    return canonical


def rate_to_wpm(rate: int) -> int:
    """A rate in percent of normal speed → espeak words per minute (library limits applied)."""
    if isinstance(rate, bool) or not isinstance(rate, int):
        raise VnreaderError(f"speech rate must be a whole percentage, not {rate!r}")
    if not MIN_RATE <= rate <= MAX_RATE:
        raise VnreaderError(
            f"speech rate {rate}% is out of range ({MIN_RATE}-{MAX_RATE}%, 100 = normal)"
        )
    return max(MIN_WPM, min(MAX_WPM, round(BASE_WPM * rate / 100)))


class EspeakEngine:
    """The offline engine (``name = "espeak"``): Vietnamese voices north, south, central.

    ``pitch`` is espeak's 0-100 scale (50 = the voice's own); ``word_gap`` adds that many
    10 ms steps of silence between words, for listeners who need words set apart;
    ``pitch_range`` is espeak's intonation range (0-100, 50 = the voice's own); pitch and
    range default per voice (:data:`TUNED_PITCH`: the northern voice 60 and 80); ``variant``
    an espeak-ng voice variant (``m3``, ``f2``, ``klatt``…: a file of ``voices/!v``).
    ``voice_file``: True (the default) speaks a voice with vnreader's own voice file where
    there is one (:data:`TUNED_VOICE_FILES`), False with espeak's own language file, and a
    path names an espeak-ng voice file (Vietnamese) for the default voice. ``tones``: True
    (the default) speaks a voice with vnreader's tone contours where there are some
    (:data:`TUNED_TONES`), False with espeak's own, and a path names a tone table
    (:mod:`~vnreader.speech.engines.espeak_tones`) for the default voice, which must be the
    northern one; it must be given before the process's first synthesis (espeak-ng loads
    its data once). ``room``: True (the default) adds the early reflections of
    :data:`TUNED_ROOMS` where a voice has some, False none, and a
    :class:`~vnreader.speech.room.Room` those reflections to every voice.
    """

    name = ENGINE_NAME

    def __init__(
        self,
        voice_default: str = "vi",
        *,
        pitch: int | None = None,
        word_gap: int = DEFAULT_WORD_GAP,
        pitch_range: int | None = None,
        variant: str | None = DEFAULT_VARIANT,
        voice_file: VoiceFileChoice = True,
        tones: ToneChoice = True,
        room: RoomChoice = True,
    ) -> None:
        if not isinstance(room, bool | Room):
            raise VnreaderError(f"espeak room {room!r} is not a Room, True or False")
        self.room = room
        if pitch is not None and not 0 <= pitch <= 100:
            raise VnreaderError(f"espeak pitch {pitch} is out of range (0-100, 50 = normal)")
        if pitch_range is not None and not 0 <= pitch_range <= 100:
            raise VnreaderError(
                f"espeak pitch range {pitch_range} is out of range (0-100, 50 = normal)"
            )
        if variant is not None and not re.fullmatch(r"[A-Za-z0-9_]{1,32}", variant):
            raise VnreaderError(f"espeak voice variant {variant!r} is not a variant name")
        if not 0 <= word_gap <= 100:
            raise VnreaderError(f"espeak word gap {word_gap} is out of range (0-100 × 10 ms)")
        self.voice_default = resolve_voice(voice_default)
        self._pitch = pitch
        self.word_gap = word_gap
        self._pitch_range = pitch_range
        self.variant = variant
        # canonical voice → its voice file (None: espeak's own), read and checked now.
        self._voice_files: dict[str, VoiceFile | None] = {}
        if isinstance(voice_file, bool):
            self._tuned_files = voice_file
        else:
            self._tuned_files = True
            self._voice_files[self.voice_default] = VoiceFile(voice_file)
        # canonical voice → its tone table (None: espeak's own tones), read and checked now.
        self._tone_tables: dict[str, ToneTable | None] = {}
        self._tuned_tones = tones if isinstance(tones, bool) else True
        if not isinstance(tones, bool):
            if self.voice_default != "vi":
                # The table replaces the tones of espeak's 'vi' phoneme table; the southern
                # and central voices speak with tables of their own built on it.
                raise VnreaderError("espeak tone tables are for the northern voice (vi) only")
            table = ToneTable(tones)
            espeak_tones.request(table)
            self._tone_tables[self.voice_default] = table

    def tones_for(self, canonical: str) -> ToneTable | None:
        """The tone table the engine speaks an espeak voice with (None: espeak's own)."""
        if canonical not in self._tone_tables:
            name = TUNED_TONES.get(canonical) if self._tuned_tones else None
            self._tone_tables[canonical] = espeak_tones.shipped(name) if name else None
        return self._tone_tables[canonical]

    def tones_in_use(self, voice: str | None = None) -> ToneTable | None:
        """The tone table espeak-ng really speaks ``voice`` with: :meth:`tones_for`, unless
        its data could not be derived (then None: espeak's own tones)."""
        table = self.tones_for(self._voice(voice))
        with _LOCK:
            loaded = _library().tones.tables
        return table if table is not None and table.digest in loaded else None

    def voice_file_for(self, canonical: str) -> VoiceFile | None:
        """The voice file the engine loads for an espeak voice (None: espeak's own)."""
        if canonical not in self._voice_files:
            name = TUNED_VOICE_FILES.get(canonical) if self._tuned_files else None
            self._voice_files[canonical] = VoiceFile(DATA_DIR / name) if name else None
        return self._voice_files[canonical]

    def room_for(self, canonical: str) -> Room | None:
        """The early reflections added to an espeak voice (None: none)."""
        if isinstance(self.room, Room):
            return self.room
        return TUNED_ROOMS.get(canonical) if self.room else None

    @property
    def sample_rate(self) -> int:
        """The library's output rate in Hz (22050 for espeak-ng)."""
        with _LOCK:
            return _library().sample_rate

    def voices(self) -> tuple[str, ...]:
        """The Vietnamese voices present in the installed data."""
        with _LOCK:
            present = _library().voices
        return tuple(voice for voice in VOICES if voice in present)

    @property
    def pitch(self) -> int:
        """The pitch of the default voice."""
        return self.pitch_for(self.voice_default)[0]

    @property
    def pitch_range(self) -> int:
        """The pitch range of the default voice."""
        return self.pitch_for(self.voice_default)[1]

    def pitch_for(self, canonical: str) -> tuple[int, int]:
        """(pitch, range) for an espeak voice: as given, else the voice's tuned default
        (:data:`TUNED_PITCH`), else 50 and 50 (the voice's own)."""
        tuned = TUNED_PITCH.get(canonical, (DEFAULT_PITCH, DEFAULT_RANGE))
        return (
            tuned[0] if self._pitch is None else self._pitch,
            tuned[1] if self._pitch_range is None else self._pitch_range,
        )

    def _voice(self, voice: str | None) -> str:
        return resolve_voice(voice) if voice else self.voice_default

    def synthesize(self, text: str, *, voice: str | None = None, rate: int = 100) -> PCM:
        """``text`` spoken → 16-bit mono PCM at :attr:`sample_rate`; no text → no samples."""
        canonical = self._voice(voice)
        wpm = rate_to_wpm(rate)
        # NFC: espeak's dictionary rules expect precomposed Vietnamese letters; a NUL would
        # end the C string early.
        spoken = unicodedata.normalize("NFC", text).replace("\x00", " ").strip()
        with _LOCK:
            library = _library()
            if not spoken:
                # espeak answers an empty text with a few ms of silence; nothing is nothing.
                return PCM(b"", library.sample_rate)
            if canonical not in library.voices:
                raise VnreaderError(
                    f"espeak voice {canonical!r} is not in the installed espeak-ng data"
                )
            pitch, pitch_range = self.pitch_for(canonical)
            data = library.synthesize(
                spoken,
                canonical,
                wpm,
                pitch,
                self.word_gap,
                pitch_range,
                variant=self.variant,
                voice_file=self.voice_file_for(canonical),
                tones=self.tones_for(canonical),
            )
            rate = library.sample_rate
        room = self.room_for(canonical)
        pcm = PCM(data, rate)
        return room.apply(pcm) if room is not None else pcm

    def loaded_voice(self) -> tuple[str, str]:
        """(identifier, name) of the voice espeak-ng has loaded now, as the library says:
        for a voice file, the start of the path of vnreader's copy and the file's ``name``."""
        with _LOCK:
            return _library().current_voice()

    def cache_key(self, voice: str | None, rate: int) -> str:
        """Everything that changes the sound: library version, voice, speed, pitch, gap."""
        canonical = self._voice(voice)
        pitch, pitch_range = self.pitch_for(canonical)
        key = (
            f"{ENGINE_NAME}/{version()}/voice={canonical}/wpm={rate_to_wpm(rate)}"
            f"/pitch={pitch}/wordgap={self.word_gap}"
        )
        # A range other than the library's own is named (the keys of chunks cached before
        # the range could be set stay valid).
        if pitch_range != DEFAULT_RANGE:
            key += f"/range={pitch_range}"
        if self.variant:
            key += f"/variant={self.variant}"
        voice_file = self.voice_file_for(canonical)
        if voice_file is not None:
            # The file's digest: any change to it makes new audio.
            key += f"/voicefile={voice_file.label}"
        tones = self.tones_in_use(canonical)
        if tones is not None:
            # The table's digest: new contours make new audio.
            key += f"/tones={tones.label}"
        room = self.room_for(canonical)
        if room is not None:
            key += f"/room={room.label}"
        return key
