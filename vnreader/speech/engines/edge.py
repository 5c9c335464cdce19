"""Microsoft's neural voices (the ``edge-tts`` package): vi-VN HoaiMy and NamMinh, online.

Each sentence goes through edge-tts's own client (:class:`edge_tts.Communicate`): one
WebSocket to ``speech.platform.bing.com`` (``edge_tts.communicate.WSS_URL``) carrying a
``speech.config`` frame and an ``ssml`` frame (voice, ``<prosody rate pitch>``, the text);
the service answers with ``turn.start``, ``audio.metadata``, binary ``Path:audio`` frames of
a 24 kHz 48 kbit/s MP3, and ``turn.end``. vnreader joins the audio, checks that the turn
really ended (edge-tts itself accepts a connection that closes mid-sentence as the end of
the audio), decodes it with the bundled ffmpeg and refuses silence.

Every failure is one line (:class:`~vnreader.speech.engines.base.EngineError`), and after
one failure the engine does not call the service again for its life (one narration): an
offline machine would otherwise wait out a timeout per sentence. A narration with a
fallback engine catches that error and speaks on with the fallback.

Privacy: the spoken text of every sentence is sent to Microsoft.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import re
import socket
import unicodedata
from collections.abc import Coroutine
from typing import Any

from vnreader.errors import VnreaderError
from vnreader.speech import audio
from vnreader.speech.engines.base import EngineError
from vnreader.speech.model import PCM

ENGINE_NAME = "edge"
HOST = "speech.platform.bing.com"
#: edge-tts's output format is audio-24khz-48kbitrate-mono-mp3.
SAMPLE_RATE = 24000
#: Bumped whenever what vnreader does with the service's audio changes.
FORMAT_VERSION = 1

#: Microsoft's Vietnamese neural voices, by their short names; aliases in any letter case.
VOICES: tuple[str, ...] = ("vi-VN-HoaiMyNeural", "vi-VN-NamMinhNeural")
VOICE_ALIASES: dict[str, str] = {
    "vi-vn-hoaimyneural": "vi-VN-HoaiMyNeural",
    "hoaimy": "vi-VN-HoaiMyNeural",
    "female": "vi-VN-HoaiMyNeural",
    "vi-vn-namminhneural": "vi-VN-NamMinhNeural",
    "namminh": "vi-VN-NamMinhNeural",
    "male": "vi-VN-NamMinhNeural",
}

#: Rates accepted (percent of normal speed); sent as SSML ``rate="+N%"``.
MIN_RATE = 50
MAX_RATE = 300
#: Pitch offsets accepted, in Hz; sent as SSML ``pitch="+NHz"``.
MIN_PITCH = -100
MAX_PITCH = 100

#: A decoded chunk whose peak stays under this (about -50 dBFS) is silence, not speech.
_SILENT_PEAK = 100
_HINT = "use --engine espeak, or a fallback, to narrate offline"


def resolve_voice(voice: str) -> str:
    """A voice name or alias (``HoaiMy``, ``namminh``, ``female``…) → Microsoft's short name."""
    canonical = VOICE_ALIASES.get(voice.strip().lower())
    if canonical is None:
        offered = ", ".join([*VOICES, "hoaimy", "namminh"])
        raise VnreaderError(f"unknown edge voice {voice!r}; choose one of: {offered}")
    return canonical


def _check_rate(rate: int) -> None:
    if isinstance(rate, bool) or not isinstance(rate, int):
        raise VnreaderError(f"speech rate must be a whole percentage, not {rate!r}")
    if not MIN_RATE <= rate <= MAX_RATE:
        raise VnreaderError(f"edge: rate {rate}% is outside {MIN_RATE}-{MAX_RATE}% of normal speed")


def available() -> bool:
    """Whether the edge-tts package can be imported (the network is another matter)."""
    try:
        import edge_tts  # noqa: F401
    except ImportError:
        return False
    return True


class EdgeEngine:
    """The online neural engine (``name = "edge"``); ``pitch`` is an offset in Hz.

    ``connect_timeout`` and ``receive_timeout`` (seconds) bound each sentence's connection
    and each wait for a frame. Keeps state (the first failure): one instance per narration.
    """

    name = ENGINE_NAME

    def __init__(
        self,
        voice_default: str = "vi-VN-HoaiMyNeural",
        *,
        pitch: int = 0,
        connect_timeout: int = 10,
        receive_timeout: int = 30,
    ) -> None:
        if isinstance(pitch, bool) or not isinstance(pitch, int):
            raise VnreaderError(f"edge pitch must be a whole number of Hz, not {pitch!r}")
        if not MIN_PITCH <= pitch <= MAX_PITCH:
            raise VnreaderError(
                f"edge pitch {pitch:+d} Hz is out of range ({MIN_PITCH}..{MAX_PITCH} Hz)"
            )
        if connect_timeout <= 0 or receive_timeout <= 0:
            raise VnreaderError("edge: timeouts must be > 0 seconds")
        self.voice_default = resolve_voice(voice_default)
        self.pitch = pitch
        self.connect_timeout = int(connect_timeout)
        self.receive_timeout = int(receive_timeout)
        self._broken: str | None = None

    def _voice(self, voice: str | None) -> str:
        return resolve_voice(voice) if voice else self.voice_default

    def cache_key(self, voice: str | None, rate: int) -> str:
        """Voice, rate and pitch: what changes the sound Microsoft sends."""
        _check_rate(rate)
        return f"edge|v{FORMAT_VERSION}|voice={self._voice(voice)}|rate={rate}|pitch={self.pitch}"

    def synthesize(self, text: str, *, voice: str | None = None, rate: int = 100) -> PCM:
        """One sentence → 16-bit mono PCM at 24 kHz; no text → no samples."""
        canonical = self._voice(voice)
        _check_rate(rate)
        spoken = " ".join(unicodedata.normalize("NFC", text).replace("\x00", " ").split())
        if not spoken:
            return PCM(b"", SAMPLE_RATE)
        if self._broken is not None:
            raise EngineError(self._broken)
        try:
            mp3 = _run(self._fetch(spoken, canonical, rate))
            pcm = _decode(mp3)
        except EngineError as exc:
            self._broken = str(exc)
            raise
        return pcm

    async def _fetch(self, text: str, voice: str, rate: int) -> bytes:
        try:
            import aiohttp
            import edge_tts
            from edge_tts import exceptions as edge_errors
        except ImportError as exc:  # a broken install: edge-tts is a declared dependency
            raise VnreaderError(f"the edge engine needs the edge-tts package: {exc}") from None
        communicate = edge_tts.Communicate(
            text,
            voice,
            rate=f"{rate - 100:+d}%",
            pitch=f"{self.pitch:+d}Hz",
            connect_timeout=self.connect_timeout,
            receive_timeout=self.receive_timeout,
        )
        parts: list[bytes] = []
        try:
            async for message in communicate.stream():
                if message["type"] == "audio":
                    parts.append(message["data"])
        except edge_errors.NoAudioReceived:
            raise _fail("sent no audio (is the voice known to the service?)") from None
        except (edge_errors.UnexpectedResponse, edge_errors.UnknownResponse) as exc:
            raise _fail(f"sent frames vnreader cannot read ({exc})") from None
        except edge_errors.WebSocketError as exc:
            raise _fail(f"the connection failed ({exc})") from None
        except edge_errors.EdgeTTSException as exc:  # e.g. a 403 whose clock fix failed
            raise _fail(f"refused the request ({type(exc).__name__}: {exc})") from None
        except aiohttp.WSServerHandshakeError as exc:
            raise _fail(f"answered HTTP {exc.status} {exc.message}".rstrip()) from None
        except aiohttp.ClientResponseError as exc:
            raise _fail(f"answered HTTP {exc.status} {exc.message}".rstrip()) from None
        except aiohttp.ClientConnectorError as exc:
            raise _unreachable(_connect_reason(exc)) from None
        except (TimeoutError, aiohttp.ServerTimeoutError):
            raise _unreachable(f"no answer within {self.receive_timeout} s") from None
        except (aiohttp.ClientError, ConnectionError) as exc:
            raise _unreachable(f"the connection was dropped ({type(exc).__name__})") from None
        except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
            # edge-tts parses headers and JSON by hand: garbage frames end up here.
            raise _fail(f"sent frames vnreader cannot read ({type(exc).__name__})") from None
        # edge-tts moves the audio of a turn into its running total only on turn.end: bytes
        # still counted for the turn mean the connection closed before the sentence ended.
        if communicate.state.get("chunk_audio_bytes", 0):
            raise _fail("closed the connection before the sentence was finished")
        return b"".join(parts)


def _fail(reason: str) -> EngineError:
    return EngineError(f"edge: {HOST} {reason} ({_HINT})")


def _unreachable(reason: str) -> EngineError:
    return EngineError(f"edge could not reach {HOST}: {reason} ({_HINT})")


def _connect_reason(exc: Any) -> str:
    cause = getattr(exc, "os_error", None) or exc.__cause__
    if isinstance(cause, socket.gaierror):
        return "the host name could not be resolved (offline?)"
    if isinstance(cause, ConnectionRefusedError):
        return "connection refused"
    if isinstance(cause, TimeoutError):
        return "the connection timed out"
    text = str(cause or exc)
    if "refused" in text.lower():
        return "connection refused"
    return re.sub(r"\s+", " ", text)[:120]


def _decode(mp3: bytes) -> PCM:
    """The service's MP3 → PCM at 24 kHz; undecodable or silent audio is a failure."""
    try:
        pcm = audio.decode_bytes(mp3, rate=SAMPLE_RATE)
    except VnreaderError as exc:
        raise _fail(f"sent audio ffmpeg cannot decode ({exc})") from None
    if not pcm.data or _peak(pcm.data) < _SILENT_PEAK:
        raise _fail("sent silence instead of speech")
    return pcm


def _peak(data: bytes) -> int:
    from array import array

    samples = array("h")
    samples.frombytes(data[: len(data) // 2 * 2])
    if not samples:
        return 0
    return max(max(samples), -min(samples))


def _run(coro: Coroutine[Any, Any, bytes]) -> bytes:
    """Run the client's coroutine to its end, from sync code or from inside an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()
