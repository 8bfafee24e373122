"""The report: every quantity fitted, projected and drawn, into one folder.

:func:`write_report` validates and normalises the claims, fits every quantity that has
rate or total claims, compares targets, projects reserve and attrition with the
assumptions, and writes figures (PNG, PDF, SVG), CSV tables, ``report.md`` and a
self-contained ``report.html`` into a folder. The HTML is rendered from the Markdown by
markdown-it-py (CommonMark and tables), figures embedded with their captions under them.
The projection reuses the report's fits, so each question gets one number (a target's
P(reached) is the same in its section, the projection's summary and the figure).
Warnings are listed once in the report and passed on, once each, to the caller (the CLI
prints them on stderr), in the report's order. With ``jobs`` above 1 each fitted
quantity (fit, tables, text, two figures) and each projection figure is a task on joblib
worker processes while this process computes the projection; the files are the same byte
for byte for any ``jobs``. The folder is built
beside its destination and renamed into place at the end: a failed run leaves the old
report (or nothing) and no half-written files.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import os
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import NamedTuple

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
    jobs: int = 1,
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
    jobs : int
        Worker processes (joblib) for the fits and the figures; 1 runs everything in
        this process. The files are the same byte for byte either way.

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
        run = _Runner(jobs)  # the workers start loading while the inputs are read again
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
            run=run,
        )
        run.finish()
        files = tuple(sorted(str(p.relative_to(tmp)) for p in tmp.rglob("*") if p.is_file()))
        stage.commit()  # one atomic swap: the old report or the new one, never neither
        return Report(folder=out, files=files, warnings=tuple(met))
    finally:
        stage.close()


class _Warnings:
    """Warnings met on the way: each listed once in the report and passed on once.

    Each step (a fit, a figure, the projection) runs under ``catch_warnings(record=True)``
    (:func:`_recorded`), in this process or in a worker, and its warnings are kept in
    the step's place. :meth:`settle` then goes through the steps in the order they were
    opened, which is the order of the report, lists each text not met before and issues
    it again at its original place for the caller (the CLI prints them on stderr). So
    the list and the messages come out in the same order whichever step finished first.
    """

    def __init__(self) -> None:
        self.texts: list[str] = []
        self._steps: list[tuple[list, bool] | None] = []
        self._new: dict[int, list[str]] = {}

    def step(self) -> int:
        """Open a step (its warnings are filled in when it has run); its number."""
        self._steps.append(None)
        return len(self._steps) - 1

    def fill(self, i: int, met: list, listed: bool = True) -> None:
        """The warnings step ``i`` met (from :func:`_recorded`); ``listed=False``: only
        passed on, not listed in the report (what the tables and texts of a fit met)."""
        self._steps[i] = (met, listed)

    def settle(self) -> None:
        """List and issue the warnings of every step that ran, in the steps' order."""
        for i, step in enumerate(self._steps):
            if step is None or i in self._new:
                continue
            met, listed = step
            new = self._new[i] = []
            for w in met:
                text = " ".join(str(w.message).split())
                if not listed:
                    warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
                    continue
                if text in self.texts:
                    continue
                self.texts.append(text)
                new.append(text)
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)

    def new(self, i: int) -> list[str]:
        """The texts step ``i`` met first (after :meth:`settle`)."""
        return self._new.get(i, [])


def _recorded(call, *args, **kwargs):
    """``call(*args, **kwargs)`` and the warnings it raised, in order (picklable)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = call(*args, **kwargs)
    return result, [warnings.WarningMessage(w.message, w.category, w.filename, w.lineno)
                    for w in caught]  # fmt: skip


class _Drawn:
    """Sample paths already drawn, handed out as a fresh copy on each call.

    Stands in for a fit's seeded samplers (``draw_paths``, ``draw_modal``), which close
    over the solver and cannot be sent between processes; the draws are the same
    numbers the samplers give.
    """

    def __init__(self, values: np.ndarray) -> None:
        self.values = values

    def __call__(self) -> np.ndarray:
        return np.array(self.values)


def _fit_task(claims, quantity: str, start, until, seed: int) -> RateFit:
    """Fit one quantity, with its sample paths drawn (so the fit can be pickled)."""
    f = fit(claims, quantity, start=start, until=until, rng=seed)
    return dataclasses.replace(
        f, draw_paths=_Drawn(f.log_samples), draw_modal=_Drawn(f.draw_modal())
    )


def _paths(folder: Path, stem: str) -> list[Path]:
    return [folder / "figures" / f"{stem}{suffix}" for suffix in _FORMATS]


def _figure_task(draw: Callable, size: tuple, paths: list[Path]) -> None:
    """Draw one figure with ``draw(ax=...)`` and save it to every path."""
    import matplotlib.pyplot as plt

    from . import plot

    fig, ax = plot.figure(*size)
    try:
        draw(ax=ax)
        plot.save_figures(fig, paths)
    finally:
        plt.close(fig)


@dataclass(frozen=True)
class _Section:
    """A fitted quantity's part of the report, as its task hands it back."""

    quantity: str
    summary: str
    estimate: str  # the window total, a line of text
    targets: list[str]  # a line of text per target
    start: dt.date  # of the cumulative figure
    fit_warnings: list
    other_warnings: list  # met writing the tables and texts (passed on, not listed)
    figure_warnings: dict[str, list]  # stem -> warnings met drawing it


def _section_task(claims, q: str, mine, start, until, seed: int, folder: Path, fitted=None):
    """Fit ``q`` (unless ``fitted`` holds the fit and its warnings), write its tables and
    draw its two figures into ``folder``; the rest of its section as a :class:`_Section`.
    One task per quantity, so that a fit's sample paths travel between processes only
    for the quantities the projection needs."""
    from . import plot
    from .projection import target_attainment

    f, fit_warnings = fitted or _recorded(_fit_task, claims, q, start, until, seed)
    targets = [c for c in mine if c.kind == "target"]

    def texts():
        f.rate(per="week").to_csv(folder / "tables" / f"fit_{q}_weekly_rate.csv")
        f.cumulative().to_csv(folder / "tables" / f"fit_{q}_cumulative.csv")
        f.residuals().to_csv(folder / "tables" / f"fit_{q}_residuals.csv", index=False)
        year = dt.date(f.end.year, 1, 1)
        lines = []
        for t in targets:
            ta = target_attainment(f, t)
            lines.append(
                f"Target `{t.id}` ({_fmt(t.value)} from {t.window[0]} to {t.window[1]}): "
                f"P(reached) = {ta['p_reach']:.2f}; the total over that window is about "
                f"{_fmt(ta['q50'])} (90% interval {_fmt(ta['q05'])} to {_fmt(ta['q95'])}).\n"
            )
        estimate = _estimate_text(f.total(max(year, f.origin), f.end))
        return str(f.summary()), estimate, lines

    (summary, estimate, lines), other = _recorded(texts)
    first = min([f.origin] + [t.window[0] for t in targets if t.window[0] >= f.origin])
    drawn = {}
    for stem, draw in (
        (f"fit_{q}", partial(plot.plot_fit, f, claims, per="week")),
        (
            f"cumulative_{q}",
            partial(plot.plot_cumulative, f, start=first, targets=targets),
        ),
    ):
        _, drawn[stem] = _recorded(_figure_task, draw, ("single",), _paths(folder, stem))
    return _Section(q, summary, estimate, lines, first, fit_warnings, other, drawn)


class _Projected(NamedTuple):
    """The projection, the warnings met computing it, its table and sensitivity."""

    proj: object
    warnings: list
    table: object
    sensitivity: object


@dataclass(frozen=True)
class _Quantiles:
    """What the projection figures read of a projection: its scenarios, variables and
    daily quantiles (the duck type of :func:`trends.plot.plot_projection`). A few
    kilobytes to send to a worker instead of the projection's paths."""

    scenarios: tuple[str, ...]
    variables: tuple[str, ...]
    tables: dict

    @classmethod
    def of(cls, proj, variables) -> _Quantiles:
        tables = {(v, s): proj.quantiles(v, s) for v in variables for s in proj.scenarios}
        return cls(tuple(proj.scenarios), tuple(variables), tables)

    def quantiles(self, variable: str, scenario: str = "baseline"):
        return self.tables[(variable, scenario)].copy()


def _load() -> None:
    """Import what the tasks use (in a worker: before the first task needs it)."""
    import matplotlib.pyplot  # noqa: F401
    import pandas  # noqa: F401

    from . import plot, projection  # noqa: F401


_WATCHED: list[int] = []  # this worker's parent, once watched


def _in_worker(fn: Callable, *args):
    """``fn(*args)`` in a worker that ends itself when the report's process is gone.

    A killed report (``kill -9``) cannot stop its workers, and joblib's would wait for
    work for minutes, holding the report's stderr open; a thread checks twice a second
    that the parent is still the same process and ends the worker when it is not.
    """
    if not _WATCHED:
        import threading
        import time

        parent = os.getppid()
        _WATCHED.append(parent)

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(0.5)
            os._exit(1)

        threading.Thread(target=watch, name="trends-parent-watch", daemon=True).start()
    return fn(*args)


class _Runner:
    """Runs tasks in this process (``jobs`` 1) or on ``jobs`` joblib worker processes.

    :meth:`submit` starts a batch and returns its results as an iterator in the order
    given; on workers the batch runs in the background while this process goes on, and
    several batches share the workers (first submitted, first run).
    """

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self._open: list = []
        # Each worker loads the modules of the tasks now (about a second), while this
        # process reads the inputs and prepares the tasks.
        self._warm = self.submit(_load, [() for _ in range(jobs)]) if jobs > 1 else iter(())

    def submit(self, fn: Callable, tasks: list[tuple]) -> Iterator:
        """Start ``fn(*t)`` for each ``t`` in ``tasks``; the results, in order.

        The tasks are pickled in a background thread: nothing in them may change after
        this call (send copies of what this process goes on using).
        """
        if self.jobs <= 1 or not tasks:
            return (fn(*t) for t in tasks)
        from joblib import Parallel, delayed

        batch = Parallel(n_jobs=self.jobs, return_as="generator")(
            delayed(_in_worker)(fn, *t) for t in tasks
        )
        self._open.append(batch)
        return batch

    def finish(self) -> None:
        """Collect the warm-up (after the real work)."""
        for _ in self._warm:
            pass

    def close(self) -> None:
        """Stop the batches still running (after a failure)."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # joblib counts the tasks it cancels
            for batch in self._open:
                batch.close()


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


def _write_contents(tmp: Path, claims, claims_path, *, run: _Runner, **options) -> list[str]:
    """Write figures, tables, report.md and report.html into ``tmp``; return the warnings.

    Each fitted quantity is a task on ``run`` (fit, tables, texts and its two figures;
    :func:`_section_task`); the fits the projection needs go first, so that this process
    computes the projection while the workers do the rest, and the projection's figures
    are tasks too. This process writes the claims tables, the projection's tables and
    the text. Markdown that depends on the warnings (settled at the end, in the
    report's order) is a function called then. ``options`` are :func:`_write`'s
    keywords.
    """
    met = _Warnings()
    try:
        return _write(tmp, claims, claims_path, run=run, met=met, **options)
    except BaseException:
        run.close()
        raise
    finally:
        met.settle()  # what was met before a failure is passed on, too


def _write(
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
    run: _Runner,
    met: _Warnings,
) -> list[str]:
    from . import plot
    from .quantities import describe

    md: list = []  # text, or a function giving the text (or None) once warnings are settled
    numbered = [0]
    placed: list[tuple[int, str]] = []  # (warnings step, stem) of each figure in the text
    caught: dict[str, list] = {}  # stem -> the warnings met drawing it
    drawing: list[tuple[list[str], Iterator]] = []  # figures sent to be drawn
    (tmp / "figures").mkdir()
    (tmp / "tables").mkdir()

    def figure(stem: str, alt: str, caption: str) -> None:
        """Place a figure (drawn by a task) with its caption under it."""
        placed.append((met.step(), stem))
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

    # -- the fits start first: they take longest -------------------------------------------
    fitted: dict[str, list] = {}
    for q in sorted({c.quantity for c in claims}):
        mine = [c for c in independent(claims) if c.quantity == q]
        if {c.kind for c in mine} & {"rate", "total"}:
            fitted[q] = mine
    shared_q = {r: q for q, r in roles.items() if q in fitted}  # role -> quantity
    # The fits the projection needs are sent first and alone (their sections follow once
    # they are in), then the other quantities in the report's order (so the progress
    # lines follow the work); the projection's figures, sent last, even out the end.
    early = [shared_q[r] for r in sorted(shared_q)] if assumptions and len(shared_q) == 2 else []
    later = [q for q in fitted if q not in early]

    def task(q: str, fitted_q: tuple | None = None) -> tuple:
        """The arguments of ``q``'s section task."""
        if q in roles:
            start, q_until = first, until
        else:
            start, q_until = None, until
            if own_horizons:
                q_until = dt.date(max(c.end for c in fitted[q]).year + 1, 12, 31)
        return (claims, q, fitted[q], start, q_until, seed, tmp, fitted_q)

    fitting = run.submit(_recorded, [(_fit_task, claims, q, first, until, seed) for q in early])
    batches = [(later, run.submit(_section_task, [task(q) for q in later]))]
    arrived: dict[str, _Section] = {}

    def section(q: str) -> _Section:
        """The fitted section of ``q`` (waiting for it and for those sent before it)."""
        names, batch = next((names, b) for names, b in batches if q in names)
        while q not in arrived:
            got = next(batch)
            arrived[got.quantity] = got
            caught.update(got.figure_warnings)
        return arrived[q]

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

    # -- the projection, as soon as its fits are in (the workers fit the rest) --------------
    def projection(shared: dict | None) -> _Projected:
        from .projection import project
        from .sensitivity import sensitivity

        say(f"projecting with {draws:,} draws")
        proj, met_projecting = _recorded(
            project,
            claims,
            assumptions,
            until,
            scenarios="all",
            draws=draws,
            seed=seed,
            fits=shared,
        )
        out = _Projected(proj, met_projecting, proj.table(), sensitivity(proj))
        # The figures read only daily quantiles and the sensitivity table: they are
        # drawn now, while this process writes the rest.
        drawn = _Quantiles.of(proj, ("reserve", "attrition", "deficit"))
        single, wide = ("single",), ("double", 3.6)
        jobs = [
            ("projection_reserve", single, partial(plot.plot_projection, drawn, "reserve")),
            ("projection_attrition", single, partial(plot.plot_projection, drawn, "attrition")),
            ("scenarios_reserve", single, partial(plot.plot_scenarios, drawn, "reserve", until)),
            ("projection_deficit", single, partial(plot.plot_projection, drawn, "deficit")),
            ("sensitivity", wide, partial(plot.plot_sensitivity, out.sensitivity.copy())),
        ]
        tasks = [(_figure_task, draw, size, _paths(tmp, stem)) for stem, size, draw in jobs]
        stems = [stem for stem, _, _ in jobs]
        drawing.append((stems, run.submit(_recorded, tasks)))
        return out

    projected = None
    if early:
        prefit = dict(zip(early, fitting, strict=True))
        # Copies: the projection fills the fits' caches while the tasks are pickled.
        sent = {q: (dataclasses.replace(f), w) for q, (f, w) in prefit.items()}
        batches.append((early, run.submit(_section_task, [task(q, sent[q]) for q in early])))
        projected = projection({r: prefit[q][0] for r, q in shared_q.items()})

    # -- fits ------------------------------------------------------------------------------
    md.append("## Fitted quantities\n")
    for q, mine in fitted.items():
        name = describe(q)
        say(f"fitting {q}")
        sec = section(q)
        step = met.step()
        met.fill(step, sec.fit_warnings)
        md.append(f"### {name.label}\n")
        about = f"Quantity `{q}`" + (f", counted in {name.unit}" if name.unit else "")
        md.append((f"{name.definition} " if name.definition else "") + about + ".\n")
        md.append(partial(_fit_warnings_note, met, step))
        md.append("```\n" + sec.summary + "\n```\n")
        md.append(sec.estimate + "\n")
        md.extend(sec.targets)
        met.fill(met.step(), sec.other_warnings, listed=False)
        targets = [c for c in mine if c.kind == "target"]
        unit = name.unit or "count"
        figure(
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
        figure(
            f"cumulative_{q}",
            f"{name.label}: cumulative total",
            f"{name.label} counted from {sec.start:%-d %b %Y} ({unit}): posterior median "
            "with 50% and 90% intervals"
            + (
                "; each target is a dotted line at the pace it needs over its window, "
                "ending in a hollow diamond, with the probability that the window's total "
                "reaches it (the same number as in the text above)"
                if targets
                else ""
            )
            + ".",
        )
    if not fitted:
        raise DataError(f"{claims_path}: no quantity has rate or total claims to fit")

    # -- projections -----------------------------------------------------------------------
    if assumptions is not None:
        proj, met_projecting, table, sens = projected or projection(None)
        met.fill(met.step(), met_projecting)
        table.to_csv(tmp / "tables" / "projection.csv", index=False)
        md.append("## Projections\n")
        md.append(
            f"Stock-flow Monte Carlo from {assumptions.start} to {until} with the "
            f"assumptions in `{assumptions_path}` (ranges and sources: "
            "docs/assumptions.md), baseline and scenarios on common random numbers. "
            + (
                "The projection draws its paths from the fits above, so each target's "
                "P(reached) below is the same number as in its section."
                if len(shared_q) == 2
                else "The claims lack a fit of "
                + " and ".join(q for q, r in roles.items() if r not in shared_q)
                + ", so the projection fits on its own."
            )
            + "\n"
        )
        md.append("```\n" + str(proj.summary()) + "\n```\n")
        for var in ("reserve", "attrition"):
            label, unit, definition = plot._quantity(var)
            figure(
                f"projection_{var}",
                f"{label} by scenario",
                f"{label} ({unit}): {definition}. One line per scenario (median); the band "
                "is the baseline's 50% and 90% interval.",
            )
        label, unit, definition = plot._quantity("reserve")
        figure(
            "scenarios_reserve",
            f"{label} on {until} by scenario",
            f"{label} on {until} ({unit}) by scenario: bar 50% interval, line 90% interval, "
            "marker median.",
        )
        _stock_sections(proj, sens, tmp, md, figure)

    # -- figures, warnings and reproducibility -------------------------------------------
    say(f"drawing {numbered[0]} figures")
    for stems, batch in drawing:
        for stem, (_, met_drawing) in zip(stems, batch, strict=True):
            caught[stem] = met_drawing
    for step, stem in placed:
        met.fill(step, caught[stem])
    met.settle()
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
    text = "\n".join(t for t in (p() if callable(p) else p for p in md) if t is not None) + "\n"
    (tmp / "report.md").write_text(text, encoding="utf-8")
    (tmp / "report.html").write_text(_html(text, tmp), encoding="utf-8")
    return list(met.texts)


def _fit_warnings_note(met: _Warnings, step: int) -> str | None:
    """The line under a fit's heading saying how many warnings it met first, if any."""
    new = met.new(step)
    if not new:
        return None
    return (
        f"This fit met {len(new)} warning{'s' if len(new) > 1 else ''}, listed under "
        "Warnings below.\n"
    )


def _pretty_stock(v: str) -> str:
    return {"front": "front strength change"}.get(v, v.replace("_", " ")) + " (median)"


def _stock_sections(proj, sens, folder: Path, md: list[str], figure) -> None:
    """Append the reserve, front and deficit and the sensitivity (``sens``, from
    :func:`trends.sensitivity.sensitivity`) to ``md``; write
    ``tables/reserve_outlook.csv`` and ``tables/sensitivity.csv`` into ``folder`` and
    place two figures with ``figure`` (the report's helper: it places a figure, drawn
    by a task, with its caption)."""
    import pandas as pd

    from .model import qcol

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
        "projection_deficit",
        "front deficit by scenario",
        "Front deficit (people): the front's unmet need once the reserve is empty, by "
        "scenario; median line, the baseline's 50% and 90% interval as the band.",
    )

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
        "sensitivity",
        "first-order sensitivity of the stocks",
        f"First-order sensitivity of the stocks on {until} to each assumption and to the "
        "two flow paths (share of each stock's variance).",
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
