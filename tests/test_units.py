"""Property tests for trends.units: periods, windows, rate <-> total, hedges.

Each property is a plain function ``check_xxx(...)`` that raises AssertionError when
it does not hold. Hypothesis drives every check over generated values; the mutation
tests at the end apply deliberately broken conversions (a 30-day month, a total that
drops a day, a hedge on the wrong side of its value, ...) and show that the checks
catch each of them on a few fixed witnesses. Calls go through the module
(``u.rate_to_total``) so that a monkeypatched function is the one tested.

``Fraction`` inputs must satisfy the properties exactly; floats to 1e-9 relative.
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
import math
from fractions import Fraction
from types import MappingProxyType

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import (
    DAY,
    adjacent_windows,
    calendar_months,
    dates,
    fixed_periods,
    floats,
    fractions,
    month_window,
    non_calendar_windows,
    periods,
    qualifiers,
    scales,
    values,
    windows,
    years,
)

from trends import units as u

D = dt.date
#: The mean Gregorian year, stated here independently of trends.units.
YEAR = Fraction(365 * 400 + 97, 400)
MONTHS_IN = {"month": 1, "quarter": 3, "year": 12}
LENGTHS = {
    "day": (1, 1),
    "week": (7, 7),
    "month": (28, 31),
    "quarter": (89, 92),
    "year": (365, 366),
}


def _same(got, want) -> None:
    """Exactly equal for Fractions (and ints), within 1e-9 relative for floats."""
    if isinstance(got, Fraction | int) and isinstance(want, Fraction | int):
        assert got == want, f"{got} != {want}"
    else:
        assert math.isclose(got, want, rel_tol=1e-9), f"{got!r} != {want!r}"


# ---------------------------------------------------------------------------------
# The properties
# ---------------------------------------------------------------------------------


def check_rate_total_round_trip(value, per, start, end) -> None:
    """rate -> total -> rate and total -> rate -> total give back the value."""
    total = u.rate_to_total(value, per, start, end)
    _same(u.total_to_rate(total, per, start, end), value)
    rate = u.total_to_rate(value, per, start, end)
    _same(u.rate_to_total(rate, per, start, end), value)


def check_convert_round_trip(value, per_a, per_b) -> None:
    """per A -> per B -> per A gives back the value."""
    _same(u.convert_rate(u.convert_rate(value, per_a, per_b), per_b, per_a), value)


def check_convert_composition(value, per_a, per_b, per_c) -> None:
    """convert(A -> B -> C) == convert(A -> C)."""
    two_steps = u.convert_rate(u.convert_rate(value, per_a, per_b), per_b, per_c)
    _same(two_steps, u.convert_rate(value, per_a, per_c))


def check_convert_agrees_with_totals(value, per_a, per_b, start, end) -> None:
    """Over a window that is no calendar period, converting a rate first changes nothing;
    and converting to per day is the daily rate."""
    converted = u.convert_rate(value, per_a, per_b)
    _same(u.rate_to_total(converted, per_b, start, end), u.rate_to_total(value, per_a, start, end))
    _same(u.convert_rate(value, per_a, "day"), u.per_day(value, per_a))


def check_additivity(value, per, a, b, c) -> None:
    """The total over a..b plus the total over b+1..c is the total over a..c."""
    left = u.rate_to_total(value, per, a, b)
    right = u.rate_to_total(value, per, b + DAY, c)
    _same(left + right, u.rate_to_total(value, per, a, c))


def check_scale(value, k, per, start, end) -> None:
    """k * value -> k * total, and k * total -> k * rate."""
    _same(u.rate_to_total(k * value, per, start, end), k * u.rate_to_total(value, per, start, end))
    _same(u.total_to_rate(k * value, per, start, end), k * u.total_to_rate(value, per, start, end))


def check_monotone_in_value(v1, v2, per, start, end) -> None:
    """A larger rate gives a larger total (strictly for Fractions)."""
    lo, hi = sorted((v1, v2))
    t_lo, t_hi = u.rate_to_total(lo, per, start, end), u.rate_to_total(hi, per, start, end)
    exact = isinstance(lo, Fraction) and isinstance(hi, Fraction)
    assert t_lo < t_hi if exact and lo < hi else t_lo <= t_hi, (lo, hi, t_lo, t_hi)


def check_monotone_in_length(value, per, start, end1, end2) -> None:
    """Over windows that are no calendar period, a longer window has a larger total."""
    assert end1 < end2
    t1 = u.rate_to_total(value, per, start, end1)
    t2 = u.rate_to_total(value, per, start, end2)
    assert t1 < t2, (start, end1, end2, t1, t2)


HEDGE_RULES = {
    "nearly": "below",
    "almost": "below",
    "over": "above",
    "more_than": "above",
    "at_least": "above",
    "up_to": "ceiling",
    "as_many_as": "ceiling",
    "fewer_than": "ceiling",
    "less_than": "ceiling",
    "about": "around",
    "approximately": "around",
    "around": "around",
    "roughly": "around",
    "": "around",
    "exact": "exact",
}


def check_hedge(qualifier, value) -> None:
    """The range of a hedge word bounds the value the way the word says."""
    low, high = u.hedge_range(value, qualifier)
    assert 0 < low <= high, (qualifier, low, high)
    rule = HEDGE_RULES[qualifier]
    if rule == "below":  # nearly X: just under X
        assert high == value and low < value, (qualifier, low, value, high)
    elif rule == "above":  # over X: X and above
        assert low == value < high, (qualifier, low, value, high)
    elif rule == "ceiling":  # up to X, fewer than X: at most X
        assert high == value and low < value, (qualifier, low, value, high)
    elif rule == "around":  # about X: either side
        assert low < value < high, (qualifier, low, value, high)
    else:
        assert low == high == value, (qualifier, low, value, high)


def check_calendar_month(value, year, month) -> None:
    """A per-month figure over exactly one calendar month totals exactly the figure;
    other periods over that month use their mean lengths."""
    start, end = month_window(year, month)
    days = end.day
    _same(u.rate_to_total(value, "month", start, end), value)
    _same(u.per_day(value, "month", start, end), value / Fraction(days))
    _same(u.rate_to_total(value, "year", start, end), value * (days / YEAR))
    _same(u.rate_to_total(value, "quarter", start, end), value * (days / (YEAR / 4)))
    _same(u.rate_to_total(value, "week", start, end), value * Fraction(days, 7))


def check_february_march(value, year) -> None:
    """February vs March: each totals a per-month figure exactly; one daily rate sums to
    less over February; the same per-month figure is a higher daily rate in February."""
    feb, mar = month_window(year, 2), month_window(year, 3)
    _same(u.rate_to_total(value, "month", *feb), value)
    _same(u.rate_to_total(value, "month", *mar), value)
    daily = u.convert_rate(value, "month", "day")  # a mean-length monthly rate, per day
    assert u.rate_to_total(daily, "day", *feb) < u.rate_to_total(daily, "day", *mar)
    assert u.per_day(value, "month", *feb) > u.per_day(value, "month", *mar)


def check_month_year_agree(value, start, end) -> None:
    """Over a window that is not one calendar month or year, X per month == 12X per year."""
    _same(
        u.rate_to_total(value, "month", start, end), u.rate_to_total(12 * value, "year", start, end)
    )


def check_calendar_year(value, year) -> None:
    """A per-year figure over exactly one calendar year totals exactly the figure; a
    per-month figure over it uses the mean month."""
    start, end = D(year, 1, 1), D(year, 12, 31)
    days = 366 if calendar.isleap(year) else 365
    _same(u.rate_to_total(value, "year", start, end), value)
    _same(u.period_days("year", start, end), Fraction(days))
    _same(u.rate_to_total(value, "month", start, end), value * (days / (YEAR / 12)))


def check_gregorian_cycle(value, start) -> None:
    """400 Gregorian years (146,097 days) hold exactly 400 mean years, 4,800 mean months."""
    end = start + (146097 - 1) * DAY
    _same(u.rate_to_total(value, "year", start, end), 400 * value)
    _same(u.rate_to_total(value, "quarter", start, end), 1600 * value)
    _same(u.rate_to_total(value, "month", start, end), 4800 * value)


def check_period_window(per, end) -> None:
    """One period ending on ``end``: right length, counted on the calendar."""
    start, stop = u.period_window(per, end)
    assert stop == end
    n = (end - start).days + 1
    lo, hi = LENGTHS[per]
    assert lo <= n <= hi, (per, end, start, n)
    if per not in MONTHS_IN:
        return
    after = end + DAY  # the window is [same day k months before `after`, `after`)
    months_back = (after.year * 12 + after.month) - (start.year * 12 + start.month)
    assert months_back == MONTHS_IN[per], (per, end, start)
    assert start.day == min(after.day, calendar.monthrange(start.year, start.month)[1])
    if after.day == 1:  # ends on a month's last day: starts on a month's first day
        assert start.day == 1
        aligned = per == "month" or (per == "quarter" and after.month in (1, 4, 7, 10))
        aligned = aligned or (per == "year" and after.month == 1)
        if aligned:  # one calendar period: a per-`per` figure totals itself
            assert u.is_calendar_period(per, start, end)
            _same(u.rate_to_total(Fraction(7), per, start, end), Fraction(7))


# ---------------------------------------------------------------------------------
# Hypothesis drives the checks
# ---------------------------------------------------------------------------------


@given(values, periods, windows())
def test_rate_total_round_trip(value, per, window):
    check_rate_total_round_trip(value, per, *window)


@given(values, periods, periods)
def test_convert_round_trip(value, per_a, per_b):
    check_convert_round_trip(value, per_a, per_b)


@given(values, periods, periods, periods)
def test_convert_composition(value, per_a, per_b, per_c):
    check_convert_composition(value, per_a, per_b, per_c)


@given(values, periods, periods, non_calendar_windows())
def test_convert_agrees_with_totals(value, per_a, per_b, window):
    check_convert_agrees_with_totals(value, per_a, per_b, *window)


@given(values, periods, adjacent_windows(calendar_free=True))
def test_additivity_calendar_free_windows(value, per, abc):
    check_additivity(value, per, *abc)


@given(values, fixed_periods, adjacent_windows())
def test_additivity_per_day_and_week_any_windows(value, per, abc):
    check_additivity(value, per, *abc)


@given(values, scales, periods, windows())
def test_scale_equivariance(value, k, per, window):
    check_scale(value, k, per, *window)


@given(fractions, fractions, periods, windows())
def test_monotone_in_value_exact(v1, v2, per, window):
    check_monotone_in_value(v1, v2, per, *window)


@given(floats, floats, periods, windows())
def test_monotone_in_value_floats(v1, v2, per, window):
    check_monotone_in_value(v1, v2, per, *window)


@given(values, periods, non_calendar_windows(), st.integers(1, 1500))
def test_monotone_in_length(value, per, window, extra):
    start, end1 = window
    check_monotone_in_length(value, per, start, end1, end1 + extra * DAY)


@given(values, fixed_periods, windows(), st.integers(1, 1500))
def test_monotone_in_length_per_day_and_week(value, per, window, extra):
    start, end1 = window
    check_monotone_in_length(value, per, start, end1, end1 + extra * DAY)


@given(qualifiers, values)
def test_hedge_ranges(qualifier, value):
    check_hedge(qualifier, value)


def test_hedge_rules_cover_every_qualifier():
    assert set(HEDGE_RULES) == {"", *u.QUALIFIERS} == set(u.HEDGES)


@given(values, calendar_months())
def test_calendar_month(value, year_month):
    check_calendar_month(value, *year_month)


@given(values, years)
def test_february_march(value, year):
    check_february_march(value, year)


def test_february_march_2024():
    for value in (Fraction(30000), 30000.0):
        check_february_march(value, 2024)
        check_calendar_month(value, 2024, 2)
        check_calendar_month(value, 2024, 3)


@st.composite
def _calendar_quarters(draw):
    year, q = draw(years), draw(st.integers(0, 3))
    start = D(year, 3 * q + 1, 1)
    return start, u.add_months(start, 3) - DAY


@given(values, st.one_of(non_calendar_windows(), _calendar_quarters()))
def test_month_year_agree(value, window):
    check_month_year_agree(value, *window)


@given(values, years)
def test_calendar_year(value, year):
    check_calendar_year(value, year)


def test_calendar_years_2023_2024():
    for year in (2023, 2024):
        check_calendar_year(Fraction(400000), year)
        check_calendar_year(400000.0, year)


@given(values, dates)
def test_gregorian_cycle(value, start):
    check_gregorian_cycle(value, start)


@given(periods, dates)
def test_period_window(per, end):
    check_period_window(per, end)


@pytest.mark.parametrize(
    ("per", "end", "start"),
    [
        ("day", D(2024, 10, 31), D(2024, 10, 31)),
        ("week", D(2025, 9, 15), D(2025, 9, 9)),
        ("month", D(2024, 10, 31), D(2024, 10, 1)),
        ("month", D(2024, 10, 28), D(2024, 9, 29)),
        ("month", D(2024, 2, 29), D(2024, 2, 1)),
        ("month", D(2023, 3, 30), D(2023, 2, 28)),
        ("quarter", D(2024, 12, 31), D(2024, 10, 1)),
        ("quarter", D(2024, 11, 30), D(2024, 9, 1)),
        ("year", D(2024, 12, 31), D(2024, 1, 1)),
        ("year", D(2025, 9, 15), D(2024, 9, 16)),
    ],
)
def test_period_window_examples(per, end, start):
    assert u.period_window(per, end) == (start, end)


def test_calendar_exactness_makes_totals_jump_at_month_boundaries():
    """Known consequence of the format's calendar rule (not a property): 30,000 per
    month over 1..29 Feb 2024 totals 30,000, over 1 Feb..1 Mar (one day more) less."""
    x = Fraction(30000)
    feb = u.rate_to_total(x, "month", D(2024, 2, 1), D(2024, 2, 29))
    longer = u.rate_to_total(x, "month", D(2024, 2, 1), D(2024, 3, 1))
    assert feb == x
    assert longer == x * 30 / (YEAR / 12) < feb


def test_errors_name_the_problem():
    with pytest.raises(ValueError, match="before it starts"):
        u.window_days(D(2024, 1, 2), D(2024, 1, 1))
    with pytest.raises(ValueError, match="unknown period 'fortnight'"):
        u.rate_to_total(1.0, "fortnight", D(2024, 1, 1), D(2024, 1, 2))
    with pytest.raises(ValueError, match="unknown qualifier 'circa'"):
        u.hedge_range(1.0, "circa")


def test_add_months_clamps_to_month_end():
    assert u.add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert u.add_months(D(2023, 1, 31), 1) == D(2023, 2, 28)
    assert u.add_months(D(2024, 3, 31), -13) == D(2023, 2, 28)


# ---------------------------------------------------------------------------------
# Mutation check: every property fails against some broken conversion
# ---------------------------------------------------------------------------------

_VALUES = (Fraction(30000), Fraction(1, 3), 8000.0)
_WINDOWS = (
    month_window(2024, 2),  # one calendar month (February of a leap year)
    month_window(2023, 2),
    (D(2024, 1, 15), D(2024, 3, 3)),  # 49 days, no calendar period
    (D(2024, 6, 6), D(2024, 6, 6)),  # one day
    (D(2023, 1, 1), D(2023, 12, 31)),  # one calendar year
    (D(2023, 5, 17), D(2025, 9, 15)),  # long
)
_PLAIN_WINDOWS = [w for w in _WINDOWS if w[0].day != 1]
_P = u.PERIODS


def _adjacent():
    a = D(2024, 1, 15)
    for n1, n2 in itertools.product((1, 10, 61), (1, 45, 400)):
        b = a + (n1 - 1) * DAY
        c = b + n2 * DAY
        yield a, b, c + DAY if (c + DAY).day == 1 else c


WITNESSES = {
    check_rate_total_round_trip: [(v, p, *w) for v in _VALUES for p in _P for w in _WINDOWS],
    check_convert_round_trip: list(itertools.product(_VALUES, _P, _P)),
    check_convert_composition: list(itertools.product(_VALUES, _P, _P, _P)),
    check_convert_agrees_with_totals: [
        (v, a, b, *w) for v in _VALUES for a in _P for b in _P for w in _PLAIN_WINDOWS
    ],
    check_additivity: [(v, p, *abc) for v in _VALUES for p in _P for abc in _adjacent()],
    check_scale: [
        (v, k, p, *w)
        for v in _VALUES
        for k in (Fraction(3), Fraction(1, 7), Fraction(12))
        for p in _P
        for w in _WINDOWS
    ],
    check_monotone_in_value: [
        (lo, hi, p, *w)
        for lo, hi in ((Fraction(1), Fraction(2)), (Fraction(1000), Fraction(30000)), (10.0, 20.0))
        for p in _P
        for w in _WINDOWS
    ],
    check_monotone_in_length: [
        (v, p, D(2024, 1, 15), D(2024, 1, 15) + n1 * DAY, D(2024, 1, 15) + n2 * DAY)
        for v in _VALUES
        for p in _P
        for n1, n2 in ((0, 20), (20, 40), (40, 400), (400, 1000))
    ],
    check_hedge: list(itertools.product(HEDGE_RULES, _VALUES)),
    check_calendar_month: [
        (v, y, m) for v in _VALUES for y, m in ((2024, 2), (2023, 2), (2024, 3), (2023, 12))
    ],
    check_february_march: list(itertools.product(_VALUES, (2023, 2024, 2100))),
    check_month_year_agree: [
        (v, *w)
        for v in _VALUES
        for w in (*_PLAIN_WINDOWS, (D(2024, 4, 1), D(2024, 6, 30)), (D(2024, 1, 2), D(2025, 1, 1)))
    ],
    check_calendar_year: list(itertools.product(_VALUES, (2023, 2024))),
    check_gregorian_cycle: list(
        itertools.product(_VALUES, (D(2024, 1, 15), D(2000, 1, 1), D(1999, 3, 1)))
    ),
    check_period_window: list(
        itertools.product(
            _P,
            (
                D(2024, 10, 31),
                D(2024, 10, 28),
                D(2024, 2, 29),
                D(2023, 3, 28),
                D(2024, 12, 31),
                D(2025, 9, 15),
                D(2024, 6, 30),
            ),
        )
    ),
}
CHECKS = list(WITNESSES)


def _fails(check) -> bool:
    """True when ``check`` raises AssertionError on one of its witnesses."""
    for args in WITNESSES[check]:
        try:
            check(*args)
        except AssertionError:
            return True
    return False


# Broken versions of the conversions. Each takes pytest's monkeypatch.


def _mean_lengths(**days):
    return lambda mp: mp.setattr(
        u, "MEAN_PERIOD_DAYS", MappingProxyType({**u.MEAN_PERIOD_DAYS, **days})
    )


def _rate_to_total(f):
    """A rate_to_total built from ``f(value, days, period_days)``."""

    def rate_to_total(value, per, start, end):
        return f(value, Fraction(u.window_days(start, end)), u.period_days(per, start, end))

    return lambda mp: mp.setattr(u, "rate_to_total", rate_to_total)


def _total_to_rate_mean_only(mp):
    def total_to_rate(total, per, start, end):
        return total * (u.MEAN_PERIOD_DAYS[per] / Fraction(u.window_days(start, end)))

    mp.setattr(u, "total_to_rate", total_to_rate)


def _is_calendar_period(f):
    return lambda mp: mp.setattr(u, "is_calendar_period", f)


def _any_calendar_period(per, start, end):
    """Counts a calendar month, quarter or year as a calendar period of any per."""
    if per in ("day", "week") or start.day != 1:
        return False
    for months in (1, 3, 12):
        if u.add_months(start, months) - DAY == end:
            return (months != 3 or start.month % 3 == 1) and (months != 12 or start.month == 1)
    return False


def _period_window(broken):
    original = u.period_window

    def period_window(per, end):
        return broken.get(per, lambda e: original(per, e))(end)

    return lambda mp: mp.setattr(u, "period_window", period_window)


def _convert_rate(factor):
    original = u.convert_rate

    def convert_rate(value, from_per, to_per):
        f = factor(from_per, to_per)
        return original(value, from_per, to_per) if f is None else value * f

    return lambda mp: mp.setattr(u, "convert_rate", convert_rate)


def _four_weeks(a, b):
    return {("week", "month"): Fraction(4), ("month", "week"): Fraction(1, 4)}.get((a, b))


def _hedge(qualifier, low, high):
    broken = u.Hedge(low, high, "broken")
    return lambda mp: mp.setattr(u, "HEDGES", MappingProxyType({**u.HEDGES, qualifier: broken}))


# name -> (mutation, the properties that must catch it)
MUTATIONS = {
    "month is 30 days": (
        _mean_lengths(month=Fraction(30)),
        {check_month_year_agree, check_gregorian_cycle},
    ),
    "year is 365 days (no leap days)": (
        _mean_lengths(month=Fraction(365, 12), quarter=Fraction(365, 4), year=Fraction(365)),
        {check_gregorian_cycle, check_calendar_month, check_calendar_year},
    ),
    "rate_to_total drops a day (days - 1)": (
        _rate_to_total(lambda v, days, period: v * (days - 1) / period),
        {check_rate_total_round_trip, check_additivity, check_calendar_month, check_calendar_year},
    ),
    "rate_to_total rounds to a whole count": (
        _rate_to_total(lambda v, days, period: round(v * days / period)),
        {check_scale, check_rate_total_round_trip},
    ),
    "rate_to_total caps the window at one period": (
        _rate_to_total(lambda v, days, period: v * min(days, period) / period),
        {check_monotone_in_length, check_additivity},
    ),
    "rate_to_total divides by the value": (
        _rate_to_total(lambda v, days, period: days / period / v),
        {check_monotone_in_value, check_scale},
    ),
    "total_to_rate ignores calendar months": (
        _total_to_rate_mean_only,
        {check_rate_total_round_trip},
    ),
    "no calendar periods (always mean lengths)": (
        _is_calendar_period(lambda per, start, end: False),
        {check_calendar_month, check_february_march, check_calendar_year, check_period_window},
    ),
    "a calendar month counts as a calendar year too": (
        _is_calendar_period(_any_calendar_period),
        {check_calendar_month, check_calendar_year},
    ),
    "month window is the last 30 days": (
        _period_window({"month": lambda end: (end - 29 * DAY, end)}),
        {check_period_window},
    ),
    "week window is 8 days": (
        _period_window({"week": lambda end: (end - 7 * DAY, end)}),
        {check_period_window},
    ),
    "convert_rate: a month is 4 weeks": (
        _convert_rate(_four_weeks),
        {check_convert_composition, check_convert_agrees_with_totals},
    ),
    "convert_rate: ratio upside down": (
        _convert_rate(lambda a, b: u.MEAN_PERIOD_DAYS[a] / u.MEAN_PERIOD_DAYS[b]),
        {check_convert_agrees_with_totals},
    ),
    "convert_rate: float month of 30.44 days": (
        _convert_rate(lambda a, b: 30.44 / 7 if (a, b) == ("week", "month") else None),
        {check_convert_round_trip, check_convert_composition},
    ),
    "hedge: nearly reads as above the value": (_hedge("nearly", 1.02, 1.1), {check_hedge}),
    "hedge: about reads as one-sided": (_hedge("about", 1.0, 1.1), {check_hedge}),
    "hedge: over reaches below the value": (_hedge("over", 0.95, 1.2), {check_hedge}),
    "hedge: as many as reaches above the value": (_hedge("as_many_as", 0.6, 1.2), {check_hedge}),
    "hedge: fewer than has low > high": (_hedge("fewer_than", 1.0, 0.8), {check_hedge}),
    "hedge: exact is fuzzy": (_hedge("exact", 0.99, 1.01), {check_hedge}),
}


def test_witnesses_pass_unmutated():
    for check in CHECKS:
        for args in WITNESSES[check]:
            check(*args)


@pytest.mark.parametrize("name", list(MUTATIONS))
def test_mutation_is_caught(name, monkeypatch):
    mutate, must_fail = MUTATIONS[name]
    mutate(monkeypatch)
    failing = {check for check in CHECKS if _fails(check)}
    missed = sorted(c.__name__ for c in must_fail - failing)
    assert not missed, f"{name}: not caught by {missed}"
    for check in must_fail:
        with pytest.raises(AssertionError):
            for args in WITNESSES[check]:
                check(*args)


def test_every_property_is_seen_to_fail():
    caught = set().union(*(must_fail for _, must_fail in MUTATIONS.values()))
    assert caught == set(CHECKS), sorted(c.__name__ for c in set(CHECKS) - caught)


def mutation_table() -> dict[str, list[str]]:
    """For the record: mutation -> every property that catches it on the witnesses."""
    table = {}
    for name, (mutate, _) in MUTATIONS.items():
        with pytest.MonkeyPatch.context() as mp:
            mutate(mp)
            table[name] = [c.__name__ for c in CHECKS if _fails(c)]
    return table
