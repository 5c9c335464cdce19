"""Adapters for vnreader and the competing Vietnamese TTS normalizers on PyPI.

Each system is loaded lazily; a system whose package is not importable is reported as
"not installed", one that imports but fails to build (e.g. it wants to download model
weights, which an offline machine cannot) as "unavailable: <reason>".

Every adapter returns a callable ``str -> str`` that gives the spoken form of one line.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

Normalize = Callable[[str], str]


@dataclass(frozen=True)
class System:
    name: str
    pip_name: str
    loader: Callable[[], Normalize]
    note: str = ""


class NotInstalled(Exception):
    """The system's package is not importable."""


@contextlib.contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Send file descriptors 1 and 2 to /dev/null (a child process's prints included)."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in (*saved, devnull):
            os.close(fd)


class _DropBelowWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING


def _vnreader() -> Normalize:
    from vnreader.normalizer import Normalizer

    return Normalizer().normalize


def _vinorm() -> Normalize:
    try:
        from vinorm import TTSnorm
    except ImportError as e:
        raise NotInstalled(str(e)) from e

    # vinorm runs a bundled binary per call through files in its own package folder (so
    # one process at a time), and the binary prints debug lines ("Roman  thứ 18") to
    # stdout; lower=False keeps the case so outputs are comparable with the others.
    def run(text: str) -> str:
        with _quiet_stdout():
            return TTSnorm(text, punc=False, unknown=True, lower=False, rule=False).strip()

    return run


def _vietnormalizer() -> Normalize:
    try:
        from vietnormalizer import VietnameseNormalizer
    except ImportError as e:
        raise NotInstalled(str(e)) from e
    return VietnameseNormalizer().normalize


def _soe_vinorm() -> Normalize:
    try:
        from soe_vinorm import SoeNormalizer
    except ImportError as e:
        raise NotInstalled(str(e)) from e
    # Its CRF detector weights come from the Hugging Face hub at first use; offline this
    # raises LocalEntryNotFoundError, which the caller reports as "unavailable".
    return SoeNormalizer().normalize


def _g2p_hamster() -> Normalize:
    try:
        from g2p_hamster.t0.pipeline import normalize
    except ImportError as e:
        raise NotInstalled(str(e)) from e

    # The T0 stage is g2p-hamster's text front end (rules and dictionaries, no model);
    # "read_string" is its normalized, speakable text.
    def run(text: str) -> str:
        return normalize(text)["read_string"]

    return run


def _nemo() -> Normalize:
    try:
        from nemo_text_processing.text_normalization.normalize import Normalizer
    except ImportError as e:
        raise NotInstalled(str(e)) from e
    # normalize() resets its logger to INFO on every call and logs each sentence whose
    # punctuation it could not post-process; a filter survives the reset.
    for name in ("NeMo-text-processing", "nemo_text_processing"):
        logging.getLogger(name).addFilter(_DropBelowWarning())
    # Grammars compile once (about 15 s) into a far-file cache, reused across runs.
    cache = Path(os.environ.get("NEMO_CACHE_DIR", Path(tempfile.gettempdir()) / "nemo_vi_cache"))
    cache.mkdir(parents=True, exist_ok=True)
    norm = Normalizer(input_case="cased", lang="vi", cache_dir=str(cache))

    def run(text: str) -> str:
        # pynini prints "ERROR: StringFstToOutputLabels ..." from C++ for inputs its
        # grammar cannot parse (NeMo then returns the input unchanged).
        with _quiet_stdout():
            return norm.normalize(text, punct_post_process=True)

    return run


SYSTEMS: dict[str, System] = {
    s.name: s
    for s in (
        System("vnreader", "vnreader", _vnreader),
        System("vinorm", "vinorm", _vinorm, "subprocess + temp files per call"),
        System("vietnormalizer", "vietnormalizer", _vietnormalizer),
        System("soe-vinorm", "soe-vinorm", _soe_vinorm, "CRF weights from HF hub"),
        System("g2p-hamster", "g2p-hamster", _g2p_hamster, "T0 front end"),
        System("nemo", "nemo-text-processing", _nemo, "pynini WFST grammars"),
    )
}
COMPETITORS = [n for n in SYSTEMS if n != "vnreader"]


def load(name: str) -> tuple[Normalize | None, str]:
    """(normalize function, "ok") or (None, "not installed" / "unavailable: reason")."""
    system = SYSTEMS[name]
    try:
        fn = system.loader()
    except NotInstalled:
        return None, "not installed"
    except Exception as e:  # any failure to build counts as unavailable, with the reason
        reason = f"{type(e).__name__}: {e}".splitlines()[0][:160]
        return None, f"unavailable: {reason}"
    return fn, "ok"
