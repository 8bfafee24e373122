"""Figures for papers: claims, fitted rates, cumulative totals, projections, validation.

Every plotting function takes a keyword-only ``ax=None`` and returns the
:class:`~matplotlib.axes.Axes` it drew on; without an ``ax`` it makes a one-column figure
with :func:`figure`. Nothing here calls ``plt.show()`` or chooses a backend. The artists
are drawn in the paper style (:data:`STYLE`, ``trends.styles.paper``: sans-serif 7-8 pt,
thin spines, light grid, the Okabe-Ito palette) and the style is applied to the Axes drawn
on (tick and label sizes, spines, grid), so an Axes of the user's own ``plt.subplots``
looks right without a style context; ``style=None`` keeps the current settings.
:func:`save_figure` writes PDF, SVG or PNG (300 dpi) of exactly the figure's size, byte
for byte the same on every run, atomically.

Names come from the quantities vocabulary (``data/quantities.toml``, see
:mod:`trends.quantities`): "EU ammunition production (rounds per week)", not
"Ammunition production eu". Claims are grouped by who the figure is credited to
(``attributed_to``, else the outlet); a few groups are named in the legend and the rest
drawn grey as "other sources". Colour is never the only cue: groups differ by marker as
well, scenarios and methods by line style or hatch, repeats are dashed and faint,
targets dotted with hollow markers. Artists carry ``gid`` names (``claim:<id>``,
``band:50``, ``median`` ...), which also become element ids in SVG output.
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
from .quantities import describe
from .styles import PAPER as STYLE
from .units import MEAN_PERIOD_DAYS, PERIODS, as_date

__all__ = [
    "COLUMN_WIDTH",
    "DOUBLE_WIDTH",
    "STYLE",
    "COLORS",
    "OTHER_SOURCES",
    "figure",
    "save_figure",
    "save_figures",
    "implied_rates",
    "source_groups",
    "axis_label",
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
#: black is left to the fit, grey to "other sources").
COLORS: tuple[str, ...] = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
)
#: Legend name of the claims of every source not named on its own.
OTHER_SOURCES = "other sources"
_LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1, 1, 1)), (0, (1, 2)))
_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "h")
_HATCHES = ("", "////", "....", "xxxx", "\\\\\\\\", "++++", "oo")
_FIT = "#222222"  # the posterior (median line; bands are its tints)
_GREY = "#777777"
_OTHER = "#999999"
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
#: Days drawn after the last claim (or target) by default: a forecast is shown, not
#: extrapolated across the whole fitted grid.
HORIZON_DAYS = 365
# Legend labels wrap at word boundaries to this many characters, on at most two lines.
_LABEL_WIDTH = 24
# Stock-flow variables (the projection's, not claims' quantities): label, unit, definition.
_VARIABLES = {
    "reserve": (
        "Operational reserve",
        "people",
        "trained recruits and returned wounded not yet sent to the front",
    ),
    "strategic_reserve": (
        "Strategic reserve",
        "people",
        "the held-back share of trained recruits, which the front does not draw on",
    ),
    "front": (
        "Front strength change",
        "people",
        "the front's strength against the day before the start",
    ),
    "deficit": (
        "Front deficit",
        "people",
        "the front's unmet need once the operational reserve is empty",
    ),
    "training": ("In training", "people", "recruits signed but not yet trained"),
    "recovering": ("Wounded recovering", "people", "wounded who will return, not yet back"),
    "attrition": (
        "Attrition",
        "people",
        "everyone who left for good (killed, missing, captured, invalided, other outflows) "
        "since the start",
    ),
    "net_force_change": (
        "Net force change",
        "people",
        "recruits minus irrecoverable losses and other outflows, cumulative since the start",
    ),
    "trained": ("Trained recruits", "people per day", "recruits finishing training"),
    "irrecoverable": ("Irrecoverable losses", "people per day", "killed, missing, captured"),
    "returns": ("Returns from wounds", "people per day", "wounded back in the reserve"),
    "other_outflows": (
        "Other outflows",
        "people per day",
        "desertion, discharge, non-combat deaths and contract expiry",
    ),
}


# ---- figures and files --------------------------------------------------------------------
def _style(style):
    """Context drawing in ``style`` (a style name, dict or list; None: as is)."""
    if style is None:
        return contextlib.nullcontext()
    import matplotlib.style

    return matplotlib.style.context(style)


def figure(width: str | float = "single", height: float | None = None, *, style=STYLE):
    """A new figure with one Axes, in the paper style, with constrained layout.

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
        fig, ax = plt.subplots(
            figsize=(w, h if height is None else float(height)), layout="constrained"
        )
    return fig, ax


def save_figure(fig, path: str | os.PathLike) -> None:
    """Write a figure as PDF, SVG or PNG (by suffix), reproducibly and atomically.

    The file has exactly the figure's size (``fig.get_size_inches()``; a PNG is that
    times 300 dpi in pixels): nothing is cropped to a tight bounding box and nothing is
    added, so figures of one width line up in a paper. Labels and legends are kept
    inside by the figure's layout engine (constrained layout, as :func:`figure` makes
    it); a figure without one is written as it stands.

    The file is the same byte for byte on every run: no dates, no software version in
    PNG, fixed SVG ids. PDF embeds TrueType fonts (``pdf.fonttype`` 42), SVG draws text
    as paths. The figure is rendered in memory first and written through a temporary
    file and a rename, so a failure leaves no half file behind.

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
    save_figures(fig, [path])


def save_figures(fig, paths: Sequence[str | os.PathLike]) -> None:
    """Write one figure to several files (PDF, SVG or PNG by suffix), laid out once.

    As :func:`save_figure` for the first path (the same bytes); the others are written
    with the layout that file was drawn with, so every format shows the same positions
    and the layout runs twice per figure instead of twice per file (a constrained layout
    is the slowest part of a save after PDF font embedding). The figure's layout engine
    is restored afterwards. Each file is written atomically; a bad suffix is refused
    before anything is written.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    paths : sequence of path-like
        Each ends in ``.pdf``, ``.svg`` or ``.png``; their folders must exist.

    Raises
    ------
    DataError
        For any other suffix.
    """
    import matplotlib

    paths = [Path(p) for p in paths]
    for path in paths:
        if path.suffix.lower() not in _FORMATS:
            raise DataError(
                f"cannot save a figure as {path.name!r}: use a .pdf, .svg or .png file name"
            )
    engine = fig.get_layout_engine()
    # No rc file may bring a layout engine back when it is switched off below.
    no_engine = {"figure.autolayout": False, "figure.constrained_layout.use": False}
    try:
        with matplotlib.rc_context(_REPRODUCIBLE):
            # Settle the layout first: the first draw of a constrained layout can move the
            # axes in the last bit, which changes SVG clip-path ids between saves. The
            # layout alone gives the positions a draw without rendering gave (byte for
            # byte the same files), without the cost of drawing every artist for nothing.
            if engine is not None:
                engine.execute(fig)
            for i, path in enumerate(paths):
                if i == 1:  # the first file's layout, kept for the rest
                    with matplotlib.rc_context(no_engine):
                        fig.set_layout_engine(None)
                atomic_write_bytes(path, _render(fig, _FORMATS[path.suffix.lower()]))
    finally:
        with matplotlib.rc_context(no_engine):
            fig.set_layout_engine(engine)


def _render(fig, fmt: str) -> bytes:
    """The figure as a file of format ``fmt``, in memory (rc settings as in force)."""
    buf = io.BytesIO()
    fig.savefig(
        buf,
        format=fmt,
        dpi=_DPI,
        metadata=dict(_METADATA[fmt]),
        bbox_inches=None,
        facecolor="white",
    )
    return buf.getvalue()


# ---- the style on a given Axes ------------------------------------------------------------
def _rc(style) -> dict:
    """The rc settings in force under ``style``."""
    import matplotlib

    with _style(style):
        return dict(matplotlib.rcParams)


def _dress(ax, style) -> None:
    """Apply ``style`` to an existing Axes: ticks, spines, grid and label sizes.

    Artists made inside ``_style(style)`` take the style by themselves; the Axes took
    the settings in force when it was made (e.g. the user's ``plt.subplots``).
    """
    if style is None:
        return
    rc = _rc(style)
    ax.set_facecolor(rc["axes.facecolor"])
    for side, spine in ax.spines.items():
        spine.set_visible(bool(rc[f"axes.spines.{side}"]))
        spine.set_linewidth(rc["axes.linewidth"])
        spine.set_edgecolor(rc["axes.edgecolor"])
    for axis in ("x", "y"):
        color = rc[f"{axis}tick.color"]
        labelcolor = rc[f"{axis}tick.labelcolor"]
        for which in ("major", "minor"):
            ax.tick_params(
                axis=axis,
                which=which,
                width=rc[f"{axis}tick.{which}.width"],
                length=rc[f"{axis}tick.{which}.size"],
                pad=rc[f"{axis}tick.{which}.pad"],
                color=color,
                labelcolor=color if labelcolor == "inherit" else labelcolor,
                labelsize=rc[f"{axis}tick.labelsize"],
            )
    for label in (ax.xaxis.label, ax.yaxis.label):
        label.set_fontsize(rc["axes.labelsize"])
        label.set_color(rc["axes.labelcolor"])
    ax.xaxis.labelpad = ax.yaxis.labelpad = rc["axes.labelpad"]
    ax.title.set_fontsize(rc["axes.titlesize"])
    ax.grid(False)
    if rc["axes.grid"]:
        ax.grid(
            True,
            axis=rc["axes.grid.axis"],
            which=rc["axes.grid.which"],
            color=rc["grid.color"],
            linewidth=rc["grid.linewidth"],
            linestyle=rc["grid.linestyle"],
        )
    ax.set_axisbelow(rc["axes.axisbelow"])


# ---- names --------------------------------------------------------------------------------
def _quantity(name: str) -> tuple[str, str, str]:
    """(label, unit, definition) of a claims quantity or a stock-flow variable."""
    if name in _VARIABLES:
        return _VARIABLES[name]
    q = describe(name)
    return q.label, q.unit, q.definition


def axis_label(name: str, *, per: str | None = None, since: dt.date | None = None) -> str:
    """Axis label of a quantity or projection variable, with its unit.

    ``axis_label("recruits", per="week")`` gives "Recruits (people per week)";
    ``since=`` gives "Recruits since 1 Jan 2023 (people)". Names and units come from
    the quantities vocabulary (:func:`trends.quantities.describe`).
    """
    label, unit, _ = _quantity(name)
    if since is not None:
        # No-break spaces: the date stays on one line when the label wraps.
        label += f" since {since:%-d %b %Y}".replace(" ", "\u00a0").replace("\u00a0", " ", 1)
    if per is not None:
        unit = f"{unit or 'count'} per {per}"
    return f"{label} ({unit})" if unit else label


def _who(attributed_to: str, source: str) -> str:
    """Who a claim is credited to: ``attributed_to``, else the outlet; never bare "unknown"."""
    for text in (attributed_to, source):
        text = " ".join(str(text or "").split())
        low = text.lower()
        if not text or low in {"unknown", "unknown source", "n/a", "none", "?", "-"}:
            continue
        if low.startswith("unknown "):  # "unknown (text also at dailywrap.ca)"
            return "unnamed outlet " + text[len("unknown ") :]
        return text
    return "unnamed source"


def _wrap(text: str, width: int = _LABEL_WIDTH, lines: int = 2) -> str:
    """Wrap at word boundaries; past ``lines`` lines, end at a whole word with an ellipsis."""
    parts = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)
    if len(parts) <= lines:
        return "\n".join(parts)
    head = parts[: lines - 1]
    words = parts[lines - 1].split()
    rest = " ".join(parts[lines:]).split()
    last = words + rest
    while len(last) > 1 and len(" ".join(last)) + 1 > width:
        last.pop()
    return "\n".join([*head, " ".join(last) + "\u2026"])


def source_groups(claims_table, max_groups: int = 4, *, by: str = "attributed_to"):
    """Legend groups of claims: who each is credited to, the most frequent named.

    Parameters
    ----------
    claims_table : pandas.DataFrame
        Columns ``attributed_to`` and ``source`` (as :func:`implied_rates` gives).
    max_groups : int
        Groups named on their own, those with most claims counted first (then most
        claims with repeats, then first seen; a ``repeat`` column marks repeats); the rest
        become :data:`OTHER_SOURCES` (unless that would hold a single group).
    by : {"attributed_to", "source"}
        Group by who the figure is credited to (the outlet when nobody is named), or by
        the outlet that printed it.

    Returns
    -------
    list of str
        The group of each row.
    list of str
        The named groups in legend order, :data:`OTHER_SOURCES` last when used.
    """
    if by not in ("attributed_to", "source"):
        raise DataError(f"by={by!r}: group claims by 'attributed_to' or 'source'")
    outlets = claims_table["source"]
    credited = claims_table["attributed_to"] if by == "attributed_to" else [""] * len(outlets)
    who = [_who(a, s) for a, s in zip(credited, outlets, strict=True)]
    repeat = (
        claims_table["repeat"].astype(bool).tolist()
        if "repeat" in claims_table
        else [False] * len(who)
    )
    first: dict[str, int] = {}
    count: dict[str, int] = {}
    own: dict[str, int] = {}  # claims counted (not repeats): these rank first
    for i, (name, rep) in enumerate(zip(who, repeat, strict=True)):
        first.setdefault(name, i)
        count[name] = count.get(name, 0) + 1
        own[name] = own.get(name, 0) + (not rep)
    order = sorted(first, key=lambda n: (-own[n], -count[n], first[n]))
    if len(order) > max_groups + 1:
        named = order[:max_groups]
        keep = set(named)
        return [n if n in keep else OTHER_SOURCES for n in who], [*named, OTHER_SOURCES]
    return who, order


def _max_groups(ax) -> int:
    """Named groups that fit a legend under this Axes: 4 at column width, 7 wider."""
    width = ax.figure.get_figwidth() * ax.get_position().width
    return 7 if width >= 4.5 else 4


def _legend_columns(ax) -> int:
    width = ax.figure.get_figwidth() * ax.get_position().width
    return max(2, int(width // 1.45))


#: Text lines a legend under a 2.4 in high Axes may take (more for taller figures): the
#: rest of the figure stays the data's.
_LEGEND_LINES = 6
_LINE_INCHES = 0.118  # one legend line at 6.5 pt with matplotlib's spacing


def _legend_lines(labels: Sequence[str], ncol: int) -> int:
    """Height in text lines of a legend of ``labels`` in ``ncol`` columns (filled in turn)."""
    columns = np.array_split(np.arange(len(labels)), max(ncol, 1))
    return max((sum(labels[i].count("\n") + 1 for i in c) for c in columns), default=0)


def _legend_budget(ax) -> int:
    return max(3, round(_LEGEND_LINES * ax.figure.get_figheight() / 2.4))


# ---- helpers ------------------------------------------------------------------------------
def _axes(ax, style):
    if ax is None:
        _, ax = figure(style=style)
    _dress(ax, style)
    return ax


def _titles(ax, *, ylabel: str | None, title: str | None) -> None:
    if ylabel is not None:
        ax.set_ylabel(ylabel)  # the user's own: set as given
        ax.yaxis.label.set_gid(None)
    if title is not None:
        ax.set_title(title)


def _set_ylabel(ax, text: str, legend_lines: int = 0) -> None:
    """The y label, wrapped at word boundaries so it stays within the Axes' height.

    A unit in parentheses goes on a line of its own rather than being split. The height
    is estimated before the layout runs: the figure's, less the tick labels and margins
    and ``legend_lines`` lines of a legend under the Axes. The label's unwrapped text
    is kept (as its gid) so that :func:`_legend` can wrap it again for the legend made.
    """
    import matplotlib

    size = ax.yaxis.label.get_fontsize() or matplotlib.rcParams["axes.labelsize"]
    # One character of a sans-serif font is about 0.55 em wide.
    fig_h = ax.figure.get_figheight()
    room = min(fig_h * ax.get_position().height, fig_h - 0.5 - legend_lines * _LINE_INCHES)
    width = max(12, int(room * 72 / (0.55 * float(size))))
    ax.yaxis.label.set_gid(f"ylabel:{text}")
    if len(text) <= width:
        ax.set_ylabel(text)
        return
    name, paren, unit = text.partition(" (")
    parts = textwrap.wrap(name, width, break_long_words=False, break_on_hyphens=False)
    if paren:
        parts += textwrap.wrap("(" + unit, width, break_long_words=False, break_on_hyphens=False)
    ax.set_ylabel("\n".join(parts))


def _number(x: float, pos=None) -> str:
    """Tick label with thousands separators; decimals only where a tick needs them."""
    if not math.isfinite(x):
        return ""
    if abs(x - round(x)) < 1e-9 * max(1.0, abs(x)):
        return f"{round(x):,}".replace("-", "\u2212")
    text = f"{x:,.3f}".rstrip("0").rstrip(".")
    return text.replace("-", "\u2212")


def _count_axis(axis) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    axis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]))
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
    ncol = ncol or (1 if len(handles) <= 1 else _legend_columns(ax))
    options = {
        "loc": "upper center",
        "bbox_to_anchor": (0.0, 0.0, 1.0, 0.0),
        "ncol": ncol,
        # In font sizes: below the tick labels, and the axis label if there is one.
        "borderaxespad": 2.1 + (1.6 if ax.get_xlabel() else 0.0),
        "handler_map": {tuple: _tuple_handler()},
        "fontsize": 6.5,
    }
    options.update(kw)
    legend = ax.legend(handles, labels, **options)
    gid = ax.yaxis.label.get_gid()
    if gid and gid.startswith("ylabel:") and options["loc"] == "upper center":
        # Under the Axes: the legend takes height from them; wrap the label to what is left.
        _set_ylabel(ax, gid[len("ylabel:") :], _legend_lines(labels, options["ncol"]))
    return legend


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


#: A band edge above this many times the highest value known from the data (claims,
#: fitted days, the median) is cut at the top of the axis, and the legend says where it
#: goes: a forecast band of a sparse quantity would otherwise squeeze the data into a
#: strip at the bottom.
_BAND_CAP = 2.5


def _band_cap(known: float, q95, x) -> tuple[float | None, str]:
    """The top of the y axis if the 95% edge passes ``_BAND_CAP * known``, and a note."""
    q95 = np.asarray(q95, dtype=float)
    cap = _BAND_CAP * known
    if not q95.size or not cap > 0 or q95.max() <= cap:
        return None, ""
    j = int(np.argmax(q95))
    when = as_date(np.datetime64(x[j], "D").item())
    return cap, f"; 90% leaves the axis (to {float(f'{q95[j]:.2g}'):,.0f} by {when:%b %Y})"


def _until(last: dt.date, horizon: int | None, grid_end: dt.date) -> dt.date:
    if horizon is None:
        return grid_end
    if isinstance(horizon, bool) or not isinstance(horizon, int | np.integer) or horizon < 0:
        raise DataError(f"horizon must be a whole number of days >= 0 or None, not {horizon!r}")
    return min(grid_end, last + dt.timedelta(days=int(horizon)))


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
        columns ``id, quantity, kind, source, attributed_to, start, end, days, rate,
        rate_low, rate_high`` (count per ``per``; low/high from the hedge) and
        ``repeat`` (True for a claim counted once through its original, see
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
                "attributed_to": c.attributed_to,
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
        "attributed_to",
        "start",
        "end",
        "days",
        "rate",
        "rate_low",
        "rate_high",
        "repeat",
    ]
    return pd.DataFrame(rows, columns=columns)


def _group_style(i: int, name: str) -> tuple[str, str, float]:
    """(colour, marker, marker size) of legend group ``i``."""
    if name == OTHER_SOURCES:
        return _OTHER, ".", 4.0
    return COLORS[i % len(COLORS)], _MARKERS[i % len(_MARKERS)], 3.5


def _claims_keys(table) -> list[str]:
    """The legend entries after the sources: target and repeat, when drawn."""
    keys = []
    if ((table["kind"] == "target") & ~table["repeat"].astype(bool)).any():
        keys.append("target")
    if table["repeat"].astype(bool).any():
        keys.append("repeat (counted once)")
    return keys


def _draw_claims(
    ax,
    table,
    *,
    max_groups: int | None = None,
    by: str = "attributed_to",
    before: Sequence[str] = (),
):
    """Draw implied-rate segments; return legend (handles, labels).

    Without ``max_groups``, as many sources are named as the Axes' width allows and the
    legend (after the entries ``before``) fits its height budget.
    """
    from matplotlib.lines import Line2D

    limit = _max_groups(ax) if max_groups is None else max_groups
    if max_groups is None:
        keys, ncol = _claims_keys(table), _legend_columns(ax)
        while limit > 1:
            names = source_groups(table, limit, by=by)[1]
            entries = [*before, *(_wrap(n) for n in names), *keys]
            if _legend_lines(entries, ncol) <= _legend_budget(ax):
                break
            limit -= 1
    rows_group, names = source_groups(table, limit, by=by)
    index = {n: i for i, n in enumerate(names)}
    any_repeat = any_target = False
    for row, group in zip(table.itertuples(index=False), rows_group, strict=True):
        color, marker, size = _group_style(index[group], group)
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
            linewidth=0.9 if repeat else 1.4,
            linestyle=":" if target else ("--" if repeat else "-"),
            marker=marker,
            markevery=[1],
            markersize=size,
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
                linewidth=0.7,
                marker="_",
                markersize=3,
                markeredgewidth=0.7,
                zorder=2.9,
                label="_nolegend_",
            )
            hedge.set_gid(f"hedge:{row.id}")
    handles, labels = [], []
    for name, i in index.items():
        color, marker, size = _group_style(i, name)
        handles.append(Line2D([], [], color=color, marker=marker, markersize=size, linewidth=1.4))
        labels.append(_wrap(name))
    if any_target:
        handles.append(
            Line2D(
                [],
                [],
                color=_GREY,
                linestyle=":",
                marker="o",
                markerfacecolor="white",
                markersize=3.5,
                linewidth=1.4,
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
    by: str = "attributed_to",
    max_groups: int | None = None,
    ax=None,
    ylabel: str | None = None,
    title: str | None = None,
    style=STYLE,
):
    """Each claim as the mean rate it implies over its window.

    A claim is a horizontal segment over its window (inclusive days) at its implied
    rate, total / days x period length, with a marker at the window's middle and a
    vertical whisker for its hedge range (e.g. "nearly 8,000" spans 7,200-8,000).
    Colour and marker name who the figure is credited to (``attributed_to``, else the
    outlet): the ``max_groups`` most frequent are named in the legend, the rest drawn
    grey as "other sources". Repeats (counted once, see
    :func:`trends.claims.independent`) are faint and dashed, targets dotted with a
    hollow marker. Stock claims (levels, not rates) are left out.

    Parameters
    ----------
    claims : iterable of Claim
    quantity : str, optional
        Which quantity; needed when the claims are about several.
    per : str
        Rate unit on the y axis: ``day``, ``week``, ``month``, ``quarter``, ``year``.
    by : {"attributed_to", "source"}
        What colour and marker name: who the figure is credited to (the outlet when
        nobody is named; the default) or the outlet that printed it.
    max_groups : int, optional
        Sources named in the legend; default 4 on an Axes narrower than 4.5 in (one
        column), else 7.
    ax : matplotlib.axes.Axes, optional
    ylabel, title : str, optional
        Replace the y label ("Recruits (people per week)") or set a title.
    style : str, dict, list or None
        Matplotlib style the artists are drawn in and applied to ``ax``: the paper
        style by default, None for the current settings (e.g. another font:
        ``[STYLE, {"font.sans-serif": ...}]``).

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
        handles, labels = _draw_claims(ax, table, max_groups=max_groups, by=by)
        _finish_rate_axes(ax, str(table["quantity"].iloc[0]), per)
        _titles(ax, ylabel=ylabel, title=title)
        _legend(ax, handles, labels)
    return ax


def _finish_rate_axes(ax, quantity: str, per: str) -> None:
    _set_ylabel(ax, axis_label(quantity, per=per))
    ax.set_ylim(bottom=0)
    _count_axis(ax.yaxis)
    _date_axis(ax)


# ---- fits ---------------------------------------------------------------------------------
#: Days over which the shape of the log rate's posterior (its standardised quantiles) is
#: averaged in the fit figure's bands.
_SHAPE_DAYS = 61


def _rate_bands(fit, per: str):
    """Daily rate quantiles whose edges are smooth: location, scale and a smoothed shape.

    Per-day sample quantiles of 1,000 paths jump from day to day (the path at the 95th
    percentile changes), which draws a saw-tooth. Each day's log rate is written as its
    posterior mean plus sd times a standardised quantile, ``m_t + s_t z_t(q)``: ``m_t``
    and ``s_t`` use every path, so they are as smooth as the paths, and the shape
    ``z_t(q)`` (which the mixture over smoothness and discrepancy makes heavier-tailed
    than a normal's: the normal's would misplace the 95% edge by 4-24%, median over days) is
    averaged over :data:`_SHAPE_DAYS` neighbouring days, where it changes slowly. On the
    shipped fits the edges are within 1-3% (median over days) of the per-day sample
    quantiles, their day-to-day wiggle is a fifth of theirs or less, and their bumps at
    the scale of weeks a third to a fifth (95th percentile of the 95% edge's log
    distance from its 30-day moving mean: 0.7-1.6% against 2-8%;
    ``analysis/figure_bands.py`` prints the table).

    Returns
    -------
    pandas.DataFrame
        Index ``date``; columns ``mean, q05 ... q95`` (count per ``per``).
    """
    import pandas as pd
    from scipy.ndimage import uniform_filter1d

    from .model import QUANTILES, qcol

    logs = np.asarray(fit.log_samples, dtype=float)
    m = logs.mean(axis=0)
    s = logs.std(axis=0, ddof=1) if logs.shape[0] > 1 else np.zeros_like(m)
    sample = np.quantile(logs, QUANTILES, axis=0)
    z = np.divide(sample - m, s, out=np.zeros_like(sample), where=s > 0)
    z = uniform_filter1d(z, size=min(_SHAPE_DAYS, logs.shape[1]), axis=1, mode="nearest")
    scale = float(MEAN_PERIOD_DAYS[per])
    table = {"mean": np.exp(logs).mean(axis=0) * scale}
    for k, q in enumerate(QUANTILES):
        table[qcol(q)] = np.exp(m + s * z[k]) * scale
    return pd.DataFrame(table, index=pd.Index(fit.dates, name="date"))


def plot_fit(
    fit,
    claims: Iterable[Claim] | None = None,
    *,
    per: str = "week",
    horizon: int | None = HORIZON_DAYS,
    forecast_from: dt.date | None = None,
    color: str = _FIT,
    label: str = "median",
    max_groups: int | None = None,
    ax=None,
    ylabel: str | None = None,
    title: str | None = None,
    style=STYLE,
):
    """The posterior rate: median line with 50% and 90% bands, over the claims.

    The bands are the posterior quantiles of each day's rate, estimated so that their
    edges are smooth (mean and sd of the log rate over all paths, its standardised shape
    averaged over a few days; see ``_rate_bands``), not per-day sample quantiles that
    saw-tooth.

    Parameters
    ----------
    fit : trends.model.RateFit
    claims : iterable of Claim, optional
        Drawn under the fit as by :func:`plot_claims` (those about ``fit.quantity``).
    per : str
        Rate unit on the y axis (``day``, ``week``, ``month``, ``quarter``, ``year``).
    horizon : int or None
        Days drawn after the last fitted claim's window (default :data:`HORIZON_DAYS`,
        one year); None draws the whole fitted grid.
    forecast_from : datetime.date, optional
        First day of the forecast; defaults to the day after the last fitted claim's
        window. From there the median is dashed and a thin vertical line marks the start.
    color : str
        Colour of the median and (as tints) the bands.
    label : str
        Legend name of the median (e.g. the model, when fits are compared on one Axes).
    max_groups : int, optional
        Sources named in the legend (see :func:`plot_claims`).
    ax : matplotlib.axes.Axes, optional
    ylabel, title : str, optional
        Replace the y label or set a title.
    style : str, dict, list or None
        Matplotlib style the artists are drawn in and applied to ``ax`` (None: as is).

    Returns
    -------
    matplotlib.axes.Axes
    """
    _check_per(per)
    last = max((o.end for o in fit.observations), default=fit.end)
    stop = _until(last, horizon, fit.end)
    table = _rate_bands(fit, per)
    table = table.iloc[: (stop - fit.origin).days + 1]
    x = _days(table.index) + _HALF_DAY  # a day's rate at its middle
    if forecast_from is None:
        forecast_from = last + dt.timedelta(days=1)
    forecast_from = as_date(forecast_from)
    k = int(np.searchsorted(x, _day(forecast_from) + _HALF_DAY))
    ax = _axes(ax, style)
    with _style(style):
        rates = None if claims is None else implied_rates(claims, fit.quantity, per=per)
        median = table["q50"].to_numpy(float)
        # What the data say: the median and the claims (an in-sample band can itself be
        # wide where claims are few).
        known = [median.max()]
        if rates is not None and not rates.empty:
            known.append(float(rates["rate_high"].max()))
        cap, note = _band_cap(max(known), table["q95"], x)
        fit_label = _wrap(f"{label}, 50% and 90% intervals{note}", 30, lines=4)
        handles, labels = [], []
        if rates is not None and not rates.empty:
            handles, labels = _draw_claims(ax, rates, max_groups=max_groups, before=[fit_label])
        b50, b90 = _bands(ax, x, table, color)
        (line,) = ax.plot(
            x[: k + 1] if k < len(x) else x,
            median[: k + 1] if k < len(x) else median,
            color=color,
            linestyle="-",
            linewidth=1.2,
            zorder=2.5,
            label=label,
        )
        line.set_gid("median")
        fit_handles = [(b90, b50, line)]
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
            # Right of the line, or left of it when the line is near the right edge.
            late = (x[k] - x[0]) / (x[-1] - x[0]) > 0.85
            note = ax.annotate(
                "forecast",
                (_day(forecast_from), 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(-2 if late else 2, -2),
                textcoords="offset points",
                ha="right" if late else "left",
                va="top",
                fontsize=6,
                color=_GREY,
            )
            note.set_gid("label:forecast")
        ax.set_xlim(x[0] - _HALF_DAY, x[-1] + _HALF_DAY)
        _finish_rate_axes(ax, fit.quantity, per)
        if cap is not None:  # a band many times the data would squeeze them into a strip
            ax.set_ylim(0, cap)
        _titles(ax, ylabel=ylabel, title=title)
        _legend(ax, fit_handles + handles, [fit_label] + labels)
    return ax


def _window_words(start: dt.date, end: dt.date) -> str:
    if start.month == 1 and start.day == 1 and end == dt.date(start.year, 12, 31):
        return f"in {start.year}"
    return f"{start:%-d %b %Y} to {end:%-d %b %Y}"


def _targets(fit, targets) -> list[tuple[dt.date, float, str, dt.date | None]]:
    """(end, value, text, window start or None) of each target to draw."""
    out = []
    claims = [t for t in targets if isinstance(t, Claim)]
    counted = {c.id for c in independent(claims)}
    for t in targets:
        if isinstance(t, Claim):
            if t.kind != "target" or t.quantity != fit.quantity or t.id not in counted:
                continue
            start, end = t.window
            text = f"target {t.value:,.0f} {_window_words(start, end)}"
            if fit.origin <= start and end <= fit.end:
                p = fit.total(start, end).p_at_least(t.value)
                text += f": P(reached) = {p:.2f}"
            out.append((end, float(t.value), text, start))
        else:
            date, value, *rest = t
            out.append((as_date(date), float(value), str(rest[0]) if rest else "", None))
    return out


def plot_cumulative(
    fit,
    *,
    start: dt.date | None = None,
    targets=(),
    horizon: int | None = HORIZON_DAYS,
    label: str = "median",
    ax=None,
    ylabel: str | None = None,
    title: str | None = None,
    style=STYLE,
):
    """Cumulative total from ``start`` with 50% and 90% bands.

    Parameters
    ----------
    fit : trends.model.RateFit
    start : datetime.date, optional
        First day counted; defaults to the first target claim's window start, else the
        first day of the fit.
    targets : iterable
        Target claims (``kind == "target"`` about ``fit.quantity``; repeats and other
        claims are skipped) or ``(date, value, label)`` tuples (a total since
        ``start``). A target claim is a dotted line over its window, from the median
        total the day before the window up by the target's value: the pace it needs;
        its end is a numbered hollow diamond. A key in the upper left (where a total
        that starts at zero leaves room) gives each target's value, window and, for a
        claim inside the fit, the posterior probability that the window's total
        reaches it (:meth:`trends.model.Estimate.p_at_least`).
    horizon : int or None
        Days drawn after the last fitted claim's window or the last target, whichever is
        later (default :data:`HORIZON_DAYS`); None draws to the end of the grid.
    label : str
        Legend name of the median.
    ax : matplotlib.axes.Axes, optional
    ylabel, title : str, optional
        Replace the y label ("Recruits since 1 Jan 2023 (people)") or set a title.
    style : str, dict, list or None
        Matplotlib style the artists are drawn in and applied to ``ax`` (None: as is).

    Returns
    -------
    matplotlib.axes.Axes
    """
    marks = _targets(fit, list(targets))
    if start is None:
        starts = [s for *_, s in marks if s is not None and s >= fit.origin]
        start = min(starts, default=fit.origin)
    start = as_date(start)
    last = max([o.end for o in fit.observations] + [d for d, *_ in marks], default=fit.end)
    stop = max(_until(last, horizon, fit.end), start)
    table = fit.cumulative(start=start)
    table = table.iloc[: (stop - start).days + 1]
    x = _days(table.index) + _ONE_DAY  # the total through a day, at its end
    median = table["q50"].to_numpy(float)

    def base(day: dt.date) -> float:
        """Median total through the day before ``day`` (0 on or before ``start``)."""
        i = (day - start).days - 1
        return 0.0 if i < 0 else float(median[min(i, len(median) - 1)])

    ax = _axes(ax, style)
    with _style(style):
        b50, b90 = _bands(ax, x, table, _FIT)
        (line,) = ax.plot(x, median, color=_FIT, linestyle="-", linewidth=1.2, label=label)
        line.set_gid("median")
        handles = [(b90, b50, line)]
        labels = [_wrap(f"{label}, 50% and 90% intervals", 30)]
        tops = [float(table["q95"].max())]
        keys = []
        numbers: dict = {}  # window end -> [(height, number)]: one label per end date
        for n, (date, value, text, t_start) in enumerate(marks, start=1):
            xd = _day(date) + _ONE_DAY
            if t_start is not None and t_start >= start:
                b = base(t_start)
                (pace,) = ax.plot(
                    [_day(t_start), xd],
                    [b, b + value],
                    color=COLORS[5],
                    linestyle=":",
                    linewidth=1.0,
                    zorder=3.5,
                )
                pace.set_gid(f"target-pace:{n}")
            else:
                b = 0.0
                if t_start is not None:  # a window from before the plot starts
                    text += f" (from {t_start:%-d %b %Y})"
            (mark,) = ax.plot(
                [xd],
                [b + value],
                linestyle="none",
                marker="D",
                markersize=4.5,
                markerfacecolor="white",
                markeredgecolor=COLORS[5],
                markeredgewidth=1.0,
                zorder=4,
                label="_nolegend_",
            )
            mark.set_gid(f"target:{n - 1}")
            tops.append(b + value)
            if len(marks) > 1:
                numbers.setdefault(xd, []).append((b + value, n))
            if text:
                keys.append(f"{n}. {text}" if len(marks) > 1 else text)
        for xd, found in numbers.items():
            # Targets ending on one day share a label above the highest, "2, 5": their
            # numbers would otherwise overprint.
            num = ax.annotate(
                ", ".join(str(n) for _, n in sorted(found, key=lambda f: f[1])),
                (xd, max(h for h, _ in found)),
                xytext=(0, 4),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=6,
                color=COLORS[5],
            )
            num.set_gid(f"label:target-number:{xd}")
        x1 = max([x[-1]] + [_day(d) + _ONE_DAY for d, *_ in marks])
        if marks:  # room for a diamond on the last day
            x1 = x1 + np.timedelta64(max(1, int((x1 - _day(start)) / _ONE_DAY) // 40), "D")
        ax.set_xlim(_day(start), x1)
        # Room above the highest band or target for the key in the upper left.
        room = 1.12 + 0.07 * len(keys)
        ax.set_ylim(0, max(max(tops), 1.0) * room)
        i_last = min(max((last - start).days, 0), len(table) - 1)
        known = max([float(median.max()), float(table["q95"].iloc[i_last])] + tops[1:])
        cap, note = _band_cap(known, table["q95"], x)
        if cap is not None:  # a band many times the data would squeeze them into a strip
            ax.set_ylim(0, cap * room)
            labels[0] = _wrap(f"{label}, 50% and 90% intervals{note}", 30, lines=4)
        if keys:
            key = ax.text(
                0.02,
                0.98,
                "\n".join(keys),
                transform=ax.transAxes,
                ha="left",
                va="top",
                fontsize=6,
                color=COLORS[5],
                linespacing=1.2,
            )
            key.set_gid("label:targets")
            from matplotlib.lines import Line2D

            handles.append(
                Line2D(
                    [],
                    [],
                    linestyle=":",
                    linewidth=1.0,
                    color=COLORS[5],
                    marker="D",
                    markersize=4.5,
                    markerfacecolor="white",
                    markeredgecolor=COLORS[5],
                )
            )
            labels.append("target")
        _set_ylabel(ax, axis_label(fit.quantity, since=start))
        _count_axis(ax.yaxis)
        _date_axis(ax)
        _titles(ax, ylabel=ylabel, title=title)
        _legend(ax, handles, labels)
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


def _scenario_name(name: str) -> str:
    text = str(name).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def plot_projection(
    projection,
    variable: str,
    *,
    scenarios: Sequence[str] | None = None,
    band: str | None = None,
    ax=None,
    ylabel: str | None = None,
    title: str | None = None,
    style=STYLE,
):
    """Projected ``variable`` over time: a median line per scenario, one shared band.

    One scenario (``band``, the first drawn by default: the baseline) carries the 50%
    and 90% bands in its colour; every scenario is a median line of its own colour and
    line style. Fans of several scenarios laid over each other blend into one muddy
    band; to compare their spread at one date use :func:`plot_scenarios`, or one Axes
    per scenario (small multiples) with ``scenarios=[name]``.

    Parameters
    ----------
    projection : trends.projection.Projection
        Anything with ``scenarios``, ``variables`` and
        ``quantiles(variable, scenario) -> DataFrame`` (index date; ``mean, q05 ...
        q95``).
    variable : str
    scenarios : sequence of str, optional
        Which scenarios, in drawing order; all by default (baseline first).
    band : str, optional
        The scenario whose bands are drawn; default the first of ``scenarios``.
    ax : matplotlib.axes.Axes, optional
    ylabel, title : str, optional
        Replace the y label ("Reserve (people)") or set a title.
    style : str, dict, list or None
        Matplotlib style the artists are drawn in and applied to ``ax`` (None: as is).

    Returns
    -------
    matplotlib.axes.Axes
    """
    from matplotlib.patches import Patch

    _check_variable(projection, variable)
    names = _scenarios(projection, scenarios)
    band = names[0] if band is None else band
    if band not in names:
        raise DataError(f"band={band!r} is not among the scenarios drawn ({', '.join(names)})")
    ax = _axes(ax, style)
    with _style(style):
        handles, labels = [], []
        for i, name in enumerate(names):
            table = projection.quantiles(variable, scenario=name)
            x = _days(table.index)
            color = COLORS[i % len(COLORS)]
            if name == band:
                b50, b90 = _bands(ax, x, table, color, label=False, gid=name)
                band_color = color
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
            labels.append(_wrap(_scenario_name(name)))
        handles.append(
            (
                Patch(facecolor=band_color, alpha=0.5, linewidth=0),
                Patch(facecolor=band_color, alpha=0.22, linewidth=0),
            )
        )
        labels.append(_wrap(f"{_scenario_name(band)}: 50%, 90% intervals", 30))
        _set_ylabel(ax, axis_label(variable))
        _count_axis(ax.yaxis)
        _date_axis(ax)
        _titles(ax, ylabel=ylabel, title=title)
        _legend(ax, handles, labels)
    return ax


def plot_scenarios(
    projection,
    variable: str,
    date,
    *,
    ax=None,
    ylabel: str | None = None,
    title: str | None = None,
    style=STYLE,
):
    """The scenarios side by side at one date: 90% line, 50% bar, median marker.

    Parameters
    ----------
    projection : trends.projection.Projection
    variable : str
    date : date-like
        The last projected date on or before it is shown (named on the x axis).
    ax : matplotlib.axes.Axes, optional
    ylabel, title : str, optional
        Replace the y label ("Reserve (people)") or set a title.
    style : str, dict, list or None
        Matplotlib style the artists are drawn in and applied to ``ax`` (None: as is).

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
        ax.set_xticks(range(len(names)), [textwrap.fill(_scenario_name(n), 12) for n in names])
        ax.set_xlim(-0.6, len(names) - 0.4)
        ax.grid(False, axis="x")
        ax.set_xlabel(f"Scenario (on {as_date(used):%-d %b %Y})")
        _set_ylabel(ax, axis_label(variable))
        _count_axis(ax.yaxis)
        key = ax.text(
            1.0,
            1.0,
            "bar 50%, line 90%, marker median",
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            fontsize=6,
            color=_GREY,
        )
        key.set_gid("label:key")
        _titles(ax, ylabel=ylabel, title=title)
    return ax


# ---- validation ---------------------------------------------------------------------------
def _need(table, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise DataError(
            f"{what}: the table lacks column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)} (it has {', '.join(map(str, table.columns))})"
        )


def plot_calibration(
    table, *, ax=None, ylabel: str | None = None, title: str | None = None, style=STYLE
):
    """Interval coverage by window against the nominal levels.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns ``window`` (label), ``level`` (nominal, e.g. 0.5 and 0.9),
        ``coverage`` (fraction of intervals containing the truth) and ``se`` (its
        standard error). Points carry +-1.96 se error bars; dashed lines mark each
        nominal level in its colour.
    ax : matplotlib.axes.Axes, optional
    ylabel, title : str, optional
        Replace the y label or set a title.
    style : str, dict, list or None
        Matplotlib style the artists are drawn in and applied to ``ax`` (None: as is).

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
        _titles(ax, ylabel=ylabel, title=title)
        _legend(ax, handles, labels, ncol=len(handles), borderaxespad=1.9)
    return ax


def plot_pit(
    pit_values,
    *,
    bins: int = 10,
    ax=None,
    ylabel: str | None = None,
    title: str | None = None,
    style=STYLE,
):
    """Histogram of probability integral transform values against the uniform.

    A calibrated forecast gives a flat histogram at density 1 (solid line); the grey band
    is where 90% of bin heights fall under uniformity (binomial).

    Parameters
    ----------
    pit_values : array_like
        PIT values in [0, 1].
    ax : matplotlib.axes.Axes, optional
    ylabel, title : str, optional
        Replace the y label or set a title.
    style : str, dict, list or None
        Matplotlib style the artists are drawn in and applied to ``ax`` (None: as is).
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
        _titles(ax, ylabel=ylabel, title=title)
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


def plot_backtest(
    table,
    *,
    reference: float | None = 1.0,
    ax=None,
    ylabel: str | None = None,
    title: str | None = None,
    style=STYLE,
):
    """Backtest scores as grouped bars: one group per horizon, one bar per method.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns ``method``, ``horizon`` (e.g. ``forecast``, ``nowcast``) and
        ``pinball`` (quantile loss relative to a baseline; lower is better). Several
        rows for one method and horizon are averaged.
    ax : matplotlib.axes.Axes, optional
    ylabel, title : str, optional
        Replace the y label or set a title.
    style : str, dict, list or None
        Matplotlib style the artists are drawn in and applied to ``ax`` (None: as is).
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
        ax.set_xticks(range(len(horizons)), [_scenario_name(h) for h in horizons])
        ax.set_xlim(-0.5, len(horizons) - 0.5)
        ax.set_ylim(bottom=0)
        ax.margins(y=0.12)
        ax.grid(False, axis="x")
        ax.set_ylabel("Relative quantile loss")
        _titles(ax, ylabel=ylabel, title=title)
        _legend(ax, handles, methods, ncol=min(len(methods), 3), borderaxespad=1.9)
    return ax


# ---- backtests over many series -------------------------------------------------------------
_PIT_EDGES = (0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0)
_PIT_CAP = 4.0


def plot_backtest_series(
    rows,
    *,
    statistic: str = "mean",
    clip: float | None = None,
    ax=None,
    ylabel: str | None = None,
    title: str | None = None,
    style=STYLE,
):
    """Relative pinball loss of each method on each series (a dot plot).

    Parameters
    ----------
    rows : pandas.DataFrame
        Backtest score rows (:func:`trends.backtest.backtest`): columns ``series``,
        ``method`` and ``pinball`` (quantile loss / truth). Rows of one series and
        method are averaged; series run top to bottom in their order of appearance.
    statistic : {"mean", "median"}
        How the rows of one series and method are summarised.
    clip : float, optional
        Right end of the axis; scores beyond it are drawn as hollow markers on it.
    ax : matplotlib.axes.Axes, optional
    ylabel, title : str, optional
        Set a y label (the series names are the ticks) or a title.
    style : str, dict, list or None
        Matplotlib style the artists are drawn in and applied to ``ax`` (None: as is).

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
        ax.set_yticks(range(len(series)), [_wrap(s, 22, lines=1) for s in series])
        ax.set_ylim(len(series) - 0.5, -0.5)
        ax.set_xscale("log")
        ax.margins(x=0.06)
        if clip is not None:
            ax.set_xlim(right=clip)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.grid(False, axis="y")
        ax.set_xlabel(f"Pinball loss / truth ({statistic})")
        _titles(ax, ylabel=ylabel, title=title)
        handles, labels = ax.get_legend_handles_labels()
        _legend(ax, handles, labels, ncol=min(len(handles), 4))
    return ax


def plot_backtest_pit(
    rows, *, ax=None, ylabel: str | None = None, title: str | None = None, style=STYLE
):
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
    ylabel, title : str, optional
        Replace the y label or set a title.
    style : str, dict, list or None
        Matplotlib style the artists are drawn in and applied to ``ax`` (None: as is).

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
        _titles(ax, ylabel=ylabel, title=title)
        handles, labels = ax.get_legend_handles_labels()
        _legend(ax, handles, labels, ncol=min(len(handles), 2))
    return ax


# ---- sensitivity --------------------------------------------------------------------------
def plot_sensitivity(
    table,
    *,
    ax=None,
    variables: Sequence[str] | None = None,
    ylabel: str | None = None,
    title: str | None = None,
    style=STYLE,
):
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
        ax.set_yticks(ys, [_quantity(n)[0] for n in order])
        ax.set_ylim(-0.6, len(order) - 0.4)
        ax.set_xlim(0.0, 1.0)
        ax.grid(False, axis="y")
        ranks = "transform" in table.columns and (table["transform"] == "rank").all()
        of = "of the ranks" if ranks else "of the values"
        ax.set_xlabel(f"First-order index (share of the variance {of})")
        _legend(ax, handles, [_quantity(v)[0] for v in chosen], ncol=min(k, 4), borderaxespad=3.4)
        _titles(ax, ylabel=ylabel, title=title)
    return ax
