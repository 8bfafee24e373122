"""Hypothesis strategies shared by the tests: values, periods, dates and windows.

Windows are ``(start, end)`` pairs of :class:`datetime.date`, both ends inclusive.
Values come as :class:`fractions.Fraction` (for properties that hold exactly) or as
floats in a range where ``0.9 * x < x`` and friends hold in binary arithmetic.
"""

from __future__ import annotations

import calendar
import datetime as dt
from fractions import Fraction

from hypothesis import strategies as st

from trends.units import PERIODS, QUALIFIERS

DAY = dt.timedelta(days=1)
FIRST_YEAR, LAST_YEAR = 1990, 2060

periods = st.sampled_from(PERIODS)
fixed_periods = st.sampled_from(("day", "week"))
calendar_periods = st.sampled_from(("month", "quarter", "year"))
qualifiers = st.sampled_from(("", *QUALIFIERS))
years = st.integers(FIRST_YEAR, LAST_YEAR)
months = st.integers(1, 12)
dates = st.dates(dt.date(FIRST_YEAR, 1, 1), dt.date(LAST_YEAR, 12, 31))

#: Positive exact values, from a thousandth to ten billion.
fractions = st.fractions(
    min_value=Fraction(1, 1000), max_value=Fraction(10**10), max_denominator=10**6
).filter(lambda f: f > 0)

#: Positive floats in a sane range for counts and rates.
floats = st.floats(min_value=1e-3, max_value=1e12, allow_nan=False, allow_infinity=False)

#: Either kind of value.
values = st.one_of(fractions, floats)

#: Positive exact scale factors.
scales = st.fractions(min_value=Fraction(1, 100), max_value=Fraction(1000), max_denominator=1000)


def _last_of_month(d: dt.date) -> bool:
    return (d + DAY).day == 1


@st.composite
def windows(draw, max_days: int = 1500) -> tuple[dt.date, dt.date]:
    """Any inclusive window of 1..``max_days`` days."""
    start = draw(dates)
    days = draw(st.integers(1, max_days))
    return start, start + (days - 1) * DAY


@st.composite
def non_calendar_windows(draw, max_days: int = 1500) -> tuple[dt.date, dt.date]:
    """A window that is not one calendar month, quarter or year: it starts on day 2..28.

    Decided from the start day alone, without asking :mod:`trends.units`.
    """
    start = dt.date(draw(years), draw(months), draw(st.integers(2, 28)))
    days = draw(st.integers(1, max_days))
    return start, start + (days - 1) * DAY


@st.composite
def adjacent_windows(draw, calendar_free: bool = False, max_days: int = 800):
    """``(a, b, c)``: the windows ``a..b`` and ``b+1..c`` and their union ``a..c``.

    With ``calendar_free`` none of the three is one calendar month, quarter or year:
    ``a`` is not the 1st of a month and ``c`` is not the last day of one.
    """
    if calendar_free:
        a = dt.date(draw(years), draw(months), draw(st.integers(2, 28)))
    else:
        a = draw(dates)
    b = a + (draw(st.integers(1, max_days)) - 1) * DAY
    c = b + draw(st.integers(1, max_days)) * DAY
    if calendar_free and _last_of_month(c):
        c += DAY
    return a, b, c


@st.composite
def calendar_months(draw) -> tuple[int, int]:
    """``(year, month)``."""
    return draw(years), draw(months)


def month_window(year: int, month: int) -> tuple[dt.date, dt.date]:
    """First and last day of a calendar month (computed with :mod:`calendar`)."""
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
