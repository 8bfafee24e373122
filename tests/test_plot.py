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
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # two independent claims: SparseDataWarning
        return fit_rate(claims, "recruits", until=UNTIL, rng=0)


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


def band_y(collection) -> tuple[float, float]:
    v = np.concatenate([p.vertices for p in collection.get_paths()])
    return float(v[:, 1].min()), float(v[:, 1].max())


def legend_texts(ax) -> list[str]:
    legend = ax.get_legend()
    assert legend is not None, "no legend"
    return [t.get_text() for t in legend.get_texts()]


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
        assert rc["savefig.dpi"] == 300 and rc["savefig.bbox"] == "tight"
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
    assert "target" in [t.get_text() for t in ax.texts]
    # legend: every source (shortened), the target and the repeat keys
    labels = legend_texts(ax)
    for source in {c.source for c in recruits}:
        assert any(source.startswith(label.rstrip("\u2026")) for label in labels), source
    assert "target" in labels and any(label.startswith("repeat") for label in labels)
    # units on the axes
    assert ax.get_ylabel() == "Recruits per week"
    assert ax.get_ylim()[0] == 0
    assert isinstance(ax.xaxis.get_major_formatter(), ConciseDateFormatter)
    assert "8,000" in tick_labels(ax)


def test_claims_chart_colours_by_source(recruits):
    ax = P.plot_claims(recruits, "recruits")
    segments = {a.get_gid().split(":", 1)[1]: a for a in ax.lines if a.get_gid()
                and a.get_gid().startswith(("claim:", "target:", "repeat:"))}  # fmt: skip
    assert set(segments) == {c.id for c in recruits}
    colour = {}
    for c in recruits:
        colour.setdefault(c.source, set()).add(segments[c.id].get_color())
    assert all(len(v) == 1 for v in colour.values())
    assert len({next(iter(v)) for v in colour.values()}) == len(colour)


def test_claims_chart_per_month_and_other_units(recruits):
    ax = P.plot_claims(recruits, per="month")
    assert ax.get_ylabel() == "Recruits per month"
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
    table = recruits_fit.rate(per="week")
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
    assert "median" in labels and any("50%" in t and "90%" in t for t in labels)
    assert any(t.startswith("Global Newz") for t in labels)
    assert ax.get_ylabel() == "Recruits per week"


def test_fit_chart_forecast_from_and_without_claims(recruits_fit):
    start = dt.date(2025, 12, 1)
    ax = P.plot_fit(recruits_fit, per="day", forecast_from=start)
    assert len(bands(ax)) == 2
    assert not by_gid(ax, "claim:") and not by_gid(ax, "repeat:")
    ahead = one(ax, "median:forecast")
    assert date2num(ahead.get_xdata()[0]) == pytest.approx(num(start) + 0.5)
    assert ax.get_ylabel() == "Recruits per day"


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
    assert ax.get_ylabel() == "Recruits since 1 Jan 2023"
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
    assert ax.get_ylabel() == "Recruits since 1 Jan 2025"
    assert one(ax, "median").get_ydata()[0] > 0  # through the first day


# ---- projections --------------------------------------------------------------------------
def test_projection_plot_lines_and_bands_per_scenario():
    proj = FakeProjection()
    ax = P.plot_projection(proj, "reserve")
    medians = by_gid(ax, "median:")
    assert [m.get_gid() for m in medians] == [f"median:{s}" for s in proj.scenarios]
    assert len(bands(ax)) == 2 * len(proj.scenarios)
    for s in proj.scenarios:
        one(ax, f"band:50:{s}")
        one(ax, f"band:90:{s}")
    assert len({m.get_color() for m in medians}) == 3
    assert len({str(m.get_linestyle()) for m in medians}) == 3
    np.testing.assert_allclose(
        one(ax, "median:surge").get_ydata(), proj.quantiles("reserve", "surge")["q50"]
    )
    labels = legend_texts(ax)
    assert labels[:3] == ["Baseline", "Surge", "Slowdown"]
    assert ax.get_ylabel() == "Reserve"
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
            assert im.size[0] == pytest.approx(300 * P.COLUMN_WIDTH, rel=0.1)
    # written through a temporary file and a rename: nothing else left behind
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([a.name, b.name])


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
