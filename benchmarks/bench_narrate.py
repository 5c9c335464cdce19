"""Narration benchmark: cold and warm real-time factor and peak memory, per engine here.

    nice python benchmarks/bench_narrate.py [--article PAGE.html] [--runs 3]
                                            [--piper-voice NAME_OR_ONNX]... [--json]

For each engine that can run on this machine (espeak always; piper with every installed
voice and every ``--piper-voice``; the online engines only with ``--online``, since a
benchmark must not depend on Microsoft or Google), the article (default: the seed,
tests/fixtures/pages/tanhiep_seed.html) is narrated in a fresh child process each time, so
that the peak memory is its own:

1. **cold**: an empty cache directory: every sentence synthesized, loudness measured, MP3
   encoded;
2. **warm**: the same article again with the same cache (sentences and the finished MP3
   come from the cache);
3. **edited**: one sentence changed (a number in the last paragraph), same cache: one
   sentence synthesized, analysed, encoded and measured; the other sentences' loudness
   data and MP3 frames come from the piece cache;
4. **warm_fresh**: the unchanged article once more, in a new process.

Printed per engine and run: wall time inside the child (from before ``narrate`` to after),
the audio's duration, real-time factor (wall / audio; lower is faster), the ratio to cold,
and the peak memory of the Python process (VmHWM: it includes the engine's library and
model; the ffmpeg processes narration starts are separate and not counted). cold, warm and
edited run in one process, as ``publish`` narrates many articles in one; ``warm_fresh`` is
the warm run again in a new process, which also pays the normalizer's start-up (compiling
its rules, about a second). The best of ``--runs`` is kept for time; the highest for
memory. Targets: cold RTF <= 0.15 with espeak-ng, warm <= 10 % of cold, memory < 200 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "fixtures" / "pages" / "tanhiep_seed.html"

CHILD = r"""
import dataclasses, json, resource, sys, time
from pathlib import Path
from vnreader.extract import extract_bytes
from vnreader.speech.narrate import narrate

page, folder, engine, voice, steps = sys.argv[1:6]
folder = Path(folder)
article = extract_bytes(Path(page).read_bytes())


def edited(article):
    blocks = list(article.blocks)
    for i in range(len(blocks) - 1, -1, -1):
        text = blocks[i].text
        digits = [c for c in text if c.isdigit()]
        if digits:
            at = text.rfind(digits[-1])
            new = str((int(digits[-1]) + 2) % 10)
            blocks[i] = dataclasses.replace(blocks[i], text=text[:at] + new + text[at + 1:])
            return dataclasses.replace(article, blocks=tuple(blocks))
    last = blocks[-1]
    blocks[-1] = dataclasses.replace(last, text=last.text + " Xin cảm ơn.")
    return dataclasses.replace(article, blocks=tuple(blocks))


out = {}
for step in steps.split(","):
    source = edited(article) if step == "edited" else article
    start = time.perf_counter()
    result = narrate(source, folder / f"{step}.mp3", engine=engine, voice=voice or None,
                     cache_dir=folder / "cache")
    out[step] = {"wall": time.perf_counter() - start, "audio_s": result.duration_ms / 1000}
hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
out["hwm_mb"] = hwm / 1024
print(json.dumps(out))
"""

STEPS = ("cold", "warm", "edited", "warm_fresh")


def run_child(page: Path, folder: Path, engine: str, voice: str, steps: str) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(page), str(folder), engine, voice, steps],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    if proc.returncode != 0:
        raise SystemExit(f"narration failed ({engine} {voice}): {proc.stderr.strip()[-400:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def measure(page: Path, engine: str, voice: str, runs: int) -> dict[str, dict[str, float]]:
    """cold, warm and edited in one process (as publish narrates many articles in one),
    then warm again in a fresh process (which pays the normalizer's start-up again)."""
    best: dict[str, dict[str, float]] = {}
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="bench-narrate-") as tmp:
            folder = Path(tmp)
            same = run_child(page, folder, engine, voice, "cold,warm,edited")
            fresh = run_child(page, folder, engine, voice, "warm")
            figures = {**{k: same[k] for k in ("cold", "warm", "edited")}}
            figures["warm_fresh"] = fresh["warm"]
            for name in STEPS:
                source = fresh if name == "warm_fresh" else same
                figures[name]["hwm_mb"] = source["hwm_mb"]
                kept = best.get(name)
                if kept is None:
                    best[name] = figures[name]
                else:
                    kept["wall"] = min(kept["wall"], figures[name]["wall"])
                    kept["hwm_mb"] = max(kept["hwm_mb"], figures[name]["hwm_mb"])
    return best


def engines_here(piper_voices: list[str], online: bool) -> list[tuple[str, str]]:
    found = [("espeak", "")]
    try:
        from vnreader.speech.voices import installed_piper_voices

        names = installed_piper_voices()
    except Exception:
        names = []
    found += [("piper", name) for name in [*names, *piper_voices]]
    if online:
        found += [("edge", ""), ("gtts", "")]
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--article", type=Path, default=SEED)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--piper-voice", action="append", default=[])
    parser.add_argument("--online", action="store_true", help="also edge and gtts (network)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = []
    for engine, voice in engines_here(args.piper_voice, args.online):
        figures = measure(args.article, engine, voice, max(1, args.runs))
        results.append({"engine": engine, "voice": voice or "(default)", **figures})
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(f"article: {args.article.name}; best of {args.runs} (time), highest (memory)")
    print(f"{'engine':<8} {'voice':<28} {'run':<10} {'wall s':>7} {'audio s':>8} {'RTF':>7} "
          f"{'vs cold':>8} {'peak MB':>8}")  # fmt: skip
    verdicts = []
    for row in results:
        cold = row["cold"]["wall"]
        for name in STEPS:
            fig = row[name]
            rtf = fig["wall"] / fig["audio_s"]
            print(
                f"{row['engine']:<8} {row['voice'][-28:]:<28} {name:<10} {fig['wall']:>7.2f} "
                f"{fig['audio_s']:>8.1f} {rtf:>7.4f} {fig['wall'] / cold:>7.1%} "
                f"{fig['hwm_mb']:>8.1f}"
            )
        peak = max(row[n]["hwm_mb"] for n in STEPS)
        cold_rtf = cold / row["cold"]["audio_s"]
        if row["engine"] == "espeak":
            verdicts.append(f"espeak cold RTF {cold_rtf:.3f} (target <= 0.15): "
                            f"{'met' if cold_rtf <= 0.15 else 'NOT met'}")  # fmt: skip
        ratios = {n: row[n]["wall"] / cold for n in ("warm", "warm_fresh", "edited")}
        verdicts.append(
            f"{row['engine']} {row['voice']}: "
            + ", ".join(
                f"{n} {r:.1%} of cold ({'met' if r <= 0.10 else 'NOT met'})"
                for n, r in ratios.items()
            )
            + f"; peak memory {peak:.0f} MB ({'met' if peak < 200 else 'NOT met'})"
        )
    print("\n".join(verdicts))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
