"""Known answers for the second version of the rate model: jumps, sources, saturation,
conflicts, the hyperparameter grid.

Expected numbers come from the problems themselves: a rate of 1,000 a day that drops to
250 on a known day makes "7,000 a week" before and "1,750 a week" after, and a 90-day
total of 22,500 after the drop.
"""

from __future__ import annotations

import dataclasses
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


# ---- sources ----------------------------------------------------------------------------
def source_claims(biases: dict[str, float], rate: float = 1000.0) -> list[Claim]:
    """Monthly reports of a constant rate from each source, each source's figures
    ``bias`` times the truth (3 significant figures, "about")."""
    out = []
    for k, (name, bias) in enumerate(sorted(biases.items())):
        for m in range(1, 10):
            end = D(2024, m, 28) + dt.timedelta(days=k)
            value = float(f"{rate * 30 * bias:.3g}")
            out.append(
                Claim(
                    f"{name}_{m}",
                    "x",
                    "total",
                    value,
                    end,
                    start=end - 29 * DAY,
                    qualifier="about",
                    source="paper",
                    attributed_to=name,
                )  # fmt: skip
            )
    return out


def test_a_biased_source_is_recovered_against_a_reference():
    claims = source_claims({"agency": 1.0, "tabloid": 1.3})
    f = fit_quiet(claims, model=RateModel(reference=("agency",)), rng=1)
    table = f.sources()
    assert table.loc["agency", "reference"]
    row = table.loc["tabloid"]
    assert row["bias_q05"] <= 1.3 <= row["bias_q95"]
    assert abs(row["bias"] / 1.3 - 1) < 0.05
    # The consensus is the reference's: June (30 days at 1,000) stays near 30,000.
    june = f.total(D(2024, 6, 1), D(2024, 6, 30))
    assert abs(june.quantiles[0.5] / 30000 - 1) < 0.03
    assert june.quantiles[0.05] <= 30000 <= june.quantiles[0.95]
    assert f.conflicts == []


def test_the_consensus_follows_the_majority_not_the_outlier_source():
    claims = source_claims({"a": 1.0, "b": 1.0, "c": 1.3})
    f = fit_quiet(claims, rng=1)
    table = f.sources()
    assert table.loc["c", "bias_q05"] <= 1.3 <= table.loc["c", "bias_q95"]
    june = f.total(D(2024, 6, 1), D(2024, 6, 30))
    assert abs(june.quantiles[0.5] / 30000 - 1) < 0.04
    # Without source biases the consensus sits between them.
    g = fit_quiet(claims, model=RateModel(sources=False), rng=1)
    assert g.total(D(2024, 6, 1), D(2024, 6, 30)).quantiles[0.5] > june.quantiles[0.5]


def test_two_precise_totals_pin_the_rate_between_them():
    """ "Since the war began" from one source at days 300 and 540 (3 significant
    figures) against three noisy short reports from others: the 240 days between the
    totals hold their difference. The totals' source is the reference (marked by the
    user): the others' level is measured against it, so it does not matter that the
    noisy reports average 9% high."""
    start = D(2022, 2, 24)
    rate = 1013.0  # totals 303,900 and 547,020, printed 304,000 and 547,000
    t1, t2 = start + 299 * DAY, start + 539 * DAY
    claims = [
        Claim(
            "since_1",
            "x",
            "total",
            float(f"{300 * rate:.3g}"),
            t1,
            start=start,
            qualifier="about",
            attributed_to="staff",
        ),  # fmt: skip
        Claim(
            "since_2",
            "x",
            "total",
            float(f"{540 * rate:.3g}"),
            t2,
            start=start,
            qualifier="about",
            attributed_to="staff",
        ),  # fmt: skip
    ]
    for k, (day, factor) in enumerate([(360, 1.6), (420, 0.55), (480, 1.5)]):
        end = start + day * DAY
        claims.append(Claim(f"noisy_{k}", "x", "rate", float(f"{7 * rate * factor:.2g}"), end,
                            per="week", qualifier="about", attributed_to=f"outlet{k}"))  # fmt: skip
    f = fit_quiet(claims, model=RateModel(precision=True, reference=("staff",)), rng=1)
    between = f.total(t1 + DAY, t2)
    truth = 240 * rate
    assert abs(between.quantiles[0.5] / truth - 1) < 0.05
    assert between.quantiles[0.05] <= truth <= between.quantiles[0.95]
    # a 60-day nowcast inside it
    now = f.total(start + 400 * DAY, start + 459 * DAY)
    assert abs(now.quantiles[0.5] / (60 * rate) - 1) < 0.25
    assert not {"since_1", "since_2"} & set(f.conflicts)
    # Read as +-10% estimates, the same totals pin nothing of the kind.
    g = fit_quiet(claims, model=RateModel(precision=False, reference=("staff",)), rng=1)
    wide = g.total(t1 + DAY, t2)
    assert math.log(wide.quantiles[0.95] / wide.quantiles[0.05]) > 2 * math.log(
        between.quantiles[0.95] / between.quantiles[0.05]
    )


# ---- awkward input ----------------------------------------------------------------------
def fit_recorded(claims, **kw):
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        f = fit(claims, "x", rng=1, **kw)
    return f, [str(w.message) for w in record]


def assert_sane(f, min_ratio: float = 1.01):
    """Finite tables, ordered quantiles, and no silently narrow interval at the end."""
    table = f.rate()
    assert np.isfinite(table.to_numpy()).all()
    last = table.iloc[-1]
    assert last["q95"] / last["q05"] > min_ratio
    res = f.residuals()
    assert np.isfinite(res[["fitted", "z", "weight"]].to_numpy(float)).all()


def weekly(n, source, value=7000.0, step=30, first=None, prefix="c"):
    first = first or D(2024, 1, 7)
    return [Claim(f"{prefix}{i}", "x", "rate", value, first + i * step * DAY, per="week",
                  attributed_to=source) for i in range(n)]  # fmt: skip


def test_forty_sources_each_with_one_claim():
    claims = [
        Claim(f"c{i}", "x", "rate", 7000 * (1 + 0.05 * math.sin(i)), D(2024, 1, 7) + 7 * i * DAY,
              per="week", attributed_to=f"outlet {i}")
        for i in range(40)
    ]  # fmt: skip
    f, _ = fit_recorded(claims)
    assert_sane(f)
    table = f.sources()
    assert len(table) == 40 and table["lone"].all()
    assert abs(f.total(D(2024, 3, 1), D(2024, 3, 31)).quantiles[0.5] / 31000 - 1) < 0.05


def test_a_lone_claim_does_not_move_a_consistent_source():
    claims = weekly(6, "A") + [Claim("lone", "x", "rate", 9000, D(2024, 3, 15), per="week",
                                     attributed_to="B")]  # fmt: skip
    f, _ = fit_recorded(claims)
    assert_sane(f)
    table = f.sources()
    assert table.loc["A", "reference"] and table.loc["B", "lone"]
    est = f.total(D(2024, 4, 1), D(2024, 4, 30))
    assert abs(est.quantiles[0.5] / 30000 - 1) < 0.03


def test_all_claims_from_one_source_have_no_bias():
    f, _ = fit_recorded(weekly(6, "A"))
    assert_sane(f)
    assert f.source_bias == {}
    assert "sources" not in str(f.summary(compare=False))


def test_odd_source_names():
    names = ['Ministry of Défense, "official"', "日本語 source", "a,b;c\nd", "  "]
    claims = []
    for k, nm in enumerate(names):
        claims += weekly(2, nm, first=D(2024, 1, 7) + k * DAY, prefix=f"s{k}_")
    f, _ = fit_recorded(claims)
    assert_sane(f)
    text = str(f.summary(compare=False))
    assert "Défense" in text and "日本語" in text
    assert set(f.sources().index) == {'Ministry of Défense, "official"', "日本語 source",
                                      "a,b;c\nd", "(none)"}  # fmt: skip


def test_an_unknown_reference_source_is_named():
    with pytest.warns(SparseDataWarning, match="'nobody'"):
        fit(weekly(3, "A") + weekly(3, "B", first=D(2024, 1, 9), prefix="b"), "x",
            model=RateModel(reference=("nobody",)), rng=1)  # fmt: skip


@pytest.mark.parametrize("years", [20, pytest.param(100, marks=pytest.mark.slow)])
def test_claims_decades_apart(years):
    old = D(2024 - years, 1, 7)
    f, messages = fit_recorded(
        [Claim("old", "x", "rate", 7000, old, per="week"),
         Claim("new", "x", "rate", 7000, D(2024, 1, 7), per="week")]
    )  # fmt: skip
    assert_sane(f)
    assert any("old" in m and "new" in m for m in messages)
    # the decades between are wide open: a day in the middle is known to no better
    # than a factor of 3 either way
    mid = f.rate([old + (D(2024, 1, 7) - old) / 2]).iloc[0]
    assert mid["q95"] / mid["q05"] > 9


def test_a_one_day_window_alone():
    day = Claim("day", "x", "total", 1000, D(2024, 1, 7), start=D(2024, 1, 7))
    f, messages = fit_recorded([day], until=D(2025, 1, 7))
    assert_sane(f, min_ratio=3.0)
    assert any("day" in m for m in messages)


# ---- the evidence on sparse claims ------------------------------------------------------
def test_sparse_evidence_tracks_importance_sampling():
    """On seven hedged reports, the mean of the expected- and observed-curvature Laplace
    evidences follows an importance-sampling estimate of log p(y | sigma) across sigma
    (differences from sigma = 0.02) to within 0.5 nats; the expected curvature alone
    errs toward large sigma."""
    import sys
    from pathlib import Path

    root = str(Path(__file__).resolve().parents[1])
    if root not in sys.path:
        sys.path.insert(0, root)
    from analysis.evidence_check import engine_for, evidences, problem

    eng = engine_for(problem(2))
    rows = {s: evidences(eng, s, seed=0, n_draws=6000) for s in (0.01, 0.02, 0.04)}
    ref = rows[0.02]
    for s in (0.01, 0.04):
        exp_, obs_, is_, ess = rows[s]
        assert ess > 300
        mean = 0.5 * (exp_ + obs_) - 0.5 * (ref[0] + ref[1])
        assert abs(mean - (is_ - ref[2])) < 0.5


# ---- the hyperparameter grid ------------------------------------------------------------
def test_grid_spans_a_flat_hyper_posterior():
    """Two nested "since the invasion" totals (the shipped casualty claims) say little
    about sigma: the integration grid must reach from well below the prior median
    (0.02) to well above 0.08, where the earlier +-1.5 sd grid stopped at 0.044-0.14;
    and the year-ahead rate's mean must stay inside its 90% interval."""
    claims = [
        Claim(
            "rutte",
            "casualties",
            "total",
            600000,
            D(2024, 10, 28),
            start=D(2022, 2, 24),
            qualifier="approximately",
            attributed_to="Mark Rutte (NATO)",
        ),  # fmt: skip
        Claim(
            "csis",
            "casualties",
            "total",
            1000000,
            D(2025, 6, 3),
            start=D(2022, 2, 24),
            attributed_to="CSIS (implied)",
        ),  # fmt: skip
    ]
    f = fit_quiet(claims, "casualties", until=D(2026, 6, 3), rng=1)
    lo, hi = f.hyper_sd[0, 0], f.hyper_sd[1, 0]
    assert f.sigma * math.exp(-2 * lo) < 0.01
    assert f.sigma * math.exp(2 * hi) > 0.08
    r = f.rate([D(2026, 6, 3)]).iloc[0]
    assert r["q05"] <= r["mean"] <= r["q95"]


# ---- the shipped claims, far out ---------------------------------------------------------
def test_shipped_claims_stay_sane_to_2027():
    """`trends fit data/claims.csv -q Q --until 2027-12-31` for each quantity with two
    independent claims or more: the end-2027 daily rate's q95/q50 is at most 6, the
    cumulative total's at most 3, and casualties' 2026 total has its mean inside its
    90% interval (it had a mean of 5.7 million against a 90% interval of 0.1-2.2
    million)."""
    from pathlib import Path

    from trends.claims import read_claims
    from trends.observe import observations

    claims = read_claims(Path(__file__).resolve().parents[1] / "data" / "claims.csv")
    end = D(2027, 12, 31)
    checked = []
    for q in sorted({c.quantity for c in claims}):
        if len(observations(claims, q)[0]) < 2:
            continue
        f = fit_quiet(claims, q, until=end, rng=0)
        r = f.rate([end]).iloc[0]
        c = f.cumulative(dates=[end]).iloc[0]
        assert r["q95"] / r["q50"] <= 6, q
        assert c["q95"] / c["q50"] <= 3, q
        checked.append(q)
        if q == "casualties":
            y = f.total(D(2026, 1, 1), D(2026, 12, 31))
            assert y.quantiles[0.05] <= y.mean <= y.quantiles[0.95]
    assert "casualties" in checked


def test_every_variant_fits_the_shipped_recruits_to_2027():
    """The trend variant with source biases once stopped on a singular factor (rates
    underflowing far out): every variant now fits, and compare() lists all three."""
    from pathlib import Path

    from trends.claims import read_claims

    claims = read_claims(Path(__file__).resolve().parents[1] / "data" / "claims.csv")
    f = fit_quiet(claims, "recruits", until=D(2027, 12, 31), rng=0)
    table = f.compare()
    assert list(table.index) == ["local_level", "local_linear_trend", "constant"]
    assert np.isfinite(table["log_evidence"]).all()


# ---- the no-jump reading --------------------------------------------------------------------
def test_a_clear_turn_keeps_its_jump_and_the_smooth_reading_is_a_minority():
    """Five weekly reports at 1,000 a day and one at 250 after: the evidence for a
    jump is strong, so the smooth reading gets a minority of the draws; without the
    mixing, none."""
    f = fit_quiet(drop_claims(), until=D(2024, 10, 12), rng=3)
    assert f.n_jumps >= 1
    assert 0.0 <= f.no_jump_weight < 0.5
    assert f.sample().shape == (f.model.n_samples, f.n_days)
    g = fit_quiet(drop_claims(), until=D(2024, 10, 12), rng=3, model=RateModel(no_jump_mix=False))
    assert g.no_jump_weight == 0.0


def test_the_smaller_the_turn_the_more_the_smooth_reading_weighs():
    """A drop to 250 a day is a jump by any reading; a drop to 400 is one a fast
    random walk could also make: the smooth reading's share grows (and both stay
    below certainty)."""
    weights = []
    for after in (250, 400):
        f = fit_quiet(drop_claims(after=after), until=D(2024, 10, 12), rng=3)
        assert f.n_jumps >= 1
        weights.append(f.no_jump_weight)
    assert 0.0 < weights[0] < weights[1] < 1.0


# ---- bursty counts ----------------------------------------------------------------------
def bursty_claims(kappa: float, seed: int) -> tuple[list[Claim], float]:
    """Weekly reports (about half the weeks) and the exact total of 170 days of
    daily counts drawn as Poisson(40 G), G a mean-1 Gamma of variance ``kappa`` (a
    negative binomial: ``kappa = 0`` is plain Poisson); and the true count of the
    30 days after them."""
    g = np.random.default_rng(seed)
    days = 200
    factor = g.gamma(1.0 / kappa, kappa, size=days) if kappa > 0 else np.ones(days)
    counts = g.poisson(40.0 * factor)
    d0 = D(2024, 1, 1)
    out = []
    for i, e in enumerate(range(13, 170, 7)):
        if g.random() < 0.5:
            continue
        end = d0 + e * DAY
        out.append(Claim(f"w{i}", "x", "rate", float(counts[e - 6 : e + 1].sum()), end,
                         per="week", qualifier="exact", published=end))  # fmt: skip
    end = d0 + 169 * DAY
    out.append(Claim("total", "x", "total", float(counts[:170].sum()), end, start=d0,
                     qualifier="exact", published=end))  # fmt: skip
    return out, float(counts[170:].sum())


def test_the_burstiness_of_counts_is_read_from_the_claims():
    """Plain Poisson counts leave weekly reports consistent with a smooth rate: no
    burstiness, and totals the same as without the setting. Counts whose daily
    relative variance is 2 make weekly reports scatter about 0.5 on the log scale;
    the burstiness read from them is of that order (0.5-8: a window's relative
    variance is its ratio to the window length, so a factor of 4 either way is the
    difference between a 30-day interval too narrow by half and one twice too wide)."""
    plain = [fit_quiet(bursty_claims(0.0, s)[0], rng=s).burst for s in range(6)]
    assert sum(b == 0.0 for b in plain) >= 5
    bursty = [fit_quiet(bursty_claims(2.0, s)[0], rng=s).burst for s in range(6)]
    assert 0.5 <= float(np.median(bursty)) <= 8.0


def test_bursty_totals_widen_and_keep_their_mean_and_the_rates():
    """The burstiness factors have mean 1: against the same fit's paths without
    them, the rate table is the same, a total's mean stays within its Monte Carlo
    error, its 90% interval widens, and totals stay additive over adjacent windows."""
    claims, _ = bursty_claims(2.0, 1)
    a = fit_quiet(claims, until=D(2024, 7, 18), rng=1)
    b = dataclasses.replace(a, burst=0.0)
    assert a.burst > 0.0
    assert a.rate().equals(b.rate())
    s, m, e = D(2024, 6, 19), D(2024, 7, 3), D(2024, 7, 18)
    ta, tb = a.total(s, e), b.total(s, e)
    se = ta.samples.std() / math.sqrt(ta.samples.size)
    assert abs(ta.mean - tb.mean) < 4.0 * se
    assert ta.quantiles[0.95] / ta.quantiles[0.05] > tb.quantiles[0.95] / tb.quantiles[0.05]
    parts = a.total(s, m).samples + a.total(m + DAY, e).samples
    np.testing.assert_array_equal(parts, ta.samples)


def test_bursty_counts_are_covered():
    """Over 16 problems of counts with daily relative variance 1 beyond Poisson, the
    90% intervals of the next 30 days' count cover at least 12 (the nominal 14.4;
    at most 11 has probability 0.02 under calibration), and cover more often than
    without the setting."""
    hits = {True: 0, False: 0}
    for seed in range(16):
        claims, truth = bursty_claims(1.0, 100 + seed)
        for setting in hits:
            f = fit_quiet(claims, until=D(2024, 7, 18), rng=seed,
                          model=RateModel(overdispersion=setting))  # fmt: skip
            q = f.total(D(2024, 6, 19), D(2024, 7, 18)).quantiles
            hits[setting] += q[0.05] <= truth <= q[0.95]
    assert hits[True] >= 12
    assert hits[True] > hits[False]
