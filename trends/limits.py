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
    "check_days",
    "check_cells",
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
MAX_CELLS = 200_000_000
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
