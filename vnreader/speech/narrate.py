"""One narration run: an Article → ``OUT.mp3`` + ``OUT.vtt`` + ``OUT.chapters.json``.

Normalizer (dialect) → script (script.py) → one audio chunk per sentence, each through the
content-addressed chunk cache (cache.py), so re-narrating an edited article synthesizes
only the sentences that changed → assembly (assemble.py: pauses, loudness, MP3, ID3 tags
and chapters, WebVTT, JSON chapters, all written atomically).

The stage modules are imported inside the functions: importing ``vnreader.speech.narrate``
stays cheap (no ctypes library, no ffmpeg lookup) for a CLI that may never narrate.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from vnreader.article import Article
from vnreader.errors import DataError, VnreaderError
from vnreader.packagedata import read_toml
from vnreader.speech.model import PCM, Narration, Provenance, Script

if TYPE_CHECKING:
    from vnreader.speech.cache import ChunkCache
    from vnreader.speech.engines.base import Engine
    from vnreader.speech.tags import Tags

__all__ = [
    "ENGINES",
    "Usage",
    "default_cache_dir",
    "default_voice",
    "fallback_engine_name",
    "narrate",
    "synthesize_script",
]

log = logging.getLogger(__name__)

#: Engine names ``narrate`` accepts.
ENGINES = ("espeak", "gtts", "edge", "piper")

Progress = Callable[[int, int], None]

#: Sub-folder of the chunk cache that keeps finished MP3s by content (assemble.output_key).
OUTPUT_CACHE = "mp3"
#: Sub-folder of the chunk cache that keeps each sentence's loudness data and MP3 frames.
PIECE_CACHE = "pieces"
#: Sub-folder of the chunk cache that keeps articles' scripts (the normalized text).
SCRIPT_CACHE = "scripts"


def narrate(
    article: Article,
    out_mp3: Path,
    *,
    engine: str = "espeak",
    voice: str | None = None,
    rate: int = 100,
    pitch: int = 0,
    dialect: str = "north",
    cache_dir: Path | None = None,
    portal_name: str | None = None,
    fallback: bool | str | None = None,
    fallback_voice: str | None = None,
    progress: Progress | None = None,
    gtts_tld: str = "com",
    lexicon: Path | Mapping[str, str] | None = None,
) -> Narration:
    """Narrate ``article`` to ``out_mp3`` (with ``.vtt`` and ``.chapters.json`` beside it).

    ``engine`` is ``"espeak"`` (offline, the default), ``"gtts"`` or ``"edge"`` (online), or
    ``"piper"`` (offline neural; ``voice`` is an installed voice's name or a ``.onnx`` path).
    ``fallback`` names the engine that speaks when the primary one fails (``True`` means
    espeak): from the first failure on, every sentence not already in the cache is spoken
    by the fallback, and the result's ``provenance`` says how many, so the article can be
    narrated again later ("healed"). ``fallback_voice`` defaults by dialect.
    ``lexicon`` is a user lexicon file (TSV, whole words said differently), or its entries.
    ``gtts_tld`` picks Google's host for gTTS (``translate.google.<tld>``, e.g. ``com.vn``).
    ``voice`` defaults by ``dialect`` (see ``data/voices.toml``); ``rate`` is a percentage
    of normal speed; ``pitch`` an offset in Hz for the edge engine's voices (the other
    engines have none and ignore it). ``cache_dir`` holds synthesized sentences between
    runs (default: :func:`default_cache_dir`). ``progress(done, total)`` is called after
    each sentence.
    Nothing is ever downloaded: a piper voice must be installed first.
    Errors a user can cause are :class:`VnreaderError` with a one-line message.
    """
    from vnreader.speech.script import build_script

    out_mp3 = Path(out_mp3)
    _check_output(out_mp3)
    if isinstance(rate, bool) or not isinstance(rate, int):
        raise VnreaderError(f"rate must be a whole percentage, not {rate!r}")
    from vnreader.normalizer import DIALECTS

    script_key = _script_key(article, dialect, lexicon, portal_name)
    if script_key is None or dialect not in DIALECTS:
        # Rejects an unknown dialect, and a missing or malformed lexicon, in one line.
        _normalizer(dialect, lexicon)
    voice = voice or default_voice(engine, dialect)
    tts = make_engine(engine, dialect=dialect, gtts_tld=gtts_tld, voice=voice, pitch=pitch)
    # The engine checks its voice and rate here (each engine has its own limits), so a
    # bad option fails before any synthesis.
    tts.cache_key(voice, rate)
    backup: Engine | None = None
    backup_name = fallback_engine_name(engine, fallback)
    if backup_name is not None:
        fallback_voice = fallback_voice or default_voice(backup_name, dialect)
        backup = make_engine(backup_name, dialect=dialect, gtts_tld=gtts_tld, voice=fallback_voice)
        backup.cache_key(fallback_voice, rate)
    cache = _open_cache(cache_dir if cache_dir is not None else default_cache_dir())

    scripts = cache.directory / SCRIPT_CACHE
    script = _kept_script(scripts, script_key) if script_key is not None else None
    if script is None:
        script = build_script(
            article, normalizer=_normalizer(dialect, lexicon), portal_name=portal_name
        )
        if script_key is not None:
            _keep_script(scripts, script_key, script)
    usage = Usage()
    chunks = synthesize_script(
        script,
        tts,
        cache,
        voice=voice,
        rate=rate,
        progress=progress,
        fallback=backup,
        fallback_voice=fallback_voice,
        usage=usage,
    )
    provenance = Provenance(
        engine=engine,
        voice=voice,
        rate=rate,
        fallback=backup_name,
        fallback_voice=fallback_voice if backup_name else None,
        sentences=usage.sentences,
        fallback_sentences=usage.fallback_sentences,
        reason=usage.reason,
    )

    from vnreader.speech.assemble import assemble

    return assemble(
        script,
        chunks,
        out_mp3,
        tags=article_tags(article, portal_name),
        provenance=provenance,
        output_cache=cache.directory / OUTPUT_CACHE,
        piece_cache=cache.directory / PIECE_CACHE,
    )


if TYPE_CHECKING:
    from vnreader.normalizer import Normalizer


@functools.lru_cache(maxsize=8)
def _built_normalizer(
    dialect: str, lexicon: str | None, stamp: tuple[int, int] | None
) -> Normalizer:
    from vnreader.normalizer import Normalizer

    return Normalizer(dialect=dialect, lexicon=lexicon)


def _normalizer(dialect: str, lexicon: Path | Mapping[str, str] | None) -> Normalizer:
    """The normalizer for ``dialect`` and ``lexicon``, built once per process and reused
    (building compiles every rule: about a second); a lexicon file is read again when its
    content changes (it is small: its SHA-256 is checked each time). A mapping is not
    cached."""
    if lexicon is None:
        return _built_normalizer(dialect, None, None)
    if isinstance(lexicon, (str, Path)):
        try:
            content = Path(lexicon).read_bytes()
        except OSError:
            pass  # the normalizer reports a missing lexicon in one line
        else:
            name = str(Path(lexicon).resolve())
            return _built_normalizer(dialect, name, hashlib.sha256(content).hexdigest())
    from vnreader.normalizer import Normalizer

    return Normalizer(dialect=dialect, lexicon=lexicon)


# --- the script cache --------------------------------------------------------------------


@functools.cache
def _code_version() -> str:
    """SHA-256 of the code and data a script is made with: the normalizer, the script
    builder and its settings, the article and script models."""
    import vnreader.normalizer

    here = Path(__file__).resolve().parent
    package = Path(vnreader.normalizer.__file__).resolve().parent
    files = sorted(p for p in package.rglob("*") if p.suffix in (".py", ".tsv", ".toml"))
    files += [here / "script.py", here / "model.py", here / "data" / "script.toml"]
    files.append(here.parent / "article.py")
    digest = hashlib.sha256()
    for path in files:
        digest.update(f"{path.name}\n".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _script_key(
    article: Article,
    dialect: str,
    lexicon: Path | Mapping[str, str] | None,
    portal_name: str | None,
) -> str | None:
    """The SHA-256 naming the script of ``article`` as narrate would build it now: the
    article (every field), dialect, lexicon (its content), portal and the code version.
    None when the lexicon cannot be read (the normalizer then says why)."""
    if lexicon is None:
        words = ""
    elif isinstance(lexicon, (str, Path)):
        try:
            words = hashlib.sha256(Path(lexicon).read_bytes()).hexdigest()
        except OSError:
            return None
    else:
        words = json.dumps(sorted(lexicon.items()), ensure_ascii=False)
    described = [_code_version(), repr(article), dialect, words, portal_name]
    return hashlib.sha256(json.dumps(described, ensure_ascii=False).encode()).hexdigest()


def _kept_script(folder: Path, key: str) -> Script | None:
    """The script kept under ``key``, or None (absent, unreadable or not a script)."""
    from vnreader.speech.model import Segment, Utterance

    try:
        data = json.loads((folder / key[:2] / f"{key[2:]}.json").read_text("utf-8"))
        return Script(
            title=data["title"],
            segments=tuple(
                Segment(
                    kind=seg["kind"],
                    utterances=tuple(Utterance(w, s) for w, s in seg["utterances"]),
                    pause_after_ms=int(seg["pause_after_ms"]),
                    chapter=seg["chapter"],
                )
                for seg in data["segments"]
            ),
            sentence_pause_ms=int(data["sentence_pause_ms"]),
            language=data["language"],
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _keep_script(folder: Path, key: str, script: Script) -> None:
    """Keep ``script`` under ``key`` (atomically); a failure only logs."""
    data = {
        "title": script.title,
        "segments": [
            {
                "kind": seg.kind,
                "utterances": [[u.written, u.spoken] for u in seg.utterances],
                "pause_after_ms": seg.pause_after_ms,
                "chapter": seg.chapter,
            }
            for seg in script.segments
        ],
        "sentence_pause_ms": script.sentence_pause_ms,
        "language": script.language,
    }
    path = folder / key[:2] / f"{key[2:]}.json"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, ensure_ascii=False)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        log.warning("cannot keep the script in %s: %s", folder, exc)


@dataclass
class Usage:
    """What :func:`synthesize_script` did: sentences, how many the fallback spoke, and why."""

    sentences: int = 0
    fallback_sentences: int = 0
    reason: str | None = None


def fallback_engine_name(engine: str, fallback: bool | str | None) -> str | None:
    """The fallback engine's name (``True`` → ``"espeak"``), checked; None for no fallback."""
    if fallback is None or fallback is False or fallback == "":
        return None
    name = "espeak" if fallback is True else str(fallback).strip().lower()
    if name in ("none", "off"):
        return None
    _check_engine(name)
    if name == engine:
        raise VnreaderError(f"the fallback engine must differ from the engine ({engine})")
    return name


def synthesize_script(
    script: Script,
    engine: Engine,
    cache: ChunkCache,
    *,
    voice: str,
    rate: int,
    progress: Progress | None = None,
    fallback: Engine | None = None,
    fallback_voice: str | None = None,
    usage: Usage | None = None,
) -> list[list[PCM]]:
    """Audio for every utterance, in script order: ``chunks[i][j]`` ↔ segment i, utterance j.

    With a ``fallback`` engine, the first :class:`EngineError` of ``engine`` (offline,
    refused, garbage, silence) sends that sentence and every later one the cache does not
    already hold to the fallback; the fallback's audio is not cached (the next run asks the
    primary engine again). ``usage`` (if given) counts what happened.
    """
    from vnreader.speech.engines.base import EngineError

    usage = usage if usage is not None else Usage()
    total = sum(len(segment.utterances) for segment in script.segments)
    done = 0
    down: str | None = None
    chunks: list[list[PCM]] = []
    for segment in script.segments:
        audio: list[PCM] = []
        for utterance in segment.utterances:
            text = utterance.spoken
            pcm: PCM | None = None
            if down is None:
                try:
                    pcm = _through_cache(cache, engine, text, voice=voice, rate=rate)
                except EngineError as exc:
                    if fallback is None:
                        raise
                    down = str(exc)
                    usage.reason = down
                    log.warning(
                        "%s failed; %s speaks what the cache does not hold: %s",
                        engine.name,
                        fallback.name,
                        down,
                    )
            else:
                pcm = cache.get(engine.cache_key(voice, rate), text)
            if pcm is None:
                assert fallback is not None
                pcm = fallback.synthesize(text, voice=fallback_voice or voice, rate=rate)
                usage.fallback_sentences += 1
            audio.append(pcm)
            done += 1
            if progress is not None:
                progress(done, total)
        chunks.append(audio)
    usage.sentences = total
    stats = cache.stats()
    log.info("%d sentences: %d from the cache, %d synthesized", total, stats.hits, stats.misses)
    return chunks


def _through_cache(cache: ChunkCache, engine: Engine, text: str, *, voice: str, rate: int) -> PCM:
    """One chunk through the cache; audio a fallback engine spoke is never stored.

    An engine with a fallback of its own (a GttsEngine built with one) says through
    ``last_fell_back`` whether the fallback spoke; that audio must not be kept under the
    engine's own key, or the next run would reuse espeak's voice as if it were gTTS's.
    """
    if getattr(engine, "fallback", None) is None:
        return cache.synthesize(engine, text, voice=voice, rate=rate)
    key = engine.cache_key(voice, rate)
    cached = cache.get(key, text)
    if cached is not None:
        return cached
    pcm = engine.synthesize(text, voice=voice, rate=rate)
    if not getattr(engine, "last_fell_back", False):
        try:
            cache.put(key, text, pcm)
        except VnreaderError as exc:  # a full or read-only cache does not stop a narration
            log.warning("%s", exc)
    return pcm


# --- engines and voices -----------------------------------------------------------------


@functools.cache
def _voices() -> dict[str, dict[str, str]]:
    name = "voices.toml"
    data = read_toml("vnreader.speech", "data", name)
    try:
        return {str(e): {str(d): str(v) for d, v in t.items()} for e, t in data.items()}
    except AttributeError as exc:
        raise DataError(f"vnreader/speech/data/{name}: not a table of tables: {exc}") from None


def default_voice(engine: str, dialect: str) -> str:
    """The voice used when none is given: by engine and dialect (``data/voices.toml``)."""
    _check_engine(engine)
    table = _voices().get(engine, {})
    voice = table.get(dialect) or table.get("north")
    if voice is None:
        raise DataError(f"voices.toml has no {engine} voice for the {dialect} dialect")
    return voice


def _check_engine(engine: str) -> None:
    if engine not in ENGINES:
        raise VnreaderError(f"unknown speech engine {engine!r}: use one of {', '.join(ENGINES)}")


def make_engine(
    name: str,
    *,
    dialect: str = "north",
    fallback: bool = False,
    gtts_tld: str = "com",
    voice: str | None = None,
    pitch: int = 0,
) -> Engine:
    """The engine called ``name``, speaking ``voice`` by default (else the dialect's).

    ``fallback`` is kept for gTTS's own per-chunk fallback on espeak; :func:`narrate` uses
    the engine-independent fallback of :func:`synthesize_script` instead.
    """
    _check_engine(name)
    if name == "espeak":
        return _espeak(default_voice("espeak", dialect))
    if name == "edge":
        from vnreader.speech.engines.edge import EdgeEngine

        return EdgeEngine(voice or default_voice("edge", dialect), pitch=pitch)
    if name == "piper":
        from vnreader.speech.engines.piper import PiperEngine

        return PiperEngine(voice or default_voice("piper", dialect))
    try:
        from vnreader.speech.engines.gtts import GttsEngine
    except ImportError as exc:  # a broken install: gTTS is a declared dependency
        raise VnreaderError(f"the gtts engine is not available: {exc}") from exc
    if not fallback:
        return GttsEngine(tld=gtts_tld)
    # The fallback speaks with the dialect's espeak voice, like an espeak narration would.
    espeak_voice = default_voice("espeak", dialect)
    return GttsEngine(tld=gtts_tld, fallback=_espeak(espeak_voice), fallback_voice=espeak_voice)


def _espeak(voice: str) -> Engine:
    from vnreader.speech.engines import espeak

    if not espeak.available():
        raise VnreaderError(
            "the espeak engine is not available: espeak-ng from the espeakng-loader wheel "
            "could not be loaded (reinstall vnreader)"
        )
    return espeak.EspeakEngine(voice_default=voice)


# --- cache, output, tags ------------------------------------------------------------------


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/vnreader/chunks``, or ``~/.cache/vnreader/chunks``.

    A relative ``XDG_CACHE_HOME`` is ignored, as the XDG Base Directory specification
    asks.
    """
    base = os.environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"
    return root / "vnreader" / "chunks"


def _open_cache(directory: Path) -> ChunkCache:
    from vnreader.speech.cache import ChunkCache

    directory = Path(directory)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise VnreaderError(
            f"cannot use the cache directory {directory}: {exc.strerror or exc}"
        ) from None
    return ChunkCache(directory)


def _check_output(out_mp3: Path) -> None:
    """Fail before any synthesis when the output cannot be written where asked."""
    if out_mp3.is_dir():
        raise VnreaderError(f"{out_mp3} is a directory, expected an .mp3 file name")
    parent = out_mp3.parent
    if not parent.is_dir():
        raise VnreaderError(f"cannot write {out_mp3}: no such directory {parent}")
    if not os.access(parent, os.W_OK):
        raise VnreaderError(f"cannot write {out_mp3}: directory {parent} is not writable")


def portal_label(article: Article, portal_name: str | None = None) -> str:
    """Who published: the given portal name, the article's site, its host, or "vnreader"."""
    for name in (portal_name, article.site):
        if name and name.strip():
            return " ".join(name.split())
    if article.url:
        host = urlsplit(article.url).hostname or ""
        host = host.removeprefix("www.")
        if host:
            return host
    return "vnreader"


def article_tags(article: Article, portal_name: str | None = None) -> Tags:
    """ID3 tags: title; artist = the portal; album = "<portal> — Tin tức"; date; Vietnamese."""
    from vnreader.speech.script import settings
    from vnreader.speech.tags import Tags

    portal = portal_label(article, portal_name)
    published: datetime | None = article.published
    return Tags(
        title=article.title.strip() or settings().phrases["opening_chapter"],
        artist=portal,
        album=settings().phrases["album"].format(portal=portal),
        date=published.date().isoformat() if published else None,
        language="vie",
    )
