"""Check the Laplace evidence of the rate model against importance sampling.

For sparse claim sets (a few hedged reports) the log marginal likelihood
``log p(y | sigma, tau)`` drives the hyperparameters. The engine approximates it by
Laplace's method, with a choice of curvature for the Student-t claims: the expected
(Fisher) one, or the observed one at the mode. This script estimates the same quantity
by importance sampling (proposal: the posterior's Gaussian at the mode, unwidened,
20,000 draws) on sparse problems and prints, for each ``sigma`` on a grid, both Laplace
values and the sampling estimate, all relative to their values at the prior median
``sigma = 0.02`` (a constant offset does not change the hyperparameters' posterior;
its shape does).

Usage::

    python analysis/evidence_check.py            # 4 problems, sigma 0.005 .. 0.16
"""

from __future__ import annotations

import datetime as dt
import math
import sys
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scipy.special import logsumexp  # noqa: E402

from trends.claims import Claim  # noqa: E402
from trends.linalg import _BandFactor  # noqa: E402
from trends.model import RateModel, _Data, _Engine  # noqa: E402
from trends.observe import observations  # noqa: E402

SIGMAS = (0.005, 0.01, 0.02, 0.04, 0.08, 0.16)
TAU = 0.05
N_DRAWS = 20_000
WIDEN = 1.0
MIN_ESS = 1000  # rows whose sampling estimate is trusted


def problem(seed: int) -> list[Claim]:
    """Seven reports (weeks, months, one since the start) of a random-walk rate."""
    rng = np.random.default_rng(seed)
    days = 300
    x = np.log(1000) + np.cumsum(rng.normal(0, 0.02, days))
    d0 = dt.date(2024, 1, 1)
    out = []
    ends = np.sort(rng.choice(np.arange(40, days), size=7, replace=False))
    for i, e in enumerate(ends):
        length = (7, 30, 7, 30, 7, 30, int(e) + 1)[i % 7] if i < 6 else int(e) + 1
        s = int(e) - length + 1
        total = float(np.exp(x[s : e + 1]).sum() * math.exp(rng.normal(0, 0.03)))
        out.append(
            Claim(
                f"r{i}",
                "x",
                "total",
                float(f"{total:.2g}"),
                d0 + dt.timedelta(days=int(e)),
                start=d0 + dt.timedelta(days=s),
                qualifier="about",
            )  # fmt: skip
        )
    return out


def engine_for(claims) -> _Engine:
    obs, _ = observations(claims, "x")
    o0 = min(o.start for o in obs).toordinal()
    T = max(o.end for o in obs).toordinal() - o0 + 1
    shift = float(np.median([o.log_center - math.log(o.days) for o in obs]))
    data = _Data(
        s=np.array([o.start.toordinal() - o0 for o in obs]),
        e=np.array([o.end.toordinal() - o0 for o in obs]),
        y=np.array([o.log_center for o in obs]) - shift,
        v=np.array([o.log_sd for o in obs]) ** 2,
        ids=tuple(o.claim_id for o in obs),
        grp=np.full(len(obs), -1),
    )
    return _Engine(RateModel(), data, T)


def evidences(
    eng: _Engine, sigma: float, seed: int, n_draws: int = N_DRAWS
) -> tuple[float, float, float, float]:
    """(Laplace expected, Laplace observed, importance sampling, its effective sample
    size) of log p(y | sigma, TAU)."""
    s2 = eng.noise(TAU)
    pri = eng.prior_rows(sigma)
    cond = eng.mode(sigma, TAU, eng.x_believe, keep=True)
    J, _ = eng.objective(cond.x, cond.b, pri, s2)
    dim = eng.T
    lap = {}
    for expected in (True, False):
        sysm = eng.system(cond.x, cond.b, pri, s2, expected=expected)
        logdet = sysm.logdet() + 2.0 * float(np.sum(np.log(sysm.c)))
        lap[expected] = -J + 0.5 * dim * math.log(2 * math.pi) - 0.5 * logdet
    # The proposal: the posterior's Gaussian at the mode (observed curvature, the
    # mixture's own weights).
    sysm = eng.system(cond.x, cond.b, pri, s2, expected=False)
    fac = sysm.fac
    assert isinstance(fac, _BandFactor), "the check needs windows within the band"
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n_draws, eng.T))
    u = fac.solve_root(z.T).T * WIDEN
    c = sysm.c
    x = u / c
    x[:, 1:] -= u[:, :-1] / c[1:]
    x += cond.x
    logdet_x = fac.logdet() + 2.0 * float(np.sum(np.log(c)))
    log_q = (
        -0.5 * dim * math.log(2 * math.pi) + 0.5 * logdet_x - dim * math.log(WIDEN)
        - 0.5 * np.sum(z * z, axis=1)
    )  # fmt: skip
    log_joint = np.array([-eng.objective(xi, cond.b, pri, s2)[0] for xi in x])
    lw = log_joint - log_q
    ess = math.exp(2 * logsumexp(lw) - logsumexp(2 * lw))
    return lap[True], lap[False], float(logsumexp(lw) - math.log(n_draws)), ess


def main() -> int:
    warnings.simplefilter("ignore")
    print("log p(y | sigma) relative to sigma = 0.02: Laplace (expected curvature), "
          "Laplace (observed), their mean, importance sampling [ESS]")  # fmt: skip
    errors = {"expected": [], "observed": [], "mean": []}
    for seed in range(4):
        eng = engine_for(problem(seed))
        rows = {s: evidences(eng, s, seed) for s in SIGMAS}
        ref = rows[0.02]
        print(f"problem {seed} ({eng.n} claims, {eng.T} days)")
        for s, (a, b, c, ess) in rows.items():
            da, db, dc = a - ref[0], b - ref[1], c - ref[2]
            dm = 0.5 * (da + db)
            if ess >= MIN_ESS and ref[3] >= MIN_ESS:
                for k, d in (("expected", da), ("observed", db), ("mean", dm)):
                    errors[k].append(d - dc)
            print(f"  sigma {s:<6} {da:+7.2f} {db:+7.2f} {dm:+7.2f} {dc:+7.2f}  [{ess:,.0f}]")
    print(f"Laplace - sampling (nats), over the rows with ESS >= {MIN_ESS}:")
    for k, e in errors.items():
        e = np.array(e)
        print(f"  {k:<9} mean {np.mean(e):+.2f}  largest |error| {np.max(np.abs(e)):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
