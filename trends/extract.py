"""From an article's text to candidate claims, each with the quote that carries it.

:func:`extract` reads documents (plain text, Markdown or HTML), finds every reported figure
about a counted quantity and proposes one :class:`Candidate` per figure, in the claims
format with two more columns: ``confidence`` (0..1) and ``status`` (``candidate``). A
reviewer edits ``status`` to ``accepted`` or ``rejected``; the rest of trends reads only
accepted or unmarked rows (see ``docs/claims-format.md``).

The reading is rule-based and explainable: numbers in any common style (:func:`parse_number`),
the hedge word before the figure (mapped to the claims format's qualifiers), a rate's
period, a target's verb, the window worked out from the publication date and a small table
of anchor dates (:data:`ANCHORS`), the quantity from a vocabulary of phrases
(``data/quantities.toml``), the body or person credited, and repeats. Each candidate's
``notes`` say how its window was read. ``docs/extract.md`` gives the rules and the measured
accuracy.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import functools
import html
import html.parser
import io
import os
import re
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from .claims import COLUMNS
from .errors import TrendsError, TrendsWarning
from .files import atomic_write_text
from .quantities import Quantity, read_quantities
from .units import add_months

__all__ = [
    "ANCHORS",
    "Anchor",
    "Candidate",
    "Document",
    "ExtractError",
    "ExtractWarning",
    "EXTRA_COLUMNS",
    "MAX_BYTES",
    "TITLE_HOLDERS",
    "extract",
    "extract_text",
    "parse_number",
    "read_anchors",
    "read_document",
    "title_holder",
    "write_candidates",
]

#: Columns written after the v1 columns.
EXTRA_COLUMNS: tuple[str, ...] = ("confidence", "status")

#: Largest document read, in bytes (a longer one is an error: split it).
MAX_BYTES = 10_000_000


class ExtractError(ValueError, TrendsError):
    """A document that cannot be read (missing, binary, too large); the message says why."""


class ExtractWarning(TrendsWarning):
    """Something the reviewer should know: no date, a re-decoded line, no figures."""


# ---------------------------------------------------------------------------------
# Anchors: named days a window can start from
# ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Anchor:
    """A named day that windows start from ("since the full-scale invasion").

    Attributes
    ----------
    name : str
        Short id, e.g. ``war``.
    date : datetime.date
        The day (the window's first day).
    phrases : tuple of str
        Lower-case phrases that name it.
    since_phrases : tuple of str
        Lower-case phrases that name it only after "since the start of" and a few words
        ("since the beginning of hostilities in the Kursk region"): alone they name a place
        or an event that may not have begun.
    """

    name: str
    date: dt.date
    phrases: tuple[str, ...]
    since_phrases: tuple[str, ...] = ()


#: The default anchors. Extend or override with :func:`read_anchors` (a TOML file of
#: ``[name] date = "YYYY-MM-DD", phrases = [...]``) or the ``anchors`` argument.
ANCHORS: Mapping[str, Anchor] = {
    a.name: a
    for a in (
        Anchor(
            "war",
            dt.date(2022, 2, 24),
            (
                "full-scale invasion", "full scale invasion", "full-scale war", "invasion",
                "the war", "war began", "war started", "its war", "the conflict",
                "special military operation", "putin invaded", "russia invaded",
            ),
        ),
        Anchor(
            "mobilisation",
            dt.date(2022, 9, 21),
            ("partial mobilisation", "partial mobilization", "mobilisation", "mobilization",
             "call-up"),
        ),
        Anchor("wagner_mutiny", dt.date(2023, 6, 24),
               ("wagner uprising", "wagner mutiny", "wagner rebellion")),
        Anchor("kursk_incursion", dt.date(2024, 8, 6),
               ("kursk incursion", "kursk offensive", "incursion into kursk",
                "incursion into the kursk region", "incursion into russia's kursk",
                "incursion into russia’s kursk", "kursk operation"),
               ("kursk region", "kursk oblast", "kursk area")),
        # Ukraine's 2023 counteroffensive, from the day Russia's defence ministry dates it
        Anchor("counteroffensive_2023", dt.date(2023, 6, 4), (),
               ("counteroffensive", "counter-offensive", "counter offensive")),
    )
}  # fmt: skip


def read_anchors(
    path: str | os.PathLike, *, base: Mapping[str, Anchor] | None = None
) -> dict[str, Anchor]:
    """Read anchors from TOML (``[name]`` with ``date`` and ``phrases``) over ``base``.

    Raises
    ------
    ExtractError
        If the file cannot be read or an entry is malformed (naming the entry).
    """
    import tomllib

    out = dict(ANCHORS if base is None else base)
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise ExtractError(f"{path}: cannot read the anchors ({e})") from None
    for name, entry in raw.items():
        try:
            date = dt.date.fromisoformat(str(entry["date"]))
            phrases = tuple(str(p).lower() for p in entry.get("phrases", ()))
            since = tuple(str(p).lower() for p in entry.get("since_phrases", ()))
        except (KeyError, TypeError, ValueError, AttributeError):
            raise ExtractError(
                f'{path}: [{name}] needs date = "YYYY-MM-DD" and phrases = ["..."]'
            ) from None
        out[name] = Anchor(name, date, phrases, since)
    return out


# ---------------------------------------------------------------------------------
# Documents
# ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Document:
    """A document's text as read.

    Attributes
    ----------
    name : str
        The file as given (goes into ``document``).
    text : str
        The text quotes are taken from: the file itself for plain text and Markdown,
        the visible text for HTML.
    published : datetime.date or None
        Publication date, if known.
    published_from : str
        Where it came from: ``option``, ``HTML metadata``, ``an HTML <time> tag``,
        ``header line N`` or ``""``.
    """

    name: str
    text: str
    published: dt.date | None = None
    published_from: str = ""


class _TextOfHTML(html.parser.HTMLParser):
    _SKIP = {"script", "style", "noscript", "template", "svg", "head"}
    _BLOCK = {"p", "div", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6",
              "section", "article", "header", "footer", "blockquote", "title", "table",
              "ul", "ol", "figcaption", "pre"}  # fmt: skip

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in self._SKIP:
            self.skip += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self._SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def html_text(markup: str) -> str:
    """The visible text of an HTML page: one line per block, runs of spaces collapsed."""
    parser = _TextOfHTML()
    parser.feed(markup)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _decode(data: bytes, name: str) -> str:
    """UTF-8; a file with other bytes is read line by line (Windows-1252 where not UTF-8)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    lines = data.splitlines(keepends=True)
    out, bad = [], 0
    for line in lines:
        try:
            out.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            bad += 1
            out.append(line.decode("cp1252", errors="replace"))
    warnings.warn(
        f"{name}: {bad} of {len(lines)} lines are not UTF-8 and were read as Windows-1252; "
        "check their quotes, or save the file as UTF-8",
        ExtractWarning,
        stacklevel=3,
    )
    return "".join(out).lstrip("\ufeff")


def read_document(
    path: str | os.PathLike,
    *,
    published: dt.date | None = None,
    max_bytes: int = MAX_BYTES,
) -> Document:
    """Read a plain-text, Markdown or HTML document; its date from ``published`` or its header.

    Parameters
    ----------
    path : path-like
        The file. ``.html``/``.htm`` files (or text starting with an HTML tag) are read as
        HTML and only their visible text is kept.
    published : datetime.date, optional
        The publication date; otherwise, for HTML, the page's metadata
        (``article:published_time``, ``datePublished``, ``<time datetime>``), else a full
        date in the first lines (each with a warning saying where), else None (with a
        warning).
    max_bytes : int
        Longer files are refused.

    Raises
    ------
    ExtractError
        Missing, unreadable, binary or too large.
    """
    name = str(path)
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > max_bytes:
            raise ExtractError(
                f"{name}: {size / 1e6:.1f} MB is more than the {max_bytes / 1e6:.0f} MB a "
                "document may have; split it into articles"
            )
        data = p.read_bytes()
    except FileNotFoundError:
        raise ExtractError(f"{name}: file not found; check the path") from None
    except IsADirectoryError:
        raise ExtractError(f"{name}: is a folder; name the files in it") from None
    except OSError as e:
        raise ExtractError(f"{name}: cannot read ({e.strerror or e})") from None
    if b"\x00" in data[:8192]:
        raise ExtractError(
            f"{name}: looks like a binary file (it has NUL bytes); give text, Markdown or HTML"
        )
    text = _decode(data, name)
    head = text.lstrip()[:200].lower()
    meta = None
    if p.suffix.lower() in (".html", ".htm") or head.startswith(("<!doctype html", "<html")):
        meta = _html_date(text)
        text = html_text(text)
    return _dated(Document(name=name, text=text), published, meta)


_HTML_DATE = re.compile(
    r"""(?:article:published_time|datePublished|pubdate|publish[-_]date|dc\.date)["']?"""
    r"""[^>]{0,40}?(?:content\s*=\s*|:\s*)["'](?P<d>\d{4}-\d\d-\d\d)"""
    r"""|<time\b[^>]*\bdatetime\s*=\s*["'](?P<t>\d{4}-\d\d-\d\d)""",
    re.IGNORECASE,
)


def _html_date(markup: str) -> tuple[dt.date, str] | None:
    """A publication date in an HTML page's metadata (``article:published_time``,
    ``datePublished``, ``<time datetime>``), with the name of the tag it came from."""
    m = _HTML_DATE.search(markup[:200_000])
    if m is None:
        return None
    try:
        day = dt.date.fromisoformat(m.group("d") or m.group("t"))
    except ValueError:
        return None
    return day, "HTML metadata" if m.group("d") else "an HTML <time> tag"


def _dated(doc: Document, published: dt.date | None, meta=None) -> Document:
    if published is not None:
        return replace(doc, published=published, published_from="option")
    if meta is not None:
        day, where = meta
        warnings.warn(
            f"{doc.name}: publication date {day} read from {where}; pass --published to override",
            ExtractWarning,
            stacklevel=3,
        )
        return replace(doc, published=day, published_from=where)
    found = _header_date(doc.text)
    if found is None:
        warnings.warn(
            f"{doc.name}: no publication date (none given and none in the first lines); "
            "windows that count from it are left empty: pass --published YYYY-MM-DD",
            ExtractWarning,
            stacklevel=3,
        )
        return doc
    date, line = found
    warnings.warn(
        f"{doc.name}: publication date {date} read from header line {line}; "
        "pass --published to override",
        ExtractWarning,
        stacklevel=3,
    )
    return replace(doc, published=date, published_from=f"header line {line}")


# ---------------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------------

_UNITS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen".split())}  # fmt: skip
_TENS = {w: 10 * i for i, w in enumerate(
    "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if w != "_"}  # fmt: skip
_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "mln": 10**6, "bn": 10**9,
           "k": 10**3, "m": 10**6, "mn": 10**6}  # fmt: skip
_FRACTIONS = {"half": 0.5, "quarter": 0.25}
_WORD = "|".join(sorted([*_UNITS, *_TENS, "hundred", "thousand", "million", "billion", "dozen",
                         "half", "quarter", "a", "an", "and"], key=len, reverse=True))  # fmt: skip
_NUMBER_WORD = re.compile(
    rf"\b(?:{'|'.join([*_UNITS, *_TENS, 'hundred', 'thousand', 'million', 'billion', 'dozen'])})\b",
    re.IGNORECASE,
)
_ANY_NUMBER = re.compile(r"\d|\b(?i:thousand|million|billion|hundred)")
_WORD_RUN = re.compile(rf"\b(?:{_WORD})(?:[\s-]+(?:{_WORD}))*\b", re.IGNORECASE)


def words_value(text: str) -> float | None:
    """The value of a number written in words, or None.

    ``one million`` -> 1e6, ``a thousand and two hundred`` -> 1200, ``one and a half
    thousand`` -> 1500, ``half a million`` -> 5e5, ``a quarter million`` -> 2.5e5.
    """
    tokens = [t for t in re.split(r"[\s-]+", text.lower()) if t]
    if not any(t in _UNITS or t in _TENS or t in ("hundred", "dozen", *_SCALES) for t in tokens):
        return None
    total, current, i = 0.0, 0.0, 0
    while i < len(tokens):
        t = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if t == "and":
            pass
        elif t in ("a", "an"):
            if nxt in ("hundred", "dozen") or nxt in _SCALES:
                current += 1
        elif t in _FRACTIONS:
            current += _FRACTIONS[t]
            if nxt in ("a", "an"):  # "half a million"
                i += 1
        elif t in _UNITS:
            current += _UNITS[t]
        elif t in _TENS:
            current += _TENS[t]
        elif t == "dozen":
            current = (current or 1) * 12
        elif t == "hundred":
            current = (current or 1) * 100
        elif t in _SCALES:
            total += (current or 1) * _SCALES[t]
            current = 0.0
        else:
            return None
        i += 1
    value = total + current
    return value if value > 0 else None


def _digits_value(text: str, scaled: bool) -> Decimal | None:
    """Digits with separators in either convention (``8,000``, ``8.000``, ``1.2``, ``400,63``).

    A single ``.`` or ``,`` followed by exactly three digits separates thousands, unless a
    scale word follows (``1.500 million`` is 1.5 million) and the mark is ``.``; any other
    single mark is a decimal mark; with both marks the last one is the decimal mark.
    """
    s = text.replace("\u00a0", "").replace("\u202f", "").replace("'", "").replace(" ", "")
    marks = [c for c in s if c in ",."]
    if not marks:
        return Decimal(s)
    if len(set(marks)) == 2:
        dec = s[max(s.rfind(","), s.rfind("."))]
        thou = "," if dec == "." else "."
        return Decimal(s.replace(thou, "").replace(dec, "."))
    mark = marks[0]
    groups = s.split(mark)
    if len(marks) > 1:
        if all(len(g) == 3 for g in groups[1:]):
            return Decimal("".join(groups))
        return None
    if len(groups[1]) == 3 and not (scaled and mark == "."):
        return Decimal("".join(groups))
    return Decimal(groups[0] + "." + groups[1])


def _value(num: str, scale: str) -> float | None:
    """The figure ``num`` times its scale word or suffix, rounded once."""
    v = _digits_value(num, bool(scale))
    return None if v is None else float(v * _SCALES.get(scale, 1))


_NUM_DIGITS = (
    r"\d{1,3}(?:(?P<sep>[,.\u00a0\u202f' ])\d{3}(?!\d))(?:(?P=sep)\d{3}(?!\d))*(?:[.,]\d+)?"
    r"|\d+(?:[.,]\d+)?"
)
_SCALE_AFTER = re.compile(
    r"(?:(?P<suffix>[kKmM]|bn|mn|mln)\b|\s+(?P<word>thousand|million|billion|mln|bn)\b)"
)


def parse_number(text: str) -> float:
    """A figure as written in text: digits in either convention, a scale, or words.

    ``8,000`` = ``8.000`` = ``8000`` = ``8k`` = ``8 thousand`` = ``eight thousand``;
    ``1.2 million`` = ``1,2 million`` = ``1.2m``; ``one and a half thousand`` = 1500.

    Raises
    ------
    ValueError
        If ``text`` is not one number.
    """
    s = re.sub(r"[ \t\r\n]+", " ", text.strip(" \t\r\n"))
    m = re.fullmatch(rf"(?P<num>{_NUM_DIGITS})(?P<scale>{_SCALE_AFTER.pattern})?", s)
    if m:
        v = _value(m.group("num"), (m.group("suffix") or m.group("word") or "").lower())
        if v is not None:
            return v
    if _WORD_RUN.fullmatch(s):
        w = words_value(s)
        if w is not None:
            return w
    raise ValueError(f"not a number: {text!r}")


# ---------------------------------------------------------------------------------
# Dates in text
# ---------------------------------------------------------------------------------

_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
_MONTHS["sept"] = 9
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept\.?|Sep\.?|Oct\.?"
    r"|Nov\.?|Dec\.?)"
)
_WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_YEAR = r"(?:19|20)\d\d"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
# day month [year] | month day[,] [year] | month year | ISO
_DATE = re.compile(
    rf"(?P<d1>{_DAY})\s+(?:of\s+)?(?P<m1>{_MONTH})(?:,?\s+(?P<y1>{_YEAR}))?\b"
    rf"|(?P<m2>{_MONTH})\s+(?P<d2>{_DAY})\b(?:,?\s+(?P<y2>{_YEAR})\b)?"
    rf"|(?P<m3>{_MONTH})(?:,)?\s+(?P<y3>{_YEAR})\b"
    r"|(?P<iso>(?:19|20)\d\d-[01]\d-[0-3]\d)\b"
)


def _month_number(text: str) -> int:
    return _MONTHS[text.lower().rstrip(".")]


def _header_date(text: str, lines: int = 6) -> tuple[dt.date, int] | None:
    """A full date (day, month and year) in the first non-empty lines, with its line number."""
    seen = 0
    for number, line in enumerate(text.splitlines()[:200], start=1):
        if not line.strip():
            continue
        seen += 1
        if seen > lines:
            break
        for m in _DATE.finditer(line):
            d = _date_of(m, None)
            if d is not None and d[1] and not m.group("m3"):  # "January 2024" is no date line
                return d[0], number
    return None


def _date_of(m: re.Match, published: dt.date | None) -> tuple[dt.date, bool] | None:
    """The date a :data:`_DATE` match names, and whether it named its year.

    A date without a year is the latest such day on or before ``published``.
    """
    try:
        if m.group("iso"):
            return dt.date.fromisoformat(m.group("iso")), True
        if m.group("m3"):
            return dt.date(int(m.group("y3")), _month_number(m.group("m3")), 1), True
        month = _month_number(m.group("m1") or m.group("m2"))
        day = int(re.match(r"\d+", m.group("d1") or m.group("d2")).group())
        year = m.group("y1") or m.group("y2")
        if year:
            return dt.date(int(year), month, day), True
        if published is None:
            return None
        d = dt.date(published.year, month, day)
        return (d if d <= published else dt.date(published.year - 1, month, day)), False
    except ValueError:
        return None


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _recent_month(month: int, published: dt.date) -> int:
    """The year of the latest such month that started on or before ``published``."""
    return published.year if month <= published.month else published.year - 1


# ---------------------------------------------------------------------------------
# Sentences
# ---------------------------------------------------------------------------------

_ABBREV = {
    "mr", "mrs", "ms", "dr", "gen", "lt", "col", "maj", "sgt", "capt", "rep", "sen", "st", "no",
    "vs", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "prof", "gov", "inc", "ltd", "co", "approx", "est", "u.s", "u.k", "e.g", "i.e", "adm",
}  # fmt: skip
_END = re.compile(r"[.!?]+[\"”’)\]]*(?=\s+[\"“‘(\[]?[A-Z0-9])")
_LETTER = re.compile(r"[A-Za-z]")
# every character str.splitlines breaks at: a quote never spans two lines
_LINE = re.compile(r"[^\n\r\v\f\x1c-\x1e\x85\u2028\u2029]+")
_LAST_WORD = re.compile(r"([\w.]+)[.!?]+[\"”’)\]]*$")
_LEAD = re.compile(r"[\s*#>•·\-–—]*(?:\d+\.\s+)?")


def _sentences(text: str) -> Iterable[tuple[int, int]]:
    """Spans (start, end) of the sentences of ``text``; lines and table cells split too."""
    for line in _LINE.finditer(text):
        parts = [(line.start(), line.end())]
        if line.group().lstrip().startswith("|"):
            parts = [(line.start() + c.start(), line.start() + c.end())
                     for c in re.finditer(r"[^|]+", line.group())]  # fmt: skip
        for a, b in parts:
            start = a
            chunk = text[a:b]
            for m in _END.finditer(chunk):
                word = _LAST_WORD.search(chunk, max(0, m.end() - 40), m.end())
                w = word.group(1).lower().rstrip(".") if word else ""
                if w in _ABBREV or (len(w) == 1 and w.isalpha()):
                    continue
                yield from _trimmed(text, start, a + m.end())
                start = a + m.end()
            yield from _trimmed(text, start, b)


def _trimmed(text: str, a: int, b: int) -> Iterable[tuple[int, int]]:
    lead = _LEAD.match(text, a, b)
    a = lead.end() if lead else a
    while b > a and text[b - 1].isspace():
        b -= 1
    if b > a and _LETTER.search(text, a, b):
        yield a, b


# ---------------------------------------------------------------------------------
# Figures in a sentence
# ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Figure:
    start: int  # span in the sentence
    end: int
    value: float
    low: float | None = None
    high: float | None = None
    words: bool = False
    scaled: bool = False  # written with a scale word or suffix ("15 thousand", "30k")
    factor: float | None = None  # "three times more": factor on the figure before


_NUMBER = re.compile(
    rf"(?<![\w.,/:\u00a0])(?<![A-Za-z]-)(?P<num>{_NUM_DIGITS})(?P<scale>{_SCALE_AFTER.pattern})?"
    r"(?![\w/:]|[.,]\d)"
)
_SKIP_AFTER = re.compile(
    r"\s*(?:%|per\s?cent\b|percent\b|-(?!\s*\d)(?!plus\b)(?!strong\b)[A-Za-z]|\+(?!\s+[A-Za-z])|\+\s+(?=(?:minutes?|hours?|days?|weeks?|months?|years?|decades?)\b)|"
    r"(?:minutes?|hours?|days?|nights?|weeks?|months?|years?|decades?|km|kilometres?|kilometers?"
    r"|miles?|metres?|meters?|mm|millimetres?|millimeters?|cm|kg|tons?|tonnes?|rubles?|roubles?"
    r"|dollars?|euros?|hryvnias?|pounds|usd|eur|times|x|wpm|min|sec|seconds?|calibre|caliber"
    r"|am|pm|a\.m\.|p\.m\.|regions?|oblasts?|countries|nations|brigades?|axes)\b)",
    re.IGNORECASE,
)
_SKIP_BEFORE = re.compile(
    r"(?:[$€£₽]|\bUSD|\bUS\$|\bday|\bArticle|\bResolution|\bSection|\bNo\.|\bpage|\bchapter"
    r"|\bage|\baged|\bages?\s+of|\baged\s+(?:between|from)|\bnumber\s+one|\bTu|\bSu|\bMiG|\bT)\s*$",
    re.IGNORECASE,
)
_RANGE_JOIN = re.compile(r"^\s*(?:-|–|—|to|and|or)\s*$")
_TIMES = re.compile(
    r"\b(?P<n>\d+(?:\.\d+)?|two|three|four|five|six|seven|eight|nine|ten|twice)"
    r"(?:\s+and\s+a\s+half)?\s*(?:times\s+(?:more|as\s+many|as\s+much|higher|greater|the)\b"
    r"|-fold\b)",
    re.IGNORECASE,
)


_NOT_FIGURES = re.compile(
    r"https?://\S+|\S+\.\w{2,4}/\S*"  # links
    rf"|(?:{_MONTH})\s+{_DAY}\s*(?:-|–|and|to)\s*{_DAY}\b"  # "August 6 and 14"
    rf"|\b{_DAY}\s*(?:-|–|and|to|into)\s*{_DAY}\s+(?:{_MONTH})"  # "the night of 13-14 May"
    r"|\b\d{1,2}:\d\d\b"  # times
    r"|\b\d{1,2}(?:[:.]\d\d)?\s*(?:a\.m\.|p\.m\.|am\b|pm\b|o['’]clock\b)"  # "8 a.m."
    r"|\b(?:19|20)\d\d\s*[-–]\s*(?:19|20)?\d\d\b"  # "2022-23"
)


def _blocked_spans(sentence: str) -> list[tuple[int, int]]:
    """Spans that are not figures: dates, times, URLs."""
    spans = [m.span() for m in _DATE.finditer(sentence)]
    return spans + [m.span() for m in _NOT_FIGURES.finditer(sentence)]


def _in(spans: Sequence[tuple[int, int]], a: int, b: int) -> bool:
    return any(s <= a and b <= e for s, e in spans)


def _figures(sentence: str) -> list[_Figure]:
    """The figures of one sentence, in order; ranges merged, non-figures dropped."""
    blocked = _blocked_spans(sentence)
    raw: list[_Figure] = []
    for m in _NUMBER.finditer(sentence):
        a, b = m.start(), m.end()
        if _in(blocked, a, b):
            continue
        num = m.group("num")
        scale = (m.group("suffix") or m.group("word") or "").lower()
        value = _value(num, scale)
        if not value:  # None, or a zero: claims are of positive counts
            continue
        if not scale and re.fullmatch(_YEAR, num) and _is_year(sentence, a, b):
            continue
        raw.append(_Figure(a, b, value, scaled=bool(scale)))
    runs = _WORD_RUN.finditer(sentence) if _NUMBER_WORD.search(sentence) else ()
    for m in runs:
        a, b = m.span()
        lead = re.match(r"(?:and\s+)+", m.group(), re.IGNORECASE)
        if lead:
            a += lead.end()
        trail = re.search(r"(?:\s+(?:and|a|an))+$", sentence[a:b], re.IGNORECASE)
        if trail:
            b -= len(trail.group())
        span = sentence[a:b]
        value = words_value(span)
        if value is None:
            continue
        if value < 100 and not re.search(r"hundred|thousand|million|billion", span, re.I):
            continue  # "three jets", "two days": small counts in words are not figures
        if any(f.start < b and a < f.end for f in raw) or _in(blocked, a, b):
            continue
        if re.search(r"\b(?:several|a\s+few|few|many|some\s+few)\s*$", sentence[:a], re.I) and (
            re.fullmatch(r"(?:a\s+)?(?:hundred|thousand|million)", span.strip(), re.I)
        ):
            continue  # "several hundred casualties", "a few thousand": no figure given
        raw.append(_Figure(a, b, value, words=True, scaled=True))
    raw.sort(key=lambda f: f.start)
    out: list[_Figure] = []
    i = 0
    while i < len(raw):
        f = raw[i]
        if i + 1 < len(raw):
            g = raw[i + 1]
            between = sentence[f.end : g.start]
            before = sentence[max(0, f.start - 12) : f.start].lower()
            if _RANGE_JOIN.match(between) and (
                between.strip() != "and" or re.search(r"between\s*$", before)
            ):
                low, high = f.value, g.value
                if g.scaled and not f.scaled and low * _scale_of(high) <= high:
                    low *= _scale_of(high)  # "between 7 and 15 thousand"
                elif (between.strip() == "or" and not f.scaled and low < 1000
                      and high % 1000 == 0 and low * 1000 < high):  # fmt: skip
                    low *= 1000  # "70 or 80,000": the first figure shares the thousands
                if low < high:
                    out.append(_Figure(f.start, g.end, (low + high) / 2, low, high))
                    i += 2
                    continue
        out.append(f)
        i += 1
    kept = []
    for f in out:
        after = sentence[f.end :]
        before = sentence[max(0, f.start - 30) : f.start]  # the words just before will do
        if _SKIP_AFTER.match(after) or _SKIP_BEFORE.search(before):
            continue
        if re.match(r"\s*(?:st|nd|rd|th)\b", after):
            continue
        kept.append(f)
    for m in _TIMES.finditer(sentence):
        prev = [f for f in kept if f.end <= m.start()]
        rest = re.split(r"[,;:.]", sentence[m.end() :], maxsplit=1)[0]
        if not prev or re.search(r"\bthan\b", rest) or sentence[: m.start()].endswith("-"):
            continue  # "2-3 times more than in winter" compares with a figure not given
        n = m.group("n").lower()
        factor = {"twice": 2, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                  "eight": 8, "nine": 9, "ten": 10}.get(n) or float(n)  # fmt: skip
        if "half" in m.group():
            factor += 0.5
        ref = prev[-1]
        kept.append(_Figure(m.start(), m.end(), ref.value * factor, factor=factor))
    kept.sort(key=lambda f: f.start)
    return kept


_YEAR_BEFORE = re.compile(
    r"(?:\b(?:in|since|of|by|from|until|till|to|during|year|the|early|late|mid|through|before|"
    r"after|summer|winter|spring|autumn|fall|and|or|between|for)|-)\s*$",
    re.IGNORECASE,
)


def _is_year(sentence: str, a: int, b: int) -> bool:
    """A bare 19xx/20xx is a year after "in", "since", "the"... or before punctuation."""
    after = re.match(r"\s*(?:[,.;:)!?'’\"”-]|$)", sentence[b:])
    return bool(_YEAR_BEFORE.search(sentence[max(0, a - 30) : a]) or after)


def _scale_of(x: float) -> float:
    """The power of a thousand just under ``x`` (for "7 to 15 thousand")."""
    s = 1.0
    while x >= s * 1000:
        s *= 1000
    return s


# ---------------------------------------------------------------------------------
# Clauses, hedges, kinds, quantities, windows, attribution
# ---------------------------------------------------------------------------------

_BOUNDARY = re.compile(
    r"[,;:()\[\]]|\s(?:[–—-]|--)\s|—|\s(?:while|whereas|but|and\s+that|compared\s+(?:to|with)|"
    r"which|who)\s",
    re.IGNORECASE,
)


def _clause(sentence: str, fig: _Figure, figures: Sequence[_Figure]) -> tuple[int, int]:
    """The clause around a figure: between the nearest boundaries outside any figure."""
    spans = [(f.start, f.end) for f in figures]
    cuts = [m for m in _BOUNDARY.finditer(sentence) if not _in(spans, m.start(), m.end())]
    # "41,980 casualties — killed and wounded — on the battlefield last month": a pair of
    # dashes around a short aside with no figure does not end the clause
    dashes = [m for m in cuts if m.group().strip() in ("—", "–", "-", "--")]
    for d1, d2 in zip(dashes, dashes[1:], strict=False):
        inner = sentence[d1.end() : d2.start()]
        if len(inner) <= 40 and not any(d1.end() <= f.start < d2.start() for f in figures):
            cuts = [m for m in cuts if m is not d1 and m is not d2]
    a = max((m.end() for m in cuts if m.end() <= fig.start), default=0)
    b = min((m.start() for m in cuts if m.start() >= fig.end), default=len(sentence))
    return a, b


#: Hedge phrases before a figure -> qualifier of the claims format.
HEDGE_WORDS: Mapping[str, str] = {
    "nearly": "nearly", "almost": "almost", "close to": "nearly", "approaching": "nearly",
    "just under": "nearly", "just shy of": "nearly", "not quite": "nearly",
    "about": "about", "some": "about", "an estimated": "about", "estimated": "about",
    "nearer": "about", "around": "around", "approximately": "approximately",
    "approx.": "approximately", "roughly": "roughly", "circa": "about",
    "more than": "more_than", "over": "over", "upwards of": "more_than",
    "in excess of": "more_than", "exceeded": "more_than", "exceeding": "more_than",
    "surpassed": "more_than", "topped": "more_than", "passed": "more_than",
    "at least": "at_least", "no fewer than": "at_least", "no less than": "at_least",
    "not less than": "at_least", "a minimum of": "at_least",
    "up to": "up_to", "a maximum of": "up_to", "could reach": "up_to", "as much as": "as_many_as",
    "as many as": "as_many_as", "as high as": "as_many_as",
    "fewer than": "fewer_than", "less than": "less_than", "under": "less_than",
    "below": "less_than", "just over": "over", "well over": "over",
    "upward of": "more_than", "at most": "up_to", "no more than": "up_to",
    "not more than": "up_to", "approached": "nearly", "neared": "nearly", "nearing": "nearly",
    "exceed": "more_than", "exceeds": "more_than", "surpass": "more_than",
    "surpasses": "more_than", "surpassing": "more_than", "passing": "more_than",
    "above": "more_than", "well above": "more_than", "north of": "more_than",
    "crossed": "more_than", "well in excess of": "more_than",
}  # fmt: skip
_HEDGE = re.compile(
    r"\b(?P<h>"
    + "|".join(re.escape(h) for h in sorted(HEDGE_WORDS, key=len, reverse=True))
    # ("approaching a grim milestone of one million")
    + r")\s+(?:(?:a\s+total\s+of|a|an|of|to|the|level\s+of|figure\s+of|mark\s+of|grim|"
    r"symbolic|psychological|milestone\s+of|threshold\s+of)\s+)*$",
    re.IGNORECASE,
)
#: "is about to suffer", "on the verge of reaching" just before a figure: nearly.
_IMMINENT = re.compile(
    r"\b(?:about\s+to|on\s+the\s+verge\s+of|poised\s+to)\s+[a-z]+\s+(?:(?:a|the)\s+)?"
    r"(?:(?:total|number|mark|level)\s+of\s+)?$",
    re.IGNORECASE,
)
_HEDGE_AFTER = {r"^\s*or\s+more\b": "at_least", r"^\s*or\s+so\b": "about",
                r"^\s*or\s+fewer\b": "up_to", r"^-?plus\b": "more_than",
                r"^\+(?=\s+[A-Za-z])": "more_than"}  # fmt: skip

_PER = {"day": "day", "daily": "day", "week": "week", "weekly": "week", "month": "month",
        "monthly": "month", "year": "year", "yearly": "year", "annual": "year",
        "annually": "year", "quarter": "quarter", "quarterly": "quarter",
        "night": "day", "nightly": "day"}  # fmt: skip
_RATE = re.compile(
    r"(?<!\bin\s)(?<!\bover\s)(?<!\bfor\s)(?<!\bpast\s)(?<!\bwithin\s)(?<!\blast\s)(?<!\bthan\s)"
    r"\b(?:per|each|every|a|an)\s+(?:single\s+)?(?P<p>day|week|month|year|quarter|night)\b"
    r"(?!\s+(?:ago|million|thousand|billion|of|and\s+a\s+half|earlier|before|later))"
    r"|\b(?:per|each|every)\s+(?P<h24>24)\s+hours\b"
    r"|\b(?P<a>daily|weekly|monthly|yearly|annual|annually|quarterly|nightly)\b",
    re.IGNORECASE,
)
_TARGET = re.compile(
    # "missiles fired at targets", "drones aimed at civilian infrastructure": a direction,
    # not a plan ("targets" is a plan's only as a verb or with "of"/"to")
    r"\b(?:aims?|aiming|aimed(?!\s+at\b)|plans?|planned|planning|target(?!s\b)|"
    r"targets(?=\s+(?:of|to)\b|\s+\d)|targeted|seeks?|"
    r"seeking|sought|goal|quota|intends?|intending|wants?\s+to|expects?\s+to|will|would|"
    r"forecasts?|projected|to\s+recruit|to\s+sign\s+up|to\s+mobili[sz]e|to\s+call\s+up|"
    # a call-up by decree or order is a plan: "ordered the conscription of 160,000", "a
    # decree ... expected to bring in 150,000", "are to be called up"
    r"ordered\s+the\s+(?:conscription|call-up|mobili[sz]ation|draft)|expected\s+to\s+bring|"
    r"(?:is|are)\s+to\s+be|decree\s+(?:calling|to\s+call)\s+up|to\s+produce|"
    r"contracted|"
    # a forecast of a level or a rising output: "expects losses to reach a million",
    # "is expected to hit", "set to exceed", "ramping up production to 1.4 million"
    r"expects?\s+(?:[\w'’-]+\s+){0,5}?to\s+(?:reach|hit|exceed|top|pass|surpass|rise|grow|climb)|"
    r"expected\s+to\s+(?:reach|hit|exceed|top|pass|surpass|rise|grow|climb)|"
    r"set\s+to\s+(?:reach|hit|exceed|top|pass|surpass|rise|grow|climb|increase)|"
    # (a present "ramping up" with a level to reach; "ramping up recruitment, with 300,000
    # in 2023" tells what was done)
    r"ramp(?:s|ing)\s+up\b[^,;.]{0,60}?\bto(?=\s+(?:[a-z]+\s+){0,2}\d)|"
    r"on\s+(?:course|track)\s+to)\b",
    re.IGNORECASE,
)


def _nearest(matches, fig: _Figure, others: Sequence[_Figure]):
    """The match nearest to ``fig`` that is not nearer to another figure, or None."""

    def dist(m, f):
        a, b = m.span()
        return 0 if a < f.end and f.start < b else min(abs(a - f.end), abs(f.start - b))

    best = None
    for m in matches:
        d = dist(m, fig)
        if any(dist(m, o) < d for o in others if o is not fig):
            continue
        if best is None or d < best[0]:
            best = (d, m)
    return None if best is None else best[1]


@functools.lru_cache(maxsize=256)
def _matches(pattern: re.Pattern, sentence: str) -> tuple[re.Match, ...]:
    """All matches of a pattern in a sentence (each sentence is searched once per pattern,
    whatever the number of its figures)."""
    return tuple(pattern.finditer(sentence))


def _ranked(pattern: re.Pattern, sentence: str, clause, fig, figures, scope: str) -> list:
    """Matches of ``pattern`` in the clause (``scope="clause"``) or in the rest of the
    sentence, nearest first; outside the clause, those nearer to another figure are left
    to it."""
    a, b = clause
    found = _matches(pattern, sentence)
    inside = [m for m in found if a <= m.start() and m.end() <= b]

    def dist(m, f):
        x, y = m.span()
        return 0 if x < f.end and f.start < y else min(abs(x - f.end), abs(f.start - y))

    if scope == "clause":
        # a phrase after the figure names its window more often than one before it ("1,262
        # in May and 1,163 more in June")
        return sorted(inside, key=lambda m: dist(m, fig) + (10 if m.end() <= fig.start else 0))
    rest = [m for m in found if m not in inside]
    rest = [m for m in rest if not any(dist(m, o) < dist(m, fig) for o in figures if o is not fig)]
    lead = _SUBORDINATE.match(sentence)
    if lead is not None and fig.start >= lead.end():
        # "While the war has become more static over the past year ..., X a day": the
        # window of a leading subordinate clause is not the main clause's
        rest = [m for m in rest if m.start() >= lead.end()]
    return sorted(rest, key=lambda m: dist(m, fig))


#: A leading subordinate clause, up to its comma.
_SUBORDINATE = re.compile(
    r"\W*(?:while|although|though|whereas|because|even\s+though|as\s+long\s+as)\b[^,;]*[,;]",
    re.IGNORECASE,
)


def _search(pattern: re.Pattern, sentence: str, clause: tuple[int, int], fig, figures,
            *, shared: bool = False, clause_only: bool = False):  # fmt: skip
    """The match of ``pattern`` for a figure: in its clause, else the nearest in the sentence.

    Within the clause a match nearer to another figure of the clause belongs to that one,
    unless ``shared`` (a window phrase such as "in one day" covers every figure of its
    clause). In the rest of the sentence a match belongs to the figure nearest to it.
    """
    a, b = clause
    found = _matches(pattern, sentence)
    inside = [m for m in found if a <= m.start() and m.end() <= b]
    mates = [] if shared else [f for f in figures if a <= f.start and f.end <= b]
    m = _nearest(inside, fig, mates)
    if m is not None or clause_only:
        return m
    return _nearest(found, fig, figures)


class _Vocabulary:
    """Phrase lookup over the quantities vocabulary."""

    def __init__(self, quantities: Mapping[str, Quantity]):
        self.owners: dict[str, list[Quantity]] = {}
        for q in quantities.values():
            for p in q.phrases:
                self.owners.setdefault(p, []).append(q)
        phrases = sorted(self.owners, key=len, reverse=True)
        self.pattern = (
            re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(p) for p in phrases) + r")(?![\w-])")
            if phrases
            else None
        )
        self.by_name = dict(quantities)

    def resolve(self, phrase: str, context: str) -> Quantity | None:
        """The quantity a phrase names, given the clause's words (context entries first)."""
        owners = self.owners.get(phrase, [])
        with_context = [q for q in owners if q.context and _has_any(context, q.context)]
        if with_context:
            return with_context[0]
        plain = [q for q in owners if not q.context]
        return plain[0] if plain else None

    def find(self, sentence: str, clause: tuple[int, int], fig, figures) -> tuple[str, str]:
        """(quantity name, phrase) for a figure, or ("", "")."""
        if self.pattern is None:
            return "", ""
        low = sentence.lower()
        a, b = clause
        context = low[a:b]
        if low.startswith("-", fig.end):
            # "a 12,000-strong force": the word joined to the figure names what it counts
            word = re.match(r"[a-z]+", low[fig.end + 1 :])
            q = self.resolve(word.group(), context) if word is not None else None
            if q is not None:
                return q.name, word.group()
        matches = [m for m in self.pattern.finditer(low)]
        weak = None  # a weak noun ("soldiers") names the figure only if nothing else does
        for scope in ("clause", "sentence"):
            pool = [m for m in matches if a <= m.start() and m.end() <= b]
            if scope == "clause":
                # "lost 11,220 soldiers and 87 tanks": when the figure has its own noun
                # before the next figure, a noun after that figure is the other's ("25
                # destroyed and 15 damaged ships" share theirs)
                own = [m for m in pool if not _after_other(m, fig, figures, low)]
                if any(m.start() >= fig.end for m in own) and len(own) < len(pool):
                    pool = own
            if scope == "sentence":
                pool = [m for m in matches if m not in pool]
                near = _nearest(pool, fig, figures)
                context = low
                q = self.resolve(near.group(), context) if near is not None else None
                if q is not None and q.weak:
                    # "combat losses ...: personnel — about 555,130": a weak noun nearest,
                    # a firm one further off in the sentence names the figure
                    firm = [m for m in pool if (r := self.resolve(m.group(), context))
                            and not r.weak]  # fmt: skip
                    near = _nearest(firm, fig, figures) or near
                pool = [near] if near is not None else []
            ranked = sorted(
                pool, key=lambda m: (not _predicate(low, m, fig), _phrase_distance(m, fig))
            )
            strong = [(m, q) for m in ranked if (q := self.resolve(m.group(), context))]
            firm = [(m, q) for m, q in strong if not q.weak]
            # losses narrowed by what happened to them ("lost 43,000 soldiers who died"), not
            # a count of something else ("recruited 50,000 prisoners who were killed")
            if scope == "clause" and (
                not firm or (firm[0][0].end() <= fig.start and firm[0][1].name == "casualties")
            ):
                rel = _RELATIVE.match(low, b)
                said = self.pattern.match(low, rel.end()) if rel is not None else None
                q = self.resolve(said.group(), context) if said is not None else None
                if q is not None and not q.weak:
                    return q.name, said.group()
            if firm:
                return firm[0][1].name, firm[0][0].group()
            if strong and weak is None:
                weak = strong[0][1].name, strong[0][0].group()
        return weak or ("", "")


#: A small count in words ("and three tanks"): not a figure, but it takes the noun after it.
_SMALL_COUNT = re.compile(
    r"\b(?:and|,)\s+(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b",
    re.IGNORECASE,
)


def _after_other(m: re.Match, fig: _Figure, figures: Sequence[_Figure], low: str) -> bool:
    """Whether a phrase follows another count that itself follows ``fig``."""
    if m.start() < fig.end:
        return False
    if any(f is not fig and fig.end <= f.start and f.end <= m.start() for f in figures):
        return True
    return _SMALL_COUNT.search(low, fig.end, m.start()) is not None


@functools.lru_cache(maxsize=16)
def _vocabulary(entries: tuple[tuple[str, Quantity], ...]) -> _Vocabulary:
    """The phrase lookup for a vocabulary, built once per vocabulary."""
    return _Vocabulary(dict(entries))


_AUXILIARY = re.compile(r"\b(?:have|has|had|were|was|been|are|is|being)\s+(?:[a-z]+ly\s+)?$")
#: A relative clause just after a figure's clause ("lost 43,000 soldiers who died on the
#: battlefield"): what happened to the counted people, told right after them.
_RELATIVE = re.compile(
    r"\s*,?\s*(?:who|that)\s+(?:(?:have|had)\s+(?:been\s+)?|were\s+|was\s+)?(?:[a-z]+ly\s+)?"
)


def _predicate(low: str, m: re.Match, fig: _Figure) -> bool:
    """A verb phrase after the figure ("500 prisoners recruited into Wagner units have
    died"): what happened to the counted people names them before a modifier does."""
    return m.start() >= fig.end and bool(_AUXILIARY.search(low[max(0, m.start() - 30) : m.start()]))


def _phrase_distance(m: re.Match, fig: _Figure) -> int:
    # the noun after a figure names it more often than one before ("8,000 recruits")
    if m.start() >= fig.end:
        return m.start() - fig.end
    return (fig.start - m.end()) + 40


def _has_any(text: str, words: Iterable[str]) -> bool:
    return any(re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text) for w in words)


# --- windows -----------------------------------------------------------------------

_ORD = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": 4}
_NUM_WORD = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
             "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a": 1,
             "several": 0}  # fmt: skip


def _renamed(pattern: str, prefix: str) -> str:
    return pattern.replace("?P<", f"?P<{prefix}")


#: "said in September", "issued by Russia's Ministry of Defense in September": a stated day.
_STATED_IN_MONTH_PATTERN = (
    rf"\b(?:said|says|stated|reported|announced|issued|released|published|claimed|"
    rf"(?:issued|released|published|given)\s+by\s+(?:\S+\s+){{1,4}}?)\s*in\s+"
    rf"(?P<m>{_MONTH})(?:\s+(?P<y>{_YEAR}))?\b"
)
_STATED_IN_MONTH = re.compile(_STATED_IN_MONTH_PATTERN, re.IGNORECASE)
_LOOKBACK_N = r"\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|several"
#: Window phrases, in the order they are tried (name, pattern); see :func:`_read_window`.
_WINDOW_PATTERNS: tuple[tuple[str, re.Pattern], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        (
            "between",
            rf"\b(?:between|from)\s+(?P<a>{_renamed(_DATE.pattern, 'a_')}),?\s+"
            rf"(?:and|to|until|through)\s+(?:today,?\s+)?"
            rf"(?P<b>{_renamed(_DATE.pattern, 'b_')}|{_DAY}\b)",
        ),
        (
            # "from 24.02.22 to 10.07.24": day.month.year, as Ukraine's General Staff writes
            "dotted_range",
            r"\b(?:from|between)\s+(?P<d1>\d{1,2})\.(?P<m1>\d{1,2})\.(?P<y1>\d{4}|\d{2})\s*"
            r"(?:to|and|until|till|through|-|–)\s*(?P<d2>\d{1,2})\.(?P<m2>\d{1,2})\."
            r"(?P<y2>\d{4}|\d{2})\b",
        ),
        (
            "month_range",
            rf"\b(?:from\s+)?(?P<m1>{_MONTH})\s*(?:-|–|to)\s*(?P<mid>mid-)?"
            rf"(?P<m2>{_MONTH})(?:\s+(?P<y>{_YEAR}))?"
            # "between January and June", "from January through May 2024"
            rf"|\b(?:between|from)\s+(?P<bm1>{_MONTH})(?:\s+(?P<by1>{_YEAR}))?\s+"
            rf"(?:and|until|through|till)\s+(?:the\s+end\s+of\s+)?(?P<bm2>{_MONTH})"
            rf"(?:\s+(?P<by>{_YEAR}))?\b(?!\s+\d)"
            # "in March and April" (two months in a row; not "..., respectively")
            rf"|\b(?:in|during|throughout|over)\s+(?P<am1>{_MONTH})\s+and\s+(?P<am2>{_MONTH})"
            rf"(?:,?\s+(?P<ay>{_YEAR}))?\b(?!\s*\d)",
        ),
        (
            # "in the three months to the end of June", "in the 12 months to March 2024"
            "months_to",
            rf"\b(?:in|over|during|for)\s+the\s+(?:past\s+|last\s+|previous\s+)?"
            rf"(?P<n>{_LOOKBACK_N})\s+(?P<u>weeks|months|years)\s+(?:to|through|until|"
            rf"ending(?:\s+in)?|up\s+to)\s+(?:the\s+end\s+of\s+)?(?P<m>{_MONTH})"
            rf"(?:\s+(?P<d>{_DAY}))?(?:,?\s+(?P<y>{_YEAR}))?\b",
        ),
        (
            "quarter",
            rf"\b(?P<o>first|second|third|fourth|last)\s+quarter(?:\s+of\s+"
            rf"(?:(?P<y>{_YEAR})|(?P<this>this|the|last|the\s+previous)\s+year)|(?P<bare>))\b"
            rf"|\b(?-i:Q)(?P<q>[1-4])\s+(?P<qy>{_YEAR})\b",
        ),
        (
            "half",
            rf"\b(?P<o>first|second)\s+half\s+of\s+(?:(?P<y>{_YEAR})|(?P<rel>this|the|last|"
            rf"the\s+previous)\s+year)"
            rf"|\b(?P<fl>first|last)\s+(?P<nm>{_LOOKBACK_N})\s+months\s+of\s+(?:(?P<y2>{_YEAR})|"
            rf"(?P<rel2>this|the|last|the\s+previous)\s+year)"
            rf"|\b(?-i:H)(?P<h>[12])\s+(?P<hy>{_YEAR})\b",
        ),
        (
            "first_days",
            rf"\bfirst\s+(?P<n>\d+|\w+)\s+days\s+of\s+(?P<m>{_MONTH}|the\s+current\s+month)"
            rf"|\b(?P<n2>\d+|\w+)\s+days\s+of\s+the\s+current\s+month"
            # "in the first three days of 2025": from 1 January
            rf"|\bfirst\s+(?P<yn>\d+|\w+)\s+days\s+of\s+(?P<yy>{_YEAR})\b"
            rf"|\b(?P<wk>first|second|third|fourth)\s+week\s+of\s+(?P<wm>{_MONTH})",
        ),
        (
            # "over the weekend": the latest Saturday and Sunday
            "weekend",
            r"\b(?:over|during|on|at)\s+the\s+(?:past\s+|last\s+)?weekend\b",
        ),
        (
            # "in the week to Sunday", "in the week ending 3 November": seven days to then;
            # "between Monday and Wednesday": those days of the latest week
            "weekdays",
            rf"\b(?:in|during|over|for)\s+the\s+week\s+(?:to|ending(?:\s+on)?|through|until)\s+"
            rf"(?:(?P<wd>{_WEEKDAY})\b|(?P<date>{_renamed(_DATE.pattern, 'w_')}))"
            rf"|\b(?:between|from)\s+(?P<wd1>{_WEEKDAY})\s+(?:and|to|through|until)\s+"
            rf"(?P<wd2>{_WEEKDAY})\b",
        ),
        (
            # one day's count: "on the night of 13-14 May" (the night into the 14th), "in one
            # night on July 9", "on June 11 alone", "today", "over the day"
            "one_day",
            rf"\bnight\s+(?:of|into)\s+(?P<nm>{_MONTH})\s+{_DAY}\s*(?:-|–|to|and|into)\s*"
            rf"(?P<nd>{_DAY})\b"
            rf"|\bnight\s+(?:of|into)\s+(?:(?:{_DAY})\s*(?:-|–|to|and|into)\s*)?"
            rf"(?P<n1>{_renamed(_DATE.pattern, 'n1_')})"
            rf"|\b(?:(?:one|a\s+single)\s+night|overnight)\s+(?:on|into)\s+"
            rf"(?P<n2>{_renamed(_DATE.pattern, 'n2_')})"
            rf"|\bon\s+(?P<n3>{_renamed(_DATE.pattern, 'n3_')})\s+alone\b"
            rf"|\bnight\s+(?:of|from)\s+{_WEEKDAY}\s+(?:to|into|and)\s+(?P<nwd>{_WEEKDAY})\b"
            rf"|\b(?P<yesterday>yesterday)\b"
            # ("as of today", "losses for today": the running count up to the day)
            rf"|(?<![.!?]\s)(?<!^)(?<!of\s)(?<!for\s)(?<!to\s)(?<!by\s)(?<!until\s)"
            rf"(?<!till\s)\b(?P<today>today)\b(?!,)(?!['’]s)"
            rf"|\b(?:over|during|in|for)\s+the\s+(?P<day>day)\b(?!\s+(?:of|before|after|when))",
        ),
        (
            "since_year",
            rf"\bsince\s+(?:the\s+)?(?:start|beginning)\s+of\s+(?:(?P<y>{_YEAR})|the\s+year|"
            rf"this\s+year|(?P<last>last)\s+year)|\bfrom\s+the\s+(?:start|beginning)\s+of\s+the\s+year"
            rf"|\bsince\s+(?P<jan>january)(?:\s+1(?:st)?)?(?:,?\s+(?P<y2>{_YEAR}))?\b"
            rf"|\bso\s+far\s+this\s+year|\byear\s+to\s+date|\bthis\s+year\s+so\s+far"
            rf"|\bsince\s+(?P<y3>{_YEAR})\b(?!\s*[-–])"
            # "since the beginning of the month": this calendar month
            rf"|\bsince\s+the\s+(?:start|beginning)\s+of\s+(?P<mo>the|this)\s+month",
        ),
        (
            "years_range",
            rf"\b(?:from|between)\s+(?P<y1>{_YEAR})\s+(?:to|until|through|and)\s+"
            rf"(?:(?P<m2>{_MONTH})\s+)?(?P<y2>{_YEAR})\b"
            rf"|\b(?:in|during)\s+(?P<y3>{_YEAR})\s+and\s+(?P<y4>{_YEAR})\b",
        ),
        (
            "since_date",
            rf"\b(?:since|(?:beginning|starting|counting)\s+(?:from|on))\s+(?:early\s+|mid-|late\s+)?"
            rf"(?P<date>{_DATE.pattern})"
            rf"|\bsince\s+(?:early\s+|mid-|late\s+)?(?P<m>{_MONTH})\b"
            # "since the start of October", "since the middle of May", "since the end of June"
            rf"|\bsince\s+(?:the\s+)?(?P<pt>start|beginning|middle|end)\s+of\s+(?P<pm>{_MONTH})"
            rf"(?:\s+(?P<py>{_YEAR}))?\b"
            rf"|\bsince\s+(?:early\s+|late\s+)?(?:on\s+)?(?P<wd>{_WEEKDAY})\b",
        ),
        (
            "lookback",
            rf"\b(?:over|in|during|within|for)\s+(?:just\s+)?(?:the\s+)?(?:past|last|previous)\s+"
            rf"(?:(?P<n>{_LOOKBACK_N})\s+)?(?P<u>days?|weeks?|months?|years?|fortnight|24\s+hours|"
            rf"hours)"
            rf"|\b(?:in|within)\s+(?:just\s+|only\s+)?(?:the\s+)?(?P<n2>{_LOOKBACK_N}|a|a\s+single)\s+"
            rf"(?P<u2>days?|nights?|24\s+hours|hours)"
            # "within a week", "in just this one week", "in less than a week": seven days
            # ("in two weeks" of a war may count from its start, so only a single week)
            rf"|\b(?:in|within)\s+(?:just\s+|only\s+|less\s+than\s+|under\s+)?"
            rf"(?:a|a\s+single|(?:this\s+)?one)\s+(?P<u4>week)\b"
            # "this past week"
            rf"|\bthis\s+past\s+(?P<u5>week|month|year)\b"
            rf"|\b(?P<u3>overnight|last\s+night|tonight|(?:during|in|over)\s+the\s+night"
            rf"(?!\s+(?:of|into|before)\b))\b(?!\s+(?:on\s+|into\s+|of\s+)?{_WEEKDAY})",
        ),
        (
            # "in the first 100 days of the war": counted from the war's start
            "first_of_war",
            rf"\b(?:first|initial|opening)\s+(?:(?P<n>{_LOOKBACK_N}|\d+)\s+)?(?P<u>days?|weeks?|months?|"
            rf"years?)\s+of\s+(?:the\s+|its\s+|russia['’]s\s+)?(?:full-scale\s+)?"
            rf"(?:war|invasion|conflict)\b",
        ),
        (
            # "over the next three months": a plan's window, from the day after publication
            "ahead",
            rf"\b(?:over|in|during|within|for)\s+the\s+(?:next|coming)\s+(?:(?P<n>{_LOOKBACK_N})\s+)?"
            rf"(?P<u>days?|weeks?|months?|years?)\b",
        ),
        (
            "conscription",
            rf"\b(?:(?P<w>last|this|next)\s+|(?P<y>{_YEAR})\s+)?(?P<s>spring|autumn|fall)\s+"
            rf"(?:military\s+)?(?:draft|conscription|call-up|call\s+up|campaign)\b",
        ),
        (
            # "during the winter months", "in the summer of 2023": Dec-Feb, Mar-May, Jun-Aug,
            # Sep-Nov
            "season",
            rf"(?<!than\s)(?:\b(?:during|in|over|throughout|(?P<since>since))\s+(?:the\s+)?"
            rf"(?:(?P<w>last|this|past)\s+)?|(?<!\bthe\s)(?<!\bin\s)\b(?P<w2>last|this)\s+)"
            rf"(?P<s>winter|spring|summer|autumn|fall)(?:\s+months)?(?:\s+of\s+(?P<y>{_YEAR}))?\b"
            rf"(?!\s+(?:offensive|counteroffensive|campaign))",
        ),
        (
            # "on Sunday alone"; "overnight Friday", "early on Thursday": that day's count
            "weekday_alone",
            rf"\bon\s+(?P<wd>{_WEEKDAY})\s+alone"
            rf"|(?<!since\s)\b(?:overnight\s+(?:on\s+|into\s+)?|early\s+on\s+|late\s+on\s+)(?P<wd2>{_WEEKDAY})\b",
        ),
        (
            # "Before the war, the army numbered 250,000": the eve of the invasion
            "pre_war",
            r"\b(?:before|prior\s+to|on\s+the\s+eve\s+of|ahead\s+of)\s+(?:the\s+|russia['’]s\s+)?"
            r"(?:full-scale\s+|full\s+scale\s+)?(?:war|invasion)\b"
            r"(?!\s+in\s+(?!ukraine))",  # not "before the war in Gaza"
        ),
        (
            "end_of",
            rf"\b(?:at|until|till|by|to|through|towards|toward)\s+the\s+end\s+of\s+"
            rf"(?P<m>{_MONTH})(?:\s+(?P<y>{_YEAR}))?",
        ),
        ("stated_in_month", _STATED_IN_MONTH_PATTERN),
        (
            "in_month",
            rf"\b(?:in|during|for|throughout)\s+(?:the\s+month\s+of\s+)?(?P<part>early\s+|late\s+|mid-)?"
            rf"(?P<m>{_MONTH})"
            rf"(?:,?\s+(?P<y>{_YEAR}))?(?P<alone>\s+alone)?\b"
            # "April alone saw roughly 36,000 losses"
            rf"|(?<!since\s)(?<!-)\b(?P<m_alone>{_MONTH})(?:\s+(?P<y_alone>{_YEAR}))?\s+alone\b",
        ),
        (
            "as_of_month",
            rf"\b(?:as\s+of|by|as\s+at)\s+(?:the\s+end\s+of\s+)?(?P<m>{_MONTH})\s+(?P<y>{_YEAR})\b"
            # "by November this year": the end of that month of the publication's year
            rf"|\b(?:as\s+of|by|as\s+at)\s+(?:the\s+end\s+of\s+)?(?P<m3>{_MONTH})\s+"
            rf"(?P<rel>this|last)\s+year\b"
            # "as of late May", "as of mid-June": the end of the month, or its 15th
            rf"|\b(?:as\s+of|as\s+at)\s+(?:the\s+end\s+of\s+|(?P<part>late\s+|mid-\s*))?"
            rf"(?P<m2>{_MONTH})(?:,?\s+(?P<y2>{_YEAR}))?\b(?!\s*\d)",
        ),
        (
            # "by mid-2023", "as of late 2024": the middle or the end of that year
            "by_part_year",
            rf"\b(?:by|as\s+of|until)\s+(?:the\s+)?(?:(?P<part>mid|late)[-\s]+(?:of\s+)?|(?P<endh>end)-)"
            rf"(?P<y>{_YEAR})\b",
        ),
        (
            # "by the end of the year", "by year-end", "by the end of 2025"
            "year_end",
            rf"\b(?:by|at|until|till|before|to|through|towards?)\s+(?:the\s+)?(?:(?:very\s+)?"
            rf"end\s+of\s+(?:(?P<this>the|this|the\s+current)\s+year|(?P<y>{_YEAR})|"
            rf"(?P<next>next)\s+year)"
            rf"|(?P<ye>year[-\s]end|year['’]s\s+end))\b"
            # a plan "by 2026": by that year's end
            rf"|\bby\s+(?P<yb>{_YEAR})\b(?![-–]|\s*(?:-|–|and|to)\s*\d)",
        ),
        (
            "month_year",
            rf"(?<!\d\s)(?<!since\s)(?<!from\s)(?<!of\s)(?<!by\s)\b(?P<m>{_MONTH})\s+(?P<y>{_YEAR})\b",
        ),
        (
            "in_year",
            rf"\b(?:in|during|for|throughout|over\s+the\s+course\s+of|(?P<thr>through))\s+"
            rf"(?P<y>{_YEAR})\b"
            rf"|\b(?P<y2>{_YEAR}),\s+when\b",  # "a decline from 2024, when Medvedev said ..."
        ),
        (
            "rel_month",
            r"\b(?P<w>last|this|the\s+previous)\s+month\b",
        ),
        (
            "rel_week",
            r"\b(?P<w>last|this|the\s+previous)\s+week\b",
        ),
        (
            "rel_year",
            r"\b(?P<w>this|last|next|the\s+current|the\s+previous|the\s+past)\s+year\b",
        ),
    )
)


@functools.lru_cache(maxsize=64)
def _anchor_patterns(anchors: tuple[Anchor, ...]):
    """(phrase, anchor) pairs longest first, and the "since <anchor>" and bare patterns."""
    bare_pairs = [(p, a) for a in anchors for p in a.phrases]
    pairs = sorted(
        bare_pairs + [(p, a) for a in anchors for p in a.since_phrases],
        key=lambda pa: -len(pa[0]),
    )
    if not pairs:
        return [], None, None
    alt = "|".join(re.escape(p) for p, _ in pairs)
    since_only = "|".join(
        re.escape(p) for p in sorted({p for a in anchors for p in a.since_phrases}, key=len)[::-1]
    )
    since = re.compile(
        rf"\bsince\s+(?:the\s+)?(?:(?:start|beginning|outbreak|launch|onset)\s+of\s+)?"
        rf"(?:(?:the|its|russia['’]s|moscow['’]s|ukraine['’]s|kyiv['’]s|this|last\s+\w+['’]s|"
        rf"a)\s+)?"
        rf"(?:[\w'’]+\s+){{0,3}}?(?P<a>{alt})"
        # "since the beginning of the operation of the Armed Forces in the Kursk region"
        + (
            rf"|\bsince\s+(?:the\s+)?(?:start|beginning|outbreak|launch|onset|first\s+days)"
            rf"\s+of\s+(?:[\w'’-]+\s+){{0,10}}?(?P<a2>{since_only})(?![\w-])"
            if since_only
            else ""
        ),
        re.IGNORECASE,
    )
    alt = "|".join(re.escape(p) for p, _ in sorted(bare_pairs, key=lambda pa: -len(pa[0])))
    if not alt:
        return pairs, since, None
    # "a new mobilisation", "another wave of mobilisation" name no past day
    bare = re.compile(
        rf"(?<!new\s)(?<!another\s)(?<!second\s)(?<!further\s)(?<!mass\s)(?<!wave\sof\s)"
        rf"(?<!possible\s)(?<!general\s)(?<!day\sof\s)(?<!week\sof\s)(?<!month\sof\s)"
        rf"(?<!year\sof\s)(?<![\w-])(?P<a>{alt})(?![\w-])",
        re.IGNORECASE,
    )
    return pairs, since, bare


#: A superlative just before a "since" ("the highest since the invasion began", "the worst
#: month for losses since the conflict began"): the "since" compares, it opens no window.
_SUPERLATIVE = re.compile(
    r"\b(?:highest|lowest|largest|biggest|smallest|worst|deadliest|heaviest|most|fewest|"
    r"record|first\s+time)\b[^,.;:()]{0,40}$",
    re.IGNORECASE,
)


@dataclass
class _Window:
    start: dt.date | None = None
    end: dt.date | None = None
    back: tuple[str, int] | None = None  # (unit, n): n units ending on end
    said: dt.date | None = None  # the day the figure was stated
    on_day: bool = False  # "On Aug. 26, ...": the sentence is about that day
    notes: list[str] = field(default_factory=list)
    explicit: bool = False
    year_end: int | None = None  # "at the end of 2024": the year whose end bounds the count


def _weekday_before(name: str, published: dt.date) -> dt.date:
    back = (published.weekday() - _WEEKDAYS[name.lower()]) % 7
    return published - dt.timedelta(days=back)


def _window(sentence: str, clause, fig, figures, kind: str, published: dt.date | None,
            anchors: Mapping[str, Anchor]) -> _Window:  # fmt: skip
    """Read the window phrases around a figure."""
    w = _Window()

    def find(pattern, flags=re.IGNORECASE, clause_only=False):
        if isinstance(pattern, str):
            pattern = re.compile(pattern, flags)
        return _search(pattern, sentence, clause, fig, figures, shared=True,
                       clause_only=clause_only)  # fmt: skip

    # the day the figure was stated: "said on Monday", "On September 3, ...", "as of Jan. 19"
    if published is not None:
        date_or_day = rf"(?:(?P<wd>{_WEEKDAY})\b|(?P<date>{_DATE.pattern}))"
        m = None
        for pat in (rf"\b(?i:by)\s+(?:(?P<wd>(?!))|(?P<date>{_DATE.pattern}))",  # "by May 27, 2023"
                    rf"\b(?i:as\s+of|as\s+at)\s+{date_or_day}",
                    rf"^\W*On\s+{date_or_day}(?!\s+alone)",
                    # "In addition, on November 28, a new daily record of 2,030 ..."
                    rf"^\W*[A-Z]\w*(?:\s+\w+){{0,2}},\s*on\s+{date_or_day}(?!\s+alone),",
                    rf",\s*[Oo]n\s+{date_or_day}",
                    rf"(?<!was\s)(?<!were\s)(?<!been\s)(?<!\bis\s)"
                    rf"\b(?:said|says|stated|reported|announced|told|wrote|noted|added|claimed)"
                    rf"(?:\s+[\w.]+){{0,6}}?\s+(?:on\s+)?{date_or_day}"):  # fmt: skip
            m = find(pat, 0)
            if m is not None:
                break
        if m is None:
            # "Zelensky claimed on Feb. 15 that Moscow had lost 250,000, with 20,000 killed
            # in ...": the day of a statement (the last pattern) holds for every figure
            m = re.search(pat, sentence)
        last_month = find(
            r"^\W*last\s+month\b|\b(?:said|reported|announced|stated)\s+last\s+month\b"
        )
        if m is None and last_month is not None:
            w.said = published.replace(day=1) - dt.timedelta(days=1)
            w.notes.append(f"stated by {w.said} ({last_month.group().strip()!r})")
        elif m is not None:
            w.on_day = m.re.pattern.startswith("^")
            if m.group("wd"):
                w.said = _weekday_before(m.group("wd"), published)
            else:
                d = _date_of(_DATE.match(m.group("date")), published)
                if d is not None and not _DATE.match(m.group("date")).group("m3"):
                    w.said = d[0]
            if w.said is not None and w.said > published:
                w.said = None
            if w.said is not None:
                w.notes.append(f"stated on {w.said} ({m.group().strip()!r})")

    start_anchor = None
    anchor_in_clause = False
    # since <anchor> / bare anchor phrase (for totals)
    anchor_phrases, since_pattern, bare_pattern = _anchor_patterns(tuple(anchors.values()))
    if anchor_phrases:
        since = find(since_pattern)
        if since is not None and _SUPERLATIVE.search(sentence[: since.start()]):
            since = None  # "the highest since the invasion began": a comparison, no window
        bare = None if kind == "rate" or bare_pattern is None else find(bare_pattern)
        m = since or bare
        anchor = None
        if m is not None:
            phrase = (m.group("a") or m.groupdict().get("a2") or "").lower()
            anchor = next(a for p, a in anchor_phrases if p == phrase)
            if published is not None and anchor.date > published:
                anchor = None  # "since the counteroffensive" said before that one began
        if anchor is not None:
            anchor_in_clause = clause[0] <= m.start() and m.end() <= clause[1]
            start_anchor = anchor.date
            w.notes.append(f"from {anchor.name} ({anchor.date}): {m.group().strip()!r}")

    full: tuple[dt.date, dt.date, str] | None = None
    full_at = 0
    back_at: re.Match | None = None
    end_said = False  # the end phrase is when the figure was stated: it caps, never extends
    full_in_clause = False
    start: tuple[dt.date, str] | None = None
    end: tuple[dt.date, str] | None = None
    P = published
    if P is not None:
        y = P.year
        # the figure's own clause first, then the rest of the sentence
        for scope in ("clause", "sentence"):
            for name, pat in _WINDOW_PATTERNS:
                for m in _ranked(pat, sentence, clause, fig, figures, scope):
                    try:
                        got = _read_window(name, m, P, y, kind)
                    except (ValueError, OverflowError):
                        got = None  # "in the past 99999999 years": off the calendar
                    if got is None:
                        continue
                    kind_of, a, b, text, *back = got
                    if (
                        kind_of == "full"
                        and start_anchor is not None
                        and a <= start_anchor <= b
                        and name != "first_of_war"
                    ):
                        continue  # "the invasion ... in February 2022" names the anchor
                    if kind_of == "full" and full is None:
                        full = (a, b, text)
                        full_at = m.start()
                        if name == "year_end":
                            w.year_end = b.year
                        full_in_clause = scope == "clause"
                    elif kind_of == "start" and start is None:
                        start = (a, text)
                    elif kind_of in ("end", "said") and end is None:
                        end = (b, text)
                        end_said = kind_of == "said"
                        if name == "year_end":
                            w.year_end = b.year
                    elif kind_of == "back" and w.back is None:
                        w.back = back[0]
                        back_at = m
                        w.notes.append(f"{text!r}")
                    break
    if full is not None and w.back is not None and back_at is not None and full_in_clause:
        # "has fallen over the past two months from a high of 1,262 per day in May": of a
        # lookback and a named period in the figure's clause, the nearer one is its own
        def gap(x: int, y: int) -> int:
            return max(fig.start - y, x - fig.end, 0)

        if gap(full_at, full_at + len(full[2])) < gap(*back_at.span()):
            w.back = None
            w.notes = [n for n in w.notes if n != f"{back_at.group()!r}"]
    # "In 2024, ... since the start of the year": the year is the one named
    if start is not None and full is not None and start[1].lower().endswith("the year"):
        if full[0].month == 1 and full[0].day == 1 and full[0].year != start[0].year:
            start = (full[0], start[1])
    # "in the first seven months of 2025, a number that exceeds ... since the conflict
    # began": an anchor in another clause does not start a window stated in the figure's
    if start_anchor is not None and full_in_clause and not anchor_in_clause:
        start_anchor = None
        w.notes = [n for n in w.notes if not n.startswith("from ")]
    # "... in October, bringing its losses to 700,000 since the war began": the other
    # clause's month does not end the figure's running count
    if start_anchor is not None and anchor_in_clause and full is not None and not full_in_clause:
        x, y = _clause(sentence, _Figure(full_at, full_at, 0.0), figures)
        if any(f is not fig and x <= f.start and f.end <= y for f in figures):
            full = None  # the month is another figure's ("1,500 a day in October")
    # a stated start beats an anchor only when it is more specific (a date, "since May"),
    # not a month that holds the anchor's day ("the incursion, which began in August")
    if start is not None and start_anchor is not None and start[0] == start_anchor.replace(day=1):
        start = None
    if start is not None:
        w.start = start[0]
        w.notes.append(f"from {start[0]}: {start[1]!r}")
        w.explicit = True
    elif start_anchor is not None:
        w.start = start_anchor
        w.explicit = True
    if full is not None:
        a, b, text = full
        if w.start is None:
            w.start = a
            w.notes.append(f"window {a}..{b}: {text!r}")
        else:
            w.notes.append(f"to {b}: {text!r}")
        w.end = b
        w.explicit = True
    if end is not None:
        e = end[0]
        if w.start is not None and e > P and e.replace(year=e.year - 1) >= w.start:
            e = e.replace(year=e.year - 1)
        elif w.start is not None and "end of" in end[1].lower() and not re.search(_YEAR, end[1]):
            # "until the end of October" after a start: the first such month-end after it
            e = _month_end(w.start.year, e.month)
            if e < w.start:
                e = _month_end(w.start.year + 1, e.month)
        if end_said and w.end is not None and w.end < e:
            w.notes.append(f"stated by {e}: {end[1]!r}")
        else:
            w.end = e
            w.notes.append(f"to {e}: {end[1]!r}")
    if w.said is not None and (w.end is None or w.end > w.said):
        w.end = w.said
    if w.end is None:
        w.end = w.said or P
    if (
        P is not None
        and w.start == dt.date(P.year, 1, 1)
        and w.end is not None
        and w.end.year < P.year
        and re.search(r"\b(?:this|the)\s+year\b", sentence, re.I)
    ):
        # "300,000 this year, Putin said in December": the year of the statement
        w.start = dt.date(w.end.year, 1, 1)
        w.notes.append(f"'this year' of the statement: from {w.start}")
    if (
        published is not None
        and kind == "total"
        # "lost 1,500 soldiers on Tuesday, the General Staff said on Wednesday": the day in
        # the figure's clause is the count's, the statement's day is later
        and not w.explicit
        and w.back is None
        and full is None
        and start is None
    ):
        # "Russia lost 1,200 troops on Sunday, officials said": that day's count
        a, b = clause
        day = re.match(
            rf"[^,;]*?\bon\s+(?:(?P<wd>{_WEEKDAY})\b|(?P<date>{_DATE.pattern}))",
            sentence[fig.end : b],
        )
        if (
            day is not None
            and not _SAY.search(
                sentence[fig.end : fig.end + day.start("wd" if day.group("wd") else "date")]
            )
            and not _PERFECT.search(sentence[a:b])
            and not _LEVEL.search(sentence[a:b])
        ):
            if day.group("wd"):
                d = _weekday_before(day.group("wd"), published)
            else:
                got = _date_of(_DATE.match(day.group("date")), published)
                d = (
                    got[0]
                    if got is not None and not _DATE.match(day.group("date")).group("m3")
                    else None
                )
            if d is not None and d <= (w.said or published):
                w.start = w.end = d
                w.explicit = True
                w.notes.append(f"that day's count ({day.group().strip()!r})")
    if w.on_day and w.start is None and w.said is not None and kind == "total":
        w.start = w.end = w.said  # "On Aug. 26, Russia launched ...": that day's count
        w.explicit = True
    if w.back is not None and w.end is not None:
        unit, n = w.back
        try:
            w.start = _back(w.end, unit, n)
        except (ValueError, OverflowError):
            w.start = None  # a lookback off the calendar
        w.explicit = True
    if P is not None and w.end is not None and w.end > P and kind != "target":
        w.end = P  # a count cannot run past the day it was reported
        if w.start is not None and w.start > w.end:
            w.start = None
    return w


#: Verbs and nouns of a running level ("stood at 1.02m on Monday"), not of one day's count.
_LEVEL = re.compile(
    r"\b(?:stood|stands|reached|reaches|rose|risen|climbed|grew|totals?|totall?ed|amounted|"
    r"amounts|is|was|are|were|hit|exceeded|passed|surpassed|topped|number|toll|overall|"
    r"cumulative)\b",
    re.IGNORECASE,
)


def _back(end: dt.date, unit: str, n: int) -> dt.date:
    if unit == "day":
        return end - dt.timedelta(days=n - 1)
    if unit == "week":
        return end - dt.timedelta(days=7 * n - 1)
    months = {"month": n, "year": 12 * n}[unit]
    return add_months(end + dt.timedelta(days=1), -months)


def _count(word: str | None) -> int:
    if word is None:
        return 1
    word = word.lower().strip()
    if word.isdigit():
        return int(word)
    if word in ("a single",):
        return 1
    return _NUM_WORD.get(word, 1) or 1


def _read_window(name: str, m: re.Match, P: dt.date, y: int, kind: str):
    """One window phrase as ("full", start, end, text) / ("start", ...) / ("end", ...)."""
    text = m.group().strip()
    g = m.groupdict()
    if name == "between":
        am = _DATE.match(m.group("a"))
        a = _date_of(am, P) if am else None
        bt = m.group("b")
        bm = _DATE.match(bt)
        if bm is not None:
            b = _date_of(bm, P)
            if b is None:
                return None
            b_date = b[0]
            if bm.group("m3"):  # "November 2023": to the end of that month
                b_date = _month_end(b_date.year, b_date.month)
        elif a is not None:
            try:
                b_date = a[0].replace(day=int(re.match(r"\d+", bt).group()))
            except ValueError:
                return None
        else:
            return None
        if a is not None and not a[1]:
            ahead = a[0].replace(year=P.year)
            if bm is not None and b[1]:
                # "from April 1 to July 15, 2025": the start takes the end's year
                a = (a[0].replace(year=b_date.year), False)
            elif kind == "target" and ahead > P:
                # a plan "from 1 April to 15 July" made in March: the days ahead
                a = (ahead, False)
                if bm is not None and b_date < ahead:
                    b_date = b_date.replace(year=P.year)
        if a is None or b_date < a[0]:
            return None
        return "full", a[0], b_date, text
    if name == "conscription":
        # Russia's call-ups run by law from 1 April to 15 July and from 1 October to 31
        # December: "the spring draft" is that campaign, not the season's three months
        spring = g["s"].lower() == "spring"
        first, last = ((4, 1), (7, 15)) if spring else ((10, 1), (12, 31))
        if g.get("y"):
            yy = int(g["y"])
        else:
            yy = P.year if kind == "target" or dt.date(P.year, *first) <= P else P.year - 1
            if (g.get("w") or "").lower() == "last":
                yy = P.year - 1 if dt.date(P.year, *last) > P else P.year
        return "full", dt.date(yy, *first), dt.date(yy, *last), text
    if name == "dotted_range":

        def day(d: str, mo: str, yy: str) -> dt.date:
            return dt.date(int(yy) + (2000 if len(yy) == 2 else 0), int(mo), int(d))

        a = day(g["d1"], g["m1"], g["y1"])
        b = day(g["d2"], g["m2"], g["y2"])
        return ("full", a, b, text) if a <= b else None
    if name == "month_range":
        m1 = _month_number(g["m1"] or g["bm1"] or g["am1"])
        m2 = _month_number(g["m2"] or g["bm2"] or g["am2"])
        if g.get("am1") and (
            m2 != m1 % 12 + 1 or re.search(r"\brespectively\b", m.string[m.end() :])
        ):
            return None  # "in January and March", "... in May and June, respectively
        year = g["y"] or g["by"] or g["ay"]
        yy = int(year) if year else _recent_month(m2, P)
        if not year and kind == "target" and dt.date(P.year, m1, 1) >= P.replace(day=1):
            yy = P.year  # a plan "from April to July" made in March: the months ahead
        y1 = int(g["by1"]) if g.get("by1") else yy if m1 <= m2 else yy - 1
        b = dt.date(yy, m2, 15) if g["mid"] else _month_end(yy, m2)
        if y1 > yy or dt.date(y1, m1, 1) > b:
            return None
        return "full", dt.date(y1, m1, 1), b, text
    if name == "months_to":
        mo = _month_number(g["m"])
        yy = int(g["y"]) if g["y"] else _recent_month(mo, P)
        try:
            end = (
                dt.date(yy, mo, int(re.match(r"\d+", g["d"]).group()))
                if g["d"]
                else (_month_end(yy, mo))
            )
        except ValueError:
            return None
        return "full", _back(end, g["u"].lower().rstrip("s"), _count(g["n"])), end, text
    if name == "quarter":
        if g.get("q"):  # "Q1 2024"
            q, yy = int(g["q"]), int(g["qy"])
            return "full", dt.date(yy, 3 * q - 2, 1), _month_end(yy, 3 * q), text
        q = _ORD[g["o"].lower()]
        yy = int(g["y"]) if g["y"] else y
        if (g.get("this") or "").lower() in ("last", "the previous"):
            yy = y - 1
        if g.get("bare") is not None and dt.date(yy, 3 * q - 2, 1) > P:
            yy -= 1  # "in the third quarter" said in spring: last year's
        return "full", dt.date(yy, 3 * q - 2, 1), _month_end(yy, 3 * q), text
    if name == "half":
        if g.get("h"):  # "H1 2024"
            yy = int(g["hy"])
            first = 1 if g["h"] == "1" else 7
            return "full", dt.date(yy, first, 1), _month_end(yy, first + 5), text
        yy = int(g["y"] or g.get("y2") or y)
        if (g.get("rel") or g.get("rel2") or "").lower() in ("last", "the previous"):
            yy = y - 1
        if g.get("o") and g["o"].lower() == "second":
            return "full", dt.date(yy, 7, 1), dt.date(yy, 12, 31), text
        months = min(12, _count(g.get("nm"))) if g.get("nm") else 6
        if (g.get("fl") or "").lower() == "last":  # "the last three months of 2024"
            return "full", dt.date(yy, 13 - months, 1), dt.date(yy, 12, 31), text
        return "full", dt.date(yy, 1, 1), _month_end(yy, months), text
    if name == "weekend":
        saturday = P - dt.timedelta(days=(P.weekday() - 5) % 7)
        return "full", saturday, min(saturday + dt.timedelta(days=1), P), text
    if name == "weekdays":
        if g.get("wd1"):
            b = _weekday_before(g["wd2"], P)
            a = b - dt.timedelta(days=(b.weekday() - _WEEKDAYS[g["wd1"].lower()]) % 7)
            return "full", a, b, text
        if g.get("wd"):
            b = _weekday_before(g["wd"], P)
        else:
            dm = _DATE.match(g["date"])
            d = _date_of(dm, P) if dm is not None and not dm.group("m3") else None
            if d is None:
                return None
            b = d[0]
        return "full", b - dt.timedelta(days=6), min(b, P), text
    if name == "by_part_year":
        yy = int(g["y"])
        end = dt.date(yy, 6, 30) if (g["part"] or "").lower() == "mid" else dt.date(yy, 12, 31)
        return "end", None, end if kind == "target" else min(end, P), text
    if name == "first_days":
        if g.get("wk"):  # "the first week of October": its days 1 to 7
            mo = _month_number(g["wm"])
            yy = _recent_month(mo, P)
            k = _ORD[g["wk"].lower()]
            return "full", dt.date(yy, mo, 7 * k - 6), dt.date(yy, mo, 7 * k), text
        if g.get("yy"):
            first = dt.date(int(g["yy"]), 1, 1)
            return "full", first, first + dt.timedelta(days=_count(g["yn"]) - 1), text
        n = _count(g["n"] or g["n2"])
        if g["m"] and not g["m"].lower().startswith("the"):
            mo = _month_number(g["m"])
            yy = _recent_month(mo, P)
        else:
            mo, yy = P.month, P.year
        return "full", dt.date(yy, mo, 1), dt.date(yy, mo, min(n, 28)), text
    if name == "years_range":
        y1, y2 = int(g["y1"] or g["y3"]), int(g["y2"] or g["y4"])
        if y2 < y1:
            return None
        end = _month_end(y2, _month_number(g["m2"])) if g.get("m2") else dt.date(y2, 12, 31)
        return "full", dt.date(y1, 1, 1), end, text
    if name == "since_year":
        if g.get("mo"):
            return "start", P.replace(day=1), None, text
        yy = int(g.get("y") or g.get("y2") or g.get("y3") or y)
        if g.get("last"):
            yy = y - 1
        return "start", dt.date(yy, 1, 1), None, text
    if (
        name in ("since_date", "since_year")
        and re.match(r",?\s+when\b", m.string[m.end() :])
        and re.search(r"(?:\b(?:not|no|never)\b|n['’]t\b)[^,.;]*$", m.string[: m.start()], re.I)
    ):
        # "has not provided figures since September 2022, when they claimed 5,937": the
        # figure was stated then; it does not start there (not "Since May, when ...")
        if g.get("m"):
            mo = _month_number(g["m"])
            return "end", None, min(_month_end(_recent_month(mo, P), mo), P), text
        if g.get("date"):
            dm = _DATE.match(g["date"])
            d = _date_of(dm, P)
            if d is None:
                return None
            e = _month_end(d[0].year, d[0].month) if dm.group("m3") else d[0]
            return "end", None, min(e, P), text
        return None
    if name == "since_date":
        if g.get("wd"):  # "since early on Sunday"
            return "start", _weekday_before(g["wd"], P), None, text
        if g.get("date"):
            d = _date_of(_DATE.match(g["date"]), P)
            if d is None:
                return None
            return "start", d[0], None, text
        if g.get("pm"):
            mo = _month_number(g["pm"])
            yy = int(g["py"]) if g.get("py") else _recent_month(mo, P)
            part = g["pt"].lower()
            day = {"middle": dt.date(yy, mo, 15), "end": _month_end(yy, mo)}.get(
                part, dt.date(yy, mo, 1)
            )
            return None if day > P else ("start", day, None, text)
        mo = _month_number(g["m"])
        return "start", dt.date(_recent_month(mo, P), mo, 1), None, text
    if name == "lookback":
        if re.match(
            r"\s+of\s+(?:the\s+|its\s+)?(?:full-scale\s+)?(?:war|invasion|conflict)\b",
            m.string[m.end() :],
            re.I,
        ):
            return None  # "in the past 15 months of the full-scale war": the war's count
        if g.get("u3"):
            return "back", None, None, text, ("day", 1)
        unit = (g.get("u") or g.get("u2") or g.get("u4") or g.get("u5") or "").lower()
        n = _count(g.get("n") or g.get("n2"))
        if unit == "fortnight":
            unit, n = "week", 2 * n
        elif "hour" in unit:
            # "in the past 48 hours": the days those hours reach into
            hours = 24 if "24" in unit else n if (g.get("n") or g.get("n2") or "").isdigit() else 24
            unit, n = "day", max(1, -(-hours // 24))
        elif unit.startswith("night"):
            unit, n = "day", 1
        unit = unit.rstrip("s")
        if unit not in ("day", "week", "month", "year"):
            return None
        return "back", None, None, text, (unit, n)
    if name == "first_of_war":
        war = ANCHORS["war"].date
        n, unit = _count(g.get("n")), g["u"].lower().rstrip("s")
        if unit in ("day", "week"):
            last = war + dt.timedelta(days=n * (7 if unit == "week" else 1) - 1)
        else:
            last = add_months(war, n * (12 if unit == "year" else 1)) - dt.timedelta(days=1)
        return "full", war, min(last, P), text
    if name == "ahead":
        if kind != "target":
            return None
        n, unit = _count(g.get("n")), g["u"].lower().rstrip("s")
        first = P + dt.timedelta(days=1)
        if unit in ("day", "week"):
            last = P + dt.timedelta(days=n * (7 if unit == "week" else 1))
        else:
            last = add_months(first, n * (12 if unit == "year" else 1)) - dt.timedelta(days=1)
        return "full", first, last, text
    if name == "season":
        first = {"winter": 12, "spring": 3, "summer": 6, "autumn": 9, "fall": 9}[g["s"].lower()]
        if g.get("y"):
            yy = int(g["y"])
        else:  # the latest such season that began on or before publication
            yy = P.year if dt.date(P.year, first, 1) <= P else P.year - 1
            if (g.get("w") or g.get("w2") or "").lower() in ("last", "past") and add_months(
                dt.date(yy, first, 1), 3
            ) > P:
                yy -= 1  # "last summer" said in July: the summer before
        a = dt.date(yy, first, 1)
        if g.get("since"):  # "since the autumn"
            return "start", a, None, text
        return "full", a, add_months(a, 3) - dt.timedelta(days=1), text
    if name == "one_day":
        if kind != "total":
            return None
        if g.get("today") or g.get("day"):
            return "full", P, P, text
        if g.get("yesterday"):
            day = P - dt.timedelta(days=1)
            if re.search(
                r"\b(?:said|says|stated|reported|announced|told|wrote|noted|added|"
                r"claimed)\s+(?:\w+\s+){0,2}$",
                m.string[: m.start()],
            ):
                return "said", None, day, text  # "the ministry said yesterday": when it was said
            return "full", day, day, text
        if g.get("nwd"):
            d = _weekday_before(g["nwd"], P)
            return "full", d, d, text
        if g.get("nm"):
            d = _date_of(_DATE.match(f"{g['nm']} {g['nd']}"), P)
        else:
            key = next(k for k in ("n1", "n2", "n3") if g.get(k))
            dm = _DATE.match(g[key])
            if dm is None or dm.group("m3"):
                return None  # "the night of May 2024" names no day
            d = _date_of(dm, P)
        if d is None or d[0] > P:
            return None
        return "full", d[0], d[0], text
    if name == "weekday_alone":
        if g.get("wd2") and re.search(
            r"\b(?:said|says|published|posted|released|reported|told|stated|announced|wrote|"
            r"aired|broadcast)\b[^,.;]{0,40}$",
            m.string[: m.start()],
        ):
            return None  # "said in an interview published late on Tuesday": when it was said
        d = _weekday_before(g["wd"] or g["wd2"], P)
        return "full", d, d, text
    if name == "as_of_month":
        mo = _month_number(g["m"] or g["m2"] or g["m3"])
        year = g["y"] or g["y2"]
        yy = int(year) if year else _recent_month(mo, P)
        if g.get("rel"):
            yy = P.year - (g["rel"].lower() == "last")
        if (g.get("part") or "").lower().startswith("mid"):
            return "end", None, min(dt.date(yy, mo, 15), P), text
        return "end", None, min(_month_end(yy, mo), P), text
    if name == "year_end":
        if g.get("yb") and kind != "target":
            return None  # "by 2023, Russia had lost ...": the start or the end of 2023
        yy = int(g["y"] or g["yb"]) if g.get("y") or g.get("yb") else y + bool(g.get("next"))
        if kind == "target":  # a plan "by the end of the year" is that year's
            return "full", dt.date(yy, 1, 1), dt.date(yy, 12, 31), text
        return "end", None, dt.date(yy, 12, 31), text
    if name == "pre_war":
        eve = ANCHORS["war"].date - dt.timedelta(days=1)
        return None if eve > P else ("end", None, eve, text)
    if name == "end_of":
        mo = _month_number(g["m"])
        yy = int(g["y"]) if g["y"] else _recent_month(mo, P)
        return "end", None, _month_end(yy, mo), text
    if name == "in_month" and any(s.end() == m.end() for s in _STATED_IN_MONTH.finditer(m.string)):
        return None  # "issued ... in September": read as the day it was stated
    if name in ("in_month", "month_year"):
        if g.get("m_alone"):
            mo = _month_number(g["m_alone"])
            yy = int(g["y_alone"]) if g.get("y_alone") else _recent_month(mo, P)
            return "full", dt.date(yy, mo, 1), min(_month_end(yy, mo), P), text
        mo = _month_number(g["m"])
        lead = m.string[: m.start()]
        stated = name == "in_month" and re.match(r"\W*(?:earlier|later|back|also)\s*$", lead, re.I)
        yy = int(g["y"]) if g.get("y") else _recent_month(mo, P)
        named = {int(x) for x in re.findall(rf"\b(?:in|of|during)\s+({_YEAR})\b", m.string)}
        if not g.get("y") and len(named) == 1 and min(named) < yy:
            # "The highest ... in 2022 was 559 in November": November of the year named
            yy = min(named)
        if (g.get("part") or "").lower() == "mid-":  # "in mid-February": by the 15th
            return "end", None, dt.date(yy, mo, 15), text
        stated = stated or (
            name == "in_month"
            and re.match(r"\W*$", lead)
            and re.match(
                r",\s*[^,\d]{0,80}?\b(?:said|stated|announced|told|reported|noted|claimed|wrote|"
                r"revealed|disclosed)\b",
                m.string[m.end() :],
            )
        )
        if stated:  # "Earlier in October, X stated that ...": when it was said
            return "said", None, min(_month_end(yy, mo), P), text
        if name == "in_month" and re.search(r"\b(?:began|begun|started)\s*$", lead, re.I):
            # "since the incursion, which began in August": the window starts then
            return "start", dt.date(yy, mo, 1), None, text
        return "full", dt.date(yy, mo, 1), _month_end(yy, mo), text
    if name == "in_year":
        lead = m.string[: m.start()]
        day = re.search(rf"\b(?P<md>(?:{_MONTH})\s+{_DAY}|{_DAY}\s+(?:{_MONTH})),?\s*$", lead, re.I)
        if g["y2"] and day is not None:
            # "on March 1, 2022, when the count stood at 5,710": the count as of that day
            d = _date_of(_DATE.match(f"{day.group('md')} {g['y2']}"), P)
            return None if d is None or d[0] > P else ("end", None, d[0], text)
        if g["y2"] and re.search(rf"\b{_MONTH}\s*$", lead, re.I):
            return None  # "since September 2022, when": the month's, not the year's
        yy = int(g["y"] or g["y2"])
        if g.get("thr") and kind != "target":
            return "end", None, dt.date(yy, 12, 31), text  # a count "through 2024": its end
        return "full", dt.date(yy, 1, 1), dt.date(yy, 12, 31), text
    if name == "stated_in_month":  # "issued by X in September": stated then, not a window
        mo = _month_number(g["m"])
        yy = int(g["y"]) if g.get("y") else _recent_month(mo, P)
        return "said", None, min(_month_end(yy, mo), P), text
    if name == "rel_week":
        before = m.string[: m.start()]
        if (
            re.search(
                r"\b(?:said|says|stated|reported|announced|told|over|in|during|within|"
                r"for)\s+(?:the\s+)?$",
                before,
                re.I,
            )
            or re.search(r"\b(?:said|says|told|reported|announced)(?:\s+[\w.]+){1,3}\s+$", before)
            # "Last week, Putin said ...": the day it was said; "Last week, Russia used 190
            # missiles": the week's count
            or (re.match(r"\W*$", before) and _SAY.search(m.string[m.end() : m.end() + 50]))
        ):
            # "said last week", "told Reuters this week": the day it was said; "over the last
            # week": a lookback
            return None
        monday = P - dt.timedelta(days=P.weekday())
        if g["w"].lower() == "this":
            return "full", monday, P, text
        if P.weekday() == 6:
            # said on a Sunday, "last week" is the week that ends that day, the last whole one
            return "full", monday, P, text
        return "full", monday - dt.timedelta(days=7), monday - dt.timedelta(days=1), text
    if name == "rel_month":
        before = m.string[: m.start()]
        if re.search(
            r"\b(?:said|says|stated|reported|announced|told|over|in|during|within|for)\s+"
            r"(?:the\s+)?$",
            before,
            re.I,
        ) or re.match(r"\W*$", before):
            return None  # "said last month", "Last month, ...": the day it was said
        if g["w"].lower() == "this":
            return "full", P.replace(day=1), P, text
        prev = P.replace(day=1) - dt.timedelta(days=1)
        return "full", prev.replace(day=1), prev, text
    if name == "rel_year":
        word = g["w"].lower()
        if re.search(
            r"\b(?:over|in|during|within|for)\s+(?:the\s+)?$|\b(?:end|start|beginning)\s+of\s+$",
            m.string[: m.start()],
            re.I,
        ):
            return None  # "in the past year", "over the last year": a lookback, not a calendar year
        yy = y + {"last": -1, "the previous": -1, "the past": -1, "next": 1}.get(word, 0)
        if yy == y and kind != "target":
            return "full", dt.date(yy, 1, 1), P, text
        return "full", dt.date(yy, 1, 1), dt.date(yy, 12, 31), text
    return None


# --- attribution -------------------------------------------------------------------

#: Verbs that credit their subject with what follows ("NATO estimates", "Medvedev said").
_SAY = re.compile(
    r"(?<!\bis\s)(?<!\bare\s)(?<!\bwas\s)(?<!\bwere\s)(?<!\bbeen\s)(?<!\bbe\s)(?<!\ban\s)"
    r"(?<!\bthe\s)(?<!\bits\s)(?<!\btheir\s)\b(?:said|says|"
    r"(?:say|estimate|believe|report|claim|calculate)(?=\s+(?:that\b|about\b|around\b|some\b|"
    r"up\s+to\b|more\b|nearly\b|\d)|\s*[.,;!?]|\s*$)|"
    r"predicted|predicts|concluded|concludes|acknowledged|stressed|emphasi[sz]ed|specified|"
    r"clarified|(?:published|publishes)(?=\s+(?:an?|its|their|new|data|figures|estimates)\b)|"
    r"stated|states|told|reported|reports|estimates|estimated|announced|announces|"
    r"claims|claimed|noted|notes|added|adds|wrote|writes|believes|confirmed|confirms|"
    r"assessed|assesses|revealed|reveals|warned|warns|recalled|explained|informed|suggested|"
    r"suggests|assured|admitted|verified|identified|documented|counted|calculated|calculates|"
    r"indicated|indicates|found|finds|commented|puts|put\s+the|show|shows|showed|put\s+at|"
    # who orders a call-up is its source: "Putin has signed a decree to call up 160,000"
    r"ordered|signed\s+(?:a|the)\s+decree|gave\s+(?:the|a)\s+figure(?:\s+of)?)\b"
    r"(?!\s+(?:from|by|of)\b)"  # "estimates from the US" is a noun
)
_PRONOUN = {"he", "she", "it", "they", "we", "i", "you", "this", "that", "these", "those",
            "him", "her", "them",
            "there", "which", "who", "data", "figures", "the data", "the figures"}  # fmt: skip
#: Subjects that point back to a source named earlier: "he said", "the publication
#: added", "the Tuesday report" (resolved to the last source the document named).
_ANAPHOR = re.compile(
    r"^(?:he|she|it|they|we|him|her|them|"
    r"(?:our|its|their|his|her)\s+(?:data|figures|estimates?|count|calculations|analysis|"
    r"tally|assessment|report|research)|the\s+(?:(?:(?-i:[a-z]+)|monday|tuesday|wednesday|thursday|friday|"
    r"saturday|sunday)\s+)?(?:group|publication|outlet|post|report|minister|"
    r"ministry|agency|newspaper|paper|magazine|broadcaster|channel|site|website|project|"
    r"official|statement|analysts|researchers|journalists|authors|study|department|"
    r"service|office|institute|think\s+tank|general|commander|spokesman|spokesperson|"
    r"president|secretary|leader|chief|head|director|chairman|update|assessment|"
    r"monitoring\s+group|outlet|investigation|tally))$",
    re.IGNORECASE,
)
_SUBJECT_CUT = re.compile(
    r".*(?:[,;:()“”\"]|\s[-–—]\s|\b(?:that|while|but|because|after|when|as|which|who|whom)\s)",
    re.IGNORECASE,
)
_SOURCE_NOUNS = {"officials", "official", "analysts", "analyst", "experts", "sources", "source",
                 "journalists", "researchers", "investigators", "authorities", "intelligence",
                 "officers", "officer", "observers", "diplomats", "report", "minister",
                 "ministry", "group", "team", "government", "military", "army",
                 "force"}  # fmt: skip
_NAME = r"[A-Z][\w.'’&-]*(?:\s+(?:of\s+the\s+|of\s+|for\s+the\s+|and\s+)?[A-Z][\w.'’&-]*){0,6}"
#: Words of a title rather than a name ("former Minister of Foreign Affairs").
_TITLE_WORDS = re.compile(
    r"\b(?:former|deputy|head|chief|chairman|chairwoman|minister|spokesman|spokesperson|"
    r"director|member|commander|president|adviser|advisor|mp|secretary|analyst|expert|"
    r"officer|general|of|the|and)\b",
    re.IGNORECASE,
)
#: Adverbs set off by commas inside a subject ("The Insider, however, found").
_ASIDE = re.compile(
    r",\s*(?:however|though|in\s+turn|meanwhile|moreover|also|too|for\s+its\s+part|"
    r"for\s+example|in\s+particular|in\s+addition),\s*",
    re.IGNORECASE,
)
#: "by X" that names who saw or quoted a source, not the source ("NATO estimates seen by CNN").
_RELAY = re.compile(r"\s+(?:seen|obtained|reviewed|cited|quoted|published)\s+by\b.*$")


@dataclass(frozen=True)
class _Source:
    """A source the sentence credits: where it stands, its name, whether it points back."""

    at: int
    name: str
    anaphor: bool = False
    by: bool = False  # "according to X", "reported by X": may credit one clause only
    figures: bool = False  # "according to X figures": names whose figures they are
    trailing: bool = False  # "..., X said.": the speaker of the whole sentence


@functools.lru_cache(maxsize=64)
def _sources(sentence: str) -> tuple[_Source, ...]:
    """Every source the sentence credits, in order of position."""
    # blank out asides ("The Insider, however, found") keeping every offset in place
    s = _ASIDE.sub(lambda m: " " * len(m.group()), sentence)
    # a name in quotation marks ('Russian media "Meduza" and "MediaZona" published') is
    # still a name: its marks are blanked, keeping every offset
    s = re.sub(
        r"[“\"](?P<n>[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*){0,3})[”\"]",
        lambda m: " " + m.group("n") + " ",
        s,
    )
    found = [f for f in (*_according_to(s), *_by_phrases(s), *_say_subjects(s),
                         *_participle_subjects(s), *_cited(s), *_headline_credit(s))
             if f.name]  # fmt: skip
    return tuple(sorted(found, key=lambda f: f.at))


#: Labels that open a line but name no source ("Quote:", "Details:", "Update:").
_LINE_LABELS = {"quote", "details", "source", "background", "update", "breaking", "read",
                "note", "photo", "video", "watch", "live", "context", "analysis", "opinion",
                "editorial", "explainer", "summary", "timeline", "exclusive", "reminder",
                "earlier", "also", "important", "recall", "map", "chart", "graphic",
                "infographic", "table", "data", "statistics", "figures", "losses", "total",
                "warning", "correction"}  # fmt: skip


def _headline_credit(sentence: str) -> list[_Source]:
    """A headline's credit without a verb: "Russia lost 45,000 troops in October – UK
    intelligence", "UK intelligence: Russia lost 45,000 troops in October"."""
    out = []
    tail = re.search(
        rf"\s[-–—]\s+(?P<s>{_NAME}(?:\s+(?:intelligence|officials?|ministry|data|report|"
        rf"estimates?|says?))?)\s*[.!]?\s*$",
        sentence,
    )
    if tail is not None:
        out.append(_Source(tail.start("s"), tail.group("s"), trailing=True))
    head = re.match(
        rf"^\W*(?P<s>{_NAME}(?:\s+(?:intelligence|officials?|ministry|data|estimates?))?)"
        rf"\s*:\s+(?=[A-Z\d])",
        sentence,
    )
    if (
        head is not None
        and head.group("s").split()[0].lower() not in _LINE_LABELS
        # "KYIV : Russia fired ...": a dateline, not a source
        and not re.fullmatch(r"[A-Z]{2,}", head.group("s"))
    ):
        out.append(_Source(head.start("s"), head.group("s")))
    return [
        replace(f, name=_clean_subject(re.sub(r"\s+says?$", "", f.name)))
        for f in out
        if _plausible(f.name) and not re.search(r"\d", f.name) and len(f.name.split()) <= 6
    ]


def _according_to(sentence: str) -> list[_Source]:
    """ "according to X" (the "by X" inside it: "a joint investigation by BBC Russia")."""
    out = []
    pattern = (r"\b(?P<v>according\s+to|(?-i:[Pp]er(?=\s+(?:the\s+)?[A-Z])))\s+(?:the\s+)?"
               r"(?P<s>[^,.;:()“”\"]+)")  # fmt: skip
    for m in re.finditer(pattern, sentence, re.I):
        s = re.split(r"\s+[-–—]\s+", m.group("s").strip())[0]  # "X — a staggering number"
        if re.match(r"(?:which|whom)\b", s, re.I):
            # "data from the analytical centre RUSI, according to which ...": the last name
            # before it
            names = re.findall(_NAME, sentence[: m.start()])
            if names and _plausible(names[-1]):
                out.append(_Source(m.start(), _clean_subject(names[-1]), by=True, figures=True))
            continue
        if re.fullmatch(
            r"(?:(?:our|preliminary|initial|official|latest|new|updated|available|open)\s+)*"
            r"(?:information|data|estimates?|figures|reports?|statistics|calculations)",
            s.strip(),
            re.I,
        ):
            continue  # "according to preliminary information": no one is named
        s = _RELAY.sub("", s)
        by = (
            re.search(r"\bby\s+(?:the\s+)?(?P<n>.+)$", s)
            or re.search(rf"\bfrom\s+(?:the\s+)?(?P<n>{_NAME})", s)
            # "according to the plans of the Ministry of Defense"
            or re.match(
                rf"(?:[a-z]+\s+){{0,2}}?(?:data|figures|estimates?|plans?|calculations|reports?|"
                rf"assessments?|statistics|information|count)\s+of\s+(?:the\s+)?(?P<n>{_NAME}|"
                # "the statistics of the prosecutor's office": a body written in lower case
                rf"(?:[a-z][\w'’-]*\s+){{0,3}}(?:office|ministry|service|agency|department|"
                rf"committee|staff|command|intelligence|prosecutors?))\b",
                s,
            )
        )
        if by is not None:
            s = re.split(r"\s+(?:at|on|in|who|which|that)\s", by.group("n"))[0]
        s = re.sub(r"['’]s\s+(?:statement|data|estimates?|report|figures|assessment)\s*$", "", s)
        # "according to ISW estimates": ISW
        s = re.sub(r"(?<=[A-Z])\s+(?:data|estimates?|figures|calculations|statistics)\s*$", "", s)
        head = re.match(r"(?:\w+\s+)*?(?P<h>data|figures|records|statistics|estimates?|reports?|"
                        r"calculations|analysis)\b", s, re.I)  # fmt: skip
        if _ANAPHOR.match("the " + s.strip()) or _ANAPHOR.match(s.strip()):
            out.append(_Source(m.start(), s.strip(), True, True))
        elif (by is not None or head is None or re.search(r"\b[A-Z]", s)) and _plausible(s):
            owned = head is not None and by is None and bool(re.search(r"\b[A-Z]", s))
            out.append(_Source(m.start(), _clean_subject(s), by=True, figures=owned))
    return out


def _by_phrases(sentence: str) -> list[_Source]:
    """ "quoted X as saying", "estimates from X", "was reported by X", "losses reported by X"."""
    out = []
    for pat in (
        rf"\bquoted\s+(?P<s>{_NAME})(?:,[^,]{{1,80}},)?\s+as\s+saying",
        rf"\b(?i:estimates?|data|figures|report|study|assessment|analysis|investigation|count)\s+"
        rf"(?:(?:from|by)\s+(?:the\s+)?(?:[a-z]+\s+){{0,3}}|of\s+(?:the\s+)?)(?P<s>{_NAME}(?:,\s+{_NAME})*"
        rf"(?:,?\s+and\s+{_NAME})?)",
        rf"\b(?:(?:was|were|been|is|are)\s+(?:\w+\s+)?)?(?:reported|estimated|identified|"
        rf"confirmed|counted|documented|stated|announced|recorded|issued|released|published|"
        rf"provided|compiled|presented|shared|posted)\s+by\s+(?:the\s+)?"
        rf"(?P<s>{_NAME})",
    ):
        for m in re.finditer(pat, sentence):
            if re.search(r"['’]s$", m.group("s")):
                continue  # "the estimate of Russia’s losses": whose losses, not whose estimate
            if re.search(
                r"(?i:estimates?|data|figures|report|study|assessment|analysis|"
                r"investigation|count)\s+of\s+(?:the\s+)?\S+$",
                m.group(),
            ) and re.match(
                r"\s+(?!(?:show|shows|showed|say|says|said|suggest|suggests|put|puts|indicate|"
                r"indicates|and|or)\b)[a-z]",
                sentence[m.end() :],
            ):
                continue  # "Estimates of Russian casualties": an adjective, not a source
            if _plausible(m.group("s")):
                out.append(_Source(m.start(), _clean_subject(m.group("s")), by=True))
    return out


def _participle_subjects(sentence: str) -> list[_Source]:
    """ "with the UK claiming ...", "with Kyiv saying ..."."""
    pattern = (rf"\bwith\s+(?:the\s+)?(?P<s>{_NAME})\s+(?:claiming|saying|estimating|"
               rf"reporting|warning|putting)\b")  # fmt: skip
    return [_Source(m.start("s"), _clean_subject(m.group("s")))
            for m in re.finditer(pattern, sentence) if _plausible(m.group("s"))]  # fmt: skip


#: Generic words that name no one in particular ("citing sources", "officials in Kyiv").
_GENERIC = {"sources", "source", "officials", "official", "media", "reports", "data",
            "people", "analysts", "experts", "estimates", "testimony"}  # fmt: skip


def _cited(sentence: str) -> list[_Source]:
    """ "Ukrinform reported, referring to Ukraine's Air Force Command": a named body the
    reporter cites owns the figures (not "citing sources" or "citing American officials")."""
    out = []
    pattern = (rf"\b(?:citing|referring\s+to|quoting)\s+(?:the\s+|a\s+|an\s+)?"
               rf"(?:(?:data|figures|estimates|statement|report)\s+(?:from|by|of)\s+(?:the\s+)?)?"
               rf"(?P<s>{_NAME})")  # fmt: skip
    for m in re.finditer(pattern, sentence):
        name = re.sub(r"\s+(?:statement|data|figures|report|estimates?)$", "", m.group("s"))
        nxt = re.match(r"\s+([a-z]+)", sentence[m.end() :])
        if nxt and nxt.group(1) not in ("as", "in", "on", "at", "and", "that", "who", "which",
                                        "to", "for", "from", "with", "saying", "statement",
                                        "data", "figures", "report", "estimates"):  # fmt: skip
            continue  # "citing data from American and European officials": not a name
        words = name.split()
        if (len(words) < 2 and not re.search(r"[A-Z]{2}", name)) or not _plausible(name):
            continue  # "citing Reuters" is kept; a lone capitalised word may be a nationality
        if words[-1].lower() in _GENERIC:
            continue
        out.append(_Source(m.start("s"), _clean_subject(name), by=True, figures=True))
    return out


#: Verbs that put the speaker after them: '..., said Ukrainian commander Oleksandr Syrskyi.'
_SAID_BEFORE = re.compile(
    r"(?:,|[”\"’],?)\s*(?:said|says|added|adds|wrote|writes|noted|notes|explained|reported|"
    r"reports|stated|told|claimed|claims|estimated|estimates)\s+(?P<s>[^.;:!?()“”\"]+)"
)


def _inverted_subject(sentence: str) -> list[_Source]:
    out = []
    for m in _SAID_BEFORE.finditer(sentence):
        parts = [re.split(r"\s+(?:on|in|at|during|last|this|after|before|to|from|who|when|"
                          r"while|told|speaking|citing|referring|as|earlier|late|early)\s",
                          p + " ")[0].strip()
                 for p in re.split(r",\s+", m.group("s"))[:2]]  # fmt: skip
        parts = [p for p in parts if p and _plausible(p) and _named(p) and not re.search(r"\d", p)]
        if (
            not parts
            or not parts[0][:1].isupper()
            and not parts[0].lower().startswith(("the ", "a ", "an "))
        ):
            continue
        name = _name_of(parts) if len(parts) > 1 else parts[0]
        if _ANAPHOR.match(name) or name.lower() in _PRONOUN:
            continue
        out.append(_Source(m.start("s"), _clean_subject(name), trailing=True))
    return out


def _opening_subject(sentence: str) -> str:
    """The name a sentence opens with as the subject of a verb ("The Defense Ministry has
    not provided ..."), or ""."""
    m = re.match(rf"^\W*(?:The\s+)?(?P<n>{_NAME})\s+(?:has|have|had|is|was|were|did|does|"
                 rf"said|says)\b", sentence)  # fmt: skip
    return _clean_subject(m.group("n")) if m is not None and _plausible(m.group("n")) else ""


def _say_subjects(sentence: str) -> list[_Source]:
    """The subject of the first say-verb that has one ("X said", "X, deputy ..., said",
    '..., said X'), and of the last when it closes the sentence after a comma ("The Pentagon
    assesses that ..., Gen. Mark A. Milley, chairman of ..., said")."""
    inverted = _inverted_subject(sentence)
    found = _say_subject(sentence)
    if inverted and (not found or inverted[0].at < found[0].at):
        return inverted[:1]
    if found and not found[0].anaphor:
        verbs = list(_SAY.finditer(sentence))
        last = _say_subject(sentence, last=True)
        if (last and last[0].name != found[0].name and not last[0].anaphor
                and re.search(r"\bthat\b", sentence[found[0].at : verbs[-1].start()])
                and re.search(r",\s*[^,]*(?:,[^,]*,\s*)?$", sentence[: verbs[-1].start()])
                and not re.search(r"\bthat\b|\d", sentence[verbs[-1].end() :])):  # fmt: skip
            return [found[0], replace(last[0], trailing=True)]
    return found


def _say_subject(sentence: str, last: bool = False) -> list[_Source]:
    """The subject of the first (or the last) say-verb that has one."""
    verbs = list(_SAY.finditer(sentence))
    for m in reversed(verbs) if last else verbs:
        head = sentence[: m.start()].rstrip()
        head = re.sub(r"(?:\s+(?:also|has|have|had|now|earlier|previously|recently|later|"
                      r"officially|publicly|then|reportedly|further|separately|"
                      r"currently))+$", "", head)  # fmt: skip
        head = re.sub(r"\s*\([A-Z]{2,}\)$", "", head)  # "the ... Studies (IISS) says"
        if re.search(r",\s*who$", head):  # "... serviceman Igor Lutsenko, who indicated that"
            name = re.search(rf"(?:^|\s)({_NAME}),\s*who$", head)
            subject = name.group(1) if name else ""
        elif head.endswith(","):  # "Dmitry Medvedev, deputy chairman of ..., said"
            parts = re.split(r",\s+", head.rstrip(","))
            subject = _name_of(parts[-2:] if len(parts) >= 2 else parts)
        else:
            subject = _SUBJECT_CUT.sub("", head)
            if len(subject.split()) > 6:  # "Based on its ... casualties the United Kingdom"
                tail = re.search(rf"(?:^|\s)(?:the\s+)?({_NAME})$", subject)
                subject = tail.group(1) if tail else subject
        subject = subject.strip(" \"“”'’")
        if subject.lower() in ("and", "but", "also", "and also", "it also"):
            # "And reported a further 544 ...": the subject is the one before, left out
            return [_Source(m.start() - len(subject), subject, True)]
        if _ANAPHOR.match(subject):
            # "The Defense Ministry has not ... when they claimed": the pronoun's name is
            # the subject the sentence opened with
            own = _opening_subject(sentence[: m.start() - len(subject)])
            if own and subject.lower() in _PRONOUN and not re.match(r"\W*[“\"]", sentence):
                return [_Source(0, own)]
            return [_Source(m.start() - len(subject), subject, True)]
        if _plausible(subject) and not re.search(r"\d", subject) and _named(subject):
            return [_Source(m.start() - len(subject), _clean_subject(subject))]
    return []


def _name_of(parts: Sequence[str]) -> str:
    """Of an apposition ("Medvedev, deputy chairman of ..."; "former Minister ..., Bimala
    Rai Paudyal"), the part that is a name rather than a title."""
    cut = [_SUBJECT_CUT.sub("", p) for p in parts if not re.match(r"(?:who|which)\s", p)]

    def name(p: str) -> bool:
        return p[:1].isupper() and _named(p) and not _TITLE_WORDS.search(p)

    # "the head of US forces in Europe, General Christopher Cavoli": the name after a rank
    # that reads as a title ("Gen. Mark Milley" is kept as written)
    cut = [p if name(p) else _unranked(p) for p in cut]
    names = [p for p in cut if name(p)]
    return names[-1] if names else cut[0]


#: Military ranks before a name ("Colonel General Oleksandr Syrskyi", "Gen. Mark Milley").
_RANK_LEAD = re.compile(
    r"^(?:(?:Captain|Colonel|Major|Lieutenant|General|Gen\.|Lt\.|Col\.|Maj\.|Sergeant|"
    r"Admiral|Adm\.|Brigadier|Marshal|Army|Air|Vice|Rear)\s+)+"
)
_FULL_NAME = re.compile(r"[A-Z][\w'’-]+(?:\s+[A-Z][\w.'’-]+){1,3}")


def _unranked(part: str) -> str:
    """A part without the rank before a full name; a part whose rest is no full name
    ("General Staff") is kept whole."""
    rest = _RANK_LEAD.sub("", part)
    return rest if rest != part and _FULL_NAME.fullmatch(rest) else part


def _named(subject: str) -> bool:
    """A subject that names someone: a capitalised name, a web address ("ukrinform.net"),
    or "the officials" and the like."""
    s = re.sub(r"^(?:the|a|an)\s+", "", subject.strip(), flags=re.I)
    last = s.split()[-1].lower() if s.split() else ""
    return (bool(re.search(r"\b[A-Z]", s)) or last in _SOURCE_NOUNS
            or bool(_TITLE_HEAD.fullmatch(last))
            or bool(re.fullmatch(r"[a-z][\w-]*\.(?:net|com|org|ua|ru|info|news)", s)))  # fmt: skip


def _plausible(s: str) -> bool:
    words = s.strip().split()
    if not words or len(words) > 10 or s.strip().lower() in _PRONOUN:
        return False
    if words[0].lower() in ("the", "a", "an"):
        words = words[1:]
    if s.strip().lower() in _MONTHS or s.strip().lower() in _WEEKDAYS:
        return False
    return bool(words) and words[0].lower() not in _PRONOUN and bool(re.search("[A-Za-z]", s))


def _clean_subject(s: str) -> str:
    s = " ".join(s.split()).strip("\"“”'’").strip()
    s = re.sub(r"^(?:the|a|an)\s+(?=[A-Z])", "", s)
    return s.strip(" ,.")


#: "The UK Ministry of Defence's latest intelligence update": the body, not its document.
_DOCUMENT_OF = re.compile(
    r"^(?P<x>.*[A-Z].*?)['’]s\s+(?:(?:latest|daily|new|weekly|monthly|regular|annual|recent|"
    r"own|official)\s+)*(?:intelligence\s+)?(?:update|report|statement|assessment|analysis|"
    r"data|figures|estimates?|count|tally|bulletin|summary)$"
)
#: "Russia's defence ministry spokesman Igor Konashenkov": the person after a job title.
_PERSON_AFTER_TITLE = re.compile(
    r"\b(?i:spokes(?:man|person|woman)|minister|chief|head|adviser|advisor|"
    r"secretary|director|officer|analyst|expert|deputy|lawmaker|ombudsman|governor|mayor)\s+"
    r"(?:(?:Lieutenant|Colonel|Major|Captain|General|Gen\.|Lt\.|Col\.|Maj\.)[\s-]+)*"
    r"(?P<n>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’.-]+){1,2})$"
)


def _source_name(name: str) -> str:
    """A source as a reviewer writes it: the body rather than its document, the person
    rather than their job title."""
    doc = _DOCUMENT_OF.match(name)
    if doc is not None:
        name = doc.group("x")
    person = _PERSON_AFTER_TITLE.search(name)
    return person.group("n") if person is not None else name


def _quoted_spans(sentence: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"[“\"][^”\"]*[”\"]", sentence)]


def _attribution(sentence: str, clause: tuple[int, int], earlier: Callable[[], str],
                 inherited: Callable[[], str] = lambda: "",
                 day: dt.date | None = None) -> str:  # fmt: skip
    """The source the sentence credits for the figure in ``clause``, or "".

    A source named in the figure's own clause ("45,680 losses reported by Ukraine's General
    Staff") wins over the sentence's; a source inside a direct quotation yields to its
    speaker outside it; a pronoun or "the publication" is the last source named earlier
    in the document (``earlier()``; empty when none). "According to X figures" names whose
    figures they are, whoever speaks. A sentence that credits no one keeps the source the
    sentence before it credited (``inherited()``).
    """
    found = _sources(sentence)
    if not found:
        return inherited()
    quotes = _quoted_spans(sentence)
    outside = [f for f in found if not any(a <= f.at < b for a, b in quotes)]
    if outside and len(outside) < len(found):
        found = outside
    a, b = clause
    own = [f for f in found if a <= f.at < b and f.by]
    owner = [f for f in found if f.figures]
    trailing = [f for f in found if f.trailing]
    # "According to ISW estimates, Russia took 1,910 sq km, while data from the General
    # Staff show 130,160 casualties": a source in the figure's own clause beats an owner of
    # another clause's figures
    owner_here = [f for f in owner if a <= f.at < b]
    if own and owner and not owner_here:
        owner = []
    pick = owner[0] if owner else own[0] if own else trailing[0] if trailing else found[0]
    if _bare_title(pick.name):
        # "The US Secretary of Defense added": the person named earlier with that title,
        # else the one who held it on the day ("the Kremlin leader said")
        titled = earlier(pick.name) or title_holder(pick.name, day)
        if titled:
            return titled
    if pick.anaphor:  # "the analysts" with nothing named before stays as written
        return earlier() or ("" if pick.name.lower() in _PRONOUN else _clean_subject(pick.name))
    return pick.name


#: The head word of a person's title ("the defence minister", "the US Secretary of Defense").
_TITLE_HEAD = re.compile(
    r"\b(?:minister|secretary|leader|chief|head|commander|president|spokesman|spokeswoman|"
    r"spokesperson|general|director|chairman|chairwoman|adviser|advisor|ambassador|"
    r"commander-in-chief|governor|mayor|premier|chancellor)\b",
    re.IGNORECASE,
)
_NATIONALITY = re.compile(
    r"^(?:the\s+)?(?:US|U\.S\.|UK|U\.K\.|British|American|Russian|Ukrainian|Ukraine['’]s|"
    r"Russia['’]s|Britain['’]s|German|French|Estonian|Polish|NATO['’]s|NATO)\s+",
    re.IGNORECASE,
)


#: Who held a title, and from when to when (inclusive; None: open), for a title the text
#: gives with no name ("the Kremlin leader said", "Ukraine's defence minister said"). Keys
#: are titles as :func:`_title_key` writes them.
TITLE_HOLDERS: Mapping[str, tuple[tuple[str, dt.date, dt.date | None], ...]] = {
    "russian president": (("Vladimir Putin", dt.date(2012, 5, 7), None),),
    "kremlin leader": (("Vladimir Putin", dt.date(2012, 5, 7), None),),
    "kremlin chief": (("Vladimir Putin", dt.date(2012, 5, 7), None),),
    "russian leader": (("Vladimir Putin", dt.date(2012, 5, 7), None),),
    "ukrainian president": (("Volodymyr Zelensky", dt.date(2019, 5, 20), None),),
    "ukrainian leader": (("Volodymyr Zelensky", dt.date(2019, 5, 20), None),),
    "russian defence minister": (
        ("Sergei Shoigu", dt.date(2012, 11, 6), dt.date(2024, 5, 13)),
        ("Andrei Belousov", dt.date(2024, 5, 14), None),
    ),
    "ukrainian defence minister": (
        ("Oleksii Reznikov", dt.date(2021, 11, 4), dt.date(2023, 9, 5)),
        ("Rustem Umerov", dt.date(2023, 9, 6), dt.date(2025, 7, 16)),
        ("Denys Shmyhal", dt.date(2025, 7, 17), None),
    ),
    "ukrainian commander-in-chief": (
        ("Valerii Zaluzhnyi", dt.date(2021, 7, 27), dt.date(2024, 2, 7)),
        ("Oleksandr Syrskyi", dt.date(2024, 2, 8), None),
    ),
    "us secretary of defence": (
        ("Lloyd Austin", dt.date(2021, 1, 22), dt.date(2025, 1, 20)),
        ("Pete Hegseth", dt.date(2025, 1, 25), None),
    ),
    "us defence secretary": (
        ("Lloyd Austin", dt.date(2021, 1, 22), dt.date(2025, 1, 20)),
        ("Pete Hegseth", dt.date(2025, 1, 25), None),
    ),
    "pentagon chief": (
        ("Lloyd Austin", dt.date(2021, 1, 22), dt.date(2025, 1, 20)),
        ("Pete Hegseth", dt.date(2025, 1, 25), None),
    ),
    "uk defence secretary": (
        ("Ben Wallace", dt.date(2019, 7, 24), dt.date(2023, 8, 30)),
        ("Grant Shapps", dt.date(2023, 8, 31), dt.date(2024, 7, 4)),
        ("John Healey", dt.date(2024, 7, 5), None),
    ),
    "nato secretary general": (
        ("Jens Stoltenberg", dt.date(2014, 10, 1), dt.date(2024, 9, 30)),
        ("Mark Rutte", dt.date(2024, 10, 1), None),
    ),
}


def _title_key(title: str) -> str:
    """A title in one spelling: lower case, no article, "Ukraine's" as "ukrainian",
    "defense" as "defence", "U.S." and "American" as "us", "British" as "uk"."""
    t = " ".join(title.lower().replace("’", "'").split())
    t = re.sub(r"^(?:the|a|an)\s+", "", t)
    for pat, rep in (
        (r"\bdefense\b", "defence"),
        (r"\bukraine's\b", "ukrainian"),
        (r"\brussia's\b", "russian"),
        (r"\b(?:u\.s\.|america's|american|the\s+us)\b", "us"),
        (r"\b(?:u\.k\.|britain's|british|the\s+uk)\b", "uk"),
        (r"\bcommander in chief\b", "commander-in-chief"),
        (r"\bsecretary-general\b", "secretary general"),
        (r"\bnato's\b", "nato"),
    ):
        t = re.sub(pat, rep, t)
    return t


def title_holder(title: str, day: dt.date | None) -> str:
    """Who held ``title`` on ``day`` by :data:`TITLE_HOLDERS` ("the Kremlin leader" on
    2024-12-16: "Vladimir Putin"), or "" when the table does not say.

    Parameters
    ----------
    title : str
        The title as the text gives it, with no name.
    day : datetime.date or None
        The day the figure was stated (or published); None gives "".
    """
    if day is None:
        return ""
    for name, first, last in TITLE_HOLDERS.get(_title_key(title), ()):
        if first <= day and (last is None or day <= last):
            return name
    return ""


def _bare_title(name: str) -> bool:
    """A title with no person's name in it ("the defence minister", "The US Secretary of
    Defense"), not an organisation ("the Defence Ministry")."""
    return bool(_TITLE_HEAD.search(name)) and not _person(name) and len(name.split()) <= 7


def _titled_before(text: str, spans: Sequence[tuple[int, int]], title: str) -> str:
    """The person the sentences ``spans`` (latest first) name with ``title`` ("US Secretary of
    Defense Lloyd Austin", "Lloyd Austin, the US Secretary of Defense"), or ""."""
    core = re.sub(r"^(?:the|a|an)\s+", "", title.strip(), flags=re.I)
    variants = {core, _NATIONALITY.sub("", core)}
    person = r"(?-i:[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){1,3})"
    pats = [re.compile(rf"\b{re.escape(v)}\s+(?P<n>{person})|(?P<m>{person}),\s+(?:the\s+)?"
                       rf"(?:\w+\s+){{0,3}}?{re.escape(v)}\b", re.I)
            for v in variants if v]  # fmt: skip
    for a, b in reversed(spans):
        sentence = text[a:b]
        for pat in pats:
            m = pat.search(sentence)
            if m is not None:
                return (m.group("n") or m.group("m")).strip()
    return ""


#: A run of capitalised words ("Defence Minister Sergei Shoigu").
_CAPS = re.compile(r"\b[A-Z][a-z’'-]+(?:\s+[A-Z][a-z’'-]+)+\b")
#: Capitalised words that are not part of a person's name.
_NOT_NAME = {"the", "a", "in", "on", "at", "as", "but", "and", "president", "minister",
             "defence", "defense", "deputy", "foreign", "prime", "general", "gen", "colonel",
             "commander", "chief", "head", "spokesman", "spokeswoman", "secretary", "chairman",
             "former", "mr", "mrs", "ms", "dr", "russian", "ukrainian", "russia", "ukraine",
             "british", "american", "german", "french", "ministry", "staff", "armed", "forces",
             "army", "military", "intelligence", "kremlin", "moscow", "kyiv", "according",
             "since", "after", "before", "during", "meanwhile", "however", "also", "this",
             "that", "last", "next", "he", "she", "it", "they", "we",
             # an opening phrase of time, not a subject ("From January to September 2024, ...")
             "from", "between", "over", "by", "for", "with", "until", "through", "throughout",
             "within", "among", "overall", "earlier", "later"}  # fmt: skip


def _person(sentence: str) -> str:
    """The last person's name in a sentence ("Sergei Shoigu" of "Defence Minister Sergei
    Shoigu visited ..."), or ""."""
    found = ""
    for m in _CAPS.finditer(sentence):
        words = m.group().split()
        while words and words[0].lower().strip("’'") in _NOT_NAME:
            words = words[1:]
        if len(words) >= 2 and not any(w.lower() in _MONTHS or w.lower() in _WEEKDAYS
                                       or w.lower() in _NOT_NAME for w in words):  # fmt: skip
            found = " ".join(words)
    return found


def _last_named(sentence: str) -> str:
    """The last source the sentence credits, else the last person it names, else the name
    that opens it, else ""."""
    found = _sources(sentence)
    if any(f.anaphor for f in found):
        return ""  # "He added that ... the NIS": the antecedent is further back
    named = [f for f in found if not f.anaphor]
    if named:
        return named[-1].name
    return _person(sentence) or _subject_name(sentence)


def _subject_name(sentence: str) -> str:
    """A name that opens the sentence as its subject ("Oryx, a Dutch open-source project,
    has ..."), or ""."""
    m = re.match(rf"^\W*(?:The\s+)?(?P<n>{_NAME})(?=,|\s+[a-z])", sentence)
    if m is None:
        return ""
    first = m.group("n").split()[0].lower().strip("’'")
    if first in _NOT_NAME or first in _MONTHS or first in _WEEKDAYS or not _plausible(m.group("n")):
        return ""
    return _clean_subject(m.group("n"))


# ---------------------------------------------------------------------------------
# Candidates
# ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A proposed claim: the v1 columns, a confidence and a review status.

    Dates are ISO strings or ""; ``value``, ``low`` and ``high`` are floats (or None).
    ``span`` is the quote's ``(start, end)`` offset in the document's text;
    ``window_in_text`` says whether the text gave the window (else it is a default).
    """

    id: str
    quantity: str
    kind: str
    value: float
    per: str = ""
    start: str = ""
    end: str = ""
    qualifier: str = ""
    low: float | None = None
    high: float | None = None
    published: str = ""
    source: str = ""
    attributed_to: str = ""
    derived_from: str = ""
    document: str = ""
    quote: str = ""
    notes: str = ""
    confidence: float = 0.0
    status: str = "candidate"
    span: tuple[int, int] = (0, 0)
    window_in_text: bool = False

    def row(self) -> dict[str, str]:
        """The candidate as CSV cells (v1 columns, then confidence and status)."""
        out = {}
        for name in (*COLUMNS, *EXTRA_COLUMNS):
            v = getattr(self, name)
            if v is None:
                out[name] = ""
            elif isinstance(v, float):
                out[name] = f"{v:.12g}" if name != "confidence" else f"{v:.2f}"
                if "e" in out[name]:
                    out[name] = f"{v:.0f}"
            else:
                out[name] = str(v)
        return out


def _slug(name: str) -> str:
    stem = Path(name).stem or "doc"
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", stem)[:40].strip("_") or "doc"


def extract_text(
    text: str,
    *,
    document: str = "",
    published: dt.date | None = None,
    quantities: Mapping[str, Quantity] | None = None,
    anchors: Mapping[str, Anchor] | None = None,
    id_prefix: str | None = None,
) -> list[Candidate]:
    """Candidate claims from one text (no repeat marking; see :func:`extract`).

    Parameters
    ----------
    text : str
        The document's text; never modified.
    document : str
        Goes into each candidate's ``document``.
    published : datetime.date, optional
        Publication date: windows such as "this year" count from it.
    quantities : mapping, optional
        Vocabulary (default: ``data/quantities.toml``).
    anchors : mapping, optional
        Named start days (default: :data:`ANCHORS`).
    id_prefix : str, optional
        Ids are ``<prefix>-<n>``; default: the document's file name.

    Returns
    -------
    list of Candidate
        In the order the figures appear.
    """
    vocab = _vocabulary(tuple((read_quantities() if quantities is None else quantities).items()))
    anchors = ANCHORS if anchors is None else anchors
    prefix = id_prefix or _slug(document)
    out: list[Candidate] = []
    before: list[tuple[int, int]] = []  # earlier sentences, for "he said" (read on demand)
    spans = list(_sentences(text))
    for i, (a, b) in enumerate(spans):
        sentence = text[a:b]
        _matches.cache_clear()  # the cache serves one sentence's figures, no more
        if not _ANY_NUMBER.search(sentence):
            before.append((a, b))
            continue
        earlier = functools.partial(_named_before, text, tuple(before[-_LOOK_BACK:]))
        inherited = functools.partial(
            _credited,
            text,
            tuple(before[-_CREDIT_BACK_SENTENCES:]),
            spans[i + 1] if i + 1 < len(spans) else None,
            published,
        )
        context = (functools.partial(_context_window, text[slice(*before[-1])], published,
                                     anchors) if before else None)  # fmt: skip
        context_quantity = (functools.partial(_context_quantity, text[slice(*before[-1])], vocab)
                            if before else None)  # fmt: skip
        figures = _figures(sentence)
        found: list[Candidate] = []
        for fig in figures:
            c = _candidate(sentence, fig, figures, found, vocab, anchors, published,
                           document, (a, b), f"{prefix}-{len(out) + len(found) + 1}",
                           earlier, inherited, context, context_quantity)  # fmt: skip
            if c is not None:
                found.append(c)
        out += found
        before.append((a, b))
    return out


#: How many sentences back a sentence that credits no one looks for the source the text
#: last credited ("According to British intelligence, ... . It added ... . Since the
#: beginning of the war, Russia has suffered 648,000 casualties.").
_CREDIT_BACK_SENTENCES = 3
#: How many sentences back a pronoun's antecedent is looked for.
_LOOK_BACK = 8


#: A sentence that only credits the one before it: "This was reported by the General Staff
#: of the Armed Forces of Ukraine.", "This was announced by Syrskyi.", "According to figures
#: from the British Ministry of Defence."
_CREDIT_BACK = re.compile(
    r"^\W*(?:(?:This|That|It|These\s+figures|The\s+(?:data|figures|information))\s+"
    r"(?:was|were|has\s+been|have\s+been|is)\s+(?:\w+ly\s+)?(?:reported|announced|stated|said|"
    r"published|released|disclosed|confirmed|claimed)(?:\s+(?:on|in|at)\s+[\w.]+(?:\s+\d+)?)?"
    r"\s+(?:by|in)\s+(?:the\s+)?"
    r"|According\s+to\s+(?:the\s+)?(?:(?:latest\s+)?(?:data|figures|estimates)\s+(?:from|of|by)"
    r"\s+(?:the\s+)?)?)"
    # "This is stated in the report of the General Staff."
    r"(?:(?:report|statement|message|summary|update|data|address|post)\s+of\s+(?:the\s+)?)?"
    r"(?P<s>[^,.;:()“”\"]+?)"
    # the name ends before "on Telegram", "in his evening address", ", Censor.NET reports"
    r"(?:(?:\s+(?:on|in|at|via|during|through)\s+[^,]*)?(?:,\s*.*)?[.!]?\s*$)"
)
#: "The General Staff reported this on Friday.", "Zelensky said this in his address.": a
#: named subject crediting the sentence before.
_CREDIT_BACK_SUBJECT = re.compile(
    rf"^\W*(?P<s>{_NAME})\s+(?:(?:also|has|had)\s+)?(?:reported|announced|stated|said|wrote|"
    r"disclosed|confirmed|claimed)\s+(?:this|it)\b"
    r"(?:\s+(?:on|in|at|during|via|to|while|after|earlier|later|yesterday|today)\b[^.]*)?"
    r"[.!]?\s*$"
)


#: A "Source:" line above a report ("Source: President Volodymyr Zelenskyy in his evening
#: address"): the name before any "in"/"at"/"quoted"/comma.
_SOURCE_LINE = re.compile(
    r"^\W*Source:\s*(?P<s>[^,;:()“”\"\n]+?)(?=\s+(?:in|at|on|during|via|quoted|cited|speaking|"
    r"on\s+air)\b|\s*[,;(]|\s*$)"
)
_RANKS = re.compile(
    r"^(?:(?:Captain|Class|Colonel|Major|Lieutenant|General|Rank|Commander|Sergeant|"
    r"Admiral)\s+)+"
)


def _credit_back(sentence: str) -> str:
    """The source a sentence with no figure of its own credits the sentence before with
    (or, for a "Source:" line, the sentences after it)."""
    line = _SOURCE_LINE.match(sentence)
    if line is not None:
        runs = re.findall(r"[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)+", line.group("s"))
        name = _RANKS.sub("", runs[-1]) if runs else line.group("s").strip()
        return name if name and _plausible(name) and _named(name) else ""
    m = _CREDIT_BACK.match(sentence) or _CREDIT_BACK_SUBJECT.match(sentence)
    if m is None or _ANY_NUMBER.search(m.group("s")) or not _plausible(m.group("s")):
        return ""
    name = _clean_subject(m.group("s"))
    return name if _named(name) else ""


def _credited(text: str, spans: Sequence[tuple[int, int]],
              following: tuple[int, int] | None = None,
              day: dt.date | None = None) -> str:  # fmt: skip
    """The source a sentence that credits no one takes: the one the sentence after it
    names in a bare credit ("This was reported by the General Staff."), else the one the
    last of the sentences ``spans`` credits by name ("According to British intelligence,
    ..."), else ""."""
    if following is not None:
        name = _credit_back(text[following[0] : following[1]])
        if name:
            return name
    for a, b in reversed(spans):  # latest first, up to the first that credits anyone
        sentence = text[a:b]
        named = _credit_back(sentence)  # "This was reported by the General Staff."
        if named:
            return named
        found = _sources(sentence)
        if not found:
            continue
        if any(f.anaphor for f in found):
            return ""
        return _attribution(sentence, (0, len(sentence)), lambda *a: "", day=day)
    return ""


def _named_before(text: str, spans: Sequence[tuple[int, int]], title: str = "") -> str:
    """The source a reader would take "he" or "the group" to mean: the last source, person
    or subject named in the sentences ``spans`` (latest first), or "". With ``title`` ("the
    defence minister"): the person named earlier with that title, or ""."""
    if title:
        return _titled_before(text, spans, title)
    for a, b in reversed(spans):
        name = _last_named(text[a:b])
        if name:
            return name
    return ""


#: Words that make a figure a running count of its own, not the previous sentence's window.
_RUNNING = re.compile(
    r"\b(?:in\s+total|overall|altogether|to\s+date|so\s+far|in\s+all|cumulative(?:ly)?|"
    r"since|total\s+(?:losses|number|of))\b",
    re.IGNORECASE,
)
#: Words that tie a figure to the present ("Russia now recruits 1,000 a day"), not to the
#: window of the sentence before.
_NOW = re.compile(
    r"\b(?:now|currently|at\s+present|these\s+days|today|at\s+the\s+moment|at\s+this\s+point)\b",
    re.IGNORECASE,
)


def _context_quantity(previous: str, vocab: _Vocabulary) -> str:
    """The quantity the sentence before names last ("... losses of other armoured fighting
    vehicles"), or ""."""
    end = _Figure(len(previous), len(previous), 0.0)
    return vocab.find(previous, (0, len(previous)), end, [end])[0]


def _context_window(previous: str, published: dt.date | None, anchors, kind: str):
    """The window the sentence before states (read as if for a figure at its end), or None
    when it states none."""
    if kind == "total" and (not _figures(previous) or _RATE.search(previous)):
        return None  # a total continues the count of a sentence that gave one, not a rate
    end = _Figure(len(previous), len(previous), 0.0)
    w = _window(previous, (0, len(previous)), end, [end], kind, published, anchors)
    return w if (w.explicit and w.start is not None) or w.said is not None else None


def _candidate(sentence, fig, figures, previous, vocab, anchors, published, document, span,
               cid, earlier=lambda *a: "", inherited=lambda: "",
               context=None, context_quantity=None) -> Candidate | None:  # fmt: skip
    clause = _clause(sentence, fig, figures)
    notes: list[str] = []
    confidence = 0.9
    before = sentence[: fig.start]
    after = sentence[fig.end :]

    # qualifier
    qualifier = ""
    if fig.factor is None:
        m = _HEDGE.search(before[-80:])
        if m is not None:
            qualifier = HEDGE_WORDS[m.group("h").lower()]
            if m.group("h").lower() == "over" and re.search(
                r"\bover\s+the\s+(?:past|last)\b", before[-80:][m.start() :], re.IGNORECASE
            ):
                qualifier = ""
        if not qualifier and _IMMINENT.search(before[-60:]):
            qualifier = "nearly"  # "Russia is about to suffer 700,000 ...": not there yet
        for pat, q in _HEDGE_AFTER.items():
            if re.match(pat, after, re.IGNORECASE):
                qualifier = q

    # quantity
    quantity, phrase = vocab.find(sentence, clause, fig, figures)
    if phrase in ("recruits", "new recruits") and _DRAFT_VERB.search(
        sentence[clause[0] : fig.start]
    ):
        quantity = "mobilised" if "mobilised" in vocab.by_name else quantity
        notes.append("recruits taken by a draft: mobilised")
    ref = None
    if fig.factor is not None:
        prev = [c for c in previous if c.span == span]
        ref = prev[-1] if prev else None
        if ref is None:
            return None
        if not quantity and ref.quantity:
            ref_q = vocab.by_name.get(ref.quantity)
            low_clause = sentence.lower()[clause[0] : clause[1]]
            for p in ref_q.phrases if ref_q else ():
                q = vocab.resolve(p, low_clause)
                if q is not None:
                    quantity = q.name
                    break
        notes.append(f"DERIVED: {fig.factor:g} times {ref.value:,.0f} ({ref.id})")
        confidence -= 0.15
    if not quantity and ref is None and previous and _elliptical(sentence, clause, fig):
        # "892,000 personnel, including 1,240 in the past day": the count named before
        last = [c for c in previous if c.span == span and c.quantity]
        if last:
            quantity = last[-1].quantity
            notes.append(f"no noun of its own: counts what {last[-1].id} counts")
            confidence -= 0.1
    pointer = re.match(r"\s*(?:of\s+(?:them|those|these)|such)\b", after)
    if (
        ref is None
        and context_quantity is not None
        and (
            pointer is not None
            or (not quantity and not previous and _elliptical(sentence, clause, fig))
        )
    ):
        # "Russia had lost 2,000 of them", "This works out at an average of 1,354 every
        # day": what the sentence before names
        named = context_quantity()
        if named:
            quantity = named
            notes.append("what is counted is named in the sentence before")
            confidence -= 0.1
    q_entry = vocab.by_name.get(quantity)
    if not quantity:
        confidence -= 0.45
        notes.append("no known noun names what is counted: fill quantity")

    # kind and period
    per = ""
    kind = ""
    if ref is not None:
        kind, per = ref.kind, ref.per
    else:
        rate = _rate_word(sentence, clause, fig, figures)
        if rate is not None:
            kind = "rate"
            per = (
                "day"
                if rate.groupdict().get("h24")
                else _PER[(rate.group("p") or rate.group("a")).lower()]
            )
        elif _search(_TARGET, sentence, clause, fig, figures) is not None and _target_near(
            sentence, clause, fig
        ):
            kind = "target"
        elif q_entry is not None and q_entry.kind:
            kind = q_entry.kind
        else:
            kind = "total"

    # window
    w = _window(sentence, clause, fig, figures, kind, published, anchors)
    if kind == "rate" and per == "day" and w.on_day and w.said is not None and not w.explicit:
        # "On November 28, a new daily record of 2,030": that day's count, not a rate
        kind, per = "total", ""
        w = _window(sentence, clause, fig, figures, kind, published, anchors)
    same = _SAME_PERIOD.search(sentence)
    if ref is None and same is not None and context is not None and published is not None:
        # "It is 2.5 times lower than the same period in 2024, when 92,800 people enlisted":
        # the window of the sentence before, moved to that year
        cw = context(kind)
        if cw is not None and cw.start is not None and cw.end is not None:
            shift = (int(same["y"]) if same["y"] else cw.start.year - 1) - cw.start.year
            try:
                a = cw.start.replace(year=cw.start.year + shift)
                b = cw.end.replace(year=cw.end.year + shift)
            except ValueError:  # 29 February
                a = b = None
            if a is not None and b is not None and shift < 0:
                note = f"the same period as the sentence before: {a}..{b}"
                w = _Window(start=a, end=b, explicit=True, notes=[note])
    if (ref is None and context is not None and not w.explicit and w.said is None
            and w.year_end is None and published is not None
            and kind in ("rate", "total", "target")
            and not _NOW.search(sentence)
            and (kind != "total" or not (_cumulative(sentence, clause, fig)
                                        or _RUNNING.search(sentence)))):  # fmt: skip
        # "In September, daily losses reached a new high. ... 1,271 per day": a figure that
        # states no window of its own is read in the one the sentence before it states
        cw = context(kind)
        if cw is not None:
            w = cw
            w.notes = ["window of the sentence before: " + "; ".join(cw.notes)]
    listed = _listed_with(sentence, fig, figures, previous, span, kind)
    if ref is None and listed is not None and not w.explicit and w.said is None:
        # "over the past day, ... destroyed 26 tanks, 26 armoured vehicles, 60 artillery
        # systems": the figures of one list share the window its first one states
        w.start = dt.date.fromisoformat(listed.start) if listed.start else None
        w.end = dt.date.fromisoformat(listed.end) if listed.end else w.end
        w.explicit = True
        w.notes = [f"window of {listed.id}, listed with it"]
    start, end = w.start, w.end
    notes += w.notes
    if kind == "target" and w.year_end is not None and q_entry is not None and q_entry.since:
        # "on course to have lost a total of 500,000 by the end of this year": a running count
        start = q_entry.since
        notes.append(f"a running count: from {start} as {quantity} are counted")
    if ref is not None:
        start = dt.date.fromisoformat(ref.start) if ref.start else None
        end = dt.date.fromisoformat(ref.end) if ref.end else end
    elif kind == "rate" and not w.explicit:
        start = None
        if end is not None:
            notes.append(f"a {per}'s rate as of {end} (no window in the text)")
    elif kind == "stock":
        start = None
    elif kind in ("total", "target") and start is None:
        if q_entry is not None and q_entry.since is not None and kind == "total":
            start = q_entry.since
            notes.append(f"no window in the text: counted from {start} as {quantity} are")
            confidence -= 0.1
        elif kind == "total" and w.year_end is not None and end is not None:
            # "At the end of 2024, ... 427,000 had signed contracts": that year's count
            start = dt.date(w.year_end, 1, 1)
            notes.append(f"a count told at the end of {w.year_end}: that year's")
            confidence -= 0.1
        elif kind == "total" and "war" in anchors and _cumulative(sentence, clause, fig):
            start = anchors["war"].date
            notes.append(f"no window in the text: 'has/have ...' counts from the war ({start})")
            confidence -= 0.1
        else:
            notes.append("no start in the text: fill start")
            confidence -= 0.2
    if end is None:
        notes.append("no publication date: fill end")
        confidence -= 0.2
    if start is not None and end is not None and start > end:
        start = None
        notes.append("the start read from the text is after its end: fill start")
        confidence -= 0.2
    if kind == "rate" and not per:
        return None
    said = w.said
    pub = said or published
    attributed = _source_name(_attribution(sentence, clause, earlier, inherited, pub))
    return Candidate(
        id=cid,
        quantity=quantity,
        kind=kind,
        value=float(fig.value),
        per=per if kind == "rate" else "",
        start=start.isoformat() if start else "",
        end=end.isoformat() if end else "",
        qualifier=qualifier,
        low=fig.low,
        high=fig.high,
        published=pub.isoformat() if pub else "",
        attributed_to=attributed,
        document=document,
        quote=sentence,
        notes="; ".join(notes),
        confidence=round(max(0.05, min(1.0, confidence)), 2),
        span=span,
        window_in_text=w.explicit or w.said is not None,
    )


#: What may stand between two figures of one list: their nouns and a comma or "and"
#: ("26 Russian tanks, 26 armored combat vehicles"), no verb, window or clause word.
_LIST_GAP = re.compile(
    r"^[\w\s,’'/-]*?(?:,\s*(?:and\s+|as\s+well\s+as\s+)?|\s+and\s+|\s+as\s+well\s+as\s+)"
    r"(?:another\s+|more\s+|over\s+|some\s+|about\s+)?$",
    re.IGNORECASE,
)
_LIST_BREAK = re.compile(
    r"\b(?:in|on|during|since|over|for|from|by|while|whereas|but|which|who|when|compared|"
    r"than|including|said|says|were|was|have|has|had|are|is|per|each|every|a\s+day|"
    r"daily|monthly|weekly)\b",
    re.IGNORECASE,
)


#: A draft verb before "recruits" ("has been drafting 30,000 recruits per month"): the
#: recruits are mobilised, not contract soldiers.
_DRAFT_VERB = re.compile(
    r"\b(?:draft(?:ing|ed|s)?|conscript(?:ing|ed|s)?|mobili[sz](?:ing|ed|es)|call(?:ing|ed)\s+up)\b",
    re.IGNORECASE,
)
#: "the same period in 2024", "the same period last year": the window of the sentence
#: before, in that year.
_SAME_PERIOD = re.compile(
    rf"\bthe\s+same\s+period\s+(?:(?:of|in)\s+(?P<y>{_YEAR})|(?P<last>last|a)\s+year(?:\s+ago)?"
    rf"|of\s+(?:the\s+)?(?P<prev>last|previous)\s+year)\b",
    re.IGNORECASE,
)
#: A rate told as the average of the total before it: "..., a daily average of 1,354".
_AVERAGE_OF = re.compile(
    r"^[^.;]{0,60}?(?:[-–—,(]|\bor\b)\s*(?:an?\s+|the\s+)?(?:daily|weekly|monthly)?\s*average"
    r"(?:\s+\w+){0,2}\s+(?:of\s+)?(?:about\s+|around\s+|some\s+|nearly\s+|over\s+)?$",
    re.IGNORECASE,
)


#: A rate that restates the total before it: "30,000 in September, or about 1,000 a day".
_SAID_AS = re.compile(
    r"^[^.;]{0,60}?(?:,\s*or|[-–—(]|,\s*(?:that\s+is|which\s+is|i\.e\.|equivalent\s+to|"
    r"equating\s+to|working\s+out\s+at))\s*(?:about|around|some|nearly|roughly|approximately|"
    r"almost|over|more\s+than|just\s+over|just\s+under)?\s*$",
    re.IGNORECASE,
)


def _listed_with(sentence: str, fig, figures, previous, span, kind: str):
    """The candidate of the figure just before ``fig`` when the two stand in one list
    ("26 Russian tanks, 26 armored combat vehicles") and it has a window from the text."""
    i = next((k for k, f in enumerate(figures) if f is fig), 0)
    if i == 0 or not previous or previous[-1].span != span:
        return None
    before = figures[i - 1]
    last = previous[-1]
    if last.value != float(before.value) or not last.window_in_text:
        return None
    gap = sentence[before.end : fig.start]
    if (
        kind == "rate"
        and last.kind == "total"
        and (_AVERAGE_OF.search(gap) or _SAID_AS.search(gap))
    ):
        return last  # "41,980 killed and wounded during October - a daily average of 1,354"
    if last.kind != kind:
        return None
    ok = len(gap) <= 120 and _LIST_GAP.match(gap) and not _LIST_BREAK.search(gap)
    return last if ok else None


#: A present perfect ("has recruited", "have been forcibly mobilized"): a running count.
_PERFECT = re.compile(
    r"\b(?:has|have)\s+(?:already\s+|so\s+far\s+|now\s+|reportedly\s+)?(?:been\s+)?"
    r"(?:[a-z]+ly\s+)?[a-z]+(?:ed|en|wn|ft|ost|ght)\b",
    re.IGNORECASE,
)


def _cumulative(sentence: str, clause, fig) -> bool:
    """A figure told as a running count in the present perfect in its own clause, with no
    window: counted since the war began ("Russia has recruited over 18,000 foreigners")."""
    a, b = clause
    return bool(_PERFECT.search(sentence[a:b]))


#: A period said as an adverb of its own clause: "Every day, Russia loses ...".
_RATE_ADVERB = re.compile(
    r"\b(?:every|each|per)\s+(?P<p>day|week|month|night)\b"
    r"|\b(?P<a>daily|weekly|monthly|nightly)(?=\s*(?:[,;.]|$))",
    re.IGNORECASE,
)


def _leads_figure(sentence: str, m: re.Match, figures) -> bool:
    """A period word that modifies the figure right after it ("a daily average of 1,354",
    "daily losses of 1,271")."""
    nxt = min((f.start for f in figures if f.start >= m.end()), default=None)
    if nxt is None:
        return False
    gap = sentence[m.end() : nxt]
    lead = r"\s+(?:[a-z]+\s+){0,3}?(?:of|at|was|were|is|stood\s+at)\s+"
    return bool(re.fullmatch(lead + r"(?:about\s+|around\s+|some\s+|over\s+|nearly\s+)?", gap))


def _rate_word(sentence: str, clause, fig, figures) -> re.Match | None:
    """The period word of a figure's rate, or None.

    In the figure's clause, a period word after the figure with no other figure between
    belongs to it ("1,262 killed and wounded in May daily and 1,163 more in June");
    else the nearest one not nearer to another figure of the clause. A period said as an
    adverb in a clause with no figure of its own ("Every day, Russia loses 1,000 soldiers")
    belongs to the figure nearest to it.
    """
    a, b = clause
    inside = [m for m in _matches(_RATE, sentence) if a <= m.start() and m.end() <= b]
    after = [m for m in inside if m.start() >= fig.end
             and not any(fig.end <= f.start < m.start() for f in figures)
             and not _leads_figure(sentence, m, figures)]  # fmt: skip
    if after:
        return min(after, key=lambda m: m.start())
    m = _search(_RATE, sentence, clause, fig, figures, clause_only=True)
    if m is not None:
        return m
    lone = []
    for m in _matches(_RATE_ADVERB, sentence):
        if _in([(a, b)], m.start(), m.end()):
            continue
        x, y = _clause(sentence, _Figure(m.start(), m.end(), 0.0), figures)
        if not any(x <= f.start and f.end <= y for f in figures):
            lone.append(m)
    return _nearest(lone, fig, figures)


#: What may follow a figure that names no noun of its own: "1,163 more in June",
#: "693 in 2023", "1,240 over the past day", or nothing.
_NO_NOUN = re.compile(
    r"\s*(?:more\b|others?\b|additional\b)?\s*(?:$|[.,;:)]|(?:in|over|during|on|since|"
    r"this|last|per|each|every|for|from|within|by|and|than|to|compared|while|daily|weekly|"
    # "45,000 soldiers in October, an average of 1,450 a day"
    r"monthly|nightly|(?:a|an)\s+(?:day|week|month|year|night)\b)\b)",
    re.IGNORECASE,
)


def _elliptical(sentence: str, clause, fig) -> bool:
    """A figure followed by no noun in its clause: it counts what the figure before did."""
    return bool(_NO_NOUN.match(sentence[fig.end : clause[1]]))


def _target_near(sentence: str, clause, fig) -> bool:
    """A plan verb in the figure's own clause, or before it in the sentence."""
    a, b = clause
    return bool(_TARGET.search(sentence[a:b]) or _TARGET.search(sentence[: fig.start]))


# ---------------------------------------------------------------------------------
# Repeats and the whole run
# ---------------------------------------------------------------------------------


def _mark_repeats(cands: list[Candidate]) -> list[Candidate]:
    """Later mentions of the same figure get ``derived_from`` its first mention.

    Same figure: same value, kind and period, and the same quantity (or one side's is
    unknown, within one document). Across documents the starts must agree when both are
    known; within one document the window may differ (a digest that misdates a figure),
    and the notes say so. A repeat with no window of its own takes its root's.
    """
    out = list(cands)
    roots: list[int] = []
    pending: list[int] = []
    for i, c in enumerate(out):
        if not c.quantity:
            pending.append(i)
            continue
        root = None
        key = (c.value, c.kind, c.per, c.quantity)
        for k in range(i):  # within one document the window may differ (a misdated digest)
            e = out[k]
            if e.document == c.document and (e.value, e.kind, e.per, e.quantity) == key:
                root = next(j for j in roots if out[j].id == (e.derived_from or e.id))
                break
        for j in roots if root is None else ():
            r = out[j]
            if (r.value, r.kind, r.per, r.quantity) != key:
                continue
            if r.document != c.document and r.start and c.start and r.start != c.start:
                continue
            root = j
            break
        if root is None:
            roots.append(i)
        else:
            out[i] = _as_repeat(c, out[root])
    # a figure whose noun is unknown ("400,000 more reservists" in a headline) repeats a
    # known figure of the same value and kind in the same document, wherever that stands
    for i in pending:
        c = out[i]
        for j in roots:
            r = out[j]
            if r.document == c.document and (r.value, r.kind, r.per) == (c.value, c.kind, c.per):
                out[i] = _as_repeat(c, r)
                break
    return out


def _as_repeat(c: Candidate, r: Candidate) -> Candidate:
    notes = [c.notes] if c.notes else []
    notes.append(f"repeats {r.id}")
    changes: dict = {"derived_from": r.id}
    if not c.quantity:
        changes["quantity"] = r.quantity
        changes["confidence"] = round(min(0.9, c.confidence + 0.3), 2)
        notes = [n for n in notes if not n.startswith("no known noun")]
        notes.append(f"quantity taken from {r.id}")
    if not c.window_in_text and (c.start, c.end) != (r.start, r.end):
        changes["start"], changes["end"] = r.start, r.end
        notes = [n.replace("no start in the text: fill start", "").strip() for n in notes]
        notes.append(f"window taken from {r.id}")
    elif (c.start, c.end) != (r.start, r.end):
        notes.append(f"window differs from {r.id} ({r.start}..{r.end}): check")
    changes["notes"] = "; ".join(n for n in notes if n)
    return replace(c, **changes)


def extract(
    paths: Sequence[str | os.PathLike],
    *,
    published: dt.date | Mapping[str, dt.date] | None = None,
    quantities: Mapping[str, Quantity] | None = None,
    anchors: Mapping[str, Anchor] | None = None,
    max_bytes: int = MAX_BYTES,
) -> list[Candidate]:
    """Candidate claims from documents, repeats marked across all of them.

    Parameters
    ----------
    paths : sequence of path-like
        Plain text, Markdown or HTML files, read in this order (the first mention of a
        figure is the root of its repeats).
    published : date or mapping of path -> date, optional
        Publication date of every document, or per document (as the path is given);
        otherwise each document's header is searched.
    quantities : mapping, optional
        Vocabulary; default ``data/quantities.toml``.
    anchors : mapping, optional
        Named start days; default :data:`ANCHORS`.
    max_bytes : int
        Larger documents are refused.

    Returns
    -------
    list of Candidate
        Ids unique across the documents.

    Raises
    ------
    ExtractError
        A document that cannot be read.
    """
    quantities = read_quantities() if quantities is None else quantities
    cands: list[Candidate] = []
    used: set[str] = set()
    for path in paths:
        date = published.get(str(path)) if isinstance(published, Mapping) else published
        doc = read_document(path, published=date, max_bytes=max_bytes)
        prefix = _slug(doc.name)
        while prefix in used:
            prefix += "_"
        used.add(prefix)
        found = extract_text(doc.text, document=doc.name, published=doc.published,
                             quantities=quantities, anchors=anchors, id_prefix=prefix)  # fmt: skip
        if not found:
            warnings.warn(f"{doc.name}: no figures found", ExtractWarning, stacklevel=2)
        cands += found
    return _mark_repeats(cands)


def write_candidates(cands: Iterable[Candidate], path: str | os.PathLike) -> None:
    """Write candidates as a claims file with ``confidence`` and ``status``, atomically."""
    buf = io.StringIO(newline="")
    writer = csv.DictWriter(buf, fieldnames=[*COLUMNS, *EXTRA_COLUMNS], lineterminator="\n")
    writer.writeheader()
    for c in cands:
        writer.writerow(c.row())
    atomic_write_text(path, buf.getvalue())
