"""One way to turn a seed into a random generator."""

from __future__ import annotations

import numpy as np

__all__ = ["as_generator", "spawn"]


def as_generator(rng=None) -> np.random.Generator:
    """``None | int | SeedSequence | Generator`` -> a :class:`numpy.random.Generator`.

    ``None`` gives a fixed default seed (0), never fresh entropy: the same call gives
    the same numbers. Pass a Generator to share a stream.
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None:
        rng = 0
    return np.random.default_rng(rng)


def spawn(rng, n: int) -> list[np.random.Generator]:
    """``n`` independent generators derived from ``rng`` (via ``SeedSequence.spawn``)."""
    gen = as_generator(rng)
    # Seeds drawn from gen: seed_seq.spawn would mutate the caller's SeedSequence.
    return [np.random.default_rng(int(s)) for s in gen.integers(0, 2**63 - 1, size=n)]
