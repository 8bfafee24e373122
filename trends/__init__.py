"""trends: reported figures -> daily time series with honest uncertainty."""

import os as _os

# The fits factor narrow banded matrices thousands of times; OpenBLAS's threads make
# each call up to 1,000x slower when the cores are shared (analysis/benchmark.py).
# One thread unless the user says otherwise; must be set before numpy loads.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    _os.environ.setdefault(_var, "1")

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
