"""Which inputs drive the width of a projection's headline numbers.

First-order (main-effect) variance shares, ``S_i = Var(E[Y | X_i]) / Var(Y)``,
estimated from the projection's own Monte Carlo draws by binning: sort the draws by
input ``X_i``, cut them into equal-count bins, and compare the variance of the bin means
of ``Y`` with the variance of ``Y``. No extra model runs are needed: every draw already
pairs one value of each input with one outcome, and the inputs are drawn independently
(the assumption draws from independent uniform numbers, the flow paths from the fits).
``S_i`` is the share of the variance of ``Y`` that knowing ``X_i`` alone would remove;
``1 - sum_i S_i`` is left to interactions (and to noise).

By default ``Y`` is replaced by its ranks (scaled to 0..1) first. The projected stocks
have long right tails (a casualty fit from two claims reaches several times its
median), and a variance share of the raw values is then decided by a few extreme
draws, which the bins cannot resolve. On ranks every draw weighs the same, so the index
says which input orders the outcomes, the thing that sets the quantiles and the width
of a 90% interval. ``transform=None`` gives the shares of the raw variance.

The estimate from ``n`` draws and ``B`` bins carries a positive bias of about
``(B - 1) / (n - 1)`` (the spread of bin means of pure noise); it is subtracted and the
result floored at 0. An input that takes one value (``fixed``) gets 0.

The flows enter as one number per draw each, their totals over the projection
(``recruit path``, ``casualty path``): what a scalar summary of a path explains is a
lower bound on what the whole path explains.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from .assumptions import ASSUMPTIONS
from .errors import DataError

__all__ = ["first_order", "sensitivity", "HEADLINES", "FLOW_INPUTS"]

#: Values at ``until`` whose spread is decomposed by default.
HEADLINES: tuple[str, ...] = ("reserve", "strategic_reserve", "deficit", "attrition")
#: The two flows as inputs: their totals over the projection, per draw.
FLOW_INPUTS: Mapping[str, str] = {"recruit path": "recruits", "casualty path": "casualties"}


def average_ranks(y: np.ndarray) -> np.ndarray:
    """Ranks 1..n of ``y`` (shape (n,)), ties sharing their average rank; all NaN when
    ``y`` holds a NaN.

    The numbers of ``scipy.stats.rankdata(y)`` (method "average"), without importing
    ``scipy.stats``, which takes longer to load than the whole sensitivity table takes
    to compute (about 0.5 s).
    """
    y = np.asarray(y, dtype=np.float64)
    if np.isnan(y).any():
        return np.full(y.shape, np.nan)
    order = np.argsort(y, kind="stable")
    s = y[order]
    starts = np.flatnonzero(np.r_[True, s[1:] != s[:-1]])  # first of each run of ties
    ends = np.r_[starts[1:], y.size]
    ranks = np.empty(y.size)
    ranks[order] = np.repeat((starts + 1 + ends) / 2.0, ends - starts)  # mean of a..b
    return ranks


def first_order(
    x: np.ndarray, y: np.ndarray, bins: int = 20, transform: str | None = None
) -> float:
    """The first-order variance share of ``y`` due to ``x``, by binning.

    Parameters
    ----------
    x, y : array, shape (n,)
        One input and the output, draw by draw (independent draws).
    bins : int
        Equal-count bins of ``x`` (fewer when ``x`` takes fewer distinct values: then
        one bin per value).
    transform : None or "rank"
        Decompose ``y`` itself, or its ranks scaled to 0..1.

    Returns
    -------
    float
        ``Var(E[y | x]) / Var(y)`` less its noise bias, in 0..1; 0 when ``y`` or ``x``
        does not vary.
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.shape != y.shape or x.ndim != 1:
        raise DataError(f"x and y must be 1-d of one length; got {x.shape} and {y.shape}")
    if transform == "rank":
        y = average_ranks(y) / y.size
    elif transform is not None:
        raise DataError(f"transform must be None or 'rank', not {transform!r}")
    n = y.size
    var = y.var()
    if n < 2 or not np.isfinite(var) or var <= 0.0:
        return 0.0
    values = np.unique(x)
    if values.size < 2:
        return 0.0
    if values.size <= bins:
        label = np.searchsorted(values, x)
    else:
        order = np.argsort(x, kind="stable")
        label = np.empty(n, dtype=np.int64)
        label[order] = np.arange(n) * bins // n
    b = int(label.max()) + 1
    count = np.bincount(label, minlength=b).astype(np.float64)
    mean = np.bincount(label, weights=y, minlength=b) / np.maximum(count, 1.0)
    between = float(np.sum(count * (mean - y.mean()) ** 2) / n)
    bias = (b - 1) / (n - 1)
    s = (between / var - bias) / (1.0 - bias) if bias < 1 else 0.0
    return float(min(max(s, 0.0), 1.0))


def sensitivity(
    projection,
    variables: Sequence[str] = HEADLINES,
    *,
    scenario: str = "baseline",
    bins: int = 20,
    transform: str | None = "rank",
):
    """First-order variance shares of each headline value at ``until``.

    Parameters
    ----------
    projection : trends.projection.Projection
    variables : sequence of str
        Values at ``until`` (stocks, ``net_force_change``) to decompose.
    scenario : str
    bins : int
        Equal-count bins per input (see :func:`first_order`).
    transform : "rank" or None
        Decompose the ranks of each variable (default) or its raw values.

    Returns
    -------
    pandas.DataFrame
        One row per variable and input: ``variable, input, index`` (the share, 0..1),
        ``q05, q50, q95`` of the variable (its spread, people), ``draws`` and
        ``transform`` (``rank`` or ``none``). Inputs
        are the assumptions (by name) and the two flow paths (``recruit path``,
        ``casualty path``); rows keep that order.
    """
    import pandas as pd

    inputs = {a: projection.draws_of(a, scenario) for a in ASSUMPTIONS}
    for label, flow in FLOW_INPUTS.items():
        inputs[label] = projection.at_until(flow, scenario)
    rows = []
    for v in variables:
        y = projection.at_until(v, scenario)
        q05, q50, q95 = np.quantile(y, [0.05, 0.5, 0.95])
        for name, x in inputs.items():
            rows.append(
                {
                    "variable": v,
                    "input": name,
                    "index": first_order(x, y, bins, transform),
                    "q05": float(q05),
                    "q50": float(q50),
                    "q95": float(q95),
                    "draws": y.size,
                    "transform": transform or "none",
                }
            )
    return pd.DataFrame(rows)
