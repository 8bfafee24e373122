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
    return [np.random.default_rng(s) for s in gen.bit_generator.seed_seq.spawn(n)]
