"""The latent daily-rate model: claims about window totals -> a posterior over the rate.

Model
-----
On a grid of whole days ``t = 0..T-1`` the log daily rate ``x_t`` follows a Gaussian
Markov prior: a random walk (``local_level``: flat extrapolation), an integrated random
walk (``local_linear_trend``: the smooth local linear trend, whose slope wanders), or a
single level (``constant``). Claim ``i`` is evidence about the log of the total over its
window ``W_i``::

    y_i = log sum_{t in W_i} exp(x_t) + e_i,   e_i ~ t_nu(0, sqrt(s_i^2 + tau^2))

``s_i`` comes from the hedge table (the claim's range read as a 90% interval), ``tau``
is the discrepancy between sources, estimated, and the Student-t (``nu = 4``) lets one
wild claim stand out instead of dragging the rest. The smoothness ``sigma`` and ``tau``
maximise the Laplace-approximated marginal likelihood times weak log-normal priors
(type-II maximum a posteriori); with ``integrate=True`` (the default for sparse claims)
the posterior mixes conditional fits over a small grid of ``(sigma, tau)`` weighted by
their marginal posterior, so the intervals carry the uncertainty about the smoothness.

Computation
-----------
Gauss-Newton on ``x`` (the Student-t's score, and its observed curvature floored
positive). A window total is linear in the cumulative variable
``u_t = sum_{s<=t} c_s x_s`` (``c`` the current rate), so in ``u`` every claim touches
two entries and the prior stays banded: the normal equations are sparse whatever the
windows, and one factor (banded Cholesky, or a sparse LU for windows longer than 64
days) serves the step, the log-determinant and the posterior samples. The Laplace
evidence takes the Student-t's expected curvature (see :meth:`_Engine.weights`). Cost
grows about linearly in days and claims.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import scipy.sparse as sp
from scipy.linalg import solve_triangular
from scipy.special import gammaln, ndtri

from .claims import Claim, as_of, check_unique_ids, independent
from .errors import ConflictWarning, DataError, SparseDataWarning
from .limits import check_days
from .linalg import (
    _band_matvec,
    _band_rmatvec,
    _chol,
    _chol_solve,
    _gram_upper,
    _SparseFactor,
    _Sym,
)
from .observe import Z90, Observation, observations
from .rng import as_generator
from .tables import Exportable, to_html
from .units import as_date as _as_date
from .units import date_index

__all__ = [
    "fit",
    "MODELS",
    "QUANTILES",
    "RateModel",
    "RateFit",
    "Estimate",
    "FitSummary",
]

MODELS: tuple[str, ...] = ("local_level", "local_linear_trend", "constant")
#: The quantile levels every table reports, as column names ``q05 ... q95``.
QUANTILES: tuple[float, ...] = (0.05, 0.25, 0.5, 0.75, 0.95)

_LEVEL_SD = 3.0  # prior sd of the log rate on the first day (a factor of 20 either way)
_SLOPE_SD = 0.005  # prior sd of the initial log-rate slope, per day (local_linear_trend)
# Prior medians of the smoothness, per model: a 90-day change of the log rate of about
# 0.2 (local level) or a slope change of about 0.1 per year (linear trend).
_SIGMA0 = {"local_level": 0.02, "local_linear_trend": 3e-4}
_SIGMA_LOG_SD = 0.85
_TAU0 = 0.05
_TAU_LOG_SD = 1.5
_NU = 4.0
_BIAS_SCALE = 0.05  # Cauchy scale of a source's bias (log): agreeing sources stay near 0
_SATURATION = 0.7  # long-run sd of the log rate beyond the data (local level)
_TREND_DAMP_DAYS = 365.0  # e-folding of the trend's innovations and slope beyond the data
_WITHIN = 0.02  # within-source discrepancy (log) when biases carry the between-source one
_LOG_T2_NORM = math.log(math.gamma(1.5) / math.sqrt(2 * math.pi))  # t_2 density at 0, scale 1
_AGREE = 0.02  # a claim this close to its fitted value (relative) is never a conflict
_LOG_2PI = math.log(2 * math.pi)
_HALF_LOG_2PI = 0.5 * _LOG_2PI
_N_MODAL = 250  # draws of the modal fit behind the residual diagnostics
# Claims from which on the hyperparameters are found by a Newton search and plugged in.
_DENSE = 100


def qcol(q: float) -> str:
    """Column name of a quantile level: 0.05 -> ``q05``."""
    return f"q{round(q * 100):02d}"


@dataclass(frozen=True)
class _Data:
    """Observations on the day grid (indices into the grid)."""

    s: np.ndarray  # first day, int, shape (n,)
    e: np.ndarray  # last day, int, shape (n,)
    y: np.ndarray  # log centre
    v: np.ndarray  # hedge variance on the log scale
    ids: tuple[str, ...]
    grp: np.ndarray  # source group with a free bias, int, -1 for none
    lone: np.ndarray = None  # claims whose noise is the between-source spread (bool)
    src: np.ndarray = None  # source index of each claim (int), when grouped


@dataclass
class _Cond:
    """A converged conditional fit at fixed hyperparameters (internal, mutable)."""

    x: np.ndarray
    loglik: float  # log p(y|theta), Laplace
    w: np.ndarray  # IRLS weights at the mode
    b: np.ndarray = None  # source biases at the mode
    r: np.ndarray = None  # residuals at the mode
    n_jumps: int = 0  # innovations the jump component explains
    s2: np.ndarray = None  # each claim's noise variance used
    factor: object = None  # _System (or the constant model's precision) for sampling


@dataclass(frozen=True)
class RateModel:
    """Settings of the latent daily-rate model (no data; :meth:`fit` returns a result).

    Parameters
    ----------
    kind : str
        ``local_level``, ``local_linear_trend`` or ``constant``.
    nu : float
        Degrees of freedom of the Student-t discrepancy (``inf`` for Gaussian).
    n_samples : int
        Posterior sample paths kept for intervals.
    integrate : bool or None
        Average over the smoothness/discrepancy posterior instead of plugging in its
        mode; None decides by the number of claims (on below 100).
    sigma : float, optional
        Fix the smoothness (log-rate sd per day, or per day squared for the trend).
    tau : float, optional
        Fix the discrepancy (log scale).
    jumps : bool
        Let the log rate jump: each day's innovation is a mixture of the smooth
        ``N(0, sigma^2)`` and, with probability ``jump_rate / 365.2425``, a level
        shift ``N(0, jump_sd^2)``.
    jump_rate : float
        Prior expected number of jumps per year.
    jump_sd : float
        Prior sd of a jump of the log rate (1: a factor of e at one sd).
    jump_spread : float
        Share ``k`` of the jump component's variance the posterior's Gaussian (the
        draws) gives days without a jump at the mode, ``sigma^2 + k p J^2``, so the
        intervals carry the risk of a jump in a gap or ahead. 0 by default: at 1 the
        simulation study's 90% intervals covered 0.97-1.00 (see docs/validation.md).
    saturation : float or None
        Far beyond the claimed windows the log rate's prior sd levels off near this
        value (local level; the innovations' scale decays, see
        ``_Engine.damping``); None for the plain random walk.
    sources : bool
        Give each source (``attributed_to``, else ``source``) a multiplicative bias,
        partially pooled (a Cauchy prior of scale 0.05 on the log bias), when the
        claims come from two sources or more.
    reference : tuple of str
        Sources taken as unbiased: the consensus is theirs. Empty: the consensus of
        all sources.
    precision : bool
        Read figures printed to 3 significant figures or more with a symmetric
        qualifier as rounded counts (:func:`trends.observe.observe`); used by
        :func:`fit`.
    future_jumps : bool
        Beyond the claimed windows (ahead, and before the first), the draws carry the
        prior's own jumps: on each day, with probability ``jump_rate / 365.2425``, a
        level shift ``N(0, jump_sd^2)``, damped as the innovations are. The mode cannot
        see a jump no claim reports yet; a forecast that leaves them out is too sure.
    counts : bool
        Totals are counts of events: each sample path's days carry Poisson counts
        around its daily rate, so window totals and running totals are whole numbers
        whose spread includes the luck of small counts (a few ships a quarter), not
        only the uncertainty of the rate. The rate tables are the rate itself. Counts
        are not scale-equivariant (ten events are noisier than ten thousand, relative
        to their size): ``counts=False`` gives totals that are the rate's integral.
    overdispersion : bool
        Totals carry the count's own burstiness beyond Poisson. When the claims
        disagree with a smooth rate by more than their hedges and a reporter's usual
        error (the discrepancy ``tau`` above its prior median ``_TAU0``), the excess
        is read as day-to-day clustering of the events (a salvo of missiles, a wave of
        cases), which later windows share: each day's count is drawn around its rate
        times a mean-1 Gamma factor of variance ``kappa = (tau^2 - _TAU0^2) w``, ``w``
        the harmonic mean of the claims' window lengths, so a window of ``d`` days
        carries relative variance about ``kappa / d`` (a negative binomial count).
        Where the windows differ in length (by 2x or more), the fit is then redone with
        each claim's share, ``kappa / d``, added to its noise, so a week's figure counts
        for less than a year's, and the fit's ``tau`` is the discrepancy left. Only
        where ``tau`` is the claims' own discrepancy (one source, or a claim per
        source) and the claims cover three windows or more: a spread between sources
        is their bias, and two figures for one window count the same events. The
        rates are the smooth rate either way (of the refit, where there is one).
    no_jump_mix : bool
        When the mode takes a jump, mix in the fit without one. The posterior over
        where (and whether) the rate jumped has a mode per placement, and a jump the
        claims only bracket (a gap spanned by long totals) could lie anywhere in it;
        the smooth path is the other reading. Each weighs its Laplace evidence times
        its prior probability (no jump on any of the ``T - 1`` days:
        ``(1 - p)^(T - 1)``); both carry the future jumps.
    """

    kind: str = "local_level"
    nu: float = _NU
    n_samples: int = 1000
    integrate: bool | None = None
    sigma: float | None = None
    tau: float | None = None
    jumps: bool = True
    jump_rate: float = 1.0
    jump_sd: float = 1.0
    jump_spread: float = 0.0
    saturation: float | None = _SATURATION
    sources: bool = True
    reference: tuple[str, ...] = ()
    precision: bool = False
    future_jumps: bool = True
    counts: bool = True
    overdispersion: bool = True
    no_jump_mix: bool = True

    def __post_init__(self):
        if self.kind not in MODELS:
            raise DataError(f"unknown model {self.kind!r}; use one of {', '.join(MODELS)}")
        if self.n_samples < 10:
            raise DataError("n_samples must be at least 10")
        if not (self.jump_rate > 0 and self.jump_sd > 0):
            raise DataError("jump_rate and jump_sd must be positive")
        if self.saturation is not None and not self.saturation > 0:
            raise DataError("saturation must be a positive log-scale sd, or None")
        if isinstance(self.reference, str):
            object.__setattr__(self, "reference", (self.reference,))

    def _burst(self, data: _Data, tau: float) -> float:
        """Relative variance of a day's count beyond Poisson read from the claims'
        discrepancy ``tau`` (see ``overdispersion``); 0 where it is not read.

        Only claims of three windows or more show it: two figures for one window that
        disagree are a reporting error (the same count), not clustered events.
        """
        if not (self.overdispersion and data.lone is None and tau > _TAU0):
            return 0.0
        windows = set(zip(data.s.tolist(), data.e.tolist(), strict=True))
        if len(windows) < 3:
            return 0.0
        days = (data.e - data.s + 1).astype(float)
        return (tau * tau - _TAU0 * _TAU0) * len(days) / float(np.sum(1.0 / days))

    def fit(
        self,
        observations: Sequence[Observation],
        *,
        start: dt.date | None = None,
        end: dt.date | None = None,
        rng=None,
        quantity: str | None = None,
        set_aside: dict[str, list[str]] | None = None,
    ) -> RateFit:
        """Fit to observations and draw posterior sample paths.

        Parameters
        ----------
        observations : sequence of Observation
            From :func:`trends.observe.observations` (one quantity).
        start, end : datetime.date, optional
            Widen the day grid to cover them (a forecast horizon, or earlier days).
        rng : None, int or numpy.random.Generator
            Seed of the sample paths.

        Returns
        -------
        RateFit

        Raises
        ------
        DataError
            With no observations.
        """
        obs = list(observations)
        if not obs:
            raise DataError(
                f"no rate or total claims{' for ' + quantity if quantity else ''} to fit"
            )
        quantity = quantity or obs[0].quantity
        order = sorted(range(len(obs)), key=lambda i: (obs[i].start, obs[i].end, obs[i].claim_id))
        obs = [obs[i] for i in order]  # the fit must not depend on input order
        origin = min([o.start for o in obs] + ([start] if start else []))
        last = max([o.end for o in obs] + ([end] if end else []))
        T = check_days(
            origin, last, f"the fit of {quantity}",
            "fit fewer days: a nearer --until or --from, or claims closer together",
        )  # fmt: skip
        o0 = origin.toordinal()
        # Work on log figures centred on their median daily rate: scaling every figure
        # by k then changes nothing inside the engine (exact scale equivariance).
        shift = float(np.median([o.log_center - math.log(o.days) for o in obs]))
        data = _Data(
            s=np.array([o.start.toordinal() - o0 for o in obs], dtype=np.int64),
            e=np.array([o.end.toordinal() - o0 for o in obs], dtype=np.int64),
            # Rounded to 1e-9 so a rescaled problem is bit-identical inside the engine
            # (the optimisers' tolerances would otherwise amplify last-bit noise).
            y=np.round(np.array([o.log_center for o in obs]) - shift, 9),
            v=np.round(np.array([o.log_sd for o in obs]), 9) ** 2,
            ids=tuple(o.claim_id for o in obs),
            grp=np.full(len(obs), -1, dtype=np.int64),
        )
        names = sorted({o.source for o in obs})
        missing = [r for r in self.reference if r not in names]
        if missing:
            warnings.warn(
                f"{quantity}: reference source(s) {', '.join(map(repr, missing))} have no "
                f"claims here; sources present: {', '.join(map(repr, names))}",
                SparseDataWarning,
                stacklevel=2,
            )
        # Sources with two claims or more can show a bias (their figures agree with
        # each other, not with the rest); a lone claim's bias is its noise, the
        # between-source spread tau. With two such sources or more, each one not marked
        # reference gets a bias; with one, it is the reference.
        counts = {nm: sum(o.source == nm for o in obs) for nm in names}
        multi = [nm for nm in names if counts[nm] >= 2]
        free = [nm for nm in multi if nm not in self.reference] if len(multi) >= 2 else []
        grouped = self.sources and len(names) >= 2 and bool(multi) and self.kind != "constant"
        if grouped:
            index = {nm: k for k, nm in enumerate(free)}
            data = dataclasses.replace(
                data,
                grp=np.array([index.get(o.source, -1) for o in obs], dtype=np.int64),
                lone=np.array([counts[o.source] < 2 for o in obs]),
                src=np.array([names.index(o.source) for o in obs], dtype=np.int64),
            )
        else:
            free = []
        gen = as_generator(rng)
        engine = _Engine(self, data, T)
        smooth, p_smooth = None, 0.0
        try:
            theta_hat, conds, weights, hyper_sd = engine.run()
            burst = self._burst(data, math.exp(theta_hat[-1]))
            days = (data.e - data.s + 1).astype(float)
            # (windows of one length: the share is the same for every claim, and the
            # refit would only move the discrepancy between tau and the hedges)
            if burst and days.max() >= 2.0 * days.min():
                # Refit with each claim's share of the burstiness in its noise: a week's
                # figure scatters more than a year's, so long totals keep their weight.
                data = dataclasses.replace(data, v=data.v + burst / days)
                engine = _Engine(self, data, T)
                theta_hat, conds, weights, hyper_sd = engine.run()
            if engine.jumps and self.no_jump_mix and conds[0].n_jumps:
                smooth = _Engine(dataclasses.replace(self, jumps=False), data, T, jump_ahead=True)
                _, conds_s, weights_s, _ = smooth.run()
                log_odds = (
                    smooth.log_marginal + (T - 1) * math.log1p(-engine.p_jump) - engine.log_marginal
                )
                if math.isfinite(log_odds):
                    p_smooth = 0.5 * (1.0 + math.tanh(0.5 * log_odds))
        except (ArithmeticError, ValueError, RuntimeError, np.linalg.LinAlgError) as e:
            raise DataError(_numbers_failed(quantity, f"the solver stopped: {e}")) from None
        if not (math.isfinite(conds[0].loglik) and np.isfinite(conds[0].x).all()):
            raise DataError(_numbers_failed(quantity, "the evidence or the mode is not finite"))
        # Two streams fixed now, used when the draws are first needed: the sample paths,
        # and the modal-component draws behind the residual diagnostics.
        seed_paths, seed_modal = (int(v) for v in gen.integers(0, 2**63 - 1, size=2))
        n_modal = min(self.n_samples, _N_MODAL)

        def draw_paths() -> np.ndarray:
            n_smooth = int(round(p_smooth * self.n_samples))
            paths = engine.sample(
                conds, weights, self.n_samples - n_smooth, as_generator(seed_paths), shift
            )
            if n_smooth:
                extra = smooth.sample(
                    conds_s, weights_s, n_smooth, as_generator([seed_paths, 2]), shift
                )
                paths = np.concatenate([paths, extra])
            if not np.isfinite(paths).all():
                raise DataError(_numbers_failed(quantity, "some sample paths are not finite"))
            return paths

        def draw_modal() -> np.ndarray:
            one = np.ones(1)
            return engine.sample(conds[:1], one, n_modal, as_generator(seed_modal), shift)

        best = conds[0]
        bias_table = {}
        claim_bias = np.zeros(len(obs))
        if engine.K:
            cov = best.factor.bias_cov()
            for k, nm in enumerate(free):
                bias_table[nm] = (float(best.b[k]), float(math.sqrt(max(cov[k, k], 0.0))))
            claim_bias = engine.bias_of(best.b)
        sigma = math.exp(theta_hat[0]) if self.kind != "constant" else 0.0
        tau = math.exp(theta_hat[-1])
        fit = RateFit(
            model=self,
            quantity=quantity,
            origin=origin,
            n_days=T,
            observations=tuple(obs),
            x_mode=best.x + shift,
            sigma=sigma,
            tau=tau,
            log_evidence=best.loglik,
            weights_irls=best.w,
            hyper_sd=hyper_sd,
            set_aside=dict(set_aside or {}),
            source_bias=bias_table,
            claim_bias=claim_bias,
            claim_var=best.s2 if best.s2 is not None else engine.noise(tau),
            n_jumps=best.n_jumps,
            no_jump_weight=p_smooth,
            draw_paths=draw_paths,
            draw_modal=draw_modal,
            count_seed=seed_paths if self.counts else None,
            burst=burst,
            burst_seed=seed_paths,
        )
        fit._warn()
        return fit


def fit(
    claims: Sequence[Claim],
    quantity: str,
    *,
    model: str | RateModel = "local_level",
    as_of_date: dt.date | None = None,
    start: dt.date | None = None,
    until: dt.date | None = None,
    rng=None,
    hedges=None,
) -> RateFit:
    """Fit the daily rate of ``quantity`` from claims.

    Parameters
    ----------
    claims : sequence of Claim
        Any claims; those about ``quantity`` are used, repeats counted once, targets
        and stocks set aside (listed in ``RateFit.set_aside``).
    quantity : str
    model : str or RateModel
        A model name (see :data:`MODELS`) or settings.
    as_of_date : date-like, optional
        Use only claims published on or before it.
    start, until : date-like, optional
        Widen the day grid back to ``start`` and forward to ``until`` (a forecast).
        The grid also covers the windows of the quantity's targets.
    rng : None, int or numpy.random.Generator
        Seed of the posterior sample paths.

    Returns
    -------
    RateFit

    Raises
    ------
    DataError
        When no rate or total claim about ``quantity`` is public by ``as_of_date``.
    """
    claims = list(claims)
    check_unique_ids(claims)
    as_of_date, start, until = (
        None if d is None else _as_date(d) for d in (as_of_date, start, until)
    )
    spec = model if isinstance(model, RateModel) else RateModel(kind=model)
    obs, aside = observations(
        claims, quantity, as_of_date=as_of_date, hedges=hedges, precision=spec.precision
    )
    if not obs:
        known = sorted({c.quantity for c in claims})
        raise DataError(
            f"no rate or total claims about {quantity!r}"
            + (f" published by {as_of_date}" if as_of_date else "")
            + (f" (set aside: {aside})" if aside else "")
            + f"; quantities in the claims: {', '.join(known) or 'none'}"
        )
    targets = [
        c
        for c in independent(as_of(claims, as_of_date))
        if c.quantity == quantity and c.kind == "target"
    ]
    lows = [c.window[0] for c in targets] + ([start] if start else [])
    highs = [c.window[1] for c in targets] + ([until] if until else [])
    lo, hi = min(lows, default=None), max(highs, default=None)
    return spec.fit(obs, start=lo, end=hi, rng=rng, quantity=quantity, set_aside=aside)


def _numbers_failed(quantity: str, why: str) -> str:
    return (
        f"the fit of {quantity} failed its own checks ({why}); the claims are probably too "
        "far apart in size or time for one trend: check their values, units and dates"
    )


class _System:
    """A factored Gauss-Newton system in ``(u, b)``: ``H_u`` (banded, band plus low
    rank, or sparse) bordered by the source biases ``b`` (a few dense columns),
    eliminated through the Schur complement ``S = D - C^T H_u^-1 C``.

    With a Cholesky-based factor, ``H_u^-1 = U^-1 M U^-T`` (see :mod:`trends.linalg`):
    the Schur complement takes one triangular solve per bias, ``Z = U^-T C``,
    ``S = D - Z^T M Z``, and a step two more (``H_u^-1 C`` itself is formed only for
    draws)."""

    def __init__(self, fac, c, G, g, w):
        self.fac, self.c, self.G, self.g, self.w = fac, c, G, g, w
        self.K = 0
        self.rhs = None
        self.r = None
        self.halves = hasattr(fac, "half")
        self._Y = None

    def border(self, Cm: np.ndarray, Db: np.ndarray, rb: np.ndarray) -> None:
        self.K = len(Db)
        self.Cm, self.rb = Cm, rb
        if self.halves:
            Z = self.fac.half(Cm)
            self.MZ = self.fac.mid(Z)
            S = np.diag(Db) - Z.T @ self.MZ
        else:
            self._Y = self.fac.solve(Cm)
            S = np.diag(Db) - Cm.T @ self._Y
        S = 0.5 * (S + S.T)
        if not np.all(np.isfinite(S)):
            raise np.linalg.LinAlgError("non-finite Schur complement")
        try:
            self.cS = _chol(S)
        except np.linalg.LinAlgError:
            # Rounding (rates spanning many decades, near-exact claims) cost the Schur
            # complement its definiteness: floor its eigenvalues at a relative 1e-10.
            lam, V = np.linalg.eigh(S)
            lam = np.maximum(lam, 1e-10 * max(float(np.max(np.abs(lam))), 1e-300))
            self.cS = _chol((V * lam) @ V.T)

    @property
    def Y(self) -> np.ndarray:
        """``H_u^-1 C``, shape (T, K)."""
        if self._Y is None:
            self._Y = self.fac.back(self.MZ)
        return self._Y

    def solve(self) -> tuple[np.ndarray, np.ndarray]:
        if not self.halves:
            y1 = self.fac.solve(self.rhs)
            if not self.K:
                return y1, np.zeros(0)
            b = _chol_solve(self.cS, self.rb - self.Cm.T @ y1)
            return y1 - self.Y @ b, b
        # u = H^-1 (rhs - C b) = U^-1 M (U^-T rhs - Z b), b from the Schur complement.
        w = self.fac.half(self.rhs)
        mw = self.fac.mid(w)
        if not self.K:
            return self.fac.back(mw), np.zeros(0)
        b = _chol_solve(self.cS, self.rb - self.MZ.T @ w)
        return self.fac.back(mw - self.MZ @ b), b

    def logdet(self) -> float:
        ld = self.fac.logdet()
        if self.K:
            ld += 2.0 * float(np.sum(np.log(np.diag(self.cS[0]))))
        return ld

    def bias_cov(self) -> np.ndarray:
        """Posterior covariance of the biases (Gaussian at the mode), shape (K, K)."""
        return _chol_solve(self.cS, np.eye(self.K)) if self.K else np.zeros((0, 0))

    def draw(self, gen: np.random.Generator, k: int) -> np.ndarray:
        """``k`` draws of ``u`` from the posterior Gaussian, shape (k, T): the biases'
        marginal is N(0, S^-1), and u given them is N(-H_u^-1 C b, H_u^-1)."""
        du = self.fac.draw(gen, k)
        if self.K:
            zb = gen.standard_normal((self.K, k))
            bb = solve_triangular(self.cS[0], zb, lower=True, trans="T")
            du = du - (self.Y @ bb).T
        return du


class _Engine:
    """The numerics of one fit: hyperparameter search, conditional modes, samples."""

    def __init__(self, model: RateModel, data: _Data, T: int, jump_ahead: bool | None = None):
        self.m = model
        self.d = data
        self.T = T
        n = len(data.y)
        self.n = n
        rates = data.y - np.log(data.e - data.s + 1)
        self.m0 = float(np.median(rates))
        self.nu = model.nu
        # A path that believes every claim (short windows most): the start that finds a
        # change of level when the newest claims say so (see mode()).
        self.x_believe = _start_path(data.s, data.e, rates, T, self.m0)
        # Dense claims start flat: from the believing path, noisy daily figures are
        # explained by hundreds of jumps, a local mode far below the flat start's (see
        # mode()); many claims show a real change of level from any start.
        self.x_warm = self.x_believe.copy() if n < _DENSE else np.full(T, self.m0)
        # Many claims make the hyper-posterior sharp and each mode costly: converge each
        # mode to about 0.01 of log evidence (the hyperparameter search's resolution)
        # instead of to machine precision.
        # (x step, absolute change of the objective, relative change of it)
        self.tols = (1e-3, 0.01, 0.0) if n >= _DENSE else (1e-4, 0.0, 1e-7)
        # Which earlier day each window subtracts (-1: from the grid start).
        self.sm1 = data.s - 1
        self.has_prev = self.sm1 >= 0
        # Claims whose window spans k days touch the band of H at offset k: group them
        # once (the pattern is the same at every Newton step).
        pm = self.has_prev
        self.pair_i, self.pair_j = self.sm1[pm], data.e[pm]
        k = self.pair_j - self.pair_i
        self.pair_groups = [(int(kk), np.flatnonzero(k == kk)) for kk in np.unique(k)]
        self.single = np.flatnonzero(~pm)
        # Sources with a free bias: grp[i] in 0..K-1, -1 for none (reference sources,
        # or a single source, where a bias would be the level itself).
        self.grp = data.grp
        self.K = int(data.grp.max()) + 1 if n and int(data.grp.max()) >= 0 else 0
        # Saturation: the innovations' scale decays with the distance (days) from the
        # claimed windows (see prior_rows).
        t = np.arange(T)
        self.dist = np.maximum(int(data.s.min()) - t, 0) + np.maximum(t - int(data.e.max()), 0)
        self.ahead = t > int(data.e.max())
        # Jumps are level shifts: only the local level has them (in the trend model a
        # mixture on second differences would be a jump of the slope).
        self.jumps = bool(model.jumps) and model.kind == "local_level"
        # Draws beyond the claims carry the prior's jumps (also for the no-jump reading
        # of a jump model, which is the same prior in another configuration).
        ahead_jumps = self.jumps if jump_ahead is None else jump_ahead
        self.jump_ahead = ahead_jumps and model.future_jumps and model.kind == "local_level"
        self.tau_b = _TAU0
        self.p_jump = min(model.jump_rate / 365.2425, 0.5)
        # More jumps than the prior's Poisson count makes plausible (mean + 4 sd + 4):
        # a mode that explains noise by jumps (see mode()).
        lam = self.p_jump * T
        self.many_jumps = lam + 4.0 * math.sqrt(lam) + 4.0
        self._seen = None  # see objective()

    # ---- priors -------------------------------------------------------------------
    def prior_rows(self, sigma: float):
        """The prior as rows ``d = L x - o`` with a scale per row.

        Returns ``(lower, sd, mix, spread)``: ``lower[l][i] = L[i, i - l]`` (unit
        diagonal), ``sd`` the Gaussian scale of each row, ``mix`` the rows whose
        innovation is a mixture with the jump component, ``spread`` the scale the
        posterior's Gaussian gives a row without a jump at the mode: the mixture's own
        sd, ``sqrt(sigma^2 + p J^2)`` (damped beyond the data), so draws carry the risk
        of a jump where the claims cannot rule one out (in a gap, ahead).
        """
        T = self.T
        sd = np.empty(T)
        sd[0] = _LEVEL_SD
        mix = np.zeros(T, dtype=bool)
        l0 = np.ones(T)
        damp = self.damping(sigma)
        if self.m.kind == "local_level":
            l1 = np.full(T, -1.0)
            l1[0] = 0.0
            sd[1:] = sigma * damp[1:]
            mix[1:] = self.jumps
            spread = sd
            if self.jumps and self.m.jump_spread:
                share = float(self.m.jump_spread)
                eff = math.sqrt(sigma * sigma + share * self.p_jump * self.m.jump_sd**2)
                spread = sd.copy()
                spread[1:] = eff * self.damping(eff)[1:]
            return [l0, l1], sd, mix, spread
        # Smooth local linear trend: second differences; beyond the data the slope is
        # damped (x_t - x_{t-1} = phi (x_{t-1} - x_{t-2}) + e), so it levels off.
        phi = np.where(self.ahead, math.exp(-1.0 / _TREND_DAMP_DAYS), 1.0)
        l1 = -(1.0 + phi)
        l2 = phi.copy()
        l1[0] = 0.0
        l2[:2] = 0.0
        if T > 1:
            l1[1] = -1.0
            sd[1] = _SLOPE_SD
        sd[2:] = sigma * damp[2:]
        mix[2:] = self.jumps
        return [l0, l1, l2], sd, mix, sd

    def damping(self, sigma: float) -> np.ndarray:
        """Each day's innovation scale relative to sigma: 1 within the claimed windows,
        ``exp(-h / L)`` at ``h`` days beyond them.

        Local level: ``L = 2 s^2 / sigma^2`` with ``s`` the ``saturation`` setting, so
        the log rate's variance beyond the data, ``sigma^2 sum_h exp(-2h/L)``, levels off
        at about ``s^2`` whatever sigma (a slowly wandering rate keeps wandering for
        years; a fast one saturates within weeks). Trend: ``L`` is
        ``_TREND_DAMP_DAYS``, and the slope is damped too.
        """
        sat = self.m.saturation
        if not sat:
            return np.ones(self.T)
        L = 2.0 * sat * sat / (sigma * sigma) if self.m.kind == "local_level" else _TREND_DAMP_DAYS
        return np.maximum(np.exp(-self.dist / L), 0.05)

    def prior_terms(self, x: np.ndarray, pri, spread: bool = False):
        """Negative log prior density of x (with its constants) and each row's IRLS
        precision: ``1/sd^2`` on Gaussian rows; on mixture rows the expected precision
        given the row's responsibility ``g`` of the jump component,
        ``(1 - g)/sd^2 + g/jump_sd^2`` (an EM step: the Newton iteration stays a
        monotone majorise-minimise one)."""
        lower, sd, mix, spread_sd = pri
        dvec = _band_matvec(lower, x)
        dvec[0] -= self.m0
        z = dvec / sd
        base = 0.5 * z * z + np.log(sd) + _HALF_LOG_2PI
        prec = 1.0 / (sd * sd)
        if not mix.any():
            return float(np.sum(base)), prec, dvec
        js = self.m.jump_sd
        a = math.log1p(-self.p_jump) - base[mix]
        zj = dvec[mix] / js
        b = math.log(self.p_jump) - (0.5 * zj * zj + math.log(js) + _HALF_LOG_2PI)
        top = np.logaddexp(a, b)
        gam = np.exp(b - top)
        rho = base.copy()
        rho[mix] = -top
        prec = prec.copy()
        if spread:
            prec[mix] = (1.0 - gam) / spread_sd[mix] ** 2 + gam / (js * js)
        else:
            prec[mix] = (1.0 - gam) * prec[mix] + gam / (js * js)
        return float(np.sum(rho)), prec, dvec

    def bias_terms(self, b: np.ndarray):
        """Student-t prior (``nu = 2``, scale ``tau``) on the source biases: negative log
        density and IRLS precision. Heavy tails: sources that agree keep a bias near 0
        while one far off takes its whole offset, so it does not drag the consensus."""
        tb = self.tau_b
        q = 1.0 + b * b / (2.0 * tb * tb)
        nll = float(np.sum(1.5 * np.log(q) + math.log(tb) - _LOG_T2_NORM))
        return nll, 3.0 / (2.0 * tb * tb + b * b)

    def noise(self, tau: float) -> np.ndarray:
        """Each claim's noise variance (log scale) at discrepancy ``tau``.

        One source, or each claim from its own source (or sources off): the hedge plus
        ``tau^2``. Otherwise ``tau`` is the spread between sources: the noise of a lone
        claim, and the scale of the biases of sources with several claims, whose own
        noise is their hedge plus the within-source discrepancy ``_WITHIN`` (figures of
        one source agree up to rounding; the Student-t still sets a stray one aside).
        """
        self.tau_b = tau
        if self.d.lone is None:
            return self.d.v + tau * tau
        within = min(_WITHIN, tau)
        return self.d.v + np.where(self.d.lone, tau * tau, within * within)

    def prior_sds(self) -> np.ndarray:
        """The hyperpriors' sds (log scale), per entry of theta: the integration grid's
        widest step, so a likelihood flat in sigma or tau keeps the grid within the
        prior's +-2 sd."""
        if self.m.kind == "constant":
            return np.array([_TAU_LOG_SD])
        return np.array([_SIGMA_LOG_SD, _TAU_LOG_SD])

    def hyper_logprior(self, theta: np.ndarray) -> float:
        lp = 0.0
        if self.m.kind != "constant" and self.m.sigma is None:
            lp += -0.5 * ((theta[0] - math.log(_SIGMA0[self.m.kind])) / _SIGMA_LOG_SD) ** 2
        if self.m.tau is None:
            lp += -0.5 * ((theta[-1] - math.log(_TAU0)) / _TAU_LOG_SD) ** 2
        return lp

    # ---- likelihood -----------------------------------------------------------------
    def window_sums(self, values: np.ndarray) -> np.ndarray:
        """Sum of ``values`` over each claim's window, shape (n,)."""
        C = np.cumsum(values)
        return C[self.d.e] - np.where(self.has_prev, C[np.maximum(self.sm1, 0)], 0.0)

    def bias_of(self, b: np.ndarray) -> np.ndarray:
        """Each claim's source bias, shape (n,)."""
        if not self.K:
            return np.zeros(self.n)
        return np.where(self.grp >= 0, b[np.maximum(self.grp, 0)], 0.0)

    def loglik_terms(self, r: np.ndarray, s2: np.ndarray) -> np.ndarray:
        nu = self.nu
        if math.isinf(nu):
            return -0.5 * (np.log(2 * np.pi * s2) + r * r / s2)
        return (
            gammaln((nu + 1) / 2)
            - gammaln(nu / 2)
            - 0.5 * np.log(nu * np.pi * s2)
            - (nu + 1) / 2 * np.log1p(r * r / (nu * s2))
        )

    def weights(
        self, r: np.ndarray, s2: np.ndarray, expected: bool = True
    ) -> tuple[np.ndarray, np.ndarray]:
        """Score weight (psi(r) / r) and curvature of each claim's log-likelihood.

        ``expected=True`` (the Laplace evidence): the Student-t's Fisher information,
        ``(nu + 1) / ((nu + 3) s2)``. The observed curvature shrinks, and turns
        negative, as a residual grows, so in the evidence a stiffer path with larger
        residuals would pay a smaller Occam penalty: on data simulated from the model
        that biased the smoothness 20-25% low and inflated the discrepancy
        (``tests/test_model.py::test_many_claims_recover_the_smoothness``).
        ``expected=False`` (the Newton steps, and the posterior's Gaussian at the mode):
        the observed curvature, floored at a small share of the score weight so the
        matrix stays positive definite. It converges faster than Fisher scoring when
        some claims are outliers, and it gives a claim the Student-t sets aside no say
        in the posterior's spread.
        """
        nu = self.nu
        if math.isinf(nu):
            w = 1.0 / s2
            return w, w
        q = nu * s2 + r * r
        w = (nu + 1) / q
        if expected:
            return w, (nu + 1) / ((nu + 3) * s2)
        curv = (nu + 1) * (nu * s2 - r * r) / (q * q)
        return w, np.maximum(curv, 0.01 * w)

    def objective(self, x, b, pri, s2):
        """Negative log joint density of (x, b, y) (with constants) and the residuals."""
        kappa = float(np.max(x))
        # A trial step can be wild (the line search then halves it): let it score +inf.
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            c = np.exp(x - kappa)
            S = self.window_sums(c)
            eta = np.log(S) + kappa
            r = self.d.y - eta - self.bias_of(b)
            pt = self.prior_terms(x, pri)
            J = pt[0] - float(np.sum(self.loglik_terms(r, s2)))
            if self.K:
                J += self.bias_terms(b)[0]
        # The Newton loop builds its next system at the point it accepted, and the
        # evidence two at the mode: they reuse these (same array, same prior rows).
        self._seen = (x, pri, kappa, c, S, pt)
        return (J if math.isfinite(J) else math.inf), r

    def _recall(self, x, pri):
        """``(kappa, c, S, prior terms)`` from :meth:`objective` if it last scored this
        very array with these prior rows, else None."""
        seen = self._seen
        if seen is not None and seen[0] is x and seen[1] is pri:
            return seen[2:]
        return None

    def system(self, x, b, pri, s2, expected: bool = False, spread: bool = False) -> _System:
        """The Gauss-Newton system in (u, b) at (x, b); ``spread``: the prior's
        moment-matched precision on rows without a jump (the posterior's Gaussian for
        draws, see :meth:`prior_rows`)."""
        T, d = self.T, self.d
        seen = self._recall(x, pri)
        if seen is None:
            kappa = float(np.max(x))
            c = np.exp(x - kappa)
            S = self.window_sums(c)
        else:
            kappa, c, S, pt = seen
        bias = self.bias_of(b)
        r = d.y - (np.log(S) + kappa) - bias
        psi_w, w = self.weights(r, s2, expected)
        ax = self.window_sums(c * x) / S
        wz = psi_w * r + w * (ax + bias)  # Newton: score in the gradient, curvature in H
        g = 1.0 / S
        _, prec, _ = pt if seen is not None and not spread else self.prior_terms(x, pri, spread)
        root = np.sqrt(prec)
        fd = [root * lo for lo in pri[0]]
        # x = D u, D = diag(1/c) (I - shift): then a window sum is u_e - u_{s-1}, and
        # the prior factor becomes G = F D, banded one wider than F.
        m = [fl / np.concatenate([np.ones(off), c[: T - off]]) if off else fl / c
             for off, fl in enumerate(fd)]  # fmt: skip
        G = [m[0]] + [m[off] - m[off - 1] for off in range(1, len(m))] + [-m[-1]]
        for off in range(1, len(G)):
            G[off] = G[off].copy()
            G[off][:off] = 0.0
        band = _gram_upper(G)  # G^T G as upper diagonals band[k][j] = H[j, j + k]
        rhs = np.zeros(T)
        rhs[0] += G[0][0] * root[0] * self.m0
        wg = w * g
        wg2 = wg * g
        pm = self.has_prev
        rhs += np.bincount(d.e, weights=wz * g, minlength=T)
        rhs -= np.bincount(self.sm1[pm], weights=(wz * g)[pm], minlength=T)
        H = _Sym(band, T)
        if self.single.size:
            H.add_diag(np.bincount(d.e[self.single], weights=wg2[self.single], minlength=T))
        H.add_pairs(self.pair_i, self.pair_j, wg2[pm], self.pair_groups)
        sysm = _System(H.factor(), c, G, g, w)
        if self.K:
            K = self.K
            on = self.grp >= 0
            Cm = np.zeros((T, K))
            np.add.at(Cm, (d.e[on], self.grp[on]), wg[on])
            both = on & pm
            np.add.at(Cm, (self.sm1[both], self.grp[both]), -wg[both])
            Db = np.bincount(self.grp[on], weights=w[on], minlength=K) + self.bias_terms(b)[1]
            rb = np.bincount(self.grp[on], weights=wz[on], minlength=K)
            sysm.border(Cm, Db, rb)
        sysm.rhs = rhs
        sysm.r = r
        return sysm

    def E_pattern(self):
        """Sparse (n x T) matrix with +1 at each window's end, -1 the day before its start."""
        pm = self.has_prev
        rows = np.arange(self.n)
        return sp.csr_matrix(
            (
                np.concatenate([np.ones(self.n), -np.ones(int(pm.sum()))]),
                (np.concatenate([rows, rows[pm]]), np.concatenate([self.d.e, self.sm1[pm]])),
            ),
            shape=(self.n, self.T),
        )

    # ---- conditional mode -----------------------------------------------------------
    def mode(self, sigma: float, tau: float, x0: np.ndarray, keep: bool = False, b0=None) -> _Cond:
        """The conditional fit at ``(sigma, tau)``, Newton started from ``x0`` (and the
        source biases from ``b0``, default 0)."""
        if self.m.kind == "constant":
            return self._mode_constant(tau, keep)
        pri = self.prior_rows(sigma)
        s2 = self.noise(tau)
        x, b, J, r = self._newton(x0, pri, s2, b0)
        if self.d.src is not None and np.all(np.isfinite(r)):
            # Each source with several claims gets its own noise, partially pooled: the
            # within-source discrepancy as two pseudo-claims, plus its claims' squared
            # residuals at the mode; then the mode again (one step of EM). (The first
            # mode's evidence is never used: it is not computed.)
            lone = self.d.lone
            r2 = np.where(lone, 0.0, r * r)
            n_k = np.bincount(self.d.src, weights=(~lone).astype(float))
            ss = np.bincount(self.d.src, weights=r2, minlength=len(n_k))
            within2 = min(_WITHIN, tau) ** 2
            d2 = (2.0 * within2 + ss) / (2.0 + n_k)
            s2 = np.where(lone, s2, self.d.v + d2[self.d.src])
            best = self._converge(x, pri, s2, keep)
        else:
            best = self._evidence(x, b, J, r, pri, s2, keep)
        if self.jumps:
            # A surprise has two readings: a bad claim or a change of level. Newton
            # finds the one nearest its start, so when the mode sets a claim aside, try
            # the path that believes the claims; when it takes a jump, try a flat one;
            # keep the reading with the larger evidence. Dense claims show a change of
            # level in many claims at once, so Newton finds a real one from any start;
            # but from a start that follows noisy daily figures it explains the noise
            # by hundreds of jumps, a local mode thousands of nats below the flat
            # start's (the personnel series: -3,918 against -725 at the prior
            # medians): there the believing start is not tried, and the flat one only
            # when the jumps are far more than the prior expects (a second start from
            # flat on every mode cost ten times the fit's time on 1,200 simulated days
            # of a wandering rate: Newton from flat takes many steps there).
            z = np.abs(best.r) / np.sqrt(s2)
            alt = []
            dense = self.n >= _DENSE
            if not dense and float(np.max(z)) > 3.0 and x0 is not self.x_believe:
                alt.append(self.x_believe)
            if best.n_jumps > (self.many_jumps if dense else 0):
                alt.append(np.full(self.T, self.m0))
            for xs in alt:
                other = self._converge(xs, pri, s2, keep)
                if other.loglik > best.loglik:
                    best = other
        return best

    def _converge(self, x0, pri, s2, keep, b0=None) -> _Cond:
        """The conditional mode from ``x0`` with its Laplace evidence."""
        return self._evidence(*self._newton(x0, pri, s2, b0), pri, s2, keep)

    def _newton(self, x0, pri, s2, b0=None):
        """Damped Newton from ``x0`` (biases from ``b0``, default 0) to the conditional
        mode: ``(x, b, J, r)``, the path, the source biases, the objective and the
        residuals there."""
        x = x0.copy()
        b = np.zeros(self.K) if b0 is None else b0.copy()
        J, r = self.objective(x, b, pri, s2)
        for _ in range(100):
            try:
                sysm = self.system(x, b, pri, s2, expected=False)
                u, b_new = sysm.solve()
            except np.linalg.LinAlgError:
                break  # a path so extreme the algebra fails: x is as good as it gets
            c = sysm.c
            x_new = u / c
            x_new[1:] -= u[:-1] / c[1:]
            step = x_new - x
            bstep = b_new - b
            t = 1.0
            for _ in range(30):  # damped: halve until the objective does not rise
                cand, bc = x + t * step, b + t * bstep
                J_new, r_new = self.objective(cand, bc, pri, s2)
                if J_new <= J + 1e-12 * abs(J) or (t < 1e-6 and math.isfinite(J_new)):
                    break
                t *= 0.5
            if not math.isfinite(J_new):
                break  # no usable step from here: x is as good as it gets
            dJ = J - J_new
            x, b, J, r = cand, bc, J_new, r_new
            x_tol, j_abs, j_rel = self.tols
            big = max(float(np.max(np.abs(t * step))), float(np.max(np.abs(t * bstep), initial=0)))
            if big < x_tol or 0 <= dJ < j_abs + j_rel * (1 + abs(J)):
                break
        return x, b, J, r

    def _evidence(self, x, b, J, r, pri, s2, keep) -> _Cond:
        """The converged conditional fit at a mode (see :meth:`_newton`)."""
        # Laplace evidence at the mode. Dense claims: the expected curvature (see
        # weights()). Sparse claims: the mean of the log-determinants with the expected
        # and the observed curvature, which tracks importance sampling best there
        # (analysis/evidence_check.py: largest error 0.32 nats against 0.88 and 0.41).
        dim = self.T + self.K
        try:
            sysm = self.system(x, b, pri, s2, expected=True)
            logdet = sysm.logdet()
            obs_sys = None
            if self.n < _DENSE:
                obs_sys = self.system(x, b, pri, s2, expected=False)
                logdet = 0.5 * (logdet + obs_sys.logdet())
        except np.linalg.LinAlgError:
            # A path so extreme its curvature cannot be factored: no evidence here (the
            # hyperparameter search moves on; the grid gives it no weight).
            return _Cond(x=x, loglik=-math.inf, w=np.ones(self.n), b=b, r=r, s2=s2)
        logdet += 2.0 * float(np.sum(np.log(sysm.c)))
        loglik = -J + 0.5 * dim * _LOG_2PI - 0.5 * logdet
        seen = self._recall(x, pri)
        _, prec, dvec = seen[3] if seen is not None else self.prior_terms(x, pri)
        n_jumps = int(np.sum(pri[2] & (prec < 0.5 / pri[1] ** 2))) if self.jumps else 0
        if not keep:
            # (sparse claims: the observed system is at hand, keep it for the grid)
            return _Cond(x=x, loglik=loglik, w=sysm.w, b=b, r=r, n_jumps=n_jumps,
                         factor=obs_sys, s2=s2)  # fmt: skip
        # The posterior's Gaussian, for draws and leverages, takes the observed
        # curvature: a claim the Student-t has set aside adds no information there.
        if self.jumps and self.m.jump_spread:
            sysm = self.system(x, b, pri, s2, expected=False, spread=True)
        else:
            sysm = obs_sys or self.system(x, b, pri, s2, expected=False)
        if isinstance(sysm.fac, _SparseFactor):
            self._attach_root(sysm)
        return _Cond(x=x, loglik=loglik, w=sysm.w, b=b, r=r, n_jumps=n_jumps, factor=sysm,
                     s2=s2)  # fmt: skip

    def _attach_root(self, sysm: _System) -> None:
        """Give a sparse-LU system its square root ``b ~ N(0, H_u)`` for draws."""
        E = self.E_pattern()
        G, sw = sysm.G, np.sqrt(sysm.w) * sysm.g

        def root(gen, k):
            b = _band_rmatvec(G, gen.standard_normal((self.T, k)))
            return b + E.T @ (gen.standard_normal((self.n, k)) * sw[:, None])

        sysm.fac.root = root

    def _mode_constant(self, tau: float, keep: bool) -> _Cond:
        # x_t = theta for all t, so log window total = theta + log(days): linear.
        s2 = self.noise(tau)
        logdays = np.log(self.d.e - self.d.s + 1)
        theta = self.m0
        prec0 = 1.0 / _LEVEL_SD**2
        for _ in range(100):
            r = self.d.y - logdays - theta
            w = self.weights(r, s2)[0]
            new = (prec0 * self.m0 + float(np.sum(w * (self.d.y - logdays)))) / (
                prec0 + float(np.sum(w))
            )
            if abs(new - theta) < 1e-10:
                theta = new
                break
            theta = new
        r = self.d.y - logdays - theta
        w = self.weights(r, s2)[1]
        H = prec0 + float(np.sum(w))
        loglik = (
            float(np.sum(self.loglik_terms(r, s2)))
            - 0.5 * prec0 * (theta - self.m0) ** 2
            - math.log(_LEVEL_SD)
            - 0.5 * math.log(H)
        )
        cond = _Cond(x=np.full(self.T, theta), loglik=loglik, w=w, b=np.zeros(0), r=r)
        if keep:
            cond.factor = H
        return cond

    # ---- hyperparameters ------------------------------------------------------------
    def theta_to(self, theta: np.ndarray) -> tuple[float, float]:
        if self.m.kind == "constant":
            return 0.0, math.exp(theta[0])
        return math.exp(theta[0]), math.exp(theta[1])

    def free(self) -> list[int]:
        """Indices of theta that are estimated (not fixed by the model settings)."""
        if self.m.kind == "constant":
            return [] if self.m.tau is not None else [0]
        out = []
        if self.m.sigma is None:
            out.append(0)
        if self.m.tau is None:
            out.append(1)
        return out

    def neg_logpost(self, theta: np.ndarray) -> float:
        sigma, tau = self.theta_to(theta)
        # (Warm: from the last mode found. Not from the mode at the nearest
        # hyperparameters: with jumps the conditional mode depends on the start, and on
        # the dense loss series that start led the search to other hyperparameters.)
        cond = self.mode(sigma, tau, self.x_warm)
        self.x_warm = cond.x
        self.conds[tuple(np.round(theta, 12))] = cond
        val = cond.loglik + self.hyper_logprior(theta)
        return -val if math.isfinite(val) else 1e300

    def keep(self, theta: np.ndarray) -> _Cond:
        """The conditional fit at theta with its posterior Gaussian (for draws)."""
        sigma, tau = self.theta_to(theta)
        cond = self.conds.get(tuple(np.round(theta, 12)))
        if cond is None or self.m.kind == "constant":
            return self.mode(sigma, tau, self.x_warm, keep=True)
        # The mode is converged: only its Gaussian (observed curvature) may be new.
        s2 = cond.s2 if cond.s2 is not None else self.noise(tau)
        if self.jumps and self.m.jump_spread:
            sysm = self.system(cond.x, cond.b, self.prior_rows(sigma), s2, spread=True)
        else:
            sysm = cond.factor or self.system(cond.x, cond.b, self.prior_rows(sigma), s2)
        if isinstance(sysm.fac, _SparseFactor):
            self._attach_root(sysm)
        cond.factor = sysm
        cond.w = sysm.w
        return cond

    def run(self):
        kind = self.m.kind
        if kind == "constant":
            theta0 = np.array([math.log(self.m.tau or _TAU0)])
        else:
            theta0 = np.array(
                [math.log(self.m.sigma or _SIGMA0[kind]), math.log(self.m.tau or _TAU0)]
            )
        free = self.free()
        theta_hat = theta0.copy()
        hyper_sd = np.zeros((2, len(theta0)))  # (below, above) the mode, log scale
        cache: dict[tuple, float] = {}
        self.conds: dict[tuple, _Cond] = {}

        def f(sub):
            key = tuple(np.round(sub, 12))
            if key not in cache:
                th = theta0.copy()
                th[free] = sub
                cache[key] = self.neg_logpost(th)
            return cache[key]

        if free:
            x_hat = _newton_min(f, theta0[free])
            theta_hat[free] = x_hat
        integrate = self.m.integrate
        if integrate is None:
            integrate = self.n < _DENSE
        points, logvol = [theta_hat], [0.0]
        if free and integrate:
            points, logvol = self.grid(f, x_hat, theta_hat, free, hyper_sd)
        conds, logw = [], []
        for k, th in enumerate(points):
            if free:
                f(th[free])  # the conditional mode, cached
                cached = self.conds.get(tuple(np.round(th, 12)))
                if k and cached is not None and not math.isfinite(cached.loglik):
                    continue  # no evidence there (see _converge): no weight
            cond = self.keep(th)
            conds.append(cond)
            logw.append(cond.loglik + self.hyper_logprior(th) + logvol[k])
        logw = np.array(logw)
        weights = np.exp(logw - logw.max())
        # log p(claims): the grid's sum (Laplace at each point), for mixing fits
        self.log_marginal = float(logw.max() + np.log(weights.sum()))
        weights /= weights.sum()
        # The modal component first (residual diagnostics use it).
        return theta_hat, conds, weights, hyper_sd

    def grid(self, f, x_hat, theta_hat, free, hyper_sd):
        """Integration points over the hyper-posterior, placed where its density falls.

        Along each free axis the scale is found on each side separately: from the
        curvature at the mode, then corrected so the log density drops by 2 at
        ``z = +-2`` (INLA's skewness correction). Points: ``z in {-1, 0, 1}^k`` and
        ``z = +-2`` along each axis, those whose log density lies within 3 of the mode's;
        each weighs its posterior density times the volume of its cell (the side's
        scales).
        """
        k = len(free)
        f_hat = f(x_hat)
        h = 0.15
        scales = np.zeros((2, k))
        caps = self.prior_sds()[free]
        for j in range(k):
            cap = caps[j]
            e = np.zeros(k)
            e[j] = h
            d2 = (f(x_hat + e) - 2 * f_hat + f(x_hat - e)) / h**2
            s = 1.0 / math.sqrt(d2) if d2 > 1e-8 else cap
            s = min(s, cap)
            for side, sign in ((0, -1.0), (1, 1.0)):
                e = np.zeros(k)
                e[j] = sign * 2.0 * s
                drop = f(x_hat + e) - f_hat
                scales[side, j] = min(s * math.sqrt(2.0 / max(drop, 0.1)), cap)
        hyper_sd[:, free] = scales
        offsets = [-1, 0, 1]
        grid = np.array(np.meshgrid(*[offsets] * k)).reshape(k, -1).T.tolist()
        for j in range(k):
            for v in (-2, 2):
                z = [0] * k
                z[j] = v
                grid.append(z)
        # Order by the integer grid offsets (mode first), never by float distances:
        # exact ties would let rounding noise permute the components.
        grid = sorted(grid, key=lambda z: (sum(v * v for v in z), z))
        points, logvol = [], []
        for z in np.array(grid, dtype=float):
            lo, hi = scales[0], scales[1]
            sc = np.where(z > 0, hi, np.where(z < 0, lo, 0.5 * (lo + hi)))
            sub = x_hat + z * np.where(z > 0, hi, lo)
            if f(sub) - f_hat > 3.0:
                continue
            th = theta_hat.copy()
            th[free] = sub
            points.append(th)
            logvol.append(float(np.sum(np.log(sc))))
        return points, logvol

    # ---- sampling -------------------------------------------------------------------
    def sample(
        self, conds, weights, n: int, gen: np.random.Generator, shift: float = 0.0
    ) -> np.ndarray:
        """Posterior sample paths of the log rate plus ``shift``, shape (n, T)."""
        counts = _allocate(weights, n)
        out = np.empty((n, self.T))
        row = 0
        # One stream per mixture component, so that a draw moving between components
        # (weights change in the last digits) leaves every other component's draws alone.
        # Seeds drawn from gen (not seed_seq.spawn, which would mutate the caller's
        # SeedSequence and change a second fit given a generator from the same one).
        seeds = gen.integers(0, 2**63 - 1, size=len(conds))
        streams = [np.random.default_rng(int(x)) for x in seeds]
        for cond, k, gen in zip(conds, counts, streams, strict=True):
            if k == 0:
                continue
            if self.m.kind == "constant":
                H = cond.factor
                out[row : row + k] = cond.x[0] + shift + gen.standard_normal((k, 1)) / math.sqrt(H)
            else:
                sysm = cond.factor
                du = sysm.draw(gen, k)
                c = sysm.c
                # x = mode + D du with D = diag(1/c)(I - shift), rows of du as paths.
                block = out[row : row + k]
                np.divide(du, c, out=block)
                block[:, 1:] -= du[:, :-1] / c[1:]
                block += cond.x + shift
                if self.jump_ahead:
                    self._future_jumps(block, gen)
            row += k
        return out

    def _future_jumps(self, block: np.ndarray, gen: np.random.Generator) -> None:
        """Add the prior's jumps to draws ``block`` (k, T) on the days outside the claims.

        Ahead of the last claimed day a jump on day ``t`` moves every later day; before
        the first, every earlier day (the walk run backwards). Sizes are damped as the
        innovations are (:meth:`damping`), with the jumps' own variance per day,
        ``p J^2``, in place of ``sigma^2``: their share of the log rate's variance far
        from the claims levels off near ``saturation^2`` too.
        """
        k = block.shape[0]
        sd = self.m.jump_sd * self.damping(self.m.jump_sd * math.sqrt(self.p_jump))
        first = int(self.d.s.min())
        ahead = np.flatnonzero(self.ahead)
        if ahead.size:
            hit = gen.random((k, ahead.size)) < self.p_jump
            step = np.where(hit, gen.standard_normal((k, ahead.size)) * sd[ahead], 0.0)
            block[:, ahead] += np.cumsum(step, axis=1)
        if first > 0:
            hit = gen.random((k, first)) < self.p_jump
            # (a jump on day t moves days before t: the walk run backwards from `first`)
            step = np.where(hit, gen.standard_normal((k, first)) * sd[1 : first + 1], 0.0)
            block[:, :first] += np.cumsum(step[:, ::-1], axis=1)[:, ::-1]


def _newton_min(
    f: Callable[[np.ndarray], float],
    x0: np.ndarray,
    h: float = 0.1,
    tol: float = 0.02,
    max_iter: int = 20,
):
    """Minimise a smooth function of 1-2 variables by Newton steps on finite differences.

    Each step costs ``2k + k(k-1)/2`` evaluations (central differences, one cross
    point); steps are capped at 1 (log-scale hyperparameters: a factor of e) and halved
    until ``f`` decreases. Used when many claims make the log posterior of the
    hyperparameters close to quadratic, where it needs about half the evaluations of
    Nelder-Mead.

    ``f`` need not be smooth where it is evaluated: a conditional mode may land in a
    worse local mode at one point than at its neighbours, a sharp peak the quadratic
    reads as an optimum. So the search never stops at a point some evaluated point
    beats: it moves to the best point evaluated (finite-difference neighbours
    included) and goes on from there, and it returns the best point evaluated.

    Returns
    -------
    numpy.ndarray
        The minimiser.
    """
    k = len(x0)
    best = [math.inf, None]

    def ev(p: np.ndarray) -> float:
        v = f(p)
        if v < best[0]:
            best[0], best[1] = v, p.copy()
        return v

    x = np.asarray(x0, float).copy()
    fx = ev(x)
    for _ in range(max_iter):
        g = np.zeros(k)
        H = np.zeros((k, k))
        plus = np.zeros(k)
        for i in range(k):
            e = np.zeros(k)
            e[i] = h
            fp, fm = ev(x + e), ev(x - e)
            plus[i] = fp
            g[i] = (fp - fm) / (2 * h)
            H[i, i] = (fp - 2 * fx + fm) / h**2
        for i in range(k):
            for j in range(i + 1, k):
                e = np.zeros(k)
                e[i] = e[j] = h
                fij = ev(x + e)
                H[i, j] = H[j, i] = (fij - plus[i] - plus[j] + fx) / h**2
        w, V = np.linalg.eigh(H)
        # Not convex here (far from the optimum): a gradient step of bounded size.
        w = np.maximum(np.abs(w), max(1.0, 1e-3 * float(np.max(np.abs(w)))))
        step = -(V @ ((V.T @ g) / w))
        big = float(np.max(np.abs(step)))
        if big < tol and best[0] >= fx:  # within the resolution: not worth an evaluation
            x = x + step
            break
        if big > 1.0:
            step /= big
        t = 1.0
        for _ in range(6):
            cand = x + t * step
            fc = ev(cand)
            if fc <= fx:
                break
            t *= 0.5
        else:
            fc = math.inf  # no descent along the Newton direction
        if best[0] < min(fc, fx):
            # A neighbour beats both the centre and the step (the centre's mode is a
            # poor local one, or f is not quadratic here): go on from the best point.
            x, fx = best[1].copy(), best[0]
            continue
        if not math.isfinite(fc):
            break  # at the optimum's resolution
        x, fx = cand, fc
        if float(np.max(np.abs(t * step))) < tol:
            break
    return x if best[0] >= fx else best[1]


def _start_path(s: np.ndarray, e: np.ndarray, rates: np.ndarray, T: int, m0: float) -> np.ndarray:
    """A first guess of the log rate path: each day the average of the covering claims'
    log daily rates, short windows weighing more (they say more about the day).

    Days no claim covers take the nearest covered day's value (``m0`` if none). Starting
    Newton here rather than from a flat line saves dozens of steps when claims are dense.
    """
    w = 1.0 / (e - s + 1)
    num = np.zeros(T + 1)
    den = np.zeros(T + 1)
    np.add.at(num, s, w * rates)
    np.add.at(num, e + 1, -w * rates)
    np.add.at(den, s, w)
    np.add.at(den, e + 1, -w)
    num, den = np.cumsum(num[:T]), np.cumsum(den[:T])
    covered = den > 1e-12 * float(np.max(den, initial=0.0))
    if not covered.any():
        return np.full(T, m0)
    idx = np.flatnonzero(covered)
    x = np.empty(T)
    x[idx] = num[idx] / den[idx]
    near = np.clip(np.searchsorted(idx, np.arange(T)), 0, len(idx) - 1)
    left = np.clip(near - 1, 0, len(idx) - 1)
    pick = np.where(np.abs(idx[left] - np.arange(T)) < np.abs(idx[near] - np.arange(T)), left, near)
    out = x[idx[pick]]
    # Rounded so a rescaled problem starts from the same point bit for bit.
    return np.round(out, 9)


def _allocate(weights: np.ndarray, n: int) -> np.ndarray:
    """Split ``n`` draws over mixture components by weight (largest remainders)."""
    raw = weights * n
    counts = np.floor(raw).astype(int)
    short = n - counts.sum()
    if short:
        counts[np.argsort(-(raw - counts), kind="stable")[:short]] += 1
    return counts


@dataclass(frozen=True)
class Estimate:
    """A posterior total over a window.

    Attributes
    ----------
    quantity : str
    start, end : datetime.date
        Inclusive window.
    mean : float
        Posterior mean of the total (count).
    quantiles : dict
        Level (0.05 ... 0.95) -> total.
    samples : numpy.ndarray
        Shape (n_samples,): posterior draws of the total.
    """

    quantity: str
    start: dt.date
    end: dt.date
    mean: float
    quantiles: dict[float, float]
    samples: np.ndarray = field(repr=False)

    def p_at_least(self, target: float) -> float:
        """Posterior probability that the total reaches ``target``."""
        return float(np.mean(self.samples >= target))

    def interval(self, level: float = 0.9) -> tuple[float, float]:
        """Central interval of the total at ``level``."""
        a = (1 - level) / 2
        lo, hi = np.quantile(self.samples, [a, 1 - a])
        return float(lo), float(hi)

    def __str__(self) -> str:
        lo, hi = self.quantiles[0.05], self.quantiles[0.95]
        return (
            f"{self.quantity} from {self.start} to {self.end}: about {self.quantiles[0.5]:,.0f}"
            f" (90% interval {lo:,.0f} to {hi:,.0f}; mean {self.mean:,.0f})"
        )

    def to_dict(self) -> dict:
        """``quantity, start, end`` (dates), ``mean`` and ``q05 ... q95`` (counts)."""
        out = {"quantity": self.quantity, "start": self.start, "end": self.end}
        out["mean"] = self.mean
        out.update((qcol(q), v) for q, v in self.quantiles.items())
        return out

    def to_frame(self):
        """One row: ``quantity``, ``start`` and ``end`` (datetime64), ``mean, q05 ... q95``.

        ``pandas.concat([e.to_frame() for e in estimates])`` makes a table of windows.
        """
        import pandas as pd

        frame = pd.DataFrame([self.to_dict()])
        frame["start"] = pd.to_datetime(frame["start"])
        frame["end"] = pd.to_datetime(frame["end"])
        return frame

    def _repr_html_(self) -> str:
        return to_html(self.to_frame())


@dataclass(frozen=True)
class RateFit:
    """A fitted latent daily rate: the posterior, with tables and sample paths.

    Use :meth:`rate` and :meth:`total` for estimates, :meth:`sample` for paths,
    :meth:`residuals` and :attr:`conflicts` for the claims, :meth:`summary` for a report.
    """

    model: RateModel
    quantity: str
    origin: dt.date
    n_days: int
    observations: tuple[Observation, ...]
    x_mode: np.ndarray = field(repr=False)
    sigma: float
    #: The claims' discrepancy beyond their hedges (and beyond ``burst``, where read).
    tau: float
    log_evidence: float
    weights_irls: np.ndarray = field(repr=False)
    hyper_sd: np.ndarray = field(repr=False)
    set_aside: dict[str, list[str]] = field(default_factory=dict)
    #: Source -> (log bias, its posterior sd) for sources with a free bias.
    source_bias: dict[str, tuple[float, float]] = field(default_factory=dict)
    #: Each observation's source bias (log), shape (n,).
    claim_bias: np.ndarray = field(repr=False, default=None)
    #: Each observation's noise variance (log scale) at the modal discrepancy.
    claim_var: np.ndarray = field(repr=False, default=None)
    #: Days on which the modal path takes a jump.
    n_jumps: int = 0
    #: Share of the draws from the fit without jumps (see ``RateModel.no_jump_mix``).
    no_jump_weight: float = 0.0
    # Seeded samplers (no arguments -> log paths, shape (draws, n_days)): the paths are
    # drawn on first use, so a fit that is only asked for its mode or its conflicts
    # does not pay for them.
    draw_paths: Callable[[], np.ndarray] = field(repr=False, compare=False, default=None)
    draw_modal: Callable[[], np.ndarray] = field(repr=False, compare=False, default=None)
    #: Seed of the Poisson counts behind totals (None: totals are the rate's integral).
    count_seed: int | None = field(repr=False, default=None)
    #: Relative variance of one day's count beyond Poisson (``RateModel.overdispersion``):
    #: a window of ``d`` days carries about ``burst / d``; 0: none.
    burst: float = 0.0
    #: Seed of the burstiness factors behind totals.
    burst_seed: int | None = field(repr=False, default=None)

    @cached_property
    def log_samples(self) -> np.ndarray:
        """Posterior sample paths of the log daily rate, shape (n_samples, n_days)."""
        return self.draw_paths()

    # ---- grid -----------------------------------------------------------------------
    @property
    def end(self) -> dt.date:
        """Last day of the grid."""
        return self.origin + dt.timedelta(days=self.n_days - 1)

    @property
    def dates(self) -> list[dt.date]:
        """Every day of the grid."""
        return [self.origin + dt.timedelta(days=i) for i in range(self.n_days)]

    def _index(self, d: dt.date, what: str) -> int:
        i = (d - self.origin).days
        if not 0 <= i < self.n_days:
            raise DataError(
                f"{what} {d} is outside the fitted days {self.origin}..{self.end}; "
                "fit again with start/end (CLI: --until) covering it"
            )
        return i

    @cached_property
    def _daily(self) -> np.ndarray:
        return np.exp(self.log_samples)

    @cached_property
    def _cum(self) -> np.ndarray:
        daily = self._daily
        if self.burst > 0.0:
            daily = daily * _burst_factors(daily.shape, self.burst, self.burst_seed)
        if self.count_seed is None:
            return _cumulative(daily)
        return _cumulative(_poisson_counts(daily, self.count_seed))

    # ---- estimates --------------------------------------------------------------------
    def rate(self, dates=None, per: str = "day"):
        """The daily rate with posterior mean and quantiles.

        Parameters
        ----------
        dates : sequence of datetime.date, optional
            Defaults to every day of the grid.
        per : str
            Express the rate per ``day``, ``week``, ``month``, ``quarter`` or ``year``
            (mean lengths).

        Returns
        -------
        pandas.DataFrame
            Index ``date`` (a ``DatetimeIndex``: ``.loc["2025"]`` is the year);
            columns ``mean, q05, q25, q50, q75, q95`` (count per ``per``).
        """
        import pandas as pd

        from .units import MEAN_PERIOD_DAYS, PERIODS

        if per not in MEAN_PERIOD_DAYS:
            raise DataError(f"unknown period {per!r}; use one of {', '.join(PERIODS)}")
        if dates is None:
            dates, draws = self.dates, self._daily  # every day: no copy
        else:
            dates = [_as_date(d) for d in dates]
            draws = self._daily[:, [self._index(d, "date") for d in dates]]
        scale = float(MEAN_PERIOD_DAYS[per])
        table = {"mean": draws.mean(axis=0) * scale}
        for q, row in zip(QUANTILES, _quantiles(draws, QUANTILES) * scale, strict=True):
            table[qcol(q)] = row
        return pd.DataFrame(table, index=date_index(dates))

    def cumulative(self, start: dt.date | None = None, dates=None):
        """Cumulative total from ``start`` (default: the grid's first day) to each date.

        Returns
        -------
        pandas.DataFrame
            Index ``date`` (a ``DatetimeIndex``); columns ``mean, q05 ... q95`` (count).
        """
        import pandas as pd

        start = self.origin if start is None else _as_date(start)
        i0 = self._index(start, "start")
        dates = self.dates[i0:] if dates is None else [_as_date(d) for d in dates]
        idx = np.array([self._index(d, "date") for d in dates], dtype=int)
        draws = self._cum[:, idx + 1] - self._cum[:, [i0]]
        table = {"mean": draws.mean(axis=0)}
        for q, row in zip(QUANTILES, _quantiles(draws, QUANTILES), strict=True):
            table[qcol(q)] = row
        return pd.DataFrame(table, index=date_index(dates))

    def total(self, start, end) -> Estimate:
        """The total over ``start..end`` (inclusive).

        Returns
        -------
        Estimate
            Mean, quantiles and draws of the count over the window.
        """
        start, end = _as_date(start), _as_date(end)
        if end < start:
            raise DataError(f"the window ends ({end}) before it starts ({start})")
        i, j = self._index(start, "start"), self._index(end, "end")
        draws = self._cum[:, j + 1] - self._cum[:, i]
        qs = np.quantile(draws, QUANTILES)
        return Estimate(
            quantity=self.quantity,
            start=start,
            end=end,
            mean=float(draws.mean()),
            quantiles={q: float(v) for q, v in zip(QUANTILES, qs, strict=True)},
            samples=draws,
        )

    def sample(self, n: int | None = None, rng=None) -> np.ndarray:
        """Posterior sample paths of the daily rate, shape (n, n_days), counts per day.

        With ``n`` larger than the stored draws, paths are resampled with ``rng``.
        """
        daily = self._daily
        if n is None or n == daily.shape[0]:
            return daily.copy()
        gen = as_generator(rng)
        pick = gen.choice(daily.shape[0], size=n, replace=n > daily.shape[0])
        return daily[pick]

    # ---- diagnostics ------------------------------------------------------------------
    @cached_property
    def _residuals(self):
        import pandas as pd

        obs = self.observations
        s = np.array([(o.start - self.origin).days for o in obs])
        e = np.array([(o.end - self.origin).days for o in obs])
        y = np.array([o.log_center for o in obs])
        v = np.array([o.log_sd**2 for o in obs])
        # Leverage algebra holds within one Gaussian: use draws at the modal
        # hyperparameters, not the mixture over them.
        cum = _cumulative(np.exp(self.draw_modal()))
        log_tot = np.log(cum[:, e + 1] - cum[:, s])
        post_var = log_tot.var(axis=0)
        # Each claim's noise as fitted (hedge plus discrepancy: tau, or the
        # within-source one for a source with several claims), and for a source with a
        # bias, what the model expects it to print: the consensus times its bias.
        s2 = self.claim_var.copy() if self.claim_var is not None else v + self.tau**2
        bias = np.zeros(len(obs))
        for i, o in enumerate(obs):
            if o.source in self.source_bias:
                b, sd = self.source_bias[o.source]
                bias[i] = b
                s2[i] += sd * sd
        fitted = log_tot.mean(axis=0) + bias
        # The claim's own standardised residual: its distance from the fit in units of
        # its own noise (hedge and discrepancy) and of the fit's uncertainty there; no
        # leave-one-out inflation, which made precise long totals (high leverage) look
        # wild.
        z = (y - fitted) / np.sqrt(s2 + post_var)
        n = len(obs)
        threshold = max(2.5, float(_norm_ppf(1 - 0.05 / (2 * n))))
        # Within 2% of the fit is agreement, whatever the hedge says.
        close = np.abs(y - fitted) <= math.log(1.0 + _AGREE)
        table = pd.DataFrame(
            {
                "id": [o.claim_id for o in obs],
                "start": pd.to_datetime([o.start for o in obs]),
                "end": pd.to_datetime([o.end for o in obs]),
                "days": [o.days for o in obs],
                "claimed": [o.total_mid for o in obs],
                "claimed_low": [o.total_low for o in obs],
                "claimed_high": [o.total_high for o in obs],
                "fitted": np.exp(fitted),
                "ratio": np.exp(y - fitted),
                "z": z,
                # Share of its full say the Student-t leaves the claim (1 on the fit).
                "weight": self.model.nu * s2 / (self.model.nu * s2 + (y - fitted) ** 2)
                if math.isfinite(self.model.nu)
                else np.ones(n),
                "conflict": (np.abs(z) > threshold) & ~close,
                "source": [o.source for o in obs],
            }
        )
        return table, threshold

    def sources(self):
        """Per-source table: claims, bias with a 90% interval, noise.

        Returns
        -------
        pandas.DataFrame
            Index ``source`` (``attributed_to``, else ``source``; ``(none)`` if empty);
            columns ``claims``, ``bias`` (factor on the consensus: 1.3 = prints 30%
            high), ``bias_q05``, ``bias_q95``, ``reference`` (bias fixed at 1), and
            ``noise``: the log-scale sd of the source's claims around its biased fit,
            partially pooled toward the discrepancy ``tau`` (two pseudo-claims at tau).
        """
        import pandas as pd

        res = self._residuals[0]
        logr = np.log(res["ratio"].to_numpy())
        v = np.array([o.log_sd**2 for o in self.observations])
        # The discrepancy each claim was fitted with (tau, or the within-source one).
        disc = (self.claim_var - v) if self.claim_var is not None else np.full(len(v), self.tau**2)
        rows = []
        for name in sorted(set(res["source"])):
            sel = (res["source"] == name).to_numpy()
            k = int(sel.sum())
            b, sd = self.source_bias.get(name, (0.0, 0.0))
            prior = float(np.mean(disc[sel]))
            noise = math.sqrt((2 * prior + float(np.sum(logr[sel] ** 2))) / (2 + k))
            rows.append(
                {
                    "source": name or "(none)",
                    "claims": k,
                    "bias": math.exp(b),
                    "bias_q05": math.exp(b - Z90 * sd),
                    "bias_q95": math.exp(b + Z90 * sd),
                    "reference": name not in self.source_bias and k >= 2,
                    "lone": k < 2,
                    "noise": noise,
                }
            )
        return pd.DataFrame(rows).set_index("source")

    def residuals(self):
        """Per-claim fit: claimed vs fitted window total and the standardised residual.

        Returns
        -------
        pandas.DataFrame
            Columns ``id, start, end, days, claimed, claimed_low, claimed_high, fitted,
            ratio`` (claimed centre / fitted), ``z`` (leave-one-out standardised
            residual on the log scale), ``weight`` (1 = full weight; the Student-t
            discrepancy down-weights claims far from the rest) and ``conflict``.
        """
        return self._residuals[0].copy()

    def largest_residuals(self, n: int | None = None):
        """:meth:`residuals` ordered by ``|z|``, largest first; the first ``n`` rows
        (all with None)."""
        res = self._residuals[0]
        return res.reindex(res["z"].abs().sort_values(ascending=False).index[:n])

    @property
    def conflicts(self) -> list[str]:
        """Ids of the claims that pull against the rest (|z| above the threshold)."""
        table = self._residuals[0]
        return list(table.loc[table["conflict"], "id"])

    def compare(self):
        """Model comparison on the same claims: log evidence of each variant.

        Returns
        -------
        pandas.DataFrame
            Index model name; columns ``log_evidence``, ``delta`` (vs the best),
            ``weight`` (posterior model probability under equal prior odds),
            ``sigma``, ``tau``. Computed once per fit (it refits the other models).
        """
        return self._models.copy()

    @cached_property
    def _models(self):
        import pandas as pd

        rows = {}
        for kind in MODELS:
            if kind == self.model.kind:
                f = self
            else:
                spec = dataclasses.replace(
                    self.model, kind=kind, n_samples=10, integrate=False, sigma=None
                )
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    try:
                        f = spec.fit(self.observations, start=self.origin, end=self.end, rng=0)
                    except DataError:
                        # This variant cannot be fitted to these claims: no evidence.
                        rows[kind] = {"log_evidence": -math.inf, "sigma": math.nan,
                                      "tau": math.nan}  # fmt: skip
                        continue
            rows[kind] = {"log_evidence": f.log_evidence, "sigma": f.sigma, "tau": f.tau}
        table = pd.DataFrame.from_dict(rows, orient="index")
        table.index.name = "model"
        best = table["log_evidence"].max()
        table["delta"] = table["log_evidence"] - best
        w = np.exp(table["delta"])
        table["weight"] = w / w.sum()
        return table[["log_evidence", "delta", "weight", "sigma", "tau"]]

    def summary(self, compare: bool = True) -> FitSummary:
        """A readable account of the fit: ``str()`` / ``as_text()``, ``as_markdown()``,
        ``as_latex()`` (a tabular of the claims), ``as_html()``, ``.table``.

        ``compare=True`` also fits the other models on the same claims for the model
        comparison (a second or two).
        """
        return FitSummary(self, self.compare() if compare else None)

    def _repr_html_(self) -> str:
        return self.summary(compare=False).as_html()

    def _warn(self) -> None:
        n = len(self.observations)
        ids = ", ".join(o.claim_id for o in self.observations)
        if n < 3:
            warnings.warn(
                f"{self.quantity}: only {n} claim{'s' if n > 1 else ''} ({ids}); the "
                "smoothness and discrepancy come from their priors and the intervals "
                "are wide on purpose",
                SparseDataWarning,
                stacklevel=3,
            )
        bad = self.conflicts
        if not bad and self.tau > 0.5 and n >= 2:
            # Sources so far apart that the discrepancy term absorbs them: no single
            # claim stands out, but they cannot all be right.
            table = self._residuals[0]
            far = table.loc[np.abs(np.log(table["ratio"])) > 0.2, "id"].tolist() or list(
                table["id"]
            )
            warnings.warn(
                f"{self.quantity}: the claims disagree far beyond their hedges "
                f"(discrepancy tau = {self.tau:.2f}, a factor of {math.exp(self.tau):.1f}): "
                f"{', '.join(far[:10])}; the intervals are wide accordingly",
                ConflictWarning,
                stacklevel=3,
            )
        if bad:
            table, thr = self._residuals
            table = table.set_index("id")
            shown = ", ".join(
                f"{i} (claimed {table.loc[i, 'claimed']:,.0f}, fitted "
                f"{table.loc[i, 'fitted']:,.0f}, z = {table.loc[i, 'z']:+.1f})"
                for i in bad[:10]
            )
            more = f" and {len(bad) - 10} more" if len(bad) > 10 else ""
            warnings.warn(
                f"{self.quantity}: claims in conflict with the rest (|z| > {thr:.2f}): "
                f"{shown}{more}; they are down-weighted and the discrepancy term widens "
                "the intervals",
                ConflictWarning,
                stacklevel=3,
            )


@dataclass(frozen=True)
class FitSummary(Exportable):
    """The summary of a :class:`RateFit`: ``str()`` / ``as_text()``, ``as_markdown()``,
    ``as_latex()``, ``as_html()``; ``.table`` is the per-claim table
    (:meth:`RateFit.residuals`), ``.models`` the model comparison (or None)."""

    fit: RateFit
    models: object = None  # pandas.DataFrame or None

    @property
    def table(self):
        """Per-claim residual table (:meth:`RateFit.residuals`)."""
        return self.fit.residuals()

    def _header(self) -> list[str]:
        f = self.fit
        return [
            f"trends fit: {f.quantity}, model {f.model.kind}",
            f"days {f.origin} .. {f.end} ({f.n_days}); claims fitted: {len(f.observations)}",
            f"smoothness sigma = {f.sigma:.3g}  discrepancy tau = {f.tau:.3g}  "
            f"log evidence = {f.log_evidence:.2f}",
            *(f"not fitted ({reason}): {', '.join(ids)}" for reason, ids in f.set_aside.items()),
            *(
                [
                    f"burstiness = {f.burst:.3g} a day: the claims scatter beyond their hedges, "
                    "read as clustered events;",
                    "  totals are negative binomial counts (a 30-day total: relative sd "
                    f"{math.sqrt(f.burst / 30.0):.0%} beyond the rate's)",
                ]
                if f.burst
                else []
            ),
        ]

    def _display(self):
        cols = ["id", "start", "end", "claimed", "fitted", "z", "conflict"]
        count = "{:,.0f}".format
        formats = {"claimed": count, "fitted": count, "z": "{:+.1f}".format,
                   "conflict": lambda c: "conflict" if c else ""}  # fmt: skip
        return self.table[cols], formats

    def __str__(self) -> str:
        f = self.fit
        lines = self._header()
        if self.models is not None:
            lines.append("")
            lines.append("model comparison (log evidence; weight = posterior probability):")
            for name, row in self.models.iterrows():
                mark = "*" if name == f.model.kind else " "
                lines.append(
                    f" {mark} {name:<20} {row['log_evidence']:>10.2f} {row['delta']:>8.2f} "
                    f"{row['weight']:>6.2f}"
                )
        src = f.sources()
        if len(src) > 1 or f.source_bias:
            lines.append("")
            lines.append("sources (bias: factor on the consensus, 90% interval; noise: log sd):")
            for name, r in src.iterrows():
                if r["reference"]:
                    bias = "reference"
                elif r["lone"]:
                    bias = "lone claim"
                else:
                    bias = f"{r['bias']:.2f} ({r['bias_q05']:.2f}-{r['bias_q95']:.2f})"

                lines.append(
                    f"  {str(name)[:40]:<40} {r['claims']:>4}  {bias:<20} {r['noise']:.3f}"
                )
        res = f.residuals()
        thr = f._residuals[1]
        lines.append("")
        lines.append(
            "claims (claimed vs fitted window total; z = standardised residual, "
            f"conflict above |z| = {thr:.2f} and more than 2% off):"
        )
        show = res if len(res) <= 25 else f.largest_residuals(25)
        for _, r in show.iterrows():
            flag = "  CONFLICT" if r["conflict"] else ""
            lines.append(
                f"  {r['id']:<28} {r['start']:%Y-%m-%d}..{r['end']:%Y-%m-%d} "
                f"claimed {r['claimed']:>12,.0f} "
                f"fitted {r['fitted']:>12,.0f}  z {r['z']:+5.1f}{flag}"
            )
        if len(res) > 25:
            lines.append(f"  ... {len(res) - 25} more claims (the 25 largest |z| shown)")
        return "\n".join(lines)


#: Daily rates above this draw no Poisson noise: its relative size, 1e-6, is far below
#: anything printed, and numpy's sampler refuses rates near 2**63.
_POISSON_MAX = 1e12


def _poisson_counts(daily: np.ndarray, seed: int) -> np.ndarray:
    """Poisson counts around daily rates ``daily`` (n, T), as floats, seeded.

    One stream for the whole array, drawn in its order, so the counts of a path
    depend only on the seed and the rates.
    """
    gen = np.random.default_rng([int(seed), 1])
    lam = np.minimum(daily, _POISSON_MAX)
    out = gen.poisson(lam).astype(float)
    big = daily >= _POISSON_MAX
    if big.any():
        out[big] = daily[big]
    return out


def _burst_factors(shape: tuple[int, int], burst: float, seed: int) -> np.ndarray:
    """Mean-1 Gamma factors of variance ``burst`` (one per path and day), seeded.

    Their own stream (not the counts'), so that a fit without burstiness draws the
    same counts as before.
    """
    gen = np.random.default_rng([int(seed), 2])
    k = 1.0 / burst
    return gen.gamma(k, 1.0 / k, size=shape)


def _cumulative(daily: np.ndarray) -> np.ndarray:
    """Running totals of daily paths (n, T) with a leading 0: shape (n, T + 1), so the
    total over days ``i..j`` is ``c[:, j + 1] - c[:, i]``."""
    c = np.zeros((daily.shape[0], daily.shape[1] + 1))
    np.cumsum(daily, axis=1, out=c[:, 1:])
    return c


def _quantiles(draws: np.ndarray, levels: Sequence[float], axis: int = 0) -> np.ndarray:
    """Quantiles of a 2-D array along ``axis`` -> shape (len(levels), other axis length).

    The same numbers as ``np.quantile(draws.astype(float), levels, axis=axis)`` (linear
    interpolation), by sorting blocks of about 2 million values: faster than numpy's
    selection on many series at once, and the memory stays at one block whatever the
    size (projection paths can be large). Any float dtype in, float64 out.
    """
    n = draws.shape[axis]
    m = draws.shape[1 - axis]
    spots = []
    for q in levels:
        pos = q * (n - 1)
        lo = math.floor(pos)
        spots.append((lo, min(lo + 1, n - 1), pos - lo))
    block = max(1, 2**21 // max(n, 1))
    out = np.empty((len(spots), m))
    for s in range(0, m, block):
        srt = np.sort(draws[:, s : s + block] if axis == 0 else draws[s : s + block], axis=axis)
        for k, (lo, hi, frac) in enumerate(spots):
            a = np.take(srt, lo, axis=axis).astype(np.float64)
            b = np.take(srt, hi, axis=axis).astype(np.float64)
            diff = b - a
            # numpy's lerp form, so results match it bit for bit
            out[k, s : s + block] = np.where(frac >= 0.5, b - diff * (1 - frac), a + diff * frac)
    return out


def _norm_ppf(p: float) -> float:
    return float(ndtri(p))
