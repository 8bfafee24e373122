"""Projections: fits and assumptions -> stock-flow paths per scenario, and their summaries.

:func:`project` fits the recruit and casualty claims (or takes given fits), draws their
sample paths and the assumptions, and returns a :class:`Projection`, whose quantiles,
crossing dates and summaries are computed on request by the engine of
:mod:`trends.stockflow`. :func:`target_attainment` compares a target claim with a fit.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from .assumptions import _INTEGER, _ROLES, ASSUMPTIONS, OUTFLOWS, Assumptions
from .claims import Claim, independent
from .errors import AssumptionsError, DataError
from .limits import check_assumptions, check_cells, check_days
from .model import QUANTILES, _quantiles, fit, qcol
from .rng import spawn
from .stockflow import FLOWS, STOCKS, VARIABLES, _cum, _Engine
from .tables import Exportable
from .units import MEAN_PERIOD_DAYS, date_index
from .units import as_date as _as_date

_YEAR = float(MEAN_PERIOD_DAYS["year"])  # days: assumptions per year -> per day

__all__ = ["project", "target_attainment", "Projection", "CrossingDate", "ProjectionSummary"]


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
        paths[role] = _sample_window(
            fits[role], role, assumptions.quantity(role), first, until, draws, streams[2 + i], dtype
        )

    u = streams[4].random((len(ASSUMPTIONS), draws))  # common random numbers
    # Draws are exchangeable (paths and uniforms independent), so order them by the
    # uniform behind the return delay: D is then sorted in every scenario (quantile
    # functions are monotone) and each chunk's lagged casualties are a few slices.
    u[ASSUMPTIONS.index("return_delay_days")].sort()
    params = {}
    for s in names:
        vals = {a: assumptions.distribution(a, s).ppf(u[j]) for j, a in enumerate(ASSUMPTIONS)}
        for a in _INTEGER:
            vals[a] = vals[a].astype(np.int64)
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
            f"{d0}..{d1} (the start less the longest return or training delay, to until); fit with "
            f"start={d0}, until={d1}"
        )
    stored = np.asarray(f.sample())  # every stored posterior path, (m, n_days)
    i0, i1 = (d0 - origin).days, (d1 - origin).days + 1
    m = stored.shape[0]
    pick = gen.choice(m, size=n, replace=n > m)
    window = np.ascontiguousarray(stored[:, i0:i1].T, dtype=dtype)  # days x stored paths
    return np.take(window, pick, axis=1)  # days x draws


def _multipliers(assumptions, scenario, start, T, lead):
    """Per-day multipliers of recruits and casualties (lead + T,) in a scenario."""
    mr, mc = np.ones(lead + T), np.ones(lead + T)
    if scenario == "baseline":
        return mr, mc
    for fc in assumptions.scenarios[scenario].flows:
        a = 0 if fc.start is None else max((fc.start - start).days, 0)
        b = T if fc.end is None else min((fc.end - start).days + 1, T)
        if a >= b:
            continue
        (mr if fc.role == "recruits" else mc)[lead + a : lead + b] *= fc.multiply
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
        Days of flows before the start (the longest return or training delay).
    fits : dict
        Role -> the fit used.
    targets : tuple of dict
        :func:`target_attainment` of the targets among the claims.
    recruits_paths, casualties_paths : numpy.ndarray
        The sampled flows, (lead + days) x draws (from ``lead`` days before the
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
    recruits_paths: np.ndarray = field(repr=False)  # (lead + days, draws)
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
            k=p["killed_missing_captured_share"],
            rho=p["wounded_return_share"],
            D=p["return_delay_days"],
            L=p["training_days"],
            h=p["held_back_share"],
            R0=p["starting_reserve"],
            g=p["front_growth_per_year"] / _YEAR,
            o=sum(p[a] for a in OUTFLOWS) / _YEAR,
            lead=self.lead,
            mr=mr,
            mc=mc,
        )

    def _run_all(self) -> None:
        """Run every scenario once; keep the values at ``until`` (per draw)."""
        for s in self.scenarios:
            eng = self._engine(s)
            ends = eng.ends()
            ends["initial_recovering"] = eng.w0
            ends["initial_training"] = eng.q0
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
        """A stock the day before the start, per draw (``reserve``: R0; ``training``:
        the recruits of the last ``L`` days; ``recovering``: the wounded of the last
        ``D`` days; the others: 0)."""
        self._check(variable, scenario)
        if variable not in STOCKS:
            raise DataError(f"{variable} is a flow; initial values are of stocks")
        if variable == "reserve":
            return self.params[scenario]["starting_reserve"].copy()
        if variable in ("training", "recovering"):
            return self._ends[scenario][f"initial_{variable}"].copy()
        return np.zeros(self.draws)

    # ---- tables ---------------------------------------------------------------------
    def quantiles(
        self, variable: str, scenario: str = "baseline", cumulative: bool = False, dates=None
    ):
        """Mean and quantiles of a variable on each day.

        Returns
        -------
        pandas.DataFrame
            Index ``date`` (a ``DatetimeIndex``: ``.loc["2026"]`` is the year); columns
            ``mean, q05, q25, q50, q75, q95`` (the scheme of
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
            self._tables[key] = pd.DataFrame(table, index=date_index(self.dates))
        df = self._tables[key]
        if dates is not None:
            df = df.loc[date_index([self.dates[self._day(d)] for d in dates])]
        return df.copy()

    def _fill_tables(self, variables: Sequence[str], scenario: str) -> None:
        """Cache the daily tables of :meth:`quantiles` (``cumulative=False``) of many
        variables of one scenario from one run of the engine.

        The same numbers as one variable at a time (each day's values are rounded to
        the storage dtype and summarised alone), but the shared flows are computed
        once instead of once per variable, and no paths are kept: the mean and the
        quantiles of each chunk of days are taken as it comes.
        """
        import pandas as pd

        todo = [v for v in dict.fromkeys(variables) if (v, scenario, False) not in self._tables]
        if len(todo) < 2:  # one variable: quantiles() computes it the usual way
            return
        for v in todo:
            self._check(v, scenario)
        means = {v: np.empty(self.n_days) for v in todo}
        qs = {v: np.empty((len(QUANTILES), self.n_days)) for v in todo}
        dtype = self.recruits_paths.dtype
        for t0, t1, res in self._engine(scenario).chunks(set(todo)):
            for v in todo:
                a = res[v].astype(dtype, copy=False)  # as stored by _days_by_draws
                means[v][t0:t1] = a.mean(axis=1, dtype=np.float64)
                qs[v][:, t0:t1] = _quantiles(a, QUANTILES, axis=1)
        index = date_index(self.dates)
        for v in todo:
            table = {"mean": means[v]}
            for q, row in zip(QUANTILES, qs[v], strict=True):
                table[qcol(q)] = row
            self._tables[(v, scenario, False)] = pd.DataFrame(table, index=index)

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
            self._fill_tables([v for v in variables if not (cumulative and v in FLOWS)], s)
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
        if i == self.n_days - 1 and not cumulative and variable in STOCKS:
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

    def p_exhausted(self, date=None, scenario: str = "baseline") -> float:
        """Share of paths whose operational reserve has run out (the front short of
        its need, ``deficit > 0``) on some day on or before ``date`` (default ``until``)."""
        self._check("reserve", scenario)
        i = self.n_days - 1 if date is None else self._day(date)
        return float(np.mean(self._ends[scenario]["exhausted_day"] <= i))

    def reserve_peak(self, scenario: str = "baseline") -> ReservePeak:
        """When the operational reserve peaks (the first day of its highest level by
        ``until``, per path) and how high."""
        self._check("reserve", scenario)
        e = self._ends[scenario]
        day, level = e["peak_day"], e["peak_reserve"]
        dates = {
            q: self.start + dt.timedelta(days=int(np.quantile(day, q, method="inverted_cdf")))
            for q in QUANTILES
        }
        qs = np.quantile(level, QUANTILES)
        levels = {q: float(v) for q, v in zip(QUANTILES, qs, strict=True)}
        return ReservePeak(
            scenario=scenario,
            dates=dates,
            levels=levels,
            p_at_horizon=float(np.mean(day == self.n_days - 1)),
            p_at_start=float(np.mean(day < 0)),
            until=self.until,
        )

    def summary(self) -> ProjectionSummary:
        """A readable account: stocks at ``until`` per scenario, targets, assumptions;
        ``str()`` / ``as_text()``, ``as_markdown()``, ``as_latex()``, ``as_html()``,
        ``.table``."""
        return ProjectionSummary(self)

    def _repr_html_(self) -> str:
        return self.summary().as_html()


@dataclass(frozen=True)
class ReservePeak:
    """When and how high the operational reserve peaks, over the paths.

    Attributes
    ----------
    scenario : str
    dates : dict
        Level -> date of the peak (the day before the start when nothing tops the
        starting reserve).
    levels : dict
        Level -> the reserve at its peak (people).
    p_at_horizon : float
        Share of paths peaking on ``until``: still rising, the peak lies beyond.
    p_at_start : float
        Share of paths that never top the starting reserve.
    until : datetime.date
    """

    scenario: str
    dates: dict
    levels: dict
    p_at_horizon: float
    p_at_start: float
    until: dt.date

    def __str__(self) -> str:
        d, v = self.dates, self.levels
        return (
            f"reserve peaks ({self.scenario}) on {d[0.5]} (median; 90% {d[0.05]} to "
            f"{d[0.95]}) at {_count(v[0.5])} (90% {_count(v[0.05])} to {_count(v[0.95])}); "
            f"{self.p_at_horizon:.0%} of paths still rising on {self.until}"
        )


@dataclass(frozen=True)
class ProjectionSummary(Exportable):
    """The summary of a :class:`Projection`: ``str()`` / ``as_text()``, ``as_markdown()``,
    ``as_latex()`` (a tabular of the stocks at ``until``), ``as_html()``; ``.table``."""

    projection: Projection

    @property
    def table(self):
        """Per scenario and variable at ``until``: mean, q05 ... q95 and, for
        scenarios, the change vs the baseline (same draws)."""
        import pandas as pd

        p = self.projection
        rows = []
        for s in p.scenarios:
            for v in _SUMMARY:
                a = p._ends[s][v]
                row = {"scenario": s, "variable": v, "date": pd.Timestamp(p.until)}
                row["mean"] = float(a.mean())
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

    def _header(self) -> list[str]:
        p = self.projection
        a = p.assumptions
        return [
            f"trends projection: {p.start} .. {p.until} ({p.n_days} days), "
            f"{p.draws:,} draws, seed {p.seed}",
            f"flows: {a.recruits} (inflow), {a.casualties} (killed, wounded, missing, captured);"
            f" assumptions from {a.path}",
        ]

    def _display(self):
        tab = self.table
        out = tab[["scenario", "variable", "q50", "q05", "q95"]].copy()
        base = tab["scenario"] == "baseline"
        out["change_q50"] = tab["change_q50"].where(~base)
        formats = {q: _count for q in ("q50", "q05", "q95")}
        formats["change_q50"] = lambda v: "" if v != v else _signed(v)  # NaN: baseline
        names = {"q50": "median", "q05": "5%", "q95": "95%", "change_q50": "change (median)"}
        return out.rename(columns=names), {names.get(k, k): f for k, f in formats.items()}

    def __str__(self) -> str:
        p = self.projection
        a = p.assumptions
        lines = [
            *self._header(),
            "",
            f"at {p.until} (median, 90% interval; scenarios also as change vs baseline, "
            "same draws):",
        ]
        tab = self.table
        for s in p.scenarios:
            desc = "" if s == "baseline" else f"  ({a.scenarios[s].description})"
            lines.append(f"  {s}{desc}")
            for v in _SUMMARY:
                r = tab[(tab.scenario == s) & (tab.variable == v)].iloc[0]
                low, mid, high = _count(r.q05), _count(r.q50), _count(r.q95)
                text = f"    {_LABELS[v]:<30} {mid:>12}  ({low} to {high})"
                if s != "baseline":
                    text += (
                        f"   change {_signed(r.change_q50)} ({_signed(r.change_q05)} to "
                        f"{_signed(r.change_q95)})"
                    )
                lines.append(text)
            pk = p.reserve_peak(s)
            lines.append(
                f"    P(reserve exhausted by {p.until}) = {p.p_exhausted(None, s):.2f}; "
                f"reserve peaks on {pk.dates[0.5]} (median; 90% {pk.dates[0.05]} to "
                f"{pk.dates[0.95]}), {pk.p_at_horizon:.0%} of paths still rising"
            )
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
                    f"  {tag}{name:<30} {d.describe():<34} "
                    + " / ".join(f"{v:.3g}" if abs(v) < 1000 else f"{v:,.0f}" for v in q)
                )
        return "\n".join(lines)


#: Values at ``until`` in the summary, with their labels.
_LABELS = {
    "reserve": "reserve (operational)",
    "strategic_reserve": "strategic reserve",
    "front": "front strength change",
    "deficit": "front deficit",
    "training": "in training",
    "recovering": "wounded recovering",
    "attrition": "attrition since start",
    "net_force_change": "net force change",
}
_SUMMARY = tuple(_LABELS)


def _count(v: float) -> str:
    """A whole count; a small negative that rounds to zero prints "0", never "-0"."""
    return f"{int(round(float(v))):,}"


def _signed(v: float) -> str:
    """A whole count with its sign; a change that rounds to zero prints "+0", never "-0"."""
    return f"{int(round(float(v))):+,}"
