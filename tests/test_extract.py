"""trends extract: candidate claims from article text.

The seed test holds the extractor to the rows of data/claims.csv that were written by hand
from the same five documents; the property tests cover number styles, quotes and inputs.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import warnings
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trends.claims import read_claims
from trends.cli import main
from trends.errors import ClaimsFormatError
from trends.extract import (
    ExtractError,
    ExtractWarning,
    extract,
    extract_text,
    parse_number,
    read_anchors,
    read_document,
    title_holder,
    write_candidates,
)
from trends.quantities import parse_quantities, read_quantities

REPO = Path(__file__).resolve().parents[1]
SEEDS = sorted(str(p.relative_to(REPO)) for p in (REPO / "seeds").glob("*.txt"))

# The documents' dates as data/claims.csv's notes work them out (doc 003 carries its own).
SEED_DATES = {
    "seeds/000_b9e7eb4444ed9aa3.txt": dt.date(2025, 9, 22),
    "seeds/001_1704c88498a62d58.txt": dt.date(2025, 9, 22),
    "seeds/002_3533d4c65ee556ad.txt": dt.date(2023, 3, 24),
    "seeds/004_f6219f7be17514d4.txt": dt.date(2025, 10, 12),
}

# Windows data/claims.csv took from outside the text (its notes say so): ISW's data ran to
# 2025-09-15 and the CSIS report is of 2025-06-03. From the text alone the window ends on
# the publication date (or, for "In June", at the end of June); these are the text's windows.
TEXT_WINDOWS = {
    "isw_weekly_2025": ("", "2025-09-22"),  # "each week": one week ending on publication
    "isw_ytd_2025": ("2025-01-01", "2025-09-22"),  # "since the beginning of the year"
    "isw_weekly_2025_concl": ("", "2025-09-22"),
    "digest_ytd_summary_2025": ("2025-01-01", "2025-09-22"),  # no window: its root's
    "digest_weekly_summary_2025": ("", "2025-09-22"),  # no window: its root's
    "digest_ytd_signals_2025": ("2025-01-01", "2025-10-12"),  # "this year" of the digest
    "csis_casualties_2025": ("2022-02-24", "2025-06-30"),  # invasion .. "In June"
}
# The only link in data/claims.csv that the text does not make: ISW's weekly figure is
# its year-to-date total divided by the weeks (ISW's own arithmetic, in the claim's notes).
NOT_TEXT_REPEATS = {"isw_weekly_2025"}


@pytest.fixture(scope="module")
def seed_candidates():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ExtractWarning)
        return extract([str(REPO / p) for p in SEEDS], published={
            str(REPO / k): v for k, v in SEED_DATES.items()})  # fmt: skip


def _match(claim, cands):
    """The candidates of the claim's document whose quote overlaps the claim's quote."""
    doc = str(REPO / claim.document)
    a = Path(doc).read_text(encoding="utf-8").find(claim.quote)
    b = a + len(claim.quote)
    assert a >= 0, claim.id
    return [
        c
        for c in cands
        if c.document == doc and c.span[0] < b and a < c.span[1]
        and abs(c.value - claim.value) < 1e-6 * claim.value
    ]  # fmt: skip


def test_seeds_propose_every_claim(seed_candidates):
    # the hand-made claims read from the five seed documents (the file's other rows quote
    # web pages, whose stored text is under seeds/web/)
    claims = [c for c in read_claims(REPO / "data" / "claims.csv") if c.document in SEEDS]
    assert {c.document for c in claims} == set(SEEDS)
    assert len(claims) == 15
    matched = {}
    for claim in claims:
        found = _match(claim, seed_candidates)
        assert len(found) == 1, f"{claim.id}: {len(found)} candidates"
        c = found[0]
        matched[claim.id] = c
        assert (c.kind, c.per or None, c.qualifier, c.quantity) == (
            claim.kind, claim.per, claim.qualifier, claim.quantity), claim.id  # fmt: skip
        want = TEXT_WINDOWS.get(
            claim.id, ((claim.start or "") and claim.start.isoformat(), claim.end.isoformat())
        )
        assert (c.start, c.end) == want, claim.id
    # repeats: each repeat points at the claim data/claims.csv says it repeats
    ids = {c.id: cid for cid, c in matched.items()}
    for claim in claims:
        c = matched[claim.id]
        if claim.derived_from is None or claim.id in NOT_TEXT_REPEATS:
            assert not c.derived_from, f"{claim.id} marked as a repeat of {c.derived_from}"
        else:
            assert ids.get(c.derived_from) == claim.derived_from, claim.id
    # precision: nothing proposed beyond the hand-made claims
    assert len(seed_candidates) == len(claims)


def test_seed_quotes_are_in_their_documents(seed_candidates):
    for c in seed_candidates:
        text = Path(c.document).read_text(encoding="utf-8")
        assert text[c.span[0] : c.span[1]] == c.quote
        assert "\n" not in c.quote


def test_rutte_date_from_header_and_weekday():
    doc = read_document(REPO / "seeds" / "003_e5535fbe168a5709.txt")
    assert (doc.published, doc.published_from) == (dt.date(2024, 10, 30), "header line 3")
    rutte = extract_text(doc.text, published=doc.published)[0]
    # "stated on Monday" in an article of Wednesday 30 October: Monday 28 October
    assert (rutte.start, rutte.end, rutte.published) == ("2022-02-24", "2024-10-28", "2024-10-28")


# --- numbers -------------------------------------------------------------------------

_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen " \
    "fourteen fifteen sixteen seventeen eighteen nineteen".split()  # fmt: skip
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def _words(n: int) -> str:
    """English words for 0 < n < 10**9, written independently of the parser."""
    parts = []
    for scale, name in ((10**6, "million"), (10**3, "thousand"), (1, "")):
        k, n = divmod(n, scale)
        if not k:
            continue
        h, r = divmod(k, 100)
        chunk = [f"{_ONES[h]} hundred"] if h else []
        if r:
            chunk.append(
                _ONES[r] if r < 20 else _TENS[r // 10] + ("-" + _ONES[r % 10] if r % 10 else "")
            )
        parts.append(" and ".join(chunk) + (f" {name}" if name else ""))
    return " ".join(parts)


def _styles(n: int) -> list[str]:
    s = [f"{n:,}", f"{n:,}".replace(",", "."), f"{n:,}".replace(",", "\u202f"), _words(n)]
    if n < 10_000:
        s.append(str(n))
    if n % 1000 == 0:
        s += [f"{n // 1000}k", f"{n // 1000:,} thousand"]
    if n % 100_000 == 0 and n >= 1_000_000:
        m = n / 1e6
        s += [f"{m:g} million", f"{m:g} million".replace(".", ","), f"{m:g}m"]
    return s


counts = st.one_of(
    st.integers(1, 999_999_999),
    st.integers(1, 999_999).map(lambda k: k * 1000),
    st.integers(10, 9_999).map(lambda k: k * 100_000),
)


@given(counts)
def test_every_number_style_parses_to_the_same_value(n):
    for style in _styles(n):
        assert parse_number(style) == n, style


@given(counts)
def test_every_number_style_is_found_in_a_sentence(n):
    for style in _styles(n):
        if n < 100 and not style[0].isdigit():
            continue  # small counts in words are not figures ("three jets")
        text = f"Officials said that {style} new recruits signed contracts in 2024."
        cands = extract_text(text, published=dt.date(2025, 1, 10))
        assert [c.value for c in cands] == [n], style
        assert cands[0].quantity == "recruits"
        assert (cands[0].start, cands[0].end) == ("2024-01-01", "2024-12-31")


@pytest.mark.parametrize(
    "text, value",
    [
        ("one and a half thousand", 1500),
        ("a thousand and two hundred", 1200),
        ("half a million", 500_000),
        ("a quarter million", 250_000),
        ("117.4 thousand", 117_400),
        ("400,63 thousand", 400_630),
        ("402.430", 402_430),
        ("1.500 million", 1_500_000),
        ("30k", 30_000),
        ("1.2m", 1_200_000),
    ],
)
def test_number_styles_known_answers(text, value):
    assert parse_number(text) == pytest.approx(value, rel=1e-12)


@pytest.mark.parametrize("text", ["", "and a half", "12 apples", "1,23,4", "abc"])
def test_not_a_number(text):
    with pytest.raises(ValueError):
        parse_number(text)


@pytest.mark.parametrize(
    "sentence, low, high",
    [
        ("Russia lost between 7,000 and 15,000 soldiers in 2023.", 7000, 15000),
        ("Russia recruited 170,000-180,000 soldiers in 2023.", 170_000, 180_000),
        ("Russia recruited 1,000 to 1,500 soldiers in 2023.", 1000, 1500),
        ("Russia lost between 7 and 15 thousand soldiers in 2023.", 7000, 15000),
    ],
)
def test_ranges_fill_low_high_and_midpoint(sentence, low, high):
    (c,) = extract_text(sentence, published=dt.date(2024, 1, 5))
    assert (c.low, c.high, c.value) == (low, high, (low + high) / 2)


# --- kinds, windows, hedges -----------------------------------------------------------

P = dt.date(2024, 10, 30)  # a Wednesday


@pytest.mark.parametrize(
    "sentence, kind, per, start, end, qualifier",
    [
        ("About 1,000 men sign up every day.", "rate", "day", "", "2024-10-30", "about"),
        ("On average 1,200 recruits join daily.", "rate", "day", "", "2024-10-30", ""),
        ("Russia recruits 30,000 soldiers a month.", "rate", "month", "", "2024-10-30", ""),
        ("Some 300,000 recruits signed up since the beginning of the year.", "total", "",
         "2024-01-01", "2024-10-30", "about"),
        ("More than 300,000 recruits signed up since January 1.", "total", "", "2024-01-01",
         "2024-10-30", "more_than"),
        ("Nearly 30,000 recruits signed up so far this year.", "total", "", "2024-01-01",
         "2024-10-30", "nearly"),
        ("In September alone, 40,000 recruits signed contracts.", "total", "", "2024-09-01",
         "2024-09-30", ""),
        ("Over the past week 9,000 recruits signed contracts.", "total", "", "2024-10-24",
         "2024-10-30", ""),
        ("In the last 10 days, 5,000 recruits signed contracts.", "total", "", "2024-10-21",
         "2024-10-30", ""),
        ("At least 600,000 soldiers have been killed or wounded since the start of the war.",
         "total", "", "2022-02-24", "2024-10-30", "at_least"),
        ("Up to 300,000 men were mobilised since mobilisation began.", "total", "",
         "2022-09-21", "2024-10-30", "up_to"),
        ("The Kremlin aims to recruit 400,000 contract soldiers next year.", "target", "",
         "2025-01-01", "2025-12-31", ""),
        ("The ministry plans to sign up as many as 350,000 recruits this year.", "target", "",
         "2024-01-01", "2024-12-31", "as_many_as"),
    ],
)  # fmt: skip
def test_kind_window_and_hedge(sentence, kind, per, start, end, qualifier):
    (c,) = extract_text(sentence, published=P)
    assert (c.kind, c.per, c.start, c.end, c.qualifier) == (kind, per, start, end, qualifier)


@pytest.mark.parametrize(
    "sentence, who",
    [
        ("NATO estimates that Russia recruits about 30,000 new soldiers monthly.", "NATO"),
        ("According to ISW, Russia recruited 30,000 soldiers in September.", "ISW"),
        ("Medvedev said 450,000 people signed contracts in 2024.", "Medvedev"),
        ("Some 450,000 people signed contracts in 2024, Medvedev said.", "Medvedev"),
        ("Russia recruited 450,000 people in 2024.", ""),
    ],
)
def test_attribution(sentence, who):
    (c,) = extract_text(sentence, published=P)
    assert c.attributed_to == who


def test_unknown_noun_gives_low_confidence_candidate():
    (c,) = extract_text("Russia built 4,000 new bridges in 2023.", published=P)
    assert c.quantity == "" and c.confidence < 0.5 and c.status == "candidate"


def test_non_figures_are_skipped():
    text = (
        "On 24 February 2022 at 05:00, three columns moved 40 km in 12 hours; 155mm shells cost "
        "$3,000 each, up 20% in 2023, the T-72 and Su-27 flew, Article 5 held."
    )
    assert extract_text(text, published=P) == []


def test_repeats_across_documents(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("Nearly 8,000 recruits sign up each week, ISW said.\n", encoding="utf-8")
    b.write_text("A digest: an average of 8,000 recruits join weekly.\n"
                 "Separately, 5,000 tanks were lost.\n", encoding="utf-8")  # fmt: skip
    first, second, third = extract([a, b], published=P)
    assert first.derived_from == "" and second.derived_from == first.id
    assert third.derived_from == ""


def test_user_quantities_and_anchors(tmp_path):
    user = tmp_path / "q.toml"
    user.write_text('[bridges]\nlabel = "Bridges"\nphrases = ["bridges"]\n', encoding="utf-8")
    vocab = read_quantities(user, base=read_quantities())
    (c,) = extract_text("Russia built 4,000 new bridges in 2023.", published=P, quantities=vocab)
    assert c.quantity == "bridges" and c.confidence > 0.5
    anchors_file = tmp_path / "a.toml"
    anchors_file.write_text('[dam]\ndate = "2023-06-06"\nphrases = ["dam breach"]\n')
    anchors = read_anchors(anchors_file)
    (c,) = extract_text("About 3,000 people fled since the dam breach.", published=P,
                        anchors=anchors)  # fmt: skip
    assert (c.start, c.quantity) == ("2023-06-06", "emigrants")


# --- inputs ------------------------------------------------------------------------

fragments = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "Nearly 8,000 recruits sign up each week.",
                "In 2024, up to 407,200 people signed contracts.",
                "Russia lost 40 artillery systems and 15 tanks in one day.",
                "Some 1.2 million soldiers were killed or wounded, NATO said.",
                "| a | 300 |",
                "“About 30k troops,” he said.",
                "between 7,000 and 15,000 casualties",
            ]
        ),  # fmt: skip
        st.text(max_size=40),
        st.integers(0, 10**7).map(lambda n: f"{n:,}"),
    ),
    max_size=12,
)


@given(fragments, st.sampled_from([" ", "\n", ". ", " | ", "\r", "\r\n", "\u2028"]))
def test_quotes_are_substrings_and_text_is_unchanged(parts, sep):
    text = sep.join(parts)
    copy = str(text)
    cands = extract_text(text, published=P)
    assert text == copy
    for c in cands:
        assert text[c.span[0] : c.span[1]] == c.quote and c.quote in text
        assert len(c.quote.splitlines()) == 1  # one line, as the claims format wants
        assert c.value > 0 and 0 <= c.confidence <= 1


def _digest(path: Path) -> tuple[bytes, int]:
    return hashlib.sha256(path.read_bytes()).digest(), path.stat().st_mtime_ns


def test_extraction_leaves_the_documents_alone(tmp_path):
    docs = [tmp_path / Path(p).name for p in SEEDS]
    for src, dst in zip(SEEDS, docs, strict=True):
        dst.write_bytes((REPO / src).read_bytes())
    before = [_digest(d) for d in docs]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ExtractWarning)
        write_candidates(extract(docs, published=P), tmp_path / "c.csv")
    assert [_digest(d) for d in docs] == before


def test_html_text_only(tmp_path):
    page = tmp_path / "a.html"
    page.write_text(
        "<html><head><title>x</title><script>var n = 5000;</script></head><body>"
        "<p>Russia recruits <b>about 30,000</b> soldiers&nbsp;a month, NATO said.</p>"
        "</body></html>",
        encoding="utf-8",
    )
    doc = read_document(page, published=P)
    (c,) = extract_text(doc.text, published=P)
    assert c.value == 30000 and c.per == "month" and c.quote in doc.text
    assert "5000" not in doc.text


def test_bad_inputs_give_clear_messages(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.warns(ExtractWarning, match="no figures"):
        assert extract([empty], published=P) == []
    binary = tmp_path / "x.bin"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10)
    with pytest.raises(ExtractError, match="binary"):
        extract([binary], published=P)
    big = tmp_path / "big.txt"
    with big.open("wb") as f:
        f.truncate(50_000_000)
    with pytest.raises(ExtractError, match="50.0 MB"):
        extract([big], published=P)
    with pytest.raises(ExtractError, match="not found"):
        extract([tmp_path / "missing.txt"], published=P)
    words = tmp_path / "words.txt"
    words.write_text("No figures here at all.\n", encoding="utf-8")
    with pytest.warns(ExtractWarning, match="no figures"):
        assert extract([words], published=P) == []


def test_mixed_encodings_are_read_with_a_warning(tmp_path):
    mixed = tmp_path / "mixed.txt"
    utf8 = "Nearly 8,000 recruits sign up each week \u2013 ISW.\n".encode()
    mixed.write_bytes(utf8 + "About 300 tanks were lost, caf\xe9 owners said.\n".encode("cp1252"))
    with pytest.warns(ExtractWarning, match="1 of 2 lines are not UTF-8"):
        doc = read_document(mixed, published=P)
    cands = extract_text(doc.text, published=P)
    assert [c.value for c in cands] == [8000, 300]
    assert all(c.quote in doc.text for c in cands)


def test_cli_bad_inputs_exit_1_without_traceback(tmp_path, capsys):
    binary = tmp_path / "x.bin"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    out = tmp_path / "c.csv"
    assert main(["extract", str(binary), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "binary" in err and "Traceback" not in err and not out.exists()
    assert main(["extract", str(binary), "--published", "2024-13-01", "-o", str(out)]) == 1
    assert main(["extract", str(binary), "-o", str(binary)]) == 1


# --- review: candidates file -> validate -> accepted rows only --------------------------


def test_candidates_validate_and_only_accepted_rows_are_used(tmp_path, capsys):
    doc = tmp_path / "a.txt"
    doc.write_text(
        "NATO estimates that Russia recruits about 30,000 new soldiers monthly.\n"
        "Russia built 4,000 new bridges in 2023.\n"
        "Nearly 600,000 soldiers were killed or wounded since the full-scale invasion.\n",
        encoding="utf-8",
    )
    out = tmp_path / "c.csv"
    assert main(["extract", str(doc), "--published", "2024-10-30", "-o", str(out)]) == 0
    assert main(["validate", str(out)]) == 0
    captured = capsys.readouterr()
    assert "0 claims" in captured.out and "3 rows marked 'candidate'" in captured.err
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["status"] for r in rows] == ["candidate"] * 3
    assert rows[1]["quantity"] == ""  # a reviewer fills it in or rejects the row
    rows[0]["status"], rows[1]["status"] = "accepted", "rejected"
    rows[2]["status"] = ""  # unmarked: used as a claim
    with out.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    claims = read_claims(out)
    assert [(c.quantity, c.value) for c in claims] == [("recruits", 30000), ("casualties", 600000)]


def test_review_columns_are_checked(tmp_path):
    f = tmp_path / "c.csv"
    f.write_text(
        "id,quantity,kind,value,per,start,end,confidence,status\n"
        "a,recruits,rate,100,week,,2024-01-07,1.5,accepted\n"
        "b,recruits,rate,100,week,,2024-01-07,0.5,maybe\n"
        "c,,total,100,,,,0.2,candidate\n"
        "d,,total,-5,,,,0.2,candidate\n",
        encoding="utf-8",
    )
    with pytest.raises(ClaimsFormatError) as e:
        read_claims(f)
    msg = str(e.value)
    assert "row 2, column 'confidence'" in msg and "row 3, column 'status'" in msg
    assert "row 5, column 'value'" in msg and "row 4" not in msg


def test_vocabulary_keys_are_checked():
    with pytest.raises(ValueError, match=r"\[x\] since must be a date"):
        parse_quantities('[x]\nsince = "yesterday"\n')
    with pytest.raises(ValueError, match=r"\[x\] weak must be true or false"):
        parse_quantities('[x]\nweak = "yes"\n')


def test_cli_on_the_seeds(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(REPO)
    out = tmp_path / "c.csv"
    dates = [f"--published={doc}={day}" for doc, day in SEED_DATES.items()]
    assert main(["extract", *SEEDS, *dates, "-o", str(out)]) == 0
    assert "15 candidates from 5 documents (6 marked as repeats" in capsys.readouterr().err
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == 15 and {r["status"] for r in rows} == {"candidate"}
    assert all(r["quote"] in (REPO / r["document"]).read_text(encoding="utf-8") for r in rows)
    assert main(["validate", str(out)]) == 0


def test_cli_vocabulary_and_anchor_files(tmp_path, capsys):
    doc = tmp_path / "a.txt"
    doc.write_text("About 3,000 bridges were built since the dam breach.\n", encoding="utf-8")
    vocab, anchors, out = tmp_path / "q.toml", tmp_path / "a.toml", tmp_path / "c.csv"
    vocab.write_text('[bridges]\nphrases = ["bridges"]\n', encoding="utf-8")
    anchors.write_text('[dam]\ndate = "2023-06-06"\nphrases = ["dam breach"]\n', encoding="utf-8")
    args = ["extract", str(doc), "--published", "2024-01-10", "-o", str(out)]
    assert main([*args, "--quantities", str(vocab), "--anchors", str(anchors)]) == 0
    (row,) = csv.DictReader(out.open(encoding="utf-8"))
    assert (row["quantity"], row["start"], row["end"]) == ("bridges", "2023-06-06", "2024-01-10")
    anchors.write_text('[dam]\nphrases = ["dam breach"]\n', encoding="utf-8")
    assert main([*args, "--anchors", str(anchors)]) == 1
    assert "[dam] needs date" in capsys.readouterr().err
    vocab.write_text("[bridges\n", encoding="utf-8")
    assert main([*args, "--quantities", str(vocab)]) == 1
    assert "not valid TOML" in capsys.readouterr().err


@given(fragments, st.sampled_from([" ", "\n", ". ", "\r"]), st.none() | st.just(P))
def test_every_candidates_file_validates(parts, sep, published):
    import tempfile

    cands = extract_text(sep.join(parts), published=published)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "c.csv"
        write_candidates(cands, path)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert read_claims(path) == []  # every row a candidate: checked, none used
        # accept every complete row: each must then pass the full v1 checks
        rows = list(csv.DictReader(path.open(encoding="utf-8")))
        for r in rows:
            complete = r["quantity"] and r["end"] and (r["start"] or r["kind"] in ("rate", "stock"))
            r["status"] = "accepted" if complete else "rejected"
        with path.open("w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, fieldnames=[*rows[0]] if rows else ["id"])
            w.writeheader()
            w.writerows(rows)
        if rows:
            accepted = [r["id"] for r in rows if r["status"] == "accepted"]
            assert [c.id for c in read_claims(path)] == accepted


def test_html_publication_date_from_metadata(tmp_path):
    page = tmp_path / "a.htm"
    page.write_text(
        '<html><head><meta property="article:published_time" content="2024-10-30T11:03:00Z">'
        "</head><body><p>NATO estimates that Russia recruits about 30,000 new soldiers "
        "monthly.</p></body></html>",
        encoding="utf-8",
    )
    with pytest.warns(ExtractWarning, match="2024-10-30 read from HTML metadata"):
        (c,) = extract([page])
    assert (c.end, c.published, c.per) == ("2024-10-30", "2024-10-30", "month")


# --- general rules added after the held-out sets (each sentence written for the test) ----


def _one(text, published=P, value=None):
    cands = extract_text(text, published=published)
    if value is not None:
        cands = [c for c in cands if c.value == value]
    assert len(cands) == 1, [c.value for c in cands]
    return cands[0]


@pytest.mark.parametrize(
    "text, who",
    [
        # a pronoun is the last person or source named before it
        ("Defence Minister Sergei Shoigu visited the front. He said that 300,000 people had "
         "signed contracts this year.", "Sergei Shoigu"),
        ("Oryx, a Dutch open-source project, tracks equipment losses. The group said it has "
         "verified 3,000 tanks lost.", "Oryx"),
        ("He said that 300,000 people had signed contracts this year.", ""),
        # a pronoun naming the sentence's own subject
        ("The Defence Ministry of Ruritania has not updated its count since May, when it "
         "claimed that 5,000 soldiers had been killed.", "Defence Ministry of Ruritania"),
        # a sentence that credits no one keeps the source of the one before
        ("According to British intelligence, losses rose again. Since the beginning of the "
         "war, Russia has suffered more than 600,000 casualties.", "British intelligence"),
        # a source in the figure's own clause
        ("As UK intelligence states, November was the deadliest month, with 45,000 losses "
         "reported by Ukraine's General Staff.", "Ukraine's General Staff"),
        # the name, not the title, of an apposition
        ("Former foreign minister and MP, Jane Roe, said that 15,000 Nepalese are fighting on "
         "the front lines.", "Jane Roe"),
        ("John Doe, who tracks recruitment, estimates that 1,000 people sign a contract every "
         "day.", "John Doe"),
        ("Casualties keep rising, with the UK claiming that Russia loses 1,000 men a day.", "UK"),
        ("Ukraine destroyed 1,100 tanks last year, the Institute for Strategic Studies (IISS) "
         "says.", "Institute for Strategic Studies"),
        ("Two officials said the estimate of Russia's losses included about 20,000 dead.",
         "Two officials"),
        ("Speaking to a newspaper, John Roe said that troops suffered 41,000 killed and wounded "
         "in October, according to British defence intelligence figures.",
         "British defence intelligence figures"),
    ],
)  # fmt: skip
def test_attribution_across_clauses_and_sentences(text, who):
    assert _one(text).attributed_to == who


@pytest.mark.parametrize(
    "text, quantity",
    [
        ("Over 500 prisoners recruited into Wagner units have died in two months.", "killed"),
        ("At least 25 mobilized soldiers have died in enlistment offices.", "killed"),
        ("Russia's losses were 25 destroyed and fifteen damaged ships.", "ships"),
        ("Every day, Russia loses about 1,500 soldiers.", "casualties"),
        ("About 200 citizens of the country serve in the Russian army.", "troops"),
        ("Russian forces lost 1,100 air defense systems.", "air_defence"),
        ("Russian forces lost 1,100 tanks and 40,000 vehicles and fuel tanks.", "vehicles"),
        # a figure with no noun of its own counts what the figure before counts
        ("Russian losses amounted to 892,000 personnel, including 1,240 in the past day.",
         "casualties"),
    ],
)  # fmt: skip
def test_quantity_rules(text, quantity):
    assert extract_text(text, published=P)[-1].quantity == quantity


def test_figure_without_noun_counts_what_the_one_before_counts():
    cands = extract_text("Russia lost 1,262 soldiers in May and 1,163 more in June.", published=P)
    assert [(c.quantity, c.start, c.end) for c in cands] == [
        ("casualties", "2024-05-01", "2024-05-31"),
        ("casualties", "2024-06-01", "2024-06-30"),
    ]


@pytest.mark.parametrize(
    "text, kind, per, start, end",
    [
        # a period word after the figure is its own, not the next figure's
        ("Russia lost 1,262 people killed and wounded in May daily and 1,163 more in June.",
         "rate", "day", "2024-05-01", "2024-05-31"),
        # a period said as an adverb in a clause of its own
        ("Every day, Russia loses about 1,500 soldiers.", "rate", "day", "", "2024-10-30"),
        # "daily" on a named day: that day's count
        ("In addition, on October 28, a new daily loss record of 2,030 was reported.",
         "total", "", "2024-10-28", "2024-10-28"),
        # a lookback year is the year ending on the day, not last calendar year
        ("Ukraine destroyed 1,100 tanks in the past year.", "total", "", "2023-10-31",
         "2024-10-30"),
        ("Russia lost 300 tanks last month.", "total", "", "2024-09-01", "2024-09-30"),
        # an anchor in another clause does not start the figure's window
        ("More than 110,000 desertions were registered in the first seven months of 2024, more "
         "than in the three years since the conflict began.", "total", "", "2024-01-01",
         "2024-07-31"),
        # a running count in the present perfect runs from the war's start
        ("Russia has recruited over 18,000 foreigners.", "total", "", "2022-02-24",
         "2024-10-30"),
        # "under the age of 50" is no figure to take the date from the count
        ("Researchers estimated that 47,000 men under the age of 50 died in combat by May 27, "
         "2023.", "total", "", "2022-02-24", "2023-05-27"),
        # "issued ... in September" is the day it was stated, not the window
        ("The last figure issued by the ministry in September put the number of dead at 5,937.",
         "total", "", "2022-02-24", "2024-09-30"),
        ("The General Staff said on Monday that 1,770 soldiers had been killed or injured since "
         "early on Sunday.", "total", "", "2024-10-27", "2024-10-28"),
        # a leading "While ..." clause keeps its window to itself
        ("While the front has become static over the past year, the UK says Russia loses about "
         "1,000 men a day.", "rate", "day", "", "2024-10-30"),
        ("The numbers are lower than in 2023, when Medvedev said 30,000 people signed "
         "contracts.", "total", "", "2023-01-01", "2023-12-31"),
    ],
)  # fmt: skip
def test_window_and_kind_rules(text, kind, per, start, end):
    c = extract_text(text, published=P)[0]
    assert (c.kind, c.per, c.start, c.end) == (kind, per, start, end)


def test_shared_thousands_range():
    c = _one("The Russians probably took 70 or 80,000 casualties in less than six months.")
    assert (c.value, c.low, c.high) == (75000, 70000, 80000)


# --- general rules of the third round (each sentence written for the test; P is a Wednesday)


@pytest.mark.parametrize(
    "text, kind, start, end",
    [
        # month ranges without a year, and "between ... and" of months
        ("Russia recruited 190,000 soldiers between January and June.", "total", "2024-01-01",
         "2024-06-30"),
        ("Between January and May 2023, Russia launched 4,000 drones.", "total", "2023-01-01",
         "2023-05-31"),
        # n months to a month's end
        ("In the three months to the end of September, Russia lost 100,000 soldiers.", "total",
         "2024-07-01", "2024-09-30"),
        # "as of late September" ends with the month, "as of mid-September" on its 15th
        ("Russia had lost 2,800 tanks as of late September.", "total", "2022-02-24",
         "2024-09-30"),
        ("Russia had lost 2,800 tanks as of mid-September.", "total", "2022-02-24",
         "2024-09-15"),
        # a plan "by the end of the year" is that year's; a running count's starts at its start
        ("Russia plans to recruit 400,000 soldiers by the end of the year.", "target",
         "2024-01-01", "2024-12-31"),
        ("Russia's casualties will reach 500,000 by the end of the year.", "target",
         "2022-02-24", "2024-12-31"),
        ("Russia is on course to have lost a total of 500,000 soldiers by the end of this year.",
         "target", "2022-02-24", "2024-12-31"),
        # a count told "at the end of 2023" with no start of its own is that year's
        ("At the end of 2023, the minister said 400,000 people had signed contracts.", "total",
         "2023-01-01", "2023-12-31"),
        ("The ministry expects to recruit 300,000 contract soldiers by the end of 2025.",
         "target", "2025-01-01", "2025-12-31"),
        # a year after "for" is no figure
        ("The recruitment quota for 2025 is 343,000 people.", "target", "2025-01-01",
         "2025-12-31"),
        # "per 24 hours" is a daily rate
        ("Russia loses about 1,200 soldiers per 24 hours.", "rate", "", "2024-10-30"),
        # "last week": the calendar week (Monday to Sunday) before publication
        ("The ministry said 1,000 troops were killed last week.", "total", "2024-10-21",
         "2024-10-27"),
        # a quarter with no year: the latest that began by publication
        ("Ukraine destroyed 120 tanks in the first quarter.", "total", "2024-01-01",
         "2024-03-31"),
        # seasons: December to February, and so on
        ("Russia launched 19,000 drones during the winter.", "total", "2023-12-01",
         "2024-02-29"),
        # a plan over the coming months starts the day after publication
        ("Kyiv will conscript 160,000 more men over the next three months.", "target",
         "2024-10-31", "2025-01-30"),
        # "Earlier in October, X stated": when it was said, not a window of October
        ("Earlier in October, the minister stated that the country planned to draft 160,000 "
         "people.", "target", "", "2024-10-30"),
        ("In August, Defence Minister Andrei Belousov said 190,000 people had signed "
         "contracts.", "total", "", "2024-08-31"),
        ("In June, the president revealed that 100 soldiers are dying every day.", "rate", "",
         "2024-06-30"),
        # "last night" is overnight: the day of publication
        ("The Russian army launched 56 drones last night.", "total", "2024-10-30",
         "2024-10-30"),
        # a past count "on Sunday" is that day's; a level "on Monday" is not
        ("Russia lost 1,200 troops on Sunday, officials said.", "total", "2024-10-27",
         "2024-10-27"),
        ("The number of Russian casualties stood at 700,000 on Monday.", "total", "2022-02-24",
         "2024-10-30"),
        # "this year" of a statement made last year
        ("Russia has recruited 300,000 people this year, Putin said in December.", "total",
         "2023-01-01", "2023-12-31"),
        ("Russia has been losing over 1,000 troops a day since the autumn.", "rate",
         "2024-09-01", "2024-10-30"),
        ("Russia's losses in the first 100 days of the war reached 30,000 soldiers.", "total",
         "2022-02-24", "2022-06-03"),
        # "has not ... since September 2022, when": stated then, no start
        ("The ministry has not published figures since September 2022, when it said 5,937 "
         "soldiers had been killed.", "total", "2022-02-24", "2022-09-30"),
        # "the highest since the invasion began" compares; it opens no window
        ("Russia lost 1,500 soldiers a day in September, the highest since the invasion began.",
         "rate", "2024-09-01", "2024-09-30"),
        # a month with no year takes the one year its sentence names
        ("The highest daily average in 2022 was 559 soldiers in November.", "rate",
         "2022-11-01", "2022-11-30"),
        # weeks, weekends, quarters and halves written in other ways
        ("Russia lost 9,000 soldiers in the first week of October.", "total", "2024-10-01",
         "2024-10-07"),
        ("Russia lost 3,000 soldiers over the weekend.", "total", "2024-10-26", "2024-10-27"),
        ("Russia recruited 250,000 soldiers in Q1 2024.", "total", "2024-01-01", "2024-03-31"),
        ("Russia recruited 190,000 soldiers in H1 2024.", "total", "2024-01-01", "2024-06-30"),
        ("Russia lost 30,000 soldiers in the second half of last year.", "total", "2023-07-01",
         "2023-12-31"),
        ("Russia lost 150,000 soldiers in the last three months of 2023.", "total",
         "2023-10-01", "2023-12-31"),
        ("Russia has lost 400,000 soldiers since the beginning of last year.", "total",
         "2023-01-01", "2024-10-30"),
        ("Russia had lost 300,000 soldiers by mid-2023.", "total", "2022-02-24", "2023-06-30"),
        ("Russia lost 200,000 soldiers during the first year of the war.", "total",
         "2022-02-24", "2023-02-23"),
        ("Russia lost 80,000 soldiers between 2022 and 2023.", "total", "2022-01-01",
         "2023-12-31"),
        ("Russia recruited 600,000 soldiers in 2022 and 2023.", "total", "2022-01-01",
         "2023-12-31"),
        # "the past 15 months of the war" is the war's count, not a lookback
        ("Mediazona established the names of 24,470 soldiers killed in the past 15 months of "
         "the full-scale war.", "total", "2022-02-24", "2024-10-30"),
        # dates written day.month.year, and "from DATE, to DATE"
        ("The total combat losses of the enemy from 24.02.22 to 10.07.24 were approximately: "
         "personnel — about 555,130 persons.", "total", "2022-02-24", "2024-07-10"),
        ("From Feb. 24, 2022, to July 10, 2024, Russia lost 8,180 tanks.", "total",
         "2022-02-24", "2024-07-10"),
        # "last summer" without a preposition; a month it was reported in caps, never extends
        ("Prigozhin toured prisons last summer and recruited some 40,000 inmates, Reuters "
         "reported in September.", "total", "2024-06-01", "2024-08-31"),
        # an anchor's day beats the month that holds it
        ("Since the start of the incursion into Russia's Kursk region, which began in August, "
         "Russia has lost 3,000 pieces of equipment.", "total", "2024-08-06", "2024-10-30"),
    ],
)  # fmt: skip
def test_window_rules_third_round(text, kind, start, end):
    c = extract_text(text, published=P)[0]
    assert (c.kind, c.start, c.end) == (kind, start, end)


@pytest.mark.parametrize(
    "text, value, kind, start, end",
    [
        # a rate with no window reads the one the sentence before states
        ("In September, average daily Russian losses reached a new high. The average daily "
         "casualty rate was 1,271 people per day.", 1271, "rate", "2024-09-01", "2024-09-30"),
        # ... but not one tied to the present
        ("In 2023, Russia recruited 500,000 people. Russia now recruits 1,000 people a day, "
         "Medvedev said.", 1000, "rate", "", "2024-10-30"),
        # a total continuing the total of the sentence before
        ("More than 420,000 people signed contracts in 2023. The ministry said 422,704 "
         "recruits had joined the army under contract.", 422_704, "total", "2023-01-01",
         "2023-12-31"),
        # ... but not a running count, nor after a rate
        ("Russia lost 30,000 soldiers in May. In total, it has lost 600,000 soldiers.",
         600_000, "total", "2022-02-24", "2024-10-30"),
        ("Russia lost 1,500 soldiers a day in October. Russia is about to suffer 700,000 "
         "casualties.", 700_000, "total", "2022-02-24", "2024-10-30"),
        # "the highest since the invasion began" compares; it opens no window
        ("The ministry said losses in February were the highest since the invasion began. The "
         "number of casualties per day reaches 983.", 983, "rate", "2024-02-01", "2024-02-29"),
        # "every single day" is a rate
        ("Russia's army had on average over 1,500 people killed or wounded every single day.",
         1500, "rate", "", "2024-10-30"),
        # a pair of dashes around a short aside does not end the figure's clause
        ("On Monday, officials said Moscow had 41,980 casualties — killed and wounded — on the "
         "battlefield last month, compared to 39,110 in May.", 41_980, "total", "2024-09-01",
         "2024-09-30"),
        # "a daily average of 1,354" makes the second figure the rate, not the first
        ("Russia suffered 41,980 killed and wounded during September - a daily average of "
         "1,354.", 41_980, "total", "2024-09-01", "2024-09-30"),
        ("Russia suffered 41,980 killed and wounded during September - a daily average of "
         "1,354.", 1354, "rate", "2024-09-01", "2024-09-30"),
        # an anchor in the figure's clause: another figure's month does not end its count
        ("Russia's forces suffered about 1,500 casualties every day in September, bringing its "
         "losses to 700,000 since the war began.", 700_000, "total", "2022-02-24",
         "2024-10-30"),
        # the day of a statement holds for every figure it makes
        ("Zelensky claimed on Oct. 15 that Moscow had lost 250,000 soldiers, with 20,000 "
         "killed in battles for Kursk alone.", 20_000, "total", "2022-02-24", "2024-10-15"),
        # "the same period last year": the window of the sentence before, a year back
        ("Russia recruited 80,000 people in the first quarter of 2024. In the same period last "
         "year, 50,000 people signed contracts.", 50_000, "total", "2023-01-01", "2023-03-31"),
        # figures of one list share the window the first states
        ("Over the past day, the army destroyed 26 tanks, 26 armoured vehicles and 60 "
         "artillery systems.", 60, "total", "2024-10-30", "2024-10-30"),
    ],
)  # fmt: skip
def test_window_from_the_sentence_before_and_lists(text, value, kind, start, end):
    c = _one(text, value=value)
    assert (c.kind, c.start, c.end) == (kind, start, end)


@pytest.mark.parametrize(
    "text, quantity",
    [
        ("Russia's recruitment reached 30,000 per month.", "recruits"),
        ("Russia is recruiting about 30,000 soldiers a month.", "recruits"),
        ("The number of enlistees reached 30,000 in June.", "recruits"),
        ("Ukraine mobilises 30,000 men a month.", "mobilised"),
        ("Russia lost 9,000 APCs and IFVs.", "armoured_vehicles"),
        ("Ukraine destroyed 156 air-defense systems.", "air_defence"),
        ("The army destroyed 12 multiple-launch rocket systems.", "mlrs"),
        ("Russian troop losses reached 1,200 in the past day.", "casualties"),
        ("Between 60 and 100 soldiers are dying every day.", "killed"),
        ("Russian troops injured and killed last month averaged 1,500 a day.", "casualties"),
        ("At least 50,000 Russian soldiers have fled the army.", "deserters"),
        ("At least 200 men agreed to join.", "recruits"),
        ("Some 96,000 cases were opened against soldiers who abandoned their positions.",
         "deserters"),
        # a weak noun nearest, a firm one further off in the sentence
        ("The total combat losses of the enemy were approximately: personnel — about 555,130.",
         "casualties"),
        # recruits taken by a draft are mobilised
        ("The government has been drafting 30,000 recruits per month since May.", "mobilised"),
        # "of them" and a figure with no noun: what the sentence before names
        ("These figures do not include armoured fighting vehicles. The IISS said Russia had "
         "lost 2,000 of them.", "armoured_vehicles"),
        ("Russian troops suffered 41,980 killed and wounded during October. This works out at "
         "an average of 1,354 every day.", "casualties"),
    ],
)  # fmt: skip
def test_quantity_rules_third_round(text, quantity):
    assert extract_text(text, published=P)[-1].quantity == quantity


@pytest.mark.parametrize(
    "text, who",
    [
        # the speaker after the verb
        ("Russia is recruiting 30,000 people per month, said US officials.", "US officials"),
        ("\"We lose about 1,000 men a day,\" said Ukrainian commander Oleksandr Syrskyi.",
         "Ukrainian commander Oleksandr Syrskyi"),
        ("Russia's casualties will reach 500,000 by the end of the year, a Western official "
         "predicted.", "Western official"),
        ("Russia will need 30,000 troops a month, analysts say.", "analysts"),
        ("Russia lost 30,000 troops in May, per Ukraine's General Staff.",
         "Ukraine's General Staff"),
        ("According to the estimates of the Ministry of Defence, Russia has lost 600,000 "
         "troops.", "Ministry of Defence"),
        # a named body a reporter cites owns the figures; unnamed sources do not
        ("As Ukrinform reported earlier, referring to Ukraine's Air Force Command, in September "
         "the enemy launched 1,339 drones.", "Ukraine's Air Force Command"),
        ("Ukraine drafts 30,000 people a month, Reuters reported, citing sources.", "Reuters"),
        # the speaker who closes a sentence whose subject "assesses that"
        ("The Pentagon assesses that over 100,000 Russian soldiers have been killed or injured, "
         "Gen. Mark Milley, chairman of the Joint Chiefs of Staff, said on Wednesday.",
         "Gen. Mark Milley"),
        # a title with no name: the person named earlier with it
        ("US Secretary of Defense Lloyd Austin spoke in Brussels. The US Secretary of Defense "
         "added that Russia has lost more than 2,600 combat vehicles.", "Lloyd Austin"),
        ("Lloyd Austin, the US defence secretary, spoke in Brussels. The defence secretary said "
         "Russia has lost 350,000 troops.", "Lloyd Austin"),
        # "according to him", "the president said": the person named before
        ("Kyrylo Budanov, head of military intelligence, spoke to a newspaper. According to "
         "him, Russia recruits 30,000 people a month.", "Kyrylo Budanov"),
        ("Zelensky spoke to reporters on Friday. \"We have lost 31,000 soldiers,\" the "
         "president said.", "Zelensky"),
        # "our data" points back; "quoted X, head of ..., as saying"
        ("Meduza quoted Olga Roe, head of the Behind Bars group, as saying: Our data shows that "
         "42,000 inmates had been recruited.", "Olga Roe"),
        # a bare credit in the next sentence
        ("On August 1, the Russian army lost another 1,100 soldiers. This was reported by the "
         "General Staff of the Armed Forces of Ukraine.",
         "General Staff of the Armed Forces of Ukraine"),
        ("Russia has lost 1,000 tanks. This was announced on Monday by President Volodymyr "
         "Zelensky, UNN reports.", "President Volodymyr Zelensky"),
        # a name in quotation marks
        ("Russian media \"Meduza\" and \"MediaZona\" published an investigation. The number of "
         "Russians who died is from 40 to 55 thousand.", "Russian media Meduza and MediaZona"),
        # "an update published on Sunday" is no subject of "published"
        ("In its update published on Sunday, the UK Defence Ministry estimated that Russia has "
         "lost 450,000 soldiers.", "UK Defence Ministry"),
        # the source credited up to three sentences before
        ("According to British intelligence, losses rose. The front did not move. Nor did the "
         "weather change. Russia has suffered 600,000 casualties.", "British intelligence"),
    ],
)  # fmt: skip
def test_attribution_rules_third_round(text, who):
    assert _one(text).attributed_to == who


@pytest.mark.parametrize(
    "text",
    [
        "North Korean troops suffered several hundred casualties.",
        "A few thousand Russian soldiers have been killed since the invasion.",
    ],
)
def test_vague_amounts_are_no_figures(text):
    assert extract_text(text, published=P) == []


def test_plus_before_a_duration_is_no_figure():
    text = "The reporter has 7+ years of experience."
    assert extract_text(text, published=P) == []


def test_imminent_is_nearly():
    assert _one("Russia is about to suffer 700,000 casualties.").qualifier == "nearly"


@pytest.mark.parametrize(
    "text, qualifier",
    [
        ("Russia lost upward of 1,000 soldiers.", "more_than"),
        ("Russia lost at most 1,000 soldiers.", "up_to"),
        ("Russia lost no more than 1,000 soldiers.", "up_to"),
        ("Russia's losses approached 1,000 soldiers.", "nearly"),
        ("Russia's losses neared 1,000 soldiers.", "nearly"),
        ("Russia lost 1,000-plus soldiers.", "more_than"),
        ("Russia lost 1,000+ soldiers.", "more_than"),
    ],
)
def test_hedges_third_round(text, qualifier):
    assert _one(text).qualifier == qualifier


@pytest.mark.parametrize(
    "text",
    [
        "Russia will recruit 30,000 soldiers over the next 99999999 years.",
        "Russia lost 30,000 soldiers in the 99999999 months to June.",
        "Russia lost 30,000 soldiers in the past 99999999 years.",
        "Russia lost 30,000 soldiers in the first 99999999 days of the war.",
    ],
)
def test_windows_off_the_calendar_give_no_error(text):
    c = _one(text, value=30_000)  # no exception, and no window read from the phrase
    assert not c.start or c.start == "2022-02-24"


_FILLERS = [
    "The fighting went on.",
    "Officials declined to comment.",
    "Heavy rain fell across the region.",
]
_SENTENCES = [
    "Russia lost 1,200 soldiers a day in May, British intelligence said.",
    "Russia has recruited 190,000 people since the start of the year, Medvedev said.",
    "Russia launched more than 1,000 drones in the past week.",
    "The IISS said Russia had lost 3,000 tanks since the invasion.",
    "Every day, Russia loses about 1,500 soldiers.",
]


@given(st.sampled_from(_FILLERS), st.sampled_from(_SENTENCES))
def test_a_sentence_with_nothing_to_give_changes_nothing(filler, sentence):
    """The rules that read the sentence before take nothing from one that states no window,
    source or noun."""

    def fields(cands):
        return [(c.value, c.kind, c.per, c.start, c.end, c.qualifier, c.quantity,
                 c.attributed_to) for c in cands]  # fmt: skip

    alone = extract_text(sentence, published=P)
    after = extract_text(filler + "\n" + sentence, published=P)
    assert fields(after) == fields(alone)


@pytest.mark.parametrize(
    "title, day, who",
    [
        # the public record of who held each office on the day
        ("the Kremlin leader", dt.date(2024, 12, 16), "Vladimir Putin"),
        ("Russia's defense minister", dt.date(2023, 6, 1), "Sergei Shoigu"),
        ("the Russian defence minister", dt.date(2024, 6, 1), "Andrei Belousov"),
        ("Ukraine's commander-in-chief", dt.date(2023, 6, 1), "Valerii Zaluzhnyi"),
        ("Ukraine's commander in chief", dt.date(2024, 6, 1), "Oleksandr Syrskyi"),
        ("The US Secretary of Defense", dt.date(2024, 6, 13), "Lloyd Austin"),
        ("the British defence secretary", dt.date(2024, 11, 9), "John Healey"),
        ("the NATO Secretary General", dt.date(2025, 3, 1), "Mark Rutte"),
        # a title the table does not hold, or no day
        ("the president", dt.date(2024, 6, 1), ""),
        ("the Kremlin leader", None, ""),
    ],
)
def test_title_holders(title, day, who):
    assert title_holder(title, day) == who


def test_title_with_no_name_is_its_holder_on_the_day():
    c = _one('"More than a thousand people join every day," the Kremlin leader said.')
    assert c.attributed_to == "Vladimir Putin"
    # a person named earlier with the title wins over the table
    c = _one(
        "Acting Defence Minister John Roe met troops. The Russian defence minister said "
        "190,000 people had signed contracts."
    )
    assert c.attributed_to == "John Roe"


# --- fourth round: general causes behind the misses of held-out set 4 -----------------
SUNDAY = dt.date(2024, 11, 3)


@pytest.mark.parametrize(
    "text, published, value, kind, start, end",
    [
        # a single week: seven days ending on publication
        ("Within a week, Russia fired 500 glide bombs at the front.", P, 500, "total",
         "2024-10-24", "2024-10-30"),
        ("In just this one week, the army shot down 250 drones.", P, 250, "total",
         "2024-10-24", "2024-10-30"),
        # ... but "in two weeks" of a war may count from its start: not read as a lookback
        ("Moscow has lost 40 planes in two weeks, officials said.", dt.date(2022, 3, 10), 40,
         "total", "2022-02-24", "2022-03-10"),
        # "overnight Friday", "early on Thursday": that day's count
        ("Russia launched 120 drones overnight Friday, officials said.", P, 120, "total",
         "2024-10-25", "2024-10-25"),
        ("Russian forces fired more than 30 missiles at targets across the country early on "
         "Thursday.", dt.date(2024, 10, 31), 30, "total", "2024-10-31", "2024-10-31"),
        # "since early on Sunday" still starts the count on Sunday
        ("The army said 1,500 soldiers had been killed or injured since early on Sunday.",
         dt.date(2024, 11, 11), 1500, "total", "2024-11-10", "2024-11-11"),
        # the first days of a year
        ("In the first three days of 2025, Russia used 300 attack drones against Ukraine.",
         dt.date(2025, 1, 4), 300, "total", "2025-01-01", "2025-01-03"),
        # an opening "Last week" is the week's count unless a statement follows it
        ("Last week, Russia used 190 missiles against Ukraine.", P, 190, "total",
         "2024-10-21", "2024-10-27"),
        ("Last week, Putin said that 700,000 troops are fighting in Ukraine.", P, 700_000,
         "stock", "", "2024-10-30"),
        # said on a Sunday, "last week" is the week that ends that day
        ("Last week, Russia used 190 missiles against Ukraine.", SUNDAY, 190, "total",
         "2024-10-28", "2024-11-03"),
        # "by November this year": to the month's last day
        ("By November this year, between 60,000 and 100,000 soldiers had died since the start "
         "of the invasion.", dt.date(2024, 12, 8), 80_000, "total", "2022-02-24",
         "2024-11-30"),
        # a plan "through 2024" is that year's; "from April to July" said in March is ahead
        ("Ukraine has 1 million drones contracted by manufacturers through 2024.", P,
         1_000_000, "target", "2024-01-01", "2024-12-31"),
        ("The decree covers the period from April to July. Putin has ordered the conscription "
         "of 160,000 men.", dt.date(2025, 3, 31), 160_000, "target", "2025-04-01",
         "2025-07-31"),
        # the start of a day range takes the end's year
        ("To call up 160,000 citizens for military service from April 1 to July 15, 2025.",
         dt.date(2025, 3, 31), 160_000, "target", "2025-04-01", "2025-07-15"),
        # a plan's day range without a year, said before it starts: the days ahead
        ("The document states that 150,000 people will be called up from 1 April to 15 July.",
         dt.date(2024, 3, 31), 150_000, "target", "2024-04-01", "2024-07-15"),
        # Russia's spring and autumn call-ups run by law 1 April-15 July, 1 October-31 December
        ("Putin has signed a decree to call up 160,000 conscripts in the spring campaign.",
         dt.date(2025, 3, 31), 160_000, "target", "2025-04-01", "2025-07-15"),
        ("The autumn draft brought 133,000 conscripts into the army.", dt.date(2025, 3, 31),
         133_000, "total", "2024-10-01", "2024-12-31"),
        # a lookback in the sentence before gives the window of a figure without one
        ("Over the past week, Russia launched 190 missiles. They also dropped 700 guided "
         "aerial bombs.", P, 700, "total", "2024-10-24", "2024-10-30"),
    ],
)  # fmt: skip
def test_window_rules_fourth_round(text, published, value, kind, start, end):
    c = _one(text, published=published, value=value)
    assert (c.kind, c.start, c.end) == (kind, start, end)


@pytest.mark.parametrize(
    "text, kind",
    [
        # a call-up ordered by decree is a plan
        ("Putin has signed a decree to call up 160,000 conscripts for military service.",
         "target"),
        ("Putin has ordered the conscription of 160,000 into military service.", "target"),
        ("A decree on the spring draft has been released, expected to bring in 150,000 more "
         "men into the army.", "target"),
        ("According to the decree, 150,000 conscripts are to be called up by July 15.",
         "target"),
        ("Putin said Russia plans to produce 1.4 million drones this year.", "target"),
        # "at targets", "aimed at" give a direction, not a plan
        ("Russia launched 2,023 drones at Ukrainian targets in October.", "total"),
        ("Russia launched 2,023 drones in October, aimed at civilian infrastructure.", "total"),
        # "expected to number" is an estimate, not a plan
        ("Estimates of Russian casualties are expected to number around 200,000 killed.",
         "total"),
        # a troop strength is a level
        ("Putin gave the figure of 617,000 taking part in the war in Ukraine.", "stock"),
        ("More than 700,000 people are on the line of contact, Putin said.", "stock"),
        ("The invasion began with a force of 150,000 men.", "stock"),
    ],
)  # fmt: skip
def test_kind_rules_fourth_round(text, kind):
    assert _one(text).kind == kind


@pytest.mark.parametrize(
    "text, quantity",
    [
        ("Russia used nearly 900 guided aerial bombs against Ukraine in a week.",
         "guided_bombs"),
        ("The army dropped 700 KABs on the region.", "guided_bombs"),
        ("In just one week, Russia used 900 aerial bombs, Zelensky said.", "guided_bombs"),
        ("Putin said 140,000 drones were supplied to the army in 2023.", "drone_production"),
        ("Russian companies delivered about 140,000 drones to the military in 2023.",
         "drone_production"),
        ("Ukrainian manufacturers have contracted 1 million drones.", "drone_production"),
        ("Russia launched 140 drones at Ukraine overnight.", "drones_launched"),
        ("A decree on the spring draft is expected to bring in 150,000 more Russians.",
         "mobilised"),
    ],
)  # fmt: skip
def test_quantity_rules_fourth_round(text, quantity):
    assert _one(text).quantity == quantity


@pytest.mark.parametrize(
    "text, who",
    [
        # a body written in lower case after "the statistics of"
        ("Almost 30,000 desertion cases were opened in 2024, according to the statistics of the "
         "prosecutor's office.", "prosecutor's office"),
        # who ordered a call-up, or signed its decree, is its source
        ("Vladimir Putin has signed a decree to call up 160,000 conscripts.", "Vladimir Putin"),
        ("Vladimir Putin has ordered the conscription of 160,000 into military service.",
         "Vladimir Putin"),
        # a "Source:" line credits the report below it (its name, without rank or "in ...")
        ("Source: President Volodymyr Zelenskyy in his evening address\nRussia has used 190 "
         "missiles over the past week.", "President Volodymyr Zelenskyy"),
        ("Source: Captain 3rd Class Dmytro Pletenchuk, the spokesman for the Navy\nThe number "
         "of ships hit is 27.", "Dmytro Pletenchuk"),
        # "gave the figure of" credits its subject
        ("At his press conference, Putin gave the figure of 617,000 troops in Ukraine.",
         "Putin"),
        # an opening "And" carries the subject of the sentence before
        ("Oryx said it has verified 1,000 tank losses. And reported a further 544 tanks had "
         "been captured.", "Oryx"),
    ],
)  # fmt: skip
def test_attribution_rules_fourth_round(text, who):
    assert extract_text(text, published=P)[-1].attributed_to == who


# --- fifth round: general causes behind the misses of held-out sets 4 and 5 -------------


@pytest.mark.parametrize(
    "text, value, quantity",
    [
        # a figure's own noun beats the noun of the figure after it
        ("The brigade lost more than 900 soldiers and 40 tanks near the river, the army said.",
         900, "casualties"),
        ("The enemy has lost over 2,000 servicemen and about 300 pieces of military hardware "
         "since May.", 2000, "casualties"),
        ("Ukraine lost up to 75 servicepeople and six armoured vehicles in the attack.", 75,
         "casualties"),
        # ... but a noun shared by both figures of a pair stays shared
        ("The fleet's losses were 12 destroyed and 9 damaged ships.", 12, "ships"),
        # losses narrowed by a relative clause right after them
        ("The army has lost 12,000 soldiers who died in battle.", 12_000, "killed"),
        ("The enemy lost 3,000 soldiers who were wounded near the river.", 3000, "wounded"),
        # ... but not another count
        ("The group recruited 20,000 prisoners who were killed later.", 20_000, "recruits"),
        ("The army neutralised 1,500 enemy soldiers over the day.", 1500, "casualties"),
        ("The enemy fired 300 loitering munitions at the city.", 300, "drones_launched"),
        # synonyms of output
        ("Officials said drone production will reach 2 million next year.", 2_000_000,
         "drone_production"),
        ("Shell production is set to reach 3 million next year.", 3_000_000,
         "ammunition_production"),
    ],
)  # fmt: skip
def test_quantity_rules_fifth_round(text, value, quantity):
    assert _one(text, value=value).quantity == quantity


@pytest.mark.parametrize(
    "text, kind, quantity, end",
    [
        # the size of a force is a level on its day
        ("The ground forces were 450,000 strong in March 2023.", "stock", "troops",
         "2023-03-31"),
        ("In May 2021, the armed forces numbered about 240,000.", "stock", "troops",
         "2021-05-31"),
        ("There are 1.1 million people in the armed forces, the minister said.", "stock",
         "troops", "2024-10-30"),
        ("The army now consists of 850,000 service members.", "stock", "troops", "2024-10-30"),
        # a forecast of a level, or of a rising output, is a target
        ("The ministry expects enemy losses to reach 900,000 by the end of the year.",
         "target", "casualties", "2024-12-31"),
        ("Production is ramping up to 2 million drones this year, the minister said.",
         "target", "drone_production", "2024-12-31"),
    ],
)  # fmt: skip
def test_kind_rules_fifth_round(text, kind, quantity, end):
    c = _one(text)
    assert (c.kind, c.quantity, c.end) == (kind, quantity, end)


@pytest.mark.parametrize(
    "text, value, start, end",
    [
        # one night's or one day's count
        ("Air defences downed 25 of the drones launched on the night of 27-28 October.", 25,
         "2024-10-28", "2024-10-28"),
        ("The army launched 60 drones on the night of October 21 to 22.", 60, "2024-10-22",
         "2024-10-22"),
        ("In a single night on October 12, the enemy launched 420 drones and decoys.", 420,
         "2024-10-12", "2024-10-12"),
        ("On October 29 alone, the army lost 1,300 soldiers.", 1300, "2024-10-29",
         "2024-10-29"),
        ("The air force said Russia today used more than 250 drones.", 250, "2024-10-30",
         "2024-10-30"),
        ("Ukraine lost up to 60 servicemen over the day, the ministry said.", 60, "2024-10-30",
         "2024-10-30"),
        # ... but "as of today", "for today" end a running count
        ("The enemy has lost over 8,000 tanks as of today.", 8000, "2022-02-24",
         "2024-10-30"),
        ("Our losses for today are 6,100 dead, the minister said.", 6100, "2022-02-24",
         "2024-10-30"),
    ],
)  # fmt: skip
def test_one_day_windows(text, value, start, end):
    c = _one(text, value=value)
    assert (c.kind, c.start, c.end) == ("total", start, end)


@pytest.mark.parametrize(
    "text, who",
    [
        # a ranked name in apposition to a title is the source, not the title
        ("Russia recruits 25,000 soldiers a month, the commander of NATO forces, General Anna "
         "Berg, said on Monday.", "Anna Berg"),
        ("The chief of the navy, Lieutenant General Petro Koval, said 14 ships were destroyed.",
         "Petro Koval"),
        # ... but a body whose name opens with a rank word stays whole
        ("The army lost 900 soldiers over the day, the General Staff said.", "General Staff"),
        # "according to which" credits the name before it
        ("The paper cites the analytical centre CSRA, according to which Russia produced 300 "
         "cruise missiles last year.", "CSRA"),
        # "according to X estimates" is X's; "according to preliminary information" names no one
        ("According to NATO estimates, Russia lost 30,000 soldiers in April.", "NATO"),
        ("According to preliminary information, the enemy used 30 Shaheds.", ""),
        # the source in the figure's own clause beats the owner of another clause's figure
        ("According to NATO estimates, Russia took 900 sq km in April, while data from the "
         "General Staff show 40,000 Russian casualties in the same month.", "General Staff"),
    ],
)  # fmt: skip
def test_attribution_rules_fifth_round(text, who):
    assert extract_text(text, published=P)[-1].attributed_to == who


@pytest.mark.parametrize(
    "text, published, value, start, end",
    [
        # a place's anchor, after "since the beginning of" and a few words
        ("The army has lost 9,000 servicemen since the beginning of combat operations in the "
         "Kursk region, the ministry said.", P, 9000, "2024-08-06", "2024-10-30"),
        ("Since the start of the offensive of the Ukrainian Armed Forces in the Kursk oblast, "
         "Russia has lost 21,000 troops.", P, 21_000, "2024-08-06", "2024-10-30"),
        # ... but a place alone opens no window
        ("Russia lost 500 soldiers in the Kursk region, the ministry said.", P, 500,
         "2022-02-24", "2024-10-30"),
        # the 2023 counteroffensive
        ("The enemy has lost 30,000 troops since it launched its counteroffensive, the "
         "ministry said.", dt.date(2023, 7, 20), 30_000, "2023-06-04", "2023-07-20"),
        # ... not before it began
        ("Russia has lost 5,000 troops since the start of the counteroffensive.",
         dt.date(2022, 10, 1), 5000, "2022-02-24", "2022-10-01"),
        # "beginning from" a date is "since"
        ("The enemy's losses beginning from June 4 have reached over 26,000 servicemen.",
         dt.date(2023, 7, 20), 26_000, "2023-06-04", "2023-07-20"),
    ],
)  # fmt: skip
def test_anchor_rules_fifth_round(text, published, value, start, end):
    c = _one(text, published=published, value=value)
    assert (c.kind, c.start, c.end) == ("total", start, end)


def test_user_anchor_with_since_phrases(tmp_path):
    path = tmp_path / "anchors.toml"
    path.write_text('[siege]\ndate = "2023-03-01"\nsince_phrases = ["the city"]\n')
    anchors = read_anchors(path)
    text = "The army has lost 3,000 soldiers since the start of the fighting for the city."
    c = extract_text(text, published=P, anchors=anchors)[0]
    assert (c.start, c.end) == ("2023-03-01", "2024-10-30")
    plain = extract_text("The army lost 3,000 soldiers in the city.", published=P,
                         anchors=anchors)[0]  # fmt: skip
    assert plain.start == "2022-02-24"


@pytest.mark.parametrize(
    "text, qualifier",
    [
        # present forms of "exceed" and "surpass" are "more than"
        ("The general said Russia's losses exceed 700,000.", "more_than"),
        ("Daily losses rose again, surpassing 1,100 each day in late October.", "more_than"),
        ("The enemy lost north of 1,000 soldiers a day in October.", "more_than"),
        ("Daily losses climbed above 1,000 in October.", "more_than"),
        ("Daily losses crossed 1,000 in October.", "more_than"),
        # a hedge before "a grim milestone of"
        ("The army is approaching a grim milestone of one million casualties.", "nearly"),
    ],
)  # fmt: skip
def test_hedges_fifth_round(text, qualifier):
    assert _one(text).qualifier == qualifier


@pytest.mark.parametrize("text", ["Russia's army now stands at 1.32 million.",
                                  "The number of the army announced by the minister of "
                                  "880,000 people is disputed."])  # fmt: skip
def test_an_army_size_is_a_troop_level(text):
    c = _one(text)
    assert (c.kind, c.quantity) == ("stock", "troops")


def test_a_force_n_strong_is_a_troop_level():
    c = _one("The country sent a 12,000-strong force to the front.")
    assert (c.value, c.kind, c.quantity) == (12_000, "stock", "troops")


def test_a_contingent_is_a_troop_level():
    c = _one("Currently there are 500,000 members of the Russian contingent in the occupied areas.")
    assert (c.kind, c.quantity) == ("stock", "troops")


@pytest.mark.parametrize(
    "text, value, kind, end",
    [
        ("Before the war, the navy numbered 15,000 sailors and marines.", 15_000, "stock",
         "2022-02-23"),
        ("Prior to the full-scale invasion, the army had 200,000 active troops.", 200_000,
         "stock", "2022-02-23"),
        # a war elsewhere is not this one
        ("Before the war in Gaza, the army had 170,000 active troops.", 170_000, "stock",
         "2024-10-30"),
    ],
)  # fmt: skip
def test_before_the_war_is_its_eve(text, value, kind, end):
    c = _one(text, value=value)
    assert (c.kind, c.end) == (kind, end)


@pytest.mark.parametrize(
    "text, value, start, end",
    [
        ("The army launched 90 drones during the night, the air force said.", 90,
         "2024-10-30", "2024-10-30"),
        ("During the night, the enemy launched 45 drones.", 45, "2024-10-30", "2024-10-30"),
        # a sentence-leading night of two days: its days are no figure
        ("In the night of 27-28 October, the enemy launched 35 drones.", 35, "2024-10-28",
         "2024-10-28"),
        ("Overnight into October 28, the enemy launched 17 drones.", 17, "2024-10-28",
         "2024-10-28"),
    ],
)  # fmt: skip
def test_night_windows(text, value, start, end):
    c = _one(text)
    assert (c.value, c.kind, c.start, c.end) == (value, "total", start, end)


@pytest.mark.parametrize(
    "after, who",
    [
        ("This was announced by President Anna Berg on Telegram, Example News reports.",
         "President Anna Berg"),
        ("This is stated in the report of the General Staff.", "General Staff"),
        ("The Air Force Command reported this on Friday.", "The Air Force Command"),
        ("Minister Petro Koval said this in his evening address.", "Petro Koval"),
        # a statement of its own is no credit
        ("Minister Petro Koval said that the war would end soon.", ""),
        ("Minister Petro Koval said this was a record.", ""),
    ],
)  # fmt: skip
def test_credit_in_the_sentence_after(after, who):
    text = "On October 28, the enemy lost 1,100 soldiers. " + after
    assert extract_text(text, published=P)[0].attributed_to == who


def test_a_statement_late_on_a_weekday_is_no_days_count():
    text = ('"We lost 9,000 men," the commander said in an interview published late on '
            "Tuesday.")  # fmt: skip
    c = _one(text)
    assert (c.start, c.end) == ("2022-02-24", "2024-10-29")
    launched = _one("Russia launched 50 drones late on Tuesday.")
    assert (launched.start, launched.end) == ("2024-10-29", "2024-10-29")


def test_an_analysis_that_showed_is_a_source():
    text = "An Example News analysis showed on Friday that Russia fired 6,000 drones in October."
    assert _one(text).attributed_to == "An Example News analysis"


@pytest.mark.parametrize(
    "text, value, start, end",
    [
        # two months in a row are one window
        ("The enemy suffered around 1,300 casualties a day in March and April.", 1300,
         "2024-03-01", "2024-04-30"),
        # ... not two months apart, nor each its own figure's
        ("The enemy lost 30,000 soldiers in January and March.", 30_000, "2024-01-01",
         "2024-01-31"),
        ("Losses reached 1,262 in May and 1,163 in June.", 1262, "2024-05-01", "2024-05-31"),
        # a period named next to the figure beats a lookback further off in its clause
        ("The daily toll has fallen over the past two months from a high of 1,262 a day in "
         "May.", 1262, "2024-05-01", "2024-05-31"),
    ],
)  # fmt: skip
def test_month_pairs_and_nearer_windows(text, value, start, end):
    c = _one(text, value=value)
    assert (c.start, c.end) == (start, end)


@pytest.mark.parametrize(
    "text, value, start, end",
    [
        # "<Month> alone" as a subject is that month
        ("September alone saw roughly 40,000 losses.", 40_000, "2024-09-01", "2024-09-30"),
        # ... but "since January alone" still starts a window
        ("Since January 2024 alone, the enemy has lost over 1,800 tanks.", 1800, "2024-01-01",
         "2024-10-30"),
        # "on <day>, <year>, when the count stood at": the count as of that day
        ("The army began publishing losses on March 1, 2022, when the count stood at 5,710 "
         "killed.", 5710, "2022-02-24", "2022-03-01"),
    ],
)  # fmt: skip
def test_month_alone_and_a_dated_when(text, value, start, end):
    c = _one(text, value=value)
    assert (c.start, c.end) == (start, end)


@pytest.mark.parametrize(
    "text, value, start, end",
    [
        # a week to a named day
        ("The enemy lost 9,000 soldiers in the week to Sunday.", 9000, "2024-10-21",
         "2024-10-27"),
        ("The enemy lost 8,500 soldiers in the week ending October 20.", 8500, "2024-10-14",
         "2024-10-20"),
        # named days of the latest week
        ("The enemy launched 400 drones between Monday and Wednesday.", 400, "2024-10-28",
         "2024-10-30"),
        # a night from one named day to the next is the second day
        ("The enemy launched 90 drones on the night of Monday to Tuesday.", 90, "2024-10-29",
         "2024-10-29"),
        # part of a month as a start
        ("The enemy has lost 45,000 soldiers since the start of October.", 45_000,
         "2024-10-01", "2024-10-30"),
        ("The enemy has lost 20,000 soldiers since the middle of October.", 20_000,
         "2024-10-15", "2024-10-30"),
        # a clock time is no figure
        ("The enemy lost 1,500 soldiers in the 24 hours to 8 a.m.", 1500, "2024-10-30",
         "2024-10-30"),
    ],
)  # fmt: skip
def test_named_days_and_parts_of_months(text, value, start, end):
    c = _one(text)
    assert (c.value, c.start, c.end) == (value, start, end)


@pytest.mark.parametrize(
    "text, who",
    [
        # the body, not its document
        ("The Example Ministry of Defence's latest intelligence update said the enemy lost "
         "1,500 soldiers a day in October.", "The Example Ministry of Defence"),
        # the person, not their job title
        ("The ministry's spokesman Ivan Petrenko said 400 soldiers were killed.",
         "Ivan Petrenko"),
        ("The enemy launched 120 drones overnight, air force spokesperson Anna Berg said.",
         "Anna Berg"),
        # a capitalised title before a name stays ("President ...")
        ("President Anna Berg said 43,000 soldiers had been killed.", "President Anna Berg"),
    ],
)  # fmt: skip
def test_source_names_as_a_reviewer_writes_them(text, who):
    assert _one(text).attributed_to == who


def test_a_rate_without_a_noun_counts_what_the_total_before_counts():
    cands = extract_text(
        "The enemy lost 45,000 soldiers in October, an average of 1,450 a day.", published=P
    )
    rate = next(c for c in cands if c.value == 1450)
    assert (rate.kind, rate.per, rate.quantity) == ("rate", "day", "casualties")


@pytest.mark.parametrize(
    "text, start, end",
    [
        ("The ministry plans to recruit 400,000 by the end of next year.", "2025-01-01",
         "2025-12-31"),
        ("The ministry expects to recruit 350,000 people by year's end.", "2024-01-01",
         "2024-12-31"),
        ("The ministry plans to raise the number of recruits to 500,000 by 2026.",
         "2026-01-01", "2026-12-31"),
    ],
)  # fmt: skip
def test_plan_years(text, start, end):
    c = _one(text)
    assert (c.kind, c.start, c.end) == ("target", start, end)


def test_by_a_year_is_no_window_of_a_count():
    c = _one("By 2023, the enemy had lost 100,000 soldiers.")
    assert (c.kind, c.start, c.end) == ("total", "2022-02-24", "2024-10-30")


@pytest.mark.parametrize(
    "text, value, kind, start, end",
    [
        ("The enemy launched 300 drones in the past 48 hours.", 300, "total", "2024-10-29",
         "2024-10-30"),
        ("The enemy launched 300 drones in less than a week.", 300, "total", "2024-10-24",
         "2024-10-30"),
        ("The enemy launched 300 drones over the past fortnight.", 300, "total",
         "2024-10-17", "2024-10-30"),
        ("The enemy lost 40,000 soldiers in the month of September.", 40_000, "total",
         "2024-09-01", "2024-09-30"),
        ("The enemy has lost 40,000 soldiers since the beginning of the month.", 40_000,
         "total", "2024-10-01", "2024-10-30"),
        ("The enemy lost 10,000 soldiers this past week.", 10_000, "total", "2024-10-24",
         "2024-10-30"),
    ],
)  # fmt: skip
def test_lookbacks_fifth_round(text, value, kind, start, end):
    c = _one(text)
    assert (c.value, c.kind, c.start, c.end) == (value, kind, start, end)


@pytest.mark.parametrize(
    "text",
    [
        "The enemy lost 30,000 soldiers in September, or about 1,000 a day.",
        "The enemy lost 30,000 soldiers in September — roughly 1,000 a day.",
    ],
)
def test_a_rate_restating_a_total_takes_its_window(text):
    rate = next(c for c in extract_text(text, published=P) if c.value == 1000)
    assert (rate.kind, rate.start, rate.end) == ("rate", "2024-09-01", "2024-09-30")


@pytest.mark.parametrize(
    "text, who",
    [
        # a capitalised "Figures from X show", "Per X," at the start of a sentence
        ("Figures from the General Staff show the enemy lost 40,000 troops in October.",
         "General Staff"),
        ("Per the Air Force Command, the enemy launched 90 drones overnight.",
         "Air Force Command"),
        # "Estimates of Russian casualties": an adjective, not a source
        ("Estimates of Russian casualties vary but reach around 200,000 killed.", ""),
    ],
)  # fmt: skip
def test_capitalised_credits_and_adjectives(text, who):
    assert _one(text).attributed_to == who


def test_an_opening_phrase_of_time_is_no_source():
    text = (
        "From January to September 2024, 35,307 desertion cases were registered. The "
        "office also said that 18,196 desertion cases were opened in the same period."
    )
    c = extract_text(text, published=P)[-1]
    assert (c.value, c.attributed_to) == (18_196, "The office")


@pytest.mark.parametrize(
    "text, start, end",
    [
        ("The enemy lost 1,500 soldiers yesterday.", "2024-10-29", "2024-10-29"),
        # said yesterday: when it was said
        ("The General Staff said yesterday that the enemy has lost 700,000 soldiers since the "
         "invasion.", "2022-02-24", "2024-10-29"),
        # the count's day in its own clause, the statement's day after the comma
        ("The enemy lost 1,500 soldiers on Monday, the General Staff said on Tuesday.",
         "2024-10-28", "2024-10-28"),
    ],
)  # fmt: skip
def test_yesterday_and_a_day_before_the_statement(text, start, end):
    c = _one(text)
    assert (c.start, c.end) == (start, end)


@pytest.mark.parametrize(
    "text, who",
    [
        # a headline's credit without a verb
        ("Enemy lost 45,000 troops in October – UK intelligence", "UK intelligence"),
        ("UK intelligence: Enemy lost 45,000 troops in October", "UK intelligence"),
        # ... but not a line label, a dateline or an aside after a dash
        ("Quote: The enemy lost 45,000 troops in October.", ""),
        ("KYIV : The enemy lost 45,000 troops in October.", ""),
        ("The enemy lost 45,000 troops in October — a record.", ""),
    ],
)  # fmt: skip
def test_headline_credits(text, who):
    assert _one(text).attributed_to == who
