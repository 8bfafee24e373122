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
import os
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal
from pathlib import Path

from .errors import ClaimsFormatError, FieldError, ReviewWarning
from .files import atomic_write_text
from .units import PERIODS, QUALIFIERS, period_window, window_days

__all__ = [
    "Claim",
    "COLUMNS",
    "REVIEW_COLUMNS",
    "STATUSES",
    "REQUIRED",
    "KINDS",
    "read_claims",
    "parse_claims",
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
    row : int or None
        Row in the file it was read from (header = row 1).
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
    row: int | None = None

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
        row = first_row + offset
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
        if claim is None:
            continue
        if claim.id in first_seen:
            errors.append(
                FieldError(
                    row,
                    "id",
                    f"duplicate id {claim.id!r} (first on row {first_seen[claim.id]})",
                    "give every claim its own id",
                )
            )
            continue
        if claim.id in unreviewed:
            errors.append(
                FieldError(row, "id", f"duplicate id {claim.id!r}", "give every row its own id")
            )
            continue
        first_seen[claim.id] = row
        claims.append(claim)
    errors += _check_derived(claims, also=unreviewed)
    if errors:
        errors.sort(key=lambda e: e.row if e.row is not None else 0)
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


def _parse_row(rec: Mapping[str, str | None], row: int) -> tuple[Claim | None, list[FieldError]]:
    errors: list[FieldError] = []

    def err(column: str | None, message: str, hint: str = "") -> None:
        errors.append(FieldError(row, column, message, hint))

    if None in rec:  # csv.DictReader files surplus cells under the key None
        err(None, "more cells than header columns", "quote cells that contain commas")
    text = {k: (v or "").strip() for k, v in rec.items() if k is not None}
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
    try:
        value = parse_value(text.get("value", ""))
        if not (value > 0 and math.isfinite(value)):
            err("value", f"value {text.get('value')!r} is not positive", "figures are counts > 0")
    except ValueError:
        err("value", f"cannot read value {text.get('value', '')!r}", "write e.g. 8000, 8,000 or 8k")

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

    qualifier = text.get("qualifier", "")
    if qualifier not in QUALIFIERS and qualifier != "":
        err("qualifier", f"unknown qualifier {qualifier!r}", f"use one of {', '.join(QUALIFIERS)}")

    bounds: dict[str, float | None] = {"low": None, "high": None}
    for col in ("low", "high"):
        raw = text.get(col, "")
        if raw:
            try:
                bounds[col] = parse_value(raw)
                if not bounds[col] > 0:
                    err(col, f"{col} {raw!r} is not positive", "ranges are of counts > 0")
            except ValueError:
                err(col, f"cannot read {col} {raw!r}", "write e.g. 20000 or 20k")
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
    )
    return claim, []


def _check_derived(claims: Sequence[Claim], also: Iterable[str] = ()) -> list[FieldError]:
    by_id = {c.id: c for c in claims}
    known = set(by_id) | set(also)  # a repeat may name a row still under review
    errors = []
    for c in claims:
        if c.derived_from is None:
            continue
        if c.derived_from == c.id:
            errors.append(FieldError(c.row, "derived_from", "a claim cannot repeat itself", ""))
        elif c.derived_from not in known:
            errors.append(
                FieldError(
                    c.row,
                    "derived_from",
                    f"names {c.derived_from!r}, which is not an id in the file",
                    "name the id of the claim this one repeats, or leave it empty",
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
                        )
                    )
                break
            seen.append(cur.id)
    return errors


def read_claims(path: str | os.PathLike) -> list[Claim]:
    """Read and validate a claims file.

    Parameters
    ----------
    path : path-like
        UTF-8 CSV with a header row (format v1).

    Returns
    -------
    list of Claim
        In file order; repeats included (see :func:`independent`).

    Raises
    ------
    ClaimsFormatError
        Every problem in the file at once, each with row, column and a hint.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ClaimsFormatError(
            str(path), [FieldError(None, None, "file not found", "check the path")]
        ) from None
    except UnicodeDecodeError as e:
        raise ClaimsFormatError(
            str(path), [FieldError(None, None, f"not UTF-8 ({e.reason})", "save it as UTF-8")]
        ) from None
    except OSError as e:
        raise ClaimsFormatError(str(path), [FieldError(None, None, str(e), "")]) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames
    if not header:
        raise ClaimsFormatError(
            str(path), [FieldError(1, None, "the file is empty", "add a header row")]
        )
    header = [h.strip() for h in header]
    reader.fieldnames = header
    return parse_claims(reader, source=str(path), header=header)


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
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    for c in claims:
        writer.writerow([_cell(getattr(c, name)) for name in COLUMNS])
    atomic_write_text(path, buf.getvalue())


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


def as_of(claims: Iterable[Claim], date: dt.date | None) -> list[Claim]:
    """The claims public on ``date`` (``published``, else ``end``, on or before it)."""
    if date is None:
        return list(claims)
    return [c for c in claims if c.published_on <= date]


def for_quantity(claims: Iterable[Claim], quantity: str) -> list[Claim]:
    """The claims about ``quantity``."""
    return [c for c in claims if c.quantity == quantity]


def claims_frame(claims: Iterable[Claim]):
    """The claims as a :class:`pandas.DataFrame`, one row per claim, format columns."""
    import pandas as pd

    names = [f.name for f in fields(Claim)]
    return pd.DataFrame([{n: getattr(c, n) for n in names} for c in claims], columns=names)
