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


# ---------------------------------------------------------------------------------------
# Malformed inputs for the fuzz suite (tests/test_fuzz.py): files as bytes, arguments
# ---------------------------------------------------------------------------------------

#: A small valid claims file: two quantities with rates, totals, a target and a stock.
BASE_CLAIMS = [
    ["id", "quantity", "kind", "value", "per", "start", "end", "qualifier", "low", "high",
     "published", "source", "attributed_to", "derived_from"],
    ["r1", "recruits", "total", "30000", "", "2025-01-01", "2025-01-31", "about", "", "", "",
     "Paper A", "ISW", ""],
    ["r2", "recruits", "rate", "8,000", "week", "", "2025-03-15", "nearly", "", "", "2025-03-20",
     "Paper B", "", ""],
    ["r3", "recruits", "rate", "8000", "week", "", "2025-03-15", "nearly", "", "", "2025-03-22",
     "Paper C", "", "r2"],
    ["c1", "casualties", "total", "40k", "", "2025-01-01", "2025-01-31", "", "35000", "45000",
     "", "Paper A", "", ""],
    ["c2", "casualties", "rate", "1200", "day", "", "2025-03-01", "over", "", "", "", "", "", ""],
    ["t1", "recruits", "target", "400000", "", "2025-01-01", "2025-12-31", "", "", "", "", "", "",
     ""],
    ["s1", "casualties", "stock", "1.2m", "", "", "2025-02-28", "approximately", "", "", "", "",
     "", ""],
]  # fmt: skip

#: Cell texts that break numbers: zero, negatives, NaN, inf, 1e308, 1e-300 and 1e300 written
#: out, digits past float range, odd separators.
BAD_NUMBERS = [
    "0", "-40000", "-2k", "nan", "NaN", "inf", "-inf", "1e308", "1e-300", "1E5", "",
    "0." + "0" * 299 + "1", "1" + "0" * 300, "9" * 400, "0.0000001", "1000000000000000",
    "1,000,000,000,000,000", "1.2.3", "8 000", "8\u00a0000", "8\u202f000", "\u0668\u0660",
    "1_000", "0x10", "12%", "1/2", "--5", "+5", "5bn", "5BN", ".5", "5.", "\u221240",
]  # fmt: skip
#: Dates at the edges of the calendar and broken ones; day spans of centuries.
BAD_DATES = [
    "0001-01-01", "0001-01-31", "9999-12-31", "9999-12-01", "1900-01-01", "2999-12-31",
    "2025-02-30", "2025-13-01", "25-01-01", "2025/01/01", "01.01.2025", "", "today",
    "2025-1-1", "20250101", "2024-02-29", "2023-02-29", "0000-01-01",
]  # fmt: skip
ODD_TEXT = [
    "\u00e9\u00e8", "\u202e\u202d", "\U0001f600", "\x00", "a\x00b", "\ufeff", "\u200b",
    "line\nbreak", "quo\"te", "com,ma", "\r", "\t", "\\", "'", "NULL", "None", " ",
]  # fmt: skip
BAD_WORDS = {
    "kind": ["estimate", "Rate", "TOTAL", "", "stock ", "rates"],
    "per": ["fortnight", "days", "Week", "0", "month ", ""],
    "qualifier": ["approx", "About", "roughly!", "nearly nearly", "exact "],
    "quantity": ["Recruits", "re cruits", "1abc", "", "_x", "recruits\u00e9", "r" * 300],
    "id": ["", "Bad Id!", "r1", "r2", "a" * 200, "id\u00e9"],
    "derived_from": ["r1", "gone", "c1", "t1", "r3", "self"],
}


@st.composite
def cell_mutation(draw, rows: list[list[str]]) -> None:
    """Replace one cell of a data row with a hostile text (in place)."""
    header = rows[0]
    r = draw(st.integers(1, len(rows) - 1))
    c = draw(st.integers(0, len(header) - 1))
    name = header[c] if c < len(header) else ""
    choices = [st.sampled_from(ODD_TEXT), st.text(max_size=12)]
    if name in ("value", "low", "high"):
        choices.append(st.sampled_from(BAD_NUMBERS))
        choices.append(st.floats().map(repr))
    if name in ("start", "end", "published"):
        choices.append(st.sampled_from(BAD_DATES))
    if name in BAD_WORDS:
        choices.append(st.sampled_from(BAD_WORDS[name]))
    text = draw(st.one_of(*choices))
    if name == "derived_from" and text == "self":
        text = rows[r][0]
    row = rows[r]
    while len(row) <= c:
        row.append("")
    row[c] = text


def _csv_text(rows: list[list[str]], newline: str, quote_all: bool) -> str:
    import csv
    import io

    buf = io.StringIO(newline="")
    csv.writer(
        buf, lineterminator=newline, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL
    ).writerows(rows)
    return buf.getvalue()


@st.composite
def claims_files(draw) -> bytes:
    """A claims file, usually broken: cells, columns, rows, encoding, line ends, garbage.

    Mutations: hostile cells (numbers 0, negative, NaN, inf, 1e308, 1e-300, 1e300 and
    beyond float range; dates 0001-01-01 and 9999-12-31 and day spans of centuries; start
    after end; unknown kinds, periods, hedges; odd unicode), columns dropped, duplicated
    and reordered, duplicate ids, derived_from cycles and dangling references, extra and
    missing cells, BOM, CRLF, full quoting, very long fields and lines, NUL bytes, binary
    garbage, a header alone, an empty file.
    """
    rows = [list(r) for r in BASE_CLAIMS]
    shapes = ["clean"] * 4 + ["cells"] * 5 + ["columns", "rows", "rows", "garbage", "empty"]
    shape = draw(st.sampled_from([*shapes, "long"]))
    if shape == "clean":  # valid, in another dress: odd text, line ends, quoting, BOM
        for _ in range(draw(st.integers(0, 2))):
            r = draw(st.integers(1, len(rows) - 1))
            rows[r][draw(st.sampled_from([11, 12]))] = draw(st.sampled_from(ODD_TEXT))
    if shape == "garbage":
        return draw(st.binary(max_size=300))
    if shape == "empty":
        rows = rows[:1] if draw(st.booleans()) else []
    for _ in range(draw(st.integers(1, 3)) if shape == "cells" else 0):
        if len(rows) > 1:
            draw(cell_mutation(rows))
    if shape == "columns":
        action = draw(st.sampled_from(["drop", "duplicate", "reorder", "rename"]))
        c = draw(st.integers(0, len(rows[0]) - 1))
        if action == "drop":
            rows = [r[:c] + r[c + 1 :] for r in rows]
        elif action == "duplicate":
            rows = [r[: c + 1] + r[c:] for r in rows]
        elif action == "reorder":
            order = draw(st.permutations(range(len(rows[0]))))
            rows = [[r[i] if i < len(r) else "" for i in order] for r in rows]
        else:
            rows[0][c] = draw(st.sampled_from(["Value", "colour", "", "end ", "id"]))
    if shape == "rows":
        action = draw(st.sampled_from(["duplicate", "cycle", "short", "long", "span", "tiny"]))
        if action == "duplicate":
            rows.append(list(draw(st.sampled_from(rows[1:]))))
        elif action == "cycle":
            rows[1][13], rows[3][13] = "r3", "r1"
        elif action == "short":
            rows[2] = rows[2][:3]
        elif action == "long":
            rows[2] = rows[2] + ["x", "y"]
        elif action == "span":  # claims of one quantity centuries apart
            rows[1][5], rows[1][6] = draw(st.sampled_from([
                ("0001-01-01", "0001-01-31"), ("1700-01-01", "1700-12-31"),
                ("9999-12-01", "9999-12-31"), ("0001-01-01", "9999-12-31"),
            ]))  # fmt: skip
        else:  # tiny and huge figures of one quantity side by side
            rows[1][3] = draw(st.sampled_from(["0.000001", "0.0000001", "1000000000000000"]))
            rows[1][7] = ""
    text = _csv_text(rows, draw(st.sampled_from(["\n", "\r\n", "\r"])), draw(st.booleans()))
    if shape == "long":
        where = draw(st.sampled_from(["quote", "value"]))
        n = draw(st.sampled_from([1000, 140_000]))
        extra = ("x" * n) if where == "quote" else ("9" * n)
        text = (
            text.replace("Paper A", extra, 1)
            if where == "quote"
            else text.replace("30000", extra, 1)
        )
    data = text.encode("utf-8")
    if draw(st.booleans()):
        data = b"\xef\xbb\xbf" + data
    if shape != "clean" and draw(st.integers(0, 9)) == 0:  # a byte not UTF-8, or a NUL
        i = draw(st.integers(0, len(data)))
        data = data[:i] + draw(st.sampled_from([b"\xff", b"\x00", b"\xc3"])) + data[i:]
    return data


#: A valid assumptions file for the two quantities of BASE_CLAIMS.
BASE_ASSUMPTIONS = """\
[projection]
start = 2025-01-01
recruits = "recruits"
casualties = "casualties"

[assumption.killed_missing_captured_share]
dist = "triangular"
low = 0.15
mode = 0.28
high = 0.45
source = "test"

[assumption.wounded_return_share]
dist = "uniform"
low = 0.4
high = 0.9
source = "test"

[assumption.return_delay_days]
dist = "uniform"
low = 14
high = 120
source = "test"

[assumption.held_back_share]
dist = "uniform"
low = 0.0
high = 0.2
source = "test"

[assumption.starting_reserve]
dist = "lognormal"
low = 1000
high = 50000
source = "test"

[scenario.slow]
description = "slower"
recruits = { multiply = 0.8, from = 2025-03-01 }
"""

_TOML_VALUES = [
    '"text"', "-1", "0", "1", "1.5", "1e308", "-1e308", "1e-300", "inf", "nan", "-inf",
    "true", "[]", "{}", "2025-01-01", "0001-01-01", "9999-12-31", "1900-01-01",
    '"uniform"', '"lognormal"', '"fixed"', '"beta"', "123456789012345678",
    "99999999999999999999", "0.5",
]  # fmt: skip


@st.composite
def assumptions_files(draw) -> bytes:
    """An assumptions file with wrong types, missing or extra keys, low > high, extremes."""
    lines = BASE_ASSUMPTIONS.splitlines()
    for _ in range(draw(st.integers(0, 3))):
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["value", "value", "value", "drop", "extra", "swap"]))
        line = lines[i]
        if action == "value" and "=" in line:
            key = line.split("=", 1)[0]
            lines[i] = f"{key}= {draw(st.sampled_from(_TOML_VALUES))}"
        elif action == "drop":
            del lines[i]
        elif action == "extra":
            lines.insert(i, draw(st.sampled_from(
                ["colour = 1", "[assumption.unknown]", "low = 5", "[scenario.x]",
                 'recruits = { multiply = -1, from = 2025-02-01 }', "[[projection]]", "= 1",
                 'casualties = { multiply = 1e308, from = 0001-01-01 }']
            )))  # fmt: skip
        elif action == "swap":  # low above high
            text = "\n".join(lines).replace("low = 0.4\nhigh = 0.9", "low = 0.9\nhigh = 0.4")
            lines = text.replace("low = 14\nhigh = 120", "low = 120\nhigh = 14").splitlines()
        if not lines:
            break
    data = "\n".join(lines).encode("utf-8")
    if draw(st.integers(0, 19)) == 19:
        data = draw(st.binary(max_size=100))
    return data


_SERIES_VALUES = st.one_of(
    st.integers(-10, 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([None, "12", "", True, [], {}, 10**400, 1e308, 1e-300]),
)


@st.composite
def series_files(draw) -> tuple[str, bytes]:
    """A cumulative series as JSON or CSV: non-monotone, gaps, nulls, strings, extremes.

    Returns
    -------
    (suffix, content)
    """
    import json

    messy = draw(st.booleans())
    n = draw(st.integers(0, 8) if messy else st.integers(2, 8))
    edges = [dt.date(1, 1, 2), dt.date(9999, 12, 20)] if messy else []
    start = draw(st.sampled_from([dt.date(2022, 2, 24), *edges]))
    dates, d = [], start
    for _ in range(n):
        dates.append(d)
        step = draw(st.sampled_from([1, 2, 30, 0, -1] if messy else [1, 2, 30]))
        try:
            d = d + dt.timedelta(days=step)
        except OverflowError:
            break
    value, values = 0, []
    for _ in dates:
        if messy and draw(st.integers(0, 4)) == 4:
            values.append(draw(_SERIES_VALUES))
        else:
            value += draw(st.integers(0, 1000))
            values.append(value)
    if draw(st.booleans()):
        records = []
        day0 = draw(st.sampled_from([None, 1, 2, 0, -5, 10**6, "3", 1.5]) if messy else st.none())
        for i, (d, v) in enumerate(zip(dates, values, strict=True)):
            broken = messy and draw(st.integers(0, 9)) == 9
            rec = {"date": "2025-02-30" if broken else d.isoformat()}
            if day0 is not None:
                rec["day"] = day0 + i if isinstance(day0, int) else day0
            rec["personnel"] = v
            records.append(rec)
        text = json.dumps(records, allow_nan=True, indent=draw(st.sampled_from([None, 1])))
        shape = (
            draw(st.sampled_from(["ok"] * 6 + ["deep", "cut", "object", "big"])) if messy else "ok"
        )
        if shape == "deep":
            text = "[" * 50_000 + "]" * 50_000
        elif shape == "cut":
            text = text[: draw(st.integers(0, len(text)))]
        elif shape == "object":
            text = json.dumps({"records": records})
        elif shape == "big":
            text = text.replace("]", ', {"date": "2025-01-01", "personnel": 1' + "0" * 5000 + "}]")
        return ".json", text.encode("utf-8")
    lines = ["date,value"]
    for d, v in zip(dates, values, strict=True):
        cell = repr(v) if isinstance(v, float) else str(v)
        lines.append(f"{d.isoformat()},{cell}")
    if messy and draw(st.integers(0, 5)) == 5:
        lines.append(draw(st.sampled_from(["2025-01-01", ",", "x,y,z", '"2025-01-01,5', "1e309"])))
    return ".csv", "\n".join(lines).encode("utf-8")


_GOOD = {
    "-q": ["recruits", "casualties"],
    "--from": ["2025-01-01", "2025-02-01"],
    "--to": ["2025-03-31", "2025-06-30"],
    "--until": ["2025-06-30", "2025-12-31", "2025-03-15"],
    "--as-of": ["2025-03-01", "2025-12-31"],
    "--draws": ["10", "100", "200"],
    "--seed": ["0", "7", str(2**63 - 1)],
    "--target": ["100000", "1", "1e12"],
    "--model": ["local_level", "constant", "local_linear_trend"],
    "--per": ["week", "day", "month"],
    "--format": ["json", "text"],
    "--scenario": ["all", "slow"],
}
_BAD = {
    "-q": ["Recruits", "unknown_thing", "", "x" * 300, "stock_only"],
    "--from": ["0001-01-01", "9999-12-31", "2025-02-30", "yesterday", "", "1900-01-01"],
    "--to": ["0001-01-01", "9999-12-31", "2024-12-31", "1000-01-01", "2199-12-31"],
    "--until": ["0001-01-01", "9999-12-31", "1000-01-01", "2199-12-31", "2024-01-01"],
    "--as-of": ["0001-01-01", "2024-01-01", "2025-13-01"],
    "--draws": ["-1", "0", "9", "1000000000", "1e3", "nan", "99999999999999999999999", ""],
    "--seed": ["-1", str(2**63), str(2**64), "abc", "1.5"],
    "--target": ["-1", "0", "nan", "inf", "abc"],
    "--model": ["arima", ""],
    "--per": ["fortnight"],
    "--format": ["xml"],
    "--scenario": ["nope"],
}
_REQUIRED = {
    "fit": ["-q"],
    "estimate": ["-q", "--from", "--to"],
    "project": ["--assumptions", "--until"],
    "plot": [],
}
_OPTIONAL = {
    "fit": ["--as-of", "--until", "--model", "--seed"],
    "estimate": ["--as-of", "--target", "--format", "--model", "--seed"],
    "project": ["--draws", "--seed", "--scenario"],
    "plot": ["-q", "--as-of", "--until", "--per", "--assumptions", "--model"],
    "normalise": ["--as-of"],
    "validate": [],
    "import-series": [],
    "nonsense": ["-q"],
}


@st.composite
def _option(draw, name: str) -> list[str]:
    if name == "--assumptions":
        return [name, "ASSUMPTIONS"]
    bad = draw(st.integers(0, 4)) == 4  # not 0: hypothesis favours small values
    return [name, draw(st.sampled_from(_BAD[name] if bad else _GOOD[name]))]


@st.composite
def command_lines(draw) -> list[str]:
    """A command line over the files CLAIMS and ASSUMPTIONS (placeholders), often wrong:
    bad dates, --from after --to, huge --draws, negative seeds, unknown model or quantity.

    Each option is valid four times in five, so that runs also get past the parser."""
    cmd = draw(st.sampled_from(sorted(_OPTIONAL)))
    argv = [cmd]
    if cmd == "plot":
        argv.append(draw(st.sampled_from(["claims", "fit", "cumulative", "projection", "pie"])))
    argv.append("CLAIMS")
    names = list(_REQUIRED.get(cmd, []))
    names += (
        draw(st.lists(st.sampled_from(_OPTIONAL[cmd]), max_size=3, unique=True))
        if (_OPTIONAL[cmd])
        else []
    )
    for name in dict.fromkeys(names):
        argv += draw(_option(name))
    if draw(st.integers(0, 9)) == 9:
        argv.append(draw(st.sampled_from(["--bogus", "-x", "extra"])))
    return argv
