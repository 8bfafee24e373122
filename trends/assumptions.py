"""Assumptions of the stock-flow projections: distributions, scenarios, the TOML file.

Every structural number the projections need (the share of casualties killed, the share
of wounded who return, ...) is a :class:`Distribution` over a range with its source;
scenarios change flows or assumptions from a date. :func:`read_assumptions` reads and
checks a TOML file (every problem at once, naming the key and its line);
``docs/assumptions.md`` describes the format.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import numbers
import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import InitVar, dataclass, field, replace
from pathlib import Path

import numpy as np
from scipy.special import ndtri

from .errors import AssumptionsError
from .units import as_date

__all__ = [
    "ASSUMPTIONS",
    "REQUIRED_ASSUMPTIONS",
    "OUTFLOWS",
    "DISTS",
    "Distribution",
    "FlowChange",
    "Scenario",
    "Assumptions",
    "read_assumptions",
    "parse_assumptions",
]

#: The structural assumptions, in the order they are drawn.
ASSUMPTIONS: tuple[str, ...] = (
    "killed_missing_captured_share",
    "wounded_return_share",
    "return_delay_days",
    "held_back_share",
    "starting_reserve",
    "training_days",
    "front_growth_per_year",
    "desertion_per_year",
    "discharge_per_year",
    "noncombat_deaths_per_year",
    "contract_expiry_per_year",
)
#: Assumptions a file must give; the others default to ``fixed 0`` (the model without
#: training delay, front growth or other outflows).
REQUIRED_ASSUMPTIONS: tuple[str, ...] = ASSUMPTIONS[:5]
#: Other outflows (people a year) that leave the front besides its casualties.
OUTFLOWS: tuple[str, ...] = (
    "desertion_per_year",
    "discharge_per_year",
    "noncombat_deaths_per_year",
    "contract_expiry_per_year",
)
_INTEGER = ("return_delay_days", "training_days")
_SHORT = {
    "killed_missing_captured_share": "k",
    "wounded_return_share": "rho",
    "return_delay_days": "D",
    "held_back_share": "h",
    "starting_reserve": "R0",
    "training_days": "L",
    "front_growth_per_year": "g",
    "desertion_per_year": "o",
    "discharge_per_year": "o",
    "noncombat_deaths_per_year": "o",
    "contract_expiry_per_year": "o",
}
_DEFAULT_SOURCE = "not in the assumptions file: taken as 0"
#: Daily flows (``cumulative=True`` sums them from the start).
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
        Draws are whole numbers (``return_delay_days``, ``training_days``); set from
        ``name``.

    Built in code, a distribution is checked at once with the messages of the file
    (:class:`~trends.AssumptionsError`): an unknown name or dist, a parameter the dist
    does not take or lacks, ``low`` above ``high``, a share outside 0..1.
    """

    name: str
    dist: str
    low: float | None = None
    high: float | None = None
    mode: float | None = None
    value: float | None = None
    source: str = ""
    integer: bool = False
    _checked: InitVar[bool] = False  # set by the file checker, which has checked it

    def __post_init__(self, _checked: bool) -> None:
        if _checked:
            return
        chk = _Checker(f"Distribution {self.name!r}", {})
        if self.name not in ASSUMPTIONS:
            chk.unknown((str(self.name),), ASSUMPTIONS, "assumption")
            chk.raise_if_any(what="the distribution")
        spec = {"dist": self.dist, **({"source": self.source} if self.source else {})}
        spec.update(
            (k, _plain(getattr(self, k)))
            for k in ("low", "high", "mode", "value")
            if getattr(self, k) is not None
        )
        checked = chk.distribution((self.name,), self.name, spec, need_source=False)
        chk.raise_if_any(what="the distribution")
        for k in ("low", "high", "mode", "value", "integer"):
            object.__setattr__(self, k, getattr(checked, k))

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

    ``role`` is ``recruits`` or ``casualties``; ``start``/``end`` None mean open, and
    may be any date-like. Built in code, a change is checked at once with the messages
    of the file (:class:`~trends.AssumptionsError`): an unknown role, a negative
    ``multiply``, an end before the start.
    """

    role: str
    multiply: float
    start: dt.date | None = None
    end: dt.date | None = None
    _checked: InitVar[bool] = False  # set by the file checker, which has checked it

    def __post_init__(self, _checked: bool) -> None:
        if _checked:
            return
        chk = _Checker(f"FlowChange {self.role!r}", {})
        if self.role not in _ROLES:
            close = difflib.get_close_matches(str(self.role), _ROLES, n=1)
            chk.err(
                ("role",),
                f"unknown role {self.role!r}: a flow change is to recruits or casualties",
                f"did you mean '{close[0]}'?" if close else "use role='recruits' or 'casualties'",
            )
        spec = {"multiply": _plain(self.multiply)}
        for key, d in (("from", self.start), ("until", self.end)):
            if d is not None:
                spec[key] = d if isinstance(d, str) else _day_or_self(d)
        checked = chk.flow_change((str(self.role),), self.role, spec, None)
        chk.raise_if_any(what="the flow change")
        object.__setattr__(self, "multiply", checked.multiply)
        object.__setattr__(self, "start", checked.start)
        object.__setattr__(self, "end", checked.end)


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
    _checked: InitVar[bool] = False  # set by the file checker, which has checked it

    def __post_init__(self, _checked: bool) -> None:
        if _checked:
            return
        key = ("scenario", str(self.name))
        chk = _Checker(f"Scenario {self.name!r}", {})
        if not isinstance(self.name, str) or not self.name.strip():
            chk.err(key, f"{self.name!r} is not a non-empty string", "name the scenario")
        elif self.name == "baseline":
            chk.err(key, "'baseline' is the run without changes", "rename the scenario")
        flows = (self.flows,) if isinstance(self.flows, FlowChange) else tuple(self.flows)
        for i, fc in enumerate(flows):
            if not isinstance(fc, FlowChange):
                chk.err(key + (f"flows[{i}]",), f"{fc!r} is not a FlowChange",
                        "write FlowChange('recruits', 0.8, start='2026-01-01')")  # fmt: skip
        changed = dict(self.assumptions)
        for name, d in changed.items():
            if not isinstance(d, Distribution):
                chk.err(key + (str(name),), f"{d!r} is not a Distribution",
                        f"write Distribution({name!r}, 'uniform', low=..., high=...)")  # fmt: skip
            elif d.name != name:
                chk.err(key + (str(name),), f"the distribution is of {d.name!r}",
                        "key each distribution by its own name")  # fmt: skip
        if not flows and not changed and not chk.problems:
            chk.err(key, "the scenario changes nothing",
                    f"give a flow ({', '.join(_ROLES)}) or an assumption")  # fmt: skip
        chk.raise_if_any(what="the scenario")
        object.__setattr__(self, "flows", flows)
        object.__setattr__(self, "assumptions", changed)


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

    def with_scenarios(self, *scenarios: Scenario) -> Assumptions:
        """These assumptions with scenarios built in code added (checked as in a file:
        a name already used, or a change from before ``start``, is an error)."""
        chk = _Checker(self.path, {})
        added = dict(self.scenarios)
        for sc in scenarios:
            key = ("scenario", getattr(sc, "name", "?"))
            if not isinstance(sc, Scenario):
                chk.err(key, f"{sc!r} is not a Scenario", "build it with trends.Scenario(...)")
                continue
            if sc.name in added:
                chk.err(key, f"a scenario {sc.name!r} is already defined", "give it a new name")
            for fc in sc.flows:
                if fc.start is not None and fc.start < self.start:
                    chk.err(
                        key + (fc.role, "from"),
                        f"from {fc.start} is before the projection start {self.start}",
                        "a scenario changes the projection, not the past",
                    )
            added[sc.name] = sc
        chk.raise_if_any(what="the scenarios")
        return replace(self, scenarios=added)

    def max_delay(self, scenarios: Sequence[str] = ()) -> int:
        """Largest possible ``return_delay_days`` or ``training_days`` over the baseline
        and ``scenarios``: the days of flows the projection needs before its start."""
        names = ["baseline", *scenarios]
        return int(max(self.distribution(a, s).support[1] for s in names for a in _INTEGER))


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
        why = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
        raise AssumptionsError(f"{path}: cannot read the assumptions file ({why})") from None
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
        where = f"line {self.line}, " if self.line is not None else ""
        text = f"{where}key '{self.key}': {self.message}"
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

    def raise_if_any(self, what: str = "the assumptions file") -> None:
        if not self.problems:
            return
        probs = sorted(self.problems, key=lambda p: (p.line or 0, p.key))
        n = len(probs)
        lines = [f"{self.source}: {n} error{'s' if n != 1 else ''} in {what}"]
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
                f"add one for each of {', '.join(REQUIRED_ASSUMPTIONS)}",
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
            if name in tab:
                continue
            if name in REQUIRED_ASSUMPTIONS:
                self.err(
                    ("assumption", name),
                    "required assumption is missing",
                    f"add [assumption.{name}] with dist, its range and source",
                )
            else:
                out[name] = Distribution(
                    name, "fixed", value=0.0, source=_DEFAULT_SOURCE, integer=name in _INTEGER
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
        integer = name in _INTEGER
        if integer:
            if dist == "lognormal":
                self.err(
                    key + ("dist",),
                    f"{name} needs a bounded distribution",
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
            _checked=True,
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
                out[name] = Scenario(
                    name, str(spec.get("description", "")), tuple(flows), changed, _checked=True
                )
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
        return FlowChange(role, float(mult), d0, d1, _checked=True)


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


def _plain(x):
    """A numpy number as a Python one (the checker takes int and float)."""
    if isinstance(x, numbers.Real) and not isinstance(x, bool | int | float):
        return float(x)
    return x


def _day_or_self(d):
    """A date-like as a date; a datetime with a time of day, or junk, as it is (the
    checker then names the problem)."""
    if isinstance(d, dt.datetime) and d.time() != dt.time():
        return d
    try:
        return as_date(d)
    except (TypeError, ValueError, AttributeError):
        return d


def _g(x) -> str:
    return f"{x:,.6g}" if isinstance(x, float) and abs(x) >= 1000 else f"{x:g}"
