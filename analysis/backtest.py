"""Backtest on a real series: sparse news-style reports -> window totals, scored.

The Ukrainian General Staff's daily cumulative count of Russian personnel losses
(``data/ua-general-staff/russia_losses_personnel.json``, counting from 2022-02-24) is
known every day. As of many dates (every 30 days from 2023-03-01 to 2026-05-01), we
draw 3-6 reports of the kinds the news prints from the year before the as-of date --
"about X a day" over the last week or month, "X a week", "X in <last calendar month>",
"X since 1 January", "X since the start of the war" -- each with a hedge word and the
rounding it implies (:mod:`analysis._synth`), published on its window's end. Then we
estimate

- ``forecast``: the total of the 90 days after the as-of date, and
- ``nowcast``: the total of a past 60-day window (in the year before the as-of date)
  that no rate report's window touches (only the cumulative "since" totals span it),

with ``trends`` and three baselines, all given the same reports:

- ``naive``: a constant daily rate, the printed figure of the latest report (forecast)
  or of the report nearest the window (nowcast), as the point for every quantile;
- ``naive_spread``: the same point with a lognormal spread, the scatter (sd of the
  log) of the reports' own daily rates;
- ``ucm``: statsmodels ``UnobservedComponents`` (local level, MLE) on the log daily
  rate, each report's hedge-centred average daily rate placed on its window's midpoint
  day; window totals from 500 simulation-smoother draws of the level path.

Scores: quantile (pinball) loss over the levels 0.05..0.95 divided by the truth, 50%
and 90% interval coverage, and the absolute percentage error of the median.

Usage::

    python analysis/backtest.py             # 39 as-of dates
    python analysis/backtest.py --quick     # 8 as-of dates
    python analysis/backtest.py --seed 3 --processes 1

Writes ``analysis/output/backtest.csv`` (one row per date, target and method) and
``analysis/output/backtest.png``, and prints the tables.
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
    SERIES_PATH,
    binom_se,
    interval_hits,
    news_claims,
    parallel_map,
    relative_pinball,
    save_axes_figure,
)
from trends.claims import Claim  # noqa: E402
from trends.files import atomic_write_text  # noqa: E402
from trends.observe import observe, read_series  # noqa: E402

OUTPUT = ROOT / "analysis" / "output"
QUANTITY = "personnel"
METHODS: tuple[str, ...] = ("trends", "naive", "naive_spread", "ucm")
#: Reference rows added by ``--exact`` (not baselines): trends on the true window totals.
REFERENCES: tuple[str, ...] = ("trends_exact",)
BASELINES: tuple[str, ...] = ("naive", "naive_spread", "ucm")
TARGETS: tuple[str, ...] = ("forecast", "nowcast")
#: Report kinds of the backtest (weights); see :data:`analysis._synth.REPORT_KINDS`.
KINDS: dict[str, float] = {
    "day7": 0.15,  # "about 1,200 a day" over the last week
    "day30": 0.15,  # "about 1,200 a day" over the last month
    "week": 0.2,  # "8,000 a week"
    "month_cal": 0.2,  # "36,000 in October"
    "since_jan": 0.15,  # "300,000 since 1 January"
    "since_start": 0.15,  # "700,000 since the start of the war"
}
RATE_KINDS = ("day7", "day30", "week", "month_cal")
#: Source error of a report (lognormal sd): the reports quote one series, so only a
#: little noise beyond rounding and hedging.
SOURCE_SD = 0.02
FORECAST_DAYS = 90
NOWCAST_DAYS = 60
UCM_DRAWS = 500
FIRST, LAST, STEP = dt.date(2023, 3, 1), dt.date(2026, 5, 1), 30


def as_of_dates(quick: bool = False, step: int = STEP) -> list[dt.date]:
    """Every ``step`` days from ``FIRST`` to ``LAST`` (quick: 8 spread over the range)."""
    n = (LAST - FIRST).days // step + 1
    days = [FIRST + dt.timedelta(days=step * k) for k in range(n)]
    if quick:
        pick = np.linspace(0, n - 1, 8).round().astype(int)
        days = [days[i] for i in pick]
    return days


def load_truth(path: Path | None = None) -> tuple[dt.date, np.ndarray]:
    """The series as daily counts from its origin: ``(origin, daily)``.

    The first record (2022-02-25, day 2) covers two days; it is split evenly.
    """
    series, origin = read_series(path or SERIES_PATH, field="personnel")
    origin = origin or series.index[0]
    dates = list(series.index)
    values = series.to_numpy(float)
    n = (dates[-1] - origin).days + 1
    cum = np.full(n, np.nan)
    for d, v in zip(dates, values, strict=True):
        cum[(d - origin).days] = v
    first = (dates[0] - origin).days
    cum[:first] = values[0] * (np.arange(1, first + 1) / (first + 1))
    if np.isnan(cum).any():  # no missing days in this series; interpolate if ever
        idx = np.arange(n)
        ok = ~np.isnan(cum)
        cum = np.interp(idx, idx[ok], cum[ok])
    daily = np.diff(np.concatenate([[0.0], cum]))
    return origin, daily


# ---- the targets ------------------------------------------------------------------------
def nowcast_window(claims, as_of: dt.date, rng: np.random.Generator) -> tuple[dt.date, dt.date]:
    """A 60-day window in the year before ``as_of`` that no rate report's window touches.

    Only the cumulative ("since") totals may span it. If every such window is touched,
    the one with the fewest touched days.
    """
    lo = as_of - dt.timedelta(days=365)
    starts = [lo + dt.timedelta(days=k) for k in range(365 - NOWCAST_DAYS + 2)]
    touched = np.zeros(len(starts))
    covered = set()
    for c in claims:
        if c.notes in RATE_KINDS:
            s, e = c.window
            covered.update(range(s.toordinal(), e.toordinal() + 1))
    for i, s in enumerate(starts):
        o = s.toordinal()
        touched[i] = sum(1 for d in range(o, o + NOWCAST_DAYS) if d in covered)
    ok = np.flatnonzero(touched == touched.min())
    s = starts[int(rng.choice(ok))]
    return s, s + dt.timedelta(days=NOWCAST_DAYS - 1)


# ---- the methods ------------------------------------------------------------------------
def _quantiles_from_draws(draws: np.ndarray) -> tuple[dict[float, float], float]:
    qs = np.quantile(draws, QUANTILE_LEVELS)
    return dict(zip(QUANTILE_LEVELS, map(float, qs), strict=True)), float(np.mean(draws))


def naive_point(claims, window: tuple[dt.date, dt.date], target: str) -> float:
    """Constant-rate point estimate: the printed daily rate of one report times days.

    Forecast: the latest report (by window end; ties: the shortest window). Nowcast:
    the report whose window midpoint is nearest the target window's midpoint.
    """
    s, e = window
    days = (e - s).days + 1

    def mid(c):
        a, b = c.window
        return a.toordinal() + (b - a).days / 2

    if target == "forecast":
        pick = max(claims, key=lambda c: (c.window[1], -c.days))
    else:
        m = s.toordinal() + (days - 1) / 2
        pick = min(claims, key=lambda c: (abs(mid(c) - m), c.days))
    return observe(pick).rate_mid * days


def naive_spread(claims, point: float) -> dict[float, float]:
    """Lognormal quantiles around ``point``: sd = scatter of the reports' log daily rates."""
    from scipy.stats import norm

    logs = np.log([observe(c).rate_mid for c in claims])
    sd = max(float(np.std(logs, ddof=1)) if len(logs) > 1 else 0.0, 0.05)
    return {a: point * math.exp(norm.ppf(a) * sd) for a in QUANTILE_LEVELS}


def ucm_draws(
    claims, windows, until: dt.date, rng: np.random.Generator, n_draws=UCM_DRAWS, centre="hedge"
):
    """Draws of each window total from a statsmodels local-level model of the log rate.

    Each report becomes one observation: the log of its hedge-centred average daily
    rate (``observe(c).log_center - log(days)``), placed on its window's midpoint day
    (reports sharing a day are averaged). The day grid runs from the earliest midpoint
    or window to ``until``; days without a report are missing. Irregular and level
    variances by maximum likelihood; level paths by the simulation smoother.
    ``centre="printed"`` uses the printed figure instead of the hedge-table centre (what
    a user without the hedge table would do; an experiment, not the reported baseline).

    Returns
    -------
    list of numpy.ndarray
        Draws of the total of each window, shape (n_draws,) each.
    """
    import statsmodels.api as sm

    obs = [observe(c) for c in claims]
    mids = [o.start + dt.timedelta(days=(o.days - 1) // 2) for o in obs]
    g0 = min(mids + [w[0] for w in windows])
    T = (until - g0).days + 1
    y_sum, y_n = np.zeros(T), np.zeros(T)
    for o, m in zip(obs, mids, strict=True):
        i = (m - g0).days
        y_sum[i] += (o.log_center if centre == "hedge" else math.log(o.total_mid)) - math.log(
            o.days
        )
        y_n[i] += 1
    y = np.where(y_n > 0, y_sum / np.maximum(y_n, 1), np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = sm.tsa.UnobservedComponents(y, level="local level")
        res = model.fit(disp=False, maxiter=200)
        model.update(res.params)
        sim = model.simulation_smoother()
        levels = np.empty((n_draws, T))
        for k in range(n_draws):
            sim.simulate(rng=rng)
            levels[k] = sim.simulated_state[0]
    cum = np.concatenate([np.zeros((n_draws, 1)), np.cumsum(np.exp(levels), axis=1)], axis=1)
    out = []
    for s, e in windows:
        i, j = (s - g0).days, (e - g0).days
        out.append(cum[:, j + 1] - cum[:, i])
    return out, res.params


# ---- one as-of date ---------------------------------------------------------------------
def run_date(task) -> list[dict]:
    """Reports, fits and scores for one as-of date; one row per target and method.

    ``task`` is ``(as_of, seed_sequence, (origin, daily), options)``; ``options`` may
    hold ``model``, ``hedges`` (for the fit), ``source_sd`` and ``ucm`` (False: skip
    that baseline, for quick experiments).
    """
    from trends.model import fit

    as_of, ss, (origin, daily), options = task
    options = options or {}
    rng = np.random.default_rng(ss)
    n = int(rng.integers(3, 7))
    lo = (as_of - origin).days - 364
    ends = sorted(rng.choice(np.arange(lo, (as_of - origin).days + 1), size=n, replace=False))
    ends = [origin + dt.timedelta(days=int(k)) for k in ends]
    claims = news_claims(
        daily,
        origin,
        ends,
        rng,
        kinds=KINDS,
        source_sd=options.get("source_sd", SOURCE_SD),
        lag_max=0,
        quantity=QUANTITY,
        prefix=f"{as_of:%Y%m%d}_",
    )
    until = as_of + dt.timedelta(days=FORECAST_DAYS)
    windows = {
        "forecast": (as_of + dt.timedelta(days=1), until),
        "nowcast": nowcast_window(claims, as_of, rng),
    }
    cum = np.concatenate([[0.0], np.cumsum(daily)])

    def true_total(s: dt.date, e: dt.date) -> float:
        return float(cum[(e - origin).days + 1] - cum[(s - origin).days])

    truth = {k: true_total(s, e) for k, (s, e) in windows.items()}

    estimates: dict[tuple[str, str], tuple[dict, float]] = {}
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = fit(
            claims,
            QUANTITY,
            model=options.get("model", "local_level"),
            as_of_date=as_of,
            start=windows["nowcast"][0],
            until=until,
            rng=rng,
            hedges=options.get("hedges"),
        )
    seconds = time.perf_counter() - t0
    for k, (s, e) in windows.items():
        est = fitted.total(s, e)
        estimates[(k, "trends")] = (dict(est.quantiles), est.mean)
        point = naive_point(claims, (s, e), k)
        estimates[(k, "naive")] = ({a: point for a in QUANTILE_LEVELS}, point)
        estimates[(k, "naive_spread")] = (naive_spread(claims, point), point)
    if options.get("ucm", True):
        draws, _ = ucm_draws(
            claims, list(windows.values()), until, rng, centre=options.get("ucm_centre", "hedge")
        )
        for k, d in zip(windows, draws, strict=True):
            estimates[(k, "ucm")] = _quantiles_from_draws(d)

    if options.get("exact"):
        # A reference, not a baseline: the same model given the same windows with their
        # true totals (no source error, rounding or hedge). What is left of its loss
        # comes from where the reports fall, not from how they are printed.
        exact = [
            Claim(
                id=c.id,
                quantity=c.quantity,
                kind="total",
                value=true_total(*c.window),
                start=c.window[0],
                end=c.window[1],
                qualifier="exact",
                published=c.published,
                notes=c.notes,
            )
            for c in claims
        ]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fitted_exact = fit(
                exact,
                QUANTITY,
                as_of_date=as_of,
                start=windows["nowcast"][0],
                until=until,
                rng=np.random.default_rng(ss.spawn(1)[0]),
            )
        for k, (s, e) in windows.items():
            est = fitted_exact.total(s, e)
            estimates[(k, "trends_exact")] = (dict(est.quantiles), est.mean)

    rows = []
    for (k, method), (q, mean) in estimates.items():
        s, e = windows[k]
        in50, in90 = interval_hits(q, truth[k])
        row = {
            "as_of": as_of.isoformat(),
            "target": k,
            "method": method,
            "start": s.isoformat(),
            "end": e.isoformat(),
            "truth": truth[k],
            "mean": mean,
        }
        row.update({f"q{round(a * 100):02d}": q[a] for a in QUANTILE_LEVELS})
        row.update(
            {
                "rel_pinball": relative_pinball(q, truth[k]),
                "in50": in50,
                "in90": in90,
                "ape": abs(q[0.5] / truth[k] - 1),
                "n_reports": len(claims),
                "reports": " ".join(c.notes for c in claims),
                "last_report": max(c.window[1] for c in claims).isoformat(),
                "sigma": fitted.sigma if method == "trends" else np.nan,
                "tau": fitted.tau if method == "trends" else np.nan,
                "fit_seconds": seconds if method == "trends" else np.nan,
            }
        )
        rows.append(row)
    return rows


def run(dates=None, seed: int = 20240901, processes: int | None = None, options=None):
    """Backtest at ``dates`` (default :func:`as_of_dates`); returns the score table."""
    import pandas as pd

    dates = as_of_dates() if dates is None else list(dates)
    truth = load_truth()
    children = np.random.SeedSequence(seed).spawn(len(dates))
    tasks = [(d, ss, truth, options) for d, ss in zip(dates, children, strict=True)]
    rows = parallel_map(run_date, tasks, processes)
    df = pd.DataFrame([r for block in rows for r in block])
    df.insert(0, "seed", seed)
    return df


# ---- summaries --------------------------------------------------------------------------
def score_table(df):
    """Per target and method: n, mean relative pinball loss, coverage (± se), MdAPE.

    ``skill`` is ``1 - pinball / pinball of the best baseline`` for the same target
    (the goal: at least 0.25 for trends).
    """
    import pandas as pd

    rows = []
    for (target, method), g in df.groupby(["target", "method"], sort=False):
        n = len(g)
        c50, c90 = g["in50"].mean(), g["in90"].mean()
        rows.append(
            {
                "target": target,
                "method": method,
                "n": n,
                "rel_pinball": g["rel_pinball"].mean(),
                "cov50": c50,
                "se50": binom_se(c50, n),
                "cov90": c90,
                "se90": binom_se(c90, n),
                "mdape": g["ape"].median(),
            }
        )
    table = pd.DataFrame(rows)
    best = table[table["method"].isin(BASELINES)].groupby("target")["rel_pinball"].min()
    table["skill"] = 1 - table["rel_pinball"] / table["target"].map(best)
    order = {m: i for i, m in enumerate(METHODS + REFERENCES)}
    table = table.sort_values(
        ["target", "method"], key=lambda s: s.map(order) if s.name == "method" else s
    )
    return table.reset_index(drop=True)


def format_table(table) -> str:
    """The score table as Markdown."""
    head = (
        f"| {'target':<8} | {'method':<12} | {'n':>3} | {'pinball/truth':>13} | {'skill':>6} | "
        f"{'50% cover':>13} | {'90% cover':>13} | {'MdAPE':>6} |"
    )
    lines = [head, "|" + "|".join("-" * len(c) for c in head.split("|")[1:-1]) + "|"]
    for _, r in table.iterrows():
        lines.append(
            f"| {r['target']:<8} | {r['method']:<12} | {int(r['n']):>3} | "
            f"{r['rel_pinball']:>13.4f} | {r['skill']:>+6.2f} | "
            f"{r['cov50']:.3f} ± {r['se50']:.3f} | {r['cov90']:.3f} ± {r['se90']:.3f} | "
            f"{100 * r['mdape']:>5.1f}% |"
        )
    return "\n".join(lines)


def flat_oracle(dates, days: int = 30, origin_daily=None) -> dict[str, float]:
    """What a forecaster who knew the series itself up to each as-of date would score.

    The median is the true mean rate of the last ``days`` days times 90; the quantiles
    are lognormal with the root-mean-square log error over all ``dates`` (fitted after
    the fact, so generous). Not a method anyone could run: a ceiling for forecasts that
    extrapolate the current level, against which the reports' own information is
    measured.

    Returns
    -------
    dict
        ``rms_log_error`` and ``rel_pinball`` (mean over dates).
    """
    from scipy.stats import norm

    origin, daily = origin_daily or load_truth()
    cum = np.concatenate([[0.0], np.cumsum(daily)])
    pairs = []
    for d in dates:
        i = (d - origin).days + 1  # cum index just after the as-of date
        truth = cum[i + FORECAST_DAYS] - cum[i]
        pairs.append((truth, (cum[i] - cum[i - days]) / days * FORECAST_DAYS))
    sd = float(np.sqrt(np.mean([math.log(t / m) ** 2 for t, m in pairs])))
    losses = [
        relative_pinball({a: m * math.exp(norm.ppf(a) * sd) for a in QUANTILE_LEVELS}, t)
        for t, m in pairs
    ]
    return {"rms_log_error": sd, "rel_pinball": float(np.mean(losses))}


def plot(df, origin_daily=None):
    """Three panels: (a) the 90-day forecasts of trends and ucm against the series,
    (b) mean relative quantile loss by target and method, (c) interval coverage.

    Drawn with :mod:`trends.plot` (paper style, ``plot_backtest``,
    ``plot_calibration``). Returns the Axes (array of 3).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, NullFormatter

    from trends import plot as tplot

    origin, daily = origin_daily or load_truth()
    with plt.style.context(tplot.STYLE):
        fig, ax = plt.subplots(
            1, 3, figsize=(7.0, 2.6), layout="constrained", width_ratios=(1.5, 1, 1)
        )
        # (a) the series (trailing 30-day mean daily rate) and the forecasts as daily rates
        dates = np.array([origin + dt.timedelta(days=i) for i in range(len(daily))])
        trail = np.convolve(daily, np.ones(30) / 30, mode="valid")
        keep = dates[29:] >= dt.date(2022, 9, 1)
        ax[0].plot(
            dates[29:][keep],
            trail[keep],
            color="#222222",
            linewidth=0.8,
            label="series, 30-day mean",
        )
        f = df[df["target"] == "forecast"]
        for k, method in enumerate(("trends", "ucm")):
            g = f[f["method"] == method]
            x = [dt.date.fromisoformat(s) + dt.timedelta(days=40 + 10 * k) for s in g["start"]]
            ax[0].errorbar(
                x,
                g["q50"] / FORECAST_DAYS,
                yerr=[(g["q50"] - g["q05"]) / FORECAST_DAYS, (g["q95"] - g["q50"]) / FORECAST_DAYS],
                fmt="oD"[k],
                markersize=2,
                linewidth=0.6,
                color=tplot.COLORS[2 * k],
                label=f"{method}: next 90 days, median and 90%",
            )
        ax[0].set_yscale("log")
        ax[0].set_yticks([200, 500, 1000, 2000, 5000])
        ax[0].yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax[0].yaxis.set_minor_formatter(NullFormatter())
        ax[0].set_ylabel("Per day")
        ax[0].xaxis.set_major_locator(mdates.YearLocator())
        ax[0].xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        ax[0].legend(loc="upper left", frameon=False, fontsize=6)
        ax[0].set_title("(a) forecasts against the series")
        # (b) mean relative pinball loss
        scores = df.rename(columns={"target": "horizon", "rel_pinball": "pinball"})
        tplot.plot_backtest(scores, ax=ax[1], reference=None)
        ax[1].set_title("(b) pinball loss / truth")
        ax[1].set_ylabel("")
        old = ax[1].get_legend()
        if old is not None:
            ax[1].set_ylim(top=ax[1].get_ylim()[1] * 1.35)
            ax[1].legend(
                old.legend_handles,
                [t.get_text() for t in old.get_texts()],
                loc="upper center",
                ncol=2,
                frameon=False,
                fontsize=5.5,
            )
        # (c) coverage of trends and ucm
        table = score_table(df)
        rows = []
        for target in TARGETS:
            for method in ("trends", "ucm"):
                r = table[(table["target"] == target) & (table["method"] == method)].iloc[0]
                label = f"{target[:4]}.\n{method}"
                rows.append(
                    {"window": label, "level": 0.5, "coverage": r["cov50"], "se": r["se50"]}
                )
                rows.append(
                    {"window": label, "level": 0.9, "coverage": r["cov90"], "se": r["se90"]}
                )
        import pandas as pd

        tplot.plot_calibration(pd.DataFrame(rows), ax=ax[2])
        old = ax[2].get_legend()
        if old is not None:
            ax[2].legend(
                old.legend_handles,
                [t.get_text() for t in old.get_texts()],
                loc="lower center",
                frameon=False,
                fontsize=5.5,
            )
        ax[2].set_title("(c) interval coverage (±1.96 se)")
    return ax


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="8 as-of dates (CI)")
    parser.add_argument("--step", type=int, default=STEP, help="days between as-of dates")
    parser.add_argument("--seed", type=int, default=20240901)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--out", type=Path, default=OUTPUT, help="output folder")
    parser.add_argument(
        "--exact",
        action="store_true",
        help="also fit trends to the true totals of the same report windows (a reference)",
    )
    args = parser.parse_args(argv)
    dates = as_of_dates(args.quick, args.step)
    t0 = time.perf_counter()
    df = run(dates, args.seed, args.processes, options={"exact": True} if args.exact else None)
    elapsed = time.perf_counter() - t0
    args.out.mkdir(parents=True, exist_ok=True)
    atomic_write_text(args.out / "backtest.csv", df.to_csv(index=False))
    save_axes_figure(plot(df), args.out / "backtest.png")
    table = score_table(df)
    print(
        f"backtest: {len(dates)} as-of dates {dates[0]}..{dates[-1]}, seed {args.seed}, "
        f"{elapsed:.0f} s"
    )
    print()
    print(format_table(table))
    print()
    for target in TARGETS:
        t = table[(table["target"] == target) & (table["method"] == "trends")].iloc[0]
        print(
            f"{target}: trends pinball {t['rel_pinball']:.4f}, skill vs best baseline "
            f"{t['skill']:+.2f} (goal >= +0.25)"
        )
    if args.exact:
        oracle = flat_oracle(dates)
        ucm = table[(table["target"] == "forecast") & (table["method"] == "ucm")].iloc[0]
        skill = 1 - oracle["rel_pinball"] / ucm["rel_pinball"]
        print(
            "forecast ceiling (the series itself known up to each as-of date, last 30 days' "
            f"mean extrapolated): rms log error {oracle['rms_log_error']:.3f}, pinball "
            f"{oracle['rel_pinball']:.4f}, skill vs ucm {skill:+.2f}"
        )
    print(f"\nwrote {args.out / 'backtest.csv'} and {args.out / 'backtest.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
