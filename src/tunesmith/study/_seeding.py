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


#: Trials whose seed words are computed together (trials mostly come in order).
_BLOCK = 256


def _splitmix_array(value: np.ndarray) -> np.ndarray:
    """``_splitmix`` of every uint64 in ``value`` (numpy wraps modulo 2^64, as the masks do)."""
    value = value + np.uint64(0x9E3779B97F4A7C15)
    value = (value ^ (value >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    value = (value ^ (value >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    mixed: np.ndarray = value ^ (value >> np.uint64(31))
    return mixed


@functools.lru_cache(maxsize=4)
def _block_words(seed: int, block: int) -> np.ndarray:
    """The four seed words of trials ``block * _BLOCK`` to ``(block + 1) * _BLOCK - 1``,
    shape (_BLOCK, 4), one row per trial."""
    mixed_seed, increment = _study_words(seed)
    numbers = np.arange(block * _BLOCK, (block + 1) * _BLOCK, dtype=np.uint64)
    first = _splitmix_array(np.uint64(mixed_seed) ^ numbers)
    words = np.empty((_BLOCK, 4), dtype=np.uint64)
    words[:, 0] = first
    words[:, 1] = _splitmix_array(first)
    words[:, 2:] = increment
    return words


class _TrialSeed(ISeedSequence):
    """Four 64-bit words derived from (study seed, trial number)."""

    __slots__ = ("_spawned", "_words")

    def __init__(self, seed: int, number: int) -> None:
        # splitmix(mixed seed ^ number) and splitmix of that: PCG64 takes the first two
        # words as its state and the last two as its stream increment, so there is one
        # stream per study and trials sit at unrelated places on its 2^128 cycle.
        block, row = divmod(number, _BLOCK)
        self._words: np.ndarray = _block_words(seed, block)[row]
        self._spawned = 0

    def spawn(self, n_children: int) -> list[np.random.SeedSequence]:
        """New independent child sequences on every call, like SeedSequence.spawn
        (scipy spawns from a generator's seed)."""
        first, self._spawned = self._spawned, self._spawned + n_children
        words = [int(word) for word in self._words]
        return [np.random.SeedSequence([*words, child]) for child in range(first, self._spawned)]

    def generate_state(self, n_words: int, dtype: Any = np.uint32) -> np.ndarray:
        words: np.ndarray = self._words.copy()
        if dtype is not np.uint64 and np.dtype(dtype) != np.uint64:
            words = words.view(np.uint32)
        # PCG64 asks for exactly the four 64-bit words, on every trial: no slice then.
        if n_words != len(words):
            words = words[:n_words]
        return words


def trial_rng(seed: int, number: int) -> np.random.Generator:
    """The generator trial ``number`` of a study seeded with ``seed`` samples with."""
    # numpy accepts any ISeedSequence here; its stubs list only SeedSequence
    return np.random.Generator(np.random.PCG64(_TrialSeed(seed, number)))  # type: ignore[arg-type]
