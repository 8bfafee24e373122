"""Backtest over the corpus: 20 real daily series, news-like reports, trends vs baselines.

Runs :func:`trends.backtest.backtest` on every series of ``data/backtest_corpus.toml``
(the personnel and nine equipment series of the Ukrainian General Staff, ten COVID-19
series), as of every 2 months, for the three targets (next 90 days, a 60-day past window
no rate report covers, next 365 days) and every method, and writes the tables and the
figure of ``docs/validation.md`` section 2.

Usage::

    python analysis/backtest.py                 # the whole corpus, 2 processes
    python analysis/backtest.py --quick         # 4 series every 6 months (CI-sized)
    python analysis/backtest.py --jobs 1 --methods trends naive

Writes ``analysis/output/backtest.csv`` (one row per series, as-of date, method and
target, with ``fit_s``), ``backtest_tables.md`` (overall, per series, per target) and
``backtest.png``, and prints the tables and the wall time.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make `trends` importable from here
    sys.path.insert(0, str(ROOT))

from trends.backtest import (  # noqa: E402
    METHODS,
    TARGETS,
    backtest,
    format_summary,
    read_corpus,
    summarise,
)
from trends.files import atomic_write_text  # noqa: E402

OUTPUT = ROOT / "analysis" / "output"
CORPUS = ROOT / "data" / "backtest_corpus.toml"
SEED = 20240901
#: The ``--quick`` subset: one smooth, one small-count, two epidemic series.
QUICK = ("personnel", "aircraft", "US", "Deaths")
#: Right end of the figure's loss axis (a few baseline scores run to 1e6).
CLIP = 10.0


def run(
    quick: bool = False,
    seed: int = SEED,
    jobs: int = 2,
    methods=METHODS,
    every: int | None = None,
    scheduler=None,
    progress=None,
    names=None,
):
    """The corpus backtest's rows (``--quick``: :data:`QUICK` every 6 months; ``names``:
    only these series)."""
    series = read_corpus(CORPUS)
    if quick:
        series = [s for s in series if s.name in QUICK]
    if names:
        unknown = sorted(set(names) - {s.name for s in series})
        if unknown:
            raise SystemExit(f"no series {', '.join(unknown)} in {CORPUS.name}")
        series = [s for s in series if s.name in names]
    every = every or (6 if quick else 2)
    return backtest(
        series,
        every=every,
        seed=seed,
        methods=methods,
        jobs=jobs,
        scheduler=scheduler,
        timings=True,
        progress=progress,
    )


def tables(rows) -> str:
    """The Markdown tables of docs/validation.md: overall, then per series and target."""
    parts = ["#### All series\n", format_summary(summarise(rows)), ""]
    for target in TARGETS:
        sub = rows[rows["target"] == target]
        if sub.empty:
            continue
        parts += [
            f"#### Per series: {target}\n",
            format_summary(summarise(sub, by=("series", "method"))),
            "",
        ]
    return "\n".join(parts)


def plot(rows):
    """Median pinball loss by series and method per target (one x scale), and the PIT
    of each method over all targets. Returns the Axes (array of 4)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from trends import plot as tplot

    targets = [t for t in TARGETS if t in set(rows["target"])]
    with plt.style.context(tplot.STYLE):
        fig, ax = plt.subplots(
            1,
            len(targets) + 1,
            figsize=(7.0, 4.2),
            layout="constrained",
            width_ratios=[1.0] * len(targets) + [1.25],
        )
        for a, target in zip(ax[:-1], targets, strict=True):
            tplot.plot_backtest_series(
                rows[rows["target"] == target], ax=a, statistic="median", clip=CLIP
            )
            a.set_title(target)
            a.set_xlabel("")
        lo = min(a.get_xlim()[0] for a in ax[:-1])
        for a in ax[:-1]:
            a.set_xlim(lo, CLIP)
        ax[len(targets) // 2].set_xlabel(
            f"Pinball loss / truth, median over as-of dates (hollow: beyond {CLIP:g})"
        )
        handles, labels = ax[0].get_legend_handles_labels()
        for a in ax[:-1]:
            if a.get_legend() is not None:
                a.get_legend().remove()
        for a in ax[1:-1]:
            a.set_yticklabels([])
        fig.legend(handles, labels, loc="outside lower center", ncol=len(labels), frameon=False)
        tplot.plot_backtest_pit(rows, ax=ax[-1])
        ax[-1].set_title("all targets: calibration")
    return ax


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="4 series every 6 months")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (2)")
    parser.add_argument("--every", type=int, help="months between as-of dates (2; quick 6)")
    parser.add_argument("--methods", nargs="+", default=list(METHODS))
    parser.add_argument("--scheduler", help="a dask.distributed scheduler address")
    parser.add_argument("--series", nargs="+", metavar="NAME", help="only these series")
    parser.add_argument("--out", type=Path, default=OUTPUT, help="output folder")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    rows = run(
        args.quick,
        args.seed,
        args.jobs,
        args.methods,
        args.every,
        args.scheduler,
        names=args.series,
    )
    elapsed = time.perf_counter() - t0
    args.out.mkdir(parents=True, exist_ok=True)
    atomic_write_text(args.out / "backtest.csv", rows.to_csv(index=False, float_format="%.10g"))
    text = tables(rows)
    atomic_write_text(args.out / "backtest_tables.md", text + "\n")
    from analysis._synth import save_axes_figure

    save_axes_figure(plot(rows), args.out / "backtest.png")
    n_cases = len(rows[["series", "as_of"]].drop_duplicates())
    fit_s = rows.drop_duplicates(["series", "as_of", "method"]).groupby("method", sort=False)[
        "fit_s"
    ]
    print(
        f"backtest: {rows['series'].nunique()} series, {n_cases} cases, "
        f"{len(rows)} rows, seed {args.seed}, --jobs {args.jobs}: {elapsed:.0f} s wall"
    )
    print(
        "median seconds per case: " + ", ".join(f"{m} {v:.2f}" for m, v in fit_s.median().items())
    )
    print()
    print(text)
    print(f"wrote {args.out / 'backtest.csv'}, backtest_tables.md and backtest.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
