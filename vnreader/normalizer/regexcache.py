"""Compiled regular expressions kept between runs, so that a new process starts quickly.

The scanner's expressions are large (1,700 abbreviations, hundreds of units and
loanwords): Python's ``re`` spends most of a cold start parsing and compiling them, the
same work in every new process. :func:`compile_cached` keeps the compiled form (the
regex engine's code, a list of integers) in the user's cache directory, one file per
expression, and builds the pattern from it next time without parsing.

Safe by construction:

* a file is named after the SHA-256 of the expression and its flags, inside a folder
  named after the Python version and the regex engine's magic number, so a file is only
  ever read back for the very same expression by the very same engine;
* the engine checks the code it is given (``_sre.compile`` validates it), and anything
  unexpected (a missing, short or damaged file, another Python, an engine without these
  internals) falls back to ``re.compile``, so the cache can only save time;
* files are written to a temporary name and renamed, so readers never see half a file;
* the folder is kept under 64 MB, the oldest files removed first.

The folder is ``$VNREADER_REGEX_CACHE`` if set (``0`` turns the cache off), else
``$XDG_CACHE_HOME/vnreader/regex`` or ``~/.cache/vnreader/regex``. Deleting it is always
safe.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import tempfile
from array import array
from pathlib import Path

from vnreader.cachefile import write_cache_file

__all__ = ["cache_folder", "compile_cached", "load_json", "store_json"]

try:  # the regex engine's internals (CPython ≥ 3.11); without them, no cache
    import _sre
    from re import _compiler, _parser  # type: ignore[attr-defined]

    _TAG: str | None = f"{sys.implementation.cache_tag}-{_sre.MAGIC}-{_sre.CODESIZE}"
    if array("I").itemsize != _sre.CODESIZE:  # pragma: no cover - unusual platforms
        _TAG = None
except (ImportError, AttributeError):  # pragma: no cover - other Pythons
    _TAG = None

#: Expressions shorter than this compile faster than a file is read.
_MIN_LENGTH = 2000
#: The folder is kept under this size: after a write, the oldest files go first (new data
#: tables, a user lexicon or a new version make new expressions; the old files are then
#: never read again).
_MAX_BYTES = 64 * 2**20


def _prune(folder: Path) -> None:
    try:
        files = [(e.stat().st_mtime, e.stat().st_size, e.path) for e in os.scandir(folder)]
        total = sum(size for _, size, _ in files)
        for _, size, path in sorted(files):
            if total <= _MAX_BYTES:
                break
            os.unlink(path)
            total -= size
    except OSError:
        pass


def cache_folder() -> Path | None:
    """Where compiled expressions are kept, or ``None`` when the cache is off."""
    if _TAG is None:
        return None
    env = os.environ.get("VNREADER_REGEX_CACHE")
    if env == "0":
        return None
    if env:
        return Path(env) / _TAG
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "vnreader" / "regex" / _TAG


def _path(folder: Path, pattern: str, flags: int) -> Path:
    digest = hashlib.sha256(f"{flags}\0{pattern}".encode("utf-8", "surrogatepass")).hexdigest()
    return folder / f"{digest}.re"


def _load(path: Path, pattern: str) -> re.Pattern[str] | None:
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    try:
        head, _, body = raw.partition(b"\n")
        meta = json.loads(head)
        code = array("I")
        code.frombytes(body)
        if len(code) != meta["n"]:
            return None
        groupindex = {str(k): int(v) for k, v in meta["groupindex"].items()}
        indexgroup = tuple(meta["indexgroup"])
        return _sre.compile(  # type: ignore[no-any-return]
            pattern, meta["flags"], code.tolist(), meta["groups"], groupindex, indexgroup
        )
    except Exception:  # damaged or foreign file: compile instead
        return None


def _compile_and_store(path: Path, pattern: str, flags: int) -> re.Pattern[str]:
    parsed = _parser.parse(pattern, flags)
    code = _compiler._code(parsed, flags)
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, i in groupindex.items():
        indexgroup[i] = name
    full_flags = flags | parsed.state.flags
    compiled = _sre.compile(
        pattern, full_flags, code, parsed.state.groups - 1, groupindex, tuple(indexgroup)
    )
    meta = {
        "flags": full_flags,
        "groups": parsed.state.groups - 1,
        "groupindex": groupindex,
        "indexgroup": indexgroup,
        "n": len(code),
    }
    try:
        data = json.dumps(meta).encode() + b"\n" + array("I", code).tobytes()
        write_cache_file(path, data)
        _prune(path.parent)
    except (OSError, OverflowError, ValueError):
        pass  # a read-only home, a full disk: no cache, same result
    return compiled  # type: ignore[no-any-return]


def compile_cached(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, from the cache when this expression was compiled
    before by this Python (see the module's docstring)."""
    folder = cache_folder() if len(pattern) >= _MIN_LENGTH else None
    if folder is None:
        return re.compile(pattern, flags)
    path = _path(folder, pattern, flags)
    got = _load(path, pattern)
    if got is not None:
        return got
    try:
        return _compile_and_store(path, pattern, flags)
    except re.error:
        raise
    except Exception:  # internals not as expected: the ordinary way
        return re.compile(pattern, flags)


def _json_path(folder: Path, key: str) -> Path:
    return folder / f"{hashlib.sha256(key.encode('utf-8', 'surrogatepass')).hexdigest()}.json"


def load_json(key: str) -> object | None:
    """A value stored by :func:`store_json` under ``key`` (any string), or ``None``."""
    folder = cache_folder()
    if folder is None:
        return None
    try:
        return json.loads(_json_path(folder, key).read_text("utf-8"))  # type: ignore[no-any-return]
    except (OSError, ValueError):
        return None


def store_json(key: str, value: object) -> None:
    """Keep ``value`` (JSON) under ``key`` for later runs; silently nothing on failure."""
    folder = cache_folder()
    if folder is None:
        return
    path = _json_path(folder, key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(value, f, ensure_ascii=False)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except (OSError, TypeError, ValueError):
        pass
