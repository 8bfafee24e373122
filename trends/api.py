"""The analyst's two verbs, as ``trends.fit`` and ``trends.project``.

Thin over :func:`trends.model.fit` and :func:`trends.projection.project`: they take
claims as a list, a path or a DataFrame, any date-like (``"YYYY-MM-DD"``, ``date``,
``datetime``, ``pandas.Timestamp``, ``numpy.datetime64``), a ``seed`` that defaults to
0 (the same call gives the same numbers), scenarios by name or built in code
(:class:`~trends.assumptions.Scenario`), and assumptions as a path or an object.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Union

from .claims import Claim, check_unique_ids, read_claims
from .units import as_date

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from .assumptions import Assumptions, Scenario
    from .model import RateFit, RateModel
    from .projection import Projection

__all__ = ["fit", "project", "DateLike", "ClaimsLike"]

#: What a date argument may be.
DateLike = Union[str, dt.date, "pd.Timestamp", "np.datetime64"]
#: What a claims argument may be: claims, a claims file, a DataFrame, or a list of them.
ClaimsLike = Union[Sequence[Claim], str, os.PathLike, "pd.DataFrame", Sequence[object]]


def _claims(claims: ClaimsLike) -> list[Claim]:
    """A list of claims from a list, a path, a DataFrame or several of them."""
    if isinstance(claims, str | os.PathLike) or hasattr(claims, "columns"):
        return read_claims(claims)
    claims = list(claims)
    if claims and not all(isinstance(c, Claim) for c in claims):
        return read_claims(claims)  # a list of sources
    check_unique_ids(claims)
    return claims


def _day(d: DateLike | None) -> dt.date | None:
    return None if d is None else as_date(d)


def fit(
    claims: ClaimsLike,
    quantity: str,
    *,
    model: str | RateModel = "local_level",
    as_of: DateLike | None = None,
    start: DateLike | None = None,
    until: DateLike | None = None,
    seed: int | np.random.Generator | None = 0,
    hedges: Mapping | None = None,
) -> RateFit:
    """Fit the daily rate of ``quantity`` from claims.

    Parameters
    ----------
    claims : sequence of Claim, path, DataFrame, or a list of them
        Anything :func:`trends.read_claims` takes, or claims already read. Those about
        ``quantity`` are used, repeats counted once, targets and stocks set aside.
        Two claims with one id are an error.
    quantity : str
    model : str or RateModel
        ``local_level`` (default), ``local_linear_trend``, ``constant``, or settings.
    as_of : date-like, optional
        Use only claims published on or before it (a replay of what was known).
    start, until : date-like, optional
        Widen the day grid back to ``start`` and forward to ``until`` (a forecast).
    seed : None, int or numpy.random.Generator
        Seed of the posterior sample paths (0: the same call gives the same numbers).
    hedges : mapping, optional
        Qualifier -> :class:`~trends.units.Hedge`, replacing the hedge table.

    Returns
    -------
    RateFit
        ``rate()``, ``cumulative()`` (tables indexed by a ``DatetimeIndex`` named
        ``date``), ``total(start, end)``, ``summary()``.

    Raises
    ------
    DataError
        No rate or total claim about ``quantity`` by ``as_of``.
    ClaimsFormatError
        ``claims`` given as a file or DataFrame that breaks the claims format, or two
        claims with one id.
    """
    from .model import fit as _fit

    return _fit(
        _claims(claims),
        quantity,
        model=model,
        as_of_date=_day(as_of),
        start=_day(start),
        until=_day(until),
        rng=seed,
        hedges=hedges,
    )


def project(
    claims: ClaimsLike,
    assumptions: Assumptions | str | os.PathLike,
    until: DateLike,
    *,
    scenarios: Sequence[str | Scenario] | str = (),
    draws: int = 10_000,
    seed: int | np.random.Generator | None = 0,
    fits: Mapping[str, RateFit] | None = None,
) -> Projection:
    """Project reserve, front, recovering wounded and attrition, with scenarios.

    Parameters
    ----------
    claims : sequence of Claim, path, DataFrame, or a list of them
        Claims about the two quantities the assumptions name.
    assumptions : Assumptions or path
        An :class:`~trends.assumptions.Assumptions`, or a TOML file to read.
    until : date-like
        Last projected day.
    scenarios : sequence of str or Scenario, or "all"
        Scenarios of the assumptions by name, or :class:`~trends.assumptions.Scenario`
        objects built in code (checked as a file's would be); the baseline always runs.
    draws : int
        Monte Carlo draws.
    seed : None, int or numpy.random.Generator
        Seeds the fits, paths and assumption draws (0 by default).
    fits : mapping, optional
        ``{"recruits": RateFit, "casualties": RateFit}`` to reuse fits.

    Returns
    -------
    Projection
        ``quantiles(variable, scenario)`` (a ``DatetimeIndex`` named ``date``),
        ``crossing_date``, ``p_above``, ``summary()``.
    """
    from .assumptions import Assumptions, Scenario, read_assumptions
    from .projection import project as _project

    if not isinstance(assumptions, Assumptions):
        assumptions = read_assumptions(assumptions)
    if isinstance(scenarios, Scenario):
        scenarios = [scenarios]
    if not isinstance(scenarios, str):
        scenarios = list(scenarios)
        built = [s for s in scenarios if isinstance(s, Scenario)]
        if built:
            assumptions = assumptions.with_scenarios(*built)
        scenarios = [s.name if isinstance(s, Scenario) else s for s in scenarios]
    return _project(
        _claims(claims), assumptions, as_date(until), scenarios=scenarios, draws=draws,
        seed=seed, fits=fits,
    )  # fmt: skip
