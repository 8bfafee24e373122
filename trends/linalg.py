"""Banded and sparse linear algebra behind the rate model's Gauss-Newton steps.

The model's normal equations in the cumulative variable ``u`` are symmetric positive
definite and banded, plus a few scattered entries where a claim's window is longer than
the band. :class:`_Sym` assembles them; :meth:`_Sym.factor` returns a banded Cholesky
(LAPACK ``pbtrf``) when nothing is scattered, the same plus a low-rank correction when a
few entries are, else a sparse LU (SuperLU). All factors solve, give the
log-determinant, and draw from the Gaussian they define.

The Cholesky-based factors also split their inverse into halves,
``H^-1 = U^-1 M U^-T`` (:meth:`half`, :meth:`mid`, :meth:`back`; ``M = I`` without
far entries): a quadratic form ``a^T H^-1 b`` then costs one triangular solve per
column, not a full solve. LAPACK's banded solvers loop over right-hand sides one column
at a time, about 15 microseconds per triangular solve of a few thousand days whatever
the band, so the number of columns solved is what a Newton step costs.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.linalg.lapack import dpbtrf, dpbtrs, dpotrf, dpotrs, dtbtrs
from scipy.sparse.linalg import splu

__all__: list[str] = []


def _chol(A: np.ndarray) -> tuple[np.ndarray, bool]:
    """Cholesky factor of a small SPD matrix, ``(L, True)`` as ``scipy.linalg.cho_factor``
    gives it (the same LAPACK ``potrf``), without its argument checks and dispatch: these
    run thousands of times per fit on matrices a few rows wide, where they cost more
    than the factor. The caller checks finiteness."""
    c, info = dpotrf(A, lower=1, clean=1)
    if info != 0:
        raise np.linalg.LinAlgError(f"Cholesky failed (info={info})")
    return c, True


def _chol_solve(cf: tuple[np.ndarray, bool], b: np.ndarray) -> np.ndarray:
    """``A^-1 b`` from :func:`_chol`'s factor (LAPACK ``potrs``)."""
    x, info = dpotrs(cf[0], b, lower=1)
    if info != 0:
        raise np.linalg.LinAlgError(f"Cholesky solve failed (info={info})")
    return x


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
    """A symmetric positive definite matrix: a band plus rank-one terms.

    Each claim whose window starts after the grid's first day adds
    ``omega (e_j - e_i)(e_j - e_i)^T`` (``i`` the day before its window, ``j`` its last
    day). Near pairs (``j - i`` within :attr:`MAX_BAND`) go into the band; far pairs are
    kept as rank-one terms and handled by the Woodbury identity when they are few, by a
    sparse LU when they are many.
    """

    MAX_BAND = 64
    #: Far pairs up to which the band + low-rank factor is used (dense k x k algebra).
    MAX_LOW_RANK = 300

    def __init__(self, band: list[np.ndarray], T: int):
        self.band = band  # the caller's fresh arrays, added to in place
        self.T = T
        self.far_i = np.empty(0, dtype=np.int64)
        self.far_j = np.empty(0, dtype=np.int64)
        self.far_w = np.empty(0)

    def add_diag(self, v: np.ndarray) -> None:
        self.band[0] += v

    def add_pairs(self, i: np.ndarray, j: np.ndarray, omega: np.ndarray, groups) -> None:
        """Add ``omega (e_j - e_i)(e_j - e_i)^T`` for each pair, i < j; ``groups`` lists
        ``(j - i, positions)`` for each distinct offset, in increasing order."""
        kmax = groups[-1][0] if groups else 0
        if kmax > self.MAX_BAND:
            far = [sel for k, sel in groups if k >= len(self.band)]
            groups = [(k, sel) for k, sel in groups if k < len(self.band)]
            sel = np.concatenate(far)
            self.far_i, self.far_j, self.far_w = i[sel], j[sel], omega[sel]
        elif kmax >= len(self.band):
            self.band += [np.zeros(self.T) for _ in range(kmax + 1 - len(self.band))]
        for k, sel in groups:
            np.add.at(self.band[k], i[sel], -omega[sel])
            np.add.at(self.band[0], i[sel], omega[sel])
            np.add.at(self.band[0], j[sel], omega[sel])

    def factor(self):
        if self.far_w.size == 0:
            try:
                return _BandFactor(self.band, self.T)
            except np.linalg.LinAlgError:
                pass  # rounding lost definiteness (rates spanning many decades): use LU
        elif self.far_w.size <= self.MAX_LOW_RANK:
            try:
                return _LowRankFactor(self)
            except np.linalg.LinAlgError:
                pass
        return _SparseFactor(self)


class _BandFactor:
    """Banded Cholesky (LAPACK pbtrf) of a :class:`_Sym` with no far pairs."""

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

    def half(self, b):
        """``U^-T b`` for the factor ``H = U^T U``, b shape (T,) or (T, m)."""
        x, info = dtbtrs(self.cb, b, uplo="U", trans="T", diag="N")
        if info != 0:
            raise np.linalg.LinAlgError(f"banded triangular solve failed (info={info})")
        return x

    def mid(self, w):
        """The middle of ``H^-1 = U^-1 M U^-T``: the identity here."""
        return w

    def back(self, w):
        """``U^-1 w``: with :meth:`half` and :meth:`mid`, ``H^-1 b = back(mid(half(b)))``."""
        return self.solve_root(w)

    def solve_root(self, z):
        """``U^-1 z`` for the factor ``H = U^T U``: maps N(0, I) draws to N(0, H^-1)."""
        x, info = dtbtrs(self.cb, z, uplo="U", trans="N", diag="N")
        if info != 0:
            raise np.linalg.LinAlgError(f"banded triangular solve failed (info={info})")
        return x

    def logdet(self) -> float:
        return 2.0 * float(np.sum(np.log(self.cb[-1])))

    def draw(self, gen: np.random.Generator, k: int) -> np.ndarray:
        """``k`` draws from N(0, H^-1), shape (k, T)."""
        # Drawn (k, T) and passed transposed: LAPACK's column-major layout, no copy.
        return self.solve_root(gen.standard_normal((k, self.cb.shape[1])).T).T


class _LowRankFactor:
    """``B + V diag(omega) V^T``: B banded (Cholesky ``B = U^T U``), V a few +-1 columns.

    With ``W = U^-T V Omega^1/2`` (one triangular solve per column) the matrix is
    ``U^T (I + W W^T) U``, so ``H^-1 = U^-1 M U^-T`` with ``M = I - W C^-1 W^T`` and
    ``C = I + W^T W`` (SPD, k x k, Woodbury), and ``log|H| = log|B| + log|C|``. Draws use
    Matheron's rule: ``u = e - Q C^-1 (Omega^1/2 V^T e + zeta)`` with
    ``e ~ N(0, B^-1)``, ``zeta ~ N(0, I_k)`` and ``Q = B^-1 V Omega^1/2 = U^-1 W`` is
    exactly N(0, H^-1).
    """

    def __init__(self, sym: _Sym):
        self.T = sym.T
        self.band = _BandFactor(sym.band, sym.T)
        self.i, self.j = sym.far_i, sym.far_j
        self.sw = np.sqrt(sym.far_w)
        k = self.sw.size
        V = np.zeros((self.T, k), order="F")
        cols = np.arange(k)
        V[self.j, cols] = self.sw
        V[self.i, cols] = -self.sw
        self.W = self.band.half(V)
        C = self.W.T @ self.W
        C[np.diag_indices(k)] += 1.0
        if not np.all(np.isfinite(C)):
            raise np.linalg.LinAlgError("non-finite low-rank correction")
        self.cC = _chol(C)
        self._Q = None

    @property
    def Q(self) -> np.ndarray:
        """``B^-1 V Omega^1/2``, shape (T, k), formed on first use (draws)."""
        if self._Q is None:
            self._Q = self.band.back(self.W)
        return self._Q

    def Vt(self, X: np.ndarray) -> np.ndarray:
        """``V^T X`` for X of shape (T,) or (T, m)."""
        return X[self.j] - X[self.i]

    def half(self, b):
        return self.band.half(b)

    def mid(self, w):
        return w - self.W @ _chol_solve(self.cC, self.W.T @ w)

    def back(self, w):
        return self.band.back(w)

    def solve(self, b):
        return self.back(self.mid(self.half(b)))

    def logdet(self) -> float:
        return self.band.logdet() + 2.0 * float(np.sum(np.log(np.diag(self.cC[0]))))

    def draw(self, gen: np.random.Generator, k: int) -> np.ndarray:
        e = self.band.draw(gen, k)  # (k, T)
        zeta = gen.standard_normal((k, self.sw.size))
        m = self.Vt(e.T).T * self.sw + zeta  # (k, n_far)
        return e - _chol_solve(self.cC, m.T).T @ self.Q.T


class _SparseFactor:
    """Sparse LU (SuperLU, symmetric mode) for many windows longer than the band."""

    def __init__(self, sym: _Sym):
        T = sym.T
        self.T = T
        rows, cols, vals = [], [], []
        for k, h in enumerate(sym.band):
            j = np.arange(T - k)
            rows += [j, j + k] if k else [j]
            cols += [j + k, j] if k else [j]
            vals += [h[: T - k], h[: T - k]] if k else [h]
        w = sym.far_w
        rows += [sym.far_i, sym.far_j, sym.far_i, sym.far_j]
        cols += [sym.far_j, sym.far_i, sym.far_i, sym.far_j]
        vals += [-w, -w, w, w]
        H = sp.csc_matrix(
            (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(T, T)
        )
        try:
            self.lu = splu(H, permc_spec="MMD_AT_PLUS_A", diag_pivot_thresh=0.0,
                           options={"SymmetricMode": True})  # fmt: skip
        except RuntimeError:  # exactly singular in floating point: a relative jitter
            jitter = 1e-10 * float(np.max(np.abs(H.diagonal())))
            H = (H + jitter * sp.identity(T, format="csc")).tocsc()
            try:
                self.lu = splu(H, permc_spec="MMD_AT_PLUS_A", diag_pivot_thresh=0.0,
                               options={"SymmetricMode": True})  # fmt: skip
            except RuntimeError as e:  # the caller treats this path as unusable
                raise np.linalg.LinAlgError(f"sparse LU failed ({e})") from None
        #: Set by the caller: ``gen, k -> b`` of shape (T, k) with covariance H.
        self.root = None

    def solve(self, b):
        return self.lu.solve(np.asfortranarray(b))

    def logdet(self) -> float:
        return float(np.sum(np.log(np.abs(self.lu.U.diagonal()))))

    def draw(self, gen: np.random.Generator, k: int) -> np.ndarray:
        # b ~ N(0, H) from H's square-root pieces (supplied by the model), u = H^-1 b.
        return self.solve(self.root(gen, k)).T
