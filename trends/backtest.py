"""Backtests: how well do a few news-like reports of a known daily series predict it?

A backtest takes a daily cumulative series whose every day is known and, as of many
dates, plays the news: it draws 4-10 reports of the kinds news prints from the year
before the as-of date (weekly and monthly rates, "since 1 January" and "since the
series began" totals, rounded to 2-3 significant figures, "about" unless the figure is
exact), hands the same reports to each method, and scores each method's quantiles of
three window totals against the truth:

- ``forecast``: the 90 days after the as-of date;
- ``nowcast``: a 60-day window in the year before the as-of date that no rate report
  covers (only the cumulative totals span it);
- ``long``: the 365 days after the as-of date.

Methods: ``trends`` (``trends:<model>`` for any variant of :data:`trends.model.MODELS`)
and three baselines, each given the hedge reading ``trends`` gets
(:func:`trends.observe.observe`):

- ``naive``: the latest report's daily rate times the window's days, with the report's
  own hedge range as its spread;
- ``ucm``: statsmodels ``UnobservedComponents`` (local level) on the log daily rates,
  one observation per report at its window's midpoint;
- ``tempdisagg``: temporal disaggregation after Fernandez (1981), the random-walk
  member of the Chow & Lin (1971) family, with its GLS prediction interval.

Every random step of a case (one series, one as-of date) takes a generator derived from
``(seed, series name, as-of date)``, and each method its own child of it, so a case
gives the same rows whichever other cases or methods run with it, in whatever order,
on however many workers (joblib processes or a dask.distributed cluster).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import os
import re
import time
import warnings
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .claims import Claim
from .errors import DataError
from .limits import MAX_DAYS, MAX_FILE_BYTES
from .model import MODELS, QUANTILES, qcol
from .observe import observe
from .rng import as_generator
from .units import add_months, period_window, total_to_rate

__all__ = [
    "QUANTILE_LEVELS",
    "TARGETS",
    "METHODS",
    "BASELINES",
    "COLUMNS",
    "CATASTROPHIC",
    "Series",
    "load_series",
    "read_corpus",
    "as_of_dates",
    "case_seed",
    "draw_reports",
    "target_windows",
    "estimate",
    "fernandez",
    "Case",
    "run_case",
    "backtest",
    "summarise",
    "format_summary",
    "round_sig",
    "pinball",
    "relative_pinball",
    "interval_hits",
    "pit_bin",
    "pit",
    "binom_se",
]

#: The quantile levels scored (those of :data:`trends.model.QUANTILES`).
QUANTILE_LEVELS: tuple[float, ...] = QUANTILES
#: Target name -> window length in days.
TARGETS: dict[str, int] = {"forecast": 90, "nowcast": 60, "long": 365}
#: The baselines (see the module docstring for their forms).
BASELINES: tuple[str, ...] = ("naive", "ucm", "tempdisagg")
#: Every method a backtest runs by default.
METHODS: tuple[str, ...] = ("trends", *BASELINES)
#: Columns of the score rows, in order.
COLUMNS: tuple[str, ...] = (
    "series", "method", "target", "as_of", "start", "end", "truth",
    "q05", "q25", "q50", "q75", "q95", "mean",
    "pinball", "cover50", "cover90", "ape", "fit_s",
)  # fmt: skip
#: A relative pinball loss above this is a catastrophic miss.
CATASTROPHIC = 0.5
#: Report kinds and how often each is drawn.
REPORT_KINDS: dict[str, float] = {"week": 0.3, "month": 0.3, "since_jan": 0.2, "since_start": 0.2}
_RATE_KINDS = ("week", "month")
#: A reporter prints "X a week" (a month, since 1 January) only when such a window
#: holds at least this many events at the year's average daily count: nobody writes
#: "1 aircraft a week". Choosing by the count the window happens to hold would report
#: only the weeks with an event, and overstate small rates.
REPORT_MIN_EVENTS = 5.0
_QUANTITY = "series"
_UCM_DRAWS = 300


# ---- series -----------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Series:
    """A daily count series, every day known, from ``origin``.

    Attributes
    ----------
    name : str
        Names the series in score rows and seeds its cases.
    origin : datetime.date
        Day 0: the first day counted.
    daily : numpy.ndarray
        Shape (n_days,): the count of each day, >= 0 (not necessarily whole: a count
        spread over a gap or over the days before the first record is fractional).
    corrections : tuple of (datetime.date, float)
        Days the cumulative figure went down, and by how much.
    gaps : tuple of (datetime.date, datetime.date)
        Runs of days with no figure (inclusive), filled by linear interpolation.
    source : str
        The file and field it was read from.
    """

    name: str
    origin: dt.date
    daily: np.ndarray
    corrections: tuple[tuple[dt.date, float], ...] = ()
    gaps: tuple[tuple[dt.date, dt.date], ...] = ()
    source: str = ""

    @property
    def end(self) -> dt.date:
        """The last day of the series."""
        return self.origin + dt.timedelta(days=len(self.daily) - 1)

    @property
    def cum(self) -> np.ndarray:
        """Running total before each day and after the last, shape (n_days + 1,)."""
        return np.concatenate([[0.0], np.cumsum(self.daily)])

    def total(self, start: dt.date, end: dt.date) -> float:
        """The true count over ``start..end`` (inclusive); both inside the series."""
        i, j = (start - self.origin).days, (end - self.origin).days
        if not 0 <= i <= j < len(self.daily):
            raise DataError(
                f"{self.name}: window {start}..{end} is outside the series "
                f"({self.origin}..{self.end})"
            )
        cum = self.cum
        return float(cum[j + 1] - cum[i])

    def notes(self) -> list[str]:
        """What reading the series changed: one line per correction and gap."""
        out = []
        for d, drop in self.corrections:
            out.append(
                f"{self.source or self.name}: the cumulative figure goes down by {drop:,.6g} "
                f"on {d}; read as a correction of the days before it"
            )
        for s, e in self.gaps:
            n = (e - s).days + 1
            out.append(
                f"{self.source or self.name}: no figure for {n} day{'s' if n > 1 else ''} "
                f"{s}..{e}; filled by linear interpolation"
            )
        return out


_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")


def _number(text: str, where: str) -> float | None:
    """A cell as a number; None when empty; a DataError naming ``where`` otherwise."""
    text = text.strip()
    if text == "":
        return None
    if _THOUSANDS.match(text):  # "1,234,567": thousands separators, nothing else
        text = text.replace(",", "")
    try:
        x = float(text)
    except ValueError:
        raise DataError(
            f"{where}: {text!r} is not a number (write the cumulative count as digits)"
        ) from None
    if not math.isfinite(x) or x < 0:
        raise DataError(f"{where}: {text!r} is not a count (it must be finite and >= 0)")
    return x


def _read_json(path: Path, text: str, field: str):
    try:
        records = json.loads(text)
    except json.JSONDecodeError as e:
        raise DataError(f"{path}: not valid JSON (line {e.lineno}: {e.msg})") from None
    except (RecursionError, ValueError) as e:  # nested too deep; an integer of 4,300+ digits
        raise DataError(f"{path}: not a series this reader takes ({type(e).__name__})") from None
    if (
        not isinstance(records, list)
        or not records
        or not all(isinstance(r, dict) for r in records)
    ):
        raise DataError(f"{path}: expected a JSON list of records, each with a 'date' field")
    if not any(field in r for r in records):
        names = sorted({k for r in records for k in r if k not in ("date", "day")})
        raise DataError(f"{path}: no field {field!r}; the records have: {', '.join(names)}")
    dates, values, origin = [], [], None
    for i, r in enumerate(records, start=1):
        try:
            d = dt.date.fromisoformat(str(r["date"]))
        except (KeyError, ValueError):
            raise DataError(f"{path}: record {i}: no valid 'date' (write YYYY-MM-DD)") from None
        if origin is None and "day" in r:
            try:
                origin = d - dt.timedelta(days=int(r["day"]) - 1)
            except (TypeError, ValueError, OverflowError):
                raise DataError(
                    f"{path}: record {i}: 'day' {r['day']!r} is not a whole number"
                ) from None
        v = r.get(field)
        if isinstance(v, bool):
            v = str(v)
        if v is not None and not isinstance(v, int | float):
            v = _number(str(v), f"{path}: record {i}, field {field!r}")
        elif v is not None:
            try:
                v = float(v)
            except OverflowError:  # an integer beyond any float
                v = math.inf
            v = _number(repr(v), f"{path}: record {i}, field {field!r}")
        dates.append(d)
        values.append(v)
    return dates, values, origin


def _read_csv(path: Path, text: str, field: str):
    rows = list(csv.reader(text.splitlines()))
    if not rows or len(rows[0]) < 2:
        raise DataError(f"{path}: expected a CSV with a header: a date column, then one per field")
    header = [h.strip() for h in rows[0]]
    lower = [h.lower() for h in header]
    date_col = lower.index("date") if "date" in lower else 0
    if field not in header:
        fields = [h for k, h in enumerate(header) if k != date_col]
        raise DataError(f"{path}: no column {field!r}; the columns are: {', '.join(fields)}")
    col = header.index(field)
    dates, values = [], []
    for i, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        try:
            d = dt.date.fromisoformat(row[date_col].strip())
        except (IndexError, ValueError):
            raise DataError(
                f"{path}: row {i}, column {header[date_col]!r}: expected a date YYYY-MM-DD"
            ) from None
        cell = row[col] if col < len(row) else ""
        dates.append(d)
        values.append(_number(cell, f"{path}: row {i}, column {field!r}"))
    return dates, values, None


def load_series(
    path: str | os.PathLike, field: str, *, name: str | None = None, min_days: int = 365 + 90
) -> Series:
    """Read one field of a daily cumulative series file as daily counts.

    Parameters
    ----------
    path : path-like
        ``.json``: a list of records, each with a ``date`` and the field (a record may
        lack it: a missing day); an optional ``day`` field (day 1 = the first day
        counted) fixes the origin, and the first value is then spread evenly over the
        days from the origin. Otherwise CSV: a header, a date column (the one named
        ``date`` in any case, else the first), one column per field; an empty cell is a
        missing day. The first value then counts on the first day.
    field : str
        The field (JSON key or CSV column) to read.
    name : str, optional
        The series' name in score rows and seeds (default: ``field``).
    min_days : int
        Fewest days accepted (default: a year of reports plus a 90-day forecast).

    Returns
    -------
    Series
        Corrections (the cumulative figure going down) are read as corrections of the
        days before: the cumulative figure is lowered to the corrected level back to
        the last day it was at or below it, so no day has a negative count and the
        total after the correction is kept. Missing days are filled by linear
        interpolation of the cumulative figure. Both are listed in the result
        (:meth:`Series.notes`).

    Raises
    ------
    DataError
        Naming the file, record or row, and field at fault: no such file or field,
        text in a number column, dates out of order, or a series too short.
    """
    path = Path(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise DataError(
                f"{path}: larger than {MAX_FILE_BYTES:,} bytes; a daily series needs far less"
            )
        text = path.read_text(encoding="utf-8-sig")
    except OSError as e:
        raise DataError(f"{path}: cannot read the series ({e.strerror or e})") from None
    except UnicodeDecodeError:
        raise DataError(f"{path}: not UTF-8 text; save the series as UTF-8") from None
    reader = _read_json if path.suffix.lower() == ".json" else _read_csv
    dates, values, origin = reader(path, text, field)
    for i in range(1, len(dates)):
        if dates[i] <= dates[i - 1]:
            raise DataError(
                f"{path}: {dates[i]} follows {dates[i - 1]}; sort the series by date and "
                "drop duplicate dates"
            )
    known = [(d, v) for d, v in zip(dates, values, strict=True) if v is not None]
    if not known:
        raise DataError(f"{path}: field {field!r} has no values")
    first, last = known[0][0], known[-1][0]
    origin = min(origin, first) if origin is not None else first
    n = (last - origin).days + 1
    if n > MAX_DAYS:
        raise DataError(
            f"{path}: the series spans {n:,} days, more than the limit of {MAX_DAYS:,} "
            "(100 years); cut it to the years to backtest"
        )
    if last > dt.date.max - dt.timedelta(days=2 * 365 + TARGETS["long"]):
        raise DataError(f"{path}: the series reaches {last}, too near the calendar's end")
    if n < min_days:
        raise DataError(
            f"{path}: field {field!r} covers {n} days ({origin}..{last}); a backtest needs "
            f"at least {min_days} (a year of reports before the first as-of date and 90 "
            "days after it)"
        )
    cum = np.full(n, np.nan)
    for d, v in known:
        cum[(d - origin).days] = v
    i0 = (first - origin).days
    # The first figure counts every day from the origin to it.
    cum[:i0] = known[0][1] * np.arange(1, i0 + 1) / (i0 + 1)
    missing = np.flatnonzero(np.isnan(cum))
    gaps = []
    if missing.size:
        idx = np.arange(n)
        ok = ~np.isnan(cum)
        cum = np.interp(idx, idx[ok], cum[ok])
        runs = np.split(missing, np.flatnonzero(np.diff(missing) > 1) + 1)
        gaps = [
            (origin + dt.timedelta(days=int(r[0])), origin + dt.timedelta(days=int(r[-1])))
            for r in runs
        ]
    drops = np.flatnonzero(np.diff(cum) < 0) + 1
    corrections = [(origin + dt.timedelta(days=int(k)), float(cum[k - 1] - cum[k])) for k in drops]
    if drops.size:
        cum = np.minimum.accumulate(cum[::-1])[::-1]
    daily = np.diff(np.concatenate([[0.0], cum]))
    daily = np.maximum(daily, 0.0)  # rounding of the interpolation only
    return Series(
        name=name or field,
        origin=origin,
        daily=daily,
        corrections=tuple(corrections),
        gaps=tuple(gaps),
        source=f"{path} [{field}]",
    )


def read_corpus(path: str | os.PathLike) -> list[Series]:
    """The series a corpus file lists: ``[[series]]`` tables of ``file`` and ``fields``.

    ``file`` is relative to the corpus file; each field becomes a :class:`Series` named
    after the field (names must differ across the corpus).

    Raises
    ------
    DataError
        Naming the corpus file and the entry at fault, or the series file's own error.
    """
    import tomllib

    path = Path(path)
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise DataError(f"{path}: cannot read the corpus ({e.strerror or e})") from None
    except tomllib.TOMLDecodeError as e:
        raise DataError(f"{path}: not valid TOML ({e})") from None
    entries = doc.get("series")
    if not isinstance(entries, list) or not entries:
        raise DataError(f"{path}: expected [[series]] tables with 'file' and 'fields'")
    out: list[Series] = []
    for i, entry in enumerate(entries, start=1):
        file, fields = entry.get("file"), entry.get("fields")
        if not isinstance(file, str) or not isinstance(fields, list) or not fields:
            raise DataError(
                f'{path}: series entry {i} needs file = "..." and fields = ["...", ...]'
            )
        for field in fields:
            out.append(load_series(path.parent / file, str(field)))
    names = [s.name for s in out]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise DataError(f"{path}: series names must differ; repeated: {', '.join(dupes)}")
    return out


def as_of_dates(series: Series, every: int = 2) -> list[dt.date]:
    """First days of every ``every``-th month with a year of series before and 90 days after.

    Raises
    ------
    DataError
        When ``every`` is not positive or no date fits.
    """
    if every < 1:
        raise DataError(f"the step between as-of dates must be at least 1 month, not {every}")
    earliest = series.origin + dt.timedelta(days=365)
    d = earliest.replace(day=1)
    if d < earliest:
        d = add_months(d, 1)
    out = []
    while d + dt.timedelta(days=TARGETS["forecast"]) <= series.end:
        out.append(d)
        d = add_months(d, every)
    if not out:
        raise DataError(
            f"{series.source or series.name}: {series.origin}..{series.end} leaves no as-of "
            "date with a year before it and 90 days after it"
        )
    return out


# ---- the reports --------------------------------------------------------------------------
def case_seed(seed: int, series: str, as_of: dt.date) -> np.random.SeedSequence:
    """The seed of one case: ``(seed, series name, as-of date)``, nothing else."""
    return np.random.SeedSequence([int(seed), zlib.crc32(series.encode()), as_of.toordinal()])


def _child(ss: np.random.SeedSequence, *key: int) -> np.random.Generator:
    """A generator for one use within a case; ``key`` names the use."""
    return np.random.default_rng(np.random.SeedSequence(ss.entropy, spawn_key=key))


def _tag(text: str) -> int:
    return zlib.crc32(text.encode())


def round_sig(x: float, n: int) -> float:
    """``x`` rounded to ``n`` significant figures (half away from zero); 0 stays 0."""
    if x == 0:
        return 0.0
    s = 10.0 ** (math.floor(math.log10(abs(x))) - n + 1)
    return math.copysign(math.floor(abs(x) / s + 0.5) * s, x)


def _report_window(kind: str, end: dt.date, origin: dt.date):
    if kind == "week":
        s, e = period_window("week", end)
        fields = {"kind": "rate", "per": "week"}
    elif kind == "month":
        s, e = period_window("month", end)
        fields = {"kind": "rate", "per": "month"}
    elif kind == "since_jan":
        s, e = dt.date(end.year, 1, 1), end
        if (e - s).days < 14:  # "since 1 January" on 5 January is not news
            return None
        fields = {"kind": "total", "start": s}
    elif kind == "since_start":
        s, e = origin, end
        fields = {"kind": "total", "start": s}
    else:
        raise ValueError(kind)
    if s < origin:
        return None
    return fields, s, e


def draw_reports(series: Series, as_of: dt.date, rng: np.random.Generator) -> list[Claim]:
    """4-10 reports of ``series`` ending (and published) in the year up to ``as_of``.

    Each report takes a kind (:data:`REPORT_KINDS`, drawn by weight among those whose
    window fits in the series and would hold :data:`REPORT_MIN_EVENTS` events at the
    average daily count of the year to the report's end day; "since the series began"
    always qualifies) and gives the true total over the window, expressed in the
    printed unit ("X a week", "X a month", "X since 1 January", "X since the series
    began"), rounded to 2 or 3 significant figures; the hedge word is ``about`` unless
    the rounding left the figure as it was (``exact``). Nothing after ``as_of`` is read.

    Returns
    -------
    list of Claim
        Quantity ``series``; ``notes`` holds the kind. An end date whose drawn window
        holds no event gives no report (a figure of 0 is not news).
    """
    lo = max((as_of - series.origin).days - 364, 0)
    hi = (as_of - series.origin).days
    n = int(rng.integers(4, 11))
    days = np.sort(rng.choice(np.arange(lo, hi + 1), size=min(n, hi - lo + 1), replace=False))
    names = list(REPORT_KINDS)
    p = np.array([REPORT_KINDS[k] for k in names])
    p = p / p.sum()
    claims = []
    for i, k in enumerate(days):
        end = series.origin + dt.timedelta(days=int(k))
        # The year's average daily count: what the reporter knows, not this window's.
        a = max(end - dt.timedelta(days=364), series.origin)
        per_day = series.total(a, end) / ((end - a).days + 1)
        got = None
        for kind in [names[j] for j in rng.choice(len(names), size=len(names), p=p, replace=False)]:
            w = _report_window(kind, end, series.origin)
            if w is None:
                continue
            if kind != "since_start" and per_day * ((w[2] - w[1]).days + 1) < REPORT_MIN_EVENTS:
                continue
            if series.total(w[1], w[2]) > 0:
                got = (kind, *w)
            break
        if got is None:
            continue
        kind, fields, s, e = got
        total = series.total(s, e)
        figure = (
            total if fields["kind"] == "total" else float(total_to_rate(total, fields["per"], s, e))
        )
        value = round_sig(figure, int(rng.integers(2, 4)))
        exact = math.isclose(value, figure, rel_tol=1e-12)
        claims.append(
            Claim(
                id=f"r{i:02d}_{kind}",
                quantity=_QUANTITY,
                value=value if value > 0 else figure,
                end=e,
                qualifier="exact" if exact or value <= 0 else "about",
                published=e,
                notes=kind,
                **fields,
            )
        )
    return claims


def target_windows(
    series: Series, as_of: dt.date, reports: Sequence[Claim], rng: np.random.Generator
) -> dict[str, tuple[dt.date, dt.date]]:
    """The scored windows of one case whose truth the series knows.

    ``nowcast`` is a 60-day window in the year before ``as_of`` that no rate report's
    window touches, drawn at random among those (the least-touched ones if none is
    free); ``forecast`` and ``long`` start the day after ``as_of``.
    """
    n = TARGETS["nowcast"]
    lo = max(as_of - dt.timedelta(days=364), series.origin)
    starts = np.arange(lo.toordinal(), as_of.toordinal() - n + 2)
    covered = np.zeros(as_of.toordinal() - lo.toordinal() + 1, dtype=int)
    for c in reports:
        if c.notes in _RATE_KINDS:
            s, e = c.window
            a, b = max(s.toordinal() - lo.toordinal(), 0), e.toordinal() - lo.toordinal()
            covered[a : b + 1] = 1
    csum = np.concatenate([[0], np.cumsum(covered)])
    touched = csum[n:] - csum[:-n]
    ok = np.flatnonzero(touched == touched.min())
    s = dt.date.fromordinal(int(starts[int(rng.choice(ok))]))
    out = {"forecast": None, "nowcast": (s, s + dt.timedelta(days=n - 1)), "long": None}
    for name in ("forecast", "long"):
        e = as_of + dt.timedelta(days=TARGETS[name])
        if e <= series.end:
            out[name] = (as_of + dt.timedelta(days=1), e)
    return {k: v for k, v in out.items() if v is not None}


# ---- methods ------------------------------------------------------------------------------
Quantiles = dict[float, float]


def _lognormal(centre: float, sd: float) -> tuple[Quantiles, float]:
    from scipy.stats import norm

    q = {a: centre * math.exp(float(norm.ppf(a)) * sd) for a in QUANTILE_LEVELS}
    return q, centre * math.exp(sd * sd / 2)


def _naive(reports, windows, as_of, rng):
    """The latest report's daily rate times the window, spread by its own hedge range.

    Latest by window end (ties: the shortest window, the most recent rate). A report
    "about X" reads X within 10% as a 90% range (:data:`trends.units.HEDGES`), an exact
    one nearly a point; the spread is that range on the log scale, as ``trends`` reads it.
    """
    pick = max(reports, key=lambda c: (c.window[1], -c.days))
    o = observe(pick)
    rate = math.exp(o.log_center) / o.days
    out = {}
    for name, (s, e) in windows.items():
        out[name] = _lognormal(rate * ((e - s).days + 1), o.log_sd)
    return out


def _grid_windows(reports, windows):
    obs = [observe(c) for c in reports]
    g0 = min([o.start for o in obs] + [w[0] for w in windows.values()])
    g1 = max([o.end for o in obs] + [w[1] for w in windows.values()])
    return obs, g0, (g1 - g0).days + 1


def _ucm(reports, windows, as_of, rng):
    """statsmodels local level on the log daily rate; window totals from path draws.

    Each report is one observation: the log of its hedge-centred mean daily rate
    (``observe(c).log_center - log(days)``) on its window's midpoint day (reports on one
    day averaged); other days are missing. Variances by maximum likelihood; joint
    level paths from the simulation smoother, summed as ``exp(level)`` over each window.
    With a single report (nothing to estimate a variance from) it gives :func:`_naive`'s
    answer.
    """
    import statsmodels.api as sm

    if len(reports) < 2:  # no variance to estimate from one figure: naive's answer
        return _naive(reports, windows, as_of, rng)
    obs, g0, T = _grid_windows(reports, windows)
    y_sum, y_n = np.zeros(T), np.zeros(T)
    for o in obs:
        i = (o.start - g0).days + (o.days - 1) // 2
        y_sum[i] += o.log_center - math.log(o.days)
        y_n[i] += 1
    y = np.where(y_n > 0, y_sum / np.maximum(y_n, 1), np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = sm.tsa.UnobservedComponents(y, level="local level")
        res = model.fit(disp=False, maxiter=200)
        model.update(res.params)
        sim = model.simulation_smoother()
        levels = np.empty((_UCM_DRAWS, T))
        for k in range(_UCM_DRAWS):
            sim.simulate(rng=rng)
            levels[k] = sim.simulated_state[0]
    cum = np.concatenate(
        [np.zeros((_UCM_DRAWS, 1)), np.cumsum(np.exp(np.clip(levels, -50, 50)), axis=1)], axis=1
    )
    out = {}
    for name, (s, e) in windows.items():
        d = cum[:, (e - g0).days + 1] - cum[:, (s - g0).days]
        qs = np.quantile(d, QUANTILE_LEVELS)
        out[name] = (dict(zip(QUANTILE_LEVELS, map(float, qs), strict=True)), float(d.mean()))
    return out


def _rw_cov_times(W: np.ndarray) -> np.ndarray:
    """``S @ W`` for the random-walk covariance ``S[t, s] = min(t, s) + 1``, in O(T).

    ``W`` has shape (T, m).
    """
    T = W.shape[0]
    t = np.arange(T, dtype=float)[:, None]
    total = W.sum(axis=0)
    below = np.cumsum(t * W, axis=0)  # sum over s <= t of s * w_s
    above = total - np.cumsum(W, axis=0)  # sum over s > t of w_s
    return total + below + t * above


def fernandez(
    windows: Sequence[tuple[int, int]],
    totals: Sequence[float],
    n_days: int,
    targets: Sequence[tuple[int, int]],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Temporal disaggregation by Fernandez (1981): window totals -> daily values.

    The daily series is ``y = X b + u`` with ``X`` a constant and ``u`` a random walk
    starting at zero (``u_t = u_{t-1} + e_t``, ``Var(e) = s2``), so ``Cov(u) = s2 S``,
    ``S[t, s] = min(t, s) + 1``: the ``rho = 1`` member of the Chow & Lin (1971)
    family, the usual choice when the series is not stationary and too few
    aggregates pin down an autoregressive parameter. With aggregation matrix ``C``
    (one row of ones per window) and ``V = C S C'``, ``b`` is the GLS estimate
    ``(X'C' V^-1 C X)^-1 X'C' V^-1 z`` and the best linear unbiased daily path is
    ``X b + S C' V^-1 (z - C X b)``. Windows may overlap and have any lengths.

    Parameters
    ----------
    windows : sequence of (int, int)
        First and last day (inclusive, 0-based) of each aggregate, shape (n,).
    totals : sequence of float
        The aggregates (counts), shape (n,).
    n_days : int
        Days of the daily grid.
    targets : sequence of (int, int)
        Windows (inclusive days) whose totals are wanted, shape (m,).

    Returns
    -------
    daily : numpy.ndarray
        The disaggregated daily values, shape (n_days,).
    point : numpy.ndarray
        Estimated target totals, shape (m,).
    se : numpy.ndarray
        Their GLS prediction standard errors, shape (m,): ``s2`` times
        ``w'Sw - g'V^-1 g + r'(X'C'V^-1 C X)^-1 r`` under the root, with ``g = C S w``
        and ``r = X'w - X'C'V^-1 g``, and ``s2`` the GLS residual variance on
        ``n - 1`` degrees of freedom.
    dof : int
        ``n - 1``, the degrees of freedom of ``s2``.
    """
    z = np.asarray(totals, dtype=float)
    n = len(z)
    if n < 2:
        raise DataError("temporal disaggregation needs at least two window totals")
    C = np.zeros((n_days, n))
    for k, (a, b) in enumerate(windows):
        C[a : b + 1, k] = 1.0
    W = np.zeros((n_days, len(targets)))
    for k, (a, b) in enumerate(targets):
        W[a : b + 1, k] = 1.0
    SC = _rw_cov_times(C)  # S C', shape (T, n)
    V = C.T @ SC
    X = np.ones((n_days, 1))
    Xl = C.T @ X  # (n, 1)
    Vi_Xl = np.linalg.solve(V, Xl)
    Vi_z = np.linalg.solve(V, z)
    A = Xl.T @ Vi_Xl  # (1, 1)
    b = np.linalg.solve(A, Xl.T @ Vi_z)
    resid = z - Xl @ b
    Vi_r = np.linalg.solve(V, resid)
    daily = (X @ b).ravel() + SC @ Vi_r
    dof = n - 1
    s2 = float(resid @ Vi_r) / dof
    point = W.T @ daily
    SW = _rw_cov_times(W)
    G = C.T @ SW  # (n, m): g for each target
    Vi_G = np.linalg.solve(V, G)
    R = W.T @ X - (Xl.T @ Vi_G).T  # (m, 1)
    var = (
        np.einsum("tm,tm->m", W, SW)
        - np.einsum("nm,nm->m", G, Vi_G)
        + np.einsum("mk,kl,ml->m", R, np.linalg.inv(A), R)
    )
    se = np.sqrt(np.maximum(s2 * var, 0.0))
    return daily, point, se, dof


def _tempdisagg(reports, windows, as_of, rng):
    """Fernandez temporal disaggregation of the hedge-centred report totals (levels).

    Quantiles: the point plus Student-t quantiles (``n - 1`` degrees of freedom) of its
    GLS standard error, floored at zero (a count). With a single report (no degrees of
    freedom) it gives :func:`_naive`'s answer.
    """
    from scipy.stats import t as student

    if len(reports) < 2:  # no degrees of freedom for the GLS variance: naive's answer
        return _naive(reports, windows, as_of, rng)
    obs, g0, T = _grid_windows(reports, windows)
    names = list(windows)
    _, point, se, dof = fernandez(
        [((o.start - g0).days, (o.end - g0).days) for o in obs],
        [math.exp(o.log_center) for o in obs],
        T,
        [((windows[k][0] - g0).days, (windows[k][1] - g0).days) for k in names],
    )
    out = {}
    for k, p, s in zip(names, point, se, strict=True):
        q = {a: max(float(p + student.ppf(a, dof) * s), 0.0) for a in QUANTILE_LEVELS}
        out[k] = (q, max(float(p), 0.0))
    return out


def _trends(variant: str):
    def run(reports, windows, as_of, rng):
        from .model import fit

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            f = fit(
                reports,
                _QUANTITY,
                model=variant,
                as_of_date=as_of,
                start=min(w[0] for w in windows.values()),
                until=max(w[1] for w in windows.values()),
                rng=rng,
            )
            out = {}
            for name, (s, e) in windows.items():
                est = f.total(s, e)
                out[name] = (dict(est.quantiles), est.mean)
        return out

    return run


def _method(name: str) -> Callable:
    if name == "trends":
        return _trends("local_level")
    if name.startswith("trends:"):
        variant = name.split(":", 1)[1]
        if variant not in MODELS:
            raise DataError(
                f"unknown model variant {variant!r} in method {name!r}; use one of "
                + ", ".join(f"trends:{m}" for m in MODELS)
            )
        return _trends(variant)
    baselines = {"naive": _naive, "ucm": _ucm, "tempdisagg": _tempdisagg}
    if name not in baselines:
        raise DataError(
            f"unknown method {name!r}; use trends, trends:<model> "
            f"({', '.join(MODELS)}), or a baseline: {', '.join(BASELINES)}"
        )
    return baselines[name]


def estimate(method: str, reports, windows, as_of: dt.date, rng=None):
    """One method's quantiles and mean of each window total from ``reports``.

    ``windows`` maps target names to inclusive ``(start, end)`` dates; ``rng`` (None,
    a seed or a Generator; None is seed 0) drives the method's draws.

    Returns
    -------
    dict
        Target name -> ``(quantiles, mean)``, quantiles a dict level -> count.
    """
    return _method(method)(reports, windows, as_of, as_generator(rng))


# ---- scores -------------------------------------------------------------------------------
def pinball(quantiles: Quantiles, truth: float) -> float:
    """Quantile (pinball) loss averaged over the levels of ``quantiles``.

    For level ``a`` and forecast ``q``: ``(1{truth < q} - a) * (q - truth)``, in counts.
    """
    return float(np.mean([((truth < q) - a) * (q - truth) for a, q in quantiles.items()]))


def relative_pinball(quantiles: Quantiles, truth: float) -> float:
    """:func:`pinball` divided by the truth (at least 1: a window with no events
    scores its loss in counts)."""
    return pinball(quantiles, truth) / max(truth, 1.0)


def interval_hits(quantiles: Quantiles, truth: float) -> tuple[bool, bool]:
    """Whether ``truth`` lies in the central 50% (q25..q75) and 90% (q05..q95) ranges."""
    in50 = quantiles[0.25] <= truth <= quantiles[0.75]
    in90 = quantiles[0.05] <= truth <= quantiles[0.95]
    return bool(in50), bool(in90)


def pit_bin(row) -> int:
    """Which of the six ranges cut by q05..q95 holds the truth (0: below q05 ... 5).

    A truth equal to a quantile counts below it. Under calibration the six ranges are
    hit with probabilities 0.05, 0.2, 0.25, 0.25, 0.2, 0.05.
    """
    qs = [row[qcol(a)] for a in QUANTILE_LEVELS]
    return int(np.searchsorted(qs, row["truth"], side="left"))


def pit(samples: np.ndarray, truth: float) -> float:
    """Probability integral transform: the share of draws below ``truth`` (ties halved)."""
    samples = np.asarray(samples)
    return float(np.mean(samples < truth) + 0.5 * np.mean(samples == truth))


def binom_se(p: float, n: int) -> float:
    """Binomial standard error of a share ``p`` out of ``n``."""
    return math.sqrt(max(p * (1 - p), 0.0) / n) if n else float("nan")


# ---- cases --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Case:
    """One series at one as-of date, to be run by :func:`run_case`."""

    series: Series
    as_of: dt.date
    seed: int
    methods: tuple[str, ...]
    timings: bool = False


def case_reports(series: Series, as_of: dt.date, seed: int):
    """The reports and the scored windows of one case, as :func:`run_case` draws them.

    Returns
    -------
    (list of Claim, dict)
        :func:`draw_reports` and :func:`target_windows`, from the case's own stream.
    """
    rng = _child(case_seed(seed, series.name, as_of), 0)
    reports = draw_reports(series, as_of, rng)
    return reports, target_windows(series, as_of, reports, rng)


def run_case(case: Case) -> list[dict]:
    """Reports, estimates and scores of one case: one row per method and target.

    Rows carry :data:`COLUMNS`; ``fit_s`` (seconds of the method) is NaN unless
    ``case.timings``: timings differ from run to run, the rest never does. A case with
    no report (nothing counted by the as-of date) gives no rows.
    """
    series, as_of = case.series, case.as_of
    ss = case_seed(case.seed, series.name, as_of)
    reports, windows = case_reports(series, as_of, case.seed)
    truth = {k: series.total(*w) for k, w in windows.items()}
    rows: list[dict] = []
    if not reports:  # nothing counted yet by the as-of date: no news, nothing to score
        return rows
    for method in case.methods:
        func = _method(method)
        t0 = time.perf_counter()
        got = func(reports, windows, as_of, _child(ss, 1, _tag(method)))
        seconds = time.perf_counter() - t0
        for name in TARGETS:
            if name not in windows:
                continue
            q, mean = got[name]
            s, e = windows[name]
            y = truth[name]
            in50, in90 = interval_hits(q, y)
            row = {
                "series": series.name,
                "method": method,
                "target": name,
                "as_of": as_of.isoformat(),
                "start": s.isoformat(),
                "end": e.isoformat(),
                "truth": y,
            }
            row.update({qcol(a): float(q[a]) for a in QUANTILE_LEVELS})
            row.update(
                {
                    "mean": float(mean),
                    "pinball": relative_pinball(q, y),
                    "cover50": int(in50),
                    "cover90": int(in90),
                    "ape": abs(q[0.5] - y) / max(y, 1.0),
                    "fit_s": seconds if case.timings else float("nan"),
                }
            )
            rows.append(row)
    return rows


def _run_cases(cases, jobs, scheduler, progress):
    n = len(cases)
    done = 0

    def tick():
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, n)

    if scheduler is not None:
        try:
            from dask.distributed import Client, as_completed
        except ImportError:
            raise DataError(
                "a dask scheduler needs dask.distributed: pip install -e '.[dask]'"
            ) from None
        try:
            client = scheduler if hasattr(scheduler, "map") else Client(scheduler, timeout="20s")
        except (OSError, TimeoutError) as e:
            raise DataError(f"cannot reach the dask scheduler at {scheduler}: {e}") from None
        try:
            futures = client.map(run_case, cases, pure=False)
            for _ in as_completed(futures):
                tick()
            return client.gather(futures)
        finally:
            if client is not scheduler:
                client.close()
    if jobs <= 1 or n <= 1:
        out = []
        for c in cases:
            out.append(run_case(c))
            tick()
        return out
    from joblib import Parallel, delayed

    out = []
    for rows in Parallel(n_jobs=jobs, return_as="generator")(delayed(run_case)(c) for c in cases):
        out.append(rows)
        tick()
    return out


def backtest(
    series: Series | Sequence[Series],
    *,
    every: int = 2,
    seed: int = 0,
    methods: Sequence[str] = METHODS,
    jobs: int = 1,
    scheduler=None,
    timings: bool = False,
    progress: Callable[[int, int], None] | None = None,
):
    """Backtest every method on every series as of every ``every`` months.

    Parameters
    ----------
    series : Series or sequence of Series
        From :func:`load_series`; names must differ.
    every : int
        Months between as-of dates (:func:`as_of_dates`).
    seed : int
        With the series name and as-of date, seeds each case.
    methods : sequence of str
        ``trends``, ``trends:<model>`` or a baseline (:data:`BASELINES`).
    jobs : int
        Local worker processes (joblib); 1 runs in this process.
    scheduler : str or dask.distributed.Client, optional
        Run the cases on this dask.distributed scheduler (address) instead.
    timings : bool
        Fill ``fit_s``; off by default so a rerun gives identical rows.
    progress : callable, optional
        Called as ``progress(done, total)`` after each case.

    Returns
    -------
    pandas.DataFrame
        One row per series, as-of date, method and target, columns :data:`COLUMNS`,
        in that order whatever ``jobs`` or ``scheduler``.
    """
    import pandas as pd

    many = [series] if isinstance(series, Series) else list(series)
    names = [s.name for s in many]
    if len(set(names)) != len(names):
        raise DataError(f"series names must differ: {', '.join(names)}")
    methods = tuple(dict.fromkeys(methods))
    if not methods:
        raise DataError("name at least one method")
    for m in methods:
        _method(m)  # unknown names fail here, before any work
    if jobs < 1:
        raise DataError(f"jobs must be at least 1, not {jobs}")
    cases = [Case(s, d, int(seed), methods, timings) for s in many for d in as_of_dates(s, every)]
    blocks = _run_cases(cases, jobs, scheduler, progress)
    return pd.DataFrame([r for b in blocks for r in b], columns=list(COLUMNS))


# ---- summaries ----------------------------------------------------------------------------
def summarise(rows, by: Sequence[str] = ("method", "target")):
    """Scores per group: n, mean relative pinball, coverage, median APE, catastrophes.

    Returns
    -------
    pandas.DataFrame
        Index ``by``; columns ``n, pinball`` (mean), ``pinball_median, cover50, se50,
        cover90, se90`` (binomial standard errors), ``mdape`` (median absolute
        percentage error of the median, as a share) and ``catastrophic`` (count of rows
        with pinball > :data:`CATASTROPHIC`).
    """
    import pandas as pd

    out = []
    for key, g in rows.groupby(list(by), sort=False):
        n = len(g)
        c50, c90 = float(g["cover50"].mean()), float(g["cover90"].mean())
        out.append(
            {
                **dict(zip(by, key if isinstance(key, tuple) else (key,), strict=True)),
                "n": n,
                "pinball": float(g["pinball"].mean()),
                "pinball_median": float(g["pinball"].median()),
                "cover50": c50,
                "se50": binom_se(c50, n),
                "cover90": c90,
                "se90": binom_se(c90, n),
                "mdape": float(g["ape"].median()),
                "catastrophic": int((g["pinball"] > CATASTROPHIC).sum()),
            }
        )
    table = pd.DataFrame(out)
    if table.empty:
        return table
    # Groups in the order they first appear (series and methods as run), targets as listed.
    order = {k: {v: i for i, v in enumerate(dict.fromkeys(rows[k]))} for k in by}
    if "target" in order:
        order["target"] = {k: i for i, k in enumerate(TARGETS)}
    keys = list(by)
    table = table.sort_values(keys, key=lambda s: s.map(order[s.name]), kind="stable")
    return table.set_index(keys)


def format_summary(table) -> str:
    """A :func:`summarise` table as Markdown (also plain aligned text).

    Columns: the group keys, ``n``, the mean and median of pinball / truth, the 50% and
    90% coverage with their standard errors, the median APE and the count of
    catastrophic misses (pinball / truth > 0.5).
    """
    if table.empty:  # no case could be scored (e.g. every truth in the windows was zero)
        return "no scored cases"
    keys = list(table.index.names)
    head = [*keys, "n", "pinball/truth", "median", "50% cover", "90% cover", "MdAPE", ">0.5"]
    body = []
    for key, r in table.iterrows():
        key = key if isinstance(key, tuple) else (key,)
        body.append(
            [
                *map(str, key),
                f"{int(r['n'])}",
                f"{r['pinball']:.4g}" if r["pinball"] >= 1000 else f"{r['pinball']:.4f}",
                f"{r['pinball_median']:.4f}",
                f"{r['cover50']:.3f} ± {r['se50']:.3f}",
                f"{r['cover90']:.3f} ± {r['se90']:.3f}",
                f"{100 * r['mdape']:.1f}%",
                f"{int(r['catastrophic'])}",
            ]
        )
    widths = [max(len(h), *(len(b[i]) for b in body)) for i, h in enumerate(head)]
    left = set(range(len(keys)))

    def line(cells):
        return (
            "| "
            + " | ".join(
                c.ljust(w) if i in left else c.rjust(w)
                for i, (c, w) in enumerate(zip(cells, widths, strict=True))
            )
            + " |"
        )

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(head), rule, *map(line, body)])
