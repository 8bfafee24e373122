"""The rate model's banded, low-rank and bordered factors against dense linear algebra.

A small symmetric positive definite matrix is built the way the model builds its Newton
systems (a prior band plus one rank-one term per claim window); every factor must solve,
give the log-determinant, and (through its halves) the same quadratic forms as numpy's
dense routines on the assembled matrix.
"""

from __future__ import annotations

import numpy as np
import pytest

from trends.linalg import _BandFactor, _LowRankFactor, _SparseFactor, _Sym
from trends.model import _System


def _problem(T: int, windows: list[tuple[int, int]], seed: int):
    """A random-walk prior band (offsets 0-2) plus ``omega (e_j - e_i)(e_j - e_i)^T``
    per window ``(i, j)``; returns the band, the pairs and the dense matrix."""
    rng = np.random.default_rng(seed)
    d0 = rng.uniform(2.0, 4.0, T)
    d1 = rng.uniform(-0.9, -0.5, T)
    d1[-1:] = 0.0
    d2 = rng.uniform(0.0, 0.1, T)
    d2[-2:] = 0.0
    band = [d0, d1, d2]
    i = np.array([w[0] for w in windows])
    j = np.array([w[1] for w in windows])
    omega = rng.uniform(0.5, 50.0, len(windows))
    dense = np.diag(d0) + np.diag(d1[:-1], 1) + np.diag(d1[:-1], -1)
    dense += np.diag(d2[:-2], 2) + np.diag(d2[:-2], -2)
    for a, b, w in zip(i, j, omega, strict=True):
        v = np.zeros(T)
        v[b], v[a] = 1.0, -1.0
        dense += w * np.outer(v, v)
    return band, i, j, omega, dense


def _factor(T, windows, seed):
    band, i, j, omega, dense = _problem(T, windows, seed)
    k = j - i
    groups = [(int(kk), np.flatnonzero(k == kk)) for kk in np.unique(k)]
    H = _Sym([b.copy() for b in band], T)
    H.add_pairs(i, j, omega, groups)
    return H.factor(), dense


# Windows shorter than the band limit only (banded Cholesky); a few longer ones
# (band plus Woodbury); both kinds at once.
CASES = {
    "band": [(3, 10), (20, 50), (60, 61)],
    "low_rank": [(3, 10), (5, 150), (40, 190), (0, 199)],
    "band_wide_and_low_rank": [(1, 30), (31, 61), (10, 120), (100, 180)],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_factor_solves_and_logdet_match_dense(name):
    T = 200
    fac, dense = _factor(T, CASES[name], seed=len(name))
    kind = _LowRankFactor if name != "band" else _BandFactor
    assert isinstance(fac, kind)
    rng = np.random.default_rng(1)
    b = rng.standard_normal((T, 3))
    want = np.linalg.solve(dense, b)
    np.testing.assert_allclose(fac.solve(b), want, rtol=1e-9, atol=1e-12)
    # The halves: H^-1 = U^-1 M U^-T, and a^T H^-1 b from one half per side.
    np.testing.assert_allclose(fac.back(fac.mid(fac.half(b))), want, rtol=1e-9, atol=1e-12)
    a = rng.standard_normal(T)
    quad = fac.half(a) @ fac.mid(fac.half(b[:, 0]))
    assert quad == pytest.approx(a @ want[:, 0], rel=1e-9)
    sign, logdet = np.linalg.slogdet(dense)
    assert sign > 0
    assert fac.logdet() == pytest.approx(logdet, rel=1e-11)


@pytest.mark.parametrize("name", ["band", "low_rank"])
def test_bordered_system_matches_dense(name):
    """The source biases border the system: (u, b) from the Schur complement through
    the halves equals the dense solution, and so does the log-determinant."""
    T, K = 200, 2
    fac, dense = _factor(T, CASES[name], seed=7)
    rng = np.random.default_rng(3)
    Cm = np.zeros((T, K))
    Cm[rng.integers(0, T, 6), rng.integers(0, K, 6)] = rng.uniform(0.5, 2.0, 6)
    Db = np.diag(Cm.T @ np.linalg.solve(dense, Cm)) + rng.uniform(1.0, 3.0, K)
    rhs, rb = rng.standard_normal(T), rng.standard_normal(K)
    full = np.block([[dense, Cm], [Cm.T, np.diag(Db)]])
    want = np.linalg.solve(full, np.concatenate([rhs, rb]))
    sysm = _System(fac, np.ones(T), None, None, None)
    sysm.border(Cm, Db, rb)
    sysm.rhs = rhs
    u, b = sysm.solve()
    np.testing.assert_allclose(u, want[:T], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(b, want[T:], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(sysm.Y, np.linalg.solve(dense, Cm), rtol=1e-9, atol=1e-12)
    assert sysm.logdet() == pytest.approx(np.linalg.slogdet(full)[1], rel=1e-11)


def test_low_rank_draws_have_the_inverse_as_covariance():
    """Matheron's rule with ``Q = U^-1 W`` formed on first use: the draws' covariance
    is H^-1 (a test that can fail: a wrong sign or a missing factor shows at once)."""
    T = 120
    fac, dense = _factor(T, [(2, 5), (1, 100), (10, 119)], seed=3)
    assert isinstance(fac, _LowRankFactor)
    draws = fac.draw(np.random.default_rng(0), 50_000)
    cov = np.cov(draws, rowvar=False)
    want = np.linalg.inv(dense)
    # Monte Carlo error of a covariance entry: about sqrt(2 / n) times the variances.
    tol = 6 * np.sqrt(2.0 / draws.shape[0]) * np.sqrt(np.outer(np.diag(want), np.diag(want)))
    assert np.all(np.abs(cov - want) < tol)


def test_sparse_factor_keeps_full_solves():
    """Many long windows go to the sparse LU, which has no halves: the bordered system
    takes its full-solve path."""
    T = 700
    windows = [(s, s + 100) for s in range(0, 600, 1)][: _Sym.MAX_LOW_RANK + 5]
    fac, dense = _factor(T, windows, seed=5)
    assert isinstance(fac, _SparseFactor)
    assert not hasattr(fac, "half")
    b = np.random.default_rng(2).standard_normal(T)
    np.testing.assert_allclose(fac.solve(b), np.linalg.solve(dense, b), rtol=1e-8, atol=1e-10)
