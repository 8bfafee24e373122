"""Stock-flow projections: daily recruits and casualties -> reserve, front, attrition.

The model
---------
Per Monte Carlo draw, on every day ``t`` from the projection start to ``until``, with
``r_t`` recruits and ``c_t`` casualties (daily flows: posterior sample paths of two rate
fits) and the structural assumptions ``k`` (share of casualties killed, missing or
captured), ``rho`` (share of the other, wounded, who return to duty), ``D`` (days until
they return; the rest are invalided out then), ``h`` (minimum share of recruits held
back) and ``R0`` (the reserve the day before the start)::

    returns_t       = rho (1 - k) c_{t-D}
    invalided_t     = (1 - rho) (1 - k) c_{t-D}
    irrecoverable_t = k c_t + invalided_t
    P_t = F_{t-1} + (1 - h) r_t - c_t + returns_t          (F_{-1} = 0)
    F_t = min(P_t, 0)                    front: deficit against its strength at the start
    R_t = R_{t-1} + h r_t + max(P_t, 0)  reserve (R_{-1} = R0)
    W_t = W_{t-1} + (1 - k) c_t - returns_t - invalided_t   wounded in recovery
    A_t = A_{t-1} + irrecoverable_t      attrition since the start (A_{-1} = 0)
    net_force_change_t = r_t - irrecoverable_t

``W_{-1}`` holds the wounded of the ``D`` days before the start, so the casualty path
must begin ``max D`` days before the start. Summing the changes gives the identity
``R_t + F_t + W_t + A_t - (R0 + W_{-1}) = r_0 + ... + r_t``.

With ``x_t = (1 - h) r_t - c_t + returns_t`` and ``X_t = x_0 + ... + x_t`` the front is
a Lindley recursion, ``F_t = min(F_{t-1} + x_t, 0)``, whose closed form is
``F_t = X_t - M_t`` with ``M_t = max(0, X_0, ..., X_t)``; and
``R_t = R0 + h (r_0 + ... + r_t) + M_t``. ``M_t`` is a running maximum of sums that grow
with every ``r_s`` and shrink with every ``c_s`` of the projection (a casualty lowers
``x_s`` by 1 and raises ``x_{s+D}`` by ``rho (1 - k) <= 1``), so the reserve never falls
when recruits rise and never rises when projected casualties rise. The code uses the
closed form: cumulative sums and running maxima, a loop over days with numpy over all
draws, in chunks of days (float64 arithmetic and carried state; paths stored as
float32) so memory stays at the inputs plus one chunk.

Randomness: one ``seed`` gives independent streams (seeds drawn from one generator) for the two
fits, the two sets of sample paths and the assumption draws. Every scenario reuses the
same paths and the same uniform numbers behind the assumption draws (common random
numbers), so a difference between scenarios is the scenario's, draw by draw.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .errors import DataError

__all__ = ["VARIABLES", "FLOWS", "STOCKS", "simulate"]

FLOWS: tuple[str, ...] = ("recruits", "casualties", "irrecoverable", "returns", "net_force_change")
#: Stocks (levels at the end of each day).
STOCKS: tuple[str, ...] = ("reserve", "front", "recovering", "attrition")
VARIABLES: tuple[str, ...] = FLOWS + STOCKS

# ---------------------------------------------------------------------------------
# The simulation
# ---------------------------------------------------------------------------------


_STEP = 32  # days per chunk: temporaries of 32 x draws stay in cache


def _cum(a: np.ndarray, carry: np.ndarray, op=np.add) -> None:
    """Accumulate ``a`` (days, draws) along days in place, continuing from ``carry``.

    A loop over days with numpy over draws: each step is one vector operation on a
    contiguous row (numpy's own accumulate along axis 0 is strided and slower).
    ``carry`` becomes the last row.
    """
    op(a[0], carry, out=a[0])
    for j in range(1, a.shape[0]):
        op(a[j], a[j - 1], out=a[j])
    carry[...] = a[-1]


class _Engine:
    """The model for one scenario over every draw, a chunk of days at a time.

    Flows come as days x draws arrays of any float dtype (the arithmetic and the
    state carried between chunks are float64); draws must be sorted by their return
    delay ``D``, so each chunk's lagged casualties are one slice per distinct ``D``.
    """

    def __init__(self, recruits, casualties, k, rho, D, h, R0, lead, mr=None, mc=None):
        self.r, self.ce = recruits, casualties
        self.T, self.n = recruits.shape
        self.lead = int(lead)
        if casualties.shape != (self.lead + self.T, self.n):
            raise DataError(
                f"casualties have shape {casualties.shape}; expected {(self.lead + self.T, self.n)}"
            )
        D = np.asarray(D, dtype=np.int64)
        if np.any(D[1:] < D[:-1]):
            raise ValueError("draws must be sorted by return delay")  # internal misuse
        self.mr = None if mr is None or np.all(mr == 1.0) else np.asarray(mr, dtype=np.float64)
        self.mc = None if mc is None or np.all(mc == 1.0) else np.asarray(mc, dtype=np.float64)
        self.k, self.h, self.R0 = k, h, R0
        self.one_k = 1.0 - k
        self.keep = 1.0 - h
        self.ret = rho * self.one_k  # returns per lagged casualty
        self.inv = (1.0 - rho) * self.one_k  # invalided per lagged casualty
        uniq, first = np.unique(D, return_index=True)
        bounds = [*first.tolist(), self.n]
        self.groups = [
            (int(d), i, j) for d, i, j in zip(uniq.tolist(), bounds[:-1], bounds[1:], strict=True)
        ]
        # wounded in recovery the day before the start: casualties of days -D .. -1
        w0 = np.zeros(self.n)
        for d, i, j in self.groups:
            if d:
                w0[i:j] = self._rows(self.lead - d, self.lead, i, j).sum(axis=0)
        self.w0 = self.one_k * w0

    def _rows(self, a: int, b: int, i: int = 0, j: int | None = None) -> np.ndarray:
        """Casualties on rows ``a..b-1`` (of the lead + T grid), draws ``i..j-1``, float64."""
        x = self.ce[a:b, i:j].astype(np.float64)
        if self.mc is not None:
            x *= self.mc[a:b, None]
        return x

    def _recruits(self, t0: int, t1: int) -> np.ndarray:
        x = self.r[t0:t1].astype(np.float64)
        if self.mr is not None:
            x *= self.mr[t0:t1, None]
        return x

    def _lag(self, t0: int, t1: int) -> np.ndarray:
        """``c_{t-D}`` for days ``t0..t1-1``, each draw with its own ``D``."""
        out = np.empty((t1 - t0, self.n))
        for d, i, j in self.groups:
            a = self.lead - d + t0
            out[:, i:j] = self.ce[a : a + t1 - t0, i:j]
            if self.mc is not None:
                out[:, i:j] *= self.mc[a : a + t1 - t0, None]
        return out

    def chunks(self, want: set, step: int = _STEP):
        """Yield ``(t0, t1, {variable: (t1 - t0, draws) float64})`` over the days."""
        n = self.n
        lagged = bool(want - {"recruits", "casualties"})
        X, M, Rc, A = np.zeros(n), np.zeros(n), np.zeros(n), np.zeros(n)
        W = self.w0.copy()
        for t0 in range(0, self.T, step):
            t1 = min(t0 + step, self.T)
            r = self._recruits(t0, t1)
            c = self._rows(self.lead + t0, self.lead + t1)
            out = {"recruits": r, "casualties": c}
            if lagged:
                lag = self._lag(t0, t1)
                if "returns" in want:
                    out["returns"] = lag * self.ret
                if want & {"irrecoverable", "net_force_change", "attrition"}:
                    irr = c * self.k
                    irr += lag * self.inv
                    out["irrecoverable"] = irr
                    if "net_force_change" in want:
                        out["net_force_change"] = r - irr
                    if "attrition" in want:
                        a = irr.copy()
                        _cum(a, A)
                        out["attrition"] = a
                if "recovering" in want:
                    w = c - lag
                    w *= self.one_k
                    _cum(w, W)
                    out["recovering"] = w
                if want & {"reserve", "front"}:
                    x = r * self.keep
                    x -= c
                    x += lag * self.ret
                    _cum(x, X)  # X_t
                    m = np.maximum(x, 0.0)
                    _cum(m, M, np.maximum)  # M_t = max(0, X_0 .. X_t)
                    if "reserve" in want:
                        rc = r.copy()
                        _cum(rc, Rc)
                        rc *= self.h
                        rc += m
                        rc += self.R0
                        out["reserve"] = rc
                    if "front" in want:
                        x -= m
                        out["front"] = x
            yield t0, t1, out

    def ends(self, step: int = 4 * _STEP) -> dict[str, np.ndarray]:
        """The stocks on the last day, per draw, without keeping paths."""
        n = self.n
        X, M = np.zeros(n), np.zeros(n)
        sum_r, sum_c, sum_lag = np.zeros(n), np.zeros(n), np.zeros(n)
        for t0 in range(0, self.T, step):
            t1 = min(t0 + step, self.T)
            r = self._recruits(t0, t1)
            c = self._rows(self.lead + t0, self.lead + t1)
            lag = self._lag(t0, t1)
            sum_r += r.sum(axis=0)
            sum_c += c.sum(axis=0)
            sum_lag += lag.sum(axis=0)
            x = r
            x *= self.keep
            x -= c
            lag *= self.ret
            x += lag
            _cum(x, X)
            np.maximum(M, x.max(axis=0), out=M)
        attrition = self.k * sum_c + self.inv * sum_lag
        recovering = self.w0 + self.one_k * (sum_c - sum_lag)
        reserve = self.R0 + self.h * sum_r + M
        front = X - M
        return {
            "reserve": reserve,
            "front": front,
            "recovering": recovering,
            "attrition": attrition,
            "net_force_change": sum_r - attrition,  # cumulative since the start
            "recruits": sum_r,
        }


def simulate(
    recruits: np.ndarray,
    casualties: np.ndarray,
    *,
    killed_share,
    return_share,
    delay,
    held_back,
    reserve0,
    lead: int | None = None,
    variables: Sequence[str] = VARIABLES,
) -> dict[str, np.ndarray]:
    """Run the stock-flow model on given flows (the engine of :func:`project`).

    Parameters
    ----------
    recruits : array, shape (n, T)
        Daily recruits of each draw on the projected days.
    casualties : array, shape (n, lead + T)
        Daily casualties from ``lead`` days before the first projected day.
    killed_share, return_share, delay, held_back, reserve0 : float or array (n,)
        ``k``, ``rho``, ``D`` (whole days, at most ``lead``), ``h``, ``R0``.
    lead : int, optional
        Days of casualties before the start; default ``casualties.shape[1] - T``.
    variables : sequence of str
        Which of :data:`VARIABLES` to return.

    Returns
    -------
    dict
        Variable -> float64 array (n, T); also ``initial_reserve`` and
        ``initial_recovering`` (n,), the stocks the day before the start.
    """
    r = np.atleast_2d(np.asarray(recruits, dtype=np.float64))
    ce = np.atleast_2d(np.asarray(casualties, dtype=np.float64))
    n, T = r.shape
    lead = ce.shape[1] - T if lead is None else int(lead)
    if ce.shape != (n, lead + T):
        raise DataError(f"casualties have shape {ce.shape}; expected {(n, lead + T)}")
    k, rho, D, h, R0 = (
        np.broadcast_to(np.asarray(v, dtype=np.float64), (n,)).copy()
        for v in (killed_share, return_share, delay, held_back, reserve0)
    )
    if np.any(D != np.round(D)) or np.any(D < 0) or np.any(D > lead):
        raise DataError(
            f"return delays must be whole days in 0..{lead} (the days of "
            "casualties given before the start)"
        )
    unknown = set(variables) - set(VARIABLES)
    if unknown:
        raise DataError(f"unknown variables {sorted(unknown)}; use {', '.join(VARIABLES)}")
    o = np.argsort(D, kind="stable")  # the engine wants draws sorted by delay
    eng = _Engine(
        np.ascontiguousarray(r[o].T),
        np.ascontiguousarray(ce[o].T),
        k[o],
        rho[o],
        D[o].astype(np.int64),
        h[o],
        R0[o],
        lead,
    )
    res = {v: np.empty((n, T)) for v in variables}
    for t0, t1, out in eng.chunks(set(variables)):
        for v in variables:
            res[v][o, t0:t1] = out[v].T
    res["initial_reserve"] = R0
    res["initial_recovering"] = np.empty(n)
    res["initial_recovering"][o] = eng.w0
    return res


# ---------------------------------------------------------------------------------
# Targets
# ---------------------------------------------------------------------------------
