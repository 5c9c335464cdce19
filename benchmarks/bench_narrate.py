"""Narration benchmark: cold and warm real-time factor and peak memory, per engine here.

    nice python benchmarks/bench_narrate.py [--article PAGE.html] [--runs 3]
                                            [--piper-voice NAME_OR_ONNX]... [--json]

For each engine that can run on this machine (espeak always; piper with every installed
voice and every ``--piper-voice``; the online engines only with ``--online``, since a
benchmark must not depend on Microsoft or Google), the article (default: the seed,
tests/fixtures/pages/tanhiep_seed.html) is narrated in a fresh child process each time, so
that each figure's peak memory is its own:

1. **cold**: an empty cache directory: every sentence synthesized, loudness measured, MP3
   encoded;
2. **warm**: the same article again with the same cache (sentences and the finished MP3
   come from the cache);
3. **edited**: one sentence changed (a number in the last paragraph), same cache: one
   sentence synthesized, loudness and encoding done again on the whole audio.

Printed per engine and run: wall time inside the child (from before ``narrate`` to after),
the audio's duration, real-time factor (wall / audio; lower is faster), warm / cold, and
peak memory: the Python process's (VmHWM, which includes the engine's library and model)
and the largest ffmpeg child's (ru_maxrss of children). The best of ``--runs`` is kept for
time; the highest for memory. Targets: cold RTF <= 0.15 with espeak-ng, warm <= 10 % of cold,
memory < 200 MB.
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

page, out, cache, engine, voice, edit = sys.argv[1:7]
article = extract_bytes(Path(page).read_bytes())
if edit == "1":
    blocks = list(article.blocks)
    for i in range(len(blocks) - 1, -1, -1):
        text = blocks[i].text
        digits = [c for c in text if c.isdigit()]
        if digits:
            d = digits[-1]
            new = str((int(d) + 2) % 10)
            at = text.rfind(d)
            blocks[i] = dataclasses.replace(blocks[i], text=text[:at] + new + text[at + 1:])
            break
    else:
        blocks[-1] = dataclasses.replace(blocks[-1], text=blocks[-1].text + " Xin cảm ơn.")
    article = dataclasses.replace(article, blocks=tuple(blocks))
start = time.perf_counter()
result = narrate(article, Path(out), engine=engine, voice=voice or None, cache_dir=Path(cache))
wall = time.perf_counter() - start
hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"wall": wall, "audio_s": result.duration_ms / 1000,
                  "hwm_mb": hwm / 1024, "ffmpeg_mb": kids / 1024}))
"""


def run_child(page: Path, out: Path, cache: Path, engine: str, voice: str, edit: bool) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(page), str(out), str(cache), engine, voice,
         "1" if edit else "0"],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    if proc.returncode != 0:
        raise SystemExit(f"narration failed ({engine} {voice}): {proc.stderr.strip()[-400:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def measure(page: Path, engine: str, voice: str, runs: int) -> dict[str, dict[str, float]]:
    best: dict[str, dict[str, float]] = {}
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="bench-narrate-") as tmp:
            folder = Path(tmp)
            cache = folder / "cache"
            steps = (
                ("cold", folder / "cold.mp3", False),
                ("warm", folder / "warm.mp3", False),
                ("edited", folder / "edited.mp3", True),
            )
            for name, out, edit in steps:
                got = run_child(page, out, cache, engine, voice, edit)
                kept = best.get(name)
                if kept is None:
                    best[name] = got
                else:
                    kept["wall"] = min(kept["wall"], got["wall"])
                    kept["hwm_mb"] = max(kept["hwm_mb"], got["hwm_mb"])
                    kept["ffmpeg_mb"] = max(kept["ffmpeg_mb"], got["ffmpeg_mb"])
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
    print(f"{'engine':<8} {'voice':<28} {'run':<7} {'wall s':>7} {'audio s':>8} {'RTF':>7} "
          f"{'vs cold':>8} {'python MB':>10} {'ffmpeg MB':>10}")  # fmt: skip
    verdicts = []
    for row in results:
        cold = row["cold"]["wall"]
        for name in ("cold", "warm", "edited"):
            fig = row[name]
            rtf = fig["wall"] / fig["audio_s"]
            print(
                f"{row['engine']:<8} {row['voice'][-28:]:<28} {name:<7} {fig['wall']:>7.2f} "
                f"{fig['audio_s']:>8.1f} {rtf:>7.4f} {fig['wall'] / cold:>7.1%} "
                f"{fig['hwm_mb']:>10.1f} {fig['ffmpeg_mb']:>10.1f}"
            )
        peak = max(max(row[n]["hwm_mb"], row[n]["ffmpeg_mb"]) for n in ("cold", "warm", "edited"))
        cold_rtf = cold / row["cold"]["audio_s"]
        if row["engine"] == "espeak":
            verdicts.append(f"espeak cold RTF {cold_rtf:.3f} (target <= 0.15): "
                            f"{'met' if cold_rtf <= 0.15 else 'NOT met'}")  # fmt: skip
        warm_ratio = row["warm"]["wall"] / cold
        edited_ratio = row["edited"]["wall"] / cold
        verdicts.append(
            f"{row['engine']} {row['voice']}: warm {warm_ratio:.1%} of cold "
            f"({'met' if warm_ratio <= 0.10 else 'NOT met'}), edited {edited_ratio:.1%} "
            f"({'met' if edited_ratio <= 0.10 else 'NOT met'}); peak memory {peak:.0f} MB "
            f"({'met' if peak < 200 else 'NOT met'})"
        )
    print("\n".join(verdicts))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
