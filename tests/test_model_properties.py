"""Invariants of the latent daily-rate model over random claim sets (hypothesis).

- scale equivariance: multiplying every figure by ``k`` multiplies every estimate (rate
  quantiles, window totals, sample paths) by ``k``, same seed;
- order independence: the order of the claims changes nothing, bit for bit;
- repeats count once: adding repeats (``derived_from``, same figure, other outlets and
  dates) changes nothing, bit for bit;
- targets are never fitted: a target inside the fitted days changes nothing.

Each example fits the model twice (0.05-0.5 s a fit), so the example counts are small;
``TRENDS_MODEL_EXAMPLES=200`` runs a longer search. The strategies are local to this
file (``tests/strategies.py`` holds the units strategies).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trends.claims import Claim
from trends.errors import ConflictWarning, SparseDataWarning
from trends.model import MODELS, RateFit, RateModel, fit

D = dt.date
DAY = dt.timedelta(days=1)
FIRST = D(2024, 1, 1)
EXAMPLES = int(os.environ.get("TRENDS_MODEL_EXAMPLES", "15"))

# Over random claim sets the conditional modes (Gauss-Newton stopped at a step of 1e-4)
# of a scaled problem agree with the original's to about 1e-4; a broken equivariance
# (a count fixed somewhere, mixture components drawn in another order) shows at 1e-2.
SCALE_RTOL = 1e-3

#: Window lengths of totals: a day, a week, a month, a quarter, or since FIRST.
TOTAL_DAYS = (1, 7, 30, 91, None)
QUALIFIERS = ("", "exact", "nearly", "over", "up_to", "about")


@st.composite
def claims_st(draw, min_size: int = 1, max_size: int = 6) -> list[Claim]:
    """A set of rate and total claims about ``x``, about 1,000 a day give or take 2x.

    Windows: rates per day, week, month or year ending on a random day of 2024 (one
    period, or an explicit window of 1-120 days); totals over 1, 7, 30 or 91 days or
    since 1 January 2024. Ids are unique; figures carry a random hedge word.
    """
    n = draw(st.integers(min_size, max_size))
    claims = []
    for i in range(n):
        end = FIRST + draw(st.integers(0, 400)) * DAY
        noise = draw(st.floats(0.5, 2.0, allow_nan=False))
        qualifier = draw(st.sampled_from(QUALIFIERS))
        if draw(st.booleans()):
            per = draw(st.sampled_from(("day", "week", "month", "year")))
            days_per = {"day": 1, "week": 7, "month": 30.436875, "year": 365.2425}[per]
            start = None
            if draw(st.booleans()):
                start = end - (draw(st.integers(1, 120)) - 1) * DAY
            claims.append(
                Claim(
                    f"c{i}",
                    "x",
                    "rate",
                    1000 * days_per * noise,
                    end,
                    per=per,
                    start=start,
                    qualifier=qualifier,
                )
            )
        else:
            length = draw(st.sampled_from(TOTAL_DAYS))
            start = FIRST if length is None else end - (length - 1) * DAY
            days = (end - start).days + 1
            claims.append(
                Claim(
                    f"c{i}",
                    "x",
                    "total",
                    1000 * days * noise,
                    end,
                    start=start,
                    qualifier=qualifier,
                )
            )
    return claims


scales = st.one_of(
    st.sampled_from([2.0, 3.0, 0.5, 1e-3, 1e4]),
    st.floats(1e-4, 1e4, allow_nan=False, allow_infinity=False),
)
models = st.sampled_from(MODELS)


def fit_quiet(claims, **kw) -> RateFit:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SparseDataWarning)
        warnings.simplefilter("ignore", ConflictWarning)
        return fit(claims, "x", **kw)


def fingerprint(f: RateFit) -> tuple[np.ndarray, ...]:
    """Rate table, total over the whole grid and over its middle third, sample paths."""
    third = f.n_days // 3
    mid = (f.origin + third * DAY, f.origin + max(2 * third - 1, third) * DAY)
    out = [f.rate().to_numpy()]
    for window in ((f.origin, f.end), mid):
        est = f.total(*window)
        out.append(np.array([est.mean, *est.quantiles.values()]))
    out.append(f.sample())
    return tuple(out)


def assert_identical(a: RateFit, b: RateFit) -> None:
    assert (a.origin, a.n_days) == (b.origin, b.n_days)
    for x, y in zip(fingerprint(a), fingerprint(b), strict=True):
        np.testing.assert_array_equal(x, y)


@settings(max_examples=EXAMPLES, deadline=None)
@given(claims=claims_st(), k=scales, model=models)
def test_scale_equivariance(claims, k, model):
    # Totals as the rate's integral: Poisson counts are not scale-equivariant, by nature
    # (test_model.py::test_counts_are_not_rescaled_rates).
    rates = RateModel(kind=model, counts=False)
    a = fit_quiet(claims, model=rates, rng=5)
    b = fit_quiet([dataclasses.replace(c, value=c.value * k) for c in claims], model=rates, rng=5)
    assert (a.origin, a.n_days) == (b.origin, b.n_days)
    assert b.sigma == pytest.approx(a.sigma, rel=1e-4)
    assert b.tau == pytest.approx(a.tau, rel=1e-4)
    for x, y in zip(fingerprint(a), fingerprint(b), strict=True):
        np.testing.assert_allclose(y, k * x, rtol=SCALE_RTOL)
    # the residual table is scale free
    ra, rb = a.residuals(), b.residuals()
    np.testing.assert_allclose(rb["z"], ra["z"], rtol=SCALE_RTOL, atol=1e-3)
    np.testing.assert_allclose(rb["claimed"], k * ra["claimed"], rtol=1e-12)


@settings(max_examples=EXAMPLES, deadline=None)
@given(claims=claims_st(min_size=2), model=models, data=st.data())
def test_order_independence(claims, model, data):
    order = data.draw(st.permutations(range(len(claims))))
    a = fit_quiet(claims, model=model, rng=5)
    b = fit_quiet([claims[i] for i in order], model=model, rng=5)
    assert_identical(a, b)
    assert list(a.residuals()["id"]) == list(b.residuals()["id"])


@settings(max_examples=EXAMPLES, deadline=None)
@given(claims=claims_st(), data=st.data())
def test_repeats_count_once(claims, data):
    """Repeats of any claims, published the same day or later, change nothing."""
    picks = data.draw(st.lists(st.sampled_from(claims), min_size=1, max_size=4))
    repeats = []
    for j, original in enumerate(picks):
        # a repeat of the original or of an earlier repeat of it (a chain)
        chain = [r for r in repeats if r.derived_from == original.id]
        parent = data.draw(st.sampled_from([original, *chain]))
        lag = data.draw(st.integers(0, 30))
        repeats.append(
            dataclasses.replace(
                original,
                id=f"r{j}_{original.id}",
                derived_from=parent.id,
                published=original.published_on + lag * DAY,
                source=f"outlet {j}",
            )
        )
    shuffled = data.draw(st.permutations(claims + repeats))
    a = fit_quiet(claims, rng=5)
    b = fit_quiet(shuffled, rng=5)
    assert_identical(a, b)
    assert sorted(b.set_aside["repeat"]) == sorted(r.id for r in repeats)


@settings(max_examples=EXAMPLES, deadline=None)
@given(claims=claims_st(), data=st.data())
def test_target_inside_the_grid_changes_nothing(claims, data):
    a = fit_quiet(claims, rng=5)
    i = data.draw(st.integers(0, a.n_days - 1))
    j = data.draw(st.integers(i, a.n_days - 1))
    value = data.draw(st.floats(1.0, 1e9, allow_nan=False))
    target = Claim("goal", "x", "target", value, a.origin + j * DAY, start=a.origin + i * DAY)
    b = fit_quiet(claims + [target], rng=5)
    assert_identical(a, b)
    assert b.set_aside["target"] == ["goal"]


@settings(max_examples=EXAMPLES, deadline=None)
@given(
    claims=claims_st(max_size=8),
    horizon=st.integers(0, 5 * 365),
    sources=st.lists(st.sampled_from(["", "a", "b", "c"]), min_size=8, max_size=8),
    data=st.data(),
)
def test_every_mean_lies_inside_its_own_90_interval(claims, horizon, sources, data):
    """Rates, running totals and window totals, up to five years beyond the claims:
    the printed mean is never outside the printed 90% interval (a geometric random walk
    with an uncertain volatility has no usable mean far out; the saturating prior keeps
    one)."""
    claims = [
        dataclasses.replace(c, attributed_to=s)
        for c, s in zip(claims, sources[: len(claims)], strict=True)
    ]
    last = max(c.window[1] for c in claims)
    f = fit_quiet(claims, until=last + horizon * DAY, rng=2)
    for table in (f.rate(), f.cumulative()):
        mean, lo, hi = (table[k].to_numpy() for k in ("mean", "q05", "q95"))
        assert np.all(np.isfinite(mean))
        assert np.all((lo <= mean) & (mean <= hi))
    i = data.draw(st.integers(0, f.n_days - 1))
    j = data.draw(st.integers(i, f.n_days - 1))
    est = f.total(f.origin + i * DAY, f.origin + j * DAY)
    assert est.quantiles[0.05] <= est.mean <= est.quantiles[0.95]
