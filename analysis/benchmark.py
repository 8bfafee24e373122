"""Benchmark of the latent daily-rate model: fit speed and memory.

Sections (each a function returning rows of a results table):

``bench_real``
    The Ukrainian General Staff's cumulative personnel-loss series imported as claims
    (one ``total`` claim per report, 1,600+ claims over 1,600+ days) fitted by
    ``trends`` (``local_level``, ``local_linear_trend``; the fit alone, and the fit plus
    the daily rate's quantiles from 1,000 or 10 sample paths, to show the sampling
    share) beside statsmodels ``UnobservedComponents`` on the same
    days (log of the daily increments; ``llevel``, ``lltrend``, ``strend``;
    ``fit(disp=False)``). statsmodels is imported before timing starts.
``bench_sizes``
    Synthetic problems of growing size, days x claims, with mixed windows (one day, a
    week, a month, since the first day): seconds and microseconds per (day + claim),
    so one can see whether cost grows about linearly.
``bench_memory``
    Peak memory of a fit (``tracemalloc``; numpy reports its buffers to it).
``bench_blas_threads``
    The same fits in child processes with one BLAS thread and with the BLAS library's
    default (one per core): OpenBLAS's threaded level-2 kernels inside the banded
    Cholesky (``dpbtrf`` with a band of about 30, i.e. month-long windows) spin and
    stall when the cores are shared, making a fit hundreds of times slower.

Timings run with one BLAS thread (the design's target is "one core"): run as a script,
the module sets ``OPENBLAS_NUM_THREADS`` / ``OMP_NUM_THREADS`` / ``MKL_NUM_THREADS`` to
1 before numpy loads, unless they are set already or ``--blas-default`` is given.
Wall-clock seconds (``time.perf_counter``) are reported beside process CPU seconds
(``time.process_time``), which other processes on a shared machine disturb less; the
load average at the start is printed with the tables.

Each timing is the median of several runs (``time.perf_counter``), the first run
included (a warm-up fit runs once before all timings). ``--quick`` runs fewer and
smaller cases.

Usage::

    python analysis/benchmark.py            # full (about two minutes on two cores)
    python analysis/benchmark.py --quick    # a smoke run (CI)

Prints plain-text tables and writes ``analysis/output/benchmark_fit.csv`` (one row per
case; columns in :data:`CSV_COLUMNS`).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import math
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

BLAS_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
if __name__ == "__main__" and "--blas-default" not in sys.argv:
    for _var in BLAS_VARS:  # before numpy loads: BLAS reads these once
        os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make `trends` importable from the checkout
    sys.path.insert(0, str(ROOT))

from analysis._synth import SERIES_PATH  # noqa: E402
from trends.claims import Claim  # noqa: E402
from trends.files import atomic_write_text  # noqa: E402
from trends.model import RateModel, fit  # noqa: E402
from trends.observe import read_series, series_to_claims  # noqa: E402

OUTPUT = ROOT / "analysis" / "output" / "benchmark_fit.csv"

#: Posterior draws of the default model settings, and the "numerics only" setting.
DEFAULT_SAMPLES = RateModel().n_samples
FEW_SAMPLES = 10

SIZES_DAYS = (250, 500, 1000, 2000, 4000)
SIZES_CLAIMS = (10, 100, 1000)
QUICK_DAYS = (250, 500, 1000)
QUICK_CLAIMS = (10, 100)

#: Window mix of the synthetic claims: length in days (None: since the first day) and share.
WINDOW_MIX: tuple[tuple[int | None, float], ...] = ((1, 0.3), (7, 0.3), (30, 0.3), (None, 0.1))

CSV_COLUMNS = (
    "section",
    "case",
    "engine",
    "model",
    "blas_threads",
    "n_days",
    "n_claims",
    "n_samples",
    "repeats",
    "seconds",
    "seconds_min",
    "seconds_max",
    "cpu_seconds",
    "us_per_day_claim",
    "peak_mib",
)


# ---- helpers -------------------------------------------------------------------------------


def blas_threads() -> str:
    """The BLAS thread setting of this process (``default`` when none is set)."""
    env = os.environ
    return env.get("OPENBLAS_NUM_THREADS") or env.get("OMP_NUM_THREADS") or "default"


def time_runs(fn: Callable[[], object], repeats: int) -> list[tuple[float, float]]:
    """(wall, CPU) seconds of ``repeats`` calls of ``fn``."""
    out = []
    for _ in range(repeats):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        out.append((time.perf_counter() - w0, time.process_time() - c0))
    return out


def row(
    section: str,
    case: str,
    engine: str,
    model: str,
    n_days: int,
    n_claims: int,
    n_samples: int | None,
    runs: Sequence[tuple[float, float]],
    threads: str | None = None,
) -> dict:
    """One results row from the (wall, CPU) run times of a case (medians, min, max)."""
    wall = [w for w, _ in runs]
    med = statistics.median(wall)
    return {
        "section": section,
        "case": case,
        "engine": engine,
        "model": model,
        "blas_threads": threads or blas_threads(),
        "n_days": n_days,
        "n_claims": n_claims,
        "n_samples": "" if n_samples is None else n_samples,
        "repeats": len(runs),
        "seconds": med,
        "seconds_min": min(wall),
        "seconds_max": max(wall),
        "cpu_seconds": statistics.median(c for _, c in runs),
        "us_per_day_claim": 1e6 * med / (n_days + n_claims),
        "peak_mib": "",
    }


def quiet_fit(claims: Sequence[Claim], quantity: str, model: RateModel, rng=0, paths: bool = True):
    """:func:`trends.model.fit` with its data warnings (conflicts, sparse data) silenced.

    ``paths=True`` also asks for the daily rate with its quantiles (``RateFit.rate()``),
    which draws the posterior sample paths (the fit draws them on first use only): the
    product a user wants, and the like of what statsmodels' ``fit`` returns (smoothed
    states with their variances). ``paths=False`` times the fit alone: hyperparameters,
    posterior mode and factor, residuals and conflicts.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        f = fit(claims, quantity, model=model, rng=rng)
        if paths:
            f.rate()
        return f


def format_table(rows: Sequence[dict], columns: Sequence[tuple[str, str, str]]) -> str:
    """Plain-text table: ``columns`` are (key, header, format spec); text left, numbers right."""
    cells = [[h for _, h, _ in columns]]
    for r in rows:
        cells.append([("" if r[k] == "" else format(r[k], spec)) for k, _, spec in columns])
    widths = [max(len(c[i]) for c in cells) for i in range(len(columns))]
    numeric = [spec != "" for _, _, spec in columns]
    lines = []
    for n, line in enumerate(cells):
        lines.append(
            "  ".join(
                c.rjust(w) if (num and n) else c.ljust(w)
                for c, w, num in zip(line, widths, numeric, strict=True)
            ).rstrip()
        )
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def write_csv(rows: Sequence[dict], path: Path = OUTPUT) -> Path:
    """Write the rows (columns :data:`CSV_COLUMNS`) atomically; create the folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO(newline="")
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: (f"{v:.6g}" if isinstance(v, float) else v) for k, v in r.items()})
    atomic_write_text(path, buf.getvalue())
    return path


# ---- the real series -------------------------------------------------------------------


def real_claims(path: Path | None = None):
    """The loss series as claims, and its daily log increments for statsmodels.

    Returns
    -------
    claims : list of Claim
        One ``exact`` total per increase of the cumulative series (from its origin).
    log_daily : numpy.ndarray
        One value per day of the claims' span: ``log(increment / days)`` on the last day
        of each claim's window, NaN on the other days of a multi-day window (a gap in
        the reports), so both engines see the same days and the same information.
    """
    series, origin = read_series(path or SERIES_PATH)
    claims = series_to_claims(series, "losses", origin=origin)
    first = min(c.window[0] for c in claims)
    last = max(c.end for c in claims)
    log_daily = np.full((last - first).days + 1, np.nan)
    for c in claims:
        s, e = c.window
        log_daily[(e - first).days] = math.log(c.value / ((e - s).days + 1))
    return claims, log_daily


def bench_real(repeats: int = 5, path: Path | None = None) -> list[dict]:
    """trends and statsmodels on the whole loss series (see the module docstring)."""
    claims, log_daily = real_claims(path)
    n_days, n_claims = len(log_daily), len(claims)
    rows = []
    for kind in ("local_level", "local_linear_trend"):
        for n_samples in (0, DEFAULT_SAMPLES, FEW_SAMPLES):
            spec = RateModel(kind=kind, n_samples=n_samples or DEFAULT_SAMPLES)
            runs = time_runs(
                lambda spec=spec, p=bool(n_samples): quiet_fit(claims, "losses", spec, paths=p),
                repeats,
            )
            rows.append(row("real", "ua losses", "trends", kind, n_days, n_claims, n_samples, runs))
    from statsmodels.tsa.statespace.structural import UnobservedComponents  # not timed

    for spec_name in ("llevel", "lltrend", "strend"):

        def sm_fit(spec_name=spec_name):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # convergence chatter
                return UnobservedComponents(log_daily, spec_name).fit(disp=False)

        runs = time_runs(sm_fit, repeats)
        rows.append(
            row(
                "real",
                "ua losses",
                "statsmodels UC",
                spec_name,
                n_days,
                int(np.isfinite(log_daily).sum()),
                None,
                runs,
            )
        )
    return rows


# ---- synthetic problems of growing size -------------------------------------------------


def synthetic_claims(n_days: int, n_claims: int, rng=0) -> list[Claim]:
    """``n_claims`` hedged ("about") totals over ``n_days`` days of a smooth true rate.

    Windows follow :data:`WINDOW_MIX` (a day, a week, a month, since the first day),
    ends uniform over the days (windows clipped to the grid); the first claim starts on
    day 0 and the last ends on the last day, so the grid is exactly ``n_days`` long.
    Figures are the true window totals times a lognormal error (sd 0.05).
    """
    gen = np.random.default_rng(rng)
    t = np.arange(n_days)
    log_rate = math.log(1000.0) + 0.3 * np.sin(2 * np.pi * t / 365.25) + 0.5 * t / n_days
    cum = np.concatenate([[0.0], np.cumsum(np.exp(log_rate))])
    lengths = [w for w, _ in WINDOW_MIX]
    shares = np.array([p for _, p in WINDOW_MIX])
    picks = gen.choice(len(lengths), size=n_claims, p=shares / shares.sum())
    ends = gen.integers(0, n_days, size=n_claims)
    ends[-1] = n_days - 1
    day0 = dt.date(2020, 1, 1)
    claims = []
    for i, (k, e) in enumerate(zip(picks, ends, strict=True)):
        length = lengths[k]
        s = 0 if (length is None or i == 0) else max(0, int(e) - length + 1)
        total = (cum[e + 1] - cum[s]) * math.exp(gen.normal(0.0, 0.05))
        claims.append(
            Claim(
                f"s{i}",
                "synthetic",
                "total",
                float(total),
                day0 + dt.timedelta(days=int(e)),
                start=day0 + dt.timedelta(days=s),
            )
        )
    return claims


def bench_sizes(
    days: Sequence[int] = SIZES_DAYS,
    claims: Sequence[int] = SIZES_CLAIMS,
    repeats: int = 3,
    kind: str = "local_level",
    n_samples: int = DEFAULT_SAMPLES,
) -> list[dict]:
    """Fit time over a days x claims grid of synthetic problems."""
    rows = []
    spec = RateModel(kind=kind, n_samples=n_samples)
    for n_days in days:
        for n_claims in claims:
            cl = synthetic_claims(n_days, n_claims, rng=n_days * 7919 + n_claims)
            runs = time_runs(lambda cl=cl: quiet_fit(cl, "synthetic", spec), repeats)
            case = "grid" if n_claims < 100 else "mode"  # integrate over (sigma, tau) or not
            rows.append(row("sizes", case, "trends", kind, n_days, n_claims, n_samples, runs))
    return rows


# ---- memory -------------------------------------------------------------------------------


def peak_memory(fn: Callable[[], object]) -> float:
    """Peak traced memory of ``fn()`` in MiB (allocations made during the call)."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20


def bench_memory(quick: bool = False, path: Path | None = None) -> list[dict]:
    """Peak memory of fits on the real series and on the largest synthetic problem."""
    claims, log_daily = real_claims(path)
    cases = [("ua losses", claims, "losses", len(log_daily))]
    n_days, n_claims = (1000, 100) if quick else (4000, 1000)
    cases.append(
        (
            f"synthetic {n_days}x{n_claims}",
            synthetic_claims(n_days, n_claims, rng=1),
            "synthetic",
            n_days,
        )
    )
    rows = []
    for case, cl, quantity, days in cases:
        for n_samples in (DEFAULT_SAMPLES, FEW_SAMPLES):
            spec = RateModel(kind="local_level", n_samples=n_samples)
            w0, c0 = time.perf_counter(), time.process_time()
            peak = peak_memory(lambda cl=cl, q=quantity, spec=spec: quiet_fit(cl, q, spec))
            runs = [(time.perf_counter() - w0, time.process_time() - c0)]
            r = row("memory", case, "trends", "local_level", days, len(cl), n_samples, runs)
            r["peak_mib"] = peak
            rows.append(r)
    return rows


# ---- BLAS threads ------------------------------------------------------------------------

#: Cases of :func:`bench_blas_threads`: name -> (days, claims); 0 days: the real series.
BLAS_CASES = {"ua losses": (0, 0), "synthetic 1000x100": (1000, 100)}


def _child(case: str, repeats: int) -> None:
    """Time one case in this process and print the runs as JSON (for a parent process)."""
    n_days, n_claims = BLAS_CASES[case]
    if n_days:
        claims, quantity = synthetic_claims(n_days, n_claims, rng=1), "synthetic"
    else:
        (claims, _), quantity = real_claims(), "losses"
    quiet_fit(claims[:20], quantity, RateModel(n_samples=FEW_SAMPLES))  # warm-up
    runs = time_runs(lambda: quiet_fit(claims, quantity, RateModel()), repeats)
    print(json.dumps({"runs": runs, "n_days": n_days or None, "n_claims": len(claims)}))


def bench_blas_threads(
    cases: Sequence[str] = tuple(BLAS_CASES), repeats: int = 3, timeout: float = 600.0
) -> list[dict]:
    """Each case in child processes: one BLAS thread vs the library default."""
    rows = []
    for case in cases:
        for threads in ("1", "default"):
            env = {k: v for k, v in os.environ.items() if k not in BLAS_VARS}
            if threads == "1":
                env.update(dict.fromkeys(BLAS_VARS, "1"))
            cmd = [
                sys.executable,
                __file__,
                "--blas-default",
                "--child",
                case,
                "--repeats",
                str(repeats),
            ]
            try:
                done = subprocess.run(
                    cmd, env=env, capture_output=True, text=True, timeout=timeout, check=True
                )
            except subprocess.TimeoutExpired:
                runs = [(timeout, math.nan)]
                n_days, n_claims = BLAS_CASES[case]
                case_name = f"{case} (timed out)"
            else:
                result = json.loads(done.stdout.strip().splitlines()[-1])
                runs = [tuple(r) for r in result["runs"]]
                n_days = result["n_days"] or 0
                n_claims = result["n_claims"]
                case_name = case
            if not n_days:
                n_days = len(real_claims()[1])
            rows.append(
                row(
                    "blas",
                    case_name,
                    "trends",
                    "local_level",
                    n_days,
                    n_claims,
                    DEFAULT_SAMPLES,
                    runs,
                    threads=threads,
                )
            )
    return rows


# ---- the fit benchmark as a whole ------------------------------------------------------


REAL_COLUMNS = (
    ("engine", "engine", ""),
    ("model", "model", ""),
    ("n_days", "days", "d"),
    ("n_claims", "claims/obs", "d"),
    ("n_samples", "draws", ""),
    ("seconds", "median s", ".3f"),
    ("seconds_min", "min s", ".3f"),
    ("seconds_max", "max s", ".3f"),
    ("cpu_seconds", "cpu s", ".3f"),
)
SIZE_COLUMNS = (
    ("n_days", "days", "d"),
    ("n_claims", "claims", "d"),
    ("case", "hyper", ""),
    ("seconds", "median s", ".3f"),
    ("cpu_seconds", "cpu s", ".3f"),
    ("us_per_day_claim", "us/(day+claim)", ".1f"),
)
MEMORY_COLUMNS = (
    ("case", "case", ""),
    ("n_days", "days", "d"),
    ("n_claims", "claims", "d"),
    ("n_samples", "draws", ""),
    ("peak_mib", "peak MiB", ".1f"),
    ("seconds", "s (traced)", ".2f"),
)
BLAS_COLUMNS = (
    ("case", "case", ""),
    ("blas_threads", "BLAS threads", ""),
    ("seconds", "median s", ".3f"),
    ("cpu_seconds", "cpu s", ".3f"),
)


def machine_line() -> str:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} CPUs, load average {load}; BLAS threads {blas_threads()}; "
        f"numpy {np.__version__}"
    )


def sparse_problem(seed: int) -> list[Claim]:
    """5-30 news-like reports (weeks, months, years, since the start) of a random-walk
    rate over up to four years, from three sources, hedged "about" at 2 significant
    figures: the size of problem users bring."""
    rng = np.random.default_rng(seed)
    days = int(rng.integers(365, 4 * 365 + 1))
    x = np.log(1000) + np.cumsum(rng.normal(0, 0.02, days))
    d0 = dt.date(2022, 1, 1)
    n = int(rng.integers(5, 31))
    out = []
    for i, e in enumerate(np.sort(rng.integers(30, days, size=n))):
        length = [7, 30, 365, int(e) + 1][int(rng.integers(0, 4))]
        s = max(0, int(e) - length + 1)
        total = float(np.exp(x[s : e + 1]).sum() * math.exp(rng.normal(0, 0.05)))
        out.append(
            Claim(
                f"r{i}",
                "x",
                "total",
                float(f"{total:.2g}"),
                d0 + dt.timedelta(days=int(e)),
                start=d0 + dt.timedelta(days=s),
                qualifier="about",
                attributed_to=f"source {i % 3}",
            )  # fmt: skip
        )
    return out


def bench_goals(quick: bool = False, out=print) -> list[dict]:
    """The three speed goals: a sparse fit with its summary and daily quantiles; the full
    real series against statsmodels' local level in the same run; ``trends report`` on
    the shipped data as a whole process."""
    rows = []
    n_problems = 4 if quick else 20
    times = []
    for seed in range(n_problems):
        claims = sparse_problem(seed)

        def job(claims=claims):
            f = quiet_fit(claims, "x", RateModel(), paths=False)
            str(f.summary())
            f.rate()

        times.append(time_runs(job, 1)[0][0])
    med = statistics.median(times)
    rows.append(row("goals", "sparse fit + summary + daily quantiles", "trends", "local_level",
                    4 * 365, 30, DEFAULT_SAMPLES, [(t, t) for t in times]))  # fmt: skip
    out(f"Sparse fits ({n_problems} problems of 5-30 claims over 1-4 years, fit + summary + "
        f"daily quantiles): median {med:.3f} s, max {max(times):.3f} s (goal 0.15 s)")  # fmt: skip

    claims, log_daily = real_claims()
    repeats = 1 if quick else 5
    tr = time_runs(lambda: quiet_fit(claims, "losses", RateModel(), paths=True), repeats)
    from statsmodels.tsa.statespace.structural import UnobservedComponents

    uc = time_runs(lambda: UnobservedComponents(log_daily, "llevel").fit(disp=False), repeats)
    t_tr = statistics.median(t for t, _ in tr)
    t_uc = statistics.median(t for t, _ in uc)
    out(f"Full series ({len(claims)} claims): trends fit + daily quantiles {t_tr:.3f} s, "
        f"statsmodels llevel {t_uc:.3f} s in the same run (ratio {t_uc / t_tr:.2f}; "
        "above 1: trends is faster)")  # fmt: skip
    rows.append(row("goals", "full series fit + daily quantiles", "trends", "local_level",
                    len(claims), len(claims), DEFAULT_SAMPLES, tr))  # fmt: skip
    rows.append(row("goals", "full series", "statsmodels", "llevel", len(claims),
                    len(claims), None, uc))  # fmt: skip

    if not quick:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            cmd = [sys.executable, "-m", "trends", "report", "--out", str(Path(tmp) / "r")]
            env = dict(os.environ, PYTHONPATH=str(ROOT))
            w0 = time.perf_counter()
            done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
            wall = time.perf_counter() - w0
        status = "ok" if done.returncode == 0 else f"exit {done.returncode}"
        out(f"trends report on the shipped data, whole process: {wall:.1f} s ({status}; "
            "goal 10 s)")  # fmt: skip
        rows.append(row("goals", "trends report", "trends", "local_level", 1, 0, None,
                        [(wall, wall)]))  # fmt: skip
    out("")
    return rows


def bench_fit(quick: bool = False, out=print) -> list[dict]:
    """Run the fit benchmark (real series, sizes, memory, BLAS threads); print tables."""
    repeats = 1 if quick else 5
    out(machine_line())
    out("")
    # Warm-up: imports, LAPACK/SuperLU first calls, caches.
    quiet_fit(synthetic_claims(200, 20), "synthetic", RateModel(n_samples=FEW_SAMPLES))
    goals = bench_goals(quick=quick, out=out)

    real = bench_real(repeats=repeats)
    out(f"Real series: {SERIES_PATH.relative_to(ROOT)} as claims, median of {repeats} run(s)")
    out(format_table(real, REAL_COLUMNS))
    out(
        "  draws 0: the fit alone (hyperparameters, posterior mode, residuals, conflicts);"
        f" {DEFAULT_SAMPLES} or {FEW_SAMPLES}: the fit, then the daily rate with its"
        " quantiles from that many sample paths"
    )
    by = {(r["model"], r["n_samples"]): r["seconds"] for r in real}
    for kind, uc in (("local_level", "llevel"), ("local_linear_trend", "lltrend")):
        bare, full = by[(kind, 0)], by[(kind, DEFAULT_SAMPLES)]
        out(
            f"  {kind}: fit {bare:.3f} s, with daily quantiles {full:.3f} s; statsmodels "
            f"{uc} {by[(uc, '')]:.3f} s (ratio {by[(uc, '')] / bare:.2f} and "
            f"{by[(uc, '')] / full:.2f}; above 1: trends is faster)"
        )
    out("")

    days, claims = (QUICK_DAYS, QUICK_CLAIMS) if quick else (SIZES_DAYS, SIZES_CLAIMS)
    size_repeats = 1 if quick else 3
    sizes = bench_sizes(days, claims, repeats=size_repeats)
    out(
        f"Synthetic problems, local_level, {DEFAULT_SAMPLES} draws, median of "
        f"{size_repeats} run(s); hyper 'grid': integrated over (sigma, tau) (< 100 "
        "claims), 'mode': plug-in"
    )
    out(format_table(sizes, SIZE_COLUMNS))
    out("")

    memory = bench_memory(quick=quick)
    out("Peak memory of a fit (tracemalloc), local_level")
    out(format_table(memory, MEMORY_COLUMNS))
    out("")

    blas = bench_blas_threads(
        cases=("synthetic 1000x100",) if quick else tuple(BLAS_CASES),
        repeats=1 if quick else 3,
        timeout=120.0 if quick else 180.0,
    )
    out(f"BLAS threads (child processes, local_level, {DEFAULT_SAMPLES} draws)")
    out(format_table(blas, BLAS_COLUMNS))
    return goals + real + sizes + memory + blas


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer, smaller cases (CI)")
    parser.add_argument(
        "--output", type=Path, default=OUTPUT, help=f"CSV of the results (default {OUTPUT})"
    )
    parser.add_argument(
        "--blas-default",
        action="store_true",
        help="leave the BLAS thread count to the library (default: 1 thread)",
    )
    parser.add_argument("--child", choices=sorted(BLAS_CASES), help=argparse.SUPPRESS)
    parser.add_argument("--repeats", type=int, default=3, help=argparse.SUPPRESS)
    parser.add_argument("--goals", action="store_true", help="only the three speed goals")
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child, args.repeats)
        return 0
    if args.goals:
        quiet_fit(synthetic_claims(200, 20), "synthetic", RateModel(n_samples=FEW_SAMPLES))
        print(machine_line())
        rows = bench_goals(quick=args.quick)
    else:
        rows = bench_fit(quick=args.quick)
    path = write_csv(rows, args.output)
    print(f"\nwrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
