"""The exceptions and warnings a user of trends can meet.

Every error a user can cause is a :class:`TrendsError`; the command line prints its
message without a traceback and exits 1. Messages say what is wrong, where (file,
row, column, key, claim id) and how to fix it.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "TrendsError",
    "ClaimsFormatError",
    "FieldError",
    "AssumptionsError",
    "DataError",
    "TrendsWarning",
    "ConflictWarning",
    "SparseDataWarning",
    "ReviewWarning",
    "SeriesWarning",
]


class TrendsError(Exception):
    """Base class of every error a user of trends can cause."""


@dataclass(frozen=True)
class FieldError:
    """One problem in one cell of an input file.

    Attributes
    ----------
    row : int, hashable or None
        Line number in the file (the header is line 1), the DataFrame index label, or
        None for a file-level problem.
    column : str or None
        Column (or key) name, or None when the problem is not tied to one column.
    message : str
        What is wrong.
    hint : str
        How to fix it.
    source : str or None
        The file or DataFrame the row is in, when claims from several are checked
        together (None: the error's own ``path``).
    """

    row: object
    column: str | None
    message: str
    hint: str = ""
    source: str | None = None

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        loc = ", ".join(where)
        text = f"{loc}: {self.message}" if loc else self.message
        return f"{text} ({self.hint})" if self.hint else text


class ClaimsFormatError(ValueError, TrendsError):
    """Claims break the v1 format; ``errors`` lists every problem found.

    ``path`` names the file (or ``<DataFrame>``, or ``Claim 'id'`` for a claim built in
    code); ``what`` is the phrase after "errors in".
    """

    def __init__(self, path: str, errors: list[FieldError], what: str = "the claims file"):
        self.path = str(path)
        self.errors = list(errors)
        n = len(self.errors)
        lines = [f"{self.path}: {n} error{'s' if n != 1 else ''} in {what}"]
        lines += [f"  {e.source or self.path}: {e}" for e in self.errors]
        super().__init__("\n".join(lines))


class AssumptionsError(ValueError, TrendsError):
    """An assumptions file is malformed; the message names the key and line."""


class QuantitiesError(ValueError, TrendsError):
    """A quantities vocabulary file that cannot be read; the message names the file and key."""


class DataError(ValueError, TrendsError):
    """The data cannot answer the question asked (no claims for a quantity, ...)."""


class TrendsWarning(UserWarning):
    """Base class of the warnings trends issues about the data."""


class ConflictWarning(TrendsWarning):
    """Claims pull against each other more than their hedges allow."""


class SparseDataWarning(TrendsWarning):
    """Too few claims to pin the estimate down: the interval is wide on purpose."""


class ReviewWarning(TrendsWarning):
    """A claims file holds rows still marked ``candidate``: they are not used until reviewed."""


class SeriesWarning(TrendsWarning):
    """Records of a series were skipped (no finite value); the message lists their lines."""
