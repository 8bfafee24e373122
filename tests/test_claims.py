"""Reading, validating, writing and filtering claims files (trends.claims)."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import DAY, dates, periods, qualifiers

from trends.claims import (
    COLUMNS,
    Claim,
    as_of,
    claims_frame,
    for_quantity,
    independent,
    parse_value,
    read_claims,
    roots,
    write_claims,
)
from trends.errors import ClaimsFormatError, TrendsError

D = dt.date


def write_csv(path, header, rows):
    """A claims CSV from a header and rows (lists of cells, or dicts by column)."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow([r.get(h, "") for h in header] if isinstance(r, dict) else r)
    return path


def claim(cid, **kw):
    """A valid total claim, fields overridable."""
    base = dict(
        id=cid, quantity="recruits", kind="total", value=1000.0, start=D(2024, 1, 1),
        end=D(2024, 3, 31),
    )  # fmt: skip
    base.update(kw)
    return Claim(**base)


def ids(claims):
    return [c.id for c in claims]


# ---------------------------------------------------------------------------------
# A valid file
# ---------------------------------------------------------------------------------


def test_valid_file(tmp_path):
    header = ["quote", "id", "kind", "quantity", "value", "per", "start", "end", "qualifier"]
    header += ["low", "high", "published", "derived_from", "source", "attributed_to"]
    rows = [
        {
            "id": "isw_weekly",
            "quantity": "recruits",
            "kind": "rate",
            "value": "8,000",
            "per": "week",
            "end": "2025-09-15",
            "qualifier": "nearly",
            "published": "2025-09-22",
            "quote": 'with nearly 8,000 individuals signing up each week, "ISW" says',
            "source": "Global Newz Live",
            "attributed_to": "ISW",
        },
        {
            "id": "isw_ytd",
            "quantity": "recruits",
            "kind": "total",
            "value": "300k",
            "start": "2025-01-01",
            "end": "2025-09-15",
            "qualifier": "approximately",
        },
        {
            "id": "range",
            "quantity": "recruits",
            "kind": "total",
            "value": "25000",
            "start": "2024-10-01",
            "end": "2024-10-31",
            "low": "20,000",
            "high": "30k",
        },
        {
            "id": "nato_losses",
            "quantity": "casualties",
            "kind": "stock",
            "value": " 600,000 ",
            "end": "2024-10-15",
        },
        {
            "id": "repeat.1",
            "quantity": "recruits",
            "kind": "rate",
            "value": "8000",
            "per": "week",
            "end": "2025-09-15",
            "qualifier": "nearly",
            "published": "2025-10-12",
            "derived_from": "isw_weekly",
        },
    ]
    path = write_csv(tmp_path / "claims.csv", header, rows)
    claims = read_claims(path)
    assert ids(claims) == ["isw_weekly", "isw_ytd", "range", "nato_losses", "repeat.1"]
    weekly, ytd, rng, stock, repeat = claims
    assert weekly.value == 8000.0 and weekly.per == "week" and weekly.start is None
    assert weekly.window == (D(2025, 9, 9), D(2025, 9, 15)) and weekly.days == 7
    assert weekly.published_on == D(2025, 9, 22) and weekly.row == 2
    assert weekly.quote == 'with nearly 8,000 individuals signing up each week, "ISW" says'
    assert weekly.attributed_to == "ISW" and weekly.derived_from is None
    assert ytd.value == 300000.0 and ytd.days == 258 and ytd.published_on == ytd.end
    assert (rng.low, rng.high) == (20000.0, 30000.0)
    assert stock.value == 600000.0 and stock.window == (stock.end, stock.end)
    assert repeat.derived_from == "isw_weekly" and repeat.row == 6
    assert ids(independent(claims)) == ["isw_weekly", "isw_ytd", "range", "nato_losses"]
    assert ids(for_quantity(claims, "casualties")) == ["nato_losses"]
    frame = claims_frame(claims)
    assert list(frame["id"]) == ids(claims) and "row" in frame.columns


def test_header_only_file_has_no_claims(tmp_path):
    assert read_claims(write_csv(tmp_path / "c.csv", COLUMNS, [])) == []


# ---------------------------------------------------------------------------------
# Every error at once, with row and column
# ---------------------------------------------------------------------------------

ERROR_HEADER = ["id", "quantity", "kind", "value", "per", "start", "end", "qualifier"]
ERROR_HEADER += ["low", "high", "published", "derived_from", "colour"]
ERROR_ROWS = [
    # id, quantity, kind, value, per, start, end, qualifier, low, high, published, derived
    ["ok", "recruits", "rate", "8000", "week", "", "2025-09-15", "", "", "", "", ""],  # 2
    ["bad_date", "recruits", "total", "1", "", "2025-01-01", "2025-13-01", "", "", "", "", ""],
    ["backwards", "recruits", "total", "1", "", "2025-03-01", "2025-02-01", "", "", "", "", ""],
    ["zero", "recruits", "total", "0", "", "2025-01-01", "2025-02-01", "", "", "", "", ""],  # 5
    ["odd_kind", "recruits", "estimate", "5", "", "2025-01-01", "2025-02-01", "", "", "", "", ""],
    ["ok", "recruits", "total", "5", "", "2025-01-01", "2025-02-01", "", "", "", "", ""],  # 7
    ["orphan", "recruits", "total", "5", "", "2025-01-01", "2025-02-01", "", "", "", "", "gone"],
    ["cyc_a", "recruits", "total", "5", "", "2025-01-01", "2025-02-01", "", "", "", "", "cyc_b"],
    ["cyc_b", "recruits", "total", "5", "", "2025-01-01", "2025-02-01", "", "", "", "", "cyc_a"],
    ["no_per", "recruits", "rate", "5", "", "", "2025-02-01", "", "", "", "", ""],  # 11
    ["no_start", "recruits", "total", "5", "", "", "2025-02-01", "", "", "", "", ""],
    ["inverted", "recruits", "total", "25k", "", "2025-01-01", "2025-02-01", "", "30k", "20k"],
    ["outside", "recruits", "total", "40k", "", "2025-01-01", "2025-02-01", "", "20k", "30k"],
    ["typo", "recruits", "total", "5", "", "2025-01-01", "2025-02-01", "approx", "", "", "", ""],
    ["fortnight", "recruits", "rate", "5", "fortnight", "", "2025-02-01", "", "", "", "", ""],
    ["words", "recruits", "total", "8 thousand", "", "2025-01-01", "2025-02-01"],  # 17
    ["when", "recruits", "total", "5", "", "2025-01-01", "2025-02-01", "", "", "", "22/09/2025"],
    ["self", "recruits", "total", "5", "", "2025-01-01", "2025-02-01", "", "", "", "", "self"],
    ["Bad Id!", "Recruits", "total", "5", "", "2025-01-01", "2025-02-01", "", "", "", "", ""],
]
EXPECTED = {  # (row, column) -> a phrase of the message
    (1, "colour"): "unknown column",
    (3, "end"): "not a real date",
    (4, "end"): "before start",
    (5, "value"): "value must be positive, got 0",
    (6, "kind"): "unknown kind 'estimate'",
    (7, "id"): "duplicate id 'ok': rows 2 and 7",
    (8, "derived_from"): "'gone', which is not an id",
    (9, "derived_from"): "cycle",
    (10, "derived_from"): "cycle",
    (11, "per"): "a rate needs a period",
    (12, "start"): "a total needs a start date",
    (13, "low"): "above high",
    (14, "value"): "above its own high",
    (15, "qualifier"): "unknown qualifier 'approx'",
    (16, "per"): "unknown period 'fortnight'",
    (17, "value"): "cannot read value '8 thousand'",
    (18, "published"): "not an ISO date",
    (19, "derived_from"): "cannot repeat itself",
    (20, "id"): "has characters other than",
    (20, "quantity"): "not snake_case",
}


def test_every_error_is_reported_at_once(tmp_path):
    path = write_csv(tmp_path / "bad.csv", ERROR_HEADER, ERROR_ROWS)
    with pytest.raises(ClaimsFormatError) as info:
        read_claims(path)
    err = info.value
    assert isinstance(err, TrendsError) and isinstance(err, ValueError)
    assert err.path == str(path)
    found = {(e.row, e.column): e.message for e in err.errors}
    for (row, column), phrase in EXPECTED.items():
        assert (row, column) in found, f"no error on row {row}, column {column!r}"
        assert phrase in found[(row, column)]
    assert len(err.errors) == len(EXPECTED)  # one error per problem, none twice
    text = str(err)
    assert text.startswith(f"{path}: {len(EXPECTED)} errors in the claims file")
    for row, column in EXPECTED:
        assert f"row {row}, column '{column}'" in text
    rows = [e.row for e in err.errors]
    assert rows == sorted(rows)


def test_errors_carry_hints(tmp_path):
    path = write_csv(tmp_path / "bad.csv", ERROR_HEADER, ERROR_ROWS)
    with pytest.raises(ClaimsFormatError) as info:
        read_claims(path)
    by_place = {(e.row, e.column): e for e in info.value.errors}
    assert "YYYY-MM-DD" in by_place[(3, "end")].hint
    assert "day, week, month" in by_place[(11, "per")].hint
    assert "swap" in by_place[(13, "low")].hint


def test_unknown_column_suggests_the_known_one(tmp_path):
    header = ["id", "quantity", "kind", "value", "end", "derivedFrom"]
    path = write_csv(tmp_path / "c.csv", header, [])
    with pytest.raises(ClaimsFormatError) as info:
        read_claims(path)
    (e,) = info.value.errors
    assert (e.row, e.column) == (1, "derivedFrom") and "derived_from" in e.hint


def test_missing_required_columns_stop_early(tmp_path):
    path = write_csv(tmp_path / "c.csv", ["id", "kind", "value"], [["a", "total", "5"]])
    with pytest.raises(ClaimsFormatError) as info:
        read_claims(path)
    assert {(e.row, e.column) for e in info.value.errors} == {(1, "quantity"), (1, "end")}


def test_ragged_rows(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("id,quantity,kind,value,end\na,recruits,stock,5,2024-01-01,extra\n")
    with pytest.raises(ClaimsFormatError, match="row 2: more cells than header columns"):
        read_claims(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "the file is empty"), (b"id,quantity\n\xff\xfe,x\n", "not UTF-8")],
)
def test_unreadable_files(tmp_path, content, message):
    path = tmp_path / "c.csv"
    path.write_bytes(content)
    with pytest.raises(ClaimsFormatError, match=message):
        read_claims(path)


def test_missing_file_names_the_path(tmp_path):
    path = tmp_path / "nowhere.csv"
    with pytest.raises(ClaimsFormatError, match="file not found") as info:
        read_claims(path)
    assert str(path) in str(info.value)


# ---------------------------------------------------------------------------------
# parse_value
# ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("8,000", 8000.0),
        ("8k", 8000.0),
        ("8K", 8000.0),
        ("1.2m", 1.2e6),
        ("1.2M", 1.2e6),
        ("300000", 300000.0),
        ("300,000", 300000.0),
        ("1,456,610", 1456610.0),
        ("12,345.5", 12345.5),
        ("1.5bn", 1.5e9),
        ("0.5", 0.5),
        (".5", 0.5),
        (" 30k ", 30000.0),
        ("8\u202f000", 8000.0),
        ("+7", 7.0),
    ],
)
def test_parse_value(text, value):
    assert parse_value(text) == pytest.approx(value, rel=1e-15)


@pytest.mark.parametrize(
    "text", ["", " ", "k", "8 000", "1,00", "1,2345", "8e3", "-5", "abc", "8,000k1", "1.2.3"]
)
def test_parse_value_rejects(text):
    with pytest.raises(ValueError, match="not a number"):
        parse_value(text)


# ---------------------------------------------------------------------------------
# Repeats (derived_from) and as-of filtering
# ---------------------------------------------------------------------------------


def test_independent_collapses_a_chain_to_its_root():
    a = claim("a", published=D(2024, 4, 1))
    b = claim("b", published=D(2024, 4, 5), derived_from="a")
    c = claim("c", published=D(2024, 4, 10), derived_from="b")
    other = claim("other", quantity="casualties")
    assert ids(independent([c, b, a, other])) == ["a", "other"]
    assert roots([a, b, c, other]) == {"a": "a", "b": "a", "c": "a", "other": "other"}


def test_independent_earliest_repeat_stands_in_for_a_filtered_root():
    a = claim("a", published=D(2024, 5, 1))  # the original, public late
    b = claim("b", published=D(2024, 4, 5), derived_from="a")
    c = claim("c", published=D(2024, 4, 10), derived_from="b")
    public = as_of([a, b, c], D(2024, 4, 20))
    assert ids(public) == ["b", "c"]
    assert ids(independent(public)) == ["b"]


def test_independent_counts_sibling_repeats_once_when_the_root_is_filtered():
    """Regression: two repeats of one original used to count twice without it."""
    a = claim("a", published=D(2024, 5, 1))
    late = claim("late", published=D(2024, 4, 10), derived_from="a")
    early = claim("early", published=D(2024, 4, 5), derived_from="a")
    public = as_of([a, late, early], D(2024, 4, 20))
    assert ids(independent(public)) == ["early"]
    assert roots(public) == {"late": "a", "early": "a"}


def test_a_repeat_chain_counts_once_when_its_middle_link_is_not_public_yet():
    """A <- B <- C with B published after C: as of a day between them, A and C are
    public and are one figure (the chain is resolved on the whole list)."""
    a = claim("a", published=D(2024, 4, 1))
    b = claim("b", published=D(2024, 4, 20), derived_from="a")
    c = claim("c", published=D(2024, 4, 10), derived_from="b")
    public = as_of([a, b, c], D(2024, 4, 15))
    assert ids(public) == ["a", "c"]
    assert ids(independent(public)) == ["a"]
    assert roots(public) == {"a": "a", "c": "a"}
    assert c.derived_from == "b"  # the input is not changed
    # without the original public, the earliest published member stands for the group
    early = as_of([a, b, c], D(2024, 4, 25))
    assert ids(independent([x for x in early if x.id != "a"])) == ["c"]


def test_as_of_uses_published_else_end():
    dated = claim("dated", end=D(2024, 3, 31), published=D(2024, 4, 10))
    undated = claim("undated", end=D(2024, 3, 31))
    both = [dated, undated]
    assert ids(as_of(both, D(2024, 3, 30))) == []
    assert ids(as_of(both, D(2024, 3, 31))) == ["undated"]
    assert ids(as_of(both, D(2024, 4, 9))) == ["undated"]
    assert ids(as_of(both, D(2024, 4, 10))) == ["dated", "undated"]
    assert ids(as_of(both, None)) == ["dated", "undated"]


# ---------------------------------------------------------------------------------
# write_claims -> read_claims
# ---------------------------------------------------------------------------------


def _without_row(claims):
    return [dataclasses.replace(c, row=None) for c in claims]


def test_write_read_round_trip(tmp_path):
    claims = [
        Claim(
            id="isw_weekly",
            quantity="recruits",
            kind="rate",
            value=8000.0,
            end=D(2025, 9, 15),
            per="week",
            qualifier="nearly",
            published=D(2025, 9, 22),
            source="Global Newz Live",
            attributed_to="ISW",
            document="seeds/001_1704c88498a62d58.txt",
            quote='"nearly 8,000 individuals", they said',
            notes="two lines\nof notes, with ünïcödé",
        ),
        claim("range", value=25000.0, low=20000.0, high=30000.0, derived_from="isw_weekly"),
        claim("big", value=1e12, qualifier="exact"),  # regression: used to write 1e+12
        claim("small", kind="rate", per="day", start=None, value=1.5e-5, quantity="rare"),
        claim("stock", kind="stock", start=None, value=1456610.0, quantity="casualties"),
        claim("target", kind="target", value=400000.0, qualifier="as_many_as"),
    ]
    path = tmp_path / "out.csv"
    write_claims(claims, path)
    assert path.read_text(encoding="utf-8").splitlines()[0] == ",".join(COLUMNS)
    back = read_claims(path)
    assert [c.row for c in back] == list(range(2, 2 + len(claims)))
    assert _without_row(back) == claims


_text = st.text(
    # "\ufeff": the reader drops a byte-order mark inside a cell
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\ufeff"),
    max_size=20,
).map(str.strip)


@st.composite
def _claims(draw, cid):
    kind = draw(st.sampled_from(("rate", "total", "target", "stock")))
    end = draw(dates)
    start = end - draw(st.integers(0, 900)) * DAY
    if kind == "rate" or kind == "stock":
        start = draw(st.sampled_from((None, start)))
    value = draw(
        st.one_of(
            st.integers(1, 10**12 - 1).map(float),
            st.integers(1, 10**6).map(lambda n: n / 1000),
        )
    )
    return Claim(
        id=cid,
        # One quantity a claim: claims of one quantity may not differ by more than
        # RATE_RATIO_MAX per day, and this test is about rows, not quantities.
        quantity=draw(st.from_regex(r"[a-z][a-z0-9_]{0,15}", fullmatch=True)) + f"_{cid}",
        kind=kind,
        value=value,
        end=end,
        per=draw(periods) if kind == "rate" else None,
        start=start,
        qualifier=draw(qualifiers),
        published=draw(st.one_of(st.none(), dates)),
        source=draw(_text),
        quote=draw(_text),
        notes=draw(_text),
    )


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=50)
@given(st.integers(1, 6).flatmap(lambda n: st.tuples(*(_claims(f"c{i}") for i in range(n)))))
def test_write_read_round_trip_property(tmp_path, claims):
    path = tmp_path / "round.csv"
    write_claims(claims, path)
    assert _without_row(read_claims(path)) == list(claims)


def test_write_claims_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "out.csv"
    path.write_text("old\n")

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("trends.files.os.replace", boom)
    with pytest.raises(OSError, match="disk full"):
        write_claims([claim("a")], path)
    assert path.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]
