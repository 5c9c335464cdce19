"""The voice catalogue (``data/catalogue.toml``): list every engine and voice, install piper voices.

* :func:`catalogue` reads the catalogue shipped with vnreader, plus the file named by
  ``$VNREADER_VOICE_CATALOGUE`` when set (its voices are added, or replace shipped ones of
  the same engine and name; an operator's own piper voice, or a test's).
* :func:`listing` says for each voice whether it works on this machine now: espeak when the
  library loads, piper when the voice's files are installed (and piper-tts imports), the
  online engines when their package imports — they say they need the network.
* :func:`install` downloads a piper voice's files from the base URL (the published
  location, or ``$VNREADER_PIPER_BASE_URL``, or the ``base_url`` argument) into
  :func:`data_dir` ``/voices/piper/NAME/``: each file to a temporary file beside its final
  place, its size and SHA-256 checked against the catalogue, then moved into place with
  :func:`os.replace`. Any failure removes what this install wrote: nothing half-installed.

Nothing here is ever called during narration: narration never downloads.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import tempfile
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from vnreader.errors import DataError, VoiceError
from vnreader.packagedata import read_toml

DATA_ENV = "VNREADER_DATA_DIR"
CATALOGUE_ENV = "VNREADER_VOICE_CATALOGUE"
BASE_URL_ENV = "VNREADER_PIPER_BASE_URL"

_DOWNLOAD_TIMEOUT_S = 60.0
_BLOCK = 1 << 16

#: progress(bytes_done, bytes_total, file_name)
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class VoiceFile:
    path: str  # relative to the base URL
    size: int | None
    sha256: str  # "" when no checksum is known

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Voice:
    engine: str
    name: str
    aliases: tuple[str, ...]
    dialect: str
    gender: str
    licence: str
    files: tuple[VoiceFile, ...] = ()
    sample_rate: int | None = None


@dataclass(frozen=True)
class EngineInfo:
    name: str
    online: bool
    text_goes: str
    licence: str
    about: str


@dataclass(frozen=True)
class Catalogue:
    base_url: str
    engines: dict[str, EngineInfo]
    voices: tuple[Voice, ...]

    def voice(self, engine: str, name: str) -> Voice | None:
        wanted = name.strip().lower()
        for voice in self.voices:
            if voice.engine == engine and (
                voice.name.lower() == wanted or wanted in (a.lower() for a in voice.aliases)
            ):
                return voice
        return None


# --- reading the catalogue ----------------------------------------------------------------


def _parse(
    data: dict[str, Any], where: str
) -> tuple[str | None, dict[str, EngineInfo], list[Voice]]:
    try:
        engines = {
            str(name): EngineInfo(
                name=str(name),
                online=bool(raw["online"]),
                text_goes=str(raw["text_goes"]),
                licence=str(raw["licence"]),
                about=str(raw.get("about", "")),
            )
            for name, raw in data.get("engines", {}).items()
        }
        voices = []
        for raw in data.get("voices", []):
            files = tuple(
                VoiceFile(
                    path=str(f["path"]),
                    size=int(f["size"]) if f.get("size") is not None else None,
                    sha256=str(f.get("sha256", "")).lower(),
                )
                for f in raw.get("files", [])
            )
            voices.append(
                Voice(
                    engine=str(raw["engine"]),
                    name=str(raw["name"]),
                    aliases=tuple(str(a) for a in raw.get("aliases", [])),
                    dialect=str(raw.get("dialect", "unknown")),
                    gender=str(raw.get("gender", "unknown")),
                    licence=str(raw.get("licence", "unknown")),
                    files=files,
                    sample_rate=int(raw["sample_rate"]) if raw.get("sample_rate") else None,
                )
            )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise DataError(f"voice catalogue {where} is malformed: {exc!r}") from None
    base = data.get("base_url")
    return (str(base) if base else None), engines, voices


@functools.cache
def _shipped() -> tuple[str, dict[str, EngineInfo], tuple[Voice, ...]]:
    name = "catalogue.toml"
    data = read_toml("vnreader.speech", "data", name)
    base, engines, voices = _parse(data, name)
    if base is None:
        raise DataError(f"{name} has no base_url")
    return base, engines, tuple(voices)


def catalogue() -> Catalogue:
    """The shipped catalogue, with ``$VNREADER_VOICE_CATALOGUE``'s voices added."""
    base, engines, voices = _shipped()
    engines = dict(engines)
    merged = list(voices)
    extra = os.environ.get(CATALOGUE_ENV, "").strip()
    if extra:
        try:
            data = tomllib.loads(Path(extra).read_text("utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise VoiceError(f"cannot read the voice catalogue {extra}: {exc}") from None
        extra_base, extra_engines, extra_voices = _parse(data, extra)
        base = extra_base or base
        engines.update(extra_engines)
        for voice in extra_voices:
            merged = [v for v in merged if (v.engine, v.name) != (voice.engine, voice.name)]
            merged.append(voice)
    return Catalogue(base_url=base, engines=engines, voices=tuple(merged))


# --- where voices live ------------------------------------------------------------------


def data_dir() -> Path:
    """``$VNREADER_DATA_DIR``, else the user data directory (platformdirs), e.g.
    ``~/.local/share/vnreader`` on Linux."""
    override = os.environ.get(DATA_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("vnreader", appauthor=False))


def piper_dir(name: str) -> Path:
    """The folder of the installed piper voice ``name``."""
    return data_dir() / "voices" / "piper" / name


def installed_piper_model(name: str) -> Path | None:
    """``NAME.onnx`` of an installed piper voice (its ``.onnx.json`` beside it), or None."""
    folder = piper_dir(name)
    model = folder / f"{name}.onnx"
    if model.is_file() and Path(f"{model}.json").is_file():
        return model
    return None


def installed_piper_voices() -> list[str]:
    """Names of every piper voice installed in the data directory (catalogued or not)."""
    root = data_dir() / "voices" / "piper"
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if installed_piper_model(p.name) is not None)


# --- what works here ----------------------------------------------------------------------


@dataclass(frozen=True)
class Listed:
    """One line of ``vnreader voices``."""

    engine: str
    voice: str
    aliases: tuple[str, ...]
    dialect: str
    gender: str
    licence: str
    text_goes: str
    online: bool
    works_now: bool
    status: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "voice": self.voice,
            "aliases": list(self.aliases),
            "dialect": self.dialect,
            "gender": self.gender,
            "licence": self.licence,
            "text_goes": self.text_goes,
            "needs_network": self.online,
            "works_now": self.works_now,
            "status": self.status,
        }


def _importable(module: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def _engine_status(engine: str) -> tuple[bool, str]:
    if engine == "espeak":
        from vnreader.speech.engines import espeak

        return (True, "ready") if espeak.available() else (False, "espeak-ng cannot be loaded")
    module = {"gtts": "gtts", "edge": "edge_tts", "piper": "piper"}.get(engine, engine)
    if not _importable(module):
        return False, f"the {module} package is not installed"
    return True, "ready"


def listing() -> list[Listed]:
    """Every catalogued voice (and every installed, uncatalogued piper voice) and its state."""
    cat = catalogue()
    rows: list[Listed] = []
    status_of: dict[str, tuple[bool, str]] = {}
    voices = list(cat.voices)
    known = {v.name for v in voices if v.engine == "piper"}
    for name in installed_piper_voices():
        if name not in known:
            voices.append(Voice("piper", name, (), "unknown", "unknown", "see its model card"))
    for voice in voices:
        info = cat.engines.get(voice.engine)
        if voice.engine not in status_of:
            status_of[voice.engine] = _engine_status(voice.engine)
        works, status = status_of[voice.engine]
        if works and voice.engine == "piper":
            if installed_piper_model(voice.name) is None:
                works = False
                status = (
                    f"not installed: vnreader voices install {voice.name}"
                    if _installable(voice)
                    else "not installed (no pinned checksum: give its .onnx path as the voice)"
                )
            else:
                status = f"installed in {piper_dir(voice.name)}"
        elif works and info is not None and info.online:
            status = "needs the network"
        rows.append(
            Listed(
                engine=voice.engine,
                voice=voice.name,
                aliases=voice.aliases,
                dialect=voice.dialect,
                gender=voice.gender,
                licence=voice.licence,
                text_goes=info.text_goes if info else "unknown",
                online=bool(info and info.online),
                works_now=works,
                status=status,
            )
        )
    return rows


def _installable(voice: Voice) -> bool:
    return bool(voice.files) and all(f.sha256 for f in voice.files)


# --- installing a piper voice -------------------------------------------------------------


def install(
    name: str,
    *,
    base_url: str | None = None,
    progress: Progress | None = None,
    force: bool = False,
) -> Path:
    """Download the piper voice ``name`` into :func:`piper_dir`; returns its ``.onnx`` path.

    Every file is checked (size, SHA-256) before anything is moved into place; on any error
    nothing this call wrote is left behind. An installed voice is kept unless ``force``.
    """
    cat = catalogue()
    voice = cat.voice("piper", name)
    if voice is None:
        offered = ", ".join(v.name for v in cat.voices if v.engine == "piper")
        other = [v.engine for v in cat.voices if v.name.lower() == name.strip().lower()]
        if other:
            raise VoiceError(
                f"{name!r} is a voice of the {other[0]} engine: only piper voices are installed "
                f"(piper voices: {offered})"
            )
        raise VoiceError(f"unknown piper voice {name!r}; choose one of: {offered}")
    if not voice.files:
        raise VoiceError(f"the catalogue lists no files for the piper voice {voice.name}")
    unpinned = [f.name for f in voice.files if not f.sha256]
    if unpinned:
        raise VoiceError(
            f"no SHA-256 is pinned for {', '.join(unpinned)} in vnreader's voice catalogue, "
            f"so {voice.name} is not installed; download it yourself and give the path of "
            "its .onnx file as the voice"
        )
    target = piper_dir(voice.name)
    existing = installed_piper_model(voice.name)
    if existing is not None and not force:
        return existing
    base = (base_url or os.environ.get(BASE_URL_ENV, "").strip() or cat.base_url).rstrip("/")
    if urlsplit(base).scheme not in ("http", "https"):
        raise VoiceError(f"the voice base URL must be http:// or https://, not {base!r}")
    created = [p for p in (target, *target.parents) if not p.exists()]
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise VoiceError(f"cannot create {target}: {exc.strerror or exc}") from None
    staged: list[tuple[Path, Path]] = []
    try:
        for item in voice.files:
            final = target / _final_name(voice.name, item)
            temp = _download(urljoin(base + "/", item.path), item, target, progress)
            staged.append((temp, final))
        for temp, final in staged:
            os.replace(temp, final)
    except BaseException:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)
        if existing is None:
            shutil.rmtree(target, ignore_errors=True)
        for folder in created:  # the folders this install made, deepest first
            try:
                folder.rmdir()
            except OSError:
                pass
        raise
    model = installed_piper_model(voice.name)
    if model is None:  # pragma: no cover - both files were just moved into place
        raise VoiceError(f"{voice.name} was downloaded but its files are missing in {target}")
    return model


def _final_name(voice: str, item: VoiceFile) -> str:
    """``NAME.onnx`` or ``NAME.onnx.json``, whatever the published file is called."""
    return f"{voice}.onnx.json" if item.name.endswith(".json") else f"{voice}.onnx"


def _download(url: str, item: VoiceFile, folder: Path, progress: Progress | None) -> Path:
    """``url`` → a checked temporary file in ``folder``; raises VoiceError (and removes it)."""
    import httpx

    fd, name = tempfile.mkstemp(dir=folder, prefix=".download-", suffix=".part")
    temp = Path(name)
    digest = hashlib.sha256()
    done = 0
    try:
        with os.fdopen(fd, "wb") as out:
            try:
                with httpx.stream(
                    "GET", url, follow_redirects=True, timeout=_DOWNLOAD_TIMEOUT_S
                ) as response:
                    if response.status_code != 200:
                        raise VoiceError(
                            f"cannot download {item.name}: {url} answered HTTP "
                            f"{response.status_code}"
                        )
                    total = item.size or int(response.headers.get("content-length") or 0)
                    for block in response.iter_bytes(_BLOCK):
                        out.write(block)
                        digest.update(block)
                        done += len(block)
                        if item.size is not None and done > item.size:
                            raise VoiceError(
                                f"{item.name} from {url} is larger than the "
                                f"{item.size} bytes pinned in the catalogue"
                            )
                        if progress is not None:
                            progress(done, total, item.name)
            except httpx.ConnectError as exc:
                raise VoiceError(f"cannot download {item.name}: {_why(exc)} ({url})") from None
            except httpx.TimeoutException:
                raise VoiceError(
                    f"cannot download {item.name}: no answer within {_DOWNLOAD_TIMEOUT_S:g} s"
                ) from None
            except httpx.HTTPError as exc:
                raise VoiceError(
                    f"cannot download {item.name}: {type(exc).__name__}: {exc} ({url})"
                ) from None
        if item.size is not None and done != item.size:
            raise VoiceError(
                f"{item.name} from {url} has {done} bytes, not the {item.size} pinned in the "
                "catalogue; nothing was installed"
            )
        got = digest.hexdigest()
        if got != item.sha256:
            raise VoiceError(
                f"{item.name} from {url} does not match its pinned SHA-256 "
                f"(got {got[:12]}…, expected {item.sha256[:12]}…); nothing was installed"
            )
    except VoiceError:
        temp.unlink(missing_ok=True)
        raise
    except OSError as exc:  # a full disk, a folder that went away
        temp.unlink(missing_ok=True)
        raise VoiceError(f"cannot write {item.name} into {folder}: {exc.strerror or exc}") from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def _why(exc: Exception) -> str:
    text = str(exc).lower()
    if "name or service not known" in text or "nodename" in text or "resolve" in text:
        return "the host name could not be resolved (offline?)"
    if "refused" in text:
        return "connection refused"
    return str(exc) or type(exc).__name__
