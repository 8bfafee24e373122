"""Shared test set-up: hypothesis profiles and paths to the example data.

Hypothesis profiles
-------------------
``ci``
    ``derandomize=True, deadline=None``: the same examples on every run, no flaky
    timing failures on a slow runner. Loaded when the environment variable ``CI`` is
    set (as CI services do, and as ``.ci/run`` does).
``dev``
    The default: random examples, ``deadline=None``.

``HYPOTHESIS_PROFILE=name`` picks a profile explicitly.
"""

from __future__ import annotations

import os

# Before numpy loads: one BLAS thread (see trends/__init__.py; threads stall the fits).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

from pathlib import Path

import pytest
from hypothesis import settings

# Figures render headless everywhere (CI has no display).
os.environ.setdefault("MPLBACKEND", "Agg")

settings.register_profile("ci", derandomize=True, deadline=None)
settings.register_profile("dev", deadline=None)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)

REPO = Path(__file__).resolve().parents[1]
SERIES = REPO / "data" / "ua-general-staff" / "russia_losses_personnel.json"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository root."""
    return REPO


@pytest.fixture(scope="session")
def personnel_series_path() -> Path:
    """The Ukrainian General Staff's cumulative personnel-loss series (JSON) under data/."""
    return SERIES


def pytest_collection_modifyitems(config, items):
    """Skip the long calibration runs unless TRENDS_FULL=1; CI runs the quick versions."""
    if os.environ.get("TRENDS_FULL"):
        return
    skip = pytest.mark.skip(reason="long calibration run: set TRENDS_FULL=1 to run it")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
