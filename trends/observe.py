"""Claims -> observations; a dense cumulative series -> claims.

An :class:`Observation` is what the model sees of one independent claim: the window
(whole days, inclusive) and the total over it, as a range from the hedge table (or the
claim's own ``low``/``high``), read on a log scale as a centre and a spread.

This is the one aggregation operator of trends: a ``total`` is the sum of the daily
rate over its window, a ``rate`` is the mean daily rate over its window times its days
(so also a sum), a ``stock`` is a level at ``end``. The likelihood, the residuals and
the tests all use it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import os
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .claims import Claim, as_of, independent, roots
from .errors import DataError, SeriesWarning
from .limits import MAX_FILE_BYTES
from .units import Hedge, as_date, hedge_range, rate_to_total

__all__ = [
    "Z90",
    "LOG_SD_FLOOR",
    "Observation",
    "observe",
    "observations",
    "normalise",
    "read_series",
    "series_to_claims",
]

#: Standard normal 0.95 quantile: a hedge range is read as a central 90% range.
Z90 = 1.6448536269514722
#: Smallest log-scale spread given to a claim (an ``exact`` figure is still rounded).
LOG_SD_FLOOR = 0.005


@dataclass(frozen=True)
class Observation:
    """One independent claim as evidence about a window total.

    Attributes
    ----------
    claim_id, quantity, kind : str
        From the claim.
    start, end : datetime.date
        Inclusive window.
    days : int
        ``end - start + 1``.
    total_low, total_mid, total_high : float
        Count over the window: the hedge range and the reported figure.
    log_center : float
        Centre of the range on the log scale, ``(log low + log high) / 2``.
    log_sd : float
        Spread on the log scale: the range read as a central 90% interval,
        ``(log high - log low) / (2 * 1.645)``, at least :data:`LOG_SD_FLOOR`.
    """

    claim_id: str
    quantity: str
    kind: str
    start: dt.date
    end: dt.date
    days: int
    total_low: float
    total_mid: float
    total_high: float
    log_center: float
    log_sd: float
    #: Who the figure is from: the claim's ``attributed_to``, else its ``source``.
    source: str = ""

    @property
    def rate_mid(self) -> float:
        """Reported figure as a mean count per day."""
        return self.total_mid / self.days


#: Qualifiers that say "around the value" (symmetric): the ones printed precision can
#: narrow.
ROUNDING_QUALIFIERS = frozenset({"", "about", "approximately", "around", "roughly"})
#: Significant figures from which a printed figure is read as a count rounded to its last
#: digit rather than as an estimate.
PRECISE_DIGITS = 3


def significant_digits(value: float) -> int:
    """Significant figures of a printed number: 4,080 -> 3, 4,000 -> 1, 7.5 -> 2."""
    digits = f"{abs(float(value)):.15g}".split("e")[0].replace(".", "").lstrip("0").rstrip("0")
    return max(len(digits), 1)


def precision_range(value: float) -> tuple[float, float]:
    """The range a figure stands for when read as rounded to its last significant digit."""
    v = abs(float(value))
    unit = 10.0 ** (math.floor(math.log10(v)) - significant_digits(v) + 1)
    return v - 0.5 * unit, v + 0.5 * unit


def observe(
    claim: Claim, hedges: Mapping[str, Hedge] | None = None, precision: bool = False
) -> Observation:
    """The observation a claim makes about the total over its window.

    Parameters
    ----------
    claim : Claim
    hedges : mapping, optional
        Hedge table (defaults to :data:`trends.units.HEDGES`); a claim's own
        ``low``/``high`` override it.
    precision : bool
        Read a figure printed to :data:`PRECISE_DIGITS` significant figures or more
        ("about 1,234,000", "4,080") with a symmetric qualifier as rounded to its last
        digit: the range is the rounding interval, not the hedge's. Coarser figures
        and directional words keep the hedge table.
    """
    start, end = claim.window
    if (
        precision
        and claim.low is None
        and claim.high is None
        and claim.qualifier in ROUNDING_QUALIFIERS
        and significant_digits(claim.value) >= PRECISE_DIGITS
    ):
        low, high = precision_range(claim.value)
    elif claim.low is not None or claim.high is not None:
        h_low, h_high = hedge_range(claim.value, claim.qualifier, hedges)
        low = claim.low if claim.low is not None else min(h_low, claim.value)
        high = claim.high if claim.high is not None else max(h_high, claim.value)
    else:
        low, high = hedge_range(claim.value, claim.qualifier, hedges)
    mid = claim.value
    if claim.kind == "rate":
        assert claim.per is not None
        low, mid, high = (float(rate_to_total(v, claim.per, start, end)) for v in (low, mid, high))
    log_low, log_high = math.log(low), math.log(high)
    return Observation(
        claim_id=claim.id,
        quantity=claim.quantity,
        kind=claim.kind,
        start=start,
        end=end,
        days=claim.days,
        total_low=float(low),
        total_mid=float(mid),
        total_high=float(high),
        log_center=0.5 * (log_low + log_high),
        log_sd=max((log_high - log_low) / (2 * Z90), LOG_SD_FLOOR),
        source=(claim.attributed_to or claim.source or "").strip(),
    )


def observations(
    claims: Iterable[Claim],
    quantity: str,
    *,
    as_of_date: dt.date | None = None,
    hedges: Mapping[str, Hedge] | None = None,
    precision: bool = False,
) -> tuple[list[Observation], dict[str, list[str]]]:
    """Observations of ``quantity`` from independent claims public by ``as_of_date``.

    Returns
    -------
    observations : list of Observation
        From the independent ``rate`` and ``total`` claims.
    set_aside : dict
        Claim ids not fitted, by reason: ``"target"`` (compared against, never
        fitted), ``"stock"`` (levels, used by the projections), ``"repeat"`` (counted
        once through their original), ``"after as-of"``.
    """
    claims = [c for c in claims if c.quantity == quantity]
    public = as_of(claims, as_of_date)
    public_ids = {c.id for c in public}
    chosen = independent(public)
    chosen_ids = {c.id for c in chosen}
    set_aside: dict[str, list[str]] = {
        "after as-of": [c.id for c in claims if c.id not in public_ids],
        "repeat": [c.id for c in public if c.id not in chosen_ids],
        "target": [c.id for c in chosen if c.kind == "target"],
        "stock": [c.id for c in chosen if c.kind == "stock"],
    }
    obs = [observe(c, hedges, precision) for c in chosen if c.kind in ("rate", "total")]
    return obs, {k: v for k, v in set_aside.items() if v}


def normalise(
    claims: Sequence[Claim],
    *,
    as_of_date: dt.date | None = None,
    hedges: Mapping[str, Hedge] | None = None,
):
    """One row per independent claim, every figure as a window total and a daily rate.

    Parameters
    ----------
    claims : sequence of Claim
    as_of_date : date-like, optional
        Keep only claims published on or before it.
    hedges : mapping, optional
        Hedge table.

    Returns
    -------
    pandas.DataFrame
        Columns ``id, quantity, kind, start, end`` (datetime64), ``days, total_low, total_mid,
        total_high, rate_low, rate_mid, rate_high, qualifier, repeats, source,
        attributed_to``; rates are counts per day, ``repeats`` lists the ids of the
        claims that repeat this one (counted once).
    """
    import pandas as pd

    public = as_of(claims, as_of_date)
    root = roots(public)
    rows = []
    for c in independent(public):
        o = observe(c, hedges)
        group = [k for k, r in root.items() if r == root[c.id] and k != c.id]
        rows.append(
            {
                "id": c.id,
                "quantity": c.quantity,
                "kind": c.kind,
                "start": o.start.isoformat(),
                "end": o.end.isoformat(),
                "days": o.days,
                "total_low": o.total_low,
                "total_mid": o.total_mid,
                "total_high": o.total_high,
                "rate_low": o.total_low / o.days,
                "rate_mid": o.total_mid / o.days,
                "rate_high": o.total_high / o.days,
                "qualifier": c.qualifier or "(round)",
                "repeats": " ".join(group),
                "source": c.source,
                "attributed_to": c.attributed_to,
            }
        )
    columns = [
        "id", "quantity", "kind", "start", "end", "days", "total_low", "total_mid",
        "total_high", "rate_low", "rate_mid", "rate_high", "qualifier", "repeats",
        "source", "attributed_to",
    ]  # fmt: skip
    table = pd.DataFrame(rows, columns=columns)
    for col in ("start", "end"):  # datetime64 columns: filter and plot by date
        table[col] = pd.to_datetime(table[col])
    return table


def read_series(path: str | os.PathLike, field: str | None = None):
    """Read a dense cumulative series: a JSON list of records, or a ``date,value`` CSV.

    Parameters
    ----------
    path : path-like
        JSON: a list of objects with a ``date`` and a numeric field (``field``, or the
        only numeric field other than ``day`` present in every record); an optional
        ``day`` field (day 1 = the day counting began, a whole number >= 1) fixes the
        origin. CSV: a header and two columns, date then cumulative value. At most
        :data:`~trends.limits.MAX_FILE_BYTES`.
    field : str, optional
        Which JSON field holds the cumulative count.

    Returns
    -------
    series : pandas.Series
        Cumulative values indexed by a ``DatetimeIndex`` named ``date`` (increasing
        days), all finite.
    origin : datetime.date or None
        The day counting began, when the file says so (a JSON ``day`` field).

    Raises
    ------
    DataError
        Naming the file, record (and its line) and field at fault.

    Warns
    -----
    SeriesWarning
        Listing the lines of records with a null, NaN or infinite value, which are
        skipped.
    """
    import pandas as pd

    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise DataError(
                f"{path}: the series has {size:,} bytes, more than the limit of "
                f"{MAX_FILE_BYTES:,}; cut it to the days you need"
            )
        text = path.read_text(encoding="utf-8-sig")
    except OSError as e:
        raise DataError(f"{path}: cannot read the series ({e.strerror or e})") from None
    except UnicodeDecodeError as e:
        raise DataError(
            f"{path}: not UTF-8 ({e.reason} at byte {e.start:,}); save it as UTF-8"
        ) from None
    dates: list[dt.date] = []
    values: list[float] = []
    lines: list[int] = []
    skipped: list[int] = []
    origin = None
    if path.suffix.lower() == ".json":
        records = _json_records(path, text)
        if not records or not isinstance(records[0][1], dict):
            raise DataError(f"{path}: expected a JSON list of records with a 'date' field")
        first = records[0][1]
        if field is None:
            numeric = [
                k
                for k, v in first.items()
                if k not in ("date", "day") and isinstance(v, int | float)
                and not isinstance(v, bool)
            ]  # fmt: skip
            numeric = [
                k for k in numeric if all(isinstance(r, dict) and k in r for _, r in records)
            ]
            if len(numeric) != 1:
                raise DataError(
                    f"{path}: cannot tell which field holds the cumulative count "
                    f"(candidates: {', '.join(numeric) or 'none'}); pass --field NAME"
                )
            field = numeric[0]
        for i, (line, r) in enumerate(records):
            try:
                if not isinstance(r, dict):
                    raise TypeError
                d = dt.date.fromisoformat(str(r["date"]))
                v = r[field]
                if v is None:
                    skipped.append(line)
                    continue
                if isinstance(v, bool) or not isinstance(v, int | float):
                    raise TypeError
                value = float(v)
            except (KeyError, ValueError, TypeError, OverflowError):
                raise DataError(
                    f"{path}: record {i + 1} lacks a valid 'date' or '{field}' (line {line})"
                ) from None
            if not math.isfinite(value):
                skipped.append(line)
                continue
            dates.append(d)
            values.append(value)
            lines.append(line)
        if "day" in first and dates:
            day = first["day"]
            if isinstance(day, bool) or not isinstance(day, int) or day < 1:
                raise DataError(
                    f"{path}: record 1 (line {records[0][0]}): 'day' must be a whole "
                    f"number, 1 or more (day 1 = the day counting began), got {day!r}"
                )
            try:
                origin = dates[0] - dt.timedelta(days=day - 1) if day - 1 < 10**6 else None
            except OverflowError:
                origin = None
            if origin is None:
                raise DataError(
                    f"{path}: record 1: 'day' {day} puts the start of counting before year 1"
                )
    else:
        try:
            reader = csv.reader(io.StringIO(text, newline=""))
            header = next(reader, None)
            if header is None or len(header) < 2:
                raise DataError(f"{path}: expected a CSV with a header 'date,value'")
            for row in reader:
                i = reader.line_num
                if not row:
                    continue
                try:
                    d = dt.date.fromisoformat(row[0].strip())
                    cell = row[1].replace(",", "").strip()
                    if cell.lower() in ("", "nan", "null", "none", "na"):
                        skipped.append(i)
                        continue
                    value = float(cell)
                except (IndexError, ValueError):
                    raise DataError(f"{path}: row {i}: expected YYYY-MM-DD,number") from None
                if not math.isfinite(value):
                    skipped.append(i)
                    continue
                dates.append(d)
                values.append(value)
                lines.append(i)
        except csv.Error as e:
            raise DataError(f"{path}: not a readable CSV ({e}); check the quoting") from None
    if skipped:
        shown = ", ".join(str(n) for n in skipped[:10]) + (", ..." if len(skipped) > 10 else "")
        warnings.warn(
            f"{path}: {len(skipped)} record(s) with no finite value skipped (line {shown})",
            SeriesWarning,
            stacklevel=2,
        )
    if not dates:
        raise DataError(f"{path}: no record with a date and a finite value")
    for i in range(1, len(dates)):
        if dates[i] <= dates[i - 1]:
            raise DataError(
                f"{path}: record {i + 1} (line {lines[i]}, {dates[i]}) is not after the one "
                f"before ({dates[i - 1]}); sort the series by date and drop duplicates"
            )
    index = pd.DatetimeIndex(dates, name="date")
    return pd.Series(values, index=index, name=field or "value"), origin


def _json_records(path: Path, text: str) -> list[tuple[int, object]]:
    """The items of a top-level JSON list, each with the line it starts on."""
    decoder = json.JSONDecoder()
    ws = " \t\n\r"
    i, n, line, counted = 0, len(text), 1, 0

    def at(pos: int) -> int:
        nonlocal line, counted
        line += text.count("\n", counted, pos)
        counted = pos
        return line

    def bad(pos: int, msg: str) -> DataError:
        return DataError(f"{path}: not valid JSON (line {at(pos)}: {msg})")

    try:
        while i < n and text[i] in ws:
            i += 1
        if i >= n or text[i] != "[":
            try:
                decoder.decode(text)
            except json.JSONDecodeError as e:
                raise DataError(f"{path}: not valid JSON (line {e.lineno}: {e.msg})") from None
            raise DataError(f"{path}: expected a JSON list of records with a 'date' field")
        i += 1
        items: list[tuple[int, object]] = []
        while True:
            while i < n and text[i] in ws:
                i += 1
            if i < n and text[i] == "]" and not items:
                i += 1
                break
            try:
                obj, end = decoder.raw_decode(text, i)
            except json.JSONDecodeError as e:
                raise bad(e.pos, e.msg) from None
            items.append((at(i), obj))
            i = end
            while i < n and text[i] in ws:
                i += 1
            if i < n and text[i] == ",":
                i += 1
                continue
            if i < n and text[i] == "]":
                i += 1
                break
            raise bad(i, "expected ',' or ']'")
        while i < n and text[i] in ws:
            i += 1
        if i < n:
            raise bad(i, "extra data after the list")
        return items
    except RecursionError:
        raise DataError(f"{path}: not valid JSON (nested too deeply)") from None
    except ValueError as e:  # e.g. an integer longer than Python converts
        if isinstance(e, DataError):
            raise
        why = "a number too long to read" if "digits" in str(e) else str(e)
        raise DataError(f"{path}: not valid JSON ({why})") from None


def series_to_claims(
    series,
    quantity: str,
    *,
    origin: dt.date | None = None,
    document: str = "",
    source: str = "",
    attributed_to: str = "",
    id_prefix: str | None = None,
) -> list[Claim]:
    """A cumulative series as claims: each increment a ``total`` over its days.

    The increment between consecutive reports is the count over the days after the
    earlier report up to the later one. Days with no increase are merged into the next
    window (a claim's value must be positive). With ``origin`` (the day counting
    began) the first report is itself a total from ``origin``, so the claims add up to
    the last value; without it, the first report is only the baseline.

    Parameters
    ----------
    series : pandas.Series
        Cumulative counts indexed by increasing dates (``datetime.date``, or a
        ``DatetimeIndex``).
    quantity : str
        Quantity name for the claims.
    origin : date-like, optional
        First day counted by the series.

    Returns
    -------
    list of Claim
        ``exact`` totals, published on their end dates.

    Raises
    ------
    DataError
        If the series decreases (it is not cumulative).
    """
    prefix = id_prefix or quantity
    dates = [as_date(d) for d in series.index]  # dates, Timestamps, datetime64
    values = [float(v) for v in series.to_numpy()]
    claims: list[Claim] = []
    if origin is not None:
        origin = as_date(origin)
        prev_date, prev_value = origin - dt.timedelta(days=1), 0.0
        todo = range(len(dates))
    else:
        prev_date, prev_value = dates[0], values[0]
        todo = range(1, len(dates))
    window_start = prev_date + dt.timedelta(days=1)
    for i in todo:
        d, v = dates[i], values[i]
        inc = v - prev_value
        if inc < 0:
            raise DataError(
                f"the series decreases on {d} ({prev_value:.15g} -> {v:.15g}): it is not "
                "cumulative; fix the record or import the increments as claims yourself"
            )
        if inc > 0:
            claims.append(
                Claim(
                    id=f"{prefix}_{d:%Y%m%d}",
                    quantity=quantity,
                    kind="total",
                    value=inc,
                    end=d,
                    start=window_start,
                    qualifier="exact",
                    published=d,
                    source=source,
                    attributed_to=attributed_to,
                    document=document,
                    notes=f"increment of the cumulative series: {v:.15g} on {d} minus "
                    f"{prev_value:.15g} on {window_start - dt.timedelta(days=1)}",
                )
            )
            window_start = d + dt.timedelta(days=1)
            prev_value = v
        prev_date = d
    if not claims:
        raise DataError("the series never increases: there is nothing to import")
    return claims
