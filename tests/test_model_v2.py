"""Known answers for the second version of the rate model: jumps, sources, saturation,
conflicts, the hyperparameter grid.

Expected numbers come from the problems themselves: a rate of 1,000 a day that drops to
250 on a known day makes "7,000 a week" before and "1,750 a week" after, and a 90-day
total of 22,500 after the drop.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings

import numpy as np
import pytest

from trends.claims import Claim
from trends.errors import ConflictWarning, SparseDataWarning
from trends.model import RateModel, fit

D = dt.date
DAY = dt.timedelta(days=1)


def fit_quiet(claims, quantity="x", **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SparseDataWarning)
        warnings.simplefilter("ignore", ConflictWarning)
        return fit(claims, quantity, **kw)


# ---- jumps ------------------------------------------------------------------------------
#: Day the rate drops from 1,000 to 250 a day.
DROP = D(2024, 7, 1)


def drop_claims(before: int = 1000, after: int = 250) -> list[Claim]:
    """Weekly and monthly reports of 1,000 a day before DROP, one weekly report after.

    Each figure is the exact total of its window for the step path ("about", so the
    model reads it as +-10%).
    """
    out = []
    for i, end in enumerate([D(2024, 2, 4), D(2024, 3, 31), D(2024, 4, 21), D(2024, 5, 26),
                             D(2024, 6, 16)]):  # fmt: skip
        out.append(Claim(f"week{i}", "x", "rate", 7 * before, end, per="week",
                         qualifier="about", published=end))  # fmt: skip
    out.append(Claim("may", "x", "rate", 31 * before, D(2024, 5, 31), per="month",
                     start=D(2024, 5, 1), qualifier="about", published=D(2024, 5, 31)))  # fmt: skip
    # One weekly report after the drop: 8..14 July, 7 days at 250.
    out.append(Claim("after", "x", "rate", 7 * after, D(2024, 7, 14), per="week",
                     qualifier="about", published=D(2024, 7, 14)))  # fmt: skip
    return out


def test_a_turn_is_believed_not_set_aside():
    f = fit_quiet(drop_claims(), until=D(2024, 10, 12), rng=3)
    est = f.total(D(2024, 7, 15), D(2024, 10, 12))  # the next 90 days
    truth = 250 * 90
    assert abs(est.quantiles[0.5] / truth - 1) < 0.30
    assert est.quantiles[0.05] <= truth <= est.quantiles[0.95]
    assert "after" not in f.conflicts


def test_without_jumps_the_turn_is_an_outlier():
    """The reference the jump component is measured against: the plain random walk
    sets the newest report aside and forecasts near the old rate."""
    f = fit_quiet(drop_claims(), model=RateModel(jumps=False), until=D(2024, 10, 12), rng=3)
    est = f.total(D(2024, 7, 15), D(2024, 10, 12))
    assert est.quantiles[0.5] > 1.5 * 250 * 90


def test_steady_claims_take_no_jump():
    f = fit_quiet(drop_claims(after=1000), until=D(2024, 10, 12), rng=3)
    assert f.n_jumps == 0
    est = f.total(D(2024, 7, 15), D(2024, 10, 12))
    assert abs(est.quantiles[0.5] / 90_000 - 1) < 0.1
