"""Helpers of the simulation study: news-style reports with every hedge word, parallel runs.

Used by ``analysis/calibration.py``. Nothing here is part of the ``trends`` package: it
is the *test harness* that plays the part of the news (a true window total in, a
hedged, rounded figure out). The scores (pinball loss, coverage, PIT) are the
library's, :mod:`trends.backtest`, re-exported here.

The news model
--------------
A report is made from the true total over its window:

1. a source error: ``noisy = truth * exp(source_sd * z)``, ``z ~ N(0, 1)``;
2. the window total becomes the printed unit (a rate per day/week/month/year is the
   total times ``period_days / window_days``, as :func:`trends.units.total_to_rate`);
3. the hedge word decides how the figure is rounded (:func:`printed_value`):
   ``about``-like words and a bare number round to the nearest round number,
   ``nearly``/``almost``/``fewer than`` round *up* (the truth is below the figure),
   ``over``/``more than``/``at least`` round *down* (the truth is above), and
   ``up to``/``as many as`` print a ceiling: the truth divided by a share between 0.6
   and 1, rounded up.

A "round number" is the value at 2 significant figures (most often), 3 significant
figures, or a coarser "nice" number (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 7.5, 8, 9
times a power of ten), the way headlines print "over 1.5 million" -- but only when the
nice number is within the word's reach (10% for ``about``, the hedge table's 5% for
``nearly`` and ``over``), as nobody writes "nearly 2 million" for 1.5 million.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np

from trends.backtest import (  # the scores are the library's (the backtest uses them too)
    QUANTILE_LEVELS,
    binom_se,
    interval_hits,
    pinball,
    pit,
    relative_pinball,
    round_sig,
)
from trends.claims import Claim
from trends.units import HEDGES, period_window, total_to_rate

__all__ = [
    "QUANTILE_LEVELS",
    "HEDGE_WEIGHTS",
    "NICE",
    "round_sig",
    "ceil_sig",
    "floor_sig",
    "round_nice",
    "printed_value",
    "draw_qualifier",
    "REPORT_KINDS",
    "SOURCE_SD",
    "news_claims",
    "pinball",
    "relative_pinball",
    "interval_hits",
    "pit",
    "binom_se",
    "parallel_map",
]

#: The real daily series shipped with the project (Ukrainian General Staff, MIT licence).
SERIES_PATH = (
    Path(__file__).resolve().parents[1]
    / "data"
    / "ua-general-staff"
    / "russia_losses_personnel.json"
)

#: How often each hedge word is printed (weights; a bare number is ``""``).
HEDGE_WEIGHTS: dict[str, float] = {
    "": 0.14,
    "about": 0.18,
    "approximately": 0.08,
    "around": 0.05,
    "roughly": 0.04,
    "nearly": 0.10,
    "almost": 0.05,
    "over": 0.10,
    "more_than": 0.08,
    "at_least": 0.03,
    "up_to": 0.04,
    "as_many_as": 0.04,
    "fewer_than": 0.01,
    "less_than": 0.02,
}

#: Mantissas of the coarse "nice" numbers headlines round to.
NICE: tuple[float, ...] = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 7.0, 7.5, 8.0, 9.0, 10.0)

_ABOUT = {"", "about", "approximately", "around", "roughly"}
_BELOW = {"nearly", "almost"}  # truth just below the figure
_ABOVE = {"over", "more_than", "at_least"}  # truth above the figure
_CEILING = {"up_to", "as_many_as"}  # truth at most the figure, possibly well below
_UNDER = {"fewer_than", "less_than"}  # truth below the figure, by up to ~20%


def _scale(x: float, n: int) -> float:
    return 10.0 ** (math.floor(math.log10(x)) - n + 1)


def ceil_sig(x: float, n: int) -> float:
    """The smallest number of ``n`` significant figures at or above ``x``."""
    s = _scale(x, n)
    return math.ceil(x / s - 1e-9) * s


def floor_sig(x: float, n: int) -> float:
    """The largest number of ``n`` significant figures at or below ``x``."""
    s = _scale(x, n)
    return math.floor(x / s + 1e-9) * s


def round_nice(x: float, direction: str) -> float:
    """``x`` moved to a "nice" number (:data:`NICE` times a power of ten).

    ``direction`` is ``"nearest"`` (on the log scale), ``"up"`` or ``"down"``.
    """
    p = 10.0 ** math.floor(math.log10(x))
    m = x / p
    grid = np.array(NICE)
    if direction == "up":
        return float(grid[np.searchsorted(grid, m - 1e-9)] * p)
    if direction == "down":
        return float(grid[np.searchsorted(grid, m + 1e-9, side="right") - 1] * p)
    return float(grid[np.argmin(np.abs(np.log(grid / m)))] * p)


def _round(x: float, direction: str, rng: np.random.Generator, reach: float) -> float:
    """A round number near ``x``: 2 s.f. (60%), 3 s.f. (20%) or a nice number (20%).

    A nice number is used only when it is within a factor ``reach`` of ``x`` (nobody
    writes "nearly 2 million" for 1.5 million); otherwise 2 significant figures, or
    more when 2 would move the figure further than ``reach`` ("over 1,000" is not
    written for 1,099 when "over" means within 5%).
    """
    u = rng.random()
    if u < 0.2:
        nice = round_nice(x, direction)
        if abs(math.log(nice / x)) <= math.log(reach):
            return nice
        u = 1.0
    n = 3 if u < 0.4 else 2
    f = {"nearest": round_sig, "up": ceil_sig, "down": floor_sig}[direction]
    out = f(x, n)
    while abs(math.log(out / x)) > math.log(reach) and n < 15:
        n += 1
        out = f(x, n)
    return out


def printed_value(figure: float, qualifier: str, rng: np.random.Generator) -> float:
    """The figure a report prints for a (noisy) true ``figure`` with this hedge word.

    Parameters
    ----------
    figure : float
        What the source believes, in the printed unit (already with its source error).
    qualifier : str
        Hedge word (a key of :data:`trends.units.HEDGES`).
    rng : numpy.random.Generator
        For the rounding style and a ceiling's share.
    """
    if qualifier == "exact":
        return round_sig(figure, 4)
    if qualifier in _ABOUT:
        return _round(figure, "nearest", rng, 1.1)
    if qualifier in _BELOW:
        return _round(figure, "up", rng, 1 / HEDGES["nearly"].low)
    if qualifier in _ABOVE:
        return _round(figure, "down", rng, HEDGES["over"].high)
    if qualifier in _CEILING:
        return _round(figure / rng.uniform(0.6, 1.0), "up", rng, 1.1)
    if qualifier in _UNDER:
        return _round(figure / rng.uniform(0.8, 1.0), "up", rng, 1.1)
    raise ValueError(f"unknown qualifier {qualifier!r}")


def draw_qualifier(rng: np.random.Generator, weights: dict[str, float] | None = None) -> str:
    """A hedge word drawn with :data:`HEDGE_WEIGHTS` (or ``weights``)."""
    w = HEDGE_WEIGHTS if weights is None else weights
    words = list(w)
    p = np.array([w[k] for k in words], dtype=float)
    return words[int(rng.choice(len(words), p=p / p.sum()))]


#: Report kinds and how often each is drawn.
REPORT_KINDS: dict[str, float] = {
    "week": 0.17,  # "8,000 a week" (the 7 days to the end date)
    "month": 0.14,  # "30,000 a month" (one month to the end date)
    "month_cal": 0.08,  # "30,000 in October" (a calendar month)
    "day7": 0.08,  # "about 1,100 a day" over the last week
    "day30": 0.08,  # "about 1,100 a day" over the last month
    "year": 0.07,  # "400,000 a year" (the year to the end date)
    "since_jan": 0.15,  # "300,000 since the beginning of the year"
    "since_start": 0.13,  # "600,000 since the start"
    "day1": 0.10,  # "1,200 in the last day"
}
#: Lognormal sd of the source error on a true window total.
SOURCE_SD = 0.05


# ---- the reports ------------------------------------------------------------------------
def _report(kind: str, end: dt.date, d0: dt.date) -> tuple[dict, dt.date, dt.date] | None:
    """Claim fields (without value) and window of one report kind, or None if it does
    not fit after ``d0``."""
    if kind == "week":
        fields, (s, e) = {"kind": "rate", "per": "week"}, period_window("week", end)
    elif kind == "month":
        fields, (s, e) = {"kind": "rate", "per": "month"}, period_window("month", end)
    elif kind == "month_cal":
        e = end.replace(day=1) - dt.timedelta(days=1)
        s = e.replace(day=1)
        fields = {"kind": "rate", "per": "month", "start": s}
    elif kind in ("day7", "day30"):
        s, e = end - dt.timedelta(days=6 if kind == "day7" else 29), end
        fields = {"kind": "rate", "per": "day", "start": s}
    elif kind == "year":
        fields, (s, e) = {"kind": "rate", "per": "year"}, period_window("year", end)
    elif kind == "since_jan":
        s, e = dt.date(end.year, 1, 1), end
        if (e - s).days < 14:
            return None
        fields = {"kind": "total", "start": s}
    elif kind == "since_start":
        s, e = d0, end
        fields = {"kind": "total", "start": s}
    elif kind == "day1":
        s, e = end, end
        fields = {"kind": "total", "start": s}
    else:
        raise ValueError(kind)
    if s < d0:
        return None
    return fields, s, e


def news_claims(
    daily: np.ndarray,
    d0: dt.date,
    ends: list[dt.date],
    rng: np.random.Generator,
    *,
    kinds: dict[str, float] | None = None,
    source_sd: float = SOURCE_SD,
    lag_max: int = 7,
    quantity: str = "x",
    prefix: str = "r",
) -> list[Claim]:
    """Reports of the true daily counts ``daily`` (day 0 = ``d0``), one per end date.

    Each report picks a kind (``kinds`` weights) that fits after ``d0``, takes the true
    total over its window times a lognormal source error, converts it to the printed
    unit, and prints it with a hedge word (:func:`analysis._synth.printed_value`).
    Half the reports are published 1..``lag_max`` days after their window ends.
    """
    kinds = REPORT_KINDS if kinds is None else kinds
    names = list(kinds)
    p = np.array([kinds[k] for k in names])
    p = p / p.sum()
    cum = np.concatenate([[0.0], np.cumsum(daily)])
    claims = []
    for i, end in enumerate(ends):
        for _ in range(50):
            kind = names[int(rng.choice(len(names), p=p))]
            got = _report(kind, end, d0)
            if got is not None:
                break
        else:  # nothing fits this early: a one-day total always does
            kind, got = "day1", _report("day1", end, d0)
        fields, s, e = got
        i0, i1 = (s - d0).days, (e - d0).days
        total = (cum[i1 + 1] - cum[i0]) * math.exp(source_sd * rng.standard_normal())
        if fields["kind"] == "total":
            figure = total
        else:
            figure = float(total_to_rate(total, fields["per"], s, e))
        qualifier = draw_qualifier(rng)
        value = printed_value(figure, qualifier, rng)
        lag = int(rng.integers(1, lag_max + 1)) if lag_max and rng.random() < 0.5 else 0
        claims.append(
            Claim(
                id=f"{prefix}{i:02d}_{kind}",
                quantity=quantity,
                value=value,
                end=e,
                qualifier=qualifier,
                published=e + dt.timedelta(days=lag),
                notes=kind,
                **fields,
            )
        )
    return claims


# ---- parallel runs ----------------------------------------------------------------------
def parallel_map(func: Callable, items: Sequence | Iterable, processes: int | None = None) -> list:
    """``[func(i) for i in items]``, over ``processes`` worker processes (default 2).

    ``processes=1`` runs in this process (debugging). Order is kept. ``func`` must be a
    module-level function (it is pickled). Workers are *spawned* with one BLAS thread
    each: the work is parallel over items, and threaded BLAS inherited by forked
    workers on a busy machine turned 0.5 s fits into minutes.
    """
    items = list(items)
    if processes is None:
        processes = min(2, os.cpu_count() or 1)
    if processes <= 1 or len(items) <= 1:
        return [func(i) for i in items]
    import multiprocessing as mp

    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")  # inherited by the spawned workers
    # Spawned workers re-import the main script; one read from stdin cannot be, so fork.
    main_file = getattr(sys.modules.get("__main__"), "__file__", None)
    method = "spawn" if main_file is None or os.path.isfile(main_file) else "fork"
    with mp.get_context(method).Pool(processes) as pool:
        return pool.map(func, items, chunksize=1)


def save_axes_figure(axes, path) -> None:
    """Save the figure holding ``axes`` (one Axes or an array) with trends' saver."""
    import matplotlib.pyplot as plt

    from trends.plot import save_figure

    fig = np.atleast_1d(axes).flat[0].figure
    save_figure(fig, path)
    plt.close(fig)
