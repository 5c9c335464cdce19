"""Speed, cold start and memory of vnreader's normalizer, and the speed of its competitors.

Prints, on the generated portal corpus (``make_corpus.py``; built here when missing):

a. vnreader throughput in kchar/s (input characters per second), one process pinned to one
   core, best of ``--runs`` after a warm-up: line by line and the whole text in one call;
b. cold start of ``python -c "from vnreader.normalizer import normalize; normalize(...)"`` in a
   fresh subprocess (median of ``--cold-runs``), split into interpreter start, import, first call,
   with the compiled-expression cache filled (the normal case: ``regexcache.py``), and the
   same with an empty cache (the very first run on a machine);
c. peak memory of a subprocess that normalizes the whole corpus (VmHWM, the peak resident set
   since exec; ru_maxrss is printed too but Linux carries it over from the parent), and the
   tracemalloc peak of the same work;
d. line-by-line throughput of every competitor that is installed (vinorm, vietnormalizer,
   soe-vinorm, g2p-hamster, NeMo), on the whole corpus or, for slow ones, on a fixed sample
   of the corpus's first lines, with a per-call time limit, and the ratio vnreader/competitor.

Competitors are looked up in the running interpreter: run this script with the Python of a
virtual environment that has ``pip install -e '.[bench]'``.

    python benchmarks/bench_normalize.py                 # everything
    python benchmarks/bench_normalize.py --skip-competitors --runs 5
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from make_corpus import DEFAULT_OUT, ensure_corpus  # noqa: E402
from systems import COMPETITORS, load  # noqa: E402

TARGET_KCHARS = 1000.0  # kchar/s, single core, the document pass included (issue 15)
TARGET_RATIO = 3.0  # times the fastest competitor in the same run
TARGET_COLD_S = 0.3
TARGET_MEM_MB = 60.0
COLD_SENTENCE = "Hội nghị BCH HU ngày 09-12-2019"


def pin_to_one_core() -> str:
    """Pin this process (and its children) to one CPU, like ``taskset -c 0``."""
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no sched_setaffinity)"
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return f"pinned to CPU {cpu}"


def mark(ok: bool) -> str:
    return "OK  " if ok else "MISS"


# --- (a) throughput -------------------------------------------------------------------------


def vnreader_throughput(text: str, lines: list[str], runs: int) -> dict[str, float]:
    from vnreader.normalizer import Normalizer

    normalizer = Normalizer()
    norm = normalizer.normalize
    n_chars = len(text)
    line_chars = sum(len(x) for x in lines)
    for line in lines[:300]:  # warm-up: caches, lazily loaded tables, branch predictors
        norm(line)
    norm(text[:20_000])
    best_lines = best_whole = best_doc = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        for line in lines:
            norm(line)
        best_lines = min(best_lines, time.perf_counter() - t0)
        t0 = time.perf_counter()
        norm(text)
        best_whole = min(best_whole, time.perf_counter() - t0)
        # the lines as the parts of one document: definitions carried from line to line
        t0 = time.perf_counter()
        normalizer.normalize_document(lines)
        best_doc = min(best_doc, time.perf_counter() - t0)
    return {
        "lines_kchar_s": line_chars / best_lines / 1000,
        "whole_kchar_s": n_chars / best_whole / 1000,
        "document_kchar_s": line_chars / best_doc / 1000,
        "lines_s": best_lines,
        "whole_s": best_whole,
        "document_s": best_doc,
    }


# --- (b) cold start -------------------------------------------------------------------------


def _run_child(cmd: list[str], env: dict[str, str] | None = None) -> str:
    """stdout of ``cmd``; on failure raise with the child's last error line."""
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode:
        last = (proc.stderr.strip().splitlines() or ["?"])[-1]
        raise RuntimeError(f"subprocess failed: {last}")
    return proc.stdout


def _median_wall(code: str, runs: int, env: dict[str, str] | None = None) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        _run_child([sys.executable, "-c", code], env)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def cold_start(runs: int) -> dict[str, float]:
    # Not "import vnreader.normalizer as n": vnreader/__init__.py re-exports the function
    # ``normalize``, which shadows the submodule attribute, so ``n`` would be the function.
    full = f"from vnreader.normalizer import normalize; normalize({COLD_SENTENCE!r})"
    _run_child([sys.executable, "-c", full])  # fills the compiled-expression cache if empty
    start = _median_wall("pass", runs)
    imported = _median_wall("from vnreader.normalizer import normalize", runs)
    total = _median_wall(full, runs)
    # The very first run on a machine: an empty compiled-expression cache (a fresh folder
    # each time), so every expression is parsed and compiled.
    empty = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as folder:
            env = {**os.environ, "VNREADER_REGEX_CACHE": folder}
            t0 = time.perf_counter()
            _run_child([sys.executable, "-c", full], env)
            empty.append(time.perf_counter() - t0)
    return {
        "total_s": total,
        "interpreter_s": start,
        "import_s": max(0.0, imported - start),
        "first_call_s": max(0.0, total - imported),
        "empty_cache_s": statistics.median(empty),
    }


# --- (c) memory -----------------------------------------------------------------------------

_MEM_CODE = """
import resource, sys, tracemalloc

def hwm_kib():
    # VmHWM: this process's peak resident set since exec. ru_maxrss is not used as the
    # figure because Linux carries it over from the parent across fork/vfork + exec, so
    # a child of a big parent reports the parent's size.
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

mode = sys.argv[2]
if mode == "trace":
    tracemalloc.start()
from vnreader.normalizer import Normalizer
norm = Normalizer()
norm.normalize("Hội nghị BCH HU ngày 09-12-2019")
after_import = hwm_kib()
if mode != "import":
    text = open(sys.argv[1], encoding="utf-8").read()
    out = norm.normalize(text)
    for line in text.splitlines():
        norm.normalize(line)
peak = tracemalloc.get_traced_memory()[1] if mode == "trace" else 0
print(hwm_kib(), after_import, peak, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def memory(corpus: Path) -> dict[str, float]:
    def run(mode: str) -> list[int]:
        out = _run_child([sys.executable, "-c", _MEM_CODE, str(corpus), mode])
        return [int(x) for x in out.split()]

    plain = run("plain")
    traced = run("trace")
    return {
        "peak_rss_mb": plain[0] / 1024,  # KiB
        "rss_after_import_mb": plain[1] / 1024,
        "tracemalloc_peak_mb": traced[2] / 2**20,
        "ru_maxrss_mb": plain[3] / 1024,
    }


# --- (d) competitors ------------------------------------------------------------------------


class CallTimeout(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise CallTimeout


def timed_calls(fn, lines: list[str], call_timeout: float) -> tuple[float, int, int]:
    """Seconds spent on ``lines``, with the count of calls that failed and timed out.

    The limit uses SIGALRM, so it interrupts Python code; a long call inside C code (a
    finite-state transducer) is only stopped when it returns to Python.
    """
    failed = timed_out = 0
    use_alarm = hasattr(signal, "setitimer")
    if use_alarm:
        old = signal.signal(signal.SIGALRM, _alarm)
    t0 = time.perf_counter()
    try:
        for line in lines:
            try:
                if use_alarm:
                    signal.setitimer(signal.ITIMER_REAL, call_timeout)
                fn(line)
            except CallTimeout:
                timed_out += 1
            except Exception:
                failed += 1
            finally:
                if use_alarm:
                    signal.setitimer(signal.ITIMER_REAL, 0)
    finally:
        if use_alarm:
            signal.signal(signal.SIGALRM, old)
    return time.perf_counter() - t0, failed, timed_out


def _prefix(lines: list[str], n_chars: int) -> list[str]:
    out, total = [], 0
    for line in lines:
        if total >= n_chars:
            break
        out.append(line)
        total += len(line)
    return out


def competitor(
    name: str, lines: list[str], args: argparse.Namespace, vnreader_fn
) -> dict[str, object]:
    t0 = time.perf_counter()
    fn, status = load(name)
    load_s = time.perf_counter() - t0
    if fn is None:
        return {"status": status}
    calib = _prefix(lines, 5_000)
    timed_calls(fn, calib[:5], args.call_timeout)  # warm-up
    secs, _, _ = timed_calls(fn, calib, args.call_timeout)
    speed = sum(map(len, calib)) / max(secs, 1e-9)
    total_chars = sum(map(len, lines))
    if total_chars / speed > args.budget:
        sample = _prefix(lines, args.sample_chars)
        scope = f"sample: first {len(sample):,} lines, {sum(map(len, sample)):,} chars"
    else:
        sample = lines
        scope = f"whole corpus, {total_chars:,} chars"
    secs, failed, timed_out = timed_calls(fn, sample, args.call_timeout)
    # vnreader on exactly the same lines, best of 3, for the ratio
    ref = min(timed_calls(vnreader_fn, sample, args.call_timeout)[0] for _ in range(3))
    return {
        "status": "ok",
        "load_s": load_s,
        "scope": scope,
        "kchar_s": sum(map(len, sample)) / secs / 1000,
        "ratio": secs / ref,
        "failed": failed,
        "timed_out": timed_out,
    }


# --- main -----------------------------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--runs", type=int, default=3, help="timed runs for vnreader (best kept)")
    ap.add_argument("--cold-runs", type=int, default=5, help="subprocesses per cold-start step")
    ap.add_argument("--systems", default=",".join(COMPETITORS), help="competitors to time")
    ap.add_argument("--skip-competitors", action="store_true")
    ap.add_argument("--budget", type=float, default=60.0, help="s a competitor may take")
    ap.add_argument("--sample-chars", type=int, default=50_000, help="sample for slow competitors")
    ap.add_argument("--call-timeout", type=float, default=10.0, help="s per competitor call")
    ap.add_argument("--no-pin", action="store_true", help="do not pin to one CPU")
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    args = ap.parse_args()

    pinned = "not pinned" if args.no_pin else pin_to_one_core()
    corpus = ensure_corpus(args.corpus) if args.corpus == DEFAULT_OUT else args.corpus
    text = corpus.read_text("utf-8")
    lines = [x for x in text.splitlines() if x.strip()]
    results: dict[str, object] = {}
    print(f"corpus: {corpus} — {len(text.encode('utf-8')):,} bytes, {len(text):,} chars, ")
    print(f"        {len(lines):,} non-empty lines; python {sys.version.split()[0]}; {pinned}")
    print()

    tp = vnreader_throughput(text, lines, args.runs)
    results["vnreader_throughput"] = tp
    print(f"(a) vnreader throughput, best of {args.runs} (target >= {TARGET_KCHARS:.0f} kchar/s)")
    for key, label in (
        ("lines_kchar_s", "line by line"),
        ("whole_kchar_s", "whole text"),
        ("document_kchar_s", "as document"),
    ):
        v = tp[key]
        print(f"    {mark(v >= TARGET_KCHARS)} {label:13s} {v:9.1f} kchar/s")
    print()

    print(f"(b) cold start, median of {args.cold_runs} (target < {TARGET_COLD_S} s)")
    try:
        cs = cold_start(args.cold_runs)
    except RuntimeError as e:
        cs = {"error": str(e)}
        print(f"    {e}")
    results["cold_start"] = cs
    if "error" not in cs:
        print(f"    {mark(cs['total_s'] < TARGET_COLD_S)} total          {cs['total_s']:.3f} s")
        print(f"         interpreter    {cs['interpreter_s']:.3f} s")
        print(f"         import         {cs['import_s']:.3f} s")
        print(f"         first call     {cs['first_call_s']:.3f} s")
        print(f"         first run ever {cs['empty_cache_s']:.3f} s (empty regex cache)")
    print()

    print(f"(c) peak memory, whole corpus (target < {TARGET_MEM_MB:.0f} MB)")
    try:
        mem = memory(corpus)
    except RuntimeError as e:
        mem = {"error": str(e)}
        print(f"    {e}")
    results["memory"] = mem
    if "error" not in mem:
        peak, after = mem["peak_rss_mb"], mem["rss_after_import_mb"]
        print(f"    {mark(peak < TARGET_MEM_MB)} peak RSS       {peak:7.1f} MB (VmHWM)")
        print(f"         after import   {after:7.1f} MB (VmHWM, before the corpus)")
        print(f"         tracemalloc    {mem['tracemalloc_peak_mb']:7.1f} MB (Python heap peak)")
        print(f"         ru_maxrss      {mem['ru_maxrss_mb']:7.1f} MB (inherits the parent's size)")
    print()

    if not args.skip_competitors:
        from vnreader.normalizer import Normalizer

        vn = Normalizer().normalize
        print("(d) competitors, line by line; ratio = vnreader speed / competitor speed,")
        print("    both timed on the same lines (the whole corpus or the same sample)")
        comp: dict[str, object] = {}
        for name in [s.strip() for s in args.systems.split(",") if s.strip()]:
            r = competitor(name, lines, args, vn)
            comp[name] = r
            if r["status"] != "ok":
                print(f"    {name:15s} {r['status']}")
                continue
            errs = (
                f"; {r['failed']} failed, {r['timed_out']} timed out"
                if (r["failed"] or r["timed_out"])
                else ""
            )
            print(
                f"    {name:15s} {r['kchar_s']:9.2f} kchar/s  ratio {r['ratio']:8.1f}x"
                f"  (load {r['load_s']:.1f} s; {r['scope']}{errs})"
            )
        results["competitors"] = comp
        ratios = [r["ratio"] for r in comp.values() if r.get("status") == "ok"]
        if ratios:
            worst = min(ratios)
            print(
                f"    {mark(worst >= TARGET_RATIO)} vs the fastest competitor: {worst:.1f}x"
                f" (target >= {TARGET_RATIO:.0f}x)"
            )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False), "utf-8")


if __name__ == "__main__":
    main()
