"""trends: reported figures -> daily time series with honest uncertainty.

The analyst's entry points, all at the top level::

    import trends

    claims = trends.read_claims("data/claims.csv")       # a path or a DataFrame
    fit = trends.fit(claims, "recruits", until="2025-12-31")
    fit.rate(per="month").loc["2025"]                    # DatetimeIndex named date
    fit.total("2025-01-01", "2025-12-31").p_at_least(400_000)
    proj = trends.project(claims, trends.read_assumptions("data/assumptions.toml"),
                          "2026-12-31", scenarios=["recruitment_slows"])
    print(proj.summary().as_markdown())

Names are imported on first use (PEP 562), so ``import trends`` loads neither pandas,
scipy nor matplotlib and takes a few milliseconds (``analysis/import_time.py``);
``trends.plot``, ``trends.backtest`` and ``trends.tables`` (LaTeX, Markdown and HTML
tables) are submodules loaded the same way.
"""

import os as _os

# The fits factor narrow banded matrices thousands of times; OpenBLAS's threads make
# each call up to 1,000x slower when the cores are shared (analysis/benchmark.py).
# One thread unless the user says otherwise; must be set before numpy loads.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    _os.environ.setdefault(_var, "1")

# The errors are small and needed by every ``except trends.TrendsError``: loaded now.
from .errors import (
    AssumptionsError,
    ClaimsFormatError,
    ConflictWarning,
    DataError,
    ReviewWarning,
    SeriesWarning,
    SparseDataWarning,
    TrendsError,
    TrendsWarning,
)

__version__ = "0.1.0"

# name -> module it lives in (relative to the package); loaded by __getattr__.
_LAZY = {
    "read_claims": "claims",
    "write_claims": "claims",
    "check_claims": "claims",
    "Claim": "claims",
    "as_of": "claims",
    "independent": "claims",
    "normalise": "observe",
    "observations": "observe",
    "fit": "api",
    "project": "api",
    "read_assumptions": "assumptions",
    "Assumptions": "assumptions",
    "Distribution": "assumptions",
    "FlowChange": "assumptions",
    "Scenario": "assumptions",
    "RateFit": "model",
    "Estimate": "model",
    "Projection": "projection",
    "ExtractWarning": "extract",
}
# Submodules reached as attributes (``trends.plot.plot_fit``) without an import line.
_SUBMODULES = ("plot", "backtest", "tables")

__all__ = [
    "read_claims",
    "write_claims",
    "check_claims",
    "Claim",
    "as_of",
    "independent",
    "normalise",
    "observations",
    "fit",
    "project",
    "read_assumptions",
    "Assumptions",
    "Distribution",
    "FlowChange",
    "Scenario",
    "RateFit",
    "Estimate",
    "Projection",
    "plot",
    "backtest",
    "tables",
    "TrendsError",
    "ClaimsFormatError",
    "AssumptionsError",
    "DataError",
    "TrendsWarning",
    "ConflictWarning",
    "SparseDataWarning",
    "ReviewWarning",
    "SeriesWarning",
    "ExtractWarning",
]


def __getattr__(name: str):
    import importlib

    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    elif name in _SUBMODULES:
        try:
            value = importlib.import_module(f".{name}", __name__)
        except ModuleNotFoundError as e:
            if e.name != f"{__name__}.{name}":
                raise  # the module exists; something it imports does not
            raise AttributeError(f"module 'trends' has no submodule {name!r}") from None
    else:
        raise AttributeError(f"module 'trends' has no attribute {name!r}")
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
