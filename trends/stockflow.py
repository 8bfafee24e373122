"""Stock-flow projections: daily recruits and casualties -> reserve, front, attrition.

The model
---------
Per Monte Carlo draw, on every day ``t`` from the projection start to ``until``, with
``r_t`` recruits and ``c_t`` casualties (daily flows: posterior sample paths of two rate
fits) and the structural assumptions ``k`` (share of casualties killed, missing or
captured), ``rho`` (share of the other, wounded, who return to duty), ``D`` (days until
they return; the rest are invalided out then), ``L`` (days of training), ``h`` (share of
trained recruits kept in a strategic reserve the front does not draw on), ``g`` (daily
growth of the front's required strength), ``o`` (daily other outflows: desertion,
discharge, non-combat deaths, contract expiry) and ``R0`` (the operational reserve the
day before the start)::

    trained_t       = r_{t-L}
    returns_t       = rho (1 - k) c_{t-D}
    invalided_t     = (1 - rho) (1 - k) c_{t-D}
    irrecoverable_t = k c_t + invalided_t
    need_t  = Def_{t-1} + c_t + o + g          the front's losses, growth and deficit
    avail_t = R_{t-1} + (1 - h) trained_t + returns_t
    draw_t  = min(need_t, avail_t)             the front draws from the reserve
    R_t     = avail_t - draw_t                 operational reserve (R_{-1} = R0)
    Def_t   = need_t - draw_t                  front deficit (Def_{-1} = 0)
    S_t     = S_{t-1} + draw_t - c_t - o       front strength change (S_{-1} = 0)
    G_t     = G_{t-1} + h trained_t            strategic reserve (G_{-1} = 0)
    Q_t     = Q_{t-1} + r_t - trained_t        in training (Q_{-1}: recruits of days -L..-1)
    W_t     = W_{t-1} + (1 - k) c_t - returns_t - invalided_t   wounded in recovery
    A_t     = A_{t-1} + irrecoverable_t + o    attrition since the start (A_{-1} = 0)
    net_force_change_t = r_t - irrecoverable_t - o

``W_{-1}`` holds the wounded of the ``D`` days before the start and ``Q_{-1}`` the
recruits of the ``L`` days before it, so both paths begin ``max(D, L)`` days before the
start. Summing the changes gives the identity
``R_t + G_t + S_t + Q_t + W_t + A_t - (R0 + Q_{-1} + W_{-1}) = r_0 + ... + r_t``.

Because the front takes all it needs while the reserve lasts, ``R_t - Def_t`` is the
plain running sum ``N_t = R0 + sum_{s<=t} ((1 - h) trained_s + returns_s - c_s - o - g)``
and ``R_t Def_t = 0``: ``R_t = max(N_t, 0)``, ``Def_t = max(-N_t, 0)`` and
``S_t = g (t + 1) - Def_t``. The code uses this closed form (cumulative sums, a loop
over days with numpy over all draws) in chunks of days, with float64 arithmetic and
carried state, so memory stays at the inputs plus one chunk.

Randomness: one ``seed`` gives independent streams (seeds drawn from one generator) for
the two fits, the two sets of sample paths and the assumption draws. Every scenario
reuses the same paths and the same uniform numbers behind the assumption draws (common
random numbers), so a difference between scenarios is the scenario's, draw by draw.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .errors import DataError

__all__ = ["VARIABLES", "FLOWS", "STOCKS", "simulate"]

#: Daily flows (``cumulative=True`` sums them from the start).
FLOWS: tuple[str, ...] = (
    "recruits",
    "casualties",
    "trained",
    "irrecoverable",
    "returns",
    "other_outflows",
    "net_force_change",
)
#: Stocks (levels at the end of each day).
STOCKS: tuple[str, ...] = (
    "reserve",
    "strategic_reserve",
    "front",
    "deficit",
    "training",
    "recovering",
    "attrition",
)
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


def _per_draw(v, n: int, dtype=np.float64) -> np.ndarray:
    return np.broadcast_to(np.asarray(v, dtype=dtype), (n,))


class _Engine:
    """The model for one scenario over every draw, a chunk of days at a time.

    ``recruits`` and ``casualties`` are (lead + T, draws) arrays of any float dtype
    starting ``lead`` days before the first projected day; the arithmetic and the
    state carried between chunks are float64. Per-draw parameters are arrays (draws,):
    ``k, rho, D, L, h, R0`` and ``g``, ``o`` in people per day. ``mr`` and ``mc`` are
    optional per-row multipliers (lead + T,) of the two flows (scenarios).
    """

    def __init__(self, recruits, casualties, *, k, rho, D, L, h, R0, g, o, lead, mr=None, mc=None):
        self.re, self.ce = recruits, casualties
        self.lead = int(lead)
        self.T = casualties.shape[0] - self.lead
        self.n = n = casualties.shape[1]
        for name, a in (("recruits", recruits), ("casualties", casualties)):
            if a.shape != (self.lead + self.T, n) or self.T < 1:
                raise DataError(
                    f"{name} have shape {a.shape}; expected (lead + days, draws) with "
                    f"lead = {self.lead}"
                )
        self.k, self.rho, self.h = _per_draw(k, n), _per_draw(rho, n), _per_draw(h, n)
        self.R0, self.g, self.o = _per_draw(R0, n), _per_draw(g, n), _per_draw(o, n)
        self.D, self.L = _per_draw(D, n, np.int64), _per_draw(L, n, np.int64)
        for name, d in (("return delay", self.D), ("training delay", self.L)):
            if np.any(d < 0) or np.any(d > self.lead):
                raise DataError(f"{name}s must be whole days in 0..{self.lead} (the lead days)")
        self.mr = None if mr is None or np.all(mr == 1.0) else np.asarray(mr, dtype=np.float64)
        self.mc = None if mc is None or np.all(mc == 1.0) else np.asarray(mc, dtype=np.float64)
        self.one_k = 1.0 - self.k
        self.ret = self.rho * self.one_k  # returns per lagged casualty
        self.inv = (1.0 - self.rho) * self.one_k  # invalided per lagged casualty
        self.keep = 1.0 - self.h
        self.drain = self.o + self.g  # daily need besides the casualties
        self._cols = np.arange(n)
        # stocks the day before the start: recruits of days -L..-1 in training, wounded
        # of days -D..-1 in recovery
        self.q0 = self._before(self.re, self.mr, self.L)
        self.w0 = self.one_k * self._before(self.ce, self.mc, self.D)
        self._trained = self._lagger(self.re, self.mr, self.L)  # r_{t-L}
        self._wounded = self._lagger(self.ce, self.mc, self.D)  # c_{t-D}

    def _before(self, a, mult, lag) -> np.ndarray:
        """Per draw, the sum of its last ``lag`` rows before the start."""
        x = a[: self.lead].astype(np.float64)
        if mult is not None:
            x *= mult[: self.lead, None]
        pre = np.zeros((self.lead + 1, self.n))
        np.cumsum(x, axis=0, out=pre[1:])
        return pre[self.lead] - pre[self.lead - lag, self._cols]

    def _rows(self, a, mult, t0: int, t1: int) -> np.ndarray:
        """Rows of projected days ``t0..t1-1``, float64, with the scenario multipliers."""
        x = a[self.lead + t0 : self.lead + t1].astype(np.float64)
        if mult is not None:
            x *= mult[self.lead + t0 : self.lead + t1, None]
        return x

    def _lagger(self, a, mult, lag):
        """A function ``(t0, t1) -> a_{t - lag}`` for days ``t0..t1-1`` (float64), each
        draw with its own ``lag``: slices per run of equal lags when the draws are
        sorted by lag (as :func:`trends.projection.project` sorts them by ``D``), else
        a gather from the flat array."""
        n, lead = self.n, self.lead
        if np.all(lag[1:] >= lag[:-1]):
            values, first = np.unique(lag, return_index=True)
            bounds = [*first.tolist(), n]
            runs = list(zip(values.tolist(), bounds[:-1], bounds[1:], strict=True))

            def take(t0: int, t1: int) -> np.ndarray:
                out = np.empty((t1 - t0, n))
                for d, i, j in runs:
                    s = lead - d + t0
                    out[:, i:j] = a[s : s + t1 - t0, i:j]
                    if mult is not None:
                        out[:, i:j] *= mult[s : s + t1 - t0, None]
                return out

            return take
        flat = a.reshape(-1)
        base = (lead - lag) * n + self._cols  # flat index of a_{-lag} per draw

        def gather(t0: int, t1: int) -> np.ndarray:
            days = np.arange(t0, t1)
            out = np.take(flat, base[None, :] + (days * n)[:, None]).astype(np.float64)
            if mult is not None:
                out *= mult[(lead - lag)[None, :] + days[:, None]]
            return out

        return gather

    def chunks(self, want: set, step: int = _STEP):
        """Yield ``(t0, t1, {variable: (t1 - t0, draws) float64})`` over the days.

        The dict holds every variable in ``want`` (and the flows computed on the way).
        """
        n = self.n
        N, G, Q = self.R0.copy(), np.zeros(n), self.q0.copy()
        W, A = self.w0.copy(), np.zeros(n)
        position = {"reserve", "deficit", "front"}
        need_trained = bool(want & ({"trained", "training", "strategic_reserve"} | position))
        lagged = {"returns", "irrecoverable", "net_force_change", "attrition", "recovering"}
        need_lag = bool(want & (lagged | position))
        for t0 in range(0, self.T, step):
            t1 = min(t0 + step, self.T)
            r = self._rows(self.re, self.mr, t0, t1)
            c = self._rows(self.ce, self.mc, t0, t1)
            out = {"recruits": r, "casualties": c}
            if "other_outflows" in want:
                out["other_outflows"] = np.broadcast_to(self.o, (t1 - t0, n)).copy()
            if need_trained:
                trained = out["trained"] = self._trained(t0, t1)
            if need_lag:
                lag = self._wounded(t0, t1)
                returns = out["returns"] = lag * self.ret
                irr = c * self.k
                irr += lag * self.inv
                out["irrecoverable"] = irr
                out["net_force_change"] = r - irr - self.o
            if "attrition" in want:
                a = irr + self.o
                _cum(a, A)
                out["attrition"] = a
            if "recovering" in want:
                w = c - lag
                w *= self.one_k
                _cum(w, W)
                out["recovering"] = w
            if "training" in want:
                q = r - trained
                _cum(q, Q)
                out["training"] = q
            if "strategic_reserve" in want:
                s = trained * self.h
                _cum(s, G)
                out["strategic_reserve"] = s
            if want & position:
                x = trained * self.keep
                x += returns
                x -= c
                x -= self.drain
                _cum(x, N)  # N_t = R_t - Def_t
                deficit = np.maximum(-x, 0.0)
                out["reserve"] = np.maximum(x, 0.0)
                out["deficit"] = deficit
                if "front" in want:
                    days = np.arange(t0 + 1, t1 + 1, dtype=np.float64)[:, None]
                    out["front"] = days * self.g - deficit
            yield t0, t1, out

    def ends(self, step: int = _STEP) -> dict[str, np.ndarray]:
        """Per draw, without keeping paths: the stocks on the last day, flows summed
        since the start, the first day the reserve is exhausted (``exhausted_day``; T if
        never) and the first day of its highest level (``peak_day``; -1 when nothing
        tops the starting reserve) with that level (``peak_reserve``)."""
        n = self.n
        sums = {v: np.zeros(n) for v in ("recruits", "casualties", "irrecoverable", "returns")}
        peak, peak_day = self.R0.copy(), np.full(n, -1)
        first_out = np.full(n, self.T)
        last: dict[str, np.ndarray] = {}
        for t0, _t1, out in self.chunks(set(STOCKS), step):
            for v in sums:
                sums[v] += out[v].sum(axis=0)
            R = out["reserve"]
            j = R.argmax(axis=0)
            top = R[j, self._cols]
            better = top > peak
            peak = np.where(better, top, peak)
            peak_day = np.where(better, t0 + j, peak_day)
            short = out["deficit"] > 0.0
            hit = short.any(axis=0) & (first_out == self.T)
            first_out = np.where(hit, t0 + short.argmax(axis=0), first_out)
            last = {v: out[v][-1].copy() for v in STOCKS}
        res = dict(last)
        for v, s in sums.items():
            res[v] = s
        res["other_outflows"] = self.o * self.T
        res["net_force_change"] = sums["recruits"] - res["attrition"]  # since the start
        res["exhausted_day"] = first_out
        res["peak_day"] = peak_day
        res["peak_reserve"] = peak
        return res


def simulate(
    recruits: np.ndarray,
    casualties: np.ndarray,
    *,
    killed_share,
    return_share,
    delay,
    held_back,
    reserve0,
    training=0,
    growth=0.0,
    outflows=0.0,
    lead: int | None = None,
    variables: Sequence[str] = VARIABLES,
) -> dict[str, np.ndarray]:
    """Run the stock-flow model on given flows (the engine of :func:`project`).

    Parameters
    ----------
    recruits : array, shape (n, T) or (n, lead + T)
        Daily recruits of each draw: on the projected days only (then ``training``
        must be 0), or from ``lead`` days before the first projected day.
    casualties : array, shape (n, lead + T)
        Daily casualties from ``lead`` days before the first projected day.
    killed_share, return_share, delay, held_back, reserve0 : float or array (n,)
        ``k``, ``rho``, ``D`` (whole days, at most ``lead``), ``h``, ``R0`` (people).
    training : int or array (n,)
        ``L``, days of training (whole days, at most ``lead``).
    growth, outflows : float or array (n,)
        ``g`` and ``o``, people per day.
    lead : int, optional
        Days of casualties before the start; by default ``casualties.shape[1] -
        recruits.shape[1]`` when the recruits are shorter, else 0.
    variables : sequence of str
        Which of :data:`VARIABLES` to return.

    Returns
    -------
    dict
        Variable -> float64 array (n, T); also ``initial_reserve``,
        ``initial_training`` and ``initial_recovering`` (n,), the stocks the day before
        the start.
    """
    r = np.atleast_2d(np.asarray(recruits, dtype=np.float64))
    ce = np.atleast_2d(np.asarray(casualties, dtype=np.float64))
    n = ce.shape[0]
    if lead is None:
        lead = ce.shape[1] - r.shape[1] if r.shape[1] < ce.shape[1] else 0
    lead = int(lead)
    T = ce.shape[1] - lead
    if T < 1 or r.shape[0] != n or r.shape[1] not in (T, lead + T):
        raise DataError(
            f"recruits have shape {r.shape} and casualties {ce.shape}; expected "
            f"(n, T) or (n, lead + T) and (n, lead + T) with lead = {lead}"
        )
    k, rho, D, L, h, R0, g, o = (
        np.broadcast_to(np.asarray(v, dtype=np.float64), (n,)).copy()
        for v in (
            killed_share,
            return_share,
            delay,
            training,
            held_back,
            reserve0,
            growth,
            outflows,
        )
    )
    for name, d in (("return delays", D), ("training delays", L)):
        if np.any(d != np.round(d)) or np.any(d < 0) or np.any(d > lead):
            raise DataError(
                f"{name} must be whole days in 0..{lead} (the days of flows given before the start)"
            )
    if r.shape[1] == T and lead > 0:
        if np.any(L != 0):
            raise DataError(
                "a training delay needs the recruits of the lead days before the start: "
                "give recruits of shape (n, lead + T)"
            )
        r = np.concatenate([np.zeros((n, lead)), r], axis=1)  # never read: L = 0
    unknown = set(variables) - set(VARIABLES)
    if unknown:
        raise DataError(f"unknown variables {sorted(unknown)}; use {', '.join(VARIABLES)}")
    eng = _Engine(
        np.ascontiguousarray(r.T),
        np.ascontiguousarray(ce.T),
        k=k,
        rho=rho,
        D=D.astype(np.int64),
        L=L.astype(np.int64),
        h=h,
        R0=R0,
        g=g,
        o=o,
        lead=lead,
    )
    res = {v: np.empty((n, T)) for v in variables}
    for t0, t1, out in eng.chunks(set(variables)):
        for v in variables:
            res[v][:, t0:t1] = out[v].T
    res["initial_reserve"] = R0
    res["initial_training"] = eng.q0
    res["initial_recovering"] = eng.w0
    return res
