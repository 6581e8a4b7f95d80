"""Random numbers only through an explicit ``seed=``: the same inputs give identical numbers."""

from __future__ import annotations

import zlib
from collections.abc import Hashable
from numbers import Integral

import numpy as np

from research.core.checks import InputError


def make_rng(seed: int | None, what: str = "the bootstrap") -> np.random.Generator:
    """A generator from an explicit non-negative integer seed.

    Raises :class:`~research.core.checks.InputError` naming ``what`` when no seed is given, so that
    no analysis draws random numbers it cannot reproduce.
    """
    if seed is None:
        raise InputError(
            f"Pass seed=<int> for {what} so that the same inputs give identical numbers."
        )
    if isinstance(seed, bool) or not isinstance(seed, Integral) or seed < 0:
        raise InputError(f"seed must be a non-negative int, got {seed!r}.")
    return np.random.default_rng(int(seed))


def label_rng(seed: int, label: Hashable) -> np.random.Generator:
    """A generator for one subset (e.g. one council) that does not depend on the other subsets.

    The stream is keyed by the seed and the subset's label, so adding a council to the data leaves
    every other council's bootstrap unchanged.
    """
    key = zlib.crc32(repr(label).encode("utf-8"))
    return np.random.default_rng(np.random.SeedSequence([int(seed), key]))
