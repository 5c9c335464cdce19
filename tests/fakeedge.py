"""A fake Microsoft Edge read-aloud service on 127.0.0.1, speaking edge-tts's WebSocket protocol.

How edge-tts is pointed at it: edge-tts connects to the module constant
``edge_tts.communicate.WSS_URL`` (``wss://speech.platform.bing.com/consumer/speech/
synthesize/readaloud/edge/v1?TrustedClientToken=…``) plus its own query (ConnectionId,
Sec-MS-GEC, Sec-MS-GEC-Version). The ``fake_edge`` fixture points that constant at
``ws://127.0.0.1:PORT/…`` for the test (monkeypatch), nothing else: vnreader's engine and
edge-tts's client code run as they are.

The protocol, as edge-tts 7 speaks it:

* client → server, text frame 1: ``X-Timestamp:…\\r\\nContent-Type:application/json;
  charset=utf-8\\r\\nPath:speech.config\\r\\n\\r\\n{"context":{"synthesis":{"audio":{…,
  "outputFormat":"audio-24khz-48kbitrate-mono-mp3"}}}}``
* client → server, text frame 2: ``X-RequestId:…\\r\\nContent-Type:application/ssml+xml\\r\\n
  X-Timestamp:…\\r\\nPath:ssml\\r\\n\\r\\n<speak …><voice name='Microsoft Server Speech Text
  to Speech Voice (vi-VN, HoaiMyNeural)'><prosody pitch='+0Hz' rate='+0%' volume='+0%'>TEXT
  </prosody></voice></speak>``
* server → client: text ``Path:turn.start``; text ``Path:response``; binary frames whose
  first two bytes are the big-endian length N of a header block (``X-RequestId:…\\r\\n
  Content-Type:audio/mpeg\\r\\nPath:audio\\r\\n``) followed by MP3 bytes; text
  ``Path:audio.metadata`` with a JSON SentenceBoundary; text ``Path:turn.end``.

The audio is a real MP3 made by the bundled ffmpeg: a sine tone (a higher one for the female
voice) lasting 0.04 s per character divided by the requested speed, so tests can check the
rate by length, between 0.1 s silences. ``plan`` scripts misbehaviour: ``close_mid``
(half the audio, then close), ``garbage_text`` (a text frame that is no header block),
``garbage_binary`` (a binary frame whose path is not audio), ``bad_mp3`` (audio frames of
noise bytes), ``silence`` (an MP3 of silence), ``no_audio`` (turn.end straight away),
``http_429`` (the handshake refused).

Test modules use its fixtures with ``pytest_plugins = ("tests.fakegtts", "tests.fakeedge")``
(``no_internet`` comes from tests/fakegtts.py). PYTEST_DONT_REWRITE: imported first.
"""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache

import imageio_ffmpeg
import pytest
from aiohttp import WSMsgType, web

from tests.fakegtts import Blocked

PATH = "/consumer/speech/synthesize/readaloud/edge/v1"
TOKEN = "6A5AA1D4EAFF4E9FB37E23D68491D6F4"
#: Seconds of tone per character at normal speed; silence around it.
TONE_PER_CHAR_S = 0.04
PAD_S = 0.1
FREQUENCIES = {"HoaiMyNeural": 440, "NamMinhNeural": 220}

_SSML = re.compile(
    r"<voice name='Microsoft Server Speech Text to Speech Voice \((?P<locale>[^,]+), "
    r"(?P<voice>[^)]+)\)'><prosody pitch='(?P<pitch>[^']*)' rate='(?P<rate>[^']*)' "
    r"volume='(?P<volume>[^']*)'>(?P<text>.*)</prosody></voice></speak>",
    re.S,
)


def tone_seconds(text: str, rate_percent: int = 100) -> float:
    """How long the fake's tone for ``text`` lasts at ``rate_percent`` of normal speed."""
    return len(text) * TONE_PER_CHAR_S * 100 / rate_percent


@cache
def make_mp3(seconds: float, frequency: int, silent: bool = False) -> bytes:
    """A 24 kHz mono 48 kbit/s MP3: 0.1 s silence, a tone of ``seconds``, 0.1 s silence."""
    volume = "0" if silent else "0.5"
    graph = (
        f"aevalsrc=0:d={PAD_S}:s=24000[a];"
        f"sine=frequency={frequency}:duration={seconds:.3f}:sample_rate=24000,"
        f"volume={volume}[b];"
        f"aevalsrc=0:d={PAD_S}:s=24000[c];[a][b][c]concat=n=3:v=0:a=1"
    )
    cmd = [
        imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error",
        "-filter_complex", graph, "-ac", "1", "-ar", "24000",
        "-c:a", "libmp3lame", "-b:a", "48k", "-f", "mp3", "pipe:1",
    ]  # fmt: skip
    return subprocess.run(cmd, capture_output=True, check=True).stdout


@dataclass
class Request:
    """What one connection sent: its query, headers, and the two text frames decoded."""

    query: dict[str, str]
    headers: dict[str, str]
    config: dict[str, object] = field(default_factory=dict)
    voice: str = ""
    locale: str = ""
    rate: str = ""
    pitch: str = ""
    volume: str = ""
    text: str = ""


def _split(frame: str) -> tuple[dict[str, str], str]:
    head, _, body = frame.partition("\r\n\r\n")
    headers = dict(line.split(":", 1) for line in head.split("\r\n") if ":" in line)
    return headers, body


def _text_frame(path: str, request_id: str, body: str = "") -> str:
    return (
        f"X-RequestId:{request_id}\r\nContent-Type:application/json; charset=utf-8\r\n"
        f"Path:{path}\r\n\r\n{body}"
    )


def _audio_frame(request_id: str, data: bytes, *, path: str = "audio", typed: bool = True) -> bytes:
    content_type = "Content-Type:audio/mpeg\r\n" if typed else ""
    head = (
        f"X-RequestId:{request_id}\r\n{content_type}X-StreamId:{request_id}\r\nPath:{path}\r\n"
    ).encode()
    return len(head).to_bytes(2, "big") + head + data


class FakeEdge:
    """The fake service: ``start()``, ``wss_url``, ``plan(...)``, ``requests``, ``stop()``."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self._plan: list[str] = []
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    @property
    def wss_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}{PATH}?TrustedClientToken={TOKEN}"

    def plan(self, *modes: str) -> None:
        """The next connections misbehave in these ways, one mode each, in order."""
        with self._lock:
            self._plan.extend(modes)

    def reset(self) -> None:
        with self._lock:
            self._plan.clear()
            self.requests.clear()

    def _next_mode(self) -> str:
        with self._lock:
            return self._plan.pop(0) if self._plan else "ok"

    # -- the server ------------------------------------------------------------------

    def start(self) -> FakeEdge:
        ready = threading.Event()

        def serve() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            app = web.Application()
            app.router.add_get(PATH, self._handle)
            self._runner = web.AppRunner(app)
            loop.run_until_complete(self._runner.setup())
            site = web.TCPSite(self._runner, "127.0.0.1", 0)
            loop.run_until_complete(site.start())
            server = site._server
            assert server is not None
            self.port = server.sockets[0].getsockname()[1]
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self._runner.cleanup())
            loop.close()

        self._thread = threading.Thread(target=serve, name="fake-edge", daemon=True)
        self._thread.start()
        ready.wait(10)
        return self

    def stop(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        mode = self._next_mode()
        seen = Request(query=dict(request.query), headers=dict(request.headers))
        with self._lock:
            self.requests.append(seen)
        if mode == "http_429":
            return web.Response(status=429, text="Too Many Requests")
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        frames = []
        while len(frames) < 2:
            msg = await ws.receive()
            if msg.type != WSMsgType.TEXT:
                return ws
            frames.append(msg.data)
        headers, body = _split(frames[0])
        if headers.get("Path") == "speech.config":
            seen.config = json.loads(body)
        headers, ssml = _split(frames[1])
        request_id = headers.get("X-RequestId", uuid.uuid4().hex)
        match = _SSML.search(ssml) if headers.get("Path") == "ssml" else None
        if match is None:
            await ws.close()
            return ws
        seen.locale, seen.voice = match["locale"], match["voice"]
        seen.rate, seen.pitch, seen.volume = match["rate"], match["pitch"], match["volume"]
        seen.text = match["text"]
        frequency = FREQUENCIES.get(seen.voice)
        await ws.send_str(_text_frame("turn.start", request_id, "{}"))
        await ws.send_str(_text_frame("response", request_id, "{}"))
        if mode == "no_audio" or frequency is None or seen.locale != "vi-VN":
            # The real service answers an unknown voice with no audio at all.
            await ws.send_str(_text_frame("turn.end", request_id, "{}"))
            await ws.close()
            return ws
        if mode == "garbage_text":
            await ws.send_str("this is not a header block")
            await ws.close()
            return ws
        if mode == "garbage_binary":
            await ws.send_bytes(_audio_frame(request_id, b"\x00" * 64, path="video"))
            await ws.close()
            return ws
        speed = 100 + int(seen.rate.rstrip("%"))
        mp3 = make_mp3(round(tone_seconds(seen.text, speed), 3), frequency, mode == "silence")
        if mode == "bad_mp3":
            mp3 = bytes(range(256)) * 16
        chunks = [mp3[i : i + 4096] for i in range(0, len(mp3), 4096)]
        if mode == "close_mid":
            chunks = chunks[: max(1, len(chunks) // 2)]
        for chunk in chunks:
            await ws.send_bytes(_audio_frame(request_id, chunk))
        if mode == "close_mid":
            await ws.close()
            return ws
        metadata = {
            "Metadata": [
                {
                    "Type": "SentenceBoundary",
                    "Data": {"Offset": 1000000, "Duration": 5000000, "text": {"Text": seen.text}},
                }
            ]
        }
        await ws.send_str(_text_frame("audio.metadata", request_id, json.dumps(metadata)))
        # The service ends the stream with an untyped, empty audio frame.
        await ws.send_bytes(_audio_frame(request_id, b"", typed=False))
        await ws.send_str(_text_frame("turn.end", request_id, "{}"))
        await ws.close()
        return ws


@pytest.fixture(scope="session")
def edge_server() -> Iterator[FakeEdge]:
    """One fake service for the session, on an ephemeral 127.0.0.1 port."""
    fake = FakeEdge().start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture
def fake_edge(
    edge_server: FakeEdge, no_internet: Blocked, monkeypatch: pytest.MonkeyPatch
) -> FakeEdge:
    """The fake, cleared, with edge-tts's endpoint constant pointed at it; no internet."""
    import edge_tts.communicate

    edge_server.reset()
    monkeypatch.setattr(edge_tts.communicate, "WSS_URL", edge_server.wss_url)
    return edge_server
