"""Tables as LaTeX, Markdown and HTML, written by hand (no jinja2, no tabulate).

:func:`to_latex` gives a ``tabular`` (booktabs rules) to ``\\input`` in a paper,
:func:`to_markdown` a pipe table, :func:`to_html` a plain ``<table>``. Each takes a
:class:`pandas.DataFrame` and optional per-column formats (a format string such as
``"{:,.0f}"`` or a callable); numbers are right-aligned, text left-aligned, dates
written ``YYYY-MM-DD``, and text escaped for the target. :class:`Exportable` gives a
result's summary ``as_text``, ``as_markdown``, ``as_latex``, ``as_html`` and
``_repr_html_`` from its header lines and one table.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import numbers
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping

__all__ = ["to_latex", "to_markdown", "to_html", "Exportable"]

Format = str | Callable[[object], str]

_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "\n": " ",  # a line break inside a cell would end the row's paragraph
    "\r": " ",
}


def _latex_escape(text: str) -> str:
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in text)


def _is_number(x: object) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def _cell(x: object, fmt: Format | None) -> str:
    if fmt is not None:
        return fmt(x) if callable(fmt) else fmt.format(x)
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    if isinstance(x, dt.datetime):  # pandas.Timestamp too
        return x.strftime("%Y-%m-%d") if x.time() == dt.time() else x.isoformat(" ")
    if isinstance(x, dt.date):
        return x.isoformat()
    if _is_number(x) and not isinstance(x, numbers.Integral):
        return f"{float(x):,.4g}" if abs(float(x)) < 1000 else f"{float(x):,.0f}"
    if _is_number(x):
        return f"{int(x):,}"
    return str(x)


def _grid(frame, formats: Mapping[str, Format] | None, index: bool):
    """Header, rows of cell text, and which columns are numeric."""
    formats = dict(formats or {})
    df = frame.reset_index() if index else frame
    header = [str(c) for c in df.columns]
    numeric = [
        bool(len(df)) and all(_is_number(v) for v in df[c] if v is not None) for c in df.columns
    ]
    rows = [
        [_cell(v, formats.get(str(c))) for c, v in zip(df.columns, rec, strict=True)]
        for rec in df.itertuples(index=False, name=None)
    ]
    return header, rows, numeric


def to_latex(
    frame,
    formats: Mapping[str, Format] | None = None,
    *,
    index: bool = False,
    header: Mapping[str, str] | None = None,
) -> str:
    """A LaTeX ``tabular`` of ``frame`` with booktabs rules (``\\usepackage{booktabs}``).

    Parameters
    ----------
    frame : pandas.DataFrame
    formats : mapping, optional
        Column -> format string (``"{:,.0f}"``) or callable giving the cell's text.
    index : bool
        Include the index as the first column(s).
    header : mapping, optional
        Column -> heading, as LaTeX (not escaped: ``"$P(\\geq 400{,}000)$"``).

    Returns
    -------
    str
        ``\\begin{tabular}{...} ... \\end{tabular}`` and a final newline.
    """
    names, rows, numeric = _grid(frame, formats, index)
    heads = [header[n] if header and n in header else _latex_escape(n) for n in names]
    spec = "".join("r" if num else "l" for num in numeric)
    lines = [f"\\begin{{tabular}}{{{spec}}}", "\\toprule", " & ".join(heads) + r" \\", "\\midrule"]
    lines += [" & ".join(_latex_escape(c) for c in row) + r" \\" for row in rows]
    lines += ["\\bottomrule", "\\end{tabular}"]
    return "\n".join(lines) + "\n"


def to_markdown(frame, formats: Mapping[str, Format] | None = None, *, index: bool = False) -> str:
    """A Markdown pipe table of ``frame`` (numbers right-aligned), with a final newline."""
    names, rows, numeric = _grid(frame, formats, index)

    def esc(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(esc(n) for n in names) + " |"]
    lines.append("|" + "|".join("---:" if num else "---" for num in numeric) + "|")
    lines += ["| " + " | ".join(esc(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def to_html(frame, formats: Mapping[str, Format] | None = None, *, index: bool = False) -> str:
    """A plain HTML ``<table>`` of ``frame`` (numbers right-aligned)."""
    names, rows, numeric = _grid(frame, formats, index)

    def td(tag: str, text: str, num: bool) -> str:
        style = ' style="text-align: right"' if num else ""
        return f"<{tag}{style}>{html.escape(text)}</{tag}>"

    out = ["<table>", "<thead><tr>"]
    out += [td("th", n, num) for n, num in zip(names, numeric, strict=True)]
    out += ["</tr></thead>", "<tbody>"]
    for row in rows:
        out.append("<tr>" + "".join(td("td", c, n) for c, n in zip(row, numeric, strict=True)))
        out.append("</tr>")
    out += ["</tbody>", "</table>"]
    return "".join(out)


class Exportable(ABC):
    """A summary that exports itself: subclasses give :meth:`_header` (lines of text
    above the table) and :meth:`_display` (the table for a paper and its formats);
    ``str()`` is the plain-text account."""

    @abstractmethod
    def _header(self) -> list[str]:
        """Lines of text above the table."""

    @abstractmethod
    def _display(self):
        """``(DataFrame, formats)``: the table that :meth:`as_latex` writes."""

    def as_text(self) -> str:
        """The plain-text account (the same as ``str()``)."""
        return str(self)

    def as_markdown(self) -> str:
        """The header lines as a paragraph, then the table as a Markdown pipe table."""
        frame, formats = self._display()
        head = "  \n".join(self._header())
        return f"{head}\n\n{to_markdown(frame, formats)}"

    def as_latex(self) -> str:
        """The table as a LaTeX ``tabular`` (booktabs rules), ready to ``\\input``."""
        frame, formats = self._display()
        return to_latex(frame, formats)

    def as_html(self) -> str:
        """The header lines and the table as HTML (what a notebook shows)."""
        frame, formats = self._display()
        head = "<br>".join(html.escape(line) for line in self._header())
        return f"<div><p>{head}</p>{to_html(frame, formats)}</div>"

    def _repr_html_(self) -> str:
        return self.as_html()
