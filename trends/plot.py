"""Figures for papers: claims, fitted rates, cumulative totals, projections, validation.

Every plotting function takes ``ax=None`` and returns the :class:`~matplotlib.axes.Axes`
it drew on; without an ``ax`` it makes a one-column figure with :func:`figure`. Nothing
here calls ``plt.show()`` or chooses a backend. The artists are drawn in the paper style
(:data:`STYLE`, ``trends.styles.paper``: sans-serif 7-8 pt, thin spines, light grid, the
Okabe-Ito palette) unless ``style=`` says otherwise (None: the current settings). Make
your own figures with :func:`figure` or inside ``plt.style.context(STYLE)`` so their
ticks match. :func:`save_figure` writes PDF, SVG or PNG (300 dpi), byte for byte the
same on every run, atomically.

Colour is never the only cue: sources differ by marker as well, scenarios and methods by
line style or hatch, repeats are dashed and faint, targets dotted with hollow markers.
Artists carry ``gid`` names (``claim:<id>``, ``band:50``, ``median`` ...), which also
become element ids in SVG output.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import math
import os
import textwrap
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from .claims import Claim, independent
from .errors import DataError
from .files import atomic_write_bytes
from .observe import observe
from .styles import PAPER as STYLE
from .units import MEAN_PERIOD_DAYS, PERIODS, as_date

__all__ = [
    "COLUMN_WIDTH",
    "DOUBLE_WIDTH",
    "STYLE",
    "COLORS",
    "figure",
    "save_figure",
    "implied_rates",
    "plot_claims",
    "plot_fit",
    "plot_cumulative",
    "plot_projection",
    "plot_scenarios",
    "plot_calibration",
    "plot_pit",
    "plot_backtest",
    "plot_backtest_series",
    "plot_backtest_pit",
    "plot_sensitivity",
]

#: One journal column, inches.
COLUMN_WIDTH = 3.5
#: Two journal columns (full page width), inches.
DOUBLE_WIDTH = 7.0
_HEIGHTS = {"single": 2.4, "double": 2.8}

#: Okabe-Ito colours for sources, scenarios and methods (yellow last: weak on white;
#: black is left to the fit).
COLORS: tuple[str, ...] = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
)
_LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1, 1, 1)), (0, (1, 2)))
_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "h")
_HATCHES = ("", "////", "....", "xxxx", "\\\\\\\\", "++++", "oo")
_FIT = "#222222"  # the posterior (median line; bands are its tints)
_GREY = "#777777"
_REPEAT_ALPHA = 0.3
_FORMATS = {".pdf": "pdf", ".svg": "svg", ".png": "png"}
_METADATA = {
    "pdf": {"CreationDate": None, "ModDate": None},
    "svg": {"Date": None},
    "png": {"Software": None},
}
_DPI = 300
# Settings read when a file is written: TrueType in PDF, outlines and fixed ids in SVG.
_REPRODUCIBLE = {"pdf.fonttype": 42, "svg.fonttype": "path", "svg.hashsalt": "trends"}


# ---- figures and files --------------------------------------------------------------------
def _style(style):
    """Context drawing in ``style`` (a style name, dict or list; None: as is)."""
    if style is None:
        return contextlib.nullcontext()
    import matplotlib.style

    return matplotlib.style.context(style)


def figure(width: str | float = "single", height: float | None = None, *, style=STYLE):
    """A new figure with one Axes, in the paper style.

    Parameters
    ----------
    width : {"single", "double"} or float
        One column (:data:`COLUMN_WIDTH`, 3.5 in), two columns (:data:`DOUBLE_WIDTH`,
        7 in) or a width in inches.
    height : float, optional
        Inches; defaults to 2.4 (single) or 2.8 (double and custom widths).
    style : str, dict, list or None
        Matplotlib style the figure is made in (default the paper style); None for the
        current settings.

    Returns
    -------
    fig : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt

    if isinstance(width, str):
        widths = {"single": COLUMN_WIDTH, "double": DOUBLE_WIDTH}
        if width not in widths:
            raise DataError(f"figure width {width!r}: use 'single', 'double' or inches")
        w, h = widths[width], _HEIGHTS[width]
    else:
        w, h = float(width), _HEIGHTS["double"]
    with _style(style):
        fig, ax = plt.subplots(figsize=(w, h if height is None else float(height)))
    return fig, ax


def save_figure(fig, path: str | os.PathLike) -> None:
    """Write a figure as PDF, SVG or PNG (by suffix), reproducibly and atomically.

    The file is the same byte for byte on every run: no dates, no software version in
    PNG, fixed SVG ids. PDF embeds TrueType fonts (``pdf.fonttype`` 42), SVG draws text
    as paths, PNG is 300 dpi. The figure is rendered in memory first and written through
    a temporary file and a rename, so a failure leaves no half file behind.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    path : path-like
        Ends in ``.pdf``, ``.svg`` or ``.png``; its folder must exist.

    Raises
    ------
    DataError
        For any other suffix.
    """
    import matplotlib

    path = Path(path)
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise DataError(
            f"cannot save a figure as {path.name!r}: use a .pdf, .svg or .png file name"
        )
    buf = io.BytesIO()
    with matplotlib.rc_context(_REPRODUCIBLE):
        # Settle the layout first: the first draw of a constrained layout can move the
        # axes in the last bit, which changes SVG clip-path ids between saves.
        fig.draw_without_rendering()
        fig.savefig(
            buf,
            format=fmt,
            dpi=_DPI,
            metadata=dict(_METADATA[fmt]),
            bbox_inches="tight",
            pad_inches=0.02,
            facecolor="white",
        )
    atomic_write_bytes(path, buf.getvalue())


# ---- helpers ------------------------------------------------------------------------------
def _axes(ax, style):
    if ax is None:
        _, ax = figure(style=style)
    return ax


def _pretty(name: str) -> str:
    text = str(name).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _short(text: str, n: int = 26) -> str:
    text = " ".join(str(text).split()) or "(no source)"
    return text if len(text) <= n else text[: n - 1].rstrip() + "\u2026"


def _number(x: float, pos=None) -> str:
    """Tick label with thousands separators; decimals only where a tick needs them."""
    if not math.isfinite(x):
        return ""
    if abs(x - round(x)) < 1e-9 * max(1.0, abs(x)):
        return f"{round(x):,}".replace("-", "\u2212")
    text = f"{x:,.3f}".rstrip("0").rstrip(".")
    return text.replace("-", "\u2212")


def _count_axis(axis) -> None:
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(_number))


def _date_axis(ax) -> None:
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

    locator = AutoDateLocator(minticks=3, maxticks=7)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))


def _day(d) -> np.datetime64:
    if isinstance(d, np.datetime64):
        return d.astype("datetime64[D]")
    if hasattr(d, "date") and callable(d.date):  # datetime, pandas.Timestamp
        d = d.date()
    return np.datetime64(d, "D")


def _days(index) -> np.ndarray:
    return np.array([_day(d) for d in index], dtype="datetime64[D]")


_HALF_DAY = np.timedelta64(12, "h")
_ONE_DAY = np.timedelta64(1, "D")


def _check_per(per: str) -> None:
    if per not in MEAN_PERIOD_DAYS:
        raise DataError(f"unknown period {per!r}; use one of {', '.join(PERIODS)}")


def _legend(ax, handles, labels, ncol: int | None = None, **kw):
    """A legend centred under the axes (clear of the date labels), or as ``kw`` say."""
    if not handles:
        return None
    ncol = ncol or (1 if len(handles) <= 2 else 2)
    options = {
        "loc": "upper center",
        "bbox_to_anchor": (0.0, 0.0, 1.0, 0.0),
        "ncol": ncol,
        "borderaxespad": 2.1,  # in font sizes: below the tick labels
        "handler_map": {tuple: _tuple_handler()},
    }
    options.update(kw)
    return ax.legend(handles, labels, **options)


def _tuple_handler():
    from matplotlib.legend_handler import HandlerTuple

    return HandlerTuple(ndivide=None, pad=0.25)


def _bands(ax, x, table, color, *, label: bool = True, alpha=(0.16, 0.34), gid: str = ""):
    """The 90% and 50% bands as two fill_between collections (90% first, under)."""
    a90, a50 = alpha
    suffix = f":{gid}" if gid else ""
    b90 = ax.fill_between(
        x,
        table["q05"].to_numpy(float),
        table["q95"].to_numpy(float),
        color=color,
        alpha=a90,
        linewidth=0,
        label="90% interval" if label else "_nolegend_",
        zorder=1,
    )
    b90.set_gid(f"band:90{suffix}")
    b50 = ax.fill_between(
        x,
        table["q25"].to_numpy(float),
        table["q75"].to_numpy(float),
        color=color,
        alpha=a50,
        linewidth=0,
        label="50% interval" if label else "_nolegend_",
        zorder=1.1,
    )
    b50.set_gid(f"band:50{suffix}")
    return b50, b90


# ---- claims -------------------------------------------------------------------------------
def implied_rates(claims: Iterable[Claim], quantity: str | None = None, *, per: str = "week"):
    """Each rate, total and target claim as the mean rate it implies over its window.

    Parameters
    ----------
    claims : iterable of Claim
    quantity : str, optional
        Keep only these claims; needed when the claims are about several quantities.
    per : str
        Express rates per ``day``, ``week``, ``month``, ``quarter`` or ``year`` (mean
        lengths, as :meth:`trends.model.RateFit.rate`).

    Returns
    -------
    pandas.DataFrame
        One row per claim in input order (stock claims left out: a level is no rate);
        columns ``id, quantity, kind, source, start, end, days, rate, rate_low,
        rate_high`` (count per ``per``; low/high from the hedge) and ``repeat`` (True
        for a claim counted once through its original, see
        :func:`trends.claims.independent`).

    Raises
    ------
    DataError
        With claims about several quantities and no ``quantity``.
    """
    import pandas as pd

    _check_per(per)
    claims = list(claims)
    if quantity is None:
        found = sorted({c.quantity for c in claims})
        if len(found) > 1:
            raise DataError(
                f"the claims are about {len(found)} quantities ({', '.join(found)}); "
                "name one with quantity="
            )
    else:
        claims = [c for c in claims if c.quantity == quantity]
    counted = {c.id for c in independent(claims)}
    scale = float(MEAN_PERIOD_DAYS[per])
    rows = []
    for c in claims:
        if c.kind == "stock":
            continue
        o = observe(c)
        f = scale / o.days
        rows.append(
            {
                "id": c.id,
                "quantity": c.quantity,
                "kind": c.kind,
                "source": c.source,
                "start": o.start,
                "end": o.end,
                "days": o.days,
                "rate": o.total_mid * f,
                "rate_low": o.total_low * f,
                "rate_high": o.total_high * f,
                "repeat": c.id not in counted,
            }
        )
    columns = [
        "id",
        "quantity",
        "kind",
        "source",
        "start",
        "end",
        "days",
        "rate",
        "rate_low",
        "rate_high",
        "repeat",
    ]
    return pd.DataFrame(rows, columns=columns)


def _draw_claims(ax, table, *, by: str = "source"):
    """Draw implied-rate segments; return legend (handles, labels)."""
    from matplotlib.lines import Line2D

    groups: dict[str, int] = {}
    for name in table[by]:
        groups.setdefault(name, len(groups))
    any_repeat = any_target = False
    for row in table.itertuples(index=False):
        i = groups[getattr(row, by)]
        color, marker = COLORS[i % len(COLORS)], _MARKERS[i % len(_MARKERS)]
        start, end = _day(row.start), _day(row.end) + _ONE_DAY
        mid = start.astype("datetime64[h]") + np.timedelta64(int(row.days) * 12, "h")
        x = np.array([start, mid, end], dtype="datetime64[h]")
        y = [row.rate] * 3
        target = row.kind == "target"
        repeat = bool(row.repeat)
        any_repeat |= repeat
        any_target |= target and not repeat
        kind = "repeat" if repeat else ("target" if target else "claim")
        alpha = _REPEAT_ALPHA if repeat else 1.0
        (seg,) = ax.plot(
            x,
            y,
            color=color,
            alpha=alpha,
            linewidth=1.0 if repeat else 1.6,
            linestyle=":" if target else ("--" if repeat else "-"),
            marker=marker,
            markevery=[1],
            markersize=4,
            markerfacecolor="white" if target else color,
            markeredgecolor=color,
            solid_capstyle="butt",
            dash_capstyle="butt",
            zorder=3,
            label="_nolegend_",
        )
        seg.set_gid(f"{kind}:{row.id}")
        if not repeat:
            (hedge,) = ax.plot(
                [mid, mid],
                [row.rate_low, row.rate_high],
                color=color,
                linestyle="-",
                linewidth=0.8,
                marker="_",
                markersize=4,
                markeredgewidth=0.8,
                zorder=2.9,
                label="_nolegend_",
            )
            hedge.set_gid(f"hedge:{row.id}")
        if target and not repeat:
            text = ax.annotate(
                "target",
                (mid, row.rate),
                xytext=(0, 4),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=6,
                fontstyle="italic",
                color=color,
            )
            text.set_gid(f"label:{row.id}")
    handles, labels = [], []
    for name, i in groups.items():
        handles.append(
            Line2D(
                [],
                [],
                color=COLORS[i % len(COLORS)],
                marker=_MARKERS[i % len(_MARKERS)],
                markersize=4,
                linewidth=1.6,
            )
        )
        labels.append(_short(name))
    if any_target:
        handles.append(
            Line2D(
                [],
                [],
                color=_GREY,
                linestyle=":",
                marker="o",
                markerfacecolor="white",
                markersize=4,
                linewidth=1.6,
            )
        )
        labels.append("target")
    if any_repeat:
        handles.append(
            Line2D([], [], color=_GREY, linestyle="--", alpha=_REPEAT_ALPHA + 0.1, linewidth=1)
        )
        labels.append("repeat (counted once)")
    return handles, labels


def plot_claims(
    claims: Iterable[Claim],
    quantity: str | None = None,
    *,
    per: str = "week",
    by: str = "source",
    ax=None,
    style=STYLE,
):
    """Each claim as the mean rate it implies over its window.

    A claim is a horizontal segment over its window (inclusive days) at its implied
    rate, total / days x period length, with a marker at the window's middle and a
    vertical whisker for its hedge range (e.g. "nearly 8,000" spans 7,200-8,000).
    Colour and marker name the source (legend). Repeats (counted once, see
    :func:`trends.claims.independent`) are faint and dashed, targets dotted with a
    hollow marker and the word "target". Stock claims (levels, not rates) are left out.

    Parameters
    ----------
    claims : iterable of Claim
    quantity : str, optional
        Which quantity; needed when the claims are about several.
    per : str
        Rate unit on the y axis: ``day``, ``week``, ``month``, ``quarter``, ``year``.
    by : str
        Claim attribute that picks colour and marker: ``source`` or ``attributed_to``.
    ax : matplotlib.axes.Axes, optional
    style : str, dict, list or None
        Matplotlib style the artists are drawn in: the paper style by default, None for
        the current settings (e.g. another font: ``[STYLE, {"font.sans-serif": ...}]``).

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    DataError
        With no rate, total or target claim to draw.
    """
    table = implied_rates(claims, quantity, per=per)
    if table.empty:
        raise DataError(
            f"no rate, total or target claims{' about ' + quantity if quantity else ''} to draw"
        )
    ax = _axes(ax, style)
    with _style(style):
        handles, labels = _draw_claims(ax, table, by=by)
        _finish_rate_axes(ax, str(table["quantity"].iloc[0]), per)
        _legend(ax, handles, labels)
    return ax


def _finish_rate_axes(ax, quantity: str, per: str) -> None:
    ax.set_ylabel(f"{_pretty(quantity)} per {per}")
    ax.set_ylim(bottom=0)
    _count_axis(ax.yaxis)
    _date_axis(ax)


# ---- fits ---------------------------------------------------------------------------------
def plot_fit(
    fit,
    claims: Iterable[Claim] | None = None,
    *,
    per: str = "week",
    ax=None,
    forecast_from: dt.date | None = None,
    color: str = _FIT,
    style=STYLE,
):
    """The posterior rate: median line with 50% and 90% bands, over the claims.

    Parameters
    ----------
    fit : trends.model.RateFit
    claims : iterable of Claim, optional
        Drawn under the fit as by :func:`plot_claims` (those about ``fit.quantity``).
    per : str
        Rate unit on the y axis (``day``, ``week``, ``month``, ``quarter``, ``year``).
    ax : matplotlib.axes.Axes, optional
    style : str, dict, list or None
        Matplotlib style the artists are drawn in: the paper style by default, None for
        the current settings (e.g. another font: ``[STYLE, {"font.sans-serif": ...}]``).
    forecast_from : datetime.date, optional
        First day of the forecast; defaults to the day after the last fitted claim's
        window. From there the median is dashed and a thin vertical line marks the start.
    color : str
        Colour of the median and (as tints) the bands.

    Returns
    -------
    matplotlib.axes.Axes
    """
    _check_per(per)
    table = fit.rate(per=per)
    x = _days(table.index) + _HALF_DAY  # a day's rate at its middle
    if forecast_from is None:
        last = max((o.end for o in fit.observations), default=fit.end)
        forecast_from = last + dt.timedelta(days=1)
    forecast_from = as_date(forecast_from)
    k = int(np.searchsorted(x, _day(forecast_from) + _HALF_DAY))
    ax = _axes(ax, style)
    with _style(style):
        handles, labels = [], []
        if claims is not None:
            rates = implied_rates(claims, fit.quantity, per=per)
            if not rates.empty:
                handles, labels = _draw_claims(ax, rates)
        b50, b90 = _bands(ax, x, table, color)
        median = table["q50"].to_numpy(float)
        (line,) = ax.plot(
            x[: k + 1] if k < len(x) else x,
            median[: k + 1] if k < len(x) else median,
            color=color,
            linestyle="-",
            linewidth=1.2,
            zorder=2.5,
            label="median",
        )
        line.set_gid("median")
        fit_handles = [line, (b50, b90)]
        fit_labels = ["median", "50%, 90% intervals"]
        if 0 < k < len(x):
            (ahead,) = ax.plot(
                x[k:],
                median[k:],
                color=color,
                linewidth=1.2,
                linestyle="--",
                zorder=2.5,
                label="forecast",
            )
            ahead.set_gid("median:forecast")
            edge = ax.axvline(
                _day(forecast_from), color=_GREY, linewidth=0.6, linestyle=":", zorder=0.5
            )
            edge.set_gid("forecast-start")
            ax.annotate(
                "forecast",
                (_day(forecast_from), 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(2, -2),
                textcoords="offset points",
                ha="left",
                va="top",
                fontsize=6,
                color=_GREY,
            )
        _finish_rate_axes(ax, fit.quantity, per)
        _legend(ax, fit_handles + handles, fit_labels + labels)
    return ax


def _targets(fit, targets) -> list[tuple[dt.date, float, str, dt.date | None]]:
    out = []
    claims = [t for t in targets if isinstance(t, Claim)]
    counted = {c.id for c in independent(claims)}
    for t in targets:
        if isinstance(t, Claim):
            if t.kind != "target" or t.quantity != fit.quantity or t.id not in counted:
                continue
            start, end = t.window
            label = f"target {t.value:,.0f}"
            if fit.origin <= start and end <= fit.end:
                p = fit.total(start, end).p_at_least(t.value)
                label += f"\nP(reached) = {p:.2f}"
            out.append((end, float(t.value), label, start))
        else:
            date, value, *rest = t
            out.append((as_date(date), float(value), str(rest[0]) if rest else "", None))
    return out


def plot_cumulative(fit, *, start: dt.date | None = None, targets=(), ax=None, style=STYLE):
    """Cumulative total from ``start`` with 50% and 90% bands to the end of the grid.

    Parameters
    ----------
    fit : trends.model.RateFit
    start : datetime.date, optional
        First day counted; defaults to the first target claim's window start, else the
        first day of the fit.
    targets : iterable
        Target claims (``kind == "target"`` about ``fit.quantity``; repeats and other
        claims are skipped) or ``(date, value, label)`` tuples. Each is a hollow
        diamond at the end of its window with its value and, for a claim inside the fit,
        the posterior probability that the window's total reaches it.
    ax : matplotlib.axes.Axes, optional
    style : str, dict, list or None
        Matplotlib style the artists are drawn in: the paper style by default, None for
        the current settings (e.g. another font: ``[STYLE, {"font.sans-serif": ...}]``).

    Returns
    -------
    matplotlib.axes.Axes
    """
    marks = _targets(fit, list(targets))
    if start is None:
        starts = [s for *_, s in marks if s is not None and s >= fit.origin]
        start = min(starts, default=fit.origin)
    start = as_date(start)
    table = fit.cumulative(start=start)
    x = _days(table.index) + _ONE_DAY  # the total through a day, at its end
    ax = _axes(ax, style)
    with _style(style):
        b50, b90 = _bands(ax, x, table, _FIT)
        (line,) = ax.plot(
            x,
            table["q50"].to_numpy(float),
            color=_FIT,
            linestyle="-",
            linewidth=1.2,
            label="median",
        )
        line.set_gid("median")
        handles, labels = [line, (b50, b90)], ["median", "50%, 90% intervals"]
        for n, (date, value, label, t_start) in enumerate(marks):
            if t_start is not None and t_start != start:
                label += f"\n(from {t_start:%-d %b %Y})"
            xd = _day(date) + _ONE_DAY
            (mark,) = ax.plot(
                [xd],
                [value],
                linestyle="none",
                marker="D",
                markersize=4.5,
                markerfacecolor="white",
                markeredgecolor=COLORS[5],
                markeredgewidth=1.0,
                zorder=4,
                label="_nolegend_",
            )
            mark.set_gid(f"target:{n}")
            if label:
                ax.annotate(
                    label,
                    (xd, value),
                    xytext=(-5, 3),
                    textcoords="offset points",
                    ha="right",
                    va="bottom",
                    fontsize=6,
                    color=COLORS[5],
                    linespacing=1.1,
                )
        if marks:
            from matplotlib.lines import Line2D

            handles.append(
                Line2D(
                    [],
                    [],
                    linestyle="none",
                    marker="D",
                    markersize=4.5,
                    markerfacecolor="white",
                    markeredgecolor=COLORS[5],
                )
            )
            labels.append("target")
        ax.set_ylabel(f"{_pretty(fit.quantity)} since {start:%-d %b %Y}")
        ax.set_ylim(bottom=0)
        _count_axis(ax.yaxis)
        _date_axis(ax)
        _legend(
            ax, handles, labels, loc="upper left", bbox_to_anchor=None, ncol=1, borderaxespad=0.3
        )
    return ax


# ---- projections --------------------------------------------------------------------------
def _scenarios(projection, scenarios) -> list[str]:
    known = list(projection.scenarios)
    chosen = known if scenarios is None else list(scenarios)
    unknown = [s for s in chosen if s not in known]
    if unknown:
        raise DataError(
            f"unknown scenario{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}; "
            f"the projection has {', '.join(known)}"
        )
    return chosen


def _check_variable(projection, variable: str) -> None:
    if variable not in list(projection.variables):
        raise DataError(
            f"the projection has no variable {variable!r}; it has {', '.join(projection.variables)}"
        )


def plot_projection(
    projection,
    variable: str,
    *,
    scenarios: Sequence[str] | None = None,
    ax=None,
    style=STYLE,
):
    """Projected ``variable`` over time: per scenario a median line with 50%/90% fans.

    Parameters
    ----------
    projection : trends.projection.Projection
        Anything with ``scenarios``, ``variables`` and
        ``quantiles(variable, scenario) -> DataFrame`` (index date; ``mean, q05 ...
        q95``).
    variable : str
    scenarios : sequence of str, optional
        Which scenarios, in drawing order; all by default (baseline first). Each has its
        own colour and line style; the first has the full fan, the others lighter tints
        (to compare many scenarios at one date, see :func:`plot_scenarios`).
    ax : matplotlib.axes.Axes, optional
    style : str, dict, list or None
        Matplotlib style the artists are drawn in: the paper style by default, None for
        the current settings (e.g. another font: ``[STYLE, {"font.sans-serif": ...}]``).

    Returns
    -------
    matplotlib.axes.Axes
    """
    from matplotlib.patches import Patch

    _check_variable(projection, variable)
    names = _scenarios(projection, scenarios)
    ax = _axes(ax, style)
    with _style(style):
        handles, labels = [], []
        for i, name in enumerate(names):
            table = projection.quantiles(variable, scenario=name)
            x = _days(table.index)
            color = COLORS[i % len(COLORS)]
            # The first scenario (baseline) carries the full fan; the others are lighter
            # tints so overlapping fans stay readable (plot_scenarios compares them).
            alpha = (0.16, 0.34) if i == 0 else (0.07, 0.16)
            _bands(ax, x, table, color, label=False, alpha=alpha, gid=name)
            (line,) = ax.plot(
                x,
                table["q50"].to_numpy(float),
                color=color,
                linestyle=_LINESTYLES[i % len(_LINESTYLES)],
                linewidth=1.3,
                zorder=3,
                label=name,
            )
            line.set_gid(f"median:{name}")
            handles.append(line)
            labels.append(_pretty(name))
        handles.append(
            (
                Patch(facecolor=_GREY, alpha=0.5, linewidth=0),
                Patch(facecolor=_GREY, alpha=0.22, linewidth=0),
            )
        )
        labels.append("50%, 90% intervals")
        ax.set_ylabel(_pretty(variable))
        _count_axis(ax.yaxis)
        _date_axis(ax)
        _legend(ax, handles, labels)
    return ax


def plot_scenarios(projection, variable: str, date, ax=None, *, style=STYLE):
    """The scenarios side by side at one date: 90% line, 50% bar, median tick.

    Parameters
    ----------
    projection : trends.projection.Projection
    variable : str
    date : datetime.date or str
        The last projected date on or before it is shown (named on the x axis).
    ax : matplotlib.axes.Axes, optional
    style : str, dict, list or None
        Matplotlib style the artists are drawn in: the paper style by default, None for
        the current settings (e.g. another font: ``[STYLE, {"font.sans-serif": ...}]``).

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    DataError
        When ``date`` is before the projection starts.
    """
    _check_variable(projection, variable)
    names = list(projection.scenarios)
    want = _day(as_date(date))
    ax = _axes(ax, style)
    with _style(style):
        used = None
        for i, name in enumerate(names):
            table = projection.quantiles(variable, scenario=name)
            x = _days(table.index)
            j = int(np.searchsorted(x, want, side="right")) - 1
            if j < 0:
                raise DataError(
                    f"{date} is before the projection starts ({x[0]}); pick a date in "
                    f"{x[0]}..{x[-1]}"
                )
            used = x[j]
            row = table.iloc[j]
            color = COLORS[i % len(COLORS)]
            (l90,) = ax.plot(
                [i, i],
                [row["q05"], row["q95"]],
                color=color,
                linestyle="-",
                linewidth=1.0,
                solid_capstyle="butt",
            )
            l90.set_gid(f"interval:90:{name}")
            (l50,) = ax.plot(
                [i, i],
                [row["q25"], row["q75"]],
                color=color,
                linestyle="-",
                linewidth=6,
                solid_capstyle="butt",
                alpha=0.6,
            )
            l50.set_gid(f"interval:50:{name}")
            (med,) = ax.plot(
                [i],
                [row["q50"]],
                linestyle="none",
                marker=_MARKERS[i % len(_MARKERS)],
                markersize=4.5,
                markerfacecolor="white",
                markeredgecolor=color,
                markeredgewidth=1.0,
                zorder=3,
            )
            med.set_gid(f"median:{name}")
        ax.set_xticks(range(len(names)), [textwrap.fill(_pretty(n), 12) for n in names])
        ax.set_xlim(-0.6, len(names) - 0.4)
        ax.grid(False, axis="x")
        ax.set_xlabel(f"Scenario (on {as_date(used):%-d %b %Y})")
        ax.set_ylabel(_pretty(variable))
        _count_axis(ax.yaxis)
        ax.text(
            1.0,
            1.0,
            "bar 50%, line 90%, marker median",
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            fontsize=6,
            color=_GREY,
        )
    return ax


# ---- validation ---------------------------------------------------------------------------
def _need(table, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise DataError(
            f"{what}: the table lacks column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)} (it has {', '.join(map(str, table.columns))})"
        )


def plot_calibration(table, ax=None, *, style=STYLE):
    """Interval coverage by window against the nominal levels.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns ``window`` (label), ``level`` (nominal, e.g. 0.5 and 0.9),
        ``coverage`` (fraction of intervals containing the truth) and ``se`` (its
        standard error). Points carry +-1.96 se error bars; dashed lines mark each
        nominal level in its colour.
    ax : matplotlib.axes.Axes, optional
    style : str, dict, list or None
        Matplotlib style the artists are drawn in: the paper style by default, None for
        the current settings (e.g. another font: ``[STYLE, {"font.sans-serif": ...}]``).

    Returns
    -------
    matplotlib.axes.Axes
    """
    from matplotlib.lines import Line2D
    from matplotlib.ticker import PercentFormatter

    _need(table, ("window", "level", "coverage", "se"), "plot_calibration")
    windows = list(dict.fromkeys(table["window"].astype(str)))
    levels = sorted(set(table["level"].astype(float)))
    ax = _axes(ax, style)
    with _style(style):
        width = 0.3 if len(levels) > 1 else 0.0
        handles, labels = [], []
        for j, level in enumerate(levels):
            color = COLORS[j % len(COLORS)]
            rows = table[np.isclose(table["level"].astype(float), level)]
            pos = {w: i for i, w in enumerate(windows)}
            off = (j - (len(levels) - 1) / 2) * width / max(len(levels) - 1, 1)
            xs = np.array([pos[str(w)] for w in rows["window"]], float) + off
            ref = ax.axhline(level, color=color, linewidth=0.8, linestyle="--", zorder=1)
            ref.set_gid(f"nominal:{level:g}")
            bars = ax.errorbar(
                xs,
                rows["coverage"].to_numpy(float),
                yerr=1.96 * rows["se"].to_numpy(float),
                fmt=_MARKERS[j % len(_MARKERS)],
                color=color,
                markersize=4,
                elinewidth=0.8,
                capsize=1.5,
                zorder=3,
            )
            bars.lines[0].set_gid(f"coverage:{level:g}")
            handles.append(bars)
            labels.append(f"{level:.0%} intervals")
        handles.append(Line2D([], [], color=_GREY, linestyle="--", linewidth=0.8))
        labels.append("nominal level")
        ax.set_xticks(range(len(windows)), windows)
        ax.set_xlim(-0.5, len(windows) - 0.5)
        ax.set_ylim(0, 1.02)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_ylabel("Coverage")
        ax.grid(False, axis="x")
        _legend(ax, handles, labels, ncol=len(handles), borderaxespad=1.9)
    return ax


def plot_pit(pit_values, ax=None, *, bins: int = 10, style=STYLE):
    """Histogram of probability integral transform values against the uniform.

    A calibrated forecast gives a flat histogram at density 1 (solid line); the grey band
    is where 90% of bin heights fall under uniformity (binomial).

    Parameters
    ----------
    pit_values : array_like
        PIT values in [0, 1].
    ax : matplotlib.axes.Axes, optional
    style : str, dict, list or None
        Matplotlib style the artists are drawn in: the paper style by default, None for
        the current settings (e.g. another font: ``[STYLE, {"font.sans-serif": ...}]``).
    bins : int
        Equal-width bins on [0, 1].

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    DataError
        With no values or values outside [0, 1].
    """
    from scipy.stats import binom

    u = np.asarray(pit_values, dtype=float).ravel()
    u = u[~np.isnan(u)]
    if u.size == 0:
        raise DataError("plot_pit: no PIT values")
    if (u < 0).any() or (u > 1).any():
        raise DataError(f"plot_pit: PIT values must lie in [0, 1]; found {u.min():g}..{u.max():g}")
    edges = np.linspace(0.0, 1.0, bins + 1)
    counts, _ = np.histogram(u, bins=edges)
    n, w = u.size, 1.0 / bins
    density = counts / (n * w)
    ax = _axes(ax, style)
    with _style(style):
        lo, hi = binom.ppf([0.05, 0.95], n, w) / (n * w)
        band = ax.axhspan(lo, hi, color=_GREY, alpha=0.3, linewidth=0, zorder=2.5)
        band.set_gid("uniform-band")
        bars = ax.bar(
            edges[:-1],
            density,
            width=w,
            align="edge",
            color=COLORS[4],
            edgecolor="white",
            linewidth=0.5,
            zorder=2,
        )
        for b in bars:
            b.set_gid("pit-bar")
        ref = ax.axhline(1.0, color=_FIT, linewidth=0.9, zorder=3)
        ref.set_gid("uniform")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, max(float(density.max()), hi) * 1.12)
        ax.set_xlabel("PIT value")
        ax.set_ylabel("Density")
        ax.text(
            0.99,
            0.98,
            f"n = {n:,}",
            transform=ax.transAxes,
            ha="right",
            va="top",
            fontsize=6,
            color=_GREY,
        )
    return ax


def plot_backtest(table, ax=None, *, reference: float | None = 1.0, style=STYLE):
    """Backtest scores as grouped bars: one group per horizon, one bar per method.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns ``method``, ``horizon`` (e.g. ``forecast``, ``nowcast``) and
        ``pinball`` (quantile loss relative to a baseline; lower is better). Several
        rows for one method and horizon are averaged.
    ax : matplotlib.axes.Axes, optional
    style : str, dict, list or None
        Matplotlib style the artists are drawn in: the paper style by default, None for
        the current settings (e.g. another font: ``[STYLE, {"font.sans-serif": ...}]``).
    reference : float or None
        Draw a line at this value (1 = as good as the baseline); None for none.

    Returns
    -------
    matplotlib.axes.Axes
    """
    _need(table, ("method", "horizon", "pinball"), "plot_backtest")
    methods = list(dict.fromkeys(table["method"].astype(str)))
    horizons = list(dict.fromkeys(table["horizon"].astype(str)))
    mean = table.assign(method=table["method"].astype(str), horizon=table["horizon"].astype(str))
    mean = mean.groupby(["horizon", "method"], sort=False)["pinball"].mean()
    ax = _axes(ax, style)
    with _style(style):
        width = 0.8 / len(methods)
        handles = []
        for i, method in enumerate(methods):
            xs, ys = [], []
            for h, horizon in enumerate(horizons):
                if (horizon, method) in mean.index:
                    xs.append(h - 0.4 + (i + 0.5) * width)
                    ys.append(float(mean[(horizon, method)]))
            bars = ax.bar(
                xs,
                ys,
                width=width * 0.92,
                color=COLORS[i % len(COLORS)],
                hatch=_HATCHES[i % len(_HATCHES)],
                edgecolor="white",
                linewidth=0.4,
                label=method,
                zorder=2,
            )
            for b in bars:
                b.set_gid(f"bar:{method}")
            handles.append(bars)
            for x, y in zip(xs, ys, strict=True):
                ax.annotate(
                    f"{y:.2f}",
                    (x, y),
                    xytext=(0, 1.5),
                    textcoords="offset points",
                    ha="center",
                    va="bottom",
                    fontsize=5.5,
                )
        if reference is not None:
            ref = ax.axhline(reference, color=_FIT, linewidth=0.7, linestyle="--", zorder=3)
            ref.set_gid("reference")
        ax.set_xticks(range(len(horizons)), [_pretty(h) for h in horizons])
        ax.set_xlim(-0.5, len(horizons) - 0.5)
        ax.set_ylim(bottom=0)
        ax.margins(y=0.12)
        ax.grid(False, axis="x")
        ax.set_ylabel("Relative quantile loss")
        _legend(ax, handles, methods, ncol=min(len(methods), 3), borderaxespad=1.9)
    return ax


# ---- backtests over many series -------------------------------------------------------------
_PIT_EDGES = (0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0)
_PIT_CAP = 4.0


def plot_backtest_series(
    rows, ax=None, *, statistic: str = "mean", clip: float | None = None, style=STYLE
):
    """Relative pinball loss of each method on each series (a dot plot).

    Parameters
    ----------
    rows : pandas.DataFrame
        Backtest score rows (:func:`trends.backtest.backtest`): columns ``series``,
        ``method`` and ``pinball`` (quantile loss / truth). Rows of one series and
        method are averaged; series run top to bottom in their order of appearance.
    ax : matplotlib.axes.Axes, optional
    style : str, dict, list or None
        Matplotlib style the artists are drawn in: the paper style by default, None for
        the current settings.

    Returns
    -------
    matplotlib.axes.Axes
        Log-scaled x axis; one marker shape and colour per method.
    """
    from matplotlib.ticker import FuncFormatter

    _need(rows, ("series", "method", "pinball"), "plot_backtest_series")
    if len(rows) == 0:
        raise DataError("plot_backtest_series: no rows")
    if statistic not in ("mean", "median"):
        raise DataError(
            f"plot_backtest_series: statistic must be mean or median, not {statistic!r}"
        )
    series = list(dict.fromkeys(rows["series"].astype(str)))
    methods = list(dict.fromkeys(rows["method"].astype(str)))
    mean = rows.assign(series=rows["series"].astype(str), method=rows["method"].astype(str))
    mean = mean.groupby(["series", "method"], sort=False)["pinball"].agg(statistic)
    ax = _axes(ax, style)
    with _style(style):
        y = {s: i for i, s in enumerate(series)}
        for j, method in enumerate(methods):
            pts = [(float(mean[(s, method)]), y[s]) for s in series if (s, method) in mean.index]
            xs = np.maximum([p[0] for p in pts], 1e-4)  # a perfect score still shows
            ys = np.array([p[1] for p in pts]) + (j - (len(methods) - 1) / 2) * 0.12
            color, marker = COLORS[j % len(COLORS)], _MARKERS[j % len(_MARKERS)]
            out = xs > clip if clip is not None else np.zeros(len(xs), bool)
            line = ax.plot(xs[~out], ys[~out], linestyle="none", marker=marker, markersize=3.2,
                           color=color, label=method, zorder=3)[0]  # fmt: skip
            line.set_gid(f"series-pinball:{method}")
            if out.any():
                far = ax.plot(np.full(out.sum(), clip), ys[out], linestyle="none", marker=marker,
                              markersize=3.2, markerfacecolor="white", color=color, zorder=3,
                              clip_on=False)[0]  # fmt: skip
                far.set_gid(f"series-pinball-clipped:{method}")
        ax.set_yticks(range(len(series)), [_short(s, 22) for s in series])
        ax.set_ylim(len(series) - 0.5, -0.5)
        ax.set_xscale("log")
        ax.margins(x=0.06)
        if clip is not None:
            ax.set_xlim(right=clip)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.grid(False, axis="y")
        ax.set_xlabel(f"Pinball loss / truth ({statistic})")
        ax.legend(loc="lower right", frameon=False, fontsize=6)
    return ax


def plot_backtest_pit(rows, ax=None, *, style=STYLE):
    """Where the truths fall among each method's quantiles, against calibration.

    The quantiles 0.05 ... 0.95 cut six ranges that a calibrated method's truths fall
    in with probabilities 0.05, 0.2, 0.25, 0.25, 0.2, 0.05. Each method's line is the
    observed share in each range divided by that probability (a PIT histogram on the
    ranges the quantiles allow, drawn one range per step so the narrow tails show);
    1 (solid) is calibration, high ends mean intervals too narrow, a high middle too
    wide. An axis above 4 is cut at 4 and the peak printed.

    Parameters
    ----------
    rows : pandas.DataFrame
        Backtest score rows: columns ``method``, ``truth``, ``q05`` ... ``q95``.
    ax : matplotlib.axes.Axes, optional
    style : str, dict, list or None

    Returns
    -------
    matplotlib.axes.Axes
    """
    cols = ("q05", "q25", "q50", "q75", "q95")
    _need(rows, ("method", "truth", *cols), "plot_backtest_pit")
    if len(rows) == 0:
        raise DataError("plot_backtest_pit: no rows")
    nominal = np.diff(_PIT_EDGES)
    peak = 0.0
    ax = _axes(ax, style)
    with _style(style):
        for j, method in enumerate(dict.fromkeys(rows["method"].astype(str))):
            g = rows[rows["method"].astype(str) == method]
            q = g[list(cols)].to_numpy(float)
            truth = g["truth"].to_numpy(float)
            bins = (truth[:, None] > q).sum(axis=1)  # a truth on a quantile counts below it
            share = np.bincount(bins, minlength=6) / len(g)
            ratio = share / nominal
            peak = max(peak, float(ratio.max()))
            line = ax.stairs(
                ratio,
                np.arange(7),
                color=COLORS[j % len(COLORS)],
                linestyle=_LINESTYLES[j % len(_LINESTYLES)],
                linewidth=1.0,
                label=f"{method} (n = {len(g):,})",
                zorder=3,
            )
            line.set_gid(f"pit:{method}")
        ref = ax.axhline(1.0, color=_FIT, linewidth=0.8, zorder=2)
        ref.set_gid("calibrated")
        ax.set_xlim(0, 6)
        # Tails far off calibration would flatten the rest: cap the axis, print the peak.
        if peak > _PIT_CAP:
            ax.set_ylim(0, _PIT_CAP)
            ax.text(3, 0.98 * _PIT_CAP, f"(off the axis: up to {peak:.1f})",
                    ha="center", va="top", fontsize=5.5, color=_GREY)  # fmt: skip
        else:
            ax.set_ylim(0, max(peak * 1.1, 1.5))
        ax.set_xticks(np.arange(6) + 0.5, ["<5", "5-25", "25-50", "50-75", "75-95", ">95"])
        ax.tick_params(axis="x", labelsize=5.5)
        ax.grid(False, axis="x")
        ax.set_xlabel("Quantile range holding the truth (%)")
        ax.set_ylabel("Observed / expected share")
        legend = ax.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, 0.93),
            fontsize=6,
            frameon=True,
            facecolor="white",
            edgecolor="none",
            framealpha=0.9,
        )
        legend.set_zorder(5)
    return ax


# ---- sensitivity --------------------------------------------------------------------------
def plot_sensitivity(table, ax=None, *, variables: Sequence[str] | None = None, style=STYLE):
    """Which inputs drive each headline number: first-order indices as a dot chart.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`trends.sensitivity.sensitivity`: columns ``variable, input,
        index``.
    variables : sequence of str, optional
        Which variables, in drawing order (each its own colour and marker); all by
        default.
    ax : matplotlib.axes.Axes, optional
    style : str, dict, list or None
        Matplotlib style the artists are drawn in (see :func:`plot_projection`).

    Returns
    -------
    matplotlib.axes.Axes
        Inputs down the side (the most influential on top), the index (share of the
        variance, 0..1) across; one marker per variable on a thin stem from 0.
    """
    _need(table, ("variable", "input", "index"), "plot_sensitivity")
    known = list(dict.fromkeys(table["variable"]))
    chosen = known if variables is None else list(variables)
    unknown = [v for v in chosen if v not in known]
    if unknown:
        raise DataError(
            f"the sensitivity table has no variable {', '.join(map(repr, unknown))}; it has "
            f"{', '.join(known)}"
        )
    sub = table[table["variable"].isin(chosen)]
    wide = sub.pivot_table(index="input", columns="variable", values="index", sort=False)
    order = wide.max(axis=1).sort_values(kind="stable").index  # largest on top
    ax = _axes(ax, style)
    with _style(style):
        k = len(chosen)
        offsets = (np.arange(k) - (k - 1) / 2) * (0.7 / max(k, 1))
        ys = np.arange(len(order), dtype=float)
        handles = []
        for i, v in enumerate(chosen):
            x = wide.loc[order, v].to_numpy(float)
            y = ys - offsets[i]  # first variable on top within an input's row
            color = COLORS[i % len(COLORS)]
            ax.hlines(y, 0.0, x, color=color, linewidth=0.6, alpha=0.6, gid=f"stem:{v}")
            (dots,) = ax.plot(
                x,
                y,
                linestyle="none",
                marker=_MARKERS[i % len(_MARKERS)],
                markersize=3.8,
                markerfacecolor=color,
                markeredgecolor="white",
                markeredgewidth=0.4,
                zorder=3,
            )
            dots.set_gid(f"index:{v}")
            handles.append(dots)
        ax.set_yticks(ys, [_pretty(n) for n in order])
        ax.set_ylim(-0.6, len(order) - 0.4)
        ax.set_xlim(0.0, 1.0)
        ax.grid(False, axis="y")
        ranks = "transform" in table.columns and (table["transform"] == "rank").all()
        of = "of the ranks" if ranks else "of the values"
        ax.set_xlabel(f"First-order index (share of the variance {of})")
        _legend(ax, handles, [_pretty(v) for v in chosen], ncol=min(k, 4), borderaxespad=3.4)
    return ax
