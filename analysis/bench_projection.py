"""Benchmark of the stock-flow projection (trends.projection.project).

Times, as the median of ``--runs`` runs (wall clock and process CPU time):

- ``fits``: fitting recruits and casualties on the shipped claims;
- ``project (fits given)``: sampling the paths, drawing the assumptions and running the
  model once for the baseline and every scenario (the values at ``until``);
- ``project (with fits)``: the same, fits included;
- ``paths, one variable x scenario``: materialising one draws x days array (mean over all
  variables and scenarios);
- ``quantiles, one variable``: the daily mean and quantile table of the reserve;
- ``summary``: the text summary;
- ``sensitivity``: first-order indices of the baseline's stocks at ``until``.

Peak memory: ``tracemalloc`` peak of Python and numpy allocations during one
``project`` call with the fits given (and with one path array and its quantile table
on top), and the process's peak resident set (``resource.getrusage``, whole run).

Run ``python analysis/bench_projection.py`` (defaults: 10,000 draws, 2025-01-01 ..
2027-12-31 daily, every scenario); writes ``analysis/output/bench_projection.csv``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np

from trends.assumptions import read_assumptions  # noqa: E402
from trends.claims import read_claims
from trends.files import atomic_write_text
from trends.model import fit
from trends.projection import project  # noqa: E402
from trends.sensitivity import sensitivity
from trends.stockflow import VARIABLES

ROOT = Path(__file__).resolve().parents[1]


def timed(func, runs: int):
    """Median wall and CPU seconds of ``runs`` calls, and the last result."""
    walls, cpus, out = [], [], None
    for _ in range(runs):
        w0, c0 = time.perf_counter(), time.process_time()
        out = func()
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    return statistics.median(walls), statistics.median(cpus), out


def peak_rss() -> int:
    """Peak resident set of this process in bytes (VmHWM: reset by exec, unlike maxrss,
    which a child inherits from the process that forked it)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def rss_only(args) -> int:
    """In a fresh process: fits, then one projection; print peak RSS (bytes) after each."""
    claims = read_claims(args.claims)
    a = read_assumptions(args.assumptions)
    first = a.start - dt.timedelta(days=a.max_delay(list(a.scenarios)))
    f = {
        role: fit(claims, a.quantity(role), start=first, until=args.until, rng=i)
        for i, role in enumerate(("recruits", "casualties"))
    }
    before = peak_rss()
    p = project(claims, a, args.until, scenarios="all", draws=args.draws, seed=0, fits=f)
    p.quantiles("reserve")
    print(peak_rss(), before)
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=10_000)
    ap.add_argument("--until", type=dt.date.fromisoformat, default=dt.date(2027, 12, 31))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--claims", type=Path, default=ROOT / "data" / "claims.csv")
    ap.add_argument("--assumptions", type=Path, default=ROOT / "data" / "assumptions.toml")
    ap.add_argument(
        "--out", type=Path, default=ROOT / "analysis" / "output" / "bench_projection.csv"
    )
    ap.add_argument("--rss-only", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    warnings.simplefilter("ignore")  # sparse-data warnings of the fits
    if args.rss_only:
        return rss_only(args)

    claims = read_claims(args.claims)
    a = read_assumptions(args.assumptions)
    scen = list(a.scenarios)
    lead = a.max_delay(scen)
    first = a.start - dt.timedelta(days=lead)
    days = (args.until - a.start).days + 1

    def fits():
        return {
            role: fit(claims, a.quantity(role), start=first, until=args.until, rng=i)
            for i, role in enumerate(("recruits", "casualties"))
        }

    rows = []

    def add(step, wall, cpu, note=""):
        rows.append({"step": step, "wall_s": wall, "cpu_s": cpu, "note": note})

    w, c, f = timed(fits, args.runs)
    add("fits (recruits + casualties)", w, c, f"{len(claims)} claims")
    kw = dict(scenarios="all", draws=args.draws, seed=0)
    w, c, p = timed(lambda: project(claims, a, args.until, fits=f, **kw), args.runs)
    add("project (fits given)", w, c, f"{args.draws:,} draws x {days} days x {1 + len(scen)} runs")
    w, c, _ = timed(lambda: project(claims, a, args.until, **kw), args.runs)
    add("project (with fits)", w, c)

    walls, cpus = [], []
    for s in p.scenarios:
        for v in VARIABLES:
            p._paths.clear()
            w0, c0 = time.perf_counter(), time.process_time()
            p.paths(v, s)
            walls.append(time.perf_counter() - w0)
            cpus.append(time.process_time() - c0)
    add(
        "paths, one variable x scenario",
        statistics.mean(walls),
        statistics.mean(cpus),
        f"mean of {len(walls)}; all of them {sum(walls):.2f} s wall",
    )

    def quant():
        p._tables.clear()
        return p.quantiles("reserve")

    p.paths("reserve")
    w, c, _ = timed(quant, args.runs)
    add("quantiles, one variable", w, c, "reserve, paths cached")
    w, c, _ = timed(lambda: str(p.summary()), args.runs)
    add("summary", w, c)
    w, c, _ = timed(lambda: sensitivity(p), args.runs)
    add("sensitivity", w, c, "baseline: 4 stocks x 13 inputs, 20 bins")

    # memory, apart from the timings (tracemalloc slows allocation)
    tracemalloc.start()
    q = project(claims, a, args.until, fits=f, **kw)
    peak_project = tracemalloc.get_traced_memory()[1]
    tracemalloc.reset_peak()
    q.quantiles("reserve")
    peak_query = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    stored = q.recruits_paths.nbytes + q.casualties_paths.nbytes
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    child = subprocess.run(
        [
            sys.executable,
            __file__,
            "--rss-only",
            "--draws",
            str(args.draws),
            "--until",
            str(args.until),
            "--claims",
            str(args.claims),
            "--assumptions",
            str(args.assumptions),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    rss_fresh, rss_before = (int(x) for x in child.stdout.split())
    mem = [
        ("inputs kept by Projection (float32 paths)", stored),
        ("tracemalloc peak, project (fits given)", peak_project),
        ("tracemalloc peak, + one path array and its quantiles", peak_query),
        ("fresh process: peak RSS after the two fits", rss_before),
        ("fresh process: peak RSS, fits + project + one quantile table", rss_fresh),
        ("this process: peak RSS (getrusage maxrss, whole benchmark)", maxrss),
    ]

    out = io.StringIO()
    out.write(
        f"trends stock-flow benchmark: {args.draws:,} draws, {a.start}..{args.until} "
        f"({days} days), baseline + {len(scen)} scenarios; median of {args.runs} runs; "
        f"numpy {np.__version__}\n\n"
    )
    out.write(f"{'step':<40} {'wall s':>8} {'cpu s':>8}  note\n")
    for r in rows:
        out.write(f"{r['step']:<40} {r['wall_s']:>8.3f} {r['cpu_s']:>8.3f}  {r['note']}\n")
    out.write(f"\n{'memory':<62} {'MiB':>8}\n")
    for name, b in mem:
        out.write(f"{name:<62} {b / 2**20:>8.1f}\n")
    sys.stdout.write(out.getvalue())

    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["kind", "step", "wall_s", "cpu_s", "mib", "note"])
    for r in rows:
        w.writerow(["time", r["step"], f"{r['wall_s']:.4f}", f"{r['cpu_s']:.4f}", "", r["note"]])
    for name, b in mem:
        w.writerow(["memory", name, "", "", f"{b / 2**20:.1f}", ""])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(args.out, buf.getvalue())
    print(f"\nwrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
