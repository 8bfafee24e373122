"""Periods, windows, rate <-> total conversions and the hedge table.

Pure functions, no state. Lengths are exact :class:`fractions.Fraction` numbers of
days, so a conversion applied to a ``Fraction`` value is exact and a conversion
applied to a ``float`` is correctly rounded once.

Conventions
-----------
- A window is a pair of dates, both ends inclusive: ``days = end - start + 1``.
- ``per`` is one of :data:`PERIODS`. A week is 7 days. A month, quarter and year are
  mean Gregorian lengths (365.2425 / 12, / 4 and 365.2425 days), except when the window
  is exactly one calendar month, quarter or year: then the period is that month,
  quarter or year, so "30,000 in October" totals exactly 30,000.
- A rate ``value`` per ``per`` over a window means ``value / period_days(per)`` each
  day on average, so the window total is ``value * days / period_days``.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from types import MappingProxyType
from typing import TypeVar

__all__ = [
    "PERIODS",
    "MEAN_YEAR_DAYS",
    "MEAN_PERIOD_DAYS",
    "QUALIFIERS",
    "HEDGES",
    "Hedge",
    "window_days",
    "period_days",
    "is_calendar_period",
    "period_window",
    "add_months",
    "rate_to_total",
    "total_to_rate",
    "convert_rate",
    "per_day",
    "hedge_range",
    "as_date",
    "date_index",
]

Number = TypeVar("Number", float, Fraction)

PERIODS: tuple[str, ...] = ("day", "week", "month", "quarter", "year")

#: Days in the mean Gregorian year (400-year cycle: 146,097 days).
MEAN_YEAR_DAYS = Fraction(146097, 400)

#: Mean length of each period in days.
MEAN_PERIOD_DAYS: Mapping[str, Fraction] = MappingProxyType(
    {
        "day": Fraction(1),
        "week": Fraction(7),
        "month": MEAN_YEAR_DAYS / 12,
        "quarter": MEAN_YEAR_DAYS / 4,
        "year": MEAN_YEAR_DAYS,
    }
)

_MONTHS_IN = {"month": 1, "quarter": 3, "year": 12}


def _check_per(per: str) -> None:
    if per not in MEAN_PERIOD_DAYS:
        raise ValueError(f"unknown period {per!r}; use one of {', '.join(PERIODS)}")


def window_days(start: dt.date, end: dt.date) -> int:
    """Number of days in the inclusive window ``start..end``.

    Raises
    ------
    ValueError
        If ``end`` is before ``start``.
    """
    n = end.toordinal() - start.toordinal() + 1
    if n < 1:
        raise ValueError(f"window ends ({end}) before it starts ({start})")
    return n


def add_months(d: dt.date, months: int) -> dt.date:
    """``d`` moved by a whole number of calendar months, clamped to the month's end."""
    index = d.year * 12 + (d.month - 1) + months
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return dt.date(year, month0 + 1, min(d.day, last))


def is_calendar_period(per: str, start: dt.date, end: dt.date) -> bool:
    """True when ``start..end`` is exactly one calendar month, quarter or year.

    Quarters are January-March, April-June, July-September, October-December.
    Always False for ``day`` and ``week`` (their length does not vary).
    """
    _check_per(per)
    months = _MONTHS_IN.get(per)
    if months is None or start.day != 1:
        return False
    if per == "quarter" and (start.month - 1) % 3:
        return False
    if per == "year" and start.month != 1:
        return False
    return add_months(start, months) - dt.timedelta(days=1) == end


def period_days(per: str, start: dt.date | None = None, end: dt.date | None = None) -> Fraction:
    """Length in days of one ``per`` period, for a rate stated over ``start..end``.

    Parameters
    ----------
    per : str
        One of :data:`PERIODS`.
    start, end : datetime.date, optional
        The window the rate is stated over. When it is exactly one calendar month,
        quarter or year (see :func:`is_calendar_period`) the period is that calendar
        period; otherwise, or without a window, the mean length.

    Returns
    -------
    Fraction
        Days, exact.
    """
    _check_per(per)
    if start is not None and end is not None and is_calendar_period(per, start, end):
        return Fraction(window_days(start, end))
    return MEAN_PERIOD_DAYS[per]


def period_window(per: str, end: dt.date) -> tuple[dt.date, dt.date]:
    """The window of one ``per`` period ending on ``end`` (inclusive).

    Months, quarters and years are counted on the calendar: one month ending on
    31 October starts on 1 October, one ending on 28 October starts on 29 September.
    """
    _check_per(per)
    if per == "day":
        return end, end
    if per == "week":
        return end - dt.timedelta(days=6), end
    after = end + dt.timedelta(days=1)
    return add_months(after, -_MONTHS_IN[per]), end


def rate_to_total(value: Number, per: str, start: dt.date, end: dt.date) -> Number:
    """Total over ``start..end`` of a rate of ``value`` per ``per``.

    Parameters
    ----------
    value : float or Fraction
        Count per period.
    per : str
        One of :data:`PERIODS`.
    start, end : datetime.date
        Inclusive window.

    Returns
    -------
    float or Fraction
        Count over the window (same type as ``value``).
    """
    return value * (Fraction(window_days(start, end)) / period_days(per, start, end))


def total_to_rate(total: Number, per: str, start: dt.date, end: dt.date) -> Number:
    """Average rate per ``per`` of a ``total`` counted over ``start..end``.

    The inverse of :func:`rate_to_total`.
    """
    return total * (period_days(per, start, end) / Fraction(window_days(start, end)))


def convert_rate(value: Number, from_per: str, to_per: str) -> Number:
    """A rate of ``value`` per ``from_per`` expressed per ``to_per`` (mean lengths)."""
    _check_per(from_per)
    _check_per(to_per)
    return value * (MEAN_PERIOD_DAYS[to_per] / MEAN_PERIOD_DAYS[from_per])


def per_day(
    value: Number, per: str, start: dt.date | None = None, end: dt.date | None = None
) -> Number:
    """Daily rate of ``value`` per ``per`` (over ``start..end`` if given)."""
    return value / period_days(per, start, end)


@dataclass(frozen=True)
class Hedge:
    """What a hedge word says about where the true figure lies.

    Attributes
    ----------
    low, high : float
        Factors on the reported value: the truth is read as lying in
        ``value * low .. value * high`` (taken as a 90% range by the model).
    meaning : str
        The reading, in words.
    """

    low: float
    high: float
    meaning: str


_ABOUT = Hedge(0.9, 1.1, "around the value, within about 10% either way")
# "nearly X", "over X": the figure rounded up or down to a round number, so the truth
# lies within a few percent of it (see docs/methods.md, "The hedge table").
_NEARLY = Hedge(0.95, 1.0, "just below the value, by up to about 5%")
_OVER = Hedge(1.0, 1.05, "above the value, by up to about 5%")
_AT_MOST = Hedge(0.6, 1.0, "at most the value, possibly well below it (a ceiling)")
_UNDER = Hedge(0.8, 1.0, "below the value, by up to about 20%")

#: The hedge table: qualifier -> :class:`Hedge`. The empty qualifier is a round
#: reported number and reads like ``about``. Override per claim with ``low``/``high``
#: in the claims file, or pass another table to :func:`hedge_range`.
HEDGES: Mapping[str, Hedge] = MappingProxyType(
    {
        "": _ABOUT,
        "exact": Hedge(1.0, 1.0, "the value itself"),
        "about": _ABOUT,
        "approximately": _ABOUT,
        "around": _ABOUT,
        "roughly": _ABOUT,
        "nearly": _NEARLY,
        "almost": _NEARLY,
        "over": _OVER,
        "more_than": _OVER,
        "at_least": Hedge(1.0, 1.05, "the value or above, by up to about 5%"),
        "up_to": _AT_MOST,
        "as_many_as": _AT_MOST,
        "fewer_than": _UNDER,
        "less_than": _UNDER,
    }
)

QUALIFIERS: tuple[str, ...] = tuple(q for q in HEDGES if q)


def hedge_range(
    value: Number, qualifier: str = "", table: Mapping[str, Hedge] | None = None
) -> tuple[Number, Number]:
    """The ``(low, high)`` range a hedged figure stands for.

    Parameters
    ----------
    value : float or Fraction
        The reported figure (positive).
    qualifier : str
        A key of the table (``""`` for a bare round number).
    table : mapping, optional
        Qualifier -> :class:`Hedge`; defaults to :data:`HEDGES`.

    Returns
    -------
    (low, high)
        In the unit of ``value``; ``low <= value <= high`` is not guaranteed for every
        word (``nearly X`` has ``high == X``), but ``low <= high`` always is.
    """
    table = HEDGES if table is None else table
    if qualifier not in table:
        raise ValueError(
            f"unknown qualifier {qualifier!r}; use one of {', '.join(q for q in table if q)}"
        )
    h = table[qualifier]
    if isinstance(value, Fraction):
        return value * Fraction(h.low), value * Fraction(h.high)
    return value * h.low, value * h.high


def as_date(d) -> dt.date:
    """A day from a ``date``, ``datetime``, ``pandas.Timestamp``, ``numpy.datetime64`` or
    ISO string."""
    if isinstance(d, dt.datetime):
        return d.date()
    if isinstance(d, dt.date):
        return d
    if hasattr(d, "date"):
        return d.date()
    if hasattr(d, "astype"):  # numpy.datetime64, of any unit
        return d.astype("datetime64[D]").item()
    return dt.date.fromisoformat(str(d))


def date_index(dates, name: str = "date"):
    """A :class:`pandas.DatetimeIndex` of days (any date-likes), named ``name``.

    The index of every table trends returns, so ``table.loc["2025"]`` selects a year
    and ``table.resample("MS")`` works. Consecutive days get the daily frequency.
    """
    import pandas as pd

    days = [as_date(d) for d in dates]
    if days and (days[-1] - days[0]).days == len(days) - 1 and days == sorted(days):
        return pd.date_range(days[0], periods=len(days), freq="D", name=name)
    return pd.DatetimeIndex(days, name=name)
