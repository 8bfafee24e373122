"""The documented limits on input: what trends checks before it does any work.

Figures outside these limits are errors with a message that says how to narrow the
question; they are checked at the door (claims validation, the command line, the entry
points of the fit and the projections) before anything large is allocated. The values
and the measurements behind them are in ``docs/reliability.md``.
"""

from __future__ import annotations

import datetime as dt

from .errors import DataError

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_CLAIMS",
    "VALUE_MIN",
    "VALUE_MAX",
    "RATE_RATIO_MAX",
    "MAX_DAYS",
    "MAX_CELLS",
    "MAX_DRAWS",
    "MAX_SEED",
    "MULTIPLY_MAX",
    "check_days",
    "check_cells",
    "check_assumptions",
]

#: Largest input file (claims, series, assumptions), in bytes.
MAX_FILE_BYTES = 64 * 2**20
#: Most claims in one file.
MAX_CLAIMS = 200_000
#: Smallest figure a claim may state (count, or count per period).
VALUE_MIN = 1e-6
#: Largest figure a claim may state.
VALUE_MAX = 1e15
#: Largest ratio between the daily rates of two claims of one quantity.
RATE_RATIO_MAX = 1e9
#: Most days one fit may span (100 years of days).
MAX_DAYS = 36_525
#: Most Monte Carlo values (draws x days) one projection may hold.
MAX_CELLS = 100_000_000
#: Most Monte Carlo draws one command may ask for.
MAX_DRAWS = 1_000_000
#: Largest seed (seeds are 0 .. 2**63 - 1).
MAX_SEED = 2**63 - 1


def check_days(first: dt.date, last: dt.date, what: str, how: str) -> int:
    """Days in ``first..last``; a :class:`DataError` beyond :data:`MAX_DAYS`.

    Parameters
    ----------
    first, last : datetime.date
        The span to be fitted or projected.
    what : str
        What spans it, for the message (``"the fit of recruits"``).
    how : str
        How to narrow it, for the message.
    """
    days = (last - first).days + 1
    if days > MAX_DAYS:
        raise DataError(
            f"{what} would span {days:,} days ({first} to {last}), more than the limit of "
            f"{MAX_DAYS:,} days (100 years); {how}"
        )
    return days


def check_cells(draws: int, days: int, what: str) -> None:
    """A :class:`DataError` when ``draws x days`` exceeds :data:`MAX_CELLS`."""
    if draws * days > MAX_CELLS:
        most = max(MAX_CELLS // max(days, 1), 0)
        raise DataError(
            f"{what}: {draws:,} draws x {days:,} days = {draws * days:,} values, more than "
            f"the limit of {MAX_CELLS:,}; use at most {most:,} draws, or an earlier "
            "--until (or a later projection.start)"
        )


#: Largest scenario multiplier of a flow.
MULTIPLY_MAX = 1e6


def check_assumptions(assumptions) -> None:
    """Numbers of an assumptions file within the limits, before any draw.

    Every parameter finite and at most :data:`VALUE_MAX` in size, a lognormal range
    within a factor :data:`RATE_RATIO_MAX`, delays at most
    :data:`MAX_DAYS`, multipliers ``0 .. MULTIPLY_MAX``, and the first day a delay reaches
    back to inside the calendar.

    Parameters
    ----------
    assumptions : trends.stockflow.Assumptions

    Raises
    ------
    AssumptionsError
        Naming the key at fault.
    """
    import math

    from .errors import AssumptionsError

    where = getattr(assumptions, "path", "<assumptions>")
    groups = [("assumption", assumptions.distributions)]
    groups += [(f"scenario.{n}", s.assumptions) for n, s in assumptions.scenarios.items()]
    for prefix, dists in groups:
        for name, d in dists.items():
            for param in ("low", "high", "mode", "value"):
                x = getattr(d, param, None)
                if x is None:
                    continue
                if not (math.isfinite(x) and abs(x) <= VALUE_MAX):
                    raise AssumptionsError(
                        f"{where}: {prefix}.{name}.{param} = {x:g} is outside the range "
                        f"trends computes with (-{VALUE_MAX:g} .. {VALUE_MAX:g})"
                    )
            if (
                getattr(d, "dist", None) == "lognormal"
                and d.low
                and d.high
                and (d.high / d.low > RATE_RATIO_MAX)
            ):
                raise AssumptionsError(
                    f"{where}: {prefix}.{name}: a lognormal range from {d.low:g} to "
                    f"{d.high:g} spans more than a factor {RATE_RATIO_MAX:.0e}; narrow it"
                )
            if (
                name in ("return_delay_days", "training_days")
                and max(getattr(d, p) or 0 for p in ("low", "high", "mode", "value")) > MAX_DAYS
            ):
                raise AssumptionsError(
                    f"{where}: {prefix}.{name}: delays of more than {MAX_DAYS:,} days "
                    "(100 years) are outside the limits; give a shorter delay"
                )
    for n, s in assumptions.scenarios.items():
        for fc in s.flows:
            if not (math.isfinite(fc.multiply) and 0 <= fc.multiply <= MULTIPLY_MAX):
                raise AssumptionsError(
                    f"{where}: scenario.{n}.{fc.role}.multiply = {fc.multiply:g} is outside "
                    f"0 .. {MULTIPLY_MAX:g}"
                )
    if assumptions.start.toordinal() <= MAX_DAYS:
        raise AssumptionsError(
            f"{where}: projection.start = {assumptions.start} leaves no room for the "
            "return delays before it; give a date after the year 100"
        )
