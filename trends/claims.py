"""The claim record; reading, validating and writing claims files (format v1).

A claims file is UTF-8 CSV, one reported figure a row (see ``docs/claims-format.md``).
:func:`read_claims` checks the whole file and reports every problem at once, each with
its row (the header is row 1), column and a hint. Repeats (``derived_from``) are kept
in the list but collapse to their root in :func:`independent`; :func:`as_of` keeps
what was public on a date.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import numbers
import os
import re
import warnings
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import InitVar, dataclass, fields, replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ClaimsFormatError, FieldError, ReviewWarning
from .files import atomic_write_text
from .limits import MAX_CLAIMS, MAX_DAYS, MAX_FILE_BYTES, RATE_RATIO_MAX, VALUE_MAX, VALUE_MIN
from .units import PERIODS, QUALIFIERS, as_date, period_days, period_window, window_days

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Claim",
    "COLUMNS",
    "REVIEW_COLUMNS",
    "STATUSES",
    "REQUIRED",
    "KINDS",
    "read_claims",
    "parse_claims",
    "check_claims",
    "check_unique_ids",
    "parse_claims_text",
    "claims_to_csv",
    "write_claims",
    "parse_value",
    "independent",
    "roots",
    "as_of",
    "for_quantity",
    "claims_frame",
]

COLUMNS: tuple[str, ...] = (
    "id",
    "quantity",
    "kind",
    "value",
    "per",
    "start",
    "end",
    "qualifier",
    "low",
    "high",
    "published",
    "source",
    "attributed_to",
    "derived_from",
    "document",
    "quote",
    "notes",
)
#: Optional review columns (an extension of v1): rows marked ``candidate`` or ``rejected``
#: are checked but not used; ``accepted`` and empty rows are claims.
REVIEW_COLUMNS: tuple[str, ...] = ("confidence", "status")
STATUSES: tuple[str, ...] = ("accepted", "candidate", "rejected")
REQUIRED: tuple[str, ...] = ("id", "quantity", "kind", "value", "end")
KINDS: tuple[str, ...] = ("rate", "total", "target", "stock")

_ID = re.compile(r"^[A-Za-z0-9_.\-]+$")
_QUANTITY = re.compile(r"^[a-z][a-z0-9_]*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NUMBER = re.compile(r"^\+?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?([kKmM]|bn)?$")
_SUFFIX = {"k": 1e3, "K": 1e3, "m": 1e6, "M": 1e6, "bn": 1e9}


@dataclass(frozen=True)
class Claim:
    """One reported figure, as a reader found it.

    Attributes
    ----------
    id : str
        Unique in its file.
    quantity : str
        What is counted (snake_case), e.g. ``recruits``.
    kind : str
        ``rate``, ``total``, ``target`` or ``stock``.
    value : float
        The figure (count, or count per ``per`` for a rate).
    end : datetime.date
        Last day covered (inclusive).
    per : str or None
        Period of a rate.
    start : datetime.date or None
        First day covered; None for a rate means one ``per`` period ending at ``end``,
        and for a stock means the level stands at ``end``.
    qualifier : str
        Hedge word; ``""`` is a bare round number.
    low, high : float or None
        Explicit range, overriding the hedge table.
    published : datetime.date or None
        When the figure became public; None means ``end``.
    derived_from : str or None
        Id of the claim this one repeats.
    row : int, hashable or None
        Row in the file it was read from (header = row 1), or the DataFrame index label.

    A claim built in code is checked at once, with the messages a file's row would get
    (:class:`~trends.ClaimsFormatError`): ``Claim(kind="rat", ...)`` or a value of -5 is
    an error, not a surprise inside a fit. Dates may be any date-like (``"2025-01-31"``,
    ``datetime``, ``pandas.Timestamp``, ``numpy.datetime64``) and numbers may be written
    as in a file (``"8,000"``, ``"8k"``); they are stored as ``date`` and ``float``.
    """

    id: str
    quantity: str
    kind: str
    value: float
    end: dt.date
    per: str | None = None
    start: dt.date | None = None
    qualifier: str = ""
    low: float | None = None
    high: float | None = None
    published: dt.date | None = None
    source: str = ""
    attributed_to: str = ""
    derived_from: str | None = None
    document: str = ""
    quote: str = ""
    notes: str = ""
    row: Hashable | None = None
    _checked: InitVar[bool] = False  # set by the file reader, which has checked the row

    def __post_init__(self, _checked: bool) -> None:
        if _checked:
            return
        cells = {name: _as_text(getattr(self, name)) for name in COLUMNS}
        parsed, errors = _parse_row(cells, self.row)
        if errors:
            raise ClaimsFormatError(f"Claim {cells['id']!r}", errors, what="the claim")
        assert parsed is not None
        for name in COLUMNS:  # the stored types: dates as date, text stripped
            value = getattr(self, name)
            if name in ("value", "low", "high") and _is_number(value):
                continue  # keep every bit of a number given as a number
            object.__setattr__(self, name, getattr(parsed, name))

    @property
    def window(self) -> tuple[dt.date, dt.date]:
        """The inclusive window ``(start, end)`` the figure covers."""
        if self.start is not None:
            return self.start, self.end
        if self.kind == "rate" and self.per is not None:
            return period_window(self.per, self.end)
        return self.end, self.end

    @property
    def days(self) -> int:
        """Days in :attr:`window`."""
        return window_days(*self.window)

    @property
    def published_on(self) -> dt.date:
        """The date the figure became public (``published``, else ``end``)."""
        return self.published if self.published is not None else self.end


def parse_value(text: str) -> float:
    """A reported number as a float: ``8,000`` -> 8000.0, ``1.2m`` -> 1.2e6, ``30k`` -> 3e4.

    Raises
    ------
    ValueError
        If ``text`` is not a number in one of those forms.
    """
    s = text.strip().replace("\u202f", ",").replace("\u00a0", ",")
    m = _NUMBER.match(s)
    if not s or not m or not (m.group(1) or m.group(3)):
        raise ValueError(f"not a number: {text!r}")
    suffix = m.group(4)
    number = float(s[: len(s) - len(suffix)].replace(",", "") if suffix else s.replace(",", ""))
    return number * (_SUFFIX[suffix] if suffix else 1.0)


def _parse_date(text: str) -> dt.date:
    if not _DATE.match(text):
        raise ValueError(f"{text!r} is not an ISO date YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(text)
    except ValueError as e:
        raise ValueError(f"{text!r} is not a real date ({e})") from None


def parse_claims(
    records: Iterable[Mapping[str, str]],
    *,
    source: str = "<claims>",
    first_row: int = 2,
    header: Sequence[str] | None = None,
    rows: Sequence[Hashable] | None = None,
    links: bool = True,
) -> list[Claim]:
    """Validate rows of strings (column -> text) and build claims.

    Parameters
    ----------
    records : iterable of mappings
        One mapping per claim, values as text (as read from CSV). Missing optional
        columns may be left out.
    source : str
        Name used in error messages (a file path).
    first_row : int
        Row number of the first record (2 when the header is row 1).
    header : sequence of str, optional
        The file's header, checked for unknown, missing and repeated columns.
    rows : sequence, optional
        The label of each record in messages (a DataFrame's index), instead of
        ``first_row``, ``first_row + 1``, ...
    links : bool
        Check ``derived_from`` (off when several batches are checked together by
        :func:`check_claims`).

    Returns
    -------
    list of Claim
        In input order.

    Raises
    ------
    ClaimsFormatError
        Listing every problem found, each with row, column and a hint.
    """
    errors: list[FieldError] = []
    if header is not None:
        errors += _check_header(header)
        if any(e.column in REQUIRED and "missing" in e.message for e in errors):
            raise ClaimsFormatError(source, errors)

    claims: list[Claim] = []
    first_seen: dict[str, int] = {}
    unreviewed: list[str] = []  # ids of candidate and rejected rows: checked, not used
    pending = 0
    for offset, rec in enumerate(records):
        row = rows[offset] if rows is not None else first_row + offset
        status, status_errors = _review(rec, row)
        errors += status_errors
        if status in ("candidate", "rejected"):
            pending += status == "candidate"
            # a proposal may still lack what only a reviewer can fill in (quantity,
            # dates); what it does hold must be well-formed
            errors += [e for e in _parse_row(rec, row)[1] if not _fillable(e)]
            cid = (rec.get("id") or "").strip()
            if cid in first_seen or cid in unreviewed:
                errors.append(
                    FieldError(row, "id", f"duplicate id {cid!r}", "give every row its own id")
                )
            unreviewed.append(cid)
            continue
        claim, row_errors = _parse_row(rec, row)
        errors += row_errors
        # Duplicates by the id's text, whether or not either row is otherwise valid.
        cid = (rec.get("id") or "").strip() if isinstance(rec.get("id"), str) else ""
        if cid and cid in first_seen:
            errors.append(
                FieldError(
                    row,
                    "id",
                    f"duplicate id {cid!r}: rows {first_seen[cid]} and {row}",
                    "give every claim its own id",
                )
            )
            continue
        if cid and cid in unreviewed:
            errors.append(
                FieldError(row, "id", f"duplicate id {cid!r}", "give every row its own id")
            )
            continue
        if cid:
            first_seen[cid] = row
        if claim is not None:
            claims.append(claim)
    if links:
        errors += _check_derived(claims, also=unreviewed)
    if not errors:
        errors += _check_quantities(claims)
    if errors:
        if rows is None:
            errors.sort(key=lambda e: e.row if e.row is not None else 0)
        else:  # labels need not be comparable: sort by position
            at = {label: i for i, label in enumerate(rows)}
            errors.sort(key=lambda e: at.get(e.row, -1))
        raise ClaimsFormatError(source, errors)
    if pending:
        warnings.warn(
            f"{source}: {pending} row{'s' if pending != 1 else ''} marked 'candidate' "
            "not used; review them and set status to accepted or rejected",
            ReviewWarning,
            stacklevel=2,
        )
    return claims


def _review(rec: Mapping[str, str | None], row: int) -> tuple[str, list[FieldError]]:
    """The row's review status ("" when unmarked) and any error in the review columns."""
    errors = []
    status = (rec.get("status") or "").strip()
    if status not in ("", *STATUSES):
        hint = f"use one of {', '.join(STATUSES)}, or leave it empty"
        errors.append(FieldError(row, "status", f"unknown status {status!r}", hint))
    raw = (rec.get("confidence") or "").strip()
    if raw:
        try:
            c = float(raw)
            ok = 0.0 <= c <= 1.0
        except ValueError:
            ok = False
        if not ok:
            errors.append(FieldError(row, "confidence", f"confidence {raw!r} is not in 0..1",
                                     "a number from 0 to 1, or empty"))  # fmt: skip
    return status, errors


def _fillable(e: FieldError) -> bool:
    """Errors a reviewer resolves by filling in a proposal: empty quantity, start or end."""
    return (
        (e.column == "quantity" and "''" in e.message)
        or (e.column == "end" and e.message.startswith("empty"))
        or (e.column == "start" and "needs a start" in e.message)
    )


def _negative(text: str) -> bool:
    """True for a negative number as written: ``-40000``, ``-4,000``, ``-2k``."""
    t = text.strip()
    if not t.startswith(("-", "\u2212")):
        return False
    try:
        parse_value(t[1:])
    except ValueError:
        return False
    return True


def _clip(text: str, width: int = 40) -> str:
    """A cell as quoted in a message: long cells cut to ``width`` characters."""
    return text if len(text) <= width else text[: width - 3] + "..."


def _range_problem(value: float, raw: str, column: str) -> tuple[str, str] | None:
    """(message, hint) when a figure is zero, not finite, or outside VALUE_MIN..VALUE_MAX."""
    if not math.isfinite(value):
        return f"{column} {_clip(raw)} is too large to read", "figures are counts up to 1e15"
    if value <= 0:
        return f"{column} must be positive, got {_clip(raw)}", "figures are counts > 0"
    if value < VALUE_MIN:
        return (
            f"{column} {value:.3g} is below the smallest figure trends reads ({VALUE_MIN:g})",
            "state the count in larger units, or drop the claim",
        )
    if value > VALUE_MAX:
        return (
            f"{column} {value:.3g} is above the largest figure trends reads ({VALUE_MAX:g})",
            "check the number of digits",
        )
    return None


def _window(kind: str, per: str | None, start: dt.date | None, end: dt.date):
    """The inclusive window a claim covers (as :attr:`Claim.window`)."""
    if start is not None:
        return start, end
    if kind == "rate" and per is not None:
        return period_window(per, end)
    return end, end


def _daily(c: Claim) -> float:
    """The claim's figure as a mean count per day over its window."""
    first, last = c.window
    if c.kind == "rate":
        assert c.per is not None
        return c.value / float(period_days(c.per, first, last))
    return c.value / window_days(first, last)


def _check_quantities(claims: Sequence[Claim]) -> list[FieldError]:
    """Claims of one quantity that no fit could hold together: the span and the ratio."""
    errors: list[FieldError] = []
    by_q: dict[str, list[Claim]] = {}
    for c in claims:
        if c.kind in ("rate", "total", "target"):
            by_q.setdefault(c.quantity, []).append(c)
    for q, group in by_q.items():
        first = min(group, key=lambda c: c.window[0])
        last = max(group, key=lambda c: c.window[1])
        span = window_days(first.window[0], last.window[1])
        if span > MAX_DAYS:
            errors.append(FieldError(
                last.row, "end",
                f"the claims of {q!r} span {span:,} days (row {first.row} starts "
                f"{first.window[0]}, row {last.row} ends {last.window[1]}), more than the "
                f"limit of {MAX_DAYS:,} days (100 years)",
                "split the quantity or drop the claims far from the rest",
            ))  # fmt: skip
        low = min(group, key=_daily)
        high = max(group, key=_daily)
        ratio = _daily(high) / _daily(low)
        if ratio > RATE_RATIO_MAX:
            errors.append(FieldError(
                high.row, "value",
                f"the claims of {q!r} on rows {low.row} and {high.row} differ by a factor "
                f"of {ratio:.3g} per day ({_daily(low):.3g} and {_daily(high):.3g} a day), "
                f"more than the limit of {RATE_RATIO_MAX:.0e}",
                "check the units and the number of digits",
            ))  # fmt: skip
    return errors


def _check_header(header: Sequence[str]) -> list[FieldError]:
    errors = []
    seen: set[str] = set()
    for name in header:
        if name in seen:
            errors.append(FieldError(1, name, "column appears twice", "keep one of them"))
        seen.add(name)
        if name not in COLUMNS and name not in REVIEW_COLUMNS:
            close = [c for c in COLUMNS if c.replace("_", "") == name.lower().replace("_", "")]
            hint = (
                f"did you mean '{close[0]}'?" if close else f"known columns: {', '.join(COLUMNS)}"
            )
            errors.append(FieldError(1, name, "unknown column", hint))
    for name in REQUIRED:
        if name not in seen:
            errors.append(FieldError(1, name, "required column is missing", "add it to the header"))
    return errors


def _parse_row(
    rec: Mapping[str, str | None], row: Hashable
) -> tuple[Claim | None, list[FieldError]]:
    errors: list[FieldError] = []

    def err(column: str | None, message: str, hint: str = "") -> None:
        errors.append(FieldError(row, column, message, hint))

    if None in rec:  # csv.DictReader files surplus cells under the key None
        err(None, "more cells than header columns", "quote cells that contain commas")
    # A byte-order mark inside a cell is debris of joined files, and matplotlib's PDF
    # writer fails on it in a label: dropped.
    text = {k: (v or "").replace("\ufeff", "").strip() for k, v in rec.items() if k is not None}
    if any(v is None for k, v in rec.items() if k is not None and k in REQUIRED):
        err(None, "fewer cells than header columns", "check the row for a missing comma")

    cid = text.get("id", "")
    if not cid:
        err("id", "empty id", "give the claim a unique id")
    elif not _ID.match(cid):
        err("id", f"id {cid!r} has characters other than letters, digits, _ . -", "rename it")

    quantity = text.get("quantity", "")
    if not _QUANTITY.match(quantity):
        err("quantity", f"quantity {quantity!r} is not snake_case", "e.g. recruits, casualties")

    kind = text.get("kind", "")
    if kind not in KINDS:
        err("kind", f"unknown kind {kind!r}", f"use one of {', '.join(KINDS)}")

    value = math.nan
    raw_value = text.get("value", "")
    try:
        value = parse_value(raw_value)
    except ValueError:
        if _negative(raw_value):
            err("value", f"value must be positive, got {raw_value}", "figures are counts > 0")
        else:
            err("value", f"cannot read value {_clip(raw_value)!r}", "write e.g. 8000, 8,000 or 8k")
    else:
        problem = _range_problem(value, raw_value, "value")
        if problem:
            err("value", *problem)

    per = text.get("per", "") or None
    if per is not None and per not in PERIODS:
        err("per", f"unknown period {per!r}", f"use one of {', '.join(PERIODS)}")
        per = None
    if kind == "rate" and per is None and "per" not in [e.column for e in errors]:
        err("per", "a rate needs a period", "fill 'per' with day, week, month, quarter or year")
    if kind in ("total", "target", "stock") and per is not None:
        err("per", f"a {kind} has no period", "leave 'per' empty, or make the claim a rate")

    dates: dict[str, dt.date | None] = {}
    for col in ("start", "end", "published"):
        raw = text.get(col, "")
        dates[col] = None
        if raw:
            try:
                dates[col] = _parse_date(raw)
            except ValueError as e:
                err(col, str(e), "write dates as YYYY-MM-DD")
        elif col == "end":
            err("end", "empty end date", "the last day the figure covers, YYYY-MM-DD")
    start, end = dates["start"], dates["end"]
    if kind in ("total", "target") and not text.get("start", ""):
        err("start", f"a {kind} needs a start date", "the first day its count covers")
    if start is not None and end is not None and end < start:
        err("end", f"end {end} is before start {start}", "swap them or fix the typo")

    if end is not None and not errors:
        try:
            first, last = _window(kind, per, start, end)
        except (ValueError, OverflowError):
            err("end", f"the {per} before {end} falls outside the calendar (years 1 to 9999)",
                "check the date")  # fmt: skip
        else:
            if window_days(first, last) > MAX_DAYS:
                err("start", f"the window {first} to {last} spans "
                    f"{window_days(first, last):,} days, more than the limit of "
                    f"{MAX_DAYS:,} (100 years)", "check the dates")  # fmt: skip

    qualifier = text.get("qualifier", "")
    if qualifier not in QUALIFIERS and qualifier != "":
        err("qualifier", f"unknown qualifier {qualifier!r}", f"use one of {', '.join(QUALIFIERS)}")

    bounds: dict[str, float | None] = {"low": None, "high": None}
    for col in ("low", "high"):
        raw = text.get(col, "")
        if raw:
            try:
                parsed = parse_value(raw)
            except ValueError:
                if _negative(raw):
                    err(col, f"{col} must be positive, got {raw}", "ranges are of counts > 0")
                else:
                    err(col, f"cannot read {col} {_clip(raw)!r}", "write e.g. 20000 or 20k")
                continue
            problem = _range_problem(parsed, raw, col)
            if problem:
                err(col, *problem)
            else:
                bounds[col] = parsed
    low, high = bounds["low"], bounds["high"]
    if low is not None and high is not None and low > high:
        err("low", f"low {low:g} is above high {high:g}", "swap them")
    elif math.isfinite(value):
        if low is not None and value < low:
            err("value", f"value {value:g} is below its own low {low:g}", "fix value or low")
        if high is not None and value > high:
            err("value", f"value {value:g} is above its own high {high:g}", "fix value or high")

    if errors:
        return None, errors
    assert end is not None
    claim = Claim(
        id=cid,
        quantity=quantity,
        kind=kind,
        value=value,
        end=end,
        per=per,
        start=start,
        qualifier=qualifier,
        low=low,
        high=high,
        published=dates["published"],
        source=text.get("source", ""),
        attributed_to=text.get("attributed_to", ""),
        derived_from=text.get("derived_from", "") or None,
        document=text.get("document", ""),
        quote=text.get("quote", ""),
        notes=text.get("notes", ""),
        row=row,
        _checked=True,
    )
    return claim, []


def _check_derived(
    claims: Sequence[Claim], also: Iterable[str] = (), where: Mapping[int, str] | None = None
) -> list[FieldError]:
    """``derived_from`` naming no claim, the claim itself, or forming a cycle.

    ``also``: ids of rows under review that a repeat may name. ``where`` maps
    ``id(claim)`` to the name of its source, for messages about claims from several
    sources.
    """
    where = where or {}
    by_id = {c.id: c for c in claims}
    known = set(by_id) | set(also)  # a repeat may name a row still under review
    errors = []
    for c in claims:
        if c.derived_from is None:
            continue
        if c.derived_from == c.id:
            errors.append(
                FieldError(
                    c.row,
                    "derived_from",
                    "a claim cannot repeat itself",
                    "",
                    source=where.get(id(c)),
                )
            )
        elif c.derived_from not in known:
            errors.append(
                FieldError(
                    c.row,
                    "derived_from",
                    f"names {c.derived_from!r}, which is not an id in the file",
                    "name the id of the claim this one repeats, or leave it empty",
                    source=where.get(id(c)),
                )
            )
    for c in claims:
        if c.derived_from == c.id:
            continue  # reported above
        seen = [c.id]
        cur = c
        while cur.derived_from is not None and cur.derived_from in by_id:
            cur = by_id[cur.derived_from]
            if cur.id in seen:
                if cur.id == c.id:
                    chain = " -> ".join([*seen, cur.id])
                    errors.append(
                        FieldError(
                            c.row,
                            "derived_from",
                            f"derived_from forms a cycle: {chain}",
                            "one claim of the chain must be the original",
                            source=where.get(id(c)),
                        )
                    )
                break
            seen.append(cur.id)
    return errors


def read_claims(source: str | os.PathLike | pd.DataFrame | Sequence) -> list[Claim]:
    """Read and validate claims from a file, a DataFrame, or several sources together.

    Parameters
    ----------
    source : path-like, pandas.DataFrame, or a list of them
        A claims file (UTF-8 CSV with a header row, format v1, at most
        :data:`~trends.limits.MAX_FILE_BYTES`); a DataFrame with the format's columns,
        cells of any type pandas gives (strings, ints, floats, NaN, None, Timestamps,
        dates), checked exactly as a file's text would be, rows named by the
        DataFrame's index; or a list of paths, DataFrames and lists of claims already
        read, checked together: ids unique across them all, and ``derived_from`` may
        name a claim of another batch.

    Returns
    -------
    list of Claim
        In order; repeats included (see :func:`independent`).

    Raises
    ------
    ClaimsFormatError
        Every problem at once, each with its source, row, column and a hint; also for a
        file that cannot be read, is not UTF-8, or is too large. A header with no rows
        is no error here (an empty list); the commands refuse it.
    """
    if hasattr(source, "columns") and hasattr(source, "itertuples"):
        return _read_frame(source)
    if not isinstance(source, str | os.PathLike):
        return _read_batches(list(source))
    return _read_file(source)


def _read_file(path: str | os.PathLike, links: bool = True) -> list[Claim]:
    """A claims file, checked (``links``: its ``derived_from`` too)."""
    path = Path(path)

    def fail(message: str, hint: str = "", row: int | None = None) -> ClaimsFormatError:
        return ClaimsFormatError(str(path), [FieldError(row, None, message, hint)])

    try:
        if path.is_dir():
            raise fail("is a folder, not a claims file", "give the path of a CSV file")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise fail(
                f"the file has {size:,} bytes, more than the limit of {MAX_FILE_BYTES:,}",
                "split it into files of one quantity each",
            )
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise fail("file not found", "check the path") from None
    except UnicodeDecodeError as e:
        raise fail(f"not UTF-8 ({e.reason} at byte {e.start:,})", "save it as UTF-8") from None
    except OSError as e:
        raise fail(f"cannot read ({e.strerror or e})", "check the path and permissions") from None
    return parse_claims_text(text, source=str(path), links=links)


def parse_claims_text(text: str, *, source: str = "<claims>", links: bool = True) -> list[Claim]:
    """Validate the text of a claims file (CSV with a header) and build claims.

    The one validator: :func:`read_claims` and the series import both use it.

    Raises
    ------
    ClaimsFormatError
        Every problem found, each with row, column and a hint.
    """

    def fail(message: str, hint: str, row: int | None = 1) -> ClaimsFormatError:
        return ClaimsFormatError(source, [FieldError(row, None, message, hint)])

    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = reader.fieldnames
        if not header:
            raise fail("the file is empty", "add a header row")
        header = [h.strip() for h in header]
        reader.fieldnames = header
        records = []
        for rec in reader:
            if len(records) >= MAX_CLAIMS:
                raise fail(
                    f"more than {MAX_CLAIMS:,} claims in one file",
                    "split it into files of one quantity each",
                    reader.line_num,
                )
            records.append(rec)
    except csv.Error as e:
        raise fail(f"not a readable CSV ({e})", "check the quoting", reader.line_num) from None
    return parse_claims(records, source=source, header=header, links=links)


def claims_to_csv(claims: Iterable[Claim]) -> str:
    """Claims as the text of a v1 claims file (header and one row a claim)."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    for c in claims:
        writer.writerow([_cell(getattr(c, name)) for name in COLUMNS])
    return buf.getvalue()


_FRAME = "<DataFrame>"


def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _as_text(value: object) -> str:
    """A cell of any type pandas or code gives, as the text a claims file would hold.

    Missing values (None, NaN, NaT, pandas.NA) are empty; whole numbers lose their
    ``.0``; a date or a timestamp at midnight is ``YYYY-MM-DD`` (a time of day is kept,
    so the date check reports it); anything else is ``str(value)``.
    """
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        x = float(value)
        if math.isnan(x):
            return ""
        return _cell(x) if math.isfinite(x) else str(x)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None and value.time() == dt.time():
            return value.date().isoformat()
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "dtype") and str(getattr(value, "dtype", "")).startswith("datetime64"):
        if value != value:  # numpy NaT
            return ""
        day = as_date(value)
        whole = value.astype("datetime64[D]") == value
        return day.isoformat() if whole else str(value)
    return str(value)


def _read_frame(frame, source: str = _FRAME, links: bool = True) -> list[Claim]:
    """Claims from a DataFrame, checked as a file (rows named by the index)."""
    header = [str(c).strip() for c in frame.columns]
    # A DataFrame has no header row: its column problems name no row.
    errors = [FieldError(None, e.column, e.message, e.hint) for e in _check_header(header)]
    if any(e.column in REQUIRED and "missing" in e.message for e in errors):
        raise ClaimsFormatError(source, errors, what="the claims")
    records = [
        dict(zip(header, map(_as_text, cells), strict=True))
        for cells in frame.itertuples(index=False, name=None)
    ]
    try:
        claims = parse_claims(records, source=source, rows=list(frame.index), links=links)
    except ClaimsFormatError as e:
        raise ClaimsFormatError(source, errors + e.errors, what="the claims") from None
    if errors:
        raise ClaimsFormatError(source, errors, what="the claims")
    return claims


def _read_batches(sources: list) -> list[Claim]:
    """Several sources checked together (see :func:`read_claims`)."""
    if sources and all(isinstance(c, Claim) for c in sources):
        sources = [sources]  # one list of claims
    claims: list[Claim] = []
    where: dict[int, str] = {}  # id(claim) -> its source, for messages
    errors: list[FieldError] = []
    for n, src in enumerate(sources, 1):
        several = len(sources) > 1
        try:
            if isinstance(src, str | os.PathLike):
                name, batch = str(src), _read_file(src, links=False)
            elif hasattr(src, "columns") and hasattr(src, "itertuples"):
                name = f"{_FRAME}#{n}" if several else _FRAME
                batch = _read_frame(src, name, links=False)
            else:
                name, batch = (f"<claims>#{n}" if several else "<claims>"), list(src)
                if not all(isinstance(c, Claim) for c in batch):
                    raise TypeError(
                        "read_claims takes a path, a DataFrame, or a list of paths, "
                        f"DataFrames and lists of Claim; item {n} is {type(src).__name__}"
                    )
        except ClaimsFormatError as e:
            errors += [_with_source(x, x.source or e.path) for x in e.errors]
            continue
        where.update((id(c), name) for c in batch)
        claims += batch
    if not errors:  # links need every batch read
        errors = _link_errors(claims, where)
    if errors:
        names = list(dict.fromkeys(e.source for e in errors if e.source))
        raise ClaimsFormatError(", ".join(names) or "<claims>", errors, what="the claims")
    return claims


def _with_source(e: FieldError, source: str | None) -> FieldError:
    return FieldError(e.row, e.column, e.message, e.hint, source=source)


def _duplicate_errors(claims: Sequence[Claim], where: Mapping[int, str]) -> list[FieldError]:
    """One error for each claim whose id an earlier claim has (``where`` as in
    :func:`_check_derived`)."""

    def at(c: Claim) -> str:
        place = [f"row {c.row}"] if c.row is not None else []
        place += [where[id(c)]] if id(c) in where else []
        return " of ".join(place) or "a claim built in code"

    errors = []
    first: dict[str, Claim] = {}
    for c in claims:
        f = first.get(c.id)
        if f is None:
            first[c.id] = c
        else:  # the same claim twice counts twice too
            errors.append(
                FieldError(
                    c.row,
                    "id",
                    f"duplicate id {c.id!r}: {at(f)} and {at(c)}",
                    "give every claim its own id",
                    source=where.get(id(c)),
                )
            )
    return errors


def _link_errors(claims: Sequence[Claim], where: Mapping[int, str]) -> list[FieldError]:
    """Ids used twice, and ``derived_from`` naming no claim or forming a cycle."""
    return _duplicate_errors(claims, where) + _check_derived(claims, where=where)


def check_claims(claims: Iterable[Claim], *, source: str = "<claims>") -> list[Claim]:
    """Check claims from several places together: unique ids, ``derived_from`` links.

    Each claim is checked on its own when built; this checks what only the whole set
    can say.

    Returns
    -------
    list of Claim
        The claims, unchanged.

    Raises
    ------
    ClaimsFormatError
        An id used twice, a ``derived_from`` naming no claim, a cycle of repeats.
    """
    claims = list(claims)
    errors = _link_errors(claims, {})
    if errors:
        raise ClaimsFormatError(source, errors, what="the claims")
    return claims


def check_unique_ids(claims: Iterable[Claim]) -> None:
    """Raise :class:`~trends.ClaimsFormatError` when two claims share an id (a fit would
    count the figure twice)."""
    errors = _duplicate_errors(list(claims), {})
    if errors:
        raise ClaimsFormatError("<claims>", errors, what="the claims")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        text = f"{value:.12g}"
        # parse_value reads no exponents: write 1e+12 as 1000000000000
        return format(Decimal(text), "f") if "e" in text else text
    return str(value)


def write_claims(claims: Iterable[Claim], path: str | os.PathLike) -> None:
    """Write claims as a v1 claims file, atomically (no half file on failure)."""
    atomic_write_text(path, claims_to_csv(claims))


def roots(claims: Iterable[Claim]) -> dict[str, str]:
    """Map each claim id to the id of the original it (transitively) repeats.

    Chains are followed within ``claims``; when a link is absent (filtered out by
    :func:`as_of`, say) the chain's root is the absent id, so the repeats of one
    original still share a root (see :func:`independent`).
    """
    by_id = {c.id: c for c in claims}
    out = {}
    for cid, c in by_id.items():
        cur = c
        root = cid
        seen = {cid}
        while cur.derived_from is not None and cur.derived_from not in seen:
            root = cur.derived_from
            if root not in by_id:
                break
            cur = by_id[root]
            seen.add(root)
        out[cid] = root
    return out


def independent(claims: Iterable[Claim]) -> list[Claim]:
    """One claim per independent figure: repeats collapse onto their original.

    Each ``derived_from`` chain counts once. The original stands for the chain; when
    it is absent (filtered out by :func:`as_of`, say), the earliest published repeat
    present stands in. Order of first appearance is kept.
    """
    claims = list(claims)
    root = roots(claims)
    chosen: dict[str, Claim] = {}
    for c in claims:
        r = root[c.id]
        best = chosen.get(r)
        if best is None or (best.id != r and (c.id == r or c.published_on < best.published_on)):
            chosen[r] = c
    keep = {c.id for c in chosen.values()}
    return [c for c in claims if c.id in keep]


def as_of(claims: Iterable[Claim], date) -> list[Claim]:
    """The claims public on ``date`` (``published``, else ``end``, on or before it);
    ``date`` is any date-like, or None for every claim.

    Repeat chains are resolved on the whole list first: a kept repeat whose parent is
    not public yet is linked to its root in the whole list (a new record; the input is
    not changed), so :func:`independent` still sees one group. Without this, with
    A <- B <- C and B published after C, A and C would count as two figures.
    """
    claims = list(claims)
    if date is None:
        return claims
    date = as_date(date)
    kept = [c for c in claims if c.published_on <= date]
    present = {c.id for c in kept}
    root = roots(claims)
    return [
        c
        if c.derived_from is None or c.derived_from in present
        else replace(c, derived_from=root[c.id], _checked=True)
        for c in kept
    ]


def for_quantity(claims: Iterable[Claim], quantity: str) -> list[Claim]:
    """The claims about ``quantity``."""
    return [c for c in claims if c.quantity == quantity]


def claims_frame(claims: Iterable[Claim]):
    """The claims as a :class:`pandas.DataFrame`, one row per claim, format columns."""
    import pandas as pd

    names = [f.name for f in fields(Claim)]
    return pd.DataFrame([{n: getattr(c, n) for n in names} for c in claims], columns=names)
