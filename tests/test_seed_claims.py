"""Checks on data/claims.csv against the documents it was read from.

A claim's `document` is either a seed file under `seeds/` or the URL of a public web page.
The text of every web page used is kept in the repository under `seeds/web/` (listed in
`seeds/web/index.csv`), so that each quote can be checked here, offline.

Standard library only (csv, pathlib, re, datetime): these tests do not import `trends`
(except the repeat check, which reuses its window arithmetic), so they hold the data to
account even while the package is being written.
"""

import csv
import datetime as dt
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CLAIMS = REPO / "data" / "claims.csv"
WEB = REPO / "seeds" / "web"
WEB_INDEX = WEB / "index.csv"

COLUMNS = [
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
]
KINDS = {"rate", "total", "target", "stock"}
PERS = {"day", "week", "month", "quarter", "year"}
# qualifier -> phrases of which a quote carrying it must contain at least one (the stored
# pages are in English, Russian, Portuguese, Romanian, Polish, Italian, German, Hungarian
# and Arabic)
HEDGE_PHRASES = {
    "about": ["about", "около", "порядка", "примерно", "circa"],
    "approximately": ["approximately"],
    "around": ["around"],
    "roughly": ["roughly"],
    "nearly": ["nearly", "approaching", "почти", "quase", "aproape"],
    "almost": ["almost", "почти", "aproape"],
    "over": ["over", "свыше", "более"],
    "more_than": ["more than", "более", "свыше", "больше", "أكثر من", "mehr als", "greater than"],
    "at_least": ["at least", "legalább"],
    "up_to": ["up to"],
    "as_many_as": ["as many as"],
    "fewer_than": ["fewer than"],
    "less_than": ["less than"],
    "exact": [],
}
# a named-death count is a lower bound by construction even when its text has no hedge
# word: `at_least` is then allowed if the notes say so
LOWER_BOUND_NOTE = "LOWER BOUND"
# words for "thousand" and "million" on the stored pages
THOUSAND_WORDS = ["thousand", "тыс", "тысяч", "mil", "ألف", "tys", "ezer"]
MILLION_WORDS = ["million", "млн", "millionen"]
# digit-group separators: comma, full stop, space, no-break space, narrow no-break space
SEPARATORS = [",", ".", " ", "\u00a0", "\u202f"]
NUMBER_WORDS = {
    1: "one",
    2: "two",
    3: "three",
    4: "four",
    5: "five",
    6: "six",
    7: "seven",
    8: "eight",
    9: "nine",
    10: "ten",
    12: "twelve",
    20: "twenty",
    50: "fifty",
    100: "hundred",
}
WORD_NUMBERS = {w: n for n, w in NUMBER_WORDS.items()}
WORD_NUMBERS.update({"twice": 2, "double": 2, "triple": 3})


def _read():
    with CLAIMS.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return reader.fieldnames, list(reader)


HEADER, ROWS = _read()
BY_ID = {r["id"]: r for r in ROWS}


def _read_web_index():
    with WEB_INDEX.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return reader.fieldnames, list(reader)


WEB_HEADER, WEB_ROWS = _read_web_index()
WEB_FILE = {r["url"]: r["file"] for r in WEB_ROWS}


def is_url(document):
    return document.startswith(("http://", "https://"))


def document_path(document):
    """The file in the repository that holds `document`'s text."""
    if is_url(document):
        assert document in WEB_FILE, f"{document} is not listed in {WEB_INDEX.relative_to(REPO)}"
        return REPO / WEB_FILE[document]
    return REPO / document


def squash(text):
    """`text` with every run of whitespace turned into one space."""
    return " ".join(text.split())


def quote_in_text(quote, text, url):
    """True if `quote` occurs in `text`: exactly for seed files, up to whitespace for pages."""
    if url:
        return squash(quote) in squash(text)
    return quote in text


def _ids(rows):
    return [r["id"] or f"row{i + 2}" for i, r in enumerate(rows)]


def _number(text):
    return float(text.replace(",", ""))


def _grouped(n, sep):
    return f"{n:,}".replace(",", sep)


def renderings(value):
    """Ways a document may write `value` (as lower-case strings)."""
    v = _number(value)
    out = set()
    if v == int(v):
        n = int(v)
        out |= {_grouped(n, sep) for sep in SEPARATORS} | {str(n)}
        for unit, words in (
            (1_000_000_000, ["billion"]),
            (1_000_000, MILLION_WORDS),
            (1_000, THOUSAND_WORDS),
        ):
            if n % unit == 0:
                k = n // unit
                for word in words:
                    out |= {f"{k} {word}", f"{k:,} {word}"}
                    if k in NUMBER_WORDS:
                        out.add(f"{NUMBER_WORDS[k]} {word}")
                    if k == 1:
                        out.add(f"a {word}")
            elif n % (unit // 10) == 0 and n > unit:
                # one decimal: "26.8 thousand", "26,8 tys."
                k = f"{n / unit:.1f}"
                for word in words:
                    out |= {f"{k} {word}", f"{k.replace('.', ',')} {word}"}
        if n % 1000 == 0:
            out.add(f"{n // 1000}k")
        if n == 500_000:
            out.add("half a million")
    else:
        out.add(str(v))
    return out


def value_in_quote(row, rows):
    """True if the figure in `row`'s quote is consistent with its value.

    Either the value itself is written in the quote (digits or words), or the quote says
    "N times" and the value is N times the value of another claim read from the same document
    (the derivation must then be explained in `notes`).
    """
    quote = row["quote"].lower()
    for r in renderings(row["value"]):
        if re.search(r"(?<![\d,.])" + re.escape(r) + r"(?![\d]|,\d)", quote):
            return True
    m = re.search(r"\b(\d+|[a-z]+) times\b|\b(twice|double|triple)\b", quote)
    if m and "times" in row["notes"].lower() + " " + quote:
        word = m.group(1) or m.group(2)
        factor = int(word) if word.isdigit() else WORD_NUMBERS.get(word)
        if factor:
            bases = [
                _number(o["value"])
                for o in rows
                if o is not row and o["document"] == row["document"]
            ]
            return any(abs(factor * b - _number(row["value"])) < 1e-9 for b in bases)
    return False


def test_header_is_exactly_the_v1_columns():
    assert HEADER == COLUMNS


def test_there_are_claims_from_every_seed_document():
    seeds = {f"seeds/{p.name}" for p in (REPO / "seeds").glob("*.txt")}
    assert seeds, "no seed documents under seeds/"
    files = {r["document"] for r in ROWS if not is_url(r["document"])}
    assert files == seeds


def test_web_index_lists_every_stored_page_once():
    assert WEB_HEADER == ["url", "file"]
    urls = [r["url"] for r in WEB_ROWS]
    assert len(urls) == len(set(urls)), "a URL is listed twice"
    files = [r["file"] for r in WEB_ROWS]
    assert sorted(files) == sorted(f"seeds/web/{p.name}" for p in WEB.glob("*.txt"))
    for r in WEB_ROWS:
        lines = (REPO / r["file"]).read_text(encoding="utf-8").splitlines()
        assert lines[0] == f"URL: {r['url']}", f"{r['file']}: first line is not 'URL: {r['url']}'"
        assert lines[1].startswith("Retrieved: "), (
            f"{r['file']}: second line is not 'Retrieved: ...'"
        )


def test_every_stored_page_is_used():
    """Each page is the document of a claim, or named in a claim's notes as evidence."""
    documents = {r["document"] for r in ROWS}
    notes = " ".join(r["notes"] for r in ROWS)
    for r in WEB_ROWS:
        assert r["url"] in documents or r["file"] in notes, f"{r['file']} is not used"


def test_ids_are_unique_and_well_formed():
    ids = [r["id"] for r in ROWS]
    assert len(ids) == len(set(ids)), "duplicate ids"
    for i in ids:
        assert re.fullmatch(r"[A-Za-z0-9_.\-]+", i), i


@pytest.mark.parametrize("row", ROWS, ids=_ids(ROWS))
def test_document_and_quote_present(row):
    assert row["document"].strip(), "empty document"
    assert row["quote"].strip(), "empty quote"
    assert "\n" not in row["quote"] and "\r" not in row["quote"], "quote spans lines"


@pytest.mark.parametrize("row", ROWS, ids=_ids(ROWS))
def test_quote_is_verbatim_in_document(row):
    path = document_path(row["document"])
    assert path.is_file(), f"{path} not found (document {row['document']})"
    text = path.read_text(encoding="utf-8")
    assert quote_in_text(row["quote"], text, is_url(row["document"])), (
        f"quote of {row['id']} is not in the text of {row['document']} ({path.name})"
    )


def test_quote_check_can_fail():
    """The verbatim check is not vacuous: one changed word or figure is caught."""
    row = next(r for r in ROWS if is_url(r["document"]))
    text = document_path(row["document"]).read_text(encoding="utf-8")
    assert quote_in_text(row["quote"], text, True)
    assert quote_in_text("  " + row["quote"].replace(" ", "\n", 1), text, True)
    for digit in "0123456789":
        if digit in row["quote"]:
            other = str((int(digit) + 1) % 10)
            assert not quote_in_text(row["quote"].replace(digit, other), text, True)
            break
    assert not quote_in_text(row["quote"] + " and more", text, True)


@pytest.mark.parametrize(
    "row", [r for r in ROWS if r["derived_from"]], ids=_ids([r for r in ROWS if r["derived_from"]])
)
def test_derived_from_names_an_existing_claim(row):
    root = BY_ID.get(row["derived_from"])
    assert root is not None, f"{row['id']}: derived_from {row['derived_from']!r} is not an id"
    assert root["id"] != row["id"], "a claim cannot derive from itself"
    # a repeat repeats the same figure of the same thing: the same quantity, and the same
    # count over its window (a weekly average restating a year-to-date total is a repeat)
    assert root["quantity"] == row["quantity"]
    if root["kind"] == row["kind"] and row["start"] == root["start"]:
        assert _number(root["value"]) == _number(row["value"])
    else:
        from trends.claims import read_claims
        from trends.observe import observe

        claims = {c.id: c for c in read_claims(CLAIMS)}
        a, b = observe(claims[row["id"]]), observe(claims[root["id"]])
        if (a.start, a.end) == (b.start, b.end):
            assert abs(a.total_mid / b.total_mid - 1) < 0.1, (row["id"], a, b)


def test_derived_from_has_no_cycles():
    for row in ROWS:
        seen, cur = set(), row
        while cur["derived_from"]:
            assert cur["id"] not in seen, f"derived_from cycle through {cur['id']}"
            seen.add(cur["id"])
            cur = BY_ID[cur["derived_from"]]


@pytest.mark.parametrize("row", ROWS, ids=_ids(ROWS))
def test_quote_figure_matches_value(row):
    assert value_in_quote(row, ROWS), (
        f"{row['id']}: value {row['value']} not found in quote {row['quote']!r}"
    )


@pytest.mark.parametrize("row", ROWS, ids=_ids(ROWS))
def test_qualifier_matches_quote(row):
    q = row["qualifier"]
    assert q == "" or q in HEDGE_PHRASES, f"unknown qualifier {q!r}"
    phrases = HEDGE_PHRASES.get(q, [])
    if not phrases:
        return
    quote = row["quote"].lower()
    found = [p for p in phrases if re.search(rf"\b{re.escape(p)}\b", quote)]
    if q == "at_least" and not found:
        assert LOWER_BOUND_NOTE in row["notes"], (
            f"'at_least' without 'at least' in the quote needs a {LOWER_BOUND_NOTE!r} note"
        )
        return
    assert found, f"{q!r} but the quote has none of {phrases}"


@pytest.mark.parametrize("row", ROWS, ids=_ids(ROWS))
def test_kind_period_and_dates_are_consistent(row):
    assert row["kind"] in KINDS
    assert re.fullmatch(r"[a-z][a-z0-9_]*", row["quantity"]), row["quantity"]
    assert _number(row["value"]) > 0
    if row["kind"] == "rate":
        assert row["per"] in PERS, "a rate needs per"
    else:
        assert row["per"] == "", "per is only for rates"
    if row["kind"] in {"total", "target"}:
        assert row["start"], "totals and targets need start"
    end = dt.date.fromisoformat(row["end"])
    if row["start"]:
        assert dt.date.fromisoformat(row["start"]) <= end
    if row["published"]:
        dt.date.fromisoformat(row["published"])


def test_value_check_can_fail():
    """The value/quote check is not vacuous."""
    row = dict(BY_ID["isw_weekly_2025"])
    assert value_in_quote(row, ROWS)
    row["value"] = "80000"
    assert not value_in_quote(row, ROWS)
    row = dict(BY_ID["russia_ammo_2024"])
    assert value_in_quote(row, ROWS)
    row["value"] = "2000000"
    assert not value_in_quote(row, ROWS)
