"""trends: reported figures -> daily time series with honest uncertainty."""

from .claims import Claim, as_of, independent, read_claims
from .errors import (
    AssumptionsError,
    ClaimsFormatError,
    ConflictWarning,
    DataError,
    SparseDataWarning,
    TrendsError,
    TrendsWarning,
)
from .observe import normalise, observations

__version__ = "0.1.0"

__all__ = [
    "Claim",
    "read_claims",
    "as_of",
    "independent",
    "normalise",
    "observations",
    "TrendsError",
    "ClaimsFormatError",
    "AssumptionsError",
    "DataError",
    "TrendsWarning",
    "ConflictWarning",
    "SparseDataWarning",
]
