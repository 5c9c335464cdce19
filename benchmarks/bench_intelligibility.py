"""Intelligibility benchmark: an offline Vietnamese recognizer transcribes vnreader's speech.

    nice python benchmarks/bench_intelligibility.py [--quick] [--per-article N]
        [--setting VOICE[+VARIANT][@FILE]:RATE:GAP:PITCH[:RANGE][:tones=TABLE][:room=ROOM]]...
        [--piper-voice NAME_OR_ONNX]... [--as-published] [--pause-ms MS] [--articles]
        [--pages dev|held-out] [--markdown] [--json OUT.json]

The recognizer is ``viet-asr`` (PyPI, in the ``bench`` extra; its ONNX model is embedded in
the wheel's ``libvietasr.so``, so it runs offline): ``vietasr.Pipeline.new().add("vietasr")``,
16 kHz 16-bit PCM in, text out (no punctuation or number rewriting).

Texts: the seed article and five other development pages (tests/fixtures/pages/), extracted
and normalized exactly as narration does (``build_script``); the **reference is the spoken
text** (what the engine is asked to say). Two ways of hearing them:

- **Clauses** (the default, quick enough for a grid): each body sentence is cut at its
  commas, semicolons and colons into clauses of 6-25 words, and ``--per-article`` clauses
  are taken, evenly spread, from each article. Each clause is synthesized with the engine
  and setting, put between ``--pause-ms`` of silence (default: narration's pause between
  sentences, 350 ms: the recognizer loses the first and last words of a clip that starts
  or ends with speech, which no listener of a narration meets), resampled to 16 kHz
  (``--as-published``: first brought to -16 LUFS through narration's limiter and coded as
  the published 64 kbit/s MP3), and transcribed.
- **Whole articles** (``--articles``): each article narrated as ``narrate`` publishes it
  (the script's pauses, loudness, the MP3), decoded, and every sentence transcribed on its
  own, cut at the middle of the pauses around its cue: the product itself, every word.

``--pages held-out`` takes six other pages (HELD_OUT) instead of the six development
articles, to check on texts no setting was chosen on. ``room=…`` in a setting sets the
early reflections vnreader adds after espeak (vnreader/speech/room.py; ``room=off``: none).

Both texts are compared after lower-casing and removing punctuation.

Printed: for each engine and setting, the word error rate (WER: word edits / reference
words, over all clauses) and character error rate (CER: character edits / reference
characters, spaces included), per article and overall; and, per tone (ngang, huyền, sắc,
hỏi, ngã, nặng: the diacritic of each reference word), the share of reference words a
minimal alignment of the transcript matches ("heard right"), and the same per initial
consonant as written. The grid: espeak voices x rates x word
gaps (and pitch), ``--quick`` a smaller grid; piper with every installed voice and every
``--piper-voice``. Edge and gTTS need the network and are not measured here.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "tests" / "fixtures" / "pages"
ARTICLES = (
    "tanhiep_seed",
    "baochinhphu_dautucong",
    "baokiengiang_phuquoc",
    "ho2_baocantho_chonoi",
    "ho2_drupal9_stnmt_phanloairac",
    "ho2_joomla4_phutan_nuocsach",
)
#: Pages none of the settings were chosen on (``--pages held-out``): after a setting is
#: tuned on ARTICLES, it is checked here, so that a choice made among noisy runs is not
#: only the luck of one sample. News and portal pages of other sites and subjects.
HELD_OUT = (
    "ho3_baohaugiang_khommat",
    "ho2_vietnamplus_xuatkhaugao",
    "ho3_nld_nhaoxahoi",
    "ho4_wp_newspaper_huyen_khuyenhoc",
    "dangbo_wordpress_soket",
    "nhandan_chibo",
)
PAGE_SETS = {"dev": ARTICLES, "held-out": HELD_OUT}
MIN_WORDS, MAX_WORDS = 6, 25
ASR_RATE = 16000


@dataclass(frozen=True)
class Setting:
    engine: str
    voice: str
    rate: int = 100
    word_gap: int = 0
    pitch: int = 50
    pitch_range: int = 50
    variant: str | None = None
    #: None: the engine's default voice file for the voice (vnreader's tuned file where there
    #: is one); "espeak": espeak's own language file; else the path of a voice file.
    voice_file: str | None = None
    #: None: the engine's default tones for the voice (vnreader's tone table where there is
    #: one); "espeak": espeak's own tone contours; else the path of a tone table.
    tones: str | None = None
    #: None: the engine's default early reflections for the voice (vnreader.speech.room);
    #: "off": none; else "DECAY_MS/LEVEL_DB[/SEED]", e.g. "20/-6".
    room: str | None = None

    def room_choice(self) -> Any:
        """What ``EspeakEngine(room=…)`` is given for this setting."""
        if self.room is None:
            return True
        if self.room == "off":
            return False
        from vnreader.errors import VnreaderError
        from vnreader.speech.room import Room

        decay, _, rest = self.room.partition("/")
        level, _, seed = rest.partition("/")
        try:
            return Room(float(decay), float(level), int(seed) if seed else Room.seed)
        except (ValueError, VnreaderError) as exc:
            message = f"room={self.room}: expected off or DECAY_MS/LEVEL_DB[/SEED] ({exc})"
            raise SystemExit(message) from None

    def _option_label(
        self, name: str, value: str | None, own: str, shown: Callable[[str], str], tuned: str
    ) -> str:
        """`` name=…`` for one option of the label: ``own`` (the value that asks for espeak's
        own, or for none) as "espeak's" or "off", a value as ``shown(value)``, none as the
        engine's default for the voice (``tuned``: the name of its table in the espeak
        module), if it has one."""
        if value == own:
            return f" {name}=off" if own == "off" else f" {name}=espeak's"
        if value:
            return f" {name}={shown(value)}"
        from vnreader.speech.engines import espeak

        default = getattr(espeak, tuned).get(espeak.resolve_voice(self.voice))
        if not default:
            return ""
        return f" {name}={default if isinstance(default, str) else default.label}"

    @property
    def room_label(self) -> str:
        return self._option_label(
            "room", self.room, "off", lambda _: self.room_choice().label, "TUNED_ROOMS"
        )

    @property
    def tones_label(self) -> str:
        return self._option_label(
            "tones", self.tones, "espeak", lambda v: Path(v).name, "TUNED_TONES"
        )

    @property
    def file_label(self) -> str:
        return self._option_label(
            "file", self.voice_file, "espeak", lambda v: Path(v).name, "TUNED_VOICE_FILES"
        )

    @property
    def label(self) -> str:
        if self.engine == "espeak":
            voice = f"{self.voice}+{self.variant}" if self.variant else self.voice
            extra = f" range={self.pitch_range}" if self.pitch_range != 50 else ""
            return (
                f"espeak {voice} rate={self.rate} gap={self.word_gap * 10}ms "
                f"pitch={self.pitch}{extra}{self.file_label}{self.tones_label}"
                f"{self.room_label}"
            )
        return f"{self.engine} {Path(self.voice).name} rate={self.rate}"


@dataclass
class Score:
    word_edits: int = 0
    words: int = 0
    char_edits: int = 0
    chars: int = 0
    per_article: dict[str, list[int]] = field(default_factory=dict)
    #: tone → [reference words heard right, reference words], over all clauses.
    tones: dict[str, list[int]] = field(default_factory=dict)
    #: initial consonant (as written) → [heard right, reference words].
    onsets: dict[str, list[int]] = field(default_factory=dict)
    #: (reference, transcript) of every clause, in order.
    transcripts: list[tuple[str, str]] = field(default_factory=list)
    #: (word edits, reference words) of every clause, in order: what the interval resamples.
    clauses: list[tuple[int, int]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def wer(self) -> float:
        return self.word_edits / max(1, self.words)

    @property
    def cer(self) -> float:
        return self.char_edits / max(1, self.chars)

    def add(self, ref: str, hyp: str) -> int:
        """One clause counted: its reference and transcript (both :func:`plain`); its word
        edits."""
        words = ref.split()
        w = edits(words, hyp.split())
        self.word_edits += w
        self.words += len(words)
        self.char_edits += edits(ref, hyp)
        self.chars += len(ref)
        self.clauses.append((w, len(words)))
        self.transcripts.append((ref, hyp))
        return w

    def hear(self, article: str, said: str, heard: str) -> None:
        """What was said and what the recognizer heard, counted: the edits, overall and for
        ``article``, and each reference word heard right or not, by tone and initial."""
        ref, hyp = plain(said), plain(heard)
        if not ref:
            return
        counts = self.per_article.setdefault(article, [0, 0])
        counts[0] += self.add(ref, hyp)
        counts[1] += len(ref.split())
        for word, right in zip(ref.split(), heard_right(ref.split(), hyp.split()), strict=True):
            tone = tone_of(word)
            if tone:
                tally = self.tones.setdefault(tone, [0, 0])
                tally[0] += right
                tally[1] += 1
                tally = self.onsets.setdefault(onset_of(word), [0, 0])
                tally[0] += right
                tally[1] += 1

    def interval(self, rounds: int = 2000, seed: int = 14) -> tuple[float, float]:
        """95 % bootstrap interval of the WER: the clauses drawn again with replacement."""
        return bootstrap(self.clauses, rounds, seed)


def bootstrap(
    clauses: list[tuple[int, int]], rounds: int = 2000, seed: int = 14
) -> tuple[float, float]:
    """The 2.5th and 97.5th percentiles of sum(edits)/sum(words) over clause resamples.

    How far the WER of one sample of clauses may be from that of such texts in general.
    Two settings heard on the same sample differ less than that from sample to sample, but
    also by the recognizer's own sensitivity (about ±0.015 on 640 words: docs/benchmarks.md).
    """
    import random

    if not clauses:
        return (0.0, 0.0)
    draw = random.Random(seed)
    values = []
    for _ in range(rounds):
        picked = draw.choices(clauses, k=len(clauses))
        values.append(sum(e for e, _ in picked) / max(1, sum(w for _, w in picked)))
    values.sort()
    return values[int(0.025 * (rounds - 1))], values[int(0.975 * (rounds - 1))]


def plain(text: str) -> str:
    """Lower case, NFC, letters and digits only, single spaces: what WER compares."""
    text = unicodedata.normalize("NFC", text).lower()
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.replace("_", " ").split())


def edits(ref: list[str] | str, hyp: list[str] | str) -> int:
    """Levenshtein distance (substitutions, insertions, deletions)."""
    previous = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        current = [i]
        for j, h in enumerate(hyp, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (r != h)))
        previous = current
    return previous[-1]


#: The combining marks of the five marked tones (NFD); a word with none of them is ngang.
TONE_MARKS = {
    "\u0300": "huyền",
    "\u0301": "sắc",
    "\u0309": "hỏi",
    "\u0303": "ngã",
    "\u0323": "nặng",
}
TONES = ("ngang", "huyền", "sắc", "hỏi", "ngã", "nặng")


def tone_of(word: str) -> str | None:
    """The tone of a Vietnamese syllable (None for a word without letters)."""
    decomposed = unicodedata.normalize("NFD", word)
    for mark, tone in TONE_MARKS.items():
        if mark in decomposed:
            return tone
    return "ngang" if any(c.isalpha() for c in decomposed) else None


#: Vietnamese initial consonants as written, longest first ("" = the syllable starts with
#: its vowel).
ONSETS = (
    "ngh", "ch", "gh", "gi", "kh", "ng", "nh", "ph", "qu", "th", "tr",
    "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x",
)  # fmt: skip


def onset_of(word: str) -> str:
    """The written initial consonant of a syllable ("" for none; "gi" only before a vowel)."""
    for onset in ONSETS:
        if word.startswith(onset) and (onset != "gi" or len(word) > 2 or word == "gi"):
            return onset
    return ""


def heard_right(ref: list[str], hyp: list[str]) -> list[bool]:
    """For each reference word, whether a minimal alignment with ``hyp`` matches it."""
    rows = [list(range(len(hyp) + 1))]
    for i, r in enumerate(ref, 1):
        row = [i]
        for j, h in enumerate(hyp, 1):
            row.append(min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (r != h)))
        rows.append(row)
    right = [False] * len(ref)
    i, j = len(ref), len(hyp)
    while i and j:
        if ref[i - 1] == hyp[j - 1] and rows[i][j] == rows[i - 1][j - 1]:
            right[i - 1] = True
            i, j = i - 1, j - 1
        elif rows[i][j] == rows[i - 1][j - 1] + 1:
            i, j = i - 1, j - 1
        elif rows[i][j] == rows[i - 1][j] + 1:
            i -= 1
        else:
            j -= 1
    return right


def clauses(spoken: str) -> list[str]:
    """A sentence cut at , ; : into clauses of MIN_WORDS-MAX_WORDS words (short ones merged)."""
    pieces = [p.strip() for p in re.split(r"(?<=[,;:])\s+", spoken) if p.strip()]
    out: list[str] = []
    buffer = ""
    for piece in pieces:
        buffer = f"{buffer} {piece}".strip()
        if len(buffer.split()) >= MIN_WORDS:
            out.append(buffer)
            buffer = ""
    if buffer and out and len((out[-1] + " " + buffer).split()) <= MAX_WORDS:
        out[-1] = out[-1] + " " + buffer
    return [c for c in out if MIN_WORDS <= len(c.split()) <= MAX_WORDS]


def sample(
    per_article: int, dialect: str, pages: tuple[str, ...] = ARTICLES
) -> dict[str, list[str]]:
    from vnreader.extract import extract_bytes
    from vnreader.normalizer import Normalizer
    from vnreader.speech.script import build_script

    normalizer = Normalizer(dialect=dialect)
    chosen: dict[str, list[str]] = {}
    for name in pages:
        article = extract_bytes((PAGES / f"{name}.html").read_bytes())
        script = build_script(article, normalizer=normalizer)
        pool = [
            clause
            for segment in script.segments
            if segment.kind in ("lead", "paragraph", "heading")
            for utterance in segment.utterances
            for clause in clauses(utterance.spoken)
        ]
        if not pool:
            continue
        step = max(1, len(pool) / per_article)
        chosen[name] = [pool[int(i * step)] for i in range(min(per_article, len(pool)))]
    return chosen


def grid(quick: bool) -> list[Setting]:
    if quick:
        settings = [Setting("espeak", v) for v in ("vi", "vi-VN-x-south", "vi-VN-x-central")]
        settings += [Setting("espeak", "vi", rate=r) for r in (70, 85, 120)]
        settings += [Setting("espeak", "vi", rate=85, word_gap=g) for g in (2, 5)]
        settings += [Setting("espeak", "vi", rate=85, pitch=p) for p in (35, 65)]
        return settings
    return [
        Setting("espeak", voice, rate=rate, word_gap=gap)
        for voice in ("vi", "vi-VN-x-south", "vi-VN-x-central")
        for rate in (70, 85, 100, 120)
        for gap in (0, 2, 5)
    ] + [Setting("espeak", "vi", rate=85, pitch=p) for p in (30, 40, 60, 70)]


SETTING_FORM = "VOICE[+VARIANT][@FILE]:RATE:GAP:PITCH[:RANGE][:tones=TABLE][:room=ROOM]"


def parse_setting(item: str) -> Setting:
    """``VOICE[+VARIANT][@FILE]:RATE:GAP:PITCH[:RANGE]`` → an espeak Setting.

    ``@FILE``: an espeak-ng voice file to speak the voice with, or ``@espeak`` for espeak's
    own language file; without it, the engine's default for the voice. ``tones=TABLE``: a
    tone table (vnreader/speech/engines/espeak_tones.py) or ``tones=espeak`` for espeak's
    own contours; ``room=DECAY_MS/LEVEL_DB``: early reflections (vnreader/speech/room.py)
    or ``room=off`` for none; without them, the engine's defaults.
    """
    parts = item.split(":")
    options: dict[str, str | None] = {"tones": None, "room": None}
    while parts and "=" in parts[-1]:
        key, _, value = parts.pop().partition("=")
        if key not in options:
            raise SystemExit(f"--setting {item!r}: unknown option {key!r}; {SETTING_FORM}")
        options[key] = value or None
    if len(parts) not in (4, 5):
        raise SystemExit(f"--setting {item!r}: expected {SETTING_FORM}")
    name, _, voice_file = parts[0].partition("@")
    voice, _, variant = name.partition("+")
    try:
        numbers = [int(x) for x in parts[1:]]
    except ValueError:
        raise SystemExit(f"--setting {item!r}: expected {SETTING_FORM}") from None
    pitch_range = numbers[3] if len(numbers) == 4 else 50
    return Setting(
        "espeak",
        voice,
        numbers[0],
        numbers[1],
        numbers[2],
        pitch_range,
        variant or None,
        voice_file or None,
        options["tones"],
        options["room"],
    )


def engine_for(setting: Setting) -> Any:
    """The vnreader engine a setting describes."""
    if setting.engine == "espeak":
        from vnreader.speech.engines.espeak import EspeakEngine

        return EspeakEngine(
            setting.voice,
            pitch=setting.pitch,
            word_gap=setting.word_gap,
            pitch_range=setting.pitch_range,
            variant=setting.variant,
            voice_file=(
                True
                if setting.voice_file is None
                else False
                if setting.voice_file == "espeak"
                else setting.voice_file
            ),
            tones=(
                True
                if setting.tones is None
                else False
                if setting.tones == "espeak"
                else setting.tones
            ),
            room=setting.room_choice(),
        )
    from vnreader.speech.engines.piper import PiperEngine

    return PiperEngine(setting.voice)


def speaker(setting: Setting) -> Callable[[str], object]:
    engine = engine_for(setting)
    return lambda text: engine.synthesize(text, voice=setting.voice, rate=setting.rate)


def padded(pcm: Any, pause_ms: int) -> Any:
    """``pcm`` with ``pause_ms`` of silence before and after it."""
    from vnreader.speech.model import PCM

    silence = b"\0\0" * (pcm.rate * pause_ms // 1000)
    return PCM(silence + pcm.data + silence, pcm.rate) if silence else pcm


def clause_silence_ms(asked: int | None) -> int:
    """The silence put around each clause: ``asked``, or narration's sentence pause."""
    from vnreader.speech.script import settings

    return settings().sentence_ms if asked is None else asked


def load_recognizer() -> Any:
    """viet-asr's recognizer, or None after saying how to install it."""
    try:
        import vietasr
    except ImportError:
        print("viet-asr is not installed: pip install -e '.[bench]'", file=sys.stderr)
        return None
    return vietasr.Pipeline.new().add("vietasr").build()


def as_published(pcm: Any) -> Any:
    """``pcm`` as a subscriber hears it: brought to -16 LUFS by a gain and the true-peak
    limiter narration uses, encoded as the published MP3 (44.1 kHz mono, 64 kbit/s CBR),
    decoded at the recognizer's rate. A clause at a time, where publishing sets one gain
    per article: the same loudness, the same coding."""
    import tempfile

    from vnreader.speech import audio
    from vnreader.speech.pieces import MP3_BITRATE_KBPS, MP3_RATE, PIECE_CEILING_DBTP

    gain = audio.TARGET_LUFS - audio.measure_pcm(pcm).integrated_lufs
    with tempfile.TemporaryDirectory() as folder:
        mp3 = Path(folder) / "clause.mp3"
        audio.encode_mp3(
            pcm,
            mp3,
            audio_filter=audio.gain_limiter(gain, PIECE_CEILING_DBTP),
            rate=MP3_RATE,
            bitrate_kbps=MP3_BITRATE_KBPS,
        )
        return audio.decode_file(mp3, ASR_RATE)


def run(
    settings: list[Setting],
    texts: dict[str, list[str]],
    log: bool,
    recognizer: Any,
    published: bool = False,
    pause_ms: int = 0,
) -> dict[str, Score]:
    """Each clause of ``texts`` said by each setting (between ``pause_ms`` of silence) and
    heard by ``recognizer``."""
    from vnreader.speech import audio

    scores: dict[str, Score] = {}
    # Every engine made before the first synthesis: espeak-ng loads its data (with every
    # tone table asked for) once per process.
    speakers = [speaker(setting) for setting in settings]
    for setting, speak in zip(settings, speakers, strict=True):
        score = Score()
        started = time.perf_counter()
        for name, items in texts.items():
            for text in items:
                said = padded(speak(text), pause_ms)
                pcm = as_published(said) if published else audio.resample(said, ASR_RATE)
                score.hear(name, text, transcribe(recognizer, pcm.data))
        score.seconds = time.perf_counter() - started
        scores[setting.label] = score
        if log:
            report(setting, score)
    return scores


def transcribe(recognizer: Any, data: bytes) -> str:
    """What the recognizer hears in 16-bit PCM at ASR_RATE."""
    import numpy as np

    samples = np.frombuffer(data, dtype="<i2").copy()
    return str(recognizer.transcribe(samples, float(ASR_RATE)).text or "")


def report(setting: Setting, score: Score) -> None:
    low, high = score.interval()
    print(
        f"  {setting.label}: WER {score.wer:.3f} (95 % interval {low:.3f}-{high:.3f}) "
        f"CER {score.cer:.3f}, {score.words} words ({score.seconds:.0f} s)",
        file=sys.stderr,
        flush=True,
    )


def run_articles(
    settings: list[Setting],
    dialect: str,
    log: bool,
    recognizer: Any,
    pages: tuple[str, ...] = ARTICLES,
) -> dict[str, Score]:
    """Whole articles as published: each article narrated as ``narrate`` does it (script,
    engine, assembly with the script's pauses, loudness, the 64 kbit/s MP3), the MP3
    decoded, and every sentence heard on its own: cut from the MP3 at the middle of the
    pauses around its cue (the first from the start, the last to the end)."""
    import tempfile

    from vnreader.extract import extract_bytes
    from vnreader.normalizer import Normalizer
    from vnreader.speech import audio
    from vnreader.speech.assemble import assemble
    from vnreader.speech.cache import ChunkCache
    from vnreader.speech.narrate import article_tags, synthesize_script
    from vnreader.speech.script import build_script

    normalizer = Normalizer(dialect=dialect)
    articles = [extract_bytes((PAGES / f"{name}.html").read_bytes()) for name in pages]
    scripts = [build_script(article, normalizer=normalizer) for article in articles]
    engines = [engine_for(setting) for setting in settings]
    scores: dict[str, Score] = {}
    for setting, engine in zip(settings, engines, strict=True):
        score = Score()
        started = time.perf_counter()
        for name, article, script in zip(pages, articles, scripts, strict=True):
            with tempfile.TemporaryDirectory() as folder:
                cache = Path(folder) / "chunks"
                cache.mkdir()
                chunks = synthesize_script(
                    script, engine, ChunkCache(cache), voice=setting.voice, rate=setting.rate
                )
                out = Path(folder) / "article.mp3"
                narration = assemble(script, chunks, out, tags=article_tags(article))
                data = audio.decode_file(out, ASR_RATE).data
            said = [
                utterance.spoken
                for segment, row in zip(script.segments, chunks, strict=True)
                for utterance, pcm in zip(segment.utterances, row, strict=True)
                if pcm.data
            ]
            cues = narration.cues
            if len(said) != len(cues):  # an utterance the assembly dropped as silent
                raise SystemExit(f"{name}: {len(cues)} cues for {len(said)} sentences")
            bounds = [0]
            bounds += [(a.end_ms + b.start_ms) // 2 for a, b in itertools.pairwise(cues)]
            bounds.append(len(data) // 2 * 1000 // ASR_RATE)
            for text, (start, end) in zip(said, itertools.pairwise(bounds), strict=True):
                piece = data[start * ASR_RATE // 1000 * 2 : end * ASR_RATE // 1000 * 2]
                score.hear(name, text, transcribe(recognizer, piece))
        score.seconds = time.perf_counter() - started
        scores[setting.label] = score
        if log:
            report(setting, score)
    return scores


def table(scores: dict[str, Score], names: list[str]) -> str:
    short = {n: n.replace("ho2_", "").split("_")[-1] for n in names}
    head = (
        "| engine and setting | WER | 95 % interval | CER | "
        + " | ".join(short[n] for n in names)
        + " |"
    )
    rule = "| --- | --- | --- | --- | " + " | ".join("---" for _ in names) + " |"
    rows = [head, rule]
    for label, s in sorted(scores.items(), key=lambda kv: (kv[1].wer, kv[1].cer)):
        per = " | ".join(f"{e / max(1, w):.2f}" for e, w in (s.per_article[n] for n in names))
        low, high = s.interval()
        rows.append(f"| {label} | {s.wer:.3f} | {low:.3f}-{high:.3f} | {s.cer:.3f} | {per} |")
    return "\n".join(rows)


def tone_table(scores: dict[str, Score]) -> str:
    """Reference words heard right, per tone: the share, and right/all."""
    head = "| engine and setting | " + " | ".join(TONES) + " |"
    rows = [head, "| --- | " + " | ".join("---" for _ in TONES) + " |"]
    for label, s in sorted(scores.items(), key=lambda kv: (kv[1].wer, kv[1].cer)):
        cells = []
        for tone in TONES:
            right, total = s.tones.get(tone, [0, 0])
            cells.append(f"{right / max(1, total):.2f} ({right}/{total})")
        rows.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def onset_table(scores: dict[str, Score]) -> str:
    """Reference words heard right, per initial consonant, most frequent first."""
    labels = sorted(scores, key=lambda label: (scores[label].wer, scores[label].cer))
    counts: dict[str, int] = {}
    for s in scores.values():
        for onset, (_, total) in s.onsets.items():
            counts[onset] = max(counts.get(onset, 0), total)
    rows = [
        "| initial | words | " + " | ".join(labels) + " |",
        "| --- | --- | " + " | ".join("---" for _ in labels) + " |",
    ]
    for onset in sorted(counts, key=lambda o: (-counts[o], o)):
        cells = []
        for label in labels:
            right, total = scores[label].onsets.get(onset, [0, 0])
            cells.append(f"{right / max(1, total):.2f}")
        rows.append(f"| {onset or '(none)'} | {counts[onset]} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smaller grid of settings")
    parser.add_argument("--per-article", type=int, default=4, help="clauses per article")
    parser.add_argument("--dialect", default="north", choices=("north", "south"))
    parser.add_argument("--piper-voice", action="append", default=[])
    parser.add_argument(
        "--setting",
        action="append",
        default=[],
        metavar=SETTING_FORM,
        help="measure these espeak settings instead of a grid, e.g. vi:100:2:50, "
        "vi+m3:100:2:50:70, vi@espeak:100:2:60:80 (espeak's own voice file), "
        "vi@my.voice:100:2:60:80 (an espeak-ng voice file), "
        "vi:100:2:60:80:tones=my.tsv (a tone table; tones=espeak: espeak's own tones), "
        "vi:100:2:60:80:room=off (no early reflections; room=25/-9: others)",
    )
    parser.add_argument(
        "--as-published",
        action="store_true",
        help="hear each clause as the published MP3 (-16 LUFS, limiter, 64 kbit/s), "
        "not as the engine's raw output",
    )
    parser.add_argument(
        "--pause-ms",
        type=int,
        default=None,
        help="silence before and after each clause (default: the sentence pause of "
        "vnreader/speech/data/script.toml, as narration puts one around every sentence; "
        "0: the engine's output alone, as measured before 2026-12-06)",
    )
    parser.add_argument(
        "--articles",
        action="store_true",
        help="whole articles as published, every sentence heard, instead of sampled clauses",
    )
    parser.add_argument(
        "--pages",
        choices=sorted(PAGE_SETS),
        default="dev",
        help="the six development articles every setting was chosen on (dev), or six "
        "other pages to check a choice on (held-out)",
    )
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    args = parser.parse_args()
    if args.pause_ms is not None and args.pause_ms < 0:
        parser.error("--pause-ms must be 0 or more")
    recognizer = load_recognizer()
    if recognizer is None:
        return 2
    settings = [parse_setting(item) for item in args.setting] or grid(args.quick)
    from vnreader.speech.voices import installed_piper_voices

    for voice in [*installed_piper_voices(), *args.piper_voice]:
        settings.append(Setting("piper", voice))
    silence = clause_silence_ms(args.pause_ms)
    if args.articles:
        texts: dict[str, list[str]] = {}
        names = list(PAGE_SETS[args.pages])
        print(
            f"{len(names)} whole articles ({args.pages}) as published; {len(settings)} settings",
            file=sys.stderr,
        )
        scores = run_articles(
            settings, args.dialect, log=True, recognizer=recognizer, pages=PAGE_SETS[args.pages]
        )
    else:
        texts = sample(args.per_article, args.dialect, PAGE_SETS[args.pages])
        names = list(texts)
        words = sum(len(t.split()) for items in texts.values() for t in items)
        print(
            f"{len(names)} articles, {sum(map(len, texts.values()))} clauses, {words} words, "
            f"{silence} ms of silence around each; {len(settings)} settings"
            + (", heard as published MP3" if args.as_published else ""),
            file=sys.stderr,
        )
        scores = run(
            settings,
            texts,
            log=True,
            recognizer=recognizer,
            published=args.as_published,
            pause_ms=silence,
        )
    print(table(scores, names) if args.markdown else "\n".join(
        f"{label}\tWER {s.wer:.3f}\t95% {s.interval()[0]:.3f}-{s.interval()[1]:.3f}"
        f"\tCER {s.cer:.3f}" for label, s in scores.items()
    ))  # fmt: skip
    print("\nReference words heard right, by tone:\n")
    print(tone_table(scores))
    print("\nReference words heard right, by initial consonant (as written):\n")
    print(onset_table(scores))
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "texts": texts,
                    "scores": {
                        label: {
                            "wer": s.wer,
                            "wer_interval": s.interval(),
                            "cer": s.cer,
                            "per_article": s.per_article,
                            "tones": s.tones,
                            "onsets": s.onsets,
                            "transcripts": s.transcripts,
                            "seconds": s.seconds,
                        }
                        for label, s in scores.items()
                    },
                },
                ensure_ascii=False,
                indent=1,
            ),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
