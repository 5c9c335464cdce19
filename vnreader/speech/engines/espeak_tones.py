"""vnreader's own Vietnamese tone contours, in a derived copy of espeak-ng's phoneme data.

espeak-ng draws a Vietnamese tone as a pitch movement over the syllable's vowel: each tone
is a phoneme of the ``vi`` phoneme table (``1`` ngang, ``2`` huyền, ``3`` sắc, ``4`` hỏi,
``5`` ngã, ``6`` nặng, ``7`` ngang at the end of a clause) whose record holds two pitch
levels and whose program points at a 128-point pitch envelope, and optionally a 128-point
amplitude envelope, in ``phondata``. A voice file cannot change them, and the wheel ships
the compiled data only (no ``phsource``), so this module writes them itself:

* a **tone table** (``vnreader/speech/data/vi-tones.tsv``, or any file of that form) gives,
  per tone, its pitch contour as points ``PERCENT:LEVEL`` over the vowel (levels 0-100 of
  the voice's pitch range, as espeak's own tone data) and optionally an amplitude contour
  ``PERCENT:PERCENT`` (100 = unchanged), e.g. a dip for the glottal break of ngã;
* :func:`prepared_data` makes, once per (data digest, tables' digests), a copy of the
  ``espeak-ng-data`` folder under the user cache: the three phoneme files rewritten (the
  originals' bytes kept, new envelopes, programs and one phoneme table per tone table
  appended), every other entry a symbolic link to the original. The added table
  *includes* ``vi`` and replaces only its tone phonemes, so every voice sounds as before
  unless its voice file says ``phonemes vnr-…`` (:meth:`ToneTable.phoneme_table`).

The layout (``phontab``: an int32 count, then per table 1 byte phoneme count, 1 byte
"includes", 2 pad bytes, a 32-byte name and 16-byte ``PHONEME_TAB`` records; ``phonindex``:
16-bit program words; ``phondata``: version 0x014801 in its first four bytes) is checked
before anything is written; data of another layout raises a one-line :class:`VnreaderError`,
and the engine then speaks with espeak's own tones after a one-line warning.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import os
import shutil
import struct
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Union

from vnreader.errors import VnreaderError
from vnreader.speech.engines.espeak_voicefile import VoiceFile, read_bytes

log = logging.getLogger(__name__)

#: Where vnreader's tone tables live.
DATA_DIR = Path(__file__).resolve().parent.parent / "data"

#: What ``EspeakEngine(tones=…)`` accepts: True (vnreader's table where there is one),
#: False (espeak's own tones), or the path of a tone table.
ToneChoice = Union[bool, str, "os.PathLike[str]"]

#: Tone name → espeak's tone phoneme in the ``vi`` table (espeak-ng phsource/ph_vietnam;
#: ``7`` is what espeak's intonation code puts for ngang on a clause's last syllable).
TONE_PHONEMES: dict[str, str] = {
    "ngang": "1",
    "huyền": "2",
    "sắc": "3",
    "hỏi": "4",
    "ngã": "5",
    "nặng": "6",
    "ngang-final": "7",
}
#: The phondata/phonindex format this module knows (espeak-ng 1.49-1.52: ``version_phdata``).
PHDATA_VERSION = 0x014801
_PHONEME_FILES = ("phontab", "phonindex", "phondata")
_TABLE_HEADER = 36  # n_phonemes, includes, 2 pad, 32-byte name
_RECORD = struct.Struct("<IIHBBBBBB")  # PHONEME_TAB: 16 bytes
_MAX_TABLES = 150  # N_PHONEME_TABS
_PH_STRESS = 1  # phoneme type of tones
_I_PITCHENV, _I_AMPENV, _I_RETURN = 0x9200, 0x9300, 0x0001
_ENV_LEN = 128
#: Bumped when the derived files change for the same inputs, so old copies are not reused.
_FORMAT = "vnr-tones-1"


def _points(text: str, what: str, top: int, where: str) -> list[tuple[float, int]]:
    points: list[tuple[float, int]] = []
    for item in text.split():
        at, sep, value = item.partition(":")
        try:
            x, y = float(at), int(value)
        except ValueError:
            raise VnreaderError(f"{where}: {what} point {item!r} is not PERCENT:NUMBER") from None
        if not sep or not 0 <= x <= 100 or not 0 <= y <= top:
            raise VnreaderError(f"{where}: {what} point {item!r} is out of range (0-100:0-{top})")
        if points and x <= points[-1][0]:
            raise VnreaderError(f"{where}: {what} points must go forward in time ({item!r})")
        points.append((x, y))
    if len(points) < 2 or points[0][0] != 0 or points[-1][0] != 100:
        raise VnreaderError(f"{where}: a {what} needs points at 0 and 100 (per cent of the vowel)")
    return points


def _curve(points: list[tuple[float, int]]) -> list[float]:
    """The 128 values of a piecewise-linear contour through ``points``."""
    values = []
    for i in range(_ENV_LEN):
        x = 100 * i / (_ENV_LEN - 1)
        for (x0, y0), (x1, y1) in itertools.pairwise(points):
            if x0 <= x <= x1:
                values.append(y0 + (y1 - y0) * (x - x0) / (x1 - x0))
                break
    return values


@dataclass(frozen=True)
class Tone:
    """One tone's contour: espeak's two pitch levels and its envelopes (128 bytes each)."""

    name: str
    phoneme: str
    low: int
    high: int
    pitch_env: bytes
    amp_env: bytes | None

    @staticmethod
    def parse(name: str, contour: str, amplitude: str, where: str) -> Tone:
        points = _points(contour, "pitch contour", 100, where)
        levels = _curve(points)
        low, high = min(y for _, y in points), max(y for _, y in points)
        span = max(1, high - low)
        # espeak: pitch = low + (high - low) * env / 256 (intonation.c, synthesize.c).
        pitch_env = bytes(min(255, round((v - low) * 256 / span)) for v in levels)
        amp_env = None
        if amplitude.strip() not in ("", "-"):
            # wavegen.c: amplitude * env / 128, so 100 % is 128.
            amps = _curve(_points(amplitude, "amplitude contour", 199, where))
            amp_env = bytes(min(255, round(v * 128 / 100)) for v in amps)
        return Tone(name, TONE_PHONEMES[name], low, high, pitch_env, amp_env)


class ToneTable:
    """A tone table file (TSV: ``tone``, ``contour``, ``amplitude``, ``why``; ``#`` comments),
    read and checked once. Tones it does not list keep espeak's own contours."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        raw = read_bytes(self.path, "tone table")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise VnreaderError(f"tone table {self.path} is not UTF-8 text") from None
        self.digest = hashlib.sha256(raw).hexdigest()
        tones: dict[str, Tone] = {}
        header_seen = False
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            cells = [cell.strip() for cell in line.split("\t")]
            where = f"tone table {self.path}, line {number}"
            if not header_seen:
                if cells[:3] != ["tone", "contour", "amplitude"]:
                    raise VnreaderError(f"{where}: the header must be: tone contour amplitude why")
                header_seen = True
                continue
            if len(cells) < 3:
                raise VnreaderError(f"{where}: expected tone, contour, amplitude, why")
            name = unicodedata.normalize("NFC", cells[0])
            if name not in TONE_PHONEMES:
                raise VnreaderError(
                    f"{where}: unknown tone {name!r} (one of {', '.join(TONE_PHONEMES)})"
                )
            if name in tones:
                raise VnreaderError(f"{where}: tone {name!r} is given twice")
            tones[name] = Tone.parse(name, cells[1], cells[2], where)
        if not tones:
            raise VnreaderError(f"tone table {self.path} lists no tone")
        self.tones = tones

    @property
    def label(self) -> str:
        """What cache keys name: the file's name and the start of its digest."""
        return f"{self.path.name}-{self.digest[:16]}"

    @property
    def phoneme_table(self) -> str:
        """The name of the espeak phoneme table that carries these tones."""
        return f"vnr-{self.digest[:12]}"


# --- espeak's files ---------------------------------------------------------------------


@dataclass
class _Table:
    name: str
    index: int
    includes: int
    records: list[tuple[int, ...]]


def _read_phontab(data: bytes) -> list[_Table]:
    if len(data) < 4:
        raise VnreaderError("espeak-ng's phontab is too short")
    count = struct.unpack_from("<i", data, 0)[0]
    if not 0 < count < _MAX_TABLES:
        raise VnreaderError(f"espeak-ng's phontab names {count} phoneme tables")
    tables, offset = [], 4
    for index in range(count):
        if offset + _TABLE_HEADER > len(data):
            raise VnreaderError("espeak-ng's phontab ends inside a table")
        n, includes = data[offset], data[offset + 1]
        name = data[offset + 4 : offset + _TABLE_HEADER].split(b"\0", 1)[0].decode("latin-1")
        offset += _TABLE_HEADER
        if offset + n * _RECORD.size > len(data) or includes > index:
            raise VnreaderError(f"espeak-ng's phontab table {name!r} is not as expected")
        records = [_RECORD.unpack_from(data, offset + k * _RECORD.size) for k in range(n)]
        tables.append(_Table(name, index, includes, records))
        offset += n * _RECORD.size
    if offset != len(data):
        raise VnreaderError("espeak-ng's phontab has bytes after its last table")
    return tables


def _mnemonic(text: str) -> int:
    return int.from_bytes(text.encode("ascii").ljust(4, b"\0"), "little")


def _vi_tones(tables: list[_Table], index: bytes) -> tuple[_Table, dict[str, tuple[int, ...]]]:
    """The ``vi`` table and its tone records, checked to be tone phonemes with envelopes."""
    found = [t for t in tables if t.name == "vi"]
    if len(found) != 1:
        raise VnreaderError("espeak-ng's data has no single 'vi' phoneme table")
    words = len(index) // 2
    tones: dict[str, tuple[int, ...]] = {}
    for tone, phoneme in TONE_PHONEMES.items():
        rows = [r for r in found[0].records if r[0] == _mnemonic(phoneme)]
        if len(rows) != 1 or rows[0][4] != _PH_STRESS or not 0 < rows[0][2] < words:
            raise VnreaderError(f"espeak-ng's 'vi' table has no tone phoneme {phoneme} ({tone})")
        first = struct.unpack_from("<H", index, 2 * rows[0][2])[0]
        if first & 0xFF00 != _I_PITCHENV:
            raise VnreaderError(f"espeak-ng's tone {phoneme} ({tone}) has no pitch envelope")
        tones[tone] = rows[0]
    return found[0], tones


def _files(source: Path) -> dict[str, bytes]:
    try:
        files = {name: (source / name).read_bytes() for name in _PHONEME_FILES}
    except OSError as exc:
        raise VnreaderError(f"espeak-ng's phoneme data cannot be read: {exc}") from None
    for name in ("phondata", "phonindex"):
        data = files[name]
        if len(data) < 8 or struct.unpack_from("<I", data, 0)[0] != PHDATA_VERSION:
            raise VnreaderError(f"espeak-ng's {name} is not of version {PHDATA_VERSION:#x}")
    return files


def _patch(files: dict[str, bytes], tables: list[ToneTable]) -> dict[str, bytes]:
    """The three phoneme files with ``tables`` appended (the original bytes unchanged)."""
    phontab = _read_phontab(files["phontab"])
    vi, vi_records = _vi_tones(phontab, files["phonindex"])
    if len(phontab) + len(tables) > _MAX_TABLES:
        raise VnreaderError("espeak-ng has no room for more phoneme tables")
    phondata = bytearray(files["phondata"])
    phonindex = bytearray(files["phonindex"])
    if len(phonindex) % 2:
        raise VnreaderError("espeak-ng's phonindex is not of 16-bit words")
    added = bytearray()
    for table in tables:
        records = bytearray()
        for tone in table.tones.values():
            words = []
            for op, envelope in ((_I_PITCHENV, tone.pitch_env), (_I_AMPENV, tone.amp_env)):
                if envelope is None:
                    continue
                phondata.extend(b"\0" * (-len(phondata) % 4))
                address = len(phondata)
                phondata.extend(envelope)
                words += [op | ((address >> 16) & 0xF), address & 0xFFFF]
            words.append(_I_RETURN)
            program = len(phonindex) // 2
            if len(phondata) > 0xFFFFF or program + len(words) > 0xFFFF:
                raise VnreaderError("espeak-ng's phoneme data has no room for more tones")
            phonindex.extend(struct.pack(f"<{len(words)}H", *words))
            mnemonic, flags, _, code, kind, _, _, length, length_mod = vi_records[tone.name]
            records += _RECORD.pack(
                mnemonic, flags, program, code, kind, tone.low, tone.high, length, length_mod
            )
        name = table.phoneme_table.encode("ascii").ljust(32, b"\0")
        added += bytes([len(table.tones), vi.index + 1, 0, 0]) + name + records
    count = struct.unpack_from("<i", files["phontab"], 0)[0] + len(tables)
    phontab_bytes = struct.pack("<i", count) + files["phontab"][4:] + bytes(added)
    return {"phontab": phontab_bytes, "phonindex": bytes(phonindex), "phondata": bytes(phondata)}


def read_back(folder: str | os.PathLike[str], table: ToneTable) -> dict[str, Tone]:
    """The tones of ``table`` as the derived data in ``folder`` holds them (levels and
    envelopes read from its phontab, phonindex and phondata): what espeak will load."""
    files = _files(Path(folder))
    found = [t for t in _read_phontab(files["phontab"]) if t.name == table.phoneme_table]
    if len(found) != 1:
        raise VnreaderError(f"{folder} has no phoneme table {table.phoneme_table}")
    names = {phoneme: name for name, phoneme in TONE_PHONEMES.items()}
    tones: dict[str, Tone] = {}
    for mnemonic, _, program, _, _, low, high, _, _ in found[0].records:
        name = names[mnemonic.to_bytes(4, "little").rstrip(b"\0").decode("ascii")]
        envelopes: dict[int, bytes] = {}
        at = program
        while True:
            word = struct.unpack_from("<H", files["phonindex"], 2 * at)[0]
            if word == _I_RETURN:
                break
            low_word = struct.unpack_from("<H", files["phonindex"], 2 * at + 2)[0]
            address = ((word & 0xF) << 16) | low_word
            envelopes[word & 0xFF00] = files["phondata"][address : address + _ENV_LEN]
            at += 2
        tones[name] = Tone(
            name, TONE_PHONEMES[name], low, high, envelopes[_I_PITCHENV], envelopes.get(_I_AMPENV)
        )
    return tones


# --- the derived folder -----------------------------------------------------------------


def cache_root() -> Path:
    """``$XDG_CACHE_HOME/vnreader/espeak-data``, or ``~/.cache/vnreader/espeak-data``."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"
    return root / "vnreader" / "espeak-data"


def _key(source: Path, files: dict[str, bytes], tables: list[ToneTable]) -> str:
    # The copy links to ``source``'s other files: one copy per installation of the data
    # (a virtual environment made again elsewhere gets its own, never a copy whose links
    # lead into a removed one).
    data = hashlib.sha256(str(source.resolve()).encode())
    for name in _PHONEME_FILES:
        data.update(hashlib.sha256(files[name]).digest())
    tones = hashlib.sha256(_FORMAT.encode())
    for digest in sorted({t.digest for t in tables}):
        tones.update(digest.encode())
    return f"{data.hexdigest()[:16]}-{tones.hexdigest()[:16]}"


def _matches(folder: Path, tables: list[ToneTable], source: Path) -> bool:
    """Whether ``folder`` is a whole copy of ``source`` with ``tables``: the tables read
    back, and every other entry a link to ``source``'s that still leads somewhere."""
    try:
        for entry in os.listdir(source):
            if entry in _PHONEME_FILES:
                continue
            link = folder / entry
            if os.readlink(link) != str(source / entry) or not link.exists():
                return False
        return all(read_back(folder, t) == t.tones for t in tables)
    except (VnreaderError, OSError, KeyError, struct.error):
        return False


def _prune(root: Path, keep: Path) -> None:
    """Remove the copies under ``root`` whose links lead nowhere (their data was removed:
    an old virtual environment), so that the cache does not grow with each one."""
    try:
        entries = list(root.iterdir())
    except OSError:
        return
    for folder in entries:
        if folder == keep or folder.name.startswith(".") or not folder.is_dir():
            continue
        probe = folder / "intonations"
        if probe.is_symlink() and not probe.exists():
            shutil.rmtree(folder, ignore_errors=True)


def derive(
    source: str | os.PathLike[str], tables: list[ToneTable], root: Path | None = None
) -> Path:
    """A copy of the espeak-ng data folder ``source`` with ``tables`` added; made once per
    (data folder, data digest, tables' digests) under ``root`` (default :func:`cache_root`),
    and made again when a link of it leads nowhere; written
    whole into a temporary folder and renamed into place. Raises :class:`VnreaderError`
    (one line) for data of another layout, or when nothing can be written."""
    source = Path(source)
    unique = list({t.digest: t for t in tables}.values())
    files = _files(source)
    root = cache_root() if root is None else root
    target = root / _key(source, files, unique)
    if target.is_dir() and _matches(target, unique, source):
        return target
    patched = _patch(files, unique)
    try:
        root.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(prefix=".building-", dir=root))
    except OSError as exc:
        raise VnreaderError(f"cannot write espeak-ng tone data under {root}: {exc}") from None
    try:
        for entry in sorted(os.listdir(source)):
            if entry not in patched:
                os.symlink(source / entry, building / entry)
        for name, data in patched.items():
            (building / name).write_bytes(data)
        if target.exists():
            if _matches(target, unique, source):  # another process made it meanwhile
                shutil.rmtree(building, ignore_errors=True)
                return target
            shutil.rmtree(target, ignore_errors=True)  # a broken copy
        os.rename(building, target)
    except OSError as exc:
        shutil.rmtree(building, ignore_errors=True)
        if target.is_dir() and _matches(target, unique, source):
            return target  # another process made it first
        raise VnreaderError(f"cannot write espeak-ng tone data under {root}: {exc}") from None
    _prune(root, target)
    return target


# --- what the engine asks for -----------------------------------------------------------

#: Tables asked for by path (``EspeakEngine(tones=PATH)``), by digest: loaded when the
#: library starts, with the shipped ones; a failure to load them is an error, not a fallback.
_REQUESTED: dict[str, ToneTable] = {}
_SHIPPED: dict[str, ToneTable] = {}


def shipped(name: str) -> ToneTable:
    """vnreader's tone table ``name`` (a file of ``vnreader/speech/data/``), read once."""
    if name not in _SHIPPED:
        _SHIPPED[name] = ToneTable(DATA_DIR / name)
    return _SHIPPED[name]


def request(table: ToneTable) -> None:
    """Load ``table`` too when espeak-ng starts (it cannot be added afterwards)."""
    _REQUESTED[table.digest] = table


@dataclass
class Loaded:
    """The tone tables of the running library: digest → phoneme table name."""

    tables: dict[str, str]
    problem: str | None = None
    #: (voice file digest or language file, table digest) → the voice file with the table.
    _toned: dict[tuple[str, str], VoiceFile] = field(default_factory=dict)

    def voice_file(
        self, tones: ToneTable | None, voice_file: VoiceFile | None, language_file: Path
    ) -> VoiceFile | None:
        """The voice file to load for a voice spoken with ``tones`` (``voice_file``, or
        espeak's own ``language_file`` when None, with the table's ``phonemes`` line);
        ``voice_file`` itself when ``tones`` is None or a shipped table could not be loaded
        (espeak's own tones, warned about once). A table asked for by path that is not
        loaded is a :class:`VnreaderError`."""
        if tones is None:
            return voice_file
        name = self.tables.get(tones.digest)
        if name is None:
            if tones.digest in _REQUESTED:
                why = self.problem or "it was asked for after espeak-ng had started"
                raise VnreaderError(f"espeak-ng cannot use the tone table {tones.path}: {why}")
            return voice_file
        key = (voice_file.digest if voice_file else str(language_file), tones.digest)
        if key not in self._toned:
            base = voice_file if voice_file is not None else VoiceFile(language_file)
            self._toned[key] = base.with_phonemes(name)
        return self._toned[key]


def prepare(source: str, defaults: list[str]) -> tuple[str, Loaded]:
    """The data folder to start espeak-ng with, for the shipped tables ``defaults`` and those
    asked for: a derived copy of ``source``, or ``source`` itself when there is nothing to
    add, ``source`` is incomplete (the engine reports that), or the data cannot be derived
    (a one-line warning; the voices then speak with espeak's own tones)."""
    if not (defaults or _REQUESTED) or not all(
        (Path(source) / name).is_file() for name in _PHONEME_FILES
    ):
        return source, Loaded({})
    try:
        tables = [shipped(name) for name in defaults] + list(_REQUESTED.values())
        folder = derive(source, tables)
    except VnreaderError as exc:
        log.warning("espeak-ng speaks with its own tones: %s", exc)
        return source, Loaded({}, str(exc))
    return str(folder), Loaded({t.digest: t.phoneme_table for t in tables})
