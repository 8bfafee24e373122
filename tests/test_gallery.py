"""The figure gallery: every figure drawn at column width from 40 sources, checked by layout.

A claims file of 132 figures from 40 outlets (``tests/claimsgen.py``) is fitted, projected
and drawn with every ``plot_*`` function into a one-column figure (3.5 x 2.4 in). Each
figure must come out exactly that size, with no warning (matplotlib's "constrained_layout
not applied" among them), every text inside the figure and no two texts overlapping
(extents measured after a draw: tick labels, axis labels, legend, annotations), the
legend no longer than the plot can hold, and its names whole.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from claimsgen import SOURCES, forty_sources  # noqa: E402
from matplotlib.dates import num2date  # noqa: E402

from trends import plot as P  # noqa: E402
from trends.claims import independent, read_claims  # noqa: E402
from trends.model import fit  # noqa: E402

UNTIL = dt.date(2026, 12, 31)
SIZE = (P.COLUMN_WIDTH, 2.4)


@pytest.fixture(scope="module")
def claims_file(tmp_path_factory):
    return forty_sources(tmp_path_factory.mktemp("gallery") / "claims.csv")


@pytest.fixture(scope="module")
def claims(claims_file):
    return read_claims(claims_file)


@pytest.fixture(scope="module")
def fits(claims):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a consistent file: not even a data warning
        return {q: fit(claims, q, until=UNTIL, rng=0) for q in sorted({c.quantity for c in claims})}


@pytest.fixture(scope="module")
def projection(claims, fits, repo_root):
    from trends.assumptions import read_assumptions
    from trends.projection import project

    return project(claims, read_assumptions(repo_root / "data" / "assumptions.toml"), UNTIL,
                   scenarios="all", draws=300, seed=0)  # fmt: skip


def test_the_file_has_forty_sources(claims):
    assert len({c.source for c in claims}) == len(SOURCES) == 40
    assert len(claims) >= 120
    assert any(c.attributed_to == "unknown" for c in claims)
    assert any(c.derived_from for c in claims) and any(c.kind == "target" for c in claims)


def _figures(claims, fits, projection):
    """(name, draw(ax)) for every figure the package draws."""
    out = []
    for q, f in fits.items():
        targets = [c for c in independent(claims) if c.quantity == q and c.kind == "target"]
        out += [
            (f"claims_{q}", lambda ax, q=q: P.plot_claims(claims, q, ax=ax)),
            (f"fit_{q}", lambda ax, f=f: P.plot_fit(f, claims, ax=ax)),
            (f"cumulative_{q}", lambda ax, f=f, t=targets: P.plot_cumulative(f, targets=t, ax=ax)),
        ]
    for v in ("reserve", "attrition"):
        out.append((f"projection_{v}", lambda ax, v=v: P.plot_projection(projection, v, ax=ax)))
    out.append(("scenarios", lambda ax: P.plot_scenarios(projection, "reserve", UNTIL, ax=ax)))
    calibration = pd.DataFrame({"window": ["7 d", "30 d", "1 y"] * 2,
                                "level": [0.5] * 3 + [0.9] * 3,
                                "coverage": [0.48, 0.52, 0.41, 0.88, 0.91, 0.80],
                                "se": [0.03] * 6})  # fmt: skip
    out.append(("calibration", lambda ax: P.plot_calibration(calibration, ax=ax)))
    pit = np.random.default_rng(0).uniform(size=400)
    out.append(("pit", lambda ax: P.plot_pit(pit, ax=ax)))
    scores = pd.DataFrame({"method": ["local level", "straight line", "last value"] * 2,
                           "horizon": ["nowcast"] * 3 + ["forecast"] * 3,
                           "pinball": [0.8, 1.0, 1.1, 0.9, 1.2, 1.4]})  # fmt: skip
    out.append(("backtest", lambda ax: P.plot_backtest(scores, ax=ax)))
    rows = _backtest_rows()
    out.append(("backtest_series", lambda ax: P.plot_backtest_series(rows, ax=ax)))
    out.append(("backtest_pit", lambda ax: P.plot_backtest_pit(rows, ax=ax)))
    return out


def _backtest_rows() -> pd.DataFrame:
    """Score rows of four methods on eight series of the corpus (names as it gives them)."""
    gen = np.random.default_rng(1)
    series = ["personnel", "vehicles and fuel tanks", "anti-aircraft warfare",
              "special equipment", "United_Kingdom", "Germany", "Confirmed", "Deaths"]  # fmt: skip
    rows = []
    for k, (name, method) in enumerate(itertools.product(series, ("trends", "naive", "ucm",
                                                                  "tempdisagg"))):  # fmt: skip
        truth = 1000.0 + k
        centre = truth * np.exp(gen.normal(0, 0.1))
        q = centre * np.exp(np.array([-1.645, -0.674, 0.0, 0.674, 1.645]) * 0.1)
        rows.append({"series": name, "method": method, "truth": truth,
                     "pinball": float(gen.gamma(2.0, 0.02)),
                     **dict(zip(("q05", "q25", "q50", "q75", "q95"), q, strict=True))})  # fmt: skip
    return pd.DataFrame(rows)


def _texts(fig):
    """Every visible, non-empty text of the figure with its extent (pixels)."""
    renderer = fig.canvas.get_renderer()
    found = []
    for ax in fig.axes:
        x0, x1 = sorted(ax.get_xlim())
        y0, y1 = sorted(ax.get_ylim())
        ticks = [(t, x0, x1, tl) for t, tl in zip(ax.get_xticks(), ax.get_xticklabels(),
                                                   strict=True)]  # fmt: skip
        ticks += [(t, y0, y1, tl) for t, tl in zip(ax.get_yticks(), ax.get_yticklabels(),
                                                    strict=True)]  # fmt: skip
        for value, lo, hi, label in ticks:
            if lo - 1e-9 * abs(hi - lo) <= value <= hi + 1e-9 * abs(hi - lo):
                found.append(("tick", label))
        found += [("xlabel", ax.xaxis.label), ("ylabel", ax.yaxis.label), ("title", ax.title)]
        found += [("offset", ax.xaxis.get_offset_text()), ("offset", ax.yaxis.get_offset_text())]
        found += [("text", t) for t in ax.texts]
        legend = ax.get_legend()
        if legend is not None:
            found += [("legend", t) for t in legend.get_texts()]
    return [
        (kind, t.get_text(), t.get_window_extent(renderer))
        for kind, t in found
        if t.get_visible() and t.get_text().strip()
    ]


@pytest.fixture(scope="module")
def gallery(claims, fits, projection, tmp_path_factory):
    """name -> (figure, warnings met, saved PNG size in pixels)."""
    from PIL import Image

    folder = tmp_path_factory.mktemp("figures")
    out = {}
    # The gallery keeps its 23 figures open for the checks below (pyplot warns past 20).
    for name, draw in _figures(claims, fits, projection):
        many = matplotlib.rc_context({"figure.max_open_warning": 0})
        with many, warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fig, ax = P.figure("single")
            assert draw(ax) is ax
            path = folder / f"{name}.png"
            P.save_figure(fig, path)
            fig.canvas.draw()
        with Image.open(path) as im:
            size = im.size
        out[name] = (fig, [f"{w.category.__name__}: {w.message}" for w in caught], size)
    yield out
    plt.close("all")


def test_every_figure_is_drawn(gallery):
    names = set(gallery)
    assert {"fit_recruits", "cumulative_recruits", "projection_reserve", "scenarios",
            "calibration", "pit", "backtest"} <= names  # fmt: skip
    assert len(names) == 3 * 5 + 8


def test_no_warning(gallery):
    met = {name: w for name, (_, w, _) in gallery.items() if w}
    assert not met, met


def test_exact_size(gallery):
    for name, (fig, _, size) in gallery.items():
        assert tuple(fig.get_size_inches()) == pytest.approx(SIZE), name
        assert size == (round(SIZE[0] * 300), round(SIZE[1] * 300)), name


def _layout_problems(name, fig) -> list[str]:
    problems = []
    page = fig.bbox
    texts = _texts(fig)
    assert texts, name
    for kind, text, box in texts:
        if (box.x0 < page.x0 - 0.5 or box.y0 < page.y0 - 0.5 or box.x1 > page.x1 + 0.5
                or box.y1 > page.y1 + 0.5):  # fmt: skip
            problems.append(f"{name}: {kind} {text!r} leaves the figure")
    for (k1, t1, b1), (k2, t2, b2) in itertools.combinations(texts, 2):
        # overlap by more than half a pixel in both directions
        w = min(b1.x1, b2.x1) - max(b1.x0, b2.x0)
        h = min(b1.y1, b2.y1) - max(b1.y0, b2.y0)
        if w > 0.5 and h > 0.5:
            problems.append(f"{name}: {k1} {t1!r} overlaps {k2} {t2!r}")
    return problems


def test_the_layout_check_sees_overlaps_and_overflow():
    fig, ax = P.figure("single")
    ax.plot([0, 1], [0, 500_000])
    fig.canvas.draw()
    assert _layout_problems("clean", fig) == []
    # an annotation over the "500,000" tick (the bug this gallery guards against)
    ax.annotate("P(reached) = 0.39", (0, 500_000), xytext=(-8, 0), textcoords="offset points",
                ha="right", va="center")  # fmt: skip
    fig.canvas.draw()
    found = "\n".join(_layout_problems("bad", fig))
    assert "tick '500000' overlaps text 'P(reached) = 0.39'" in found
    ax.set_ylabel("a label far too long to fit the height of a one-column figure " * 2)
    fig.canvas.draw()
    found = "\n".join(_layout_problems("bad", fig))
    assert "ylabel" in found and "leaves the figure" in found
    plt.close(fig)


def test_texts_inside_and_apart(gallery):
    problems = []
    for name, (fig, _, _) in gallery.items():
        problems += _layout_problems(name, fig)
    assert not problems, "\n".join(problems)


def test_axes_keep_room_for_the_data(gallery):
    # the legend and labels leave the data at least 40% of the figure's height
    for name, (fig, _, _) in gallery.items():
        ax = fig.axes[0]
        assert ax.get_position().height >= 0.4, name


def test_legends_name_whole_sources_distinctly(gallery, claims):
    from trends.plot import _who

    names = {_who(c.attributed_to, c.source) for c in claims}
    fixed = {"target", "repeat (counted once)", P.OTHER_SOURCES,
             "median, 50% and 90% intervals"}  # fmt: skip
    for q in ("recruits", "casualties", "ammunition_production", "ammunition_production_eu"):
        for kind in ("claims", "fit"):
            fig = gallery[f"{kind}_{q}"][0]
            legend = fig.axes[0].get_legend()
            labels = [" ".join(t.get_text().split()) for t in legend.get_texts()]
            # a band clipped at the axis says where its 90% edge went (plot._cap)
            labels = [re.sub(r"; 90% leaves the axis \(to [\d,]+ by \w+ \d{4}\)$", "", t)
                      for t in labels]  # fmt: skip
            groups = [t for t in labels if t not in fixed]
            assert 1 <= len(groups) <= 8, (kind, q, labels)
            for label in labels:
                assert label in names | fixed, f"{label!r}: not a whole name"
                assert label.lower() != "unknown" and "\u2026" not in label
            # each named group has its own colour and marker
            handles = legend.legend_handles
            styles = [(h.get_color(), h.get_marker()) for h, t in zip(handles, labels,
                      strict=True) if t in groups and t != P.OTHER_SOURCES]  # fmt: skip
            assert len({c for c, _ in styles}) == len(styles), (q, styles)
            assert len({m for _, m in styles}) == len(styles), (q, styles)
    assert "people familiar with the planning (Bloomberg)" in names  # long names stay whole
    assert "unnamed outlet (text also at dailywrap.ca)" in names  # never a bare "unknown"


def test_x_range_stops_a_horizon_after_the_last_claim(gallery, fits):
    # emigrants: three claims in 2022-23, a grid to the end of 2026; drawn for a year
    f = fits["emigrants"]
    assert f.end == UNTIL
    last = max(o.end for o in f.observations)
    ax = gallery["fit_emigrants"][0].axes[0]
    right = num2date(ax.get_xlim()[1]).date()
    assert last + dt.timedelta(days=P.HORIZON_DAYS) <= right
    assert right <= last + dt.timedelta(days=P.HORIZON_DAYS + 2)
    # the claims fill the axis, not its first few per cent
    left = num2date(ax.get_xlim()[0]).date()
    assert (last - left).days / (right - left).days > 0.25


def test_target_key_keeps_clear_of_the_ticks(gallery):
    ax = gallery["cumulative_recruits"][0].axes[0]
    (key,) = [t for t in ax.texts if t.get_gid() == "label:targets"]
    assert key.get_text().count("P(reached)") == 4  # two plans for 2024
    renderer = ax.figure.canvas.get_renderer()
    assert ax.get_window_extent(renderer).contains(*key.get_window_extent(renderer).min)


def test_axis_labels_carry_units(gallery):
    want = {
        "fit_ammunition_production_eu": "EU ammunition production (rounds per week)",
        "claims_recruits": "Recruits (people per week)",
        "projection_reserve": "Operational reserve (people)",
        "projection_attrition": "Attrition (people)",
    }
    for name, label in want.items():
        assert " ".join(gallery[name][0].axes[0].get_ylabel().split()) == label
