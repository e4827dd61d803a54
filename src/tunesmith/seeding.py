"""Seeded randomness without numpy's SeedSequence hash: trial generators, and the hash
the grid's visiting order is keyed with.

Trial *k* of a study seeded with *s* samples with a PCG64 generator seeded from
``(s, k)``. numpy's ``default_rng([s, k])`` would do, but its SeedSequence hash costs about
7 µs, a fifth of a random-search trial's whole overhead in memory (bench/overhead.py). Here
``(s, k)`` is spread over PCG64's four seed words by splitmix64 (Steele, Lea & Flood 2014),
whose output is equidistributed and passes BigCrush, so neighbouring trial numbers get
unrelated streams; the words of 256 consecutive trials are computed at once with numpy.
"""

from __future__ import annotations

import functools
import zlib
from array import array
from collections.abc import Iterable
from typing import Any, TypeVar

import numpy as np
from numpy.random.bit_generator import ISeedSequence

_MASK = (1 << 64) - 1
_Word = TypeVar("_Word", int, np.ndarray)


def splitmix64(value: _Word) -> _Word:
    """splitmix64 of a 64-bit int, or of every word of a uint64 array (numpy wraps modulo
    2^64 as the masks do for ints)."""
    value = (value + 0x9E3779B97F4A7C15) & _MASK
    value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9 & _MASK
    value = (value ^ (value >> 27)) * 0x94D049BB133111EB & _MASK
    return value ^ (value >> 31)


#: Trials whose seed words are computed together (trials mostly come in order).
_BLOCK = 256


@functools.lru_cache(maxsize=4)
def _block_words(seed: int, block: int) -> np.ndarray:
    """PCG64's four seed words for trials ``block * _BLOCK`` to ``(block + 1) * _BLOCK - 1``:
    the state (two words from the trial number) and the stream increment (two words from
    the study's seed, one stream per study), shape (_BLOCK, 4)."""
    mixed = splitmix64(seed & _MASK)
    increment = splitmix64(mixed ^ 0x5851F42D4C957F2D)
    numbers = np.arange(block * _BLOCK, (block + 1) * _BLOCK, dtype=np.uint64)
    words = np.empty((_BLOCK, 4), dtype=np.uint64)
    words[:, 0] = splitmix64(np.uint64(mixed) ^ numbers)
    words[:, 1] = splitmix64(words[:, 0])
    words[:, 2:] = [increment, splitmix64(increment)]
    return words


class _TrialSeed(ISeedSequence):
    """The four seed words of one trial, as PCG64 asks a seed sequence for them."""

    __slots__ = ("_spawned", "_words")

    def __init__(self, words: np.ndarray) -> None:
        self._words = words
        self._spawned = 0

    def spawn(self, n_children: int) -> list[np.random.SeedSequence]:
        """New independent child sequences on every call, like SeedSequence.spawn
        (scipy spawns from a generator's seed)."""
        first, self._spawned = self._spawned, self._spawned + n_children
        words = [int(word) for word in self._words]
        return [np.random.SeedSequence([*words, child]) for child in range(first, self._spawned)]

    def generate_state(self, n_words: int, dtype: Any = np.uint32) -> np.ndarray:
        if dtype is np.uint64 and n_words == 4:  # what PCG64 asks: the words as they are
            return self._words
        words: np.ndarray = self._words.copy()
        if np.dtype(dtype) != np.uint64:
            words = words.view(np.uint32)
        return words[:n_words]


@functools.lru_cache(maxsize=2)  # trials mostly come in order: this block and the last
def _block_uniforms(seed: int, block: int) -> dict[str, array[float]]:
    """Each parameter's uniforms for the trials of a block, filled as names are asked."""
    return {}


def trial_uniforms(seed: int, number: int, names: Iterable[str]) -> list[float]:
    """A uniform number in [0, 1) for each parameter name of trial ``number``: independent
    across names and trials, and the same for every worker. Random search draws with
    these (a trial's generator costs about 2.6 µs to build, more than the draws).

    Each is splitmix64 of the trial's first seed word mixed with a hash of the name that
    every process computes alike (crc32, not Python's salted ``hash``), computed for the
    256 trials of a block at once."""
    block, row = divmod(number, _BLOCK)
    table = _block_uniforms(seed, block)
    drawn = []
    for name in names:
        column = table.get(name)
        if column is None:
            key = np.uint64(zlib.crc32(name.encode()) * 0x9E3779B97F4A7C15 & _MASK)
            mixed = splitmix64(_block_words(seed, block)[:, 0] ^ key)
            column = table[name] = array("d", (mixed >> np.uint64(11)) * 2.0**-53)
        drawn.append(column[row])
    return drawn


def trial_rng(seed: int, number: int) -> np.random.Generator:
    """The generator trial ``number`` of a study seeded with ``seed`` samples with."""
    block, row = divmod(number, _BLOCK)
    seed_words = _TrialSeed(_block_words(seed, block)[row])
    # numpy accepts any ISeedSequence here; its stubs list only SeedSequence
    return np.random.Generator(np.random.PCG64(seed_words))  # type: ignore[arg-type]
