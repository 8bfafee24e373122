"""How the fit figure's bands compare with per-day sample quantiles of the paths.

Usage::

    python analysis/figure_bands.py

For each quantity of ``data/claims.csv`` (fit seed 0, grid to 2026-12-31) prints, for the
bands :func:`trends.plot.plot_fit` draws (``trends.plot._rate_bands``, with a few shape
windows) and for a normal on the log rate (no shape at all):

- ``median rel``: median over days of |band / per-day sample quantile - 1| at 5% and 95%
  (how far the drawn edge is from the plain estimate; the plain one's own Monte Carlo
  error at 5% and 95% is about 6-8% for 1,000 paths);
- ``wiggle``: sum of |second differences| of the log 95% edge, as a share of the sample
  quantile's (day-to-day saw-tooth);
- ``bumps``: 95th percentile of the log 95% edge's distance from its own 30-day moving
  mean (unevenness at the scale of weeks), with the sample quantile's for reference.
"""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

import numpy as np
from scipy.ndimage import uniform_filter1d
from scipy.special import ndtri

from trends import plot
from trends.claims import read_claims
from trends.model import fit

ROOT = Path(__file__).resolve().parents[1]
UNTIL = dt.date(2026, 12, 31)


def bumps(edge: np.ndarray) -> float:
    log = np.log(edge)
    return float(np.percentile(np.abs(log - uniform_filter1d(log, 30, mode="nearest")), 95))


def wiggle(edge: np.ndarray) -> float:
    return float(np.abs(np.diff(np.log(edge), 2)).sum())


def main() -> None:
    claims = read_claims(ROOT / "data" / "claims.csv")
    print(f"{'quantity':<24} {'bands':<20} {'median rel 5%':>13} {'95%':>6} "
          f"{'wiggle':>7} {'bumps':>6} {'(sample)':>9}")  # fmt: skip
    for q in sorted({c.quantity for c in claims}):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # sparse claims: the warning is the point
            f = fit(claims, q, until=UNTIL, rng=0)
        sample = f.rate(per="day")
        s05, s95 = sample["q05"].to_numpy(), sample["q95"].to_numpy()
        logs = f.log_samples
        m, s = logs.mean(axis=0), logs.std(axis=0, ddof=1)
        variants = {"normal": (np.exp(m + ndtri(0.05) * s), np.exp(m + ndtri(0.95) * s))}
        for days in (15, plot._SHAPE_DAYS, 121):
            old, plot._SHAPE_DAYS = plot._SHAPE_DAYS, days
            try:
                table = plot._rate_bands(f, "day")
            finally:
                plot._SHAPE_DAYS = old
            mark = " (drawn)" if days == old else ""
            variants[f"shape {days} d{mark}"] = (table["q05"].to_numpy(), table["q95"].to_numpy())
        for name, (lo, hi) in variants.items():
            print(
                f"{q:<24} {name:<20} {np.median(np.abs(lo / s05 - 1)):>13.3f} "
                f"{np.median(np.abs(hi / s95 - 1)):>6.3f} {wiggle(hi) / wiggle(s95):>7.2f} "
                f"{bumps(hi):>6.3f} {bumps(s95):>9.3f}"
            )


if __name__ == "__main__":
    main()
