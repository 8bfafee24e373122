"""Claims -> observations, normalise, and cumulative series -> claims (trends.observe)."""

from __future__ import annotations

import datetime as dt
import json
import math
from fractions import Fraction

import pandas as pd
import pytest

from trends.claims import Claim, read_claims, write_claims
from trends.errors import DataError
from trends.observe import (
    LOG_SD_FLOOR,
    Z90,
    normalise,
    observations,
    observe,
    read_series,
    series_to_claims,
)
from trends.units import HEDGES, Hedge

D = dt.date
MEAN_MONTH = Fraction(146097, 400 * 12)
LAST_PERSONNEL = 1_456_610  # the series' last value (2026-08-08)


def approx(x):
    return pytest.approx(x, rel=1e-12)


# ---------------------------------------------------------------------------------
# observe(): one claim -> evidence about a window total
# ---------------------------------------------------------------------------------


def test_observe_weekly_rate():
    c = Claim("w", "recruits", "rate", 8000.0, D(2025, 9, 15), per="week", qualifier="nearly")
    o = observe(c)
    assert (o.start, o.end, o.days) == (D(2025, 9, 9), D(2025, 9, 15), 7)
    # "nearly" reads as 0.95..1.0 of the figure (the hedge table)
    assert (o.total_low, o.total_mid, o.total_high) == approx((7600.0, 8000.0, 8000.0))
    assert o.rate_mid == approx(8000 / 7)
    assert o.log_center == approx((math.log(7600) + math.log(8000)) / 2)
    assert o.log_sd == approx((math.log(8000) - math.log(7600)) / (2 * Z90))
    assert (o.claim_id, o.quantity, o.kind) == ("w", "recruits", "rate")


def test_observe_monthly_rate_calendar_month_and_not():
    october = Claim("m", "recruits", "rate", 30000.0, D(2024, 10, 31), per="month")
    o = observe(october)  # one calendar month: totals the figure exactly
    assert (o.start, o.days) == (D(2024, 10, 1), 31)
    assert (o.total_low, o.total_mid, o.total_high) == approx((27000.0, 30000.0, 33000.0))
    spread = Claim(
        "s", "recruits", "rate", 30000.0, D(2024, 3, 3), per="month", start=D(2024, 1, 15)
    )
    o = observe(spread)  # 49 days, mean months
    assert o.days == 49
    assert o.total_mid == approx(float(30000 * 49 / MEAN_MONTH))
    assert o.total_high / o.total_mid == approx(1.1)


def test_observe_total():
    c = Claim(
        "t", "recruits", "total", 300000.0, D(2025, 9, 15), start=D(2025, 1, 1),
        qualifier="approximately",
    )  # fmt: skip
    o = observe(c)
    assert (o.start, o.end, o.days) == (D(2025, 1, 1), D(2025, 9, 15), 258)
    assert (o.total_low, o.total_mid, o.total_high) == approx((270000.0, 300000.0, 330000.0))
    assert o.rate_mid == approx(300000 / 258)


def test_observe_stock_is_a_level_at_end():
    o = observe(Claim("k", "casualties", "stock", 600000.0, D(2024, 10, 15)))
    assert (o.start, o.end, o.days) == (D(2024, 10, 15), D(2024, 10, 15), 1)
    assert (o.total_low, o.total_mid, o.total_high) == approx((540000.0, 600000.0, 660000.0))


def test_observe_explicit_range_overrides_the_hedge():
    c = Claim(
        "r", "recruits", "total", 25000.0, D(2024, 10, 31), start=D(2024, 10, 1),
        qualifier="about", low=20000.0, high=30000.0,
    )  # fmt: skip
    o = observe(c)
    assert (o.total_low, o.total_mid, o.total_high) == (20000.0, 25000.0, 30000.0)
    assert o.log_center == approx(math.log(math.sqrt(20000.0 * 30000.0)))
    only_high = Claim(
        "h", "recruits", "total", 25000.0, D(2024, 10, 31), start=D(2024, 10, 1), high=40000.0
    )
    o = observe(only_high)  # low from the hedge table (round number: 0.9 x)
    assert (o.total_low, o.total_high) == approx((22500.0, 40000.0))


def test_observe_explicit_range_on_a_rate_is_converted():
    c = Claim(
        "rr", "recruits", "rate", 25000.0, D(2024, 3, 3), per="month", start=D(2024, 1, 15),
        low=20000.0, high=30000.0,
    )  # fmt: skip
    o = observe(c)
    factor = float(49 / MEAN_MONTH)
    assert (o.total_low, o.total_mid, o.total_high) == approx(
        (20000 * factor, 25000 * factor, 30000 * factor)
    )


def test_observe_exact_gets_the_floor_spread():
    o = observe(
        Claim("e", "x", "total", 10.0, D(2024, 1, 2), start=D(2024, 1, 1), qualifier="exact")
    )
    assert o.total_low == o.total_high == 10.0 and o.log_sd == LOG_SD_FLOOR


def test_observe_with_another_hedge_table():
    table = {**HEDGES, "about": Hedge(0.5, 2.0, "within a factor of two")}
    c = Claim("a", "x", "total", 100.0, D(2024, 1, 2), start=D(2024, 1, 1), qualifier="about")
    o = observe(c, table)
    assert (o.total_low, o.total_high) == (50.0, 200.0)
    assert o.log_sd == approx(math.log(4) / (2 * Z90))


# ---------------------------------------------------------------------------------
# observations() and normalise(): one row per independent claim
# ---------------------------------------------------------------------------------


def _claims():
    return [
        Claim(
            "weekly", "recruits", "rate", 8000.0, D(2025, 9, 15), per="week",
            qualifier="nearly", published=D(2025, 9, 22), source="Newz", attributed_to="ISW",
        ),
        Claim(
            "weekly_again", "recruits", "rate", 8000.0, D(2025, 9, 15), per="week",
            qualifier="nearly", published=D(2025, 10, 12), derived_from="weekly",
        ),
        Claim(
            "weekly_third", "recruits", "rate", 8000.0, D(2025, 9, 15), per="week",
            published=D(2025, 10, 20), derived_from="weekly_again",
        ),
        Claim(
            "ytd", "recruits", "total", 300000.0, D(2025, 9, 15), start=D(2025, 1, 1),
            qualifier="approximately", published=D(2025, 9, 22),
        ),
        Claim(
            "target", "recruits", "target", 400000.0, D(2023, 12, 31), start=D(2023, 1, 1),
            qualifier="as_many_as",
        ),
        Claim("losses", "casualties", "stock", 600000.0, D(2024, 10, 15), qualifier="about"),
    ]  # fmt: skip


def test_observations_sets_aside_what_is_not_fitted():
    obs, aside = observations(_claims(), "recruits")
    assert [o.claim_id for o in obs] == ["weekly", "ytd"]
    assert aside == {"repeat": ["weekly_again", "weekly_third"], "target": ["target"]}
    obs, aside = observations(_claims(), "recruits", as_of_date=D(2025, 1, 1))
    assert obs == []
    assert aside["after as-of"] == ["weekly", "weekly_again", "weekly_third", "ytd"]


def test_normalise_one_row_per_independent_claim():
    table = normalise(_claims())
    assert isinstance(table, pd.DataFrame)
    assert list(table["id"]) == ["weekly", "ytd", "target", "losses"]
    assert list(table.columns) == [
        "id", "quantity", "kind", "start", "end", "days", "total_low", "total_mid",
        "total_high", "rate_low", "rate_mid", "rate_high", "qualifier", "repeats",
        "source", "attributed_to",
    ]  # fmt: skip
    weekly = table.set_index("id").loc["weekly"]
    assert weekly["repeats"] == "weekly_again weekly_third"
    assert (weekly["start"], weekly["end"], weekly["days"]) == (
        pd.Timestamp("2025-09-09"),
        pd.Timestamp("2025-09-15"),
        7,
    )
    assert weekly["rate_mid"] == approx(8000 / 7)
    assert weekly["rate_low"] == approx(weekly["total_low"] / 7)
    assert (weekly["source"], weekly["attributed_to"]) == ("Newz", "ISW")
    losses = table.set_index("id").loc["losses"]
    assert losses["qualifier"] == "about" and losses["days"] == 1
    assert table.set_index("id").loc["ytd", "repeats"] == ""


def test_normalise_as_of():
    table = normalise(_claims(), as_of_date=D(2025, 10, 15))
    assert list(table["id"]) == ["weekly", "ytd", "target", "losses"]
    assert table.set_index("id").loc["weekly", "repeats"] == "weekly_again"
    assert list(normalise(_claims(), as_of_date=D(2024, 1, 1))["id"]) == ["target"]
    empty = normalise(_claims(), as_of_date=D(2000, 1, 1))
    assert len(empty) == 0 and "total_mid" in empty.columns


def test_normalise_repeat_stands_in_for_a_later_original():
    claims = _claims()
    claims[0] = Claim(
        "weekly", "recruits", "rate", 8000.0, D(2025, 9, 15), per="week", published=D(2025, 11, 1)
    )
    table = normalise(claims, as_of_date=D(2025, 10, 25))
    assert list(table["id"]) == ["weekly_again", "ytd", "target", "losses"]
    assert table.set_index("id").loc["weekly_again", "repeats"] == "weekly_third"


# ---------------------------------------------------------------------------------
# Dense cumulative series
# ---------------------------------------------------------------------------------


def test_read_real_series(personnel_series_path):
    series, origin = read_series(personnel_series_path)
    assert series.name == "personnel" and len(series) == 1626
    assert origin == D(2022, 2, 24)  # day 2 on 2022-02-25
    assert series.index[0] == pd.Timestamp(2022, 2, 25)
    assert series.index[-1] == pd.Timestamp(2026, 8, 8)
    assert isinstance(series.index, pd.DatetimeIndex) and series.index.name == "date"
    assert len(series.loc["2023"]) == 365  # the index takes partial-date lookups
    assert series.iloc[-1] == LAST_PERSONNEL
    assert series.is_monotonic_increasing


def test_real_series_to_claims_adds_up(personnel_series_path, tmp_path):
    series, origin = read_series(personnel_series_path)
    claims = series_to_claims(series, "casualties", origin=origin, document="ua.json")
    assert sum(c.value for c in claims) == LAST_PERSONNEL
    assert claims[0].start == origin and claims[-1].end == D(2026, 8, 8)
    for before, after in zip(claims, claims[1:], strict=False):
        assert after.start == before.end + dt.timedelta(days=1)  # contiguous, no overlap
    assert all(c.kind == "total" and c.qualifier == "exact" and c.value > 0 for c in claims)
    assert sum(c.days for c in claims) == (D(2026, 8, 8) - origin).days + 1
    path = tmp_path / "ua.csv"
    write_claims(claims, path)
    back = read_claims(path)  # valid: no ClaimsFormatError
    assert len(back) == len(claims) and sum(c.value for c in back) == LAST_PERSONNEL
    assert len({c.id for c in back}) == len(back)
    last = back[-1]
    assert last.document == "ua.json" and "1456610 on 2026-08-08" in last.notes


def test_series_without_origin_starts_from_the_first_report(personnel_series_path):
    series, _ = read_series(personnel_series_path)
    claims = series_to_claims(series, "casualties")
    assert claims[0].start == D(2022, 2, 26)
    assert sum(c.value for c in claims) == LAST_PERSONNEL - series.iloc[0]


def test_csv_series_and_zero_increments_merge(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("date,value\n2024-01-01,10\n2024-01-02,10\n2024-01-03,10\n2024-01-05,25\n")
    series, origin = read_series(path)
    assert origin is None and list(series) == [10.0, 10.0, 10.0, 25.0]
    (only,) = series_to_claims(series, "things")
    assert (only.start, only.end, only.value) == (D(2024, 1, 2), D(2024, 1, 5), 15.0)
    claims = series_to_claims(series, "things", origin=D(2023, 12, 30))
    assert [(c.start, c.end, c.value) for c in claims] == [
        (D(2023, 12, 30), D(2024, 1, 1), 10.0),
        (D(2024, 1, 2), D(2024, 1, 5), 15.0),
    ]


def test_decreasing_series_names_the_date(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("date,value\n2024-01-01,10\n2024-01-02,1456610\n2024-01-03,1456609\n")
    series, _ = read_series(path)
    with pytest.raises(DataError, match=r"decreases on 2024-01-03 \(1456610 -> 1456609\)"):
        series_to_claims(series, "things")


def test_flat_series_has_nothing_to_import(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("date,value\n2024-01-01,10\n2024-01-02,10\n")
    with pytest.raises(DataError, match="never increases"):
        series_to_claims(read_series(path)[0], "things")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("s.csv", "date,value\n2024-01-02,1\n2024-01-01,2\n", "record 2 .*not after"),
        ("s.csv", "date,value\n2024-01-01,x\n", "row 2: expected YYYY-MM-DD,number"),
        ("s.json", "[{", "not valid JSON"),
        ("s.json", '{"date": "2024-01-01"}', "expected a JSON list"),
        ("s.json", json.dumps([{"date": "2024-01-01", "a": 1, "b": 2}]), "candidates: a, b"),
        ("s.json", json.dumps([{"date": "2024-01-01", "a": 1}, {"a": 2}]), "record 2 lacks"),
    ],
)
def test_read_series_errors_name_the_place(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(DataError, match=message) as info:
        read_series(path)
    assert str(path) in str(info.value)


def test_read_series_field_and_missing_file(tmp_path):
    path = tmp_path / "s.json"
    path.write_text(json.dumps([{"date": "2024-01-01", "a": 1, "b": 2}]))
    series, origin = read_series(path, field="b")
    assert series.name == "b" and list(series) == [2.0] and origin is None
    with pytest.raises(DataError, match="cannot read the series"):
        read_series(tmp_path / "missing.json")


def test_printed_precision():
    """Figures with 3 significant figures or more and a symmetric word read as rounded
    counts (when asked); coarser ones and directional words keep the hedge."""
    from trends.observe import precision_range, significant_digits

    assert [significant_digits(v) for v in (4080, 4000, 7.5, 1_234_000, 0.05)] == [3, 1, 2, 4, 1]
    assert precision_range(4080) == approx((4075.0, 4085.0))
    fine = Claim("f", "x", "total", 4080.0, D(2024, 1, 7), start=D(2024, 1, 1), qualifier="about")
    coarse = Claim("c", "x", "total", 4000.0, D(2024, 1, 7), start=D(2024, 1, 1), qualifier="about")
    over = Claim("o", "x", "total", 4080.0, D(2024, 1, 7), start=D(2024, 1, 1), qualifier="over")
    o = observe(fine, precision=True)
    assert (o.total_low, o.total_high) == approx((4075.0, 4085.0))
    assert observe(fine).total_low == approx(0.9 * 4080)
    assert observe(coarse, precision=True).total_low == approx(0.9 * 4000)
    assert observe(over, precision=True).total_high == approx(1.05 * 4080)
