"""``vnreader doctor``: check that this machine can publish a site, and say what to fix.

Each check returns a :class:`Check` whose message is written for the person who runs the
site: what is wrong and what to do, in plain words. Nothing here changes anything on disk
(the output folder test writes and removes one hidden temporary file), and nothing contacts
the internet unless the settings choose Google's voice (``engine = "gtts"``).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from vnreader.config import CONFIG_NAME, ConfigError, Settings
from vnreader.errors import VnreaderError
from vnreader.publishing.catalog_schema import SCHEMA_VERSION, catalog_path
from vnreader.publishing.certificates import describe_certificate

__all__ = ["Check", "check_config", "describe_certificate", "run_checks"]

#: Below this much free space a publish run can fail halfway (a 5-minute narration at
#: 64 kbit/s is 2.4 MB, plus the chunk cache and temporary WAV files while encoding).
MIN_FREE_BYTES = 200 * 1024**2
#: Below this, warn: a few hundred articles more fill it.
LOW_FREE_BYTES = 1024**3

#: The word spoken to test the voice.
TEST_WORD = "xin chào"


@dataclass(frozen=True)
class Check:
    """One result: ``ok`` False means publishing will fail until it is fixed.

    ``warning`` marks an ok result that still deserves attention (shown with "!").
    """

    name: str
    ok: bool
    message: str
    warning: bool = False

    @property
    def symbol(self) -> str:
        return "✗" if not self.ok else ("!" if self.warning else "✓")

    def line(self) -> str:
        return f"{self.symbol} {self.name}: {self.message}"


def check_config(path: Path | None) -> tuple[list[Settings], Check]:
    """Load the settings (``path`` or ./vnreader.toml) → the sites to check (one per
    portal), and a check. A broken file gives the defaults, so the other checks still run."""
    from vnreader.config import load_config

    shown = path if path is not None else Path(CONFIG_NAME)
    if path is None and not shown.is_file():
        return [Settings()], Check(
            "settings",
            True,
            f"no {CONFIG_NAME} here; using the defaults (write one with 'vnreader init')",
            warning=True,
        )
    try:
        config = load_config(shown)
    except ConfigError as exc:
        return [Settings()], Check("settings", False, f"{exc}; correct it and run doctor again")
    portals = list(config.portals)
    about = f" ({len(portals)} portals)" if len(portals) > 1 else ""
    return portals, Check("settings", True, f"{shown} is valid{about}")


def run_checks(
    settings: Settings,
    out_dir: Path | None = None,
    *,
    gtts_probe: Callable[[str], str | None] | None = None,
) -> list[Check]:
    """Every check for publishing ``settings`` into ``out_dir`` (default: its ``out_dir``).

    ``gtts_probe(tld)`` returns None when Google's voice is reachable, else the reason; it
    is only called when the engine is gTTS (tests pass a fake one).
    """
    from vnreader.publishing.layout import SiteState

    out = Path(out_dir) if out_dir is not None else settings.out_dir
    state = SiteState.for_site(out, settings.state_dir, settings.name)
    checks = [
        _guard("espeak-ng", lambda: check_espeak(settings)),
        _guard("ffmpeg", check_ffmpeg),
        _guard("output folder", lambda: check_output_folder(out)),
        _guard("state folder", lambda: check_state_folder(state.root, out)),
        _guard("disk space", lambda: check_disk_space(out)),
        _guard("catalog", lambda: check_catalog(out, state.catalog)),
        check_base_url(settings),
        *check_sources(settings, state.http_cache),
    ]
    for engine in dict.fromkeys((settings.engine, settings.fallback)):
        if engine == "piper":
            checks.append(_guard("piper voice", lambda: check_piper(settings)))
    if settings.engine == "gtts":
        probe = gtts_probe or probe_gtts
        checks.append(_guard("Google voice (gTTS)", lambda: check_gtts(settings, probe)))
    if settings.artwork is not None:
        checks.append(_guard("artwork", functools.partial(check_artwork, settings.artwork)))
    for lexicon in (settings.lexicon, settings.portal_lexicon):
        if lexicon is not None:
            checks.append(_guard("lexicon", functools.partial(check_lexicon, lexicon)))
    return checks


def _guard(name: str, check: Callable[[], Check]) -> Check:
    """A check that raised is a failed check with its reason, never a traceback."""
    try:
        return check()
    except (VnreaderError, OSError, sqlite3.Error, subprocess.SubprocessError) as exc:
        return Check(name, False, str(exc) or type(exc).__name__)


# --- the checks ---------------------------------------------------------------------------


def check_espeak(settings: Settings) -> Check:
    """The embedded espeak-ng loads and says a word in the configured voice."""
    from vnreader.speech.engines import espeak

    name = "espeak-ng"
    if not espeak.available():
        try:
            espeak.initialize()
        except VnreaderError as exc:
            reason = str(exc)
        else:  # pragma: no cover - available() and initialize() agree
            reason = "unknown error"
        return Check(
            name,
            False,
            f"cannot start the built-in voice ({reason}); reinstall vnreader "
            "(pip install --force-reinstall espeakng-loader)",
        )
    voice = settings.voice if settings.engine == "espeak" and settings.voice else None
    if voice is None:
        from vnreader.speech.narrate import default_voice

        voice = default_voice("espeak", settings.dialect)
    engine = espeak.EspeakEngine(voice)
    pcm = engine.synthesize(TEST_WORD, rate=settings.rate if settings.engine == "espeak" else 100)
    if not pcm.data:
        return Check(name, False, f"voice {voice} produced no sound for {TEST_WORD!r}")
    seconds = len(pcm.data) / 2 / engine.sample_rate
    return Check(
        name,
        True,
        f"version {espeak.version()}, voice {engine.voice_default} says "
        f"{TEST_WORD!r} ({seconds:.1f} s)",
    )


def check_piper(settings: Settings) -> Check:
    """The piper voice narration would use is installed and its settings file reads as a
    piper voice's (no synthesis here: starting onnxruntime is the narration's work)."""
    from vnreader.speech.engines.piper import available, load_voice, resolve_model
    from vnreader.speech.narrate import default_voice

    name = "piper voice"
    if not available():
        return Check(name, False, "piper-tts is not installed; reinstall vnreader")
    chosen = settings.voice if settings.engine == "piper" and settings.voice else None
    voice = chosen or default_voice("piper", settings.dialect)
    try:
        model = resolve_model(voice)
        load_voice(model, session=False)
    except VnreaderError as exc:
        return Check(name, False, str(exc))
    return Check(name, True, f"{voice}: {model}")


def check_ffmpeg() -> Check:
    """imageio-ffmpeg's bundled ffmpeg runs and can encode MP3 (libmp3lame)."""
    from vnreader.speech.audio import ffmpeg_exe

    name = "ffmpeg"
    exe = ffmpeg_exe()
    try:
        version = subprocess.run(
            [exe, "-hide_banner", "-version"], capture_output=True, timeout=30, check=False
        )
    except OSError as exc:
        return Check(
            name,
            False,
            f"{exe} does not run ({exc.strerror or exc}); reinstall imageio-ffmpeg "
            "(pip install --force-reinstall imageio-ffmpeg)",
        )
    if version.returncode != 0:
        return Check(name, False, f"{exe} -version failed; reinstall imageio-ffmpeg")
    first = version.stdout.decode("utf-8", "replace").splitlines()[:1]
    label = first[0].split(" Copyright")[0] if first else "ffmpeg"
    encoders = subprocess.run(
        [exe, "-hide_banner", "-encoders"], capture_output=True, timeout=30, check=False
    )
    if b"libmp3lame" not in encoders.stdout:
        return Check(
            name,
            False,
            f"{label} has no MP3 encoder (libmp3lame); install imageio-ffmpeg's own build "
            "(pip install --force-reinstall imageio-ffmpeg) and unset IMAGEIO_FFMPEG_EXE",
        )
    return Check(name, True, f"{label}, MP3 encoder libmp3lame")


def _existing_ancestor(path: Path) -> Path:
    path = path.absolute()
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path(path.anchor)


def check_state_folder(state: Path, out: Path) -> Check:
    """The state folder is outside the served folder and writable."""
    from vnreader.publishing.layout import is_inside

    if is_inside(state, out):
        return Check(
            "state folder",
            False,
            f"{state} is inside the output folder {out}, which is served: set state_dir "
            "to a folder beside it",
        )
    check = check_output_folder(state, name="state folder")
    return check


def check_sources(settings: Settings, http_cache: Path | None = None) -> list[Check]:
    """Each configured source, tried as publish would (nothing published): its articles."""
    from vnreader.publishing.sources import Expander

    if not settings.sources:
        return [
            Check(
                "sources",
                True,
                "no sources in vnreader.toml: 'vnreader publish' with no SOURCE publishes "
                "nothing; list the portal's listing pages or RSS feeds under sources",
                warning=True,
            )
        ]
    checks = []
    for source in settings.sources:
        failures: list[str] = []

        def record(_source: str, reason: str, found: list[str] = failures) -> None:
            found.append(reason)

        expander = Expander(
            http_cache=None,
            known=lambda url: True,  # a dry run: the first listing page is enough
            fail=record,
            log=_quiet_log(),
        )
        try:
            items = expander.expand([source], configured=True)
        except Exception as exc:  # a source must never crash the doctor
            failures.append(f"internal error: {exc!r}")
            items = []
        name = f"source {source.location}"
        if failures:
            reason = failures[0]
            if "certificate" in reason:
                reason += "; " + describe_certificate(source.location)
            checks.append(Check(name, False, reason))
        else:
            what = "articles" if len(items) != 1 else "article"
            note = "" if source.verify_tls else " (TLS not verified: verify_tls = false)"
            checks.append(
                Check(name, True, f"{len(items)} {what} found{note}", warning=not source.verify_tls)
            )
    return checks


def _quiet_log() -> logging.Logger:
    """A logger that says nothing: the dry run's findings are the doctor's lines."""
    log = logging.Logger("vnreader.doctor.dry-run")
    log.addHandler(logging.NullHandler())
    return log


def check_output_folder(out: Path, *, name: str = "output folder") -> Check:
    """The output folder exists (or can be created) and vnreader can write in it."""
    out = out.absolute()
    if out.exists() and not out.is_dir():
        return Check(name, False, f"{out} is a file, not a folder; choose another out_dir")
    if not out.exists():
        parent = _existing_ancestor(out)
        if not parent.is_dir():
            return Check(name, False, f"{out} cannot be created: {parent} is a file, not a folder")
        if not os.access(parent, os.W_OK | os.X_OK):
            return Check(
                name,
                False,
                f"{out} does not exist and cannot be created ({parent} is not writable); "
                f"create it and give the user running vnreader write access",
            )
        return Check(name, True, f"{out} will be created on the first publish")
    try:
        fd, tmp = tempfile.mkstemp(prefix=".vnreader-doctor-", dir=out)
    except OSError as exc:
        return Check(
            name,
            False,
            f"cannot write in {out} ({exc.strerror or exc}); give the user running vnreader "
            "write access to it, or choose another out_dir",
        )
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(tmp)
    return Check(name, True, f"{out} is writable")


def _size(count: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if count < 1024 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1024
    raise AssertionError  # pragma: no cover


def check_disk_space(out: Path) -> Check:
    """Enough free space where the site goes."""
    name = "disk space"
    where = _existing_ancestor(out)
    free = shutil.disk_usage(where).free
    if free < MIN_FREE_BYTES:
        return Check(
            name,
            False,
            f"only {_size(free)} free on the disk of {where}; publishing needs at least "
            f"{_size(MIN_FREE_BYTES)}: free some space or choose another out_dir",
        )
    if free < LOW_FREE_BYTES:
        return Check(
            name,
            True,
            f"{_size(free)} free: enough for now, but a narrated article takes 1-5 MB",
            warning=True,
        )
    return Check(name, True, f"{_size(free)} free")


def catalog_file(out: Path) -> Path:
    """Where the publish catalog of the site in ``out`` lives."""
    return catalog_path(out)


def check_catalog(out: Path, path: Path | None = None) -> Check:
    """The catalog is absent (created by the first publish) or an intact SQLite database.

    Opened read-only, so a running publish is not disturbed and nothing is created. In a
    folder vnreader cannot write, the catalog is read as it is and said to be read-only.
    """
    name = "catalog"
    path = path if path is not None else catalog_file(out)
    if not path.exists():
        return Check(name, True, f"{path} will be created on the first publish")
    rebuild = (
        "run 'vnreader publish --rebuild-catalog' to set it aside and rebuild it from the "
        "sources (narrated audio is re-used)"
    )
    writable = os.access(path.parent, os.W_OK) and os.access(path, os.W_OK)
    # A WAL database needs its -shm file even to be read; in a read-only folder it cannot
    # be made, so the file is read as an immutable snapshot instead of being called damaged.
    mode = "mode=ro" if writable else "mode=ro&immutable=1"
    try:
        db = sqlite3.connect(f"{path.absolute().as_uri()}?{mode}", uri=True, timeout=10)
    except sqlite3.Error as exc:
        return Check(name, False, f"cannot open {path} ({exc}); check its permissions")
    try:
        result = db.execute("PRAGMA quick_check").fetchone()[0]
        if result != "ok":
            return Check(name, False, f"{path} is damaged ({result}); {rebuild}")
        version = db.execute("PRAGMA user_version").fetchone()[0]
        known = SCHEMA_VERSION
        if version > known:
            return Check(
                name,
                False,
                f"{path} was made by a newer vnreader (schema {version}, this one knows "
                f"{known}); upgrade vnreader",
            )
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        count = ""
        if "articles" in tables:
            articles = db.execute("SELECT count(*) FROM articles").fetchone()[0]
            count = f", {articles} article{'s' if articles != 1 else ''}"
        if not writable:
            return Check(
                name,
                False,
                f"{path} is intact (schema {version}{count}) but read-only: give the user "
                "running vnreader write access to it and its folder",
            )
        return Check(name, True, f"{path} is intact (schema {version}{count})")
    except sqlite3.DatabaseError as exc:
        return Check(name, False, f"{path} is damaged ({exc}); {rebuild}")
    finally:
        db.close()


def check_base_url(settings: Settings) -> Check:
    """The feeds carry a public address, not the local preview one."""
    name = "base URL"
    if settings.is_local:
        return Check(
            name,
            True,
            f"{settings.base_url} is only reachable from this computer (preview with "
            "'vnreader serve'); podcast apps need the public address: set base_url in "
            f"{CONFIG_NAME} or pass --base-url to publish",
            warning=True,
        )
    if settings.base_url.startswith("http://"):
        return Check(
            name,
            True,
            f"{settings.base_url}: Apple Podcasts and many apps want https://",
            warning=True,
        )
    return Check(name, True, settings.base_url)


def probe_gtts(tld: str, timeout: float = 10.0) -> str | None:
    """None when translate.google.<tld> answers over HTTPS, else why not."""
    import httpx

    url = f"https://translate.google.{tld}/"
    try:
        response = httpx.head(url, timeout=timeout, follow_redirects=True)
    except httpx.HTTPError as exc:
        return f"{url} is not reachable ({type(exc).__name__}: {exc})"
    if response.status_code >= 500:
        return f"{url} answered HTTP {response.status_code}"
    return None


def check_gtts(settings: Settings, probe: Callable[[str], str | None]) -> Check:
    name = "Google voice (gTTS)"
    problem = probe(settings.gtts_tld)
    if problem:
        return Check(
            name,
            False,
            f"{problem}; check the internet connection and proxy, or set engine = "
            '"espeak" (offline)',
        )
    return Check(
        name,
        True,
        f"translate.google.{settings.gtts_tld} is reachable (article text is sent to Google)",
    )


def check_artwork(path: Path) -> Check:
    """The cover is a square PNG/JPEG of 1400-3000 pixels, as Apple requires."""
    from PIL import Image, UnidentifiedImageError

    name = "artwork"
    try:
        with Image.open(path) as image:
            width, height = image.size
            kind = image.format
    except (OSError, UnidentifiedImageError) as exc:
        return Check(name, False, f"{path} is not a readable image ({exc})")
    problems = []
    if kind not in ("PNG", "JPEG"):
        problems.append(f"it is {kind}, not PNG or JPEG")
    if width != height:
        problems.append(f"it is {width}×{height}, not square")
    if not (1400 <= width <= 3000 and 1400 <= height <= 3000):
        problems.append(f"it is {width}×{height} pixels; Apple needs 1400 to 3000 a side")
    if problems:
        return Check(
            name,
            False,
            f"{path}: {'; '.join(problems)}; replace it, or remove the artwork setting and "
            "vnreader draws one",
        )
    return Check(name, True, f"{path} ({kind}, {width}×{height})")


def check_lexicon(path: Path) -> Check:
    """The user lexicon loads."""
    from vnreader.normalizer.lexicon import load_lexicon

    entries = load_lexicon(path)
    return Check("lexicon", True, f"{path}: {len(entries)} entries")
