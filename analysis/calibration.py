"""Simulation-based calibration of the latent daily-rate model.

For each of ``N`` problems:

1. draw a true daily rate over 2-3 years (plus 90 days beyond): a base between 100 and
   50,000 a day times ``exp`` of a smooth random path from one of four generators --
   a random walk, an integrated random walk, a trend plus sinusoids, and smoothed
   regime shifts -- so the model is not only tested on its own prior;
2. draw 3-12 reports of the kinds the news prints (per-week and per-month rates, "about
   X a day" over the last week or month, last calendar month, per-year rates, "since
   1 January" and "since the start" totals, one-day totals) with a random hedge word,
   a source error (lognormal, sd 0.05) and the rounding the hedge implies
   (:mod:`analysis._synth`);
3. fit :func:`trends.model.fit` as of the last publication and score three windows:
   ``past60`` (a random 60-day window inside the reports' span: a nowcast),
   ``since_first`` (the first publication to the as-of date) and ``forecast90`` (the
   90 days after the as-of date): is the truth inside the 50% (q25..q75) and 90%
   (q05..q95) intervals, and where does it fall among the posterior draws (PIT)?

Usage::

    python analysis/calibration.py            # 500 problems, 2 processes
    python analysis/calibration.py --quick    # 60 problems (CI)
    python analysis/calibration.py -n 200 --seed 7 --processes 1

Writes ``analysis/output/calibration.csv`` (one row per problem and window) and
``analysis/output/calibration.png``, and prints the coverage table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make `analysis` importable
    sys.path.insert(0, str(ROOT))

from analysis._synth import (  # noqa: E402
    QUANTILE_LEVELS,
    binom_se,
    interval_hits,
    news_claims,
    parallel_map,
    pit,
    relative_pinball,
    save_axes_figure,
)
from trends.files import atomic_write_text  # noqa: E402

OUTPUT = ROOT / "analysis" / "output"
GENERATORS: tuple[str, ...] = ("random_walk", "integrated_rw", "sinusoids", "regimes")
WINDOWS: tuple[str, ...] = ("past60", "since_first", "forecast90")
FORECAST_DAYS = 90
PAST_DAYS = 60
QUANTITY = "x"


# ---- the truth --------------------------------------------------------------------------
def true_log_path(gen: str, n: int, rng: np.random.Generator) -> np.ndarray:
    """A smooth random log-rate path of ``n`` days (starting near 0), one generator.

    ``random_walk``: daily steps of sd 0.003..0.08 (log-uniform: up to the top of the
    smoothness prior's 90% range).
    ``integrated_rw``: a wandering slope (start N(0, 0.001)/day, steps 1e-5..1e-4).
    ``sinusoids``: a linear trend of -1..1 over the span plus 1-3 waves with periods
    of 60-730 days and amplitudes 0.05-0.35.
    ``regimes``: 1-4 level shifts (N(0, 0.4)) smoothed over 7-60 days plus a small
    random walk (sd 0.004).
    """
    t = np.arange(n, dtype=float)
    if gen == "random_walk":
        sd = math.exp(rng.uniform(math.log(0.003), math.log(0.08)))
        x = np.concatenate([[0.0], np.cumsum(rng.normal(0, sd, n - 1))])
    elif gen == "integrated_rw":
        sd = math.exp(rng.uniform(math.log(1e-5), math.log(1e-4)))
        slope = rng.normal(0, 0.001) + np.concatenate([[0.0], np.cumsum(rng.normal(0, sd, n - 1))])
        x = np.concatenate([[0.0], np.cumsum(slope[:-1])])
    elif gen == "sinusoids":
        x = rng.uniform(-1, 1) * t / n
        for _ in range(rng.integers(1, 4)):
            period = rng.uniform(60, 730)
            phase = rng.uniform(0, 2 * np.pi)
            x += rng.uniform(0.05, 0.35) * np.sin(2 * np.pi * t / period + phase)
    elif gen == "regimes":
        x = np.cumsum(rng.normal(0, 0.004, n))
        for _ in range(rng.integers(1, 5)):
            at, width = rng.uniform(0, n), rng.uniform(7, 60)
            x += rng.normal(0, 0.4) / (1 + np.exp(-(t - at) / (width / 4)))
    else:
        raise ValueError(f"unknown generator {gen!r}")
    x = x - x[0]
    return np.clip(x, -3.0, 3.0)


# ---- one problem ------------------------------------------------------------------------
def _window_row(fitted, daily, d0, name, s, e, as_of) -> dict:
    i0, i1 = (s - d0).days, (e - d0).days
    truth = float(daily[i0 : i1 + 1].sum())
    est = fitted.total(s, e)
    q = est.quantiles
    in50, in90 = interval_hits(q, truth)
    row = {
        "window": name,
        "start": s.isoformat(),
        "end": e.isoformat(),
        "days": (e - s).days + 1,
        "horizon": (e - as_of).days,
        "truth": truth,
        "mean": est.mean,
    }
    row.update({f"q{round(a * 100):02d}": q[a] for a in QUANTILE_LEVELS})
    row.update(
        {
            "pit": pit(est.samples, truth),
            "in50": in50,
            "in90": in90,
            "rel_pinball": relative_pinball(q, truth),
            "ape": abs(q[0.5] / truth - 1),
            "log_width90": math.log(q[0.95] / q[0.05]),
        }
    )
    return row


def run_problem(task: tuple[int, np.random.SeedSequence, dict | None]) -> list[dict]:
    """Simulate, fit and score one problem; one row per scored window.

    ``task`` is ``(index, seed_sequence, options)``; ``options`` may hold ``hedges``
    (a hedge table for the fit) and ``model`` (a model name or RateModel).
    """
    from trends.model import fit

    index, ss, options = task
    options = options or {}
    rng = np.random.default_rng(ss)
    gen = GENERATORS[index % len(GENERATORS)]
    span = int(rng.integers(730, 1096))
    n_days = span + FORECAST_DAYS + 10  # room for publication lags
    d0 = dt.date(2014, 1, 1) + dt.timedelta(days=int(rng.integers(0, 9 * 365)))
    base = math.exp(rng.uniform(math.log(100), math.log(50_000)))
    daily = base * np.exp(true_log_path(gen, n_days, rng))
    n_claims = int(rng.integers(3, 13))
    end_days = np.sort(rng.choice(np.arange(20, span), size=n_claims, replace=False))
    ends = [d0 + dt.timedelta(days=int(k)) for k in end_days]
    # The source error up to the discrepancy prior's upper range (log sd 0.01..0.1).
    source_sd = math.exp(rng.uniform(math.log(0.01), math.log(0.1)))
    claims = news_claims(daily, d0, ends, rng, quantity=QUANTITY, source_sd=source_sd)
    as_of = max(c.published_on for c in claims)
    until = as_of + dt.timedelta(days=FORECAST_DAYS)
    first_pub = min(c.published_on for c in claims)
    span_start = min(c.window[0] for c in claims)

    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = fit(
            claims,
            QUANTITY,
            model=options.get("model", "local_level"),
            as_of_date=as_of,
            until=until,
            rng=rng,
            hedges=options.get("hedges"),
        )
    seconds = time.perf_counter() - t0

    windows = []
    room = (as_of - span_start).days + 1 - PAST_DAYS
    off = int(rng.integers(0, room + 1)) if room > 0 else 0
    s = span_start + dt.timedelta(days=off)
    windows.append(("past60", s, min(s + dt.timedelta(days=PAST_DAYS - 1), as_of)))
    windows.append(("since_first", first_pub, as_of))
    windows.append(("forecast90", as_of + dt.timedelta(days=1), until))

    common = {
        "problem": index,
        "generator": gen,
        "base": base,
        "n_claims": n_claims,
        "source_sd": source_sd,
        "kinds": " ".join(c.notes for c in claims),
        "qualifiers": " ".join(c.qualifier or "-" for c in claims),
        "as_of": as_of.isoformat(),
        "sigma": fitted.sigma,
        "tau": fitted.tau,
        "fit_seconds": seconds,
    }
    rows = []
    for name, s, e in windows:
        row = dict(common)
        row.update(_window_row(fitted, daily, d0, name, s, e, as_of))
        rows.append(row)
    return rows


def run(n: int = 500, seed: int = 20240901, processes: int | None = None, options=None):
    """Run ``n`` problems; returns the per-window table (pandas.DataFrame)."""
    import pandas as pd

    children = np.random.SeedSequence(seed).spawn(n)
    tasks = [(i, ss, options) for i, ss in enumerate(children)]
    rows = parallel_map(run_problem, tasks, processes)
    df = pd.DataFrame([r for block in rows for r in block])
    df.insert(0, "seed", seed)
    return df


# ---- summaries --------------------------------------------------------------------------
def coverage_table(df, by: str = "window"):
    """Coverage of the 50% and 90% intervals with binomial standard errors, per ``by``.

    Columns: ``n, cov50, se50, cov90, se90, below05, above95`` (shares of truths below
    q05 / above q95: which tail misses), ``mean_pit``, ``median_width90`` (q95/q05),
    ``rel_pinball`` (mean), ``mdape`` (median absolute % error of the median).
    """
    import pandas as pd

    out = {}
    for key, g in df.groupby(by, sort=False):
        n = len(g)
        c50, c90 = g["in50"].mean(), g["in90"].mean()
        out[key] = {
            "n": n,
            "cov50": c50,
            "se50": binom_se(c50, n),
            "cov90": c90,
            "se90": binom_se(c90, n),
            "below05": float((g["truth"] < g["q05"]).mean()),
            "above95": float((g["truth"] > g["q95"]).mean()),
            "mean_pit": g["pit"].mean(),
            "median_width90": float(np.exp(g["log_width90"].median())),
            "rel_pinball": g["rel_pinball"].mean(),
            "mdape": g["ape"].median(),
        }
    table = pd.DataFrame.from_dict(out, orient="index")
    table.index.name = by
    return table


def format_table(table) -> str:
    """The coverage table as aligned text (also valid Markdown)."""
    head = (
        f"| {table.index.name:<14} | {'n':>4} | {'50% cover':>13} | {'90% cover':>13} | "
        f"{'<q05':>5} | {'>q95':>5} | {'PIT mean':>8} | {'q95/q05':>7} | {'pinball':>7} | "
        f"{'MdAPE':>6} |"
    )
    lines = [head, "|" + "|".join("-" * (len(c)) for c in head.split("|")[1:-1]) + "|"]
    for key, r in table.iterrows():
        lines.append(
            f"| {str(key):<14} | {int(r['n']):>4} | {r['cov50']:.3f} ± {r['se50']:.3f} | "
            f"{r['cov90']:.3f} ± {r['se90']:.3f} | {r['below05']:>5.3f} | {r['above95']:>5.3f} | "
            f"{r['mean_pit']:>8.3f} | {r['median_width90']:>7.2f} | {r['rel_pinball']:>7.4f} | "
            f"{100 * r['mdape']:>5.1f}% |"
        )
    return "\n".join(lines)


LABELS = {
    "past60": "past 60 days",
    "since_first": "since first report",
    "forecast90": "next 90 days",
}
SHORT = {
    "past 60 days": "past\n60 d",
    "since first report": "since\n1st",
    "next 90 days": "next\n90 d",
}


def coverage_long(df):
    """Coverage in long form for :func:`trends.plot.plot_calibration`.

    Columns ``window`` (label), ``level`` (0.5, 0.9), ``coverage``, ``se``.
    """
    import pandas as pd

    table = coverage_table(df)
    rows = []
    for w in [w for w in WINDOWS if w in table.index]:
        for level, col in ((0.5, "50"), (0.9, "90")):
            rows.append(
                {
                    "window": LABELS[w],
                    "level": level,
                    "coverage": table.loc[w, "cov" + col],
                    "se": table.loc[w, "se" + col],
                }
            )
    return pd.DataFrame(rows)


def plot(df):
    """PIT histograms per window and the interval coverage against the nominal levels.

    One row of four panels, two columns wide; drawn with :mod:`trends.plot` (paper
    style, :func:`~trends.plot.plot_pit`, :func:`~trends.plot.plot_calibration`) when
    it is available, plain matplotlib otherwise. Returns the Axes (array of 4).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    try:
        from trends import plot as tplot
    except ImportError:  # pragma: no cover - the plot module is optional here
        tplot = None
    style = tplot.STYLE if tplot is not None else "default"
    with plt.style.context(style):
        return _draw(df, tplot)


def _draw(df, tplot):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(
        1, 4, figsize=(7.0, 2.4), layout="constrained", width_ratios=(1, 1, 1, 1.15)
    )
    for a, w in zip(ax[:3], WINDOWS, strict=True):
        values = df.loc[df["window"] == w, "pit"].to_numpy()
        if tplot is not None:
            tplot.plot_pit(values, ax=a)
        else:
            a.hist(
                values, bins=np.linspace(0, 1, 11), density=True, color="#56B4E9", edgecolor="white"
            )
            a.axhline(1.0, color="black", linewidth=0.8)
            a.set_xlabel("PIT value")
        a.set_title(f"PIT: {LABELS[w]}")
    for a in ax[1:3]:
        a.set_ylabel("")
    long = coverage_long(df)
    long["window"] = long["window"].map(SHORT)
    if tplot is not None:
        tplot.plot_calibration(long, ax=ax[3])
        old = ax[3].get_legend()
        if old is not None:  # inside, in the empty lower half, clear of the tick labels
            labels = [t.get_text() for t in old.get_texts()]
            ax[3].legend(old.legend_handles, labels, loc="lower center", frameon=False)
    else:
        for j, level in enumerate((0.5, 0.9)):
            rows = long[long["level"] == level]
            x = np.arange(len(rows)) + (j - 0.5) * 0.3
            ax[3].errorbar(
                x, rows["coverage"], yerr=1.96 * rows["se"], fmt="os"[j], label=f"{level:.0%}"
            )
            ax[3].axhline(level, linestyle="--", linewidth=0.8)
        ax[3].set_xticks(range(len(WINDOWS)), [SHORT[LABELS[w]] for w in WINDOWS])
        ax[3].set_ylim(0, 1)
        ax[3].legend()
    ax[3].set_title("coverage (±1.96 se)")
    return ax


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--problems", type=int, default=None, help="problems (500)")
    parser.add_argument("--quick", action="store_true", help="60 problems (CI)")
    parser.add_argument("--seed", type=int, default=20240901)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--out", type=Path, default=OUTPUT, help="output folder")
    args = parser.parse_args(argv)
    n = args.problems or (60 if args.quick else 500)
    t0 = time.perf_counter()
    df = run(n, args.seed, args.processes)
    elapsed = time.perf_counter() - t0
    args.out.mkdir(parents=True, exist_ok=True)
    atomic_write_text(args.out / "calibration.csv", df.to_csv(index=False))
    save_axes_figure(plot(df), args.out / "calibration.png")
    print(
        f"simulation-based calibration: {n} problems, seed {args.seed}, {elapsed:.0f} s "
        f"(median fit {df['fit_seconds'].median():.2f} s)"
    )
    print()
    print(format_table(coverage_table(df)))
    print()
    print("forecast90 by generator:")
    print(format_table(coverage_table(df[df["window"] == "forecast90"], by="generator")))
    print()
    print("past60 by generator:")
    print(format_table(coverage_table(df[df["window"] == "past60"], by="generator")))
    print(f"\nwrote {args.out / 'calibration.csv'} and {args.out / 'calibration.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
