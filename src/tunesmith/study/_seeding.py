"""The random generator of trial *k* of a study seeded with *s*.

numpy's ``default_rng([s, k])`` would do, but it runs a full SeedSequence hash (about
7 µs, a fifth of a random-search trial's whole overhead). Here ``(s, k)`` is spread
over PCG64's 256-bit seed by splitmix64 (Steele, Lea & Flood 2014), whose output is
equidistributed and passes BigCrush, so neighbouring trial numbers get unrelated streams.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
from numpy.random.bit_generator import ISeedSequence

_MASK = (1 << 64) - 1


def _splitmix(value: int) -> int:
    value = (value + 0x9E3779B97F4A7C15) & _MASK
    value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9 & _MASK
    value = (value ^ (value >> 27)) * 0x94D049BB133111EB & _MASK
    return value ^ (value >> 31)


@functools.lru_cache(maxsize=16)
def _study_words(seed: int) -> tuple[int, tuple[int, int]]:
    """What every trial of a study shares: its mixed seed and PCG64 stream increment."""
    mixed = _splitmix(seed)
    third = _splitmix(mixed ^ 0x5851F42D4C957F2D)
    return mixed, (third, _splitmix(third))


class _TrialSeed(ISeedSequence):
    """Four 64-bit words derived from (study seed, trial number)."""

    __slots__ = ("_spawned", "_words")

    def __init__(self, seed: int, number: int) -> None:
        mixed_seed, increment = _study_words(seed)
        first = _splitmix(mixed_seed ^ number)
        # PCG64 takes the first two words as its state and the last two as its stream
        # increment: one stream per study, trials at unrelated places on its 2^128 cycle.
        self._words = (first, _splitmix(first), *increment)
        self._spawned = 0

    def spawn(self, n_children: int) -> list[np.random.SeedSequence]:
        """New independent child sequences on every call, like SeedSequence.spawn
        (scipy spawns from a generator's seed)."""
        first, self._spawned = self._spawned, self._spawned + n_children
        return [
            np.random.SeedSequence([*self._words, child]) for child in range(first, self._spawned)
        ]

    def generate_state(self, n_words: int, dtype: Any = np.uint32) -> np.ndarray:
        words = np.array(self._words, dtype=np.uint64)
        if dtype is not np.uint64 and np.dtype(dtype) != np.uint64:
            words = words.view(np.uint32)
        # PCG64 asks for exactly the four 64-bit words, on every trial: no slice then.
        return words if n_words == len(words) else words[:n_words]


def trial_rng(seed: int, number: int) -> np.random.Generator:
    """The generator trial ``number`` of a study seeded with ``seed`` samples with."""
    # numpy accepts any ISeedSequence here; its stubs list only SeedSequence
    return np.random.Generator(np.random.PCG64(_TrialSeed(seed, number)))  # type: ignore[arg-type]
