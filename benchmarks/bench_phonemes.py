"""Segments of espeak-ng's northern voice: what the recognizer hears when its phonemes change.

    nice python benchmarks/bench_phonemes.py [--per-article N] [--repeat R]
        [--rewrite NAME]... [--json OUT.json]

The same sample, recognizer and scores as ``bench_intelligibility.py`` (the shipped northern
default: vnreader's voice file and tone table, rate 100, 20 ms gap, pitch 60, range 80), but
each clause is spoken from phonemes: espeak's own phonemes for each punctuation-free stretch
(``espeak_TextToPhonemes``), rewritten word by word by the rows of
``benchmarks/phoneme-rewrites.tsv`` that ``--rewrite`` names, and given back to espeak as
phoneme input (``[[…]]``, the synthesis flag ``espeakPHONEMES``) with the punctuation
between the stretches kept as text. Conditions measured: ``text`` (the clause as text, as
vnreader speaks it), ``phonemes`` (espeak's own phonemes unchanged: the control, which
should score as ``text``) and every rewrite. Printed per condition: WER with its 95 %
bootstrap interval over clauses, CER, and how many of the words the rewrite changed were
heard right. With ``--repeat R`` every condition is measured R times (espeak's breath
noise, flutter and echo differ from call to call, so runs of one condition differ too).

This measures hypotheses; nothing here changes vnreader. docs/benchmarks.md has the table.
"""

from __future__ import annotations

import argparse
import csv
import ctypes
import json
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import bench_intelligibility as bench

REWRITES = Path(__file__).resolve().parent / "phoneme-rewrites.tsv"
#: espeak-ng's speak_lib.h: "allow [[ ]] phoneme input" in espeak_Synth's flags.
ESPEAK_PHONEMES = 0x100
PUNCTUATION = re.compile(r"([,;:.!?…]+)")


@dataclass(frozen=True)
class Rewrite:
    name: str
    words: re.Pattern[str]
    find: re.Pattern[str]
    replace: str

    def __call__(self, word: str, phonemes: str) -> str:
        if not self.words.search(word):
            return phonemes
        return self.find.sub(self.replace, phonemes)


def load_rewrites(path: Path = REWRITES) -> dict[str, Rewrite]:
    rows = [
        line for line in path.read_text(encoding="utf-8").splitlines() if line and line[0] != "#"
    ]
    table = {}
    for row in csv.DictReader(rows, delimiter="\t", quoting=csv.QUOTE_NONE):
        table[row["name"]] = Rewrite(
            row["name"], re.compile(row["words"]), re.compile(row["find"]), row["replace"]
        )
    return table


class Phonemizer:
    """espeak's phonemes for a text, from the library vnreader's engine has loaded."""

    def __init__(self) -> None:
        from vnreader.speech.engines import espeak

        self.lib = espeak._library().lib
        self.lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
        self.lib.espeak_TextToPhonemes.argtypes = [
            ctypes.POINTER(ctypes.c_void_p),
            ctypes.c_int,
            ctypes.c_int,
        ]

    def words(self, text: str) -> list[str]:
        """One phoneme string per word of ``text`` (no punctuation inside), end marks removed."""
        buffer = ctypes.create_string_buffer(text.encode("utf-8"))
        pointer = ctypes.c_void_p(ctypes.addressof(buffer))
        out: list[str] = []
        while pointer.value:
            out += self.lib.espeak_TextToPhonemes(ctypes.byref(pointer), 1, 0).decode().split()
        # espeak ends each word with "_" (a short pause in phoneme input) but "d_" is đ.
        return [p[:-1] if p.endswith("_") and not p.endswith("d_") else p for p in out]


def spoken(text: str, phonemizer: Phonemizer, rewrite: Rewrite | None, changed: list[bool]) -> str:
    """``text`` as espeak phoneme input, every word rewritten; ``changed`` gets a flag per word."""
    out = []
    for chunk in PUNCTUATION.split(text):
        if not chunk.strip():
            continue
        if PUNCTUATION.fullmatch(chunk):
            out.append(chunk + " ")
            continue
        words = chunk.split()
        phonemes = phonemizer.words(chunk)
        if len(phonemes) != len(words):  # e.g. a letter string espeak spells: word by word
            phonemes = [" ".join(phonemizer.words(w)) for w in words]
        said = []
        for word, ph in zip(words, phonemes, strict=True):
            new = rewrite(bench.plain(word), ph) if rewrite else ph
            changed.append(new != ph)
            said.append(new)
        out.append("[[" + " ".join(said) + "]]")
    return "".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-article", type=int, default=16, help="clauses per article")
    parser.add_argument("--repeat", type=int, default=1, help="runs of every condition")
    parser.add_argument("--rewrite", action="append", default=[], metavar="NAME")
    parser.add_argument(
        "--pause-ms",
        type=int,
        default=None,
        help="silence around each clause (default: narration's sentence pause; 0: none, "
        "as the fifth pass measured)",
    )
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    args = parser.parse_args()
    if args.pause_ms is not None and args.pause_ms < 0:
        parser.error("--pause-ms must be 0 or more")
    table = load_rewrites()
    unknown = [name for name in args.rewrite if name not in table]
    if unknown:
        print(f"unknown rewrite {unknown[0]!r}: one of {', '.join(table)}", file=sys.stderr)
        return 2
    recognizer = bench.load_recognizer()
    if recognizer is None:
        return 2
    from vnreader.speech import audio
    from vnreader.speech.engines import espeak, espeak_ffi

    silence = bench.clause_silence_ms(args.pause_ms)

    # Phoneme input on for this process; a text without "[[" is spoken exactly as before.
    espeak_ffi.ESPEAK_CHARS_UTF8 |= ESPEAK_PHONEMES
    engine = espeak.EspeakEngine("vi", pitch=60, word_gap=2, pitch_range=80)
    engine.synthesize("xin chào")
    phonemizer = Phonemizer()
    texts = [t for items in bench.sample(args.per_article, "north").values() for t in items]
    conditions = ["text", "phonemes", *args.rewrite]
    results: dict[str, list[dict[str, object]]] = {}
    for _ in range(args.repeat):
        for name in conditions:
            score, right, started = bench.Score(), [0, 0], time.perf_counter()
            for text in texts:
                changed: list[bool] = []
                say = text if name == "text" else spoken(text, phonemizer, table.get(name), changed)
                said = bench.padded(engine.synthesize(say), silence)
                heard = bench.transcribe(recognizer, audio.resample(said, bench.ASR_RATE).data)
                ref, hyp = bench.plain(text), bench.plain(heard)
                score.add(ref, hyp)
                if len(changed) == len(ref.split()):
                    right_words = bench.heard_right(ref.split(), hyp.split())
                    for flag, ok in zip(changed, right_words, strict=True):
                        right[0] += flag and ok
                        right[1] += flag
            low, high = score.interval()
            results.setdefault(name, []).append(
                {"wer": score.wer, "interval": (low, high), "cer": score.cer, "changed": right}
            )
            print(
                f"{name}: WER {score.wer:.3f} (95 % interval {low:.3f}-{high:.3f}) "
                f"CER {score.cer:.3f}; changed words heard right {right[0]}/{right[1]} "
                f"({score.words} words, {time.perf_counter() - started:.0f} s)",
                flush=True,
            )
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
