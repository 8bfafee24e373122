"""The report: every quantity fitted, projected and drawn, into one folder.

:func:`write_report` validates and normalises the claims, fits every quantity that has
rate or total claims, compares targets, projects reserve and attrition with the
assumptions, and writes figures (PNG, PDF, SVG), CSV tables, ``report.md`` and a
self-contained ``report.html`` into a folder. The HTML is rendered from the Markdown by
markdown-it-py (CommonMark and tables), figures embedded with their captions under them.
The projection reuses the report's fits, so each question gets one number (a target's
P(reached) is the same in its section, the projection's summary and the figure).
Warnings are listed once in the report and passed on, once each, to the caller (the CLI
prints them on stderr). The folder is built
beside its destination and renamed into place at the end: a failed run leaves the old
report (or nothing) and no half-written files.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .claims import claims_frame, independent, read_claims
from .errors import DataError
from .files import StagedFolder, check_output_folder
from .model import QUANTILES, RateFit, fit, qcol
from .observe import normalise

__all__ = ["write_report", "Report"]

_FORMATS = (".png", ".pdf", ".svg")


@dataclass(frozen=True)
class Report:
    """What :func:`write_report` wrote: the folder, its files and the warnings met."""

    folder: Path
    files: tuple[str, ...]
    warnings: tuple[str, ...]


def _fmt(x: float) -> str:
    return f"{x:,.0f}"


def _md_table(frame, floats: str = "{:,.0f}") -> str:
    cols = [str(c) for c in frame.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for _, row in frame.iterrows():
        cells = []
        for v in row:
            if isinstance(v, float):
                cells.append(floats.format(v))
            elif isinstance(v, dt.datetime):  # pandas.Timestamp: a day
                cells.append(v.strftime("%Y-%m-%d"))
            else:
                cells.append(str(v).replace("|", "\\|"))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def write_report(
    claims_path: str | os.PathLike,
    out: str | os.PathLike = "report",
    *,
    assumptions_path: str | os.PathLike | None = None,
    until: dt.date | None = None,
    draws: int = 4000,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
) -> Report:
    """Fit, project and draw everything the claims support; write it into ``out``.

    Parameters
    ----------
    claims_path : path-like
        A claims file (format v1).
    out : path-like
        Destination folder (replaced as a whole when the run succeeds).
    assumptions_path : path-like, optional
        Stock-flow assumptions (TOML); without it, no projections.
    until : datetime.date, optional
        Forecast horizon; defaults to the end of the year after the last claim.
    draws : int
        Monte Carlo draws of the projections.
    seed : int
        Seed of every random step (written into the report).
    progress : callable, optional
        Called with a short message before each slow step.

    Returns
    -------
    Report
    """
    say = progress or (lambda msg: None)
    out = Path(out)
    check_output_folder(out, inputs=(claims_path, assumptions_path))
    claims = read_claims(claims_path)
    if not claims:
        raise DataError(f"{claims_path}: no claims (the file has a header and no rows)")
    last_end = max(c.end for c in claims)
    own_horizons = until is None  # each quantity then stops a year after its own claims
    until = until or dt.date(last_end.year + 1, 12, 31)
    if assumptions_path is not None:  # every input checked before the long work
        from .assumptions import read_assumptions
        from .limits import check_assumptions

        check_assumptions(read_assumptions(assumptions_path))
    stage = StagedFolder(out)  # a lock, and a unique staging folder beside `out`
    tmp = stage.path
    try:
        met = _write_contents(
            tmp,
            claims,
            claims_path,
            assumptions_path=assumptions_path,
            until=until,
            own_horizons=own_horizons,
            draws=draws,
            seed=seed,
            say=say,
        )

        files = tuple(sorted(str(p.relative_to(tmp)) for p in tmp.rglob("*") if p.is_file()))
        stage.commit()  # one atomic swap: the old report or the new one, never neither
        return Report(folder=out, files=files, warnings=tuple(met))
    finally:
        stage.close()


class _Warnings:
    """Warnings met on the way: each listed once in the report and passed on once.

    A step runs under ``catch_warnings(record=True)`` so that its warnings can be listed
    in the report; each new one is then issued again outside the catch, at its original
    place, for the caller (the CLI prints them on stderr).
    """

    def __init__(self) -> None:
        self.texts: list[str] = []

    def run(self, call):
        """``call()``, and the texts of the warnings it raised that were not met before."""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = call()
        new = []
        for w in caught:
            text = " ".join(str(w.message).split())
            if text in self.texts:
                continue
            self.texts.append(text)
            new.append(text)
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        return result, new


def _estimate_text(est) -> str:
    """A window total: median, 90% interval, and the mean with a word when it lies outside."""
    lo, mid, hi = est.quantiles[0.05], est.quantiles[0.5], est.quantiles[0.95]
    text = (
        f"Total from {est.start} to {est.end}: about {_fmt(mid)} "
        f"(90% interval {_fmt(lo)} to {_fmt(hi)})"
    )
    if lo <= est.mean <= hi:
        return text + f"; mean {_fmt(est.mean)}."
    side = "above" if est.mean > hi else "below"
    return (
        text + f". The mean, {_fmt(est.mean)}, lies {side} that interval: a few paths with "
        "extreme rates pull it, so the median is the better single number."
    )


def _write_contents(
    tmp: Path,
    claims,
    claims_path,
    *,
    assumptions_path,
    until: dt.date,
    own_horizons: bool,
    draws: int,
    seed: int,
    say: Callable[[str], None],
) -> list[str]:
    """Write figures, tables, report.md and report.html into ``tmp``; return the warnings."""
    import matplotlib.pyplot as plt

    from . import plot
    from .quantities import describe

    met = _Warnings()
    md: list[str] = []
    numbered = [0]
    (tmp / "figures").mkdir()
    (tmp / "tables").mkdir()

    def figure(draw, stem: str, alt: str, caption: str, size=("single",)) -> None:
        """Draw, save as PNG, PDF and SVG, and place the figure with its caption under it."""

        def make():
            fig, ax = plot.figure(*size)
            try:
                draw(ax)
                for suffix in _FORMATS:
                    plot.save_figure(fig, tmp / "figures" / f"{stem}{suffix}")
            finally:
                plt.close(fig)

        met.run(make)
        numbered[0] += 1
        md.append(f"![{alt}](figures/{stem}.png)\n")
        md.append(f"*Figure {numbered[0]}.* {caption}\n")

    assumptions = None
    roles: dict[str, str] = {}
    first = None
    if assumptions_path is not None:
        from .assumptions import read_assumptions

        assumptions = read_assumptions(assumptions_path)
        roles = {assumptions.quantity(r): r for r in ("recruits", "casualties")}
        # The fits of the projected quantities start early enough for the projection to
        # reuse them (the longest return delay before its start): one number per target.
        lead = assumptions.max_delay(list(assumptions.scenarios))
        first = assumptions.start - dt.timedelta(days=lead)

    md.append("# trends report\n")
    md.append(
        f"Claims: `{claims_path}` ({len(claims)} claims, {len(independent(claims))} "
        f"independent). Horizon: {until}"
        + (
            " for the projection; each other quantity is fitted to the end of the year "
            "after its own last claim"
            if own_horizons
            else ""
        )
        + f". Seed: {seed}. Generated by trends from the claims and assumptions named here; "
        "every figure below traces to the claim ids in the tables, and every claim to a "
        "document and a verbatim quote (`tables/claims.csv`).\n"
    )

    # -- claims ----------------------------------------------------------------------------
    table = normalise(claims)
    table.to_csv(tmp / "tables" / "claims_normalised.csv", index=False)
    claims_frame(claims).to_csv(tmp / "tables" / "claims.csv", index=False)
    md.append("## Claims\n")
    md.append(
        "One row per independent claim (repeats listed under `repeats` count once); "
        "window totals and daily rates from the hedge table.\n"
    )
    show = table[["id", "quantity", "kind", "start", "end", "days", "total_low",
                  "total_mid", "total_high", "repeats"]]  # fmt: skip
    md.append(_md_table(show) + "\n")

    # -- fits ------------------------------------------------------------------------------
    from .projection import target_attainment

    fits: dict[str, RateFit] = {}
    md.append("## Fitted quantities\n")
    for q in sorted({c.quantity for c in claims}):
        mine = [c for c in independent(claims) if c.quantity == q]
        if not {c.kind for c in mine} & {"rate", "total"}:
            continue
        name = describe(q)
        projected = q in roles
        q_until = until
        if own_horizons and not projected:
            q_until = dt.date(max(c.end for c in mine).year + 1, 12, 31)
        say(f"fitting {q}")
        f, new = met.run(
            lambda q=q, u=q_until, s=(first if projected else None): fit(
                claims, q, start=s, until=u, rng=seed
            )
        )
        fits[q] = f
        f.rate(per="week").to_csv(tmp / "tables" / f"fit_{q}_weekly_rate.csv")
        f.cumulative().to_csv(tmp / "tables" / f"fit_{q}_cumulative.csv")
        f.residuals().to_csv(tmp / "tables" / f"fit_{q}_residuals.csv", index=False)
        md.append(f"### {name.label}\n")
        about = f"Quantity `{q}`" + (f", counted in {name.unit}" if name.unit else "")
        md.append((f"{name.definition} " if name.definition else "") + about + ".\n")
        if new:
            md.append(
                f"This fit met {len(new)} warning{'s' if len(new) > 1 else ''}, listed under "
                "Warnings below.\n"
            )
        md.append("```\n" + str(f.summary()) + "\n```\n")
        year = dt.date(f.end.year, 1, 1)
        md.append(_estimate_text(f.total(max(year, f.origin), f.end)) + "\n")
        targets = [c for c in mine if c.kind == "target"]
        for t in targets:
            ta = target_attainment(f, t)
            md.append(
                f"Target `{t.id}` ({_fmt(t.value)} from {t.window[0]} to {t.window[1]}): "
                f"P(reached) = {ta['p_reach']:.2f}; the total over that window is about "
                f"{_fmt(ta['q50'])} (90% interval {_fmt(ta['q05'])} to {_fmt(ta['q95'])}).\n"
            )
        unit = name.unit or "count"
        figure(
            lambda ax, f=f: plot.plot_fit(f, claims, per="week", ax=ax),
            f"fit_{q}",
            f"{name.label}: claims and fitted weekly rate",
            f"{name.label} per week ({unit}). Each claim is a bar over its window at the "
            "weekly rate it implies, with a whisker over the range its hedge word allows; "
            "faint dashed bars are repeats, counted once. "
            + ("dotted bars with hollow markers are targets (not fitted). " if targets else "")
            + "Colour and marker name who the figure is credited "
            f'to, the less frequent as "{plot.OTHER_SOURCES}". The black line is the '
            "posterior median of the daily rate, dashed after the last claim, with 50% and "
            f"90% intervals; drawn to {plot.HORIZON_DAYS} days after the last claim.",
        )
        start = min([f.origin] + [t.window[0] for t in targets if t.window[0] >= f.origin])
        figure(
            lambda ax, f=f, t=targets, s=start: plot.plot_cumulative(f, start=s, targets=t, ax=ax),
            f"cumulative_{q}",
            f"{name.label}: cumulative total",
            f"{name.label} counted from {start:%-d %b %Y} ({unit}): posterior median with "
            "50% and 90% intervals"
            + (
                "; each target is a dotted line at the pace it needs over its window, "
                "ending in a hollow diamond, with the probability that the window's total "
                "reaches it (the same number as in the text above)"
                if targets
                else ""
            )
            + ".",
        )
    if not fits:
        raise DataError(f"{claims_path}: no quantity has rate or total claims to fit")

    # -- projections -----------------------------------------------------------------------
    if assumptions is not None:
        from .projection import project

        say(f"projecting with {draws:,} draws")
        shared = {r: fits[q] for q, r in roles.items() if q in fits}
        proj, _ = met.run(
            lambda: project(
                claims,
                assumptions,
                until,
                scenarios="all",
                draws=draws,
                seed=seed,
                fits=shared if len(shared) == 2 else None,
            )
        )
        proj.table().to_csv(tmp / "tables" / "projection.csv", index=False)
        md.append("## Projections\n")
        md.append(
            f"Stock-flow Monte Carlo from {assumptions.start} to {until} with the "
            f"assumptions in `{assumptions_path}` (ranges and sources: "
            "docs/assumptions.md), baseline and scenarios on common random numbers. "
            + (
                "The projection draws its paths from the fits above, so each target's "
                "P(reached) below is the same number as in its section."
                if len(shared) == 2
                else "The claims lack a fit of "
                + " and ".join(q for q, r in roles.items() if r not in shared)
                + ", so the projection fits on its own."
            )
            + "\n"
        )
        md.append("```\n" + str(proj.summary()) + "\n```\n")
        for var in ("reserve", "attrition"):
            label, unit, definition = plot._quantity(var)
            figure(
                lambda ax, v=var: plot.plot_projection(proj, v, ax=ax),
                f"projection_{var}",
                f"{label} by scenario",
                f"{label} ({unit}): {definition}. One line per scenario (median); the band "
                "is the baseline's 50% and 90% interval.",
            )
        label, unit, definition = plot._quantity("reserve")
        figure(
            lambda ax: plot.plot_scenarios(proj, "reserve", until, ax=ax),
            "scenarios_reserve",
            f"{label} on {until} by scenario",
            f"{label} on {until} ({unit}) by scenario: bar 50% interval, line 90% interval, "
            "marker median.",
        )
        _stock_sections(proj, tmp, md, figure)

    # -- warnings and reproducibility ------------------------------------------------------
    md.append("## Warnings\n")
    md.append("\n".join(f"- {w}" for w in met.texts) + "\n" if met.texts else "None.\n")
    md.append("## Files\n")
    md.append(
        "Every figure is in `figures/` as PNG (300 dpi), PDF and SVG, one column wide "
        "(3.5 by 2.4 in); every table in `tables/` as CSV.\n"
    )
    md.append(
        "## Reproducibility\n\n"
        f"Seed {seed}; quantiles {', '.join(qcol(q) for q in QUANTILES)}; the same "
        "claims, assumptions and seed give the same tables and byte-identical figures.\n"
    )
    text = "\n".join(md) + "\n"
    (tmp / "report.md").write_text(text, encoding="utf-8")
    (tmp / "report.html").write_text(_html(text, tmp), encoding="utf-8")
    return list(met.texts)


def _pretty_stock(v: str) -> str:
    return {"front": "front strength change"}.get(v, v.replace("_", " ")) + " (median)"


def _stock_sections(proj, folder: Path, md: list[str], figure) -> None:
    """Append the reserve, front and deficit and the sensitivity to ``md``; write
    ``tables/reserve_outlook.csv`` and ``tables/sensitivity.csv`` into ``folder`` and
    draw two figures with ``figure`` (the report's figure helper: it saves the figure and
    places it with its caption)."""
    import pandas as pd

    from . import plot
    from .model import qcol
    from .sensitivity import sensitivity

    until = proj.until

    rows, shown = [], []
    for s in proj.scenarios:
        pk = proj.reserve_peak(s)
        row = {"scenario": s, "p_exhausted": proj.p_exhausted(None, s)}
        row.update({f"peak_{qcol(q)}": pk.dates[q] for q in (0.05, 0.5, 0.95)})
        row["p_still_rising"] = pk.p_at_horizon
        for v in ("reserve", "strategic_reserve", "front", "deficit"):
            row[f"{v}_q50"] = float(np.median(proj.at_until(v, s)))
        rows.append(row)
        shown.append(
            {
                "scenario": s,
                f"P(exhausted by {until})": f"{row['p_exhausted']:.2f}",
                "reserve peaks (median; 90%)": f"{pk.dates[0.5]} ({pk.dates[0.05]} to "
                f"{pk.dates[0.95]})",
                "still rising": f"{pk.p_at_horizon:.0%}",
                **{
                    _pretty_stock(v): _fmt(row[f"{v}_q50"])
                    for v in ("reserve", "strategic_reserve", "front", "deficit")
                },  # fmt: skip
            }
        )
    pd.DataFrame(rows).to_csv(folder / "tables" / "reserve_outlook.csv", index=False)
    md.append("### Reserve, front and deficit\n")
    md.append(
        "The front draws on the operational reserve for its losses, its growth and its "
        "other outflows; when the reserve is empty the shortfall accumulates as the "
        "front's deficit (the two are never both positive). The strategic reserve is "
        f"the held-back share, which the front does not draw on. On {until}: the share "
        "of paths whose reserve ran out by then, when the reserve peaks (the first day "
        "of its highest level; the day before the start on paths where it never tops "
        "the starting reserve), the share of paths still rising, and the medians of "
        "the stocks (people; `tables/reserve_outlook.csv`).\n"
    )
    md.append(_md_table(pd.DataFrame(shown)) + "\n")
    figure(
        lambda ax: plot.plot_projection(proj, "deficit", ax=ax),
        "projection_deficit",
        "front deficit by scenario",
        "Front deficit (people): the front's unmet need once the reserve is empty, by "
        "scenario; median line, the baseline's 50% and 90% interval as the band.",
    )

    sens = sensitivity(proj)
    sens.to_csv(folder / "tables" / "sensitivity.csv", index=False)
    wide = sens.pivot_table(index="input", columns="variable", values="index", sort=False)
    md.append("### What drives the width of each number\n")
    md.append(
        "First-order variance shares of the ranks of each stock on "
        f"{until} (baseline, {proj.draws:,} draws): the share of the spread that "
        "knowing one input alone would remove (`trends.sensitivity`; "
        "`tables/sensitivity.csv`). The flows enter as their totals over the "
        "projection.\n"
    )
    md.append(_md_table(wide.reset_index(), floats="{:.2f}") + "\n")
    figure(
        lambda ax: plot.plot_sensitivity(sens, ax=ax),
        "sensitivity",
        "first-order sensitivity of the stocks",
        f"First-order sensitivity of the stocks on {until} to each assumption and to the "
        "two flow paths (share of each stock's variance).",
        size=("double", 3.6),
    )


def _html(markdown: str, folder: Path) -> str:
    """A self-contained HTML page from the report's Markdown, by markdown-it-py.

    CommonMark with tables. Images are inlined as data URIs; an image alone in its
    paragraph followed by a paragraph starting "*Figure N.*" becomes a ``<figure>`` with
    that paragraph as its ``<figcaption>``.
    """
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    tokens = md.parse(markdown)
    for tok in tokens:
        for child in tok.children or ():
            if child.type == "image":
                data = (folder / str(child.attrGet("src"))).read_bytes()
                child.attrSet("src", "data:image/png;base64," + base64.b64encode(data).decode())
    out: list = []
    i = 0
    while i < len(tokens):
        window = tokens[i : i + 6]
        kinds = [t.type for t in window]
        if (
            kinds == ["paragraph_open", "inline", "paragraph_close"] * 2
            and [c.type for c in window[1].children or ()] == ["image"]
            and window[4].content.startswith("*Figure ")
        ):
            image = md.renderer.renderInline(window[1].children, md.options, {})
            caption = md.renderer.renderInline(window[4].children, md.options, {})
            block = Token("html_block", "", 0)
            block.content = f"<figure>{image}<figcaption>{caption}</figcaption></figure>\n"
            out.append(block)
            i += 6
            continue
        out.append(tokens[i])
        i += 1
    body = md.renderer.render(out, md.options, {})
    style = (
        "body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em;"
        "line-height:1.4}pre{background:#f6f6f6;padding:.5em;overflow-x:auto;font-size:85%}"
        "table{border-collapse:collapse;font-size:85%}td,th{border:1px solid #ccc;"
        "padding:2px 6px}img{width:100%;max-width:42em}figure{margin:1.5em 0}"
        "figcaption{font-size:90%;color:#333;max-width:40em}"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>trends report</title><style>{style}</style></head><body>\n"
        + body
        + "</body></html>\n"
    )
