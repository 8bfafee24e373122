"""Tests for trends.plot and the paper style: what the figures show, not only that they ran.

Each figure is checked through its artists (found by their ``gid``), labels, limits and
band counts; two figures are also compared with stored PNGs (golden images).

Golden images
-------------
``tests/baseline/claims_recruits.png`` and ``tests/baseline/fit_recruits.png`` are the
claims chart and the fit chart of the recruits claims in ``data/claims.csv`` that were read
from the five seed documents in ``seeds/`` (the rows whose ``document`` is a seed file, not a
URL; fit seed 0,
grid to 2026-03-31), drawn in the paper style with DejaVu Sans at 150 dpi. The test draws them again
into a temporary folder and compares with
:func:`matplotlib.testing.compare.compare_images` (RMS tolerance ``TOL``). After a change
that alters a figure on purpose, look at the new image, then regenerate both with::

    TRENDS_REGEN_BASELINE=1 pytest tests/test_plot.py -k golden

(the test then writes the baselines and skips) and commit the PNGs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PolyCollection  # noqa: E402
from matplotlib.dates import ConciseDateFormatter, date2num  # noqa: E402

from trends import plot as P  # noqa: E402
from trends.claims import Claim, independent, read_claims  # noqa: E402
from trends.errors import DataError  # noqa: E402
from trends.model import fit as fit_rate  # noqa: E402
from trends.units import MEAN_PERIOD_DAYS  # noqa: E402

BASELINE = Path(__file__).parent / "baseline"
TOL = 2.0
GOLDEN_DPI = 150
UNTIL = dt.date(2026, 3, 31)
MONTH = float(MEAN_PERIOD_DAYS["month"])
GOLDEN_STYLE = [P.STYLE, {"font.sans-serif": ["DejaVu Sans"], "text.hinting": "default"}]


# ---- fixtures ---------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def claims(repo_root) -> list[Claim]:
    # the seed claims only: the figures' expected content (bar counts, colours, golden
    # images) was worked out for them, and the web-sourced rows would change it
    rows = read_claims(repo_root / "data" / "claims.csv")
    return [c for c in rows if c.document.startswith("seeds/") and c.document.endswith(".txt")]


@pytest.fixture(scope="module")
def recruits(claims) -> list[Claim]:
    return [c for c in claims if c.quantity == "recruits"]


@pytest.fixture(scope="module")
def recruits_fit(claims):
    # Without the prior's future jumps the forecast band stays within the claims' scale,
    # which the drawing tests below need (a band that leaves the axis has its own test).
    from trends.model import RateModel

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # two independent claims: SparseDataWarning
        return fit_rate(claims, "recruits", until=UNTIL, rng=0, model=RateModel(future_jumps=False))


class FakeProjection:
    """The interface of trends.projection.Projection, with known quantiles.

    Scenario ``k`` of variable ``v`` has median ``1000 * (k + 1) * t`` on day ``t``
    (the variable ``losses`` doubles it) and quartile / 5%-95% offsets of 10% / 30%.
    """

    def __init__(self):
        self.dates = [dt.date(2026, 1, 1) + dt.timedelta(days=i) for i in range(0, 366, 5)]
        self.scenarios = ("baseline", "surge", "slowdown")
        self.variables = ("reserve", "losses")

    def quantiles(self, variable, scenario="baseline"):
        k = self.scenarios.index(scenario) + 1
        t = np.arange(len(self.dates), dtype=float)
        m = 1000.0 * k * t * (2 if variable == "losses" else 1) + 50_000
        return pd.DataFrame(
            {
                "mean": m,
                "q05": m * 0.7,
                "q25": m * 0.9,
                "q50": m,
                "q75": m * 1.1,
                "q95": m * 1.3,
            },
            index=pd.Index(self.dates, name="date"),
        )


# ---- helpers ----------------------------------------------------------------------------
def by_gid(ax, prefix: str) -> list:
    """Artists of ``ax`` (lines, collections, patches, texts) whose gid starts so."""
    found = []
    for a in [*ax.lines, *ax.collections, *ax.patches, *ax.texts]:
        gid = a.get_gid()
        if gid is not None and gid.startswith(prefix):
            found.append(a)
    return found


def one(ax, gid: str):
    hits = [a for a in by_gid(ax, gid) if a.get_gid() == gid]
    assert len(hits) == 1, f"{len(hits)} artists with gid {gid!r}"
    return hits[0]


def bands(ax) -> list:
    return [c for c in ax.collections if isinstance(c, PolyCollection)]


def band_edges(collection) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper edge of a fill_between band, one value per x, in x order."""
    v = collection.get_paths()[0].vertices
    # fill_between's path: a start point, the lower edge, a turn point, the upper edge
    # (reversed) and the closing point.
    n = (len(v) - 3) // 2
    return v[1 : n + 1, 1], v[n + 2 : 2 * n + 2][::-1, 1]


def band_y(collection) -> tuple[float, float]:
    v = np.concatenate([p.vertices for p in collection.get_paths()])
    return float(v[:, 1].min()), float(v[:, 1].max())


def legend_texts(ax) -> list[str]:
    """Legend entries, each as one line (labels wrap at word boundaries)."""
    legend = ax.get_legend()
    assert legend is not None, "no legend"
    return [flat(t.get_text()) for t in legend.get_texts()]


def flat(text: str) -> str:
    """Text as one line: wrapping and no-break spaces undone."""
    return " ".join(text.split())


def ylabel(ax) -> str:
    return flat(ax.get_ylabel())


def num(d: dt.date) -> float:
    return float(date2num(np.datetime64(d, "D")))


def tick_labels(ax, axis="y") -> list[str]:
    ax.figure.canvas.draw()
    ticks = ax.get_yticklabels() if axis == "y" else ax.get_xticklabels()
    return [t.get_text() for t in ticks]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---- the style ----------------------------------------------------------------------------
def test_paper_style_resolves_by_dotted_name():
    with plt.style.context("trends.styles.paper"):
        rc = matplotlib.rcParams
        assert rc["pdf.fonttype"] == 42
        assert rc["svg.hashsalt"] == "trends"
        assert rc["svg.fonttype"] in ("path", "none")
        assert rc["text.usetex"] is False
        assert rc["font.family"] == ["sans-serif"]
        assert "DejaVu Sans" in rc["font.sans-serif"]
        for key in ("font.size", "axes.labelsize", "xtick.labelsize", "legend.fontsize"):
            assert 6.5 <= float(rc[key]) <= 9, key
        assert not rc["axes.spines.top"] and not rc["axes.spines.right"]
        assert rc["axes.grid"]
        assert rc["savefig.dpi"] == 300 and rc["savefig.bbox"] is None  # the size asked
        cycle = rc["axes.prop_cycle"].by_key()
        assert cycle["color"][:3] == ["#0072B2", "#E69F00", "#009E73"]
        assert len(set(cycle["linestyle"])) > 1  # a second cue besides colour


def test_figure_sizes():
    fig, ax = P.figure()
    assert tuple(fig.get_size_inches()) == pytest.approx((P.COLUMN_WIDTH, 2.4))
    fig, ax = P.figure("double", height=3)
    assert tuple(fig.get_size_inches()) == pytest.approx((P.DOUBLE_WIDTH, 3.0))
    assert ax.figure is fig
    with pytest.raises(DataError, match="single"):
        P.figure("triple")


def test_number_format_has_thousands_separators():
    assert P._number(1234567.0) == "1,234,567"
    assert P._number(0.0) == "0"
    assert P._number(2.5) == "2.5"
    assert P._number(-8000.0) == "\u22128,000"


# ---- claims chart -------------------------------------------------------------------------
def test_implied_rates_known_answers(recruits):
    table = P.implied_rates(recruits, per="week").set_index("id")
    # 300,000 "approximately" over 1 Jan..15 Sep 2025 = 258 days, hedge 0.9..1.1
    row = table.loc["isw_ytd_2025"]
    assert row["days"] == 258
    assert row["rate"] == pytest.approx(300_000 / 258 * 7)
    assert (row["rate_low"], row["rate_high"]) == pytest.approx(
        (270_000 / 258 * 7, 330_000 / 258 * 7)
    )
    # 30,000 a month over a non-calendar month: mean month length
    assert table.loc["nato_monthly_2024", "rate"] == pytest.approx(30_000 * 7 / MONTH)
    monthly = P.implied_rates(recruits, per="month").set_index("id")
    assert monthly.loc["nato_monthly_2024", "rate"] == pytest.approx(30_000)
    assert table["repeat"].sum() == len(recruits) - len(independent(recruits))


def test_claims_chart_content(recruits):
    ax = P.plot_claims(recruits, "recruits")
    kept = [c for c in independent(recruits) if c.kind != "stock"]
    repeats = [c for c in recruits if c not in kept]
    # one solid segment per independent claim, a faint one per repeat
    assert len(by_gid(ax, "claim:")) + len(by_gid(ax, "target:")) == len(kept)
    assert len(by_gid(ax, "repeat:")) == len(repeats) == 7
    for seg in by_gid(ax, "claim:"):
        assert seg.get_linestyle() == "-" and seg.get_alpha() in (None, 1.0)
    for seg in by_gid(ax, "repeat:"):
        assert seg.get_alpha() == pytest.approx(0.3)
        assert seg.get_linestyle() in ("--", ":")
    # segments sit at the implied rate and span the window (end day included)
    seg = one(ax, "claim:isw_ytd_2025")
    np.testing.assert_allclose(seg.get_ydata(), 300_000 / 258 * 7)
    x = date2num(seg.get_xdata())
    window = (num(dt.date(2025, 1, 1)), num(dt.date(2025, 9, 16)))
    assert (x.min(), x.max()) == pytest.approx(window)
    whisker = one(ax, "hedge:isw_ytd_2025")
    assert sorted(whisker.get_ydata()) == pytest.approx([270_000 / 258 * 7, 330_000 / 258 * 7])
    # the target: dotted, hollow marker, labelled
    target = one(ax, "target:kremlin_target_2023")
    assert target.get_linestyle() == ":"
    assert target.get_markerfacecolor() == "white"
    assert target.get_ydata()[0] == pytest.approx(400_000 / 365 * 7)
    # legend: who each figure is credited to (attributed_to, in full), the target and
    # the repeat keys
    labels = legend_texts(ax)
    for who in {c.attributed_to for c in recruits}:
        assert who in labels, who
    assert "target" in labels and any(label.startswith("repeat") for label in labels)
    # units on the axes
    assert ylabel(ax) == "Recruits (people per week)"
    assert ax.get_ylim()[0] == 0
    assert isinstance(ax.xaxis.get_major_formatter(), ConciseDateFormatter)
    assert "8,000" in tick_labels(ax)


def test_claims_chart_colours_by_attribution(recruits):
    ax = P.plot_claims(recruits, "recruits")
    segments = {a.get_gid().split(":", 1)[1]: a for a in ax.lines if a.get_gid()
                and a.get_gid().startswith(("claim:", "target:", "repeat:"))}  # fmt: skip
    assert set(segments) == {c.id for c in recruits}
    colour = {}
    for c in recruits:
        colour.setdefault(c.attributed_to, set()).add(segments[c.id].get_color())
    assert all(len(v) == 1 for v in colour.values())
    assert len({next(iter(v)) for v in colour.values()}) == len(colour)


def test_claims_chart_per_month_and_other_units(recruits):
    ax = P.plot_claims(recruits, per="month")
    assert ylabel(ax) == "Recruits (people per month)"
    assert one(ax, "claim:nato_monthly_2024").get_ydata()[0] == pytest.approx(30_000)
    with pytest.raises(DataError, match="fortnight"):
        P.plot_claims(recruits, per="fortnight")


def test_claims_chart_skips_stocks_and_needs_a_quantity(claims):
    stock = Claim(id="reserve_2025", quantity="recruits", kind="stock", value=1e5,
                  end=dt.date(2025, 6, 1))  # fmt: skip
    ax = P.plot_claims([*claims, stock], "recruits")
    assert not by_gid(ax, "claim:reserve_2025") and not by_gid(ax, "hedge:reserve_2025")
    with pytest.raises(DataError, match="quantities"):
        P.plot_claims(claims)
    with pytest.raises(DataError, match="no rate, total or target"):
        P.plot_claims([stock], "recruits")


# ---- fit chart ----------------------------------------------------------------------------
def test_fit_chart_bands_median_and_claims(recruits_fit, recruits):
    ax = P.plot_fit(recruits_fit, recruits)
    polys = bands(ax)
    assert len(polys) == 2
    assert {p.get_gid() for p in polys} == {"band:50", "band:90"}
    lo50, hi50 = band_y(one(ax, "band:50"))
    lo90, hi90 = band_y(one(ax, "band:90"))
    assert lo90 < lo50 < hi50 < hi90
    # the bands agree with the per-day sample quantiles of the paths up to Monte Carlo
    # error (median over days within 2%) ...
    sampled = recruits_fit.rate(per="week")
    drawn = {gid: band_edges(one(ax, gid)) for gid in ("band:50", "band:90")}
    low90, hi90_line = drawn["band:90"]
    for edge, col in ((low90, "q05"), (hi90_line, "q95"), (drawn["band:50"][1], "q75")):
        rel = np.abs(edge / sampled[col].to_numpy()[: len(edge)] - 1)
        assert np.median(rel) < 0.02, col
    # ... and, unlike them, do not saw-tooth: the day-to-day wiggle of the 90% edge
    # (second differences of its log) is a fraction of theirs
    wiggle = np.abs(np.diff(np.log(hi90_line), 2)).sum()
    theirs = np.abs(np.diff(np.log(sampled["q95"].to_numpy()[: len(hi90_line)]), 2)).sum()
    assert wiggle < 0.3 * theirs
    table = pd.DataFrame({"q50": P._rate_bands(recruits_fit, "week")["q50"]})
    np.testing.assert_allclose(table["q50"], sampled["q50"], rtol=0.03)
    last = max(o.end for o in recruits_fit.observations)
    median = one(ax, "median")
    ahead = one(ax, "median:forecast")
    assert ahead.get_linestyle() == "--" and median.get_linestyle() == "-"
    # the solid part ends, and the dashed part starts, the day after the last claim
    k = (last - recruits_fit.origin).days + 1
    np.testing.assert_allclose(median.get_ydata(), table["q50"].to_numpy()[: k + 1])
    np.testing.assert_allclose(ahead.get_ydata(), table["q50"].to_numpy()[k:])
    assert one(ax, "forecast-start").get_xdata()[0] == np.datetime64(last + dt.timedelta(1))
    # the claims are drawn too, and the axes hold every implied rate and hedge
    rates = P.implied_rates(recruits, per="week")
    assert len(by_gid(ax, "claim:")) == (~rates["repeat"] & (rates["kind"] != "target")).sum()
    assert len(by_gid(ax, "repeat:")) == rates["repeat"].sum() == 7
    assert len(by_gid(ax, "target:")) == 1
    y0, y1 = ax.get_ylim()
    assert y0 == 0
    assert y1 >= max(rates["rate_high"].max(), hi90)
    data = ax.dataLim
    assert data.y0 <= rates["rate_low"].min() and data.y1 >= rates["rate_high"].max()
    labels = legend_texts(ax)
    assert labels[0] == "median, 50% and 90% intervals"
    assert "ISW" in labels
    assert ylabel(ax) == "Recruits (people per week)"


def test_rate_bands_recover_a_heavy_tailed_posterior():
    # Known answer: each day's log rate a 50:50 mixture of N(0, 0.2^2) and N(0, 1) (the
    # kind of scale mixture the fit's average over smoothness makes), drawn afresh each
    # day. Its 95% quantile solves 0.5 Phi(x / 0.2) + 0.5 Phi(x) = 0.95: x = 1.2816; a
    # normal with the same variance would put it at 1.186.
    from scipy.optimize import brentq
    from scipy.stats import norm

    gen = np.random.default_rng(3)
    n, days = 1000, 400
    scale = np.where(gen.random((n, 1)) < 0.5, 0.2, 1.0)
    logs = gen.standard_normal((n, days)) * scale
    dates = [dt.date(2025, 1, 1) + dt.timedelta(d) for d in range(days)]
    fake = type("Fit", (), {"log_samples": logs, "dates": dates})
    table = P._rate_bands(fake, "day")
    for col, q in (("q05", 0.05), ("q75", 0.75), ("q95", 0.95)):
        want = brentq(lambda x, q=q: 0.5 * norm.cdf(x / 0.2) + 0.5 * norm.cdf(x) - q, -5, 5)
        got = np.log(table[col].to_numpy())
        assert abs(np.median(got) - want) < 0.02, col  # no bias towards the normal
    assert abs(1.186 - 1.2816) > 0.09  # what the normal shortcut would have missed by


def test_fit_chart_forecast_from_and_without_claims(recruits_fit):
    start = dt.date(2025, 12, 1)
    ax = P.plot_fit(recruits_fit, per="day", forecast_from=start)
    assert len(bands(ax)) == 2
    assert not by_gid(ax, "claim:") and not by_gid(ax, "repeat:")
    ahead = one(ax, "median:forecast")
    assert date2num(ahead.get_xdata()[0]) == pytest.approx(num(start) + 0.5)
    # the forecast starts near the right edge: its label sits left of the line, inside
    note = one(ax, "label:forecast")
    assert note.get_horizontalalignment() == "right"
    ax.figure.canvas.draw()
    inside = ax.get_window_extent().x1
    assert note.get_window_extent().x1 <= inside
    assert ylabel(ax) == "Recruits (people per day)"


def test_one_old_claim_is_not_extrapolated_across_the_grid(claims):
    # one 2022-23 claim, a grid to 2027: the figure stops a year after the claim
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # one claim: SparseDataWarning
        f = fit_rate(claims, "emigrants", until=dt.date(2027, 12, 31), rng=0)
    end = dt.date(2023, 3, 24)
    assert max(o.end for o in f.observations) == end
    for ax in (P.plot_fit(f, claims), P.plot_cumulative(f)):
        x0, x1 = ax.get_xlim()
        assert x1 <= num(end + dt.timedelta(days=P.HORIZON_DAYS + 2)), ax.get_ylabel()
        assert (num(end) - x0) / (x1 - x0) > 0.25  # the claim fills the axis, not 5% of it
    ax = P.plot_fit(f, claims, horizon=None)  # the whole grid on request
    assert ax.get_xlim()[1] >= num(dt.date(2027, 12, 31))
    with pytest.raises(DataError, match="horizon"):
        P.plot_fit(f, horizon=-1)


def test_a_band_many_times_the_data_is_cut_and_said_so(claims, recruits_fit, recruits):
    # one 2022-23 claim drawn to 2027 by a random walk whose forecast variance does not
    # saturate: the 90% band ends many times above the claim
    from trends.model import RateModel

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # one claim: SparseDataWarning
        model = RateModel(saturation=None)
        f = fit_rate(claims, "emigrants", model=model, until=dt.date(2027, 12, 31), rng=0)
    ax = P.plot_fit(f, claims, horizon=None)
    rates = P.implied_rates(claims, "emigrants")
    median = one(ax, "median:forecast").get_ydata()
    known = max(rates["rate_high"].max(), one(ax, "median").get_ydata().max(), median.max())
    assert ax.get_ylim()[1] == pytest.approx(2.5 * known)
    top = band_edges(one(ax, "band:90"))[1].max()
    assert top > 5 * ax.get_ylim()[1] / 2.5  # the band does leave the axis ...
    note = legend_texts(ax)[0]
    assert "90% leaves the axis" in note and f"{float(f'{top:.2g}'):,.0f}" in note  # ... said
    # a band of the data's size is not cut
    ax = P.plot_fit(recruits_fit, recruits)
    assert "leaves" not in legend_texts(ax)[0]
    assert ax.get_ylim()[1] >= band_edges(one(ax, "band:90"))[1].max()


# ---- cumulative ---------------------------------------------------------------------------
def test_cumulative_fan_is_monotone_with_targets(recruits_fit, recruits):
    ax = P.plot_cumulative(recruits_fit, targets=recruits)
    assert len(bands(ax)) == 2
    median = one(ax, "median").get_ydata()
    assert median[0] >= 0 and np.all(np.diff(median) >= 0)
    for gid in ("band:50", "band:90"):
        lo, hi = band_y(one(ax, gid))
        assert lo >= 0 and hi > lo
    table = recruits_fit.cumulative(start=dt.date(2023, 1, 1))
    for col in ("q05", "q25", "q50", "q75", "q95"):
        assert np.all(np.diff(table[col].to_numpy()) >= 0), col
    # one marker: the repeated target counts once; it sits at the end of its window
    marks = by_gid(ax, "target:")
    assert len(marks) == 1
    assert marks[0].get_ydata()[0] == 400_000
    assert date2num(marks[0].get_xdata()[0]) == pytest.approx(num(dt.date(2024, 1, 1)))
    text = " ".join(t.get_text() for t in ax.texts)
    assert "400,000" in text and "P(reached)" in text
    assert ylabel(ax) == "Recruits since 1 Jan 2023 (people)"
    assert "target" in legend_texts(ax)


def test_cumulative_tuple_targets_and_start(recruits_fit):
    ax = P.plot_cumulative(
        recruits_fit,
        start=dt.date(2025, 1, 1),
        targets=[(dt.date(2025, 12, 31), 420_000, "plan 2025")],
    )
    (mark,) = by_gid(ax, "target:")
    assert mark.get_ydata()[0] == 420_000
    assert "plan 2025" in [t.get_text() for t in ax.texts]
    assert ylabel(ax) == "Recruits since 1 Jan 2025 (people)"
    assert one(ax, "median").get_ydata()[0] > 0  # through the first day


# ---- projections --------------------------------------------------------------------------
def test_projection_plot_lines_and_bands_per_scenario():
    proj = FakeProjection()
    ax = P.plot_projection(proj, "reserve")
    medians = by_gid(ax, "median:")
    assert [m.get_gid() for m in medians] == [f"median:{s}" for s in proj.scenarios]
    # one shared band (the baseline's), never a fan per scenario
    assert len(bands(ax)) == 2
    one(ax, "band:50:baseline")
    one(ax, "band:90:baseline")
    np.testing.assert_allclose(
        band_y(one(ax, "band:90:baseline")),
        (proj.quantiles("reserve")["q05"].min(), proj.quantiles("reserve")["q95"].max()),
    )
    assert len({m.get_color() for m in medians}) == 3
    assert len({str(m.get_linestyle()) for m in medians}) == 3
    np.testing.assert_allclose(
        one(ax, "median:surge").get_ydata(), proj.quantiles("reserve", "surge")["q50"]
    )
    labels = legend_texts(ax)
    assert labels == ["Baseline", "Surge", "Slowdown", "Baseline: 50%, 90% intervals"]
    # the band in the baseline's colour (not a grey swatch)
    band_rgb = tuple(one(ax, "band:90:baseline").get_facecolor()[0][:3])
    assert band_rgb == pytest.approx(matplotlib.colors.to_rgb(medians[0].get_color()))
    assert ylabel(ax) == "Operational reserve (people)"
    ax = P.plot_projection(proj, "reserve", band="surge")
    one(ax, "band:50:surge")
    assert len(bands(ax)) == 2
    ax = P.plot_projection(proj, "losses", scenarios=["surge"])
    assert len(by_gid(ax, "median:")) == 1 and len(bands(ax)) == 2
    with pytest.raises(DataError, match="unknown scenario"):
        P.plot_projection(proj, "reserve", scenarios=["war"])
    with pytest.raises(DataError, match="no variable"):
        P.plot_projection(proj, "casualties")


def test_scenarios_plot_intervals_at_a_date():
    proj = FakeProjection()
    ax = P.plot_scenarios(proj, "reserve", dt.date(2026, 7, 2))  # day 182: on the grid 180
    for k, s in enumerate(proj.scenarios):
        table = proj.quantiles("reserve", s)
        row = table.loc[dt.date(2026, 6, 30)]
        assert sorted(one(ax, f"interval:90:{s}").get_ydata()) == [row["q05"], row["q95"]]
        assert sorted(one(ax, f"interval:50:{s}").get_ydata()) == [row["q25"], row["q75"]]
        med = one(ax, f"median:{s}")
        assert (med.get_xdata()[0], med.get_ydata()[0]) == (k, row["q50"])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Baseline", "Surge", "Slowdown"]
    assert "30 Jun 2026" in ax.get_xlabel()
    with pytest.raises(DataError, match="before the projection starts"):
        P.plot_scenarios(proj, "reserve", dt.date(2025, 1, 1))


# ---- validation ---------------------------------------------------------------------------
@pytest.fixture
def calibration_table():
    return pd.DataFrame(
        {
            "window": ["7 d", "30 d", "1 y"] * 2,
            "level": [0.5] * 3 + [0.9] * 3,
            "coverage": [0.48, 0.52, 0.41, 0.88, 0.91, 0.80],
            "se": [0.03] * 6,
        }
    )


def test_calibration_plot_has_nominal_lines(calibration_table):
    ax = P.plot_calibration(calibration_table)
    for level in (0.5, 0.9):
        ref = one(ax, f"nominal:{level:g}")
        assert set(ref.get_ydata()) == {level}
        points = one(ax, f"coverage:{level:g}")
        expected = calibration_table.loc[calibration_table["level"] == level, "coverage"]
        np.testing.assert_allclose(points.get_ydata(), expected)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["7 d", "30 d", "1 y"]
    assert ax.get_ylim()[0] == 0 and ax.get_ylim()[1] >= 1
    assert ax.get_ylabel() == "Coverage"
    assert "nominal level" in legend_texts(ax)
    with pytest.raises(DataError, match="coverage"):
        P.plot_calibration(calibration_table.drop(columns="coverage"))


def test_pit_histogram_against_uniform():
    u = np.random.default_rng(0).uniform(size=500)
    ax = P.plot_pit(u, bins=10)
    bars = by_gid(ax, "pit-bar")
    assert len(bars) == 10
    heights = np.array([b.get_height() for b in bars])
    assert heights.sum() * 0.1 == pytest.approx(1.0)
    assert set(one(ax, "uniform").get_ydata()) == {1.0}
    one(ax, "uniform-band")
    assert ax.get_xlim() == (0, 1)
    with pytest.raises(DataError, match=r"\[0, 1\]"):
        P.plot_pit([0.2, 1.5])
    with pytest.raises(DataError, match="no PIT"):
        P.plot_pit([])


def test_backtest_grouped_bars():
    table = pd.DataFrame(
        {
            "method": ["local level", "straight line"] * 2 + ["local level"],
            "horizon": ["nowcast", "nowcast", "forecast", "forecast", "forecast"],
            "pinball": [0.8, 1.0, 0.9, 1.2, 0.7],
        }
    )
    ax = P.plot_backtest(table)
    level = by_gid(ax, "bar:local level")
    line = by_gid(ax, "bar:straight line")
    assert [b.get_height() for b in level] == pytest.approx([0.8, 0.8])  # forecast averaged
    assert [b.get_height() for b in line] == pytest.approx([1.0, 1.2])
    assert level[0].get_x() < line[0].get_x() < level[1].get_x()  # grouped by horizon
    assert level[0].get_facecolor() != line[0].get_facecolor()
    assert level[0].get_hatch() != line[0].get_hatch()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Nowcast", "Forecast"]
    assert set(one(ax, "reference").get_ydata()) == {1.0}
    assert legend_texts(ax) == ["local level", "straight line"]


# ---- every function draws on the Axes it is given ----------------------------------------
def test_functions_return_the_given_axes(recruits, recruits_fit, calibration_table):
    proj = FakeProjection()
    backtest = pd.DataFrame({"method": ["a"], "horizon": ["forecast"], "pinball": [1.0]})
    series_rows = pd.DataFrame(
        {"series": ["s"] * 2, "method": ["a", "b"], "pinball": [0.1, 0.2], "truth": [10.0, 10.0]}
        | {f"q{q:02d}": [q / 5, q / 5] for q in (5, 25, 50, 75, 95)}
    )
    sensitivity_rows = pd.DataFrame(
        {"variable": ["reserve"] * 2, "input": ["a_share", "b_days"], "index": [0.6, 0.1]}
    )
    calls = {
        "plot_claims": lambda ax: P.plot_claims(recruits, ax=ax),
        "plot_fit": lambda ax: P.plot_fit(recruits_fit, ax=ax),
        "plot_cumulative": lambda ax: P.plot_cumulative(recruits_fit, ax=ax),
        "plot_projection": lambda ax: P.plot_projection(proj, "reserve", ax=ax),
        "plot_scenarios": lambda ax: P.plot_scenarios(proj, "reserve", "2026-06-30", ax=ax),
        "plot_calibration": lambda ax: P.plot_calibration(calibration_table, ax=ax),
        "plot_pit": lambda ax: P.plot_pit([0.1, 0.5, 0.9], ax=ax),
        "plot_backtest": lambda ax: P.plot_backtest(backtest, ax=ax),
        "plot_backtest_series": lambda ax: P.plot_backtest_series(series_rows, ax=ax),
        "plot_backtest_pit": lambda ax: P.plot_backtest_pit(series_rows, ax=ax),
        "plot_sensitivity": lambda ax: P.plot_sensitivity(sensitivity_rows, ax=ax),
    }
    assert set(calls) == {n for n in P.__all__ if n.startswith("plot_")}
    fig, axes = plt.subplots(2, 6)
    for (name, call), ax in zip(calls.items(), axes.flat[: len(calls)], strict=True):
        assert call(ax) is ax, name
        assert ax.has_data(), name
    assert len(plt.get_fignums()) == 1  # none made a figure of its own
    # without an Axes: a new one-column figure
    ax = P.plot_pit([0.1, 0.5, 0.9])
    assert ax.figure is not fig
    assert ax.figure.get_size_inches()[0] == pytest.approx(P.COLUMN_WIDTH)


def test_style_applied_to_the_users_axes_with_labels(recruits_fit, recruits):
    # an Axes made outside the paper style: the function dresses it
    with matplotlib.rc_context({"xtick.labelsize": 12, "ytick.labelsize": 12,
                                "axes.spines.top": True}):  # fmt: skip
        fig, axes = plt.subplots(1, 2)
    ax = P.plot_fit(recruits_fit, recruits, ax=axes[0], title="a. Recruits", label="model A",
                    ylabel="Contracts a week")  # fmt: skip
    assert ax is axes[0]
    assert ax.xaxis.get_major_ticks()[0].label1.get_fontsize() == 7
    assert ax.yaxis.get_major_ticks()[0].label1.get_fontsize() == 7
    assert not ax.spines["top"].get_visible()
    assert ax.get_title(loc="left") == "a. Recruits"
    assert ax.get_ylabel() == "Contracts a week"
    assert legend_texts(ax)[0] == "model A, 50% and 90% intervals"
    # style=None leaves the Axes as it was made
    ax = P.plot_claims(recruits, "recruits", ax=axes[1], style=None)
    assert ax.yaxis.get_major_ticks()[0].label1.get_fontsize() == 12
    assert ax.spines["top"].get_visible()


def test_every_plot_function_takes_ax_by_keyword_only():
    import inspect

    for name in (n for n in P.__all__ if n.startswith("plot_")):
        params = inspect.signature(getattr(P, name)).parameters
        assert params["ax"].kind is inspect.Parameter.KEYWORD_ONLY, name
        assert params["ax"].default is None, name
        assert "title" in params and "ylabel" in params, name


def test_source_names_whole_and_grouped():
    table = pd.DataFrame(
        {
            "attributed_to": ["", "unknown", "ISW", "ISW", "", "Mark Rutte (NATO)", "", ""],
            "source": [
                "South China Morning Post (Bloomberg)",
                "Reuters",
                "x",
                "y",
                "unknown (text also at dailywrap.ca)",
                "z",
                "unknown",
                "BBC News",
            ],
        }  # fmt: skip
    )
    rows, names = P.source_groups(table, max_groups=2)
    assert names == ["ISW", "South China Morning Post (Bloomberg)", P.OTHER_SOURCES]
    assert rows[1] == P.OTHER_SOURCES  # Reuters: "unknown" attribution falls back to it
    _, outlets = P.source_groups(table, max_groups=10, by="source")
    assert "ISW" not in outlets and "Reuters" in outlets
    with pytest.raises(DataError, match="attributed_to"):
        P.source_groups(table, by="author")
    all_rows, all_names = P.source_groups(table, max_groups=10)
    assert "Reuters" in all_names and "unnamed outlet (text also at dailywrap.ca)" in all_names
    assert "unnamed source" in all_names and not any(n == "unknown" for n in all_names)
    # wrapped at word boundaries; cut (with an ellipsis) only after a whole word
    long = "South China Morning Post (Bloomberg)"
    assert P._wrap(long) == "South China Morning Post\n(Bloomberg)"
    cut = P._wrap("Jamestown Foundation Eurasia Daily Monitor weekly special edition", 16)
    words = "Jamestown Foundation Eurasia Daily Monitor weekly special edition".split()
    assert cut.endswith("\u2026") and all(w in words for w in cut[:-1].split())


# ---- saving -------------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", ["pdf", "svg", "png"])
def test_save_figure_is_byte_reproducible(tmp_path, suffix):
    fig, ax = P.figure()
    P.plot_calibration(
        pd.DataFrame({"window": ["7 d"], "level": [0.9], "coverage": [0.85], "se": [0.02]}),
        ax=ax,
    )
    a, b = tmp_path / f"a.{suffix}", tmp_path / f"b.{suffix}"
    P.save_figure(fig, a)
    P.save_figure(fig, b)
    assert digest(a) == digest(b)
    data = a.read_bytes()
    if suffix == "pdf":
        assert data.startswith(b"%PDF") and b"CreationDate" not in data
        assert b"/FontFile2" in data and b"Type3" not in data  # TrueType (fonttype 42)
    elif suffix == "svg":
        assert b"<svg" in data[:500] and b"<dc:date>" not in data
    else:
        from PIL import Image

        with Image.open(a) as im:
            assert im.info["dpi"] == pytest.approx((300, 300), abs=0.1)
            assert "Software" not in im.info
            assert im.size == (round(300 * P.COLUMN_WIDTH), 720)  # exactly the size asked
    # written through a temporary file and a rename: nothing else left behind
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([a.name, b.name])


def test_save_figures_lays_out_once_for_every_format(tmp_path):
    def calibration():
        fig, ax = P.figure()
        P.plot_calibration(
            pd.DataFrame({"window": ["7 d"], "level": [0.9], "coverage": [0.85], "se": [0.02]}),
            ax=ax,
        )
        return fig, ax

    fig, _ = calibration()
    engine = fig.get_layout_engine()
    paths = [tmp_path / f"a.{suffix}" for suffix in ("png", "pdf", "svg")]
    P.save_figures(fig, paths)
    assert fig.get_layout_engine() is engine  # the figure keeps its layout engine
    # the first file is what save_figure writes; the others keep its layout
    single, _ = calibration()
    P.save_figure(single, tmp_path / "b.png")
    assert digest(paths[0]) == digest(tmp_path / "b.png")
    # a bad suffix anywhere is refused before any file is written
    with pytest.raises(DataError, match=r"\.pdf, \.svg or \.png"):
        P.save_figures(fig, [tmp_path / "c.png", tmp_path / "c.jpg"])
    assert not (tmp_path / "c.png").exists()


def test_save_figure_refuses_unknown_suffix_and_leaves_no_half_file(tmp_path, monkeypatch):
    fig, ax = P.figure()
    ax.plot([1, 2])
    with pytest.raises(DataError, match=r"\.pdf, \.svg or \.png"):
        P.save_figure(fig, tmp_path / "figure.jpg")
    target = tmp_path / "figure.png"
    target.write_bytes(b"old")

    def broken(*args, **kwargs):
        raise RuntimeError("renderer failed")

    monkeypatch.setattr(fig, "savefig", broken)
    with pytest.raises(RuntimeError):
        P.save_figure(fig, target)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["figure.png"]


# ---- golden images ------------------------------------------------------------------------
def _golden(name: str, draw, tmp_path: Path):
    from matplotlib.testing.compare import compare_images

    fig, ax = P.figure(style=GOLDEN_STYLE)
    draw(ax)
    actual = tmp_path / f"{name}.png"
    # The whole canvas, not a tight box: a fixed image size whatever the font metrics
    # (constrained layout keeps the legend inside the figure).
    fig.savefig(actual, dpi=GOLDEN_DPI, metadata={"Software": None})
    expected = BASELINE / f"{name}.png"
    if os.environ.get("TRENDS_REGEN_BASELINE"):
        BASELINE.mkdir(exist_ok=True)
        expected.write_bytes(actual.read_bytes())
        pytest.skip(f"wrote {expected}")
    assert expected.is_file(), f"no baseline {expected}; see this module's docstring"
    result = compare_images(str(expected), str(actual), tol=TOL)
    assert result is None, result


def test_golden_claims_chart(recruits, tmp_path):
    _golden(
        "claims_recruits",
        lambda ax: P.plot_claims(recruits, "recruits", ax=ax, style=GOLDEN_STYLE),
        tmp_path,
    )


def test_golden_fit_chart(recruits_fit, recruits, tmp_path):
    _golden(
        "fit_recruits",
        lambda ax: P.plot_fit(recruits_fit, recruits, ax=ax, style=GOLDEN_STYLE),
        tmp_path,
    )
