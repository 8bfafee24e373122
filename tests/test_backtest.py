"""Backtests as a feature: trends.backtest, ``trends backtest`` and ``trends plot backtest``.

The corpus run itself (20 series, about 3,000 rows) is ``analysis/backtest.py``; its
results are in ``docs/validation.md``. Here: the readers, the report drawing (no
leakage, one seed per case), the scores by hand, the Fernandez baseline against a
known answer, the command with its errors, and identical rows however the cases run.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import sys

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trends import backtest as bt
from trends import cli
from trends.errors import DataError
from trends.units import HEDGES

ORIGIN = dt.date(2020, 1, 1)
FULL = os.environ.get("TRENDS_FULL") == "1"


def series_of(daily, name="x", origin=ORIGIN) -> bt.Series:
    return bt.Series(name=name, origin=origin, daily=np.asarray(daily, dtype=float))


def run_cli(*argv, capsys):
    code = cli.main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


# ---- readers -------------------------------------------------------------------------------
def test_json_reader_origin_from_day_field_and_first_value_spread(tmp_path):
    # day 3 on 2021-01-03: counting began 2021-01-01, so the first 30 cover three days
    recs = [{"date": "2021-01-03", "day": 3, "n": 30}, {"date": "2021-01-04", "day": 4, "n": 35}]
    recs += [{"date": "2021-01-05", "day": 5}, {"date": "2021-01-06", "day": 6, "n": 47}]
    path = tmp_path / "s.json"
    path.write_text(pd.Series(recs).to_json(orient="records"))
    s = bt.load_series(path, "n", min_days=1)
    assert s.origin == dt.date(2021, 1, 1) and s.name == "n"
    # 30 over three days, then 5, then the missing day shares 12 with the next
    np.testing.assert_allclose(s.daily, [10, 10, 10, 5, 6, 6])
    assert s.gaps == ((dt.date(2021, 1, 5), dt.date(2021, 1, 5)),)
    assert "2021-01-05..2021-01-05" in s.notes()[0]


def test_csv_reader_picks_the_date_column_and_the_field(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("a,Date,b\n1,2021-03-01,7\n2,2021-03-02,9\n5,2021-03-03,\n9,2021-03-04,15\n")
    a = bt.load_series(path, "a", min_days=1)
    b = bt.load_series(path, "b", min_days=1)
    assert a.origin == dt.date(2021, 3, 1) and a.end == dt.date(2021, 3, 4)
    np.testing.assert_allclose(a.daily, [1, 1, 3, 4])  # the first value counts on day 0
    np.testing.assert_allclose(b.daily, [7, 2, 3, 3])  # the empty cell is a gap
    assert len(b.gaps) == 1 and a.gaps == ()


def test_corrections_lower_the_days_before_and_never_give_a_negative_day(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("date,x\n" + "".join(
        f"2021-01-{d:02d},{v}\n" for d, v in enumerate([10, 20, 30, 25, 40, 38, 50], start=1)
    ))  # fmt: skip
    s = bt.load_series(path, "x", min_days=1)
    # cumulative lowered to the corrected level back to where it was below it:
    # 10 20 25 25 38 38 50
    np.testing.assert_allclose(s.daily, [10, 10, 5, 0, 13, 0, 12])
    assert (s.daily >= 0).all() and s.daily.sum() == 50
    assert s.corrections == ((dt.date(2021, 1, 4), 5.0), (dt.date(2021, 1, 6), 2.0))
    assert len(s.notes()) == 2 and "goes down by 5" in s.notes()[0]


def test_shipped_corpus_reads_twenty_series():
    corpus = bt.read_corpus(bt_corpus_path())
    assert len(corpus) == 20
    names = [s.name for s in corpus]
    assert names[0] == "personnel" and "naval ship" in names and "Deaths" in names
    for s in corpus:
        assert (s.daily >= 0).all() and len(s.daily) >= 455
    # the readers keep every total: the last cumulative figure of each file
    personnel = corpus[0]
    assert personnel.origin == dt.date(2022, 2, 24)
    assert personnel.daily.sum() == pytest.approx(1_456_610)
    by = {s.name: s for s in corpus}
    assert sum(1 for s in corpus if s.corrections) >= 10  # the equipment and COVID drops
    assert by["US"].daily.sum() == pytest.approx(80_625_120)


def bt_corpus_path():
    from pathlib import Path

    return Path(__file__).resolve().parents[1] / "data" / "backtest_corpus.toml"


@pytest.mark.parametrize(
    "text, field, message",
    [
        ("date,x\n2021-01-01,1\n", "y", "no column 'y'; the columns are: x"),
        ("date,x\n2021-01-01,1\n2021-01-02,lots\n", "x", "row 3, column 'x': 'lots' is not"),
        ("date,x\n2021-01-01,1\n2021-01-02,-4\n", "x", "row 3, column 'x'"),
        ('date,x\n2021-01-01,1\n2021-01-02,"1,5"\n', "x", "row 3, column 'x': '1,5' is not"),
        ("date,x\n2021-01-02,1\n2021-01-01,2\n", "x", "2021-01-01 follows 2021-01-02"),
        ("date,x\n2021-01-01,1\n2021-13-02,2\n", "x", "row 3, column 'date'"),
    ],
)
def test_reader_errors_name_the_place(tmp_path, text, field, message):
    path = tmp_path / "s.csv"
    path.write_text(text)
    with pytest.raises(DataError, match="s.csv") as e:
        bt.load_series(path, field, min_days=1)
    assert message in str(e.value)


def test_reader_takes_thousands_separators(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text('date,x\n2021-01-01,"1,200"\n2021-01-02,"1,234,567.5"\n')
    np.testing.assert_allclose(bt.load_series(path, "x", min_days=1).daily, [1200, 1233367.5])


def test_reader_rejects_a_series_shorter_than_needed(tmp_path):
    path = tmp_path / "s.csv"
    days = [ORIGIN + dt.timedelta(days=k) for k in range(300)]
    path.write_text("date,x\n" + "".join(f"{d},{k}\n" for k, d in enumerate(days)))
    with pytest.raises(DataError, match=r"covers 300 days .* at least 455"):
        bt.load_series(path, "x")


# ---- reports --------------------------------------------------------------------------------
@settings(max_examples=40)
@given(
    n=st.integers(420, 900),
    cut=st.integers(366, 419),
    seed=st.integers(0, 2**32 - 1),
    data=st.data(),
)
def test_reports_never_read_after_the_as_of_date(n, cut, seed, data):
    """Changing every day after the as-of date changes no report and no past window."""
    rng = np.random.default_rng(seed)
    daily = rng.poisson(rng.uniform(0.5, 500), size=n).astype(float)
    as_of = ORIGIN + dt.timedelta(days=cut)
    other = daily.copy()
    other[cut + 1 :] = rng.poisson(rng.uniform(0.5, 5000), size=n - cut - 1)
    a, b = series_of(daily), series_of(other)
    ra = bt.draw_reports(a, as_of, bt._child(bt.case_seed(seed, "x", as_of), 0))
    rb = bt.draw_reports(b, as_of, bt._child(bt.case_seed(seed, "x", as_of), 0))
    assert ra == rb
    for c in ra:
        assert c.window[1] <= as_of and c.published <= as_of
        assert c.window[1] > as_of - dt.timedelta(days=365)
        assert c.value > 0 and c.qualifier in ("about", "exact")
    wa = bt.target_windows(a, as_of, ra, np.random.default_rng(seed))
    wb = bt.target_windows(b, as_of, rb, np.random.default_rng(seed))
    assert wa["nowcast"] == wb["nowcast"] and wa["nowcast"][1] <= as_of


def test_reports_are_rounded_figures_of_the_truth():
    rng = np.random.default_rng(3)
    s = series_of(rng.uniform(50, 5000, size=1000))
    for k in range(20):
        as_of = ORIGIN + dt.timedelta(days=400 + 20 * k)
        reports = bt.draw_reports(s, as_of, np.random.default_rng(k))
        assert 4 <= len(reports) <= 10
        for c in reports:
            truth = s.total(*c.window)
            if c.kind == "rate":
                from trends.units import total_to_rate

                truth = float(total_to_rate(truth, c.per, *c.window))
            # 2 or 3 significant figures: within half a unit of the second digit
            assert abs(c.value / truth - 1) <= 0.05 + 1e-12
            assert c.value in (bt.round_sig(truth, 2), bt.round_sig(truth, 3))
            assert (c.qualifier == "exact") == math.isclose(c.value, truth, rel_tol=1e-12)
            assert c.notes in bt.REPORT_KINDS


def test_a_rare_event_is_reported_only_in_windows_a_reporter_would_print():
    """Three events a month (one every 10 days): a week would hold 0.7 of them and a
    month 3, fewer than REPORT_MIN_EVENTS, so every report is a running total since
    1 January (once the year holds 5 or more) or since the series began; and the
    reports' rates do not run high, as when only weeks with an event were printed."""
    daily = np.zeros(1200)
    daily[::10] = 1.0
    s = series_of(daily)
    ratios = []
    for k in range(30):
        as_of = ORIGIN + dt.timedelta(days=400 + 25 * k)
        for c in bt.draw_reports(s, as_of, np.random.default_rng(k)):
            assert c.notes in ("since_jan", "since_start"), c
            start, end = c.window
            assert s.total(start, end) > 0
            if c.notes == "since_jan":
                assert 0.1 * ((end - start).days + 1) >= bt.REPORT_MIN_EVENTS - 1
            ratios.append(c.value / (0.1 * ((end - start).days + 1)))
    assert ratios and 0.85 < float(np.mean(ratios)) < 1.15


def test_a_case_does_not_change_when_others_are_added():
    rng = np.random.default_rng(5)
    a = series_of(rng.uniform(100, 200, size=800), name="a")
    b = series_of(rng.uniform(1, 9, size=900), name="b")
    alone = bt.backtest(a, every=4, seed=2, methods=("naive",))
    both = bt.backtest([b, a], every=4, seed=2, methods=("tempdisagg", "naive"))
    pd.testing.assert_frame_equal(
        alone.reset_index(drop=True),
        both[(both["series"] == "a") & (both["method"] == "naive")].reset_index(drop=True),
    )


# ---- scores ---------------------------------------------------------------------------------
def test_scores_by_hand_on_three_cases():
    q = {0.05: 80.0, 0.25: 90.0, 0.5: 100.0, 0.75: 110.0, 0.95: 120.0}
    rows = []
    for truth in (100.0, 125.0, 40.0):
        in50, in90 = bt.interval_hits(q, truth)
        rows.append(
            {
                "method": "m",
                "target": "forecast",
                "truth": truth,
                "pinball": bt.relative_pinball(q, truth),
                "cover50": int(in50),
                "cover90": int(in90),
                "ape": abs(q[0.5] - truth) / truth,
            }  # fmt: skip
        )
    # truth 100: losses .05*20, .25*10, 0, .25*10, .05*20 -> 7/5 = 1.4 -> 0.014
    # truth 125 (above all): .05*45 + .25*35 + .5*25 + .75*15 + .95*5 = 39.5 -> 7.9/125
    # truth 40 (below all): .95*40 + .75*50 + .5*60 + .25*70 + .05*80 = 127 -> 25.4/40
    expected = [0.014, 7.9 / 125, 25.4 / 40]
    assert [r["pinball"] for r in rows] == pytest.approx(expected)
    assert [(r["cover50"], r["cover90"]) for r in rows] == [(1, 1), (0, 0), (0, 0)]
    table = bt.summarise(pd.DataFrame(rows))
    r = table.loc[("m", "forecast")]
    assert r["n"] == 3
    assert r["pinball"] == pytest.approx(sum(expected) / 3)
    assert r["cover50"] == pytest.approx(1 / 3) and r["cover90"] == pytest.approx(1 / 3)
    assert r["mdape"] == pytest.approx(0.2)  # ape 0, 0.2, 1.5
    assert r["catastrophic"] == 1  # only 0.635 > 0.5
    text = bt.format_summary(table)
    cells = [c.strip() for c in text.splitlines()[2].strip("|").split("|")]
    # mean and median pinball, coverages with binomial se sqrt(1/3 * 2/3 / 3) = 0.272
    assert cells == [
        "m", "forecast", "3", "0.2374", "0.0632", "0.333 ± 0.272", "0.333 ± 0.272", "20.0%", "1",
    ]  # fmt: skip


def test_pit_bins_follow_the_quantiles():
    row = {"q05": 1.0, "q25": 2.0, "q50": 3.0, "q75": 4.0, "q95": 5.0}
    assert [bt.pit_bin({**row, "truth": t}) for t in (0.5, 1.0, 2.5, 3.5, 4.5, 9)] == [
        0, 0, 2, 3, 4, 5,
    ]  # fmt: skip


def test_constant_rate_gives_naive_a_near_zero_loss_and_full_coverage():
    s = series_of(np.full(1500, 250.0), name="flat")
    rows = bt.backtest(s, every=2, seed=4, methods=("naive",))
    assert len(rows) > 40 and set(rows["target"]) == set(bt.TARGETS)
    assert (rows["cover90"] == 1).all() and (rows["cover50"] == 1).all()
    # an "about" report spreads its figure +-10% as a 90% range (log sd 0.061); a
    # forecast centred on the truth with that spread loses 0.5 * sd * E|z| ~ 0.012 of it
    h = HEDGES["about"]
    sd = math.log(h.high / h.low) / (2 * 1.6448536269514722)
    assert rows["pinball"].mean() < 0.25 * sd
    assert rows["pinball"].max() < 0.5 * sd
    # the median is off by the rounding of the latest figure only (2 significant
    # figures: at most 5%), and a figure that needed no rounding is exact
    assert rows["ape"].max() <= 0.05
    assert (rows["ape"] < 1e-12).any()


# ---- the Fernandez baseline -----------------------------------------------------------------
def test_fernandez_known_answer_two_windows():
    # Two 2-day windows summing to 2 and 6. Fernandez with a constant is the path with
    # the smallest sum of squared daily changes meeting the sums: y = 1 -+ a, 3 -+ b,
    # minimise (2a)^2 + (2 - a - b)^2 + (2b)^2 -> a = b = 1/3.
    daily, point, se, dof = bt.fernandez([(0, 1), (2, 3)], [2.0, 6.0], 4, [(1, 2)])
    np.testing.assert_allclose(daily, [2 / 3, 4 / 3, 8 / 3, 10 / 3])
    np.testing.assert_allclose(point, [4.0])
    assert dof == 1 and se[0] >= 0


def test_fernandez_matches_constrained_least_squares_on_overlapping_windows():
    """Against an independent solution: minimise sum (y_t - y_{t-1})^2 subject to C y = z."""
    rng = np.random.default_rng(0)
    T = 40
    wins = [(0, 39), (5, 11), (20, 26), (0, 15), (30, 36)]
    z = rng.uniform(50, 100, len(wins)) * np.array([b - a + 1 for a, b in wins])
    daily, *_ = bt.fernandez(wins, z, T, [(0, 0)])
    C = np.zeros((len(wins), T))
    for k, (a, b) in enumerate(wins):
        C[k, a : b + 1] = 1
    D = np.diff(np.eye(T), axis=0)
    kkt = np.block([[2 * D.T @ D, C.T], [C, np.zeros((len(wins), len(wins)))]])
    ref = np.linalg.solve(kkt, np.concatenate([np.zeros(T), z]))[:T]
    np.testing.assert_allclose(daily, ref, rtol=1e-8)
    np.testing.assert_allclose(C @ daily, z, rtol=1e-10)


def test_rw_covariance_product():
    rng = np.random.default_rng(1)
    W = rng.normal(size=(30, 3))
    S = np.minimum.outer(np.arange(30), np.arange(30)) + 1.0
    np.testing.assert_allclose(bt._rw_cov_times(W), S @ W)


def test_fernandez_interval_covers_as_stated_under_its_model():
    """Paths drawn from the model itself: the t interval covers 90% (exact in theory)."""
    from scipy.stats import t as student

    rng = np.random.default_rng(7)
    T, wins, target = 60, [(0, 9), (10, 19), (5, 24), (25, 39), (0, 44)], [(45, 59)]
    hits = []
    for _ in range(1500):
        y = 30.0 + np.cumsum(rng.normal(0, 2.0, T))
        z = [y[a : b + 1].sum() for a, b in wins]
        _, point, se, dof = bt.fernandez(wins, z, T, target)
        half = student.ppf(0.95, dof) * se[0]
        hits.append(abs(y[45:].sum() - point[0]) <= half)
    assert 0.87 <= np.mean(hits) <= 0.93  # se of a share of 1,500 at 0.9: 0.008


# ---- methods and runs -----------------------------------------------------------------------
def test_a_series_that_starts_late_gives_rows_or_none_never_an_error():
    """Events only from day 400: as of days 400-404 there are 0-2 reports."""
    daily = np.zeros(900)
    daily[400:] = 3.0
    s = series_of(daily, name="late")
    seen = set()
    for k in range(40):
        as_of = ORIGIN + dt.timedelta(days=400 + k % 5)
        n = len(bt.draw_reports(s, as_of, bt._child(bt.case_seed(k, "late", as_of), 0)))
        rows = bt.run_case(bt.Case(s, as_of, k, bt.METHODS))
        seen.add(n)
        if n == 0:
            assert rows == []  # nothing counted yet: nothing to score
            continue
        table = pd.DataFrame(rows)
        assert len(table) == 4 * 3 and table[list(bt.COLUMNS[6:17])].notna().all().all()
        if n == 1:  # the baselines that need two figures fall back to naive's answer
            q = table.set_index(["method", "target"])[["q05", "q50", "q95"]]
            pd.testing.assert_frame_equal(q.loc["ucm"], q.loc["naive"])
            pd.testing.assert_frame_equal(q.loc["tempdisagg"], q.loc["naive"])
    assert {0, 1} <= seen


def test_unknown_method_is_one_clear_error():
    s = series_of(np.full(800, 3.0))
    with pytest.raises(DataError, match=r"unknown method 'arima'.*naive, ucm, tempdisagg"):
        bt.backtest(s, methods=("arima",))
    with pytest.raises(DataError, match=r"trends:local_level"):
        bt.backtest(s, methods=("trends:wiggly",))


def test_every_method_on_a_short_run():
    rng = np.random.default_rng(2)
    daily = 100 * np.exp(np.cumsum(rng.normal(0, 0.02, 900)))
    rows = bt.backtest(
        series_of(daily), every=6, seed=1, methods=(*bt.METHODS, "trends:local_linear_trend")
    )
    assert list(rows.columns) == list(bt.COLUMNS)
    assert rows[list(bt.COLUMNS[6:17])].notna().all().all()
    assert rows["fit_s"].isna().all()  # no timings unless asked
    q = rows[["q05", "q25", "q50", "q75", "q95"]].to_numpy()
    assert (np.diff(q, axis=1) >= -1e-9).all() and (q >= 0).all()
    assert (rows["truth"] > 0).all()
    table = bt.summarise(rows)
    assert len(table) == 5 * 3
    # a smooth series: every method but the point-like naive covers most 90% intervals
    assert table.xs("trends", level="method")["cover90"].min() >= 0.5


def test_rows_identical_with_joblib_and_a_dask_cluster():
    distributed = pytest.importorskip("dask.distributed")
    rng = np.random.default_rng(9)
    s = series_of(rng.poisson(40, 1100), name="poisson")
    kw = {"every": 9, "seed": 3, "methods": ("trends", "naive", "tempdisagg")}
    serial = bt.backtest(s, **kw)
    pd.testing.assert_frame_equal(serial, bt.backtest(s, jobs=2, **kw))
    # In-process and one thread: fast to start, and no two fits share the process-wide
    # warning filters at once (worker processes: the slow test below).
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        pd.testing.assert_frame_equal(
            serial, bt.backtest(s, scheduler=cluster.scheduler_address, **kw)
        )


@pytest.mark.slow
def test_cli_on_a_cluster_of_worker_processes_gives_the_same_bytes(
    personnel_series_path, tmp_path, capsys
):
    distributed = pytest.importorskip("dask.distributed")
    args = [personnel_series_path, "--field", "personnel", "--every", "12", "--seed", "1"]
    args += ["--methods", "trends", "naive", "tempdisagg"]
    out1, out2 = tmp_path / "a.csv", tmp_path / "b.csv"
    assert run_cli("backtest", *args, "-o", out1, capsys=capsys)[0] == 0
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        code, _, err = run_cli(
            "backtest", *args, "--scheduler", cluster.scheduler_address, "-o", out2,
            capsys=capsys,
        )  # fmt: skip
    assert code == 0, err
    assert out1.read_bytes() == out2.read_bytes()


def test_progress_is_reported_per_case():
    seen = []
    s = series_of(np.full(800, 5.0))
    bt.backtest(s, every=3, methods=("naive",), progress=lambda d, n: seen.append((d, n)))
    n = len(bt.as_of_dates(s, 3))
    assert seen == [(k, n) for k in range(1, n + 1)]


# ---- the command ----------------------------------------------------------------------------
def test_cli_done_when_command_reruns_and_jobs_give_identical_bytes(
    personnel_series_path, tmp_path, capsys
):
    # The command (--every 6, 7 as-of dates, every method) runs with
    # TRENDS_FULL=1; CI runs every 12 months (4 dates) without the slowest baseline.
    every = 6 if FULL else 12
    out1, out2 = tmp_path / "bt.csv", tmp_path / "bt2.csv"
    args = [personnel_series_path, "--field", "personnel", "--every", every, "--seed", "1"]
    if not FULL:
        args += ["--methods", "trends", "naive", "tempdisagg"]
    code, stdout, err = run_cli("backtest", *args, "-o", out1, capsys=capsys)
    assert code == 0, err
    assert "| trends     | forecast |" in stdout and "| >0.5 |" in stdout
    assert "wrote" in err
    code, _, err = run_cli("backtest", *args, "--jobs", "2", "-o", out2, capsys=capsys)
    assert code == 0, err
    assert out1.read_bytes() == out2.read_bytes()
    rows = pd.read_csv(out1)
    assert list(rows.columns) == list(bt.COLUMNS)
    # as of 2023-03-01 on, every `every` months while 90 days remain (to 2026-08-08);
    # the long target while 365 days remain (to 2025-08-08)
    dates = {6: (7, 5), 12: (4, 3)}[every]
    assert len(rows) == (4 if FULL else 3) * (2 * dates[0] + dates[1])
    fig = tmp_path / "bt.png"
    code, _, err = run_cli("plot", "backtest", out1, "-o", fig, capsys=capsys)
    assert code == 0, err
    assert fig.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    "content, field, message",
    [
        ("date,x\n2021-01-01,1\n", "nope", "no column 'nope'"),
        ("".join(["date,x\n"] + [f"{ORIGIN + dt.timedelta(days=k)},{k}\n" for k in range(200)]),
         "x", "covers 200 days"),
        ("".join(["date,x\n"] + [f"{ORIGIN + dt.timedelta(days=k)},{k}\n" for k in range(600)])
         + "2021-08-24,many\n", "x", "row 602, column 'x': 'many' is not a number"),
    ],
)  # fmt: skip
def test_cli_bad_input_is_one_clear_error(tmp_path, capsys, content, field, message):
    path = tmp_path / "series.csv"
    path.write_text(content)
    out = tmp_path / "bt.csv"
    code, stdout, err = run_cli("backtest", path, "--field", field, "-o", out, capsys=capsys)
    assert code == 1
    assert err.startswith("error: ") and message in err and "series.csv" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not out.exists() and stdout == ""


def test_cli_json_without_the_field(personnel_series_path, tmp_path, capsys):
    out = tmp_path / "bt.csv"
    code, _, err = run_cli(
        "backtest", personnel_series_path, "--field", "personel", "-o", out, capsys=capsys
    )
    assert code == 1 and not out.exists()
    assert "russia_losses_personnel.json: no field 'personel'; the records have: " in err
    assert "personnel" in err.split("have:")[1] and len(err.strip().splitlines()) == 1


def test_cli_usage_errors(tmp_path, capsys, personnel_series_path):
    out = tmp_path / "bt.csv"
    code, _, err = run_cli(
        "backtest", personnel_series_path, "--field", "personnel", "--jobs", "0", "-o", out,
        capsys=capsys,
    )  # fmt: skip
    assert code == 1 and "--jobs must be at least 1" in err
    code, _, err = run_cli(
        "backtest", personnel_series_path, "--field", "personnel", "--methods", "oracle",
        "-o", out, capsys=capsys,
    )  # fmt: skip
    assert code == 1 and "unknown method 'oracle'" in err and not out.exists()
    code, _, _ = run_cli("backtest", personnel_series_path, "-o", out, capsys=capsys)
    assert code == 2  # --field is required


def test_cli_reports_corrections(tmp_path, capsys):
    days = [ORIGIN + dt.timedelta(days=k) for k in range(500)]
    values = [3 * k for k in range(500)]
    values[300] -= 10  # a one-day dip: the source corrected it the next day
    path = tmp_path / "s.csv"
    path.write_text("date,x\n" + "".join(f"{d},{v}\n" for d, v in zip(days, values, strict=True)))
    code, _, err = run_cli(
        "backtest", path, "--field", "x", "--methods", "naive", "-o", tmp_path / "o.csv",
        capsys=capsys,
    )  # fmt: skip
    assert code == 0
    assert "note:" in err and "goes down by 7" in err and str(days[300]) in err


def test_plot_functions_draw_each_method(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    from trends import plot

    rng = np.random.default_rng(4)
    rows = bt.backtest(series_of(rng.poisson(20, 900)), every=6, methods=("naive", "tempdisagg"))
    ax = plot.plot_backtest_series(rows)
    assert {a.get_gid() for a in ax.lines} >= {"series-pinball:naive", "series-pinball:tempdisagg"}
    ax = plot.plot_backtest_pit(rows)
    gids = {p.get_gid() for p in ax.patches} | {a.get_gid() for a in ax.lines}
    assert {"pit:naive", "pit:tempdisagg", "calibrated"} <= gids
    with pytest.raises(DataError, match="lacks column"):
        plot.plot_backtest_pit(rows.drop(columns="q95"))


def test_analysis_script_writes_its_tables(tmp_path, capsys):
    sys.path.insert(0, str(bt_corpus_path().parents[1]))
    from analysis import backtest as script

    code = script.main(
        ["--series", "naval ship", "US", "--every", "12", "--methods", "naive", "tempdisagg",
         "--jobs", "1", "--out", str(tmp_path)]
    )  # fmt: skip
    assert code == 0
    text = (tmp_path / "backtest_tables.md").read_text()
    assert "#### All series" in text and "#### Per series: nowcast" in text
    assert "naval ship" in text
    assert (tmp_path / "backtest.png").stat().st_size > 10_000
    assert "s wall" in capsys.readouterr().out


def test_progress_bar_only_on_a_terminal_and_after_two_seconds(monkeypatch, capsys):
    import time

    assert cli._progress_bar() is None  # captured stderr is not a terminal
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    now = [100.0]
    monkeypatch.setattr(time, "perf_counter", lambda: now[0])
    show = cli._progress_bar()
    show(1, 4)  # at once: nothing
    assert capsys.readouterr().err == ""
    now[0] += 3.0
    show(2, 4)
    show(4, 4)
    err = capsys.readouterr().err
    assert "2/4 cases" in err and err.endswith("4/4 cases, 3 s, 0 s left \n")
    assert "[###############...............]" in err
