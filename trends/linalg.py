"""Banded and sparse linear algebra behind the rate model's Gauss-Newton steps.

The model's normal equations in the cumulative variable ``u`` are symmetric positive
definite and banded, plus a few scattered entries where a claim's window is longer than
the band. :class:`_Sym` assembles them; :meth:`_Sym.factor` returns a banded Cholesky
(LAPACK ``pbtrf``) when nothing is scattered, else a sparse LU (SuperLU). Both factors
solve, give the log-determinant, and draw from the Gaussian they define.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.linalg.lapack import dpbtrf, dpbtrs, dtbtrs
from scipy.sparse.linalg import splu

__all__: list[str] = []


def _band_matvec(lower: list[np.ndarray], x: np.ndarray) -> np.ndarray:
    """``F @ x`` for F given by lower diagonals ``lower[d][i] = F[i, i - d]``."""
    out = lower[0] * x
    for d in range(1, len(lower)):
        out[d:] += lower[d][d:] * x[:-d]
    return out


def _band_rmatvec(lower: list[np.ndarray], xi: np.ndarray) -> np.ndarray:
    """``G.T @ xi`` for G given by lower diagonals; xi shape (T,) or (T, k)."""
    lead = lower[0][:, None] if xi.ndim == 2 else lower[0]
    out = lead * xi
    for d in range(1, len(lower)):
        gl = lower[d][d:, None] if xi.ndim == 2 else lower[d][d:]
        out[:-d] += gl * xi[d:]
    return out


def _gram_upper(lower: list[np.ndarray]) -> list[np.ndarray]:
    """Upper diagonals of ``G.T @ G``: ``out[k][j] = (G.T G)[j, j + k]`` (zero-padded)."""
    B = len(lower) - 1
    T = lower[0].shape[0]
    out = []
    for k in range(B + 1):
        h = np.zeros(T)
        for d in range(k, min(B, T - 1) + 1):
            # rows i = j + d: G[i, j] = lower[d][i], G[i, j + k] = lower[d - k][i]
            h[: T - d] += lower[d][d:] * lower[d - k][d:]
        out.append(h)
    return out


class _Sym:
    """A symmetric positive definite matrix: a band plus scattered entries."""

    MAX_BAND = 64

    def __init__(self, band: list[np.ndarray], T: int):
        self.band = [b.copy() for b in band]
        self.T = T
        self.extra_i = np.empty(0, dtype=np.int64)
        self.extra_j = np.empty(0, dtype=np.int64)
        self.extra_v = np.empty(0)

    def add_diag(self, v: np.ndarray) -> None:
        self.band[0] += v

    def add_pairs(self, i: np.ndarray, j: np.ndarray, v: np.ndarray, groups) -> None:
        """Add ``v`` at (i, j) and (j, i), i < j; ``groups`` lists ``(j - i, positions)``
        for each distinct offset, in increasing order."""
        kmax = groups[-1][0] if groups else 0
        if kmax > self.MAX_BAND:
            far = [sel for k, sel in groups if k >= len(self.band)]
            groups = [(k, sel) for k, sel in groups if k < len(self.band)]
            sel = np.concatenate(far)
            self.extra_i, self.extra_j, self.extra_v = i[sel], j[sel], v[sel]
        elif kmax >= len(self.band):
            self.band += [np.zeros(self.T) for _ in range(kmax + 1 - len(self.band))]
        for k, sel in groups:
            np.add.at(self.band[k], i[sel], v[sel])

    def factor(self):
        if self.extra_v.size == 0:
            try:
                return _BandFactor(self.band, self.T)
            except np.linalg.LinAlgError:
                pass  # rounding lost definiteness (rates spanning many decades): use LU
        return _SparseFactor(self)


class _BandFactor:
    """Banded Cholesky (LAPACK pbtrf) of a :class:`_Sym` with no scattered entries."""

    def __init__(self, band, T):
        u = len(band) - 1
        ab = np.zeros((u + 1, T), order="F")
        for k, h in enumerate(band):
            ab[u - k, k:] = h[: T - k]
        self.cb, info = dpbtrf(ab, lower=0, overwrite_ab=1)
        if info != 0:
            raise np.linalg.LinAlgError(f"banded Cholesky failed (info={info})")

    def solve(self, b):
        x, info = dpbtrs(self.cb, b, lower=0)
        if info != 0:
            raise np.linalg.LinAlgError(f"banded solve failed (info={info})")
        return x

    def solve_root(self, z):
        """``U^-1 z`` for the factor ``H = U^T U``: maps N(0, I) draws to N(0, H^-1)."""
        x, info = dtbtrs(self.cb, z, uplo="U", trans="N", diag="N")
        if info != 0:
            raise np.linalg.LinAlgError(f"banded triangular solve failed (info={info})")
        return x

    def logdet(self) -> float:
        return 2.0 * float(np.sum(np.log(self.cb[-1])))


class _SparseFactor:
    """Sparse LU (SuperLU, symmetric mode) for windows longer than the band."""

    def __init__(self, sym: _Sym):
        T = sym.T
        rows, cols, vals = [], [], []
        for k, h in enumerate(sym.band):
            j = np.arange(T - k)
            rows += [j, j + k] if k else [j]
            cols += [j + k, j] if k else [j]
            vals += [h[: T - k], h[: T - k]] if k else [h]
        rows += [sym.extra_i, sym.extra_j]
        cols += [sym.extra_j, sym.extra_i]
        vals += [sym.extra_v, sym.extra_v]
        H = sp.csc_matrix(
            (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(T, T)
        )
        try:
            self.lu = splu(H, permc_spec="MMD_AT_PLUS_A", diag_pivot_thresh=0.0,
                           options={"SymmetricMode": True})  # fmt: skip
        except RuntimeError:  # exactly singular in floating point: a relative jitter
            jitter = 1e-10 * float(np.max(np.abs(H.diagonal())))
            H = (H + jitter * sp.identity(T, format="csc")).tocsc()
            self.lu = splu(H, permc_spec="MMD_AT_PLUS_A", diag_pivot_thresh=0.0,
                           options={"SymmetricMode": True})  # fmt: skip

    def solve(self, b):
        return self.lu.solve(np.asfortranarray(b))

    def logdet(self) -> float:
        return float(np.sum(np.log(np.abs(self.lu.U.diagonal()))))
