"""Stock-flow projections: daily recruits and casualties -> reserve, front, attrition.

The model
---------
Per Monte Carlo draw, on every day ``t`` from the projection start to ``until``, with
``r_t`` recruits and ``c_t`` casualties (daily flows: posterior sample paths of two rate
fits) and the structural assumptions ``k`` (share of casualties killed, missing or
captured), ``rho`` (share of the other, wounded, who return to duty), ``D`` (days until
they return; the rest are invalided out then), ``h`` (minimum share of recruits held
back) and ``R0`` (the reserve the day before the start)::

    returns_t       = rho (1 - k) c_{t-D}
    invalided_t     = (1 - rho) (1 - k) c_{t-D}
    irrecoverable_t = k c_t + invalided_t
    P_t = F_{t-1} + (1 - h) r_t - c_t + returns_t          (F_{-1} = 0)
    F_t = min(P_t, 0)                    front: deficit against its strength at the start
    R_t = R_{t-1} + h r_t + max(P_t, 0)  reserve (R_{-1} = R0)
    W_t = W_{t-1} + (1 - k) c_t - returns_t - invalided_t   wounded in recovery
    A_t = A_{t-1} + irrecoverable_t      attrition since the start (A_{-1} = 0)
    net_force_change_t = r_t - irrecoverable_t

``W_{-1}`` holds the wounded of the ``D`` days before the start, so the casualty path
must begin ``max D`` days before the start. Summing the changes gives the identity
``R_t + F_t + W_t + A_t - (R0 + W_{-1}) = r_0 + ... + r_t``.

With ``x_t = (1 - h) r_t - c_t + returns_t`` and ``X_t = x_0 + ... + x_t`` the front is
a Lindley recursion, ``F_t = min(F_{t-1} + x_t, 0)``, whose closed form is
``F_t = X_t - M_t`` with ``M_t = max(0, X_0, ..., X_t)``; and
``R_t = R0 + h (r_0 + ... + r_t) + M_t``. ``M_t`` is a running maximum of sums that grow
with every ``r_s`` and shrink with every ``c_s`` of the projection (a casualty lowers
``x_s`` by 1 and raises ``x_{s+D}`` by ``rho (1 - k) <= 1``), so the reserve never falls
when recruits rise and never rises when projected casualties rise. The code uses the
closed form: cumulative sums and running maxima, a loop over days with numpy over all
draws, in chunks of days (float64 arithmetic and carried state; paths stored as
float32) so memory stays at the inputs plus one chunk.

Randomness: one ``seed`` gives independent streams (seeds drawn from one generator) for the two
fits, the two sets of sample paths and the assumption draws. Every scenario reuses the
same paths and the same uniform numbers behind the assumption draws (common random
numbers), so a difference between scenarios is the scenario's, draw by draw.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import os
import re
import tomllib
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.special import ndtri

from .claims import Claim, independent
from .errors import AssumptionsError, DataError
from .limits import check_assumptions, check_cells, check_days
from .model import QUANTILES, _quantiles, fit, qcol
from .rng import spawn
from .units import as_date as _as_date

__all__ = [
    "ASSUMPTIONS",
    "VARIABLES",
    "FLOWS",
    "STOCKS",
    "Distribution",
    "FlowChange",
    "Scenario",
    "Assumptions",
    "read_assumptions",
    "parse_assumptions",
    "simulate",
    "project",
    "target_attainment",
    "Projection",
    "CrossingDate",
    "ProjectionSummary",
]

#: The structural assumptions, in the order they are drawn.
ASSUMPTIONS: tuple[str, ...] = (
    "killed_missing_captured_share",
    "wounded_return_share",
    "return_delay_days",
    "held_back_share",
    "starting_reserve",
)
_SHORT = {
    "killed_missing_captured_share": "k",
    "wounded_return_share": "rho",
    "return_delay_days": "D",
    "held_back_share": "h",
    "starting_reserve": "R0",
}
#: Daily flows (``cumulative=True`` sums them from the start).
FLOWS: tuple[str, ...] = ("recruits", "casualties", "irrecoverable", "returns", "net_force_change")
#: Stocks (levels at the end of each day).
STOCKS: tuple[str, ...] = ("reserve", "front", "recovering", "attrition")
VARIABLES: tuple[str, ...] = FLOWS + STOCKS
DISTS: tuple[str, ...] = ("uniform", "triangular", "fixed", "lognormal")
_DIST_PARAMS = {
    "uniform": ("low", "high"),
    "triangular": ("low", "mode", "high"),
    "fixed": ("value",),
    "lognormal": ("low", "high"),
}
_Z90 = 1.6448536269514722
_ROLES = ("recruits", "casualties")


# ---------------------------------------------------------------------------------
# Assumptions
# ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Distribution:
    """One assumption as a distribution.

    Attributes
    ----------
    name : str
        The assumption, one of :data:`ASSUMPTIONS`.
    dist : str
        ``uniform``, ``triangular``, ``fixed`` or ``lognormal`` (a 90% range).
    low, high, mode, value : float or None
        Parameters (those the distribution uses).
    source : str
        Where the range comes from.
    integer : bool
        Draws are whole numbers (``return_delay_days``).
    """

    name: str
    dist: str
    low: float | None = None
    high: float | None = None
    mode: float | None = None
    value: float | None = None
    source: str = ""
    integer: bool = False

    @property
    def support(self) -> tuple[float, float]:
        """Smallest and largest possible draw."""
        if self.dist == "fixed":
            return float(self.value), float(self.value)
        if self.dist == "lognormal":
            return 0.0, math.inf
        return float(self.low), float(self.high)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Quantile function: uniform numbers in [0, 1) -> draws (float64)."""
        u = np.asarray(u, dtype=np.float64)
        if self.dist == "fixed":
            return np.full(u.shape, float(self.value))
        lo, hi = float(self.low), float(self.high)
        if self.dist == "uniform":
            if self.integer:  # every whole number lo..hi equally likely
                return np.minimum(np.floor(lo + u * (hi - lo + 1.0)), hi)
            return lo + u * (hi - lo)
        if self.dist == "triangular":
            md = float(self.mode)
            if hi == lo:
                x = np.full(u.shape, lo)
            else:
                fc = (md - lo) / (hi - lo)
                left = lo + np.sqrt(u * (hi - lo) * (md - lo))
                right = hi - np.sqrt((1.0 - u) * (hi - lo) * (hi - md))
                x = np.where(u < fc, left, right)
            return np.rint(x) if self.integer else x
        # lognormal from its 5% and 95% quantiles
        mu = 0.5 * (math.log(lo) + math.log(hi))
        sigma = (math.log(hi) - math.log(lo)) / (2 * _Z90)
        uu = np.clip(u, 1e-12, 1 - 1e-12)
        return np.exp(mu + sigma * ndtri(uu))

    def describe(self) -> str:
        """Short text, e.g. ``uniform(0, 0.2)``."""
        if self.dist == "fixed":
            return f"fixed({_g(self.value)})"
        if self.dist == "triangular":
            return f"triangular({_g(self.low)}, mode {_g(self.mode)}, {_g(self.high)})"
        if self.dist == "lognormal":
            return f"lognormal(90% {_g(self.low)} to {_g(self.high)})"
        return f"uniform({_g(self.low)}, {_g(self.high)})"


@dataclass(frozen=True)
class FlowChange:
    """A scenario's change to a flow: ``multiply`` from ``start`` to ``end`` (inclusive).

    ``role`` is ``recruits`` or ``casualties``; ``start``/``end`` None mean open.
    """

    role: str
    multiply: float
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass(frozen=True)
class Scenario:
    """A named set of changes to the baseline.

    Attributes
    ----------
    name, description : str
    flows : tuple of FlowChange
        Multipliers of the recruit or casualty paths over a date range.
    assumptions : mapping
        Assumption name -> :class:`Distribution` replacing the baseline's; drawn from the
        same uniform numbers as the baseline (common random numbers).
    """

    name: str
    description: str = ""
    flows: tuple[FlowChange, ...] = ()
    assumptions: Mapping[str, Distribution] = field(default_factory=dict)


@dataclass(frozen=True)
class Assumptions:
    """A parsed assumptions file (see ``data/assumptions.toml``).

    Attributes
    ----------
    start : datetime.date
        First projected day.
    recruits, casualties : str
        Quantities (as in the claims) of the two flows.
    distributions : mapping
        Assumption name -> :class:`Distribution`, for every name in :data:`ASSUMPTIONS`.
    scenarios : mapping
        Scenario name -> :class:`Scenario`.
    path : str
        File it came from (or ``<assumptions>``).
    """

    start: dt.date
    recruits: str
    casualties: str
    distributions: Mapping[str, Distribution]
    scenarios: Mapping[str, Scenario] = field(default_factory=dict)
    path: str = "<assumptions>"

    def quantity(self, role: str) -> str:
        """The claims quantity of ``recruits`` or ``casualties``."""
        return self.recruits if role == "recruits" else self.casualties

    def distribution(self, name: str, scenario: str = "baseline") -> Distribution:
        """The distribution of an assumption in a scenario (the baseline's unless changed)."""
        if scenario != "baseline":
            changed = self.scenarios[scenario].assumptions
            if name in changed:
                return changed[name]
        return self.distributions[name]

    def max_delay(self, scenarios: Sequence[str] = ()) -> int:
        """Largest possible ``return_delay_days`` over the baseline and ``scenarios``."""
        names = ["baseline", *scenarios]
        return int(max(self.distribution("return_delay_days", s).support[1] for s in names))


def read_assumptions(path: str | os.PathLike) -> Assumptions:
    """Read and validate an assumptions file (TOML).

    Parameters
    ----------
    path : path-like

    Returns
    -------
    Assumptions

    Raises
    ------
    AssumptionsError
        Every problem at once, each naming the key and its line: unknown keys (with a
        suggestion), unknown distributions, shares outside 0..1, ``low`` above ``high``,
        missing keys, scenarios naming unknown fields, bad dates.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise AssumptionsError(f"{path}: cannot read the assumptions file ({e})") from None
    return parse_assumptions(text, source=str(path))


def parse_assumptions(text: str, *, source: str = "<assumptions>") -> Assumptions:
    """Validate the text of an assumptions file; see :func:`read_assumptions`."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise AssumptionsError(f"{source}: not valid TOML: {e}") from None
    checker = _Checker(source, _key_lines(text))
    result = checker.check(doc)
    checker.raise_if_any()
    assert result is not None
    return result


@dataclass(frozen=True)
class _Problem:
    line: int | None
    key: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line is not None else "(no line)"
        text = f"{where}, key '{self.key}': {self.message}"
        return f"{text} ({self.hint})" if self.hint else text


class _Checker:
    """Collects every problem of an assumptions document, each with key and line."""

    def __init__(self, source: str, lines: dict[tuple[str, ...], int]):
        self.source = source
        self.lines = lines
        self.problems: list[_Problem] = []

    # ---- reporting ------------------------------------------------------------------
    def line(self, key: tuple[str, ...]) -> int | None:
        """Line of ``key``, else of its nearest parent that is in the file."""
        for n in range(len(key), 0, -1):
            if key[:n] in self.lines:
                return self.lines[key[:n]]
        return None

    def err(self, key: tuple[str, ...], message: str, hint: str = "") -> None:
        self.problems.append(_Problem(self.line(key), ".".join(key), message, hint))

    def unknown(
        self, key: tuple[str, ...], known: Sequence[str], what: str = "key", name=None
    ) -> None:
        name = key[-1] if name is None else str(name)
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else f"known: {', '.join(known)}"
        self.err(key, f"unknown {what} '{name}'", hint)

    def raise_if_any(self) -> None:
        if not self.problems:
            return
        probs = sorted(self.problems, key=lambda p: (p.line or 0, p.key))
        n = len(probs)
        lines = [f"{self.source}: {n} error{'s' if n != 1 else ''} in the assumptions file"]
        lines += [f"  {self.source}: {p}" for p in probs]
        err = AssumptionsError("\n".join(lines))
        err.problems = probs  # type: ignore[attr-defined]
        raise err

    # ---- values ---------------------------------------------------------------------
    def number(self, key, value) -> float | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.err(key, f"{value!r} is not a number", "write e.g. 0.25 or 30000")
            return None
        if not math.isfinite(value):
            self.err(key, f"{value!r} is not finite", "give a finite number")
            return None
        return float(value)

    def date(self, key, value) -> dt.date | None:
        if isinstance(value, dt.datetime):
            self.err(key, f"{value} has a time of day", "write a date, YYYY-MM-DD")
            return None
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
                try:
                    return dt.date.fromisoformat(value.strip())
                except ValueError as e:
                    self.err(key, f"{value!r} is not a real date ({e})", "fix the day or month")
                    return None
        self.err(key, f"{value!r} is not a date", "write YYYY-MM-DD (a TOML date)")
        return None

    def string(self, key, value, *, quantity: bool = False) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.err(key, f"{value!r} is not a non-empty string", 'write it in quotes, "..."')
            return None
        if quantity and not re.fullmatch(r"[a-z][a-z0-9_]*", value):
            self.err(key, f"quantity {value!r} is not snake_case", 'e.g. "recruits"')
            return None
        return value

    def table(self, key, value) -> dict | None:
        if not isinstance(value, dict):
            self.err(
                key, f"should be a table, not {type(value).__name__}", f"write [{'.'.join(key)}]"
            )
            return None
        return value

    # ---- document -------------------------------------------------------------------
    def check(self, doc: dict) -> Assumptions | None:
        for k in doc:
            if k not in ("projection", "assumption", "scenario"):
                self.unknown((k,), ("projection", "assumption", "scenario"), "table")
        proj = self.projection(doc)
        dists = self.assumptions(doc)
        scenarios = self.scenarios(doc, proj[0] if proj else None)
        if self.problems or proj is None:
            return None
        start, recruits, casualties = proj
        return Assumptions(
            start=start,
            recruits=recruits,
            casualties=casualties,
            distributions=dists,
            scenarios=scenarios,
            path=self.source,
        )

    def projection(self, doc: dict):
        if "projection" not in doc:
            self.err(
                ("projection",), "missing table [projection]", "add start, recruits, casualties"
            )
            return None
        tab = self.table(("projection",), doc["projection"])
        if tab is None:
            return None
        allowed = ("start", "recruits", "casualties", "description")
        for k in tab:
            if k not in allowed:
                self.unknown(("projection", k), allowed)
        out = []
        for k in ("start", "recruits", "casualties"):
            key = ("projection", k)
            if k not in tab:
                self.err(
                    key,
                    "required key is missing",
                    "e.g. start = 2025-01-01" if k == "start" else f'e.g. {k} = "{k}"',
                )
                out.append(None)
            elif k == "start":
                out.append(self.date(key, tab[k]))
            else:
                out.append(self.string(key, tab[k], quantity=True))
        if "description" in tab:
            self.string(("projection", "description"), tab["description"])
        return None if None in out else tuple(out)

    def assumptions(self, doc: dict) -> dict[str, Distribution]:
        out: dict[str, Distribution] = {}
        if "assumption" not in doc:
            self.err(
                ("assumption",),
                "no [assumption.NAME] tables",
                f"add one for each of {', '.join(ASSUMPTIONS)}",
            )
            return out
        tab = self.table(("assumption",), doc["assumption"])
        if tab is None:
            return out
        for name, spec in tab.items():
            key = ("assumption", name)
            if name not in ASSUMPTIONS:
                self.unknown(key, ASSUMPTIONS, "assumption")
                continue
            d = self.distribution(key, name, spec, need_source=True)
            if d is not None:
                out[name] = d
        for name in ASSUMPTIONS:
            if name not in tab:
                self.err(
                    ("assumption", name),
                    "required assumption is missing",
                    f"add [assumption.{name}] with dist, its range and source",
                )
        return out

    def distribution(self, key, name, spec, *, need_source: bool) -> Distribution | None:
        spec = self.table(key, spec)
        if spec is None:
            return None
        n0 = len(self.problems)
        dist = spec.get("dist")
        if dist is None:
            self.err(
                key + ("dist",), "required key is missing", f"dist = one of {', '.join(DISTS)}"
            )
            return None
        if dist not in DISTS:
            self.unknown(key + ("dist",), DISTS, "dist", name=dist)
            return None
        params = _DIST_PARAMS[dist]
        allowed = ("dist", "source", *params)
        for k in spec:
            if k not in allowed:
                other = [d for d, ps in _DIST_PARAMS.items() if k in ps]
                if other:
                    self.err(
                        key + (k,),
                        f"'{k}' is not a parameter of {dist}",
                        f"{dist} takes {', '.join(params)}",
                    )
                else:
                    self.unknown(key + (k,), allowed)
        vals: dict[str, float | None] = {}
        for p in params:
            if p not in spec:
                self.err(
                    key + (p,),
                    f"required key is missing (dist = {dist!r})",
                    f"{dist} takes {', '.join(params)}",
                )
                vals[p] = None
            else:
                vals[p] = self.number(key + (p,), spec[p])
        source = ""
        if "source" in spec:
            source = self.string(key + ("source",), spec["source"]) or ""
        elif need_source:
            self.err(
                key + ("source",),
                "required key is missing",
                'say where the range comes from, or "no published figure"',
            )
        if any(v is None for v in vals.values()):
            return None  # the range checks need every parameter
        lo, hi = vals.get("low"), vals.get("high")
        if lo is not None and hi is not None and lo > hi:
            self.err(key + ("low",), f"low {_g(lo)} is above high {_g(hi)}", "swap them")
        if dist == "triangular" and lo <= hi and not (lo <= vals["mode"] <= hi):
            self.err(
                key + ("mode",),
                f"mode {_g(vals['mode'])} is outside {_g(lo)}..{_g(hi)}",
                "the mode lies between low and high",
            )
        if name.endswith("_share"):
            if dist == "lognormal":
                self.err(
                    key + ("dist",),
                    "a share cannot be lognormal (it would pass 1)",
                    "use uniform, triangular or fixed",
                )
            for p, v in vals.items():
                if v is not None and not 0.0 <= v <= 1.0:
                    self.err(
                        key + (p,),
                        f"{p} {_g(v)} is not a probability (outside 0..1)",
                        "a share lies in 0..1, e.g. 0.3 for 30%",
                    )
        else:
            for p, v in vals.items():
                if v is not None and v < 0:
                    self.err(key + (p,), f"{p} {_g(v)} is negative", "a count cannot be negative")
            if dist == "lognormal" and lo is not None and lo <= 0:
                self.err(key + ("low",), "a lognormal range starts above 0", "raise low")
        integer = name == "return_delay_days"
        if integer:
            if dist == "lognormal":
                self.err(
                    key + ("dist",),
                    "the return delay needs a bounded distribution",
                    "use uniform, triangular or fixed (the fit must reach back max D days)",
                )
            for p in ("low", "high", "value"):
                v = vals.get(p)
                if v is not None and v != int(v):
                    self.err(
                        key + (p,), f"{p} {_g(v)} is not a whole number of days", "write e.g. 30"
                    )
        if len(self.problems) > n0:
            return None
        return Distribution(
            name=name,
            dist=dist,
            low=vals.get("low"),
            high=vals.get("high"),
            mode=vals.get("mode"),
            value=vals.get("value"),
            source=source,
            integer=integer,
        )

    def scenarios(self, doc: dict, start: dt.date | None) -> dict[str, Scenario]:
        out: dict[str, Scenario] = {}
        if "scenario" not in doc:
            return out
        tab = self.table(("scenario",), doc["scenario"])
        if tab is None:
            return out
        fields_ = ("description", "source", *_ROLES, *ASSUMPTIONS)
        for name, spec in tab.items():
            key = ("scenario", name)
            if name == "baseline":
                self.err(key, "'baseline' is the run without changes", "rename the scenario")
                continue
            spec = self.table(key, spec)
            if spec is None:
                continue
            n0 = len(self.problems)
            flows, changed = [], {}
            for k, v in spec.items():
                kk = key + (k,)
                if k in ("description", "source"):
                    self.string(kk, v)
                elif k in _ROLES:
                    fc = self.flow_change(kk, k, v, start)
                    if fc is not None:
                        flows.append(fc)
                elif k in ASSUMPTIONS:
                    d = self.distribution(kk, k, v, need_source=False)
                    if d is not None:
                        changed[k] = d
                else:
                    self.unknown(kk, fields_, "scenario field")
            if not flows and not changed and len(self.problems) == n0:
                self.err(
                    key,
                    "the scenario changes nothing",
                    f"give a flow ({', '.join(_ROLES)}) or an assumption",
                )
            if len(self.problems) == n0:
                out[name] = Scenario(name, str(spec.get("description", "")), tuple(flows), changed)
        return out

    def flow_change(self, key, role, spec, start) -> FlowChange | None:
        spec = self.table(key, spec)
        if spec is None:
            return None
        n0 = len(self.problems)
        allowed = ("multiply", "from", "until")
        for k in spec:
            if k not in allowed:
                self.unknown(key + (k,), allowed)
        mult = None
        if "multiply" not in spec:
            self.err(key + ("multiply",), "required key is missing", "e.g. multiply = 0.8")
        else:
            mult = self.number(key + ("multiply",), spec["multiply"])
            if mult is not None and mult < 0:
                self.err(key + ("multiply",), f"multiply {_g(mult)} is negative", "flows are >= 0")
        d0 = self.date(key + ("from",), spec["from"]) if "from" in spec else None
        d1 = self.date(key + ("until",), spec["until"]) if "until" in spec else None
        if d0 is not None and start is not None and d0 < start:
            self.err(
                key + ("from",),
                f"from {d0} is before the projection start {start}",
                "a scenario changes the projection, not the past",
            )
        if d0 is not None and d1 is not None and d1 < d0:
            self.err(key + ("until",), f"until {d1} is before from {d0}", "swap them")
        if len(self.problems) > n0:
            return None
        return FlowChange(role, float(mult), d0, d1)


def _split_key(text: str) -> tuple[str, ...]:
    """A TOML dotted key -> its parts (quotes removed)."""
    parts = re.findall(r'"[^"]*"|\'[^\']*\'|[^.]+', text)
    return tuple(p.strip().strip("\"'").strip() for p in parts if p.strip())


_PART = r"""(?:[A-Za-z0-9_\-]+|"[^"]*"|'[^']*')"""
_KEY_LINE = re.compile(rf"^({_PART}(?:\s*\.\s*{_PART})*)\s*=\s*(.*)$")


def _key_lines(text: str) -> dict[tuple[str, ...], int]:
    """Key path -> line number (1-based) of its first mention in a TOML text.

    Tables map to their header, keys to their ``key = value`` line, and the keys of an
    inline table ``{ a = 1 }`` to the line of their parent key. Enough for messages.
    """
    out: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    in_string: str | None = None
    for no, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if in_string is not None:
            if line.count(in_string) % 2 == 1:
                in_string = None
            continue
        if not line or line.startswith("#"):
            continue
        m = re.match(r"^\[\[?([^\[\]]+)\]\]?", line)
        if m:
            table = _split_key(m.group(1))
            for n in range(1, len(table) + 1):
                out.setdefault(table[:n], no)
            continue
        m = _KEY_LINE.match(line)
        if not m:
            continue
        key = table + _split_key(m.group(1))
        for n in range(len(table) + 1, len(key) + 1):
            out.setdefault(key[:n], no)
        rest = m.group(2)
        if rest.startswith("{"):
            for inner in re.findall(r"""([A-Za-z0-9_\-]+|"[^"]*")\s*=""", rest):
                out.setdefault(key + (inner.strip('"'),), no)
        for delim in ('"""', "'''"):
            if rest.startswith(delim) and rest.count(delim) % 2 == 1:
                in_string = delim
    return out


def _g(x) -> str:
    return f"{x:,.6g}" if isinstance(x, float) and abs(x) >= 1000 else f"{x:g}"


# ---------------------------------------------------------------------------------
# The simulation
# ---------------------------------------------------------------------------------


_STEP = 32  # days per chunk: temporaries of 32 x draws stay in cache


def _cum(a: np.ndarray, carry: np.ndarray, op=np.add) -> None:
    """Accumulate ``a`` (days, draws) along days in place, continuing from ``carry``.

    A loop over days with numpy over draws: each step is one vector operation on a
    contiguous row (numpy's own accumulate along axis 0 is strided and slower).
    ``carry`` becomes the last row.
    """
    op(a[0], carry, out=a[0])
    for j in range(1, a.shape[0]):
        op(a[j], a[j - 1], out=a[j])
    carry[...] = a[-1]


class _Engine:
    """The model for one scenario over every draw, a chunk of days at a time.

    Flows come as days x draws arrays of any float dtype (the arithmetic and the
    state carried between chunks are float64); draws must be sorted by their return
    delay ``D``, so each chunk's lagged casualties are one slice per distinct ``D``.
    """

    def __init__(self, recruits, casualties, k, rho, D, h, R0, lead, mr=None, mc=None):
        self.r, self.ce = recruits, casualties
        self.T, self.n = recruits.shape
        self.lead = int(lead)
        if casualties.shape != (self.lead + self.T, self.n):
            raise DataError(
                f"casualties have shape {casualties.shape}; expected {(self.lead + self.T, self.n)}"
            )
        D = np.asarray(D, dtype=np.int64)
        if np.any(D[1:] < D[:-1]):
            raise ValueError("draws must be sorted by return delay")  # internal misuse
        self.mr = None if mr is None or np.all(mr == 1.0) else np.asarray(mr, dtype=np.float64)
        self.mc = None if mc is None or np.all(mc == 1.0) else np.asarray(mc, dtype=np.float64)
        self.k, self.h, self.R0 = k, h, R0
        self.one_k = 1.0 - k
        self.keep = 1.0 - h
        self.ret = rho * self.one_k  # returns per lagged casualty
        self.inv = (1.0 - rho) * self.one_k  # invalided per lagged casualty
        uniq, first = np.unique(D, return_index=True)
        bounds = [*first.tolist(), self.n]
        self.groups = [
            (int(d), i, j) for d, i, j in zip(uniq.tolist(), bounds[:-1], bounds[1:], strict=True)
        ]
        # wounded in recovery the day before the start: casualties of days -D .. -1
        w0 = np.zeros(self.n)
        for d, i, j in self.groups:
            if d:
                w0[i:j] = self._rows(self.lead - d, self.lead, i, j).sum(axis=0)
        self.w0 = self.one_k * w0

    def _rows(self, a: int, b: int, i: int = 0, j: int | None = None) -> np.ndarray:
        """Casualties on rows ``a..b-1`` (of the lead + T grid), draws ``i..j-1``, float64."""
        x = self.ce[a:b, i:j].astype(np.float64)
        if self.mc is not None:
            x *= self.mc[a:b, None]
        return x

    def _recruits(self, t0: int, t1: int) -> np.ndarray:
        x = self.r[t0:t1].astype(np.float64)
        if self.mr is not None:
            x *= self.mr[t0:t1, None]
        return x

    def _lag(self, t0: int, t1: int) -> np.ndarray:
        """``c_{t-D}`` for days ``t0..t1-1``, each draw with its own ``D``."""
        out = np.empty((t1 - t0, self.n))
        for d, i, j in self.groups:
            a = self.lead - d + t0
            out[:, i:j] = self.ce[a : a + t1 - t0, i:j]
            if self.mc is not None:
                out[:, i:j] *= self.mc[a : a + t1 - t0, None]
        return out

    def chunks(self, want: set, step: int = _STEP):
        """Yield ``(t0, t1, {variable: (t1 - t0, draws) float64})`` over the days."""
        n = self.n
        lagged = bool(want - {"recruits", "casualties"})
        X, M, Rc, A = np.zeros(n), np.zeros(n), np.zeros(n), np.zeros(n)
        W = self.w0.copy()
        for t0 in range(0, self.T, step):
            t1 = min(t0 + step, self.T)
            r = self._recruits(t0, t1)
            c = self._rows(self.lead + t0, self.lead + t1)
            out = {"recruits": r, "casualties": c}
            if lagged:
                lag = self._lag(t0, t1)
                if "returns" in want:
                    out["returns"] = lag * self.ret
                if want & {"irrecoverable", "net_force_change", "attrition"}:
                    irr = c * self.k
                    irr += lag * self.inv
                    out["irrecoverable"] = irr
                    if "net_force_change" in want:
                        out["net_force_change"] = r - irr
                    if "attrition" in want:
                        a = irr.copy()
                        _cum(a, A)
                        out["attrition"] = a
                if "recovering" in want:
                    w = c - lag
                    w *= self.one_k
                    _cum(w, W)
                    out["recovering"] = w
                if want & {"reserve", "front"}:
                    x = r * self.keep
                    x -= c
                    x += lag * self.ret
                    _cum(x, X)  # X_t
                    m = np.maximum(x, 0.0)
                    _cum(m, M, np.maximum)  # M_t = max(0, X_0 .. X_t)
                    if "reserve" in want:
                        rc = r.copy()
                        _cum(rc, Rc)
                        rc *= self.h
                        rc += m
                        rc += self.R0
                        out["reserve"] = rc
                    if "front" in want:
                        x -= m
                        out["front"] = x
            yield t0, t1, out

    def ends(self, step: int = 4 * _STEP) -> dict[str, np.ndarray]:
        """The stocks on the last day, per draw, without keeping paths."""
        n = self.n
        X, M = np.zeros(n), np.zeros(n)
        sum_r, sum_c, sum_lag = np.zeros(n), np.zeros(n), np.zeros(n)
        for t0 in range(0, self.T, step):
            t1 = min(t0 + step, self.T)
            r = self._recruits(t0, t1)
            c = self._rows(self.lead + t0, self.lead + t1)
            lag = self._lag(t0, t1)
            sum_r += r.sum(axis=0)
            sum_c += c.sum(axis=0)
            sum_lag += lag.sum(axis=0)
            x = r
            x *= self.keep
            x -= c
            lag *= self.ret
            x += lag
            _cum(x, X)
            np.maximum(M, x.max(axis=0), out=M)
        attrition = self.k * sum_c + self.inv * sum_lag
        recovering = self.w0 + self.one_k * (sum_c - sum_lag)
        reserve = self.R0 + self.h * sum_r + M
        front = X - M
        return {
            "reserve": reserve,
            "front": front,
            "recovering": recovering,
            "attrition": attrition,
            "net_force_change": sum_r - attrition,  # cumulative since the start
            "recruits": sum_r,
        }


def simulate(
    recruits: np.ndarray,
    casualties: np.ndarray,
    *,
    killed_share,
    return_share,
    delay,
    held_back,
    reserve0,
    lead: int | None = None,
    variables: Sequence[str] = VARIABLES,
) -> dict[str, np.ndarray]:
    """Run the stock-flow model on given flows (the engine of :func:`project`).

    Parameters
    ----------
    recruits : array, shape (n, T)
        Daily recruits of each draw on the projected days.
    casualties : array, shape (n, lead + T)
        Daily casualties from ``lead`` days before the first projected day.
    killed_share, return_share, delay, held_back, reserve0 : float or array (n,)
        ``k``, ``rho``, ``D`` (whole days, at most ``lead``), ``h``, ``R0``.
    lead : int, optional
        Days of casualties before the start; default ``casualties.shape[1] - T``.
    variables : sequence of str
        Which of :data:`VARIABLES` to return.

    Returns
    -------
    dict
        Variable -> float64 array (n, T); also ``initial_reserve`` and
        ``initial_recovering`` (n,), the stocks the day before the start.
    """
    r = np.atleast_2d(np.asarray(recruits, dtype=np.float64))
    ce = np.atleast_2d(np.asarray(casualties, dtype=np.float64))
    n, T = r.shape
    lead = ce.shape[1] - T if lead is None else int(lead)
    if ce.shape != (n, lead + T):
        raise DataError(f"casualties have shape {ce.shape}; expected {(n, lead + T)}")
    k, rho, D, h, R0 = (
        np.broadcast_to(np.asarray(v, dtype=np.float64), (n,)).copy()
        for v in (killed_share, return_share, delay, held_back, reserve0)
    )
    if np.any(D != np.round(D)) or np.any(D < 0) or np.any(D > lead):
        raise DataError(
            f"return delays must be whole days in 0..{lead} (the days of "
            "casualties given before the start)"
        )
    unknown = set(variables) - set(VARIABLES)
    if unknown:
        raise DataError(f"unknown variables {sorted(unknown)}; use {', '.join(VARIABLES)}")
    o = np.argsort(D, kind="stable")  # the engine wants draws sorted by delay
    eng = _Engine(
        np.ascontiguousarray(r[o].T),
        np.ascontiguousarray(ce[o].T),
        k[o],
        rho[o],
        D[o].astype(np.int64),
        h[o],
        R0[o],
        lead,
    )
    res = {v: np.empty((n, T)) for v in variables}
    for t0, t1, out in eng.chunks(set(variables)):
        for v in variables:
            res[v][o, t0:t1] = out[v].T
    res["initial_reserve"] = R0
    res["initial_recovering"] = np.empty(n)
    res["initial_recovering"][o] = eng.w0
    return res


# ---------------------------------------------------------------------------------
# Targets
# ---------------------------------------------------------------------------------


def target_attainment(fit_, target: Claim) -> dict:
    """How likely the total over a target's window reaches the target.

    Parameters
    ----------
    fit_ : RateFit
        A fit of the target's quantity whose grid covers the target's window.
    target : Claim
        A ``target`` claim (e.g. "as many as 400,000 contract soldiers this year").

    Returns
    -------
    dict
        ``id, quantity, start, end, target, p_reach`` (posterior probability that the
        total reaches ``target``), ``mean`` and ``q05 ... q95`` of the total.
    """
    start, end = target.window
    est = fit_.total(start, end)
    out = {
        "id": target.id,
        "quantity": target.quantity,
        "start": start,
        "end": end,
        "target": float(target.value),
        "p_reach": float(est.p_at_least(target.value)),
        "mean": float(est.mean),
    }
    out.update({qcol(q): float(v) for q, v in est.quantiles.items()})
    return out


# ---------------------------------------------------------------------------------
# The projection
# ---------------------------------------------------------------------------------


def project(
    claims: Sequence[Claim],
    assumptions: Assumptions,
    until: dt.date,
    *,
    scenarios: Sequence[str] | str = (),
    draws: int = 10_000,
    seed=0,
    fits: Mapping[str, object] | None = None,
    dtype=np.float32,
) -> Projection:
    """Project reserve, front, recovering wounded and attrition, with scenarios.

    Parameters
    ----------
    claims : sequence of Claim
        Claims about the two quantities named in ``assumptions`` (targets among them are
        compared against).
    assumptions : Assumptions
        From :func:`read_assumptions`.
    until : datetime.date
        Last projected day.
    scenarios : sequence of str or "all"
        Scenario names from the assumptions (the baseline always runs first).
    draws : int
        Monte Carlo draws.
    seed : None, int or numpy.random.Generator
        Seeds the fits, the sample paths and the assumption draws (independent streams).
    fits : mapping, optional
        ``{"recruits": RateFit, "casualties": RateFit}`` to reuse fits; each needs
        ``sample()`` (all stored paths), ``origin`` and ``n_days``, covering
        ``start - max delay .. until``.
    dtype : numpy dtype
        Storage of paths (float32 by default; the arithmetic is float64).

    Returns
    -------
    Projection

    Raises
    ------
    DataError
        A quantity without rate or total claims, fits not covering the days needed,
        ``until`` before the start.
    AssumptionsError
        An unknown scenario.
    """
    until = _as_date(until)
    check_assumptions(assumptions)
    start = assumptions.start
    if until < start:
        raise DataError(
            f"until {until} is before the projection start {start} "
            f"({assumptions.path}: projection.start)"
        )
    if isinstance(draws, bool) or not isinstance(draws, int | np.integer) or draws < 1:
        raise DataError(f"draws must be a positive whole number, not {draws!r}")
    names = _scenario_names(assumptions, scenarios)
    lead = assumptions.max_delay(names[1:])
    first = start - dt.timedelta(days=lead)
    how = "project to an earlier --until, or set a later projection.start"
    T = check_days(start, until, "the projection", how)
    check_cells(draws, check_days(first, until, "the projection with its delays", how),
                "the projection")  # fmt: skip
    streams = spawn(seed, 5)  # fit r, fit c, paths r, paths c, assumptions

    if fits is None:
        _check_quantities(claims, assumptions)
        fits = {
            role: fit(claims, assumptions.quantity(role), start=first, until=until, rng=streams[i])
            for i, role in enumerate(_ROLES)
        }
    else:
        missing = [r for r in _ROLES if r not in fits]
        if missing:
            raise DataError(
                f"fits lack {', '.join(missing)}; give {{'recruits': ..., 'casualties': ...}}"
            )
    paths = {}
    for i, role in enumerate(_ROLES):
        need0 = start if role == "recruits" else first
        paths[role] = _sample_window(
            fits[role], role, assumptions.quantity(role), need0, until, draws, streams[2 + i], dtype
        )

    u = streams[4].random((len(ASSUMPTIONS), draws))  # common random numbers
    # Draws are exchangeable (paths and uniforms independent), so order them by the
    # uniform behind the return delay: D is then sorted in every scenario (quantile
    # functions are monotone) and each chunk's lagged casualties are a few slices.
    u[ASSUMPTIONS.index("return_delay_days")].sort()
    params = {}
    for s in names:
        vals = {a: assumptions.distribution(a, s).ppf(u[j]) for j, a in enumerate(ASSUMPTIONS)}
        vals["return_delay_days"] = vals["return_delay_days"].astype(np.int64)
        params[s] = vals
    mult = {s: _multipliers(assumptions, s, start, T, lead) for s in names}

    targets = []
    for role in _ROLES:
        q = assumptions.quantity(role)
        for c in independent(claims):
            if c.quantity == q and c.kind == "target":
                try:
                    targets.append(target_attainment(fits[role], c))
                except (DataError, AttributeError):
                    pass  # the fit does not cover the window (or is a stub)

    proj = Projection(
        start=start,
        until=until,
        scenarios=tuple(names),
        draws=int(draws),
        seed=_seed_record(seed),
        assumptions=assumptions,
        lead=lead,
        fits=dict(fits),
        targets=tuple(targets),
        recruits_paths=paths["recruits"],
        casualties_paths=paths["casualties"],
        params=params,
        multipliers=mult,
    )
    proj._run_all()  # every scenario once: the values at `until` for the summary
    return proj


def _check_quantities(claims, assumptions) -> None:
    problems = []
    for role in _ROLES:
        q = assumptions.quantity(role)
        if not any(c.quantity == q and c.kind in ("rate", "total") for c in claims):
            problems.append(
                f"no rate or total claims about {q!r} (the {role} of the projection, "
                f"{assumptions.path}: projection.{role})"
            )
    if problems:
        known = sorted({c.quantity for c in claims})
        raise DataError(
            "; ".join(problems) + f"; quantities in the claims: {', '.join(known) or 'none'}"
        )


def _sample_window(f, role, quantity, d0, d1, n, gen, dtype) -> np.ndarray:
    """Resample the fit's stored paths over ``d0..d1`` into a (days, n) array."""
    origin = _as_date(f.origin)
    end = origin + dt.timedelta(days=int(f.n_days) - 1)
    if d0 < origin or d1 > end:
        raise DataError(
            f"the {role} fit ({quantity}) covers {origin}..{end}, but the projection needs "
            f"{d0}..{d1} (the start less the longest return delay, to until); fit with "
            f"start={d0}, until={d1}"
        )
    stored = np.asarray(f.sample())  # every stored posterior path, (m, n_days)
    i0, i1 = (d0 - origin).days, (d1 - origin).days + 1
    m = stored.shape[0]
    pick = gen.choice(m, size=n, replace=n > m)
    window = np.ascontiguousarray(stored[:, i0:i1].T, dtype=dtype)  # days x stored paths
    return np.take(window, pick, axis=1)  # days x draws


def _multipliers(assumptions, scenario, start, T, lead):
    """Per-day multipliers of recruits (T,) and casualties (lead + T,) in a scenario."""
    mr, mc = np.ones(T), np.ones(lead + T)
    if scenario == "baseline":
        return mr, mc
    for fc in assumptions.scenarios[scenario].flows:
        a = 0 if fc.start is None else max((fc.start - start).days, 0)
        b = T if fc.end is None else min((fc.end - start).days + 1, T)
        if a >= b:
            continue
        if fc.role == "recruits":
            mr[a:b] *= fc.multiply
        else:
            mc[lead + a : lead + b] *= fc.multiply
    return mr, mc


def _scenario_names(assumptions, scenarios) -> list[str]:
    if isinstance(scenarios, str):
        scenarios = list(assumptions.scenarios) if scenarios == "all" else [scenarios]
    names = ["baseline"]
    for s in scenarios:
        if s == "baseline" or s in names:
            continue
        if s not in assumptions.scenarios:
            known = list(assumptions.scenarios)
            close = difflib.get_close_matches(s, known, n=1)
            hint = (
                f"did you mean {close[0]!r}?" if close else f"known: {', '.join(known) or 'none'}"
            )
            raise AssumptionsError(f"{assumptions.path}: no scenario {s!r} ({hint})")
        names.append(s)
    return names


def _seed_record(seed):
    if seed is None:
        return 0
    if isinstance(seed, int | np.integer):
        return int(seed)
    if isinstance(seed, np.random.SeedSequence):
        return seed.entropy
    return repr(seed)


@dataclass(frozen=True)
class CrossingDate:
    """When paths first cross a threshold.

    Attributes
    ----------
    variable, scenario : str
    threshold : float
    direction : str
        ``above`` (first day at or above) or ``below`` (at or below).
    quantiles : dict
        Level -> first crossing date, or None when that share of paths has not crossed
        by ``until``.
    p_cross : float
        Share of paths that cross by ``until`` (``1 - p_cross`` never do).
    until : datetime.date
    """

    variable: str
    scenario: str
    threshold: float
    direction: str
    quantiles: dict
    p_cross: float
    until: dt.date

    @property
    def p_never(self) -> float:
        """Share of paths that do not cross by ``until``."""
        return 1.0 - self.p_cross

    def __str__(self) -> str:
        def fmt(d):
            return str(d) if d is not None else f"after {self.until}"

        q = self.quantiles
        return (
            f"{self.variable} {self.direction} {self.threshold:,.0f} ({self.scenario}): "
            f"first on {fmt(q[0.5])} (median; 90% {fmt(q[0.05])} to {fmt(q[0.95])}); "
            f"{self.p_cross:.0%} of paths cross by {self.until}"
        )


@dataclass(frozen=True, eq=False)
class Projection:
    """A stock-flow projection: draws x days paths of every variable, per scenario.

    Paths are computed on request from the stored inputs (the sampled flows and the
    assumption draws), so memory stays at the inputs plus a few cached arrays.

    Attributes
    ----------
    start, until : datetime.date
        First and last projected day.
    scenarios : tuple of str
        ``baseline`` first.
    draws : int
    seed : int or str
        The seed given to :func:`project`.
    assumptions : Assumptions
    lead : int
        Days of casualties before the start (the longest return delay).
    fits : dict
        Role -> the fit used.
    targets : tuple of dict
        :func:`target_attainment` of the targets among the claims.
    recruits_paths, casualties_paths : numpy.ndarray
        The sampled flows, days x draws (casualties from ``lead`` days before the
        start), in the storage dtype.
    params : dict
        Scenario -> assumption name -> draws (shape (draws,)).
    multipliers : dict
        Scenario -> per-day multipliers of recruits and casualties.
    """

    start: dt.date
    until: dt.date
    scenarios: tuple[str, ...]
    draws: int
    seed: object
    assumptions: Assumptions = field(repr=False)
    lead: int
    fits: dict = field(repr=False)
    targets: tuple = field(repr=False)
    recruits_paths: np.ndarray = field(repr=False)  # (days, draws)
    casualties_paths: np.ndarray = field(repr=False)  # (lead + days, draws)
    params: dict = field(repr=False)
    multipliers: dict = field(repr=False)
    cache_size: int = field(default=4, repr=False)
    _paths: OrderedDict = field(default_factory=OrderedDict, repr=False, init=False)
    _tables: dict = field(default_factory=dict, repr=False, init=False)
    _ends: dict = field(default_factory=dict, repr=False, init=False)

    # ---- grid -----------------------------------------------------------------------
    @property
    def variables(self) -> tuple[str, ...]:
        """Every variable, flows first (see :data:`VARIABLES`)."""
        return VARIABLES

    @property
    def n_days(self) -> int:
        return (self.until - self.start).days + 1

    @property
    def dates(self) -> list[dt.date]:
        """Every projected day."""
        return [self.start + dt.timedelta(days=i) for i in range(self.n_days)]

    def _day(self, d) -> int:
        d = _as_date(d)
        i = (d - self.start).days
        if not 0 <= i < self.n_days:
            raise DataError(f"date {d} is outside the projection {self.start}..{self.until}")
        return i

    def _check(self, variable: str, scenario: str, cumulative: bool = False) -> None:
        if variable not in VARIABLES:
            close = difflib.get_close_matches(variable, VARIABLES, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"use {', '.join(VARIABLES)}"
            raise DataError(f"unknown variable {variable!r} ({hint})")
        if scenario not in self.scenarios:
            raise DataError(f"scenario {scenario!r} was not run; run: {', '.join(self.scenarios)}")
        if cumulative and variable in STOCKS:
            raise DataError(
                f"{variable} is a stock; cumulative=True sums flows ({', '.join(FLOWS)})"
            )

    # ---- simulation -----------------------------------------------------------------
    def _engine(self, scenario: str) -> _Engine:
        p = self.params[scenario]
        mr, mc = self.multipliers[scenario]
        return _Engine(
            self.recruits_paths,
            self.casualties_paths,
            p["killed_missing_captured_share"],
            p["wounded_return_share"],
            p["return_delay_days"],
            p["held_back_share"],
            p["starting_reserve"],
            self.lead,
            mr,
            mc,
        )

    def _run_all(self) -> None:
        """Run every scenario once; keep the stocks at ``until`` (per draw)."""
        for s in self.scenarios:
            eng = self._engine(s)
            ends = eng.ends()
            ends["initial_recovering"] = eng.w0
            self._ends[s] = ends

    def _days_by_draws(self, variable: str, scenario: str, cumulative: bool) -> np.ndarray:
        """Paths as a (days, draws) array (cached, read-only)."""
        self._check(variable, scenario, cumulative)
        key = (variable, scenario, cumulative)
        if key in self._paths:
            self._paths.move_to_end(key)
            return self._paths[key]
        out = np.empty((self.n_days, self.draws), dtype=self.recruits_paths.dtype)
        carry = np.zeros(self.draws)
        for t0, t1, res in self._engine(scenario).chunks({variable}):
            a = res[variable]
            if cumulative:
                a = a.copy()
                _cum(a, carry)
            out[t0:t1] = a
        out.flags.writeable = False
        self._paths[key] = out
        while len(self._paths) > self.cache_size:
            self._paths.popitem(last=False)
        return out

    def paths(self, variable: str, scenario: str = "baseline", cumulative: bool = False):
        """Paths of a variable: array (draws, days) in the storage dtype (read-only).

        ``cumulative=True`` sums a flow from the start (the cumulative net force change
        is recruits since the start minus attrition).
        """
        return self._days_by_draws(variable, scenario, cumulative).T

    def initial(self, variable: str, scenario: str = "baseline") -> np.ndarray:
        """A stock the day before the start, per draw (``reserve``: R0; ``recovering``:
        the wounded of the last ``D`` days; ``front`` and ``attrition``: 0)."""
        self._check(variable, scenario)
        if variable not in STOCKS:
            raise DataError(f"{variable} is a flow; initial values are of stocks")
        if variable in ("front", "attrition"):
            return np.zeros(self.draws)
        if variable == "reserve":
            return self.params[scenario]["starting_reserve"].copy()
        return self._ends[scenario]["initial_recovering"].copy()

    # ---- tables ---------------------------------------------------------------------
    def quantiles(
        self, variable: str, scenario: str = "baseline", cumulative: bool = False, dates=None
    ):
        """Mean and quantiles of a variable on each day.

        Returns
        -------
        pandas.DataFrame
            Index ``date``; columns ``mean, q05, q25, q50, q75, q95`` (the scheme of
            :meth:`trends.model.RateFit.rate`).
        """
        import pandas as pd

        self._check(variable, scenario, cumulative)
        key = (variable, scenario, cumulative)
        if key not in self._tables:
            a = self._days_by_draws(variable, scenario, cumulative)
            table = {"mean": a.mean(axis=1, dtype=np.float64)}
            qs = _quantiles(a, QUANTILES, axis=1)
            for q, row in zip(QUANTILES, qs, strict=True):
                table[qcol(q)] = row
            self._tables[key] = pd.DataFrame(table, index=pd.Index(self.dates, name="date"))
        df = self._tables[key]
        if dates is not None:
            df = df.loc[[_as_date(d) for d in dates]]
        return df.copy()

    def table(
        self,
        variables: Sequence[str] | None = None,
        scenarios: Sequence[str] | None = None,
        cumulative: bool = False,
        dates=None,
    ):
        """Tidy table for CSV: ``scenario, variable, date, mean, q05 ... q95``.

        ``cumulative=True`` sums the flows from the start (stocks are levels either way).
        """
        import pandas as pd

        variables = VARIABLES if variables is None else tuple(variables)
        scenarios = self.scenarios if scenarios is None else tuple(scenarios)
        parts = []
        for s in scenarios:
            for v in variables:
                q = self.quantiles(v, s, cumulative and v in FLOWS, dates).reset_index()
                q.insert(0, "variable", v)
                q.insert(0, "scenario", s)
                parts.append(q)
        return pd.concat(parts, ignore_index=True)

    def p_above(
        self,
        variable: str,
        threshold: float,
        date,
        scenario: str = "baseline",
        cumulative: bool = False,
    ) -> float:
        """Share of paths at or above ``threshold`` on ``date``."""
        self._check(variable, scenario, cumulative)
        i = self._day(date)
        if i == self.n_days - 1 and not cumulative and variable in self._ends[scenario]:
            col = self._ends[scenario][variable]
        else:
            col = self._days_by_draws(variable, scenario, cumulative)[i]
        return float(np.mean(col >= threshold))

    def crossing_date(
        self,
        variable: str,
        threshold: float,
        scenario: str = "baseline",
        cumulative: bool = False,
        direction: str = "above",
    ) -> CrossingDate:
        """Quantiles of the first day a path reaches ``threshold``.

        Parameters
        ----------
        direction : str
            ``above`` (first day >= threshold) or ``below`` (first day <= threshold).

        Returns
        -------
        CrossingDate
            Date quantiles (None where the paths have not crossed by ``until``) and the
            share of paths that cross.
        """
        if direction not in ("above", "below"):
            raise DataError(f"direction must be 'above' or 'below', not {direction!r}")
        a = self._days_by_draws(variable, scenario, cumulative)
        hit = a >= threshold if direction == "above" else a <= threshold
        crossed = hit.any(axis=0)
        first = np.where(crossed, hit.argmax(axis=0), self.n_days)  # n_days = not by until
        qs = {}
        for q in QUANTILES:
            i = int(np.quantile(first, q, method="inverted_cdf"))
            qs[q] = self.start + dt.timedelta(days=i) if i < self.n_days else None
        return CrossingDate(
            variable, scenario, float(threshold), direction, qs, float(crossed.mean()), self.until
        )

    def p_target(self, target: Claim) -> dict:
        """:func:`target_attainment` of a target claim, with the fit of its quantity."""
        for role in _ROLES:
            if self.assumptions.quantity(role) == target.quantity:
                return target_attainment(self.fits[role], target)
        raise DataError(
            f"the projection has no fit of {target.quantity!r} "
            f"(it projects {self.assumptions.recruits}, "
            f"{self.assumptions.casualties})"
        )

    def draws_of(self, name: str, scenario: str = "baseline") -> np.ndarray:
        """The draws of an assumption (shape (draws,)) in a scenario."""
        if name not in ASSUMPTIONS:
            raise DataError(f"unknown assumption {name!r}; use {', '.join(ASSUMPTIONS)}")
        self._check("reserve", scenario)
        return self.params[scenario][name].copy()

    def at_until(self, variable: str, scenario: str = "baseline") -> np.ndarray:
        """Per-draw value at ``until`` of a stock or of ``net_force_change`` (cumulative)."""
        self._check("reserve", scenario)
        if variable not in self._ends[scenario]:
            raise DataError(
                f"no end value of {variable!r}; use one of {', '.join(self._ends[scenario])}"
            )
        return self._ends[scenario][variable].copy()

    def summary(self) -> ProjectionSummary:
        """A readable account: stocks at ``until`` per scenario, targets, assumptions."""
        return ProjectionSummary(self)


@dataclass(frozen=True)
class ProjectionSummary:
    """The summary of a :class:`Projection`: text via ``str``, HTML, and ``.table``."""

    projection: Projection

    @property
    def table(self):
        """Per scenario and variable at ``until``: mean, q05 ... q95 and, for
        scenarios, the change vs the baseline (same draws)."""
        import pandas as pd

        p = self.projection
        rows = []
        for s in p.scenarios:
            for v in ("reserve", "front", "recovering", "attrition", "net_force_change"):
                a = p._ends[s][v]
                row = {"scenario": s, "variable": v, "date": p.until, "mean": float(a.mean())}
                row.update(
                    {
                        qcol(q): float(x)
                        for q, x in zip(QUANTILES, np.quantile(a, QUANTILES), strict=True)
                    }
                )
                d = a - p._ends["baseline"][v]
                c05, c50, c95 = np.quantile(d, [0.05, 0.5, 0.95]) + 0.0  # no "-0"
                row.update(change_q05=float(c05), change_q50=float(c50), change_q95=float(c95))
                rows.append(row)
        return pd.DataFrame(rows)

    def __str__(self) -> str:
        p = self.projection
        a = p.assumptions
        lines = [
            f"trends projection: {p.start} .. {p.until} ({p.n_days} days), "
            f"{p.draws:,} draws, seed {p.seed}",
            f"flows: {a.recruits} (inflow), {a.casualties} (killed, wounded, missing, captured);"
            f" assumptions from {a.path}",
            "",
            f"at {p.until} (median, 90% interval; scenarios also as change vs baseline, "
            "same draws):",
        ]
        tab = self.table
        labels = {
            "reserve": "reserve",
            "attrition": "attrition since start",
            "net_force_change": "net force change",
            "front": "front deficit",
            "recovering": "wounded recovering",
        }
        for s in p.scenarios:
            desc = "" if s == "baseline" else f"  ({a.scenarios[s].description})"
            lines.append(f"  {s}{desc}")
            for v in ("reserve", "attrition", "net_force_change", "front", "recovering"):
                r = tab[(tab.scenario == s) & (tab.variable == v)].iloc[0]
                low, mid, high = _count(r.q05), _count(r.q50), _count(r.q95)
                text = f"    {labels[v]:<22} {mid:>12}  ({low} to {high})"
                if s != "baseline":
                    text += (
                        f"   change {_signed(r.change_q50)} ({_signed(r.change_q05)} to "
                        f"{_signed(r.change_q95)})"
                    )
                lines.append(text)
        if p.targets:
            lines += ["", "targets (probability the total over the window reaches them):"]
            for t in p.targets:
                lines.append(
                    f"  {t['id']}: {t['quantity']} {t['start']}..{t['end']} >= "
                    f"{t['target']:,.0f}: P = {t['p_reach']:.2f}  (total about "
                    f"{t['q50']:,.0f}; 90% {t['q05']:,.0f} to {t['q95']:,.0f})"
                )
        lines += ["", "assumptions (distribution; draws 5% / 50% / 95%):"]
        for s in p.scenarios:
            for name in ASSUMPTIONS:
                d = a.distribution(name, s)
                if s != "baseline" and name not in a.scenarios[s].assumptions:
                    continue
                x = p.params[s][name]
                q = np.quantile(x, [0.05, 0.5, 0.95])
                tag = "" if s == "baseline" else f"[{s}] "
                lines.append(
                    f"  {tag}{name:<30} {d.describe():<32} "
                    + " / ".join(f"{v:.3g}" if abs(v) < 1000 else f"{v:,.0f}" for v in q)
                )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        import html

        return f"<pre>{html.escape(str(self))}</pre>"


def _count(v: float) -> str:
    """A whole count; a small negative that rounds to zero prints "0", never "-0"."""
    return f"{int(round(float(v))):,}"


def _signed(v: float) -> str:
    """A whole count with its sign; a change that rounds to zero prints "+0", never "-0"."""
    return f"{int(round(float(v))):+,}"
