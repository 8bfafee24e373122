"""Stock-flow projections: assumptions files, the model, scenarios."""

from __future__ import annotations

import datetime as dt
import math
import re
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from trends.assumptions import ASSUMPTIONS, parse_assumptions, read_assumptions
from trends.claims import independent, read_claims
from trends.errors import AssumptionsError, DataError, TrendsError
from trends.projection import project, target_attainment
from trends.stockflow import FLOWS, STOCKS, VARIABLES, simulate

D = dt.date
START = D(2025, 1, 1)
YEAR = 365.2425  # days in the mean Gregorian year: *_per_year -> per day

FIXED = """\
[projection]
start = 2025-01-01
recruits = "recruits"
casualties = "casualties"

[assumption.killed_missing_captured_share]
dist = "fixed"
value = 0.3
source = "test"

[assumption.wounded_return_share]
dist = "fixed"
value = 0.6
source = "test"

[assumption.return_delay_days]
dist = "fixed"
value = 3
source = "test"

[assumption.held_back_share]
dist = "fixed"
value = 0.1
source = "test"

[assumption.starting_reserve]
dist = "fixed"
value = 1000
source = "test"

[assumption.training_days]
dist = "fixed"
value = 2
source = "test"

[assumption.front_growth_per_year]
dist = "fixed"
value = 36524.25
source = "test: 100 a day"

[assumption.desertion_per_year]
dist = "fixed"
value = 3652.425
source = "test: 10 a day"

[assumption.discharge_per_year]
dist = "fixed"
value = 7304.85
source = "test: 20 a day"

[scenario.recruitment_slows]
recruits = { multiply = 0.8, from = 2025-01-05 }
"""


class StubFit:
    """Stands in for a RateFit: fixed daily paths from ``origin``."""

    def __init__(self, paths, origin):
        self.paths = np.atleast_2d(np.asarray(paths, dtype=np.float64))
        self.origin = origin
        self.n_days = self.paths.shape[1]

    def sample(self, n=None, rng=None):
        assert n is None
        return self.paths.copy()


def reference(re_, ce, lead, k, rho, D_, L, h, R0, g=0.0, o=0.0):
    """The stock-flow model as a plain loop over days, written from the spec: each day
    the front asks for its losses, growth and deficit and draws what the reserve has."""

    def rec(t):  # recruits on day t (negative: before the start)
        return float(re_[lead + t])

    def cas(t):
        return float(ce[lead + t])

    W = sum((1 - k) * cas(s) for s in range(-D_, 0))
    Q = sum(rec(s) for s in range(-L, 0))
    W0, Q0 = W, Q
    R, Def, S, G, A = R0, 0.0, 0.0, 0.0, 0.0
    out = {v: [] for v in VARIABLES}
    for t in range(len(re_) - lead):
        trained = rec(t - L)
        back = cas(t - D_)
        ret = rho * (1 - k) * back
        inv = (1 - rho) * (1 - k) * back
        irr = k * cas(t) + inv
        need = Def + cas(t) + o + g
        avail = R + (1 - h) * trained + ret
        draw = min(need, avail)
        R, Def = avail - draw, need - draw
        S += draw - cas(t) - o
        G += h * trained
        Q += rec(t) - trained
        W += (1 - k) * cas(t) - ret - inv
        A += irr + o
        for name, v in (
            ("recruits", rec(t)),
            ("casualties", cas(t)),
            ("trained", trained),
            ("irrecoverable", irr),
            ("returns", ret),
            ("other_outflows", o),
            ("net_force_change", rec(t) - irr - o),
            ("reserve", R),
            ("strategic_reserve", G),
            ("front", S),
            ("deficit", Def),
            ("training", Q),
            ("recovering", W),
            ("attrition", A),
        ):
            out[name].append(float(v))
    return out, R0, W0, Q0


def stub_fits(rng, days, lead, n_paths=1, level=(1000.0, 1200.0)):
    """Recruit and casualty stubs with wiggly positive paths over start-lead..start+days-1."""
    g = np.random.default_rng(rng)
    t = np.arange(days + lead)
    rec = level[0] * (1 + 0.5 * np.sin(t / 5.0 + g.uniform(0, 6, (n_paths, 1))))
    rec *= g.uniform(0.5, 1.5, (n_paths, days + lead))
    cas = level[1] * (1 + 0.5 * np.cos(t / 7.0 + g.uniform(0, 6, (n_paths, 1))))
    cas *= g.uniform(0.5, 1.5, (n_paths, days + lead))
    origin = START - dt.timedelta(days=lead)
    return {"recruits": StubFit(rec, origin), "casualties": StubFit(cas, origin)}


@pytest.fixture(scope="module")
def shipped(repo_root):
    return read_assumptions(repo_root / "data" / "assumptions.toml")


@pytest.fixture(scope="module")
def claims(repo_root):
    return read_claims(repo_root / "data" / "claims.csv")


def check_identities(p, scenario, rtol):
    """R + G + S + Q + W + A - (R0 + Q0 + W0) = cumulative recruits; R Def = 0 (every path)."""
    stocks = {v: p.paths(v, scenario).astype(np.float64) for v in STOCKS}
    R0, Q0, W0 = (p.initial(v, scenario) for v in ("reserve", "training", "recovering"))
    cum_r = p.paths("recruits", scenario, cumulative=True).astype(np.float64)
    parts = [stocks[v] for v in STOCKS if v != "deficit"]
    lhs = sum(parts) - (R0 + Q0 + W0)[:, None]
    scale = np.maximum(np.abs(cum_r), 1.0) + sum(np.abs(x) for x in parts)
    assert np.all(np.abs(lhs - cum_r) <= rtol * scale)
    assert np.all(stocks["deficit"] >= 0.0) and np.all(stocks["reserve"] >= 0.0)
    assert np.all(np.minimum(stocks["reserve"], stocks["deficit"]) == 0.0)


# ---------------------------------------------------------------------------------
# the model against the arithmetic
# ---------------------------------------------------------------------------------


def test_fixed_assumptions_equal_the_deterministic_arithmetic():
    a = parse_assumptions(FIXED)
    assert a.max_delay() == 3
    until = START + dt.timedelta(days=59)
    fits = stub_fits(3, 60, 3, level=(1000.0, 1200.0))
    p = project([], a, until, draws=7, seed=3, fits=fits, dtype=np.float64)
    re_ = fits["recruits"].paths[0]
    ce = fits["casualties"].paths[0]
    want, R0, W0, Q0 = reference(re_, ce, 3, 0.3, 0.6, 3, 2, 0.1, 1000.0, g=100.0, o=30.0)
    assert max(want["deficit"]) > 0 and max(want["reserve"]) > 0  # both regimes occur
    for v in VARIABLES:
        got = p.paths(v)
        assert got.shape == (7, 60)
        np.testing.assert_allclose(got, np.tile(want[v], (7, 1)), rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(p.initial("reserve"), R0)
    np.testing.assert_allclose(p.initial("recovering"), W0, rtol=1e-12)
    np.testing.assert_allclose(p.initial("training"), Q0, rtol=1e-12)
    # the values at `until` kept by the run agree with the paths
    for v in STOCKS:
        np.testing.assert_allclose(p.at_until(v), want[v][-1], rtol=1e-9, atol=1e-6)
    # exhaustion and the peak, from the reference paths
    R, Def = np.array(want["reserve"]), np.array(want["deficit"])
    first_short = int(np.argmax(Def > 0))
    day = START + dt.timedelta(days=first_short)
    assert p.p_exhausted(day) == 1.0
    assert p.p_exhausted(day - dt.timedelta(days=1)) == 0.0
    peak = p.reserve_peak()
    top = int(np.argmax(R)) if R.max() > R0 else -1
    assert peak.dates[0.5] == START + dt.timedelta(days=top)
    assert peak.levels[0.5] == pytest.approx(max(R.max(), R0))


def test_peak_and_exhaustion_in_the_two_plain_cases():
    """Recruits far above losses: the reserve rises every day, so it peaks on `until`
    and never runs out. Losses far above recruits: it never tops R0 and runs out on
    the first day the front's need passes R0 plus the inflow."""
    a = parse_assumptions(FIXED)
    until = START + dt.timedelta(days=39)
    origin = START - dt.timedelta(days=3)
    rich = {"recruits": StubFit(np.full((1, 43), 5000.0), origin),
            "casualties": StubFit(np.full((1, 43), 100.0), origin)}  # fmt: skip
    p = project([], a, until, draws=5, seed=0, fits=rich, dtype=np.float64)
    peak = p.reserve_peak()
    assert peak.dates[0.05] == peak.dates[0.95] == until
    assert peak.p_at_horizon == 1.0 and peak.p_at_start == 0.0
    assert p.p_exhausted() == 0.0
    poor = {"recruits": StubFit(np.full((1, 43), 100.0), origin),
            "casualties": StubFit(np.full((1, 43), 5000.0), origin)}  # fmt: skip
    p = project([], a, until, draws=5, seed=0, fits=poor, dtype=np.float64)
    peak = p.reserve_peak()
    assert peak.p_at_start == 1.0 and peak.dates[0.5] == START - dt.timedelta(days=1)
    assert peak.levels[0.5] == 1000.0  # R0
    # day 0: inflow 0.9 x 100 trained + 0.6 x 0.7 x 5000 returns = 2,190; need 5,000 +
    # 30 outflows + 100 growth: 1,000 + 2,190 < 5,130, so the reserve is out on day 0
    assert p.p_exhausted(START) == 1.0


def test_scenario_multiplier_applies_from_its_date():
    a = parse_assumptions(FIXED)
    fits = stub_fits(2, 30, 3)
    p = project(
        [],
        a,
        START + dt.timedelta(days=29),
        scenarios=["recruitment_slows"],
        draws=2,
        seed=0,
        fits=fits,
        dtype=np.float64,
    )
    base = p.paths("recruits")
    slow = p.paths("recruits", "recruitment_slows")
    np.testing.assert_allclose(slow[:, :4], base[:, :4])
    np.testing.assert_allclose(slow[:, 4:], 0.8 * base[:, 4:])
    re_ = fits["recruits"].paths[0].copy()
    re_[3 + 4 :] *= 0.8
    want, _, _, _ = reference(
        re_, fits["casualties"].paths[0], 3, 0.3, 0.6, 3, 2, 0.1, 1000.0, g=100.0, o=30.0
    )
    for v in ("reserve", "deficit", "training", "trained"):
        np.testing.assert_allclose(p.paths(v, "recruitment_slows")[0], want[v], rtol=1e-9)


def test_simulate_matches_the_loop_draw_by_draw():
    g = np.random.default_rng(5)
    n, T, lead = 8, 40, 8
    r = g.uniform(0, 100, (n, lead + T))
    ce = g.uniform(0, 120, (n, lead + T))
    k, rho, h = g.uniform(0, 1, n), g.uniform(0, 1, n), g.uniform(0, 0.5, n)
    Dd, L = g.integers(0, lead + 1, n), g.integers(0, lead + 1, n)
    R0, gr, o = g.uniform(0, 500, n), g.uniform(0, 20, n), g.uniform(0, 10, n)
    out = simulate(
        r,
        ce,
        killed_share=k,
        return_share=rho,
        delay=Dd,
        training=L,
        held_back=h,
        reserve0=R0,
        growth=gr,
        outflows=o,
        lead=lead,
    )
    for i in range(n):
        want, _, W0i, Q0i = reference(
            r[i], ce[i], lead, k[i], rho[i], int(Dd[i]), int(L[i]), h[i], R0[i], gr[i], o[i]
        )
        for v in VARIABLES:
            np.testing.assert_allclose(out[v][i], want[v], rtol=1e-9, atol=1e-9)
        assert out["initial_recovering"][i] == pytest.approx(W0i, rel=1e-12, abs=1e-12)
        assert out["initial_training"][i] == pytest.approx(Q0i, rel=1e-12, abs=1e-12)


def test_recruits_from_the_start_need_no_training_delay():
    r, ce = np.ones((1, 5)), np.ones((1, 8))
    kw = dict(killed_share=0.3, return_share=0.5, delay=3, held_back=0, reserve0=0)
    out = simulate(r, ce, **kw)  # lead 3 from the shapes; training 0
    assert out["reserve"].shape == (1, 5)
    with pytest.raises(DataError, match="training delay needs the recruits"):
        simulate(r, ce, training=1, **kw)
    with pytest.raises(DataError, match="training delays must be whole days in 0..3"):
        simulate(np.ones((1, 8)), ce, training=4, lead=3, **kw)


def test_conservation_on_every_path_every_scenario(shipped):
    until = START + dt.timedelta(days=399)
    fits = stub_fits(7, 400, shipped.max_delay(list(shipped.scenarios)), n_paths=50)
    p = project(
        [], shipped, until, scenarios="all", draws=300, seed=11, fits=fits, dtype=np.float64
    )
    assert p.scenarios[0] == "baseline" and len(p.scenarios) == 1 + len(shipped.scenarios)
    for s in p.scenarios:
        check_identities(p, s, 1e-9)
    # float32 storage keeps them to float32 precision
    p32 = project([], shipped, until, draws=300, seed=11, fits=fits)
    assert p32.paths("reserve").dtype == np.float32
    check_identities(p32, "baseline", 1e-6)


# ---------------------------------------------------------------------------------
# the identity, exactly, and monotonicity
# ---------------------------------------------------------------------------------

counts = st.integers(0, 10_000).map(float)
eighths = st.integers(0, 8).map(lambda i: i / 8)  # dyadic: every product is exact


@st.composite
def model_inputs(draw, exact: bool = False):
    T = draw(st.integers(1, 30))
    lead = draw(st.integers(0, 8))
    elem = counts if exact else st.floats(0, 1e4, allow_nan=False, allow_infinity=False)
    r = np.array(draw(st.lists(elem, min_size=lead + T, max_size=lead + T)))
    ce = np.array(draw(st.lists(elem, min_size=lead + T, max_size=lead + T)))
    share = eighths if exact else st.floats(0, 1, allow_nan=False)
    params = {
        "killed_share": draw(share),
        "return_share": draw(share),
        "delay": draw(st.integers(0, lead)),
        "training": draw(st.integers(0, lead)),
        "held_back": draw(share),
        "reserve0": draw(counts if exact else st.floats(0, 1e5, allow_nan=False)),
        "growth": draw(st.integers(0, 500).map(float)),
        "outflows": draw(st.integers(0, 500).map(float)),
    }
    return r, ce, lead, params


def _tol(r, ce):
    return 1e-9 * (1.0 + float(np.sum(r) + np.sum(ce)))


@settings(max_examples=80)
@given(model_inputs(exact=True))
def test_the_identity_holds_exactly(inputs):
    """With whole-number flows and dyadic shares every step is exact in float64, so the
    identity holds to the last bit, and reserve and deficit are never both positive."""
    r, ce, lead, params = inputs
    out = simulate(r[None], ce[None], lead=lead, **params)
    lhs = sum(out[v] for v in STOCKS if v != "deficit")
    lhs = (
        lhs
        - (out["initial_reserve"] + out["initial_training"] + out["initial_recovering"])[:, None]
    )
    assert np.array_equal(lhs, np.cumsum(r[lead:])[None])
    assert np.all(out["reserve"] * out["deficit"] == 0.0)
    t = np.arange(1, r.size - lead + 1)
    assert np.array_equal(out["front"], t * params["growth"] - out["deficit"])


@settings(max_examples=40)
@given(model_inputs())
def test_identities_hold_for_any_flows(inputs):
    r, ce, lead, params = inputs
    out = simulate(r[None], ce[None], lead=lead, **params)
    lhs = sum(out[v] for v in STOCKS if v != "deficit")
    lhs -= (out["initial_reserve"] + out["initial_training"] + out["initial_recovering"])[:, None]
    np.testing.assert_allclose(lhs, np.cumsum(r[lead:])[None], rtol=1e-9, atol=_tol(r, ce))
    assert np.all(np.minimum(out["reserve"], out["deficit"]) == 0.0)


@settings(max_examples=60)
@given(model_inputs(), st.data())
def test_more_recruits_never_shrink_the_reserve(inputs, data):
    r, ce, lead, params = inputs
    extra = data.draw(hnp.arrays(np.float64, len(r), elements=st.floats(0, 1e4)))
    kw = dict(lead=lead, variables=("reserve", "deficit"), **params)
    a, b = simulate(r[None], ce[None], **kw), simulate((r + extra)[None], ce[None], **kw)
    assert np.all(b["reserve"] >= a["reserve"] - _tol(r + extra, ce))
    assert np.all(b["deficit"] <= a["deficit"] + _tol(r + extra, ce))


@settings(max_examples=60)
@given(model_inputs(), st.data())
def test_more_losses_never_grow_the_reserve(inputs, data):
    r, ce, lead, params = inputs
    extra = data.draw(hnp.arrays(np.float64, len(r) - lead, elements=st.floats(0, 1e4)))
    more = ce.copy()
    more[lead:] += extra  # casualties on projected days
    kw = dict(lead=lead, variables=("reserve", "deficit"), **params)
    a, b = simulate(r[None], ce[None], **kw), simulate(r[None], more[None], **kw)
    assert np.all(b["reserve"] <= a["reserve"] + _tol(r, more))
    assert np.all(b["deficit"] >= a["deficit"] - _tol(r, more))


@settings(max_examples=60)
@given(model_inputs(), st.floats(0, 1, allow_nan=False))
def test_holding_back_more_moves_people_to_the_strategic_reserve(inputs, h2):
    r, ce, lead, params = inputs
    lo, hi = sorted((params["held_back"], h2))
    kw = dict(lead=lead, variables=("reserve", "strategic_reserve"))
    a = simulate(r[None], ce[None], **kw, **{**params, "held_back": lo})
    b = simulate(r[None], ce[None], **kw, **{**params, "held_back": hi})
    tol = _tol(r, ce)
    assert np.all(b["reserve"] <= a["reserve"] + tol)
    assert np.all(b["strategic_reserve"] >= a["strategic_reserve"] - tol)
    total = lambda x: x["reserve"] + x["strategic_reserve"]  # noqa: E731
    assert np.all(total(b) >= total(a) - tol)


# ---------------------------------------------------------------------------------
# the toy case: recruits equal irrecoverable losses on average
# ---------------------------------------------------------------------------------


def test_recruits_equal_to_irrecoverable_losses_give_no_reserve_growth_beyond_noise():
    """Casualties 1,000 a day, of which 0.3 + 0.7 x 0.4 = 0.58 are lost for good; recruits
    i.i.d. with mean 580 and sd 100. The reserve minus the deficit is then a driftless
    random walk N_T with sd 100 sqrt(T), so the reserve is max(N_T, 0) with mean
    100 sqrt(T / (2 pi)) (the half-normal mean), not a ratchet that grows with T; and
    reserve and deficit are never both positive."""
    n, T, lead = 4000, 730, 40
    g = np.random.default_rng(2024)
    r = g.normal(580.0, 100.0, (n, lead + T))
    ce = np.full((n, lead + T), 1000.0)
    out = simulate(
        r,
        ce,
        killed_share=0.3,
        return_share=0.6,
        delay=30,
        training=20,
        held_back=0.0,
        reserve0=0.0,
        lead=lead,
        variables=("reserve", "deficit"),
    )
    R, Def = out["reserve"], out["deficit"]
    assert np.all(R * Def == 0.0)
    net = R[:, -1] - Def[:, -1]
    sd = 100.0 * math.sqrt(T)
    assert abs(net.mean()) < 4 * sd / math.sqrt(n)  # no drift
    half_normal_mean = sd / math.sqrt(2 * math.pi)
    se = sd * math.sqrt(0.5 - 1 / (2 * math.pi)) / math.sqrt(n)
    assert abs(R[:, -1].mean() - half_normal_mean) < 4 * se
    assert abs(np.mean(R[:, -1] > 0) - 0.5) < 4 * 0.5 / math.sqrt(n)
    # the reserve is a small share of the 423,000 recruits of the two years
    assert np.median(R[:, -1]) < 0.01 * 580 * T


# ---------------------------------------------------------------------------------
# ---------------------------------------------------------------------------------
# seeds and scenarios
# ---------------------------------------------------------------------------------


def test_seeded_runs_reproduce_and_seeds_differ(shipped):
    until = START + dt.timedelta(days=199)
    fits = stub_fits(3, 200, shipped.max_delay(), n_paths=40)
    kw = dict(draws=500, fits=fits)
    a = project([], shipped, until, seed=42, **kw)
    b = project([], shipped, until, seed=42, **kw)
    c = project([], shipped, until, seed=43, **kw)
    assert a.seed == 42
    for v in ("reserve", "attrition", "recruits"):
        assert np.array_equal(a.paths(v), b.paths(v))
        assert not np.array_equal(a.paths(v), c.paths(v))
    assert np.array_equal(a.draws_of("held_back_share"), b.draws_of("held_back_share"))


def test_scenarios_with_common_random_numbers(shipped):
    until = D(2026, 12, 31)
    lead = shipped.max_delay(list(shipped.scenarios))
    fits = stub_fits(9, (until - START).days + 1, lead, n_paths=30, level=(1000.0, 1600.0))
    p = project([], shipped, until, scenarios="all", draws=400, seed=1, fits=fits)
    base = p.paths("reserve")
    slow = p.paths("reserve", "recruitment_slows")
    assert np.all(slow <= base)  # every path, every day
    assert np.all(slow[:, :365] == base[:, :365])  # nothing changes before 2026

    # fewer recruits in 2026: the net position (reserve less deficit) ends lower on
    # every path
    def net(s):
        return p.at_until("reserve", s) - p.at_until("deficit", s)

    assert np.all(net("recruitment_slows") < net("baseline"))
    assert np.all(p.paths("deficit", "recruitment_slows") >= p.paths("deficit"))
    assert np.all(p.paths("attrition", "losses_rise") >= p.paths("attrition"))
    assert np.all(p.paths("reserve", "losses_rise") <= base)
    assert np.all(net("losses_rise") < net("baseline"))
    held = p.paths("reserve", "more_held_back")
    assert np.all(held <= base)
    strat = p.paths("strategic_reserve", "more_held_back").astype(np.float64)
    both = held + strat - base - p.paths("strategic_reserve")
    assert np.all(both >= -1e-3 * (1 + strat))  # moved, not lost (float32 storage)
    assert p.p_exhausted(None, "more_held_back") >= p.p_exhausted()
    # the assumption draws of an unchanged assumption are the baseline's
    assert np.array_equal(
        p.draws_of("killed_missing_captured_share", "more_held_back"),
        p.draws_of("killed_missing_captured_share"),
    )
    assert np.all(p.draws_of("held_back_share", "more_held_back") >= p.draws_of("held_back_share"))


def test_unknown_scenario_is_named(shipped):
    fits = stub_fits(1, 10, shipped.max_delay())
    with pytest.raises(AssumptionsError, match="recruitment_slows"):
        project(
            [],
            shipped,
            START + dt.timedelta(days=9),
            scenarios=["recruitment_slow"],
            draws=5,
            fits=fits,
        )


# ---------------------------------------------------------------------------------
# tables, crossings, targets
# ---------------------------------------------------------------------------------


def test_tables_and_queries(shipped):
    until = START + dt.timedelta(days=99)
    fits = stub_fits(4, 100, shipped.max_delay(list(shipped.scenarios)), n_paths=20)
    p = project([], shipped, until, scenarios="all", draws=1000, seed=2, fits=fits)
    q = p.quantiles("reserve")
    assert list(q.columns) == ["mean", "q05", "q25", "q50", "q75", "q95"]
    assert q.index.name == "date" and q.index[0].date() == START and q.index[-1].date() == until
    paths = p.paths("reserve").astype(np.float64)
    np.testing.assert_allclose(q["q50"], np.quantile(paths, 0.5, axis=0), rtol=1e-6)
    np.testing.assert_allclose(q["mean"], paths.mean(axis=0), rtol=1e-6)
    assert np.all(np.diff(q[["q05", "q25", "q50", "q75", "q95"]].to_numpy(), axis=1) >= 0)
    cum = p.quantiles("recruits", cumulative=True)
    assert np.all(np.diff(cum["q50"]) > 0)
    with pytest.raises(DataError, match="stock"):
        p.quantiles("reserve", cumulative=True)
    with pytest.raises(DataError, match="did you mean 'reserve'"):
        p.paths("reserv")

    t = p.table(variables=("reserve", "attrition"))
    assert list(t.columns) == [
        "scenario",
        "variable",
        "date",
        "mean",
        "q05",
        "q25",
        "q50",
        "q75",
        "q95",
    ]
    assert len(t) == 2 * len(p.scenarios) * 100
    full = p.table(dates=[until])
    assert set(full["variable"]) == set(VARIABLES)
    assert len(full) == len(VARIABLES) * len(p.scenarios)

    thr = float(np.median(paths[:, 50]))
    assert p.p_above("reserve", thr, START + dt.timedelta(days=50)) == pytest.approx(
        np.mean(paths[:, 50] >= thr)
    )
    assert p.p_above("reserve", thr, until) == pytest.approx(np.mean(paths[:, -1] >= thr))

    att = p.paths("attrition").astype(np.float64)
    cross = p.crossing_date("attrition", float(np.median(att[:, -1])))
    assert 0.45 < cross.p_cross < 0.55  # attrition rises: about half reach the final median
    first = cross.quantiles[0.05]
    assert first is not None and first < until
    assert cross.quantiles[0.95] is None  # the rest do not cross by `until`
    i = (first - START).days
    assert np.mean(att[:, i] >= cross.threshold) >= 0.05 > np.mean(att[:, i - 1] >= cross.threshold)
    assert "attrition above" in str(cross)

    text = str(p.summary())
    for word in ("reserve", "attrition", "recruitment_slows", "seed 2", "held_back_share"):
        assert word in text
    assert not re.search(r"[+-]0 \(-0", text)
    tab = p.summary().table
    assert set(tab["scenario"]) == set(p.scenarios)


def test_target_attainment_with_a_stub_total():
    from trends.claims import Claim
    from trends.model import Estimate

    class Totals:
        def total(self, start, end):
            s = np.arange(1000.0) * 1000
            return Estimate(
                "recruits",
                start,
                end,
                float(s.mean()),
                {q: float(np.quantile(s, q)) for q in (0.05, 0.25, 0.5, 0.75, 0.95)},
                s,
            )

    c = Claim(
        id="t",
        quantity="recruits",
        kind="target",
        value=400_000,
        end=D(2023, 12, 31),
        start=D(2023, 1, 1),
        qualifier="as_many_as",
    )
    out = target_attainment(Totals(), c)
    assert out["p_reach"] == pytest.approx(0.6)
    assert out["start"] == D(2023, 1, 1) and out["target"] == 400_000
    assert {"mean", "q05", "q50", "q95"} <= set(out)


# ---------------------------------------------------------------------------------
# errors
# ---------------------------------------------------------------------------------


def _line_of(text, needle):
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def _problem(tmp_path, text):
    path = tmp_path / "a.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AssumptionsError) as e:
        read_assumptions(path)
    assert isinstance(e.value, TrendsError) and isinstance(e.value, ValueError)
    assert str(path) in str(e.value)
    return str(e.value)


def test_shipped_assumptions_parse(shipped):
    assert set(shipped.distributions) == set(ASSUMPTIONS)
    assert shipped.start == START
    assert all(d.source for d in shipped.distributions.values())
    assert {"recruitment_slows", "losses_rise", "more_held_back"} <= set(shipped.scenarios)


def test_unknown_key_named_with_line_and_suggestion(tmp_path):
    text = FIXED.replace('value = 0.1\nsource = "test"', 'value = 0.1\nsorce = "test"')
    msg = _problem(tmp_path, text)
    assert f"line {_line_of(text, 'sorce')}, key 'assumption.held_back_share.sorce'" in msg
    assert "did you mean 'source'" in msg
    # the missing source is reported in the same error
    assert "assumption.held_back_share.source': required key is missing" in msg


def test_probability_outside_0_1(tmp_path):
    text = FIXED.replace("value = 0.6", "value = 1.3")
    msg = _problem(tmp_path, text)
    line = _line_of(text, "value = 1.3")
    assert f"line {line}, key 'assumption.wounded_return_share.value'" in msg
    assert "not a probability" in msg


def test_low_above_high(tmp_path):
    text = FIXED.replace('dist = "fixed"\nvalue = 1000', 'dist = "uniform"\nlow = 5000\nhigh = 100')
    msg = _problem(tmp_path, text)
    assert f"line {_line_of(text, 'low = 5000')}, key 'assumption.starting_reserve.low'" in msg
    assert "above high" in msg


def test_missing_key(tmp_path):
    text = FIXED.replace('dist = "fixed"\nvalue = 1000', 'dist = "uniform"\nlow = 0')
    msg = _problem(tmp_path, text)
    line = _line_of(text, "[assumption.starting_reserve]")
    assert f"line {line}, key 'assumption.starting_reserve.high': required key is missing" in msg
    text2 = FIXED.replace('casualties = "casualties"\n', "")
    msg2 = _problem(tmp_path, text2)
    assert f"line {_line_of(text2, '[projection]')}, key 'projection.casualties'" in msg2


def test_every_error_at_once(tmp_path):
    text = (
        FIXED.replace('value = 0.3\nsource = "test"', 'value = 0.3\nsource = "test"\nmode = 1')
        .replace('dist = "fixed"\nvalue = 3\n', 'dist = "gamma"\nvalue = 3\n')
        .replace("from = 2025-01-05", 'from = "2025-02-30"')
        .replace("recruits = { multiply", "recruitz = { multiply")
        .replace("start = 2025-01-01", 'start = "01/01/2025"')
    )
    msg = _problem(tmp_path, text)
    assert "4 errors" in msg  # the misspelt field hides its bad date
    assert f"line {_line_of(text, 'mode = 1')}" in msg and "not a parameter of fixed" in msg
    assert "unknown dist 'gamma'" in msg
    assert "unknown scenario field 'recruitz'" in msg and "did you mean 'recruits'" in msg
    assert f"line {_line_of(text, 'start =')}, key 'projection.start'" in msg
    text2 = FIXED.replace("from = 2025-01-05", 'from = "2025-02-30"')
    msg2 = _problem(tmp_path, text2)
    assert "scenario.recruitment_slows.recruits.from" in msg2 and "not a real date" in msg2
    text3 = FIXED.replace("from = 2025-01-05", "from = 2024-12-01")
    assert "before the projection start" in _problem(tmp_path, text3)


def test_invalid_toml_and_unknown_assumption(tmp_path):
    assert "not valid TOML" in _problem(tmp_path, FIXED + "\n[[[")
    text = FIXED.replace("[assumption.held_back_share]", "[assumption.held_back_shares]")
    msg = _problem(tmp_path, text)
    assert "unknown assumption 'held_back_shares'" in msg
    assert "did you mean 'held_back_share'" in msg
    assert "assumption.held_back_share': required assumption is missing" in msg


def test_quantity_without_claims_is_named(claims, shipped):
    no_casualties = [c for c in claims if c.quantity != "casualties"]
    with pytest.raises(DataError, match="'casualties'"):
        project(no_casualties, shipped, D(2026, 12, 31), draws=10)


def test_fits_must_cover_the_lead_days(shipped):
    fits = stub_fits(1, 30, 0)  # flows only from the start: no days before it
    with pytest.raises(DataError, match=r"recruits fit .* needs 2024-09-03\.\.2025-01-30"):
        project([], shipped, START + dt.timedelta(days=29), draws=5, fits=fits)
    lead = stub_fits(1, 30, 120)
    fits = {"recruits": lead["recruits"], "casualties": StubFit(np.ones((1, 30)), START)}
    with pytest.raises(DataError, match="casualties fit"):
        project([], shipped, START + dt.timedelta(days=29), draws=5, fits=fits)
    with pytest.raises(DataError, match="before the projection start"):
        project([], shipped, D(2024, 1, 1), draws=5, fits=fits)


# ---------------------------------------------------------------------------------
# the shipped data, end to end
# ---------------------------------------------------------------------------------


def test_shipped_data_end_to_end(claims, shipped):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sparse-data warnings of the two fits
        p = project(claims, shipped, D(2026, 12, 31), scenarios="all", draws=2000, seed=0)
    assert p.fits["recruits"].origin <= START - dt.timedelta(days=p.lead)
    for s in p.scenarios:
        check_identities(p, s, 1e-5)
    ids = [t["id"] for t in p.targets]
    # every independent recruitment target of the file, the 2023 one first (its repeat
    # scmp_headline_target_2023 counts once)
    assert ids[0] == "kremlin_target_2023"
    assert set(ids) == {
        c.id for c in independent(claims) if c.kind == "target" and c.quantity == "recruits"
    }
    assert "scmp_headline_target_2023" not in ids
    t = p.targets[0]
    # the 2023 official figures (more than 452,000 by 1 December, about 490,000 by
    # 19 December) put the 2023 total above the 400,000 target
    assert 0.9 < t["p_reach"] <= 1.0 and 400_000 < t["q05"] < t["q95"]
    assert p.p_target(next(c for c in claims if c.id == "kremlin_target_2023")) == t
    text = str(p.summary())
    assert "kremlin_target_2023" in text and "P = " in text
    assert set(FLOWS) | set(STOCKS) == set(p.variables)


def test_cli_prints_p_exhausted_by_dates(repo_root, capsys):
    from trends.cli import main

    argv = ["project", str(repo_root / "data" / "claims.csv"), "--assumptions",
            str(repo_root / "data" / "assumptions.toml"), "--until", "2026-12-31",
            "--draws", "200", "--scenario", "losses_rise"]  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main([*argv, "--exhausted-by", "2025-06-30", "--exhausted-by", "2026-12-31"]) == 0
    out = capsys.readouterr().out
    assert "P(reserve exhausted by 2026-12-31) = 0." in out  # the summary's own line
    rows = re.findall(r"^  (\w+): 2025-06-30: (\d\.\d\d), 2026-12-31: (\d\.\d\d)$", out, re.M)
    assert [r[0] for r in rows] == ["baseline", "losses_rise"]
    for _, early, late in rows:
        assert float(early) <= float(late)  # exhaustion by a date only accumulates
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main([*argv, "--exhausted-by", "2024-06-30"]) == 1
    assert "outside the projection" in capsys.readouterr().err


def test_training_delays_beyond_the_limits_are_refused():
    from trends.limits import MAX_DAYS, check_assumptions

    text = FIXED.replace(
        '[assumption.training_days]\ndist = "fixed"\nvalue = 2',
        f'[assumption.training_days]\ndist = "fixed"\nvalue = {MAX_DAYS + 1}',
    )
    with pytest.raises(AssumptionsError, match="training_days: delays of more than"):
        check_assumptions(parse_assumptions(text))
    check_assumptions(parse_assumptions(FIXED))  # within the limits: no error


def test_changes_that_round_to_zero_print_without_a_minus():
    from trends.projection import _count, _signed

    assert [_signed(v) for v in (-0.4, 0.0, 0.4)] == ["+0", "+0", "+0"]
    assert [_count(v) for v in (-0.4, -0.0, 2.5, 1234.6)] == ["0", "0", "2", "1,235"]
    assert _signed(-1234.6) == "-1,235" and _signed(156095.2) == "+156,095"
