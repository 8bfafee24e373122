"""Sensitivity: first-order indices by binning, on known answers and on a projection."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_stockflow import FIXED, START, stub_fits

from trends.assumptions import ASSUMPTIONS, parse_assumptions
from trends.errors import DataError
from trends.projection import project
from trends.sensitivity import FLOW_INPUTS, average_ranks, first_order, sensitivity


@given(
    st.lists(
        st.one_of(
            st.sampled_from([0.0, -0.0, 1.0, 2.5, np.inf, -np.inf]),  # ties, signed zeros
            st.floats(allow_nan=True, allow_infinity=True),
        ),
        max_size=60,
    )
)
def test_average_ranks_are_scipys(values):
    """The ranks the rank transform uses equal scipy.stats.rankdata's, ties and NaN too."""
    from scipy.stats import rankdata

    y = np.array(values, dtype=np.float64)
    ours, theirs = average_ranks(y), rankdata(y)
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
    assert np.array_equal(ours, theirs, equal_nan=True)


def test_a_linear_model_recovers_its_variance_shares():
    """Y = 2 X1 + X2 with independent standard normals: S1 = 4/5, S2 = 1/5."""
    g = np.random.default_rng(0)
    x1, x2 = g.standard_normal((2, 20_000))
    y = 2 * x1 + x2
    assert first_order(x1, y, bins=40) == pytest.approx(0.8, abs=0.02)
    assert first_order(x2, y, bins=40) == pytest.approx(0.2, abs=0.02)


def test_an_unrelated_input_gets_about_zero():
    g = np.random.default_rng(1)
    shares = [first_order(g.uniform(size=5000), g.standard_normal(5000)) for _ in range(20)]
    # the noise bias (B - 1) / (n - 1) is removed: what is left averages to about 0
    assert abs(np.mean(shares)) < 0.003
    assert max(shares) < 0.01


def test_ranks_ignore_monotone_transforms_and_long_tails():
    g = np.random.default_rng(2)
    x1, x2 = g.standard_normal((2, 10_000))
    y = x1 + 0.3 * x2
    a = first_order(x1, y, transform="rank")
    assert a == first_order(x1, np.exp(4 * y), transform="rank")  # same ranks
    assert a > 0.85 and first_order(x2, y, transform="rank") < 0.15
    # on the raw values a few extreme draws of exp(4 y) swamp the bins
    assert first_order(x1, np.exp(4 * y)) < a


def test_constant_and_discrete_inputs():
    g = np.random.default_rng(3)
    y = g.standard_normal(3000)
    assert first_order(np.full(3000, 0.3), y) == 0.0
    assert first_order(g.uniform(size=3000), np.ones(3000)) == 0.0
    x = g.integers(0, 3, 3000).astype(float)  # three values: one bin each
    assert first_order(x, x + 0.01 * y) > 0.99
    with pytest.raises(DataError, match="one length"):
        first_order(np.ones(3), np.ones(4))
    with pytest.raises(DataError, match="transform"):
        first_order(x, y, transform="log")


def test_a_projection_names_what_drives_each_stock():
    """Only the held-back share varies among the assumptions: it decides the strategic
    reserve, and it has no bearing on attrition, which the casualty paths decide."""
    text = FIXED.replace(
        '[assumption.held_back_share]\ndist = "fixed"\nvalue = 0.1',
        '[assumption.held_back_share]\ndist = "uniform"\nlow = 0.0\nhigh = 0.4',
    )
    a = parse_assumptions(text)
    until = START + dt.timedelta(days=199)
    fits = stub_fits(5, 200, a.max_delay(), n_paths=60)
    p = project([], a, until, draws=3000, seed=4, fits=fits)
    t = sensitivity(p)
    inputs = list(ASSUMPTIONS) + list(FLOW_INPUTS)
    assert list(t["input"].unique()) == inputs
    assert set(t["variable"]) == {"reserve", "strategic_reserve", "deficit", "attrition"}
    s = t.set_index(["variable", "input"])["index"]
    assert s["strategic_reserve", "held_back_share"] > 0.5
    assert s["attrition", "held_back_share"] < 0.01
    assert s["attrition", "casualty path"] > 0.9
    for name in ASSUMPTIONS:
        if name != "held_back_share":  # fixed in this file
            assert (t[t["input"] == name]["index"] == 0.0).all()
    assert (t["q05"] <= t["q95"]).all() and (t["draws"] == 3000).all()


def test_plot_sensitivity(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    from trends import plot

    g = np.random.default_rng(5)
    x = {n: g.uniform(size=2000) for n in ("alpha_share", "beta_days", "gamma")}
    rows = []
    for v, y in (("reserve", 3 * x["alpha_share"] + x["beta_days"]), ("attrition", x["gamma"])):
        for name, xi in x.items():
            rows.append({"variable": v, "input": name, "index": first_order(xi, y)})
    import pandas as pd

    table = pd.DataFrame(rows)
    ax = plot.plot_sensitivity(table)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[-1] in ("Alpha share", "Gamma")  # the most influential on top
    assert labels[0] == "Beta days"
    gids = {a.get_gid() for a in ax.get_children()}
    assert {"index:reserve", "index:attrition"} <= gids
    with pytest.raises(DataError, match="no variable 'deficit'"):
        plot.plot_sensitivity(table, variables=["deficit"])
    with pytest.raises(DataError, match="lacks column"):
        plot.plot_sensitivity(table.drop(columns="index"))
    fig = ax.figure
    plot.save_figure(fig, tmp_path / "s.png")
    assert (tmp_path / "s.png").stat().st_size > 1000
