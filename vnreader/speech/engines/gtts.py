"""The online engine: Google Translate's text-to-speech through the gTTS library.

Each utterance (one sentence of spoken text) is cut into parts under Google's limit of 100
characters at punctuation, each part is sent through gTTS's own request code (one POST to
``https://translate.google.<tld>/_/TranslateWebserverUi/data/batchexecute`` per part), the
MP3 that comes back is decoded to PCM with the bundled ffmpeg, and the parts are joined with
short pauses chosen by the punctuation they were cut at.

Google has one voice per language (``tld`` picks the regional server, which can change the
accent) and two speeds: normal and slow. ``rate`` below 85 asks for the slow voice, which is
clearer than slowed-down normal speech; every rate that is not exactly what Google sends is
reached with ffmpeg's ``atempo`` filter (pitch kept), taking the slow voice as about 70 % of
normal (an estimate: Google documents no figure).

The text leaves the machine: see docs/speech-engines-gtts.md (privacy, limits, tests).
"""

from __future__ import annotations

import logging
import re
import subprocess
import time
import unicodedata
from array import array
from dataclasses import dataclass
from functools import cache

import requests
from gtts import gTTS, gTTSError
from gtts.lang import tts_langs

from vnreader.errors import VnreaderError
from vnreader.speech.engines.base import Engine, EngineError
from vnreader.speech.model import PCM

log = logging.getLogger(__name__)

#: The most characters Google's endpoint takes in one request (gTTS's own constant).
MAX_CHARS = gTTS.GOOGLE_TTS_MAX_CHARS

#: The sample rate Google's MP3s use; we decode to it so no resampling happens.
SAMPLE_RATE = 24000

#: Below this rate the slow voice is asked for.
SLOW_BELOW = 85
#: Google's slow voice as a percentage of its normal speed: an estimate, Google publishes none.
SLOW_SPEED = 70
#: Rates outside this range are refused: beyond them speech is no longer intelligible.
MIN_RATE, MAX_RATE = 30, 300

#: Pause inserted where an utterance was cut into parts, by the punctuation at the cut (ms).
#: Google's own leading and trailing silence is trimmed, so these are the pauses heard.
PART_PAUSE_MS = {"sentence": 300, "clause": 250, "comma": 150, "word": 0}
#: Silence kept at each edge of a trimmed part, so onsets and releases are not clipped (ms).
EDGE_MS = 30
#: Samples quieter than this (about -42 dBFS) count as silence when trimming edges.
SILENCE_LEVEL = 256

#: Bumped whenever the audio for the same text and settings would change (cutting,
#: trimming, pauses, tempo), so cached chunks made the old way are not reused.
FORMAT_VERSION = 1

#: Characters a ``tld`` may not contain: they would change the URL's path, query or scheme.
_BAD_TLD = re.compile(r"[\s/?#\\]")

# Cut points, strongest first. Each pattern matches the whitespace after a boundary, so the
# punctuation stays with the part it ends (Google reads its intonation from it).
_CUTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("sentence", re.compile(r"(?<=[.!?…])[\"”’)\]]*\s+")),
    # A spaced hyphen is not a cut: "kinh tế - xã hội" is one term. En and em dashes are.
    ("clause", re.compile(r"(?<=[;:])\s+|\s+(?=[–—]\s)")),
    ("comma", re.compile(r"(?<=,)\s+")),
    ("word", re.compile(r"\s+")),
)


@dataclass(frozen=True)
class Part:
    """A piece of an utterance sent in one request, and how strongly it ends."""

    text: str
    boundary: str  # a key of PART_PAUSE_MS: what the text was cut at after this part


@dataclass(frozen=True)
class Fallback:
    """A chunk the fallback engine spoke, and why gTTS could not."""

    text: str
    reason: str


def split_parts(text: str, limit: int = MAX_CHARS) -> list[Part]:
    """Cut ``text`` into parts of at most ``limit`` characters at the strongest boundary.

    Sentence ends are preferred to ``;``/``:``/dashes, those to commas, commas to plain
    spaces; a single word longer than ``limit`` (never seen in normalized text) is cut hard.
    Pieces are packed greedily so there are as few requests, and cuts, as possible.
    """
    text = " ".join(text.split())
    if not text:
        return []
    return _split(text, limit, 0, "sentence")


def _split(text: str, limit: int, level: int, end: str) -> list[Part]:
    if len(text) <= limit:
        return [Part(text, end)]
    if level == len(_CUTS):
        # No whitespace left: cut hard, Google reads the pieces as they come.
        pieces = [text[i : i + limit] for i in range(0, len(text), limit)]
        return [Part(p, "word") for p in pieces[:-1]] + [Part(pieces[-1], end)]
    kind, pattern = _CUTS[level]
    pieces = [p for p in pattern.split(text) if p]
    if len(pieces) == 1:
        return _split(text, limit, level + 1, end)
    parts: list[Part] = []
    current = ""
    for piece in pieces:
        if current and len(current) + 1 + len(piece) <= limit:
            current += " " + piece
            continue
        if current:
            parts.extend(_split(current, limit, level + 1, kind))
        current = piece
    parts.extend(_split(current, limit, level + 1, end))
    return parts


@cache
def _ffmpeg() -> str:
    """The ffmpeg binary bundled with imageio-ffmpeg (no system ffmpeg is used)."""
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except Exception as exc:  # the wheel lacks a binary for this platform, or it is broken
        raise VnreaderError(f"gTTS needs the ffmpeg bundled with imageio-ffmpeg: {exc}") from exc


def tempo_filters(rate: int) -> tuple[bool, list[float]]:
    """Whether to ask Google for the slow voice, and the atempo factors that reach ``rate``.

    One atempo filter keeps its factor within 0.5–2.0 (the range every ffmpeg build takes
    without quality loss), so larger changes are chained.
    """
    slow = rate < SLOW_BELOW
    factor = rate / (SLOW_SPEED if slow else 100)
    factors: list[float] = []
    while factor < 0.5:
        factors.append(0.5)
        factor /= 0.5
    while factor > 2.0:
        factors.append(2.0)
        factor /= 2.0
    if abs(factor - 1.0) > 0.005:
        factors.append(round(factor, 4))
    return slow, factors


def decode_mp3(mp3: bytes, tempo: list[float], *, timeout: float = 60.0) -> bytes:
    """MP3 bytes → 16-bit mono PCM at :data:`SAMPLE_RATE`, tempo-changed by ``tempo``.

    Raises ``ValueError`` when ffmpeg cannot read the bytes as MP3 (the caller words it).
    """
    command = [_ffmpeg(), "-hide_banner", "-nostdin", "-loglevel", "error"]
    command += ["-f", "mp3", "-i", "pipe:0"]
    if tempo:
        command += ["-af", ",".join(f"atempo={f}" for f in tempo)]
    command += ["-f", "s16le", "-acodec", "pcm_s16le", "-ac", "1", "-ar", str(SAMPLE_RATE)]
    command += ["pipe:1"]
    try:
        done = subprocess.run(command, input=mp3, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise ValueError("ffmpeg took too long to decode it") from exc
    if done.returncode != 0 or len(done.stdout) < 2:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ValueError(lines[-1] if lines else "ffmpeg decoded no audio")
    return done.stdout[: len(done.stdout) // 2 * 2]


def trim_silence(data: bytes, rate: int = SAMPLE_RATE) -> bytes:
    """``data`` without its leading and trailing silence, keeping :data:`EDGE_MS` of it.

    Google pads every answer with silence of its own; trimming it lets the script's pauses
    (and :data:`PART_PAUSE_MS` between parts) be the pauses the listener hears. Audio that
    is silent throughout is returned as it is.
    """
    samples = array("h")
    samples.frombytes(data)
    block = max(1, rate // 200)  # scan 5 ms at a time: fast, and precise enough
    n = len(samples)
    start = 0
    while start < n and max(map(abs, samples[start : start + block])) < SILENCE_LEVEL:
        start += block
    if start >= n:
        return data
    end = n
    while end > start and max(map(abs, samples[max(start, end - block) : end])) < SILENCE_LEVEL:
        end -= block
    edge = rate * EDGE_MS // 1000
    start = max(0, start - edge)
    end = min(n, end + edge)
    return samples[start:end].tobytes()


class _Failure(Exception):
    """One part could not be had from Google; ``message`` is the user's one line."""

    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__(message)
        self.message = message
        self.transient = transient


class GttsEngine:
    """Google Translate's voice through gTTS; implements :class:`Engine` (name ``"gtts"``).

    ``tld`` is the Google host's suffix (``translate.google.<tld>``); ``lang`` a language
    gTTS knows. ``retries`` more attempts are made per part after a timeout, a dropped
    connection or an HTTP 429/5xx answer, ``backoff`` seconds apart and doubling; a refused
    connection or an unknown host name (offline) is not retried. ``timeout`` bounds each
    request (seconds).

    Once Google has failed for one chunk, later chunks do not ask it again (an offline
    machine would otherwise wait out every chunk's timeouts): they raise at once, or, when
    a ``fallback`` engine was given (the user asked for it), are spoken by it with
    ``fallback_voice``. Each chunk that fell back is logged and kept in ``fallbacks``;
    ``last_fell_back`` tells whether the latest :meth:`synthesize` call did, so a cache can
    decline to store fallback audio under gTTS's key.
    """

    name = "gtts"

    def __init__(
        self,
        tld: str = "com",
        lang: str = "vi",
        retries: int = 2,
        timeout: float = 10.0,
        fallback: Engine | None = None,
        *,
        fallback_voice: str = "vi",
        backoff: float = 0.5,
    ) -> None:
        if not tld or _BAD_TLD.search(tld):
            raise VnreaderError(f"gTTS: {tld!r} is not a Google domain suffix (e.g. com, com.vn)")
        if lang not in tts_langs():
            raise VnreaderError(f"gTTS does not speak the language {lang!r}")
        if retries < 0 or timeout <= 0 or backoff < 0:
            raise VnreaderError("gTTS: retries and backoff must be ≥ 0, timeout > 0")
        self.tld = tld
        self.lang = lang
        self.retries = retries
        self.timeout = timeout
        self.backoff = backoff
        self.fallback = fallback
        self.fallback_voice = fallback_voice
        self.host = f"translate.google.{tld}"
        self.fallbacks: list[Fallback] = []
        self.last_fell_back = False
        # Set after the first chunk Google failed: the one line said for every later chunk.
        self._broken: str | None = None

    def cache_key(self, voice: str, rate: int) -> str:
        # ``voice`` is left out: Google has one voice per language, so it changes nothing.
        return f"gtts|v{FORMAT_VERSION}|tld={self.tld}|lang={self.lang}|rate={rate}"

    def synthesize(self, text: str, *, voice: str, rate: int) -> PCM:
        """Speak one chunk of spoken text; ``voice`` is ignored (see :meth:`cache_key`)."""
        if not MIN_RATE <= rate <= MAX_RATE:
            raise VnreaderError(
                f"gTTS: rate {rate}% is outside {MIN_RATE}–{MAX_RATE}% of normal speed"
            )
        self.last_fell_back = False
        try:
            if self._broken is not None:
                raise _Failure(self._broken, transient=False)
            return self._speak(text, rate)
        except _Failure as failure:
            self._broken = failure.message
            if self.fallback is None:
                raise EngineError(failure.message) from None
            reason = failure.message
        log.warning(
            "gTTS failed, %s speaks this chunk instead: %.60r (%s)",
            self.fallback.name,
            text,
            reason,
        )
        self.fallbacks.append(Fallback(text, reason))
        self.last_fell_back = True
        return self.fallback.synthesize(text, voice=self.fallback_voice, rate=rate)

    # -- one chunk -----------------------------------------------------------------------

    def _speak(self, text: str, rate: int) -> PCM:
        slow, tempo = tempo_filters(rate)
        parts = split_parts(unicodedata.normalize("NFC", text))
        pieces: list[bytes] = []
        for i, part in enumerate(parts):
            mp3 = self._fetch(part.text, slow)
            try:
                pcm = decode_mp3(mp3, tempo)
            except ValueError as exc:
                raise _Failure(
                    self._garbage(f"audio ffmpeg cannot decode ({exc})"), transient=False
                ) from None
            pieces.append(trim_silence(pcm))
            if i < len(parts) - 1:
                pause = SAMPLE_RATE * PART_PAUSE_MS[part.boundary] // 1000
                pieces.append(bytes(2 * pause))
        return PCM(b"".join(pieces), SAMPLE_RATE)

    def _fetch(self, part: str, slow: bool) -> bytes:
        """The MP3 for one part, with retries; raises :class:`_Failure` in the user's words."""
        attempt = 0
        while True:
            try:
                return self._request(part, slow)
            except _Failure as failure:
                if not failure.transient or attempt >= self.retries:
                    raise
                delay = self.backoff * 2**attempt
                log.info("gTTS: %s; trying again in %.1f s", failure.message, delay)
                time.sleep(delay)
                attempt += 1

    def _request(self, part: str, slow: bool) -> bytes:
        # gTTS's own pre-processors fix English abbreviations ("Dr." …) and its tokenizer
        # would re-cut the text; vnreader's text is already normalized and cut to size, so
        # neither is used and each part is exactly one request.
        tts = gTTS(
            part,
            tld=self.tld,
            lang=self.lang,
            slow=slow,
            lang_check=False,
            pre_processor_funcs=[],
            timeout=self.timeout,
        )
        try:
            audio = b"".join(tts.stream())
        except gTTSError as exc:
            if exc.rsp is None:
                raise self._network(exc.__context__) from None
            status = exc.rsp.status_code
            if status == 200:
                raise _Failure(self._garbage("an answer without audio"), transient=False) from None
            raise _Failure(
                f"gTTS: {self.host} answered HTTP {status} {exc.rsp.reason or ''}".rstrip()
                + " (use --engine espeak to narrate offline)",
                transient=status == 429 or status >= 500,
            ) from None
        except requests.RequestException as exc:
            # Raised while reading the body, outside gTTS's own error handling.
            raise self._network(exc) from None
        except (ValueError, UnicodeDecodeError) as exc:  # bad base64 or a non-UTF-8 line
            raise _Failure(
                self._garbage(f"an unreadable answer ({exc})"), transient=False
            ) from None
        if not audio:
            raise _Failure(self._garbage("an answer without audio"), transient=False)
        return audio

    # -- the user's one line ------------------------------------------------------------

    def _garbage(self, what: str) -> str:
        return (
            f"gTTS: {self.host} sent {what}; Google may have changed its service "
            "(upgrade gTTS, or use --engine espeak)"
        )

    def _network(self, exc: BaseException | None) -> _Failure:
        reason, transient = _describe(exc, self.timeout)
        return _Failure(
            f"gTTS could not reach {self.host}: {reason} (use --engine espeak to narrate offline)",
            transient=transient,
        )


def _describe(exc: BaseException | None, timeout: float) -> tuple[str, bool]:
    """A short reason for a failed request, and whether trying again may help.

    requests wraps urllib3's error, which wraps the socket's: the whole chain is looked
    at (causes, contexts, urllib3's ``reason``, exceptions passed as arguments).
    """
    chain: list[BaseException] = []
    todo = [exc]
    while todo:
        e = todo.pop()
        if e is None or any(e is seen for seen in chain):
            continue
        chain.append(e)
        todo += [e.__cause__, e.__context__, getattr(e, "reason", None)]
        todo += [a for a in e.args if isinstance(a, BaseException)]
    names = {type(e).__name__ for e in chain}
    text = " ".join(str(e) for e in chain).lower()
    if any(isinstance(e, (requests.Timeout, TimeoutError)) for e in chain) or "timed out" in text:
        return f"no answer within {timeout:g} s", True
    if "NameResolutionError" in names or "gaierror" in names or "resolve" in text:
        return "the host name could not be resolved (offline?)", False
    if "ConnectionRefusedError" in names or "connection refused" in text:
        return "connection refused", False
    if "SSLError" in names:
        return "the secure connection failed", True
    if "ConnectionResetError" in names or "RemoteDisconnected" in names or "aborted" in text:
        return "the connection was dropped", True
    if not chain:
        return "the connection failed", True
    last = str(chain[-1]).strip().splitlines()
    return (last[0][:120] if last else type(chain[-1]).__name__), True
