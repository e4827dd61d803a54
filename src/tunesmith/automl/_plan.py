"""How a configuration is scored: the folds, and the data subsets of successive halving.

Up to 5,000 rows, 3-fold cross-validation (stratified for classification); beyond,
one hold-out fifth. Each fold's training rows are put in an order whose every prefix has
the classes in their proportions (and every class from the start), and a budget is a
prefix: the smallest has at least ``MIN_ROWS`` rows, each next one three times as many,
the last all of them. A configuration is scored on each fold's whole test part at every
budget, so scores on small subsets are comparable with each other and with the full one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.model_selection import KFold, ShuffleSplit, StratifiedKFold, StratifiedShuffleSplit

CV_ROWS = 5_000
MIN_ROWS = 100
ETA = 3  # each budget three times the one before; one configuration in three goes on
MAX_RUNGS = 4


@dataclass(frozen=True)
class Plan:
    """Folds as (ordered training rows, test rows), and the budgets as fractions."""

    folds: tuple[tuple[np.ndarray, np.ndarray], ...]
    steps: tuple[int, ...]  # resource units reported to the pruner: 1, 3, 9, ... ETA^K

    @property
    def full_step(self) -> int:
        return self.steps[-1]

    def rows(self, step: int) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
        """The folds at the budget ``step``: a prefix of each training part."""
        return tuple(
            (train[: max(1, round(len(train) * step / self.full_step))], test)
            for train, test in self.folds
        )

    def training_rows(self, step: int) -> int:
        return len(self.rows(step)[0][0])


def make_plan(y: np.ndarray, classification: bool, seed: int | None) -> Plan:
    n = len(y)
    rng = np.random.default_rng(seed)
    random_state = int(rng.integers(2**31 - 1))
    splitter: KFold | StratifiedKFold | ShuffleSplit | StratifiedShuffleSplit
    if n <= CV_ROWS:
        kind = StratifiedKFold if classification else KFold
        splitter = kind(n_splits=3, shuffle=True, random_state=random_state)
    else:
        kind_ = StratifiedShuffleSplit if classification else ShuffleSplit
        splitter = kind_(n_splits=1, test_size=0.2, random_state=random_state)
    folds = []
    for train, test in splitter.split(np.zeros(n), y if classification else None):
        order = _stratified_order(y[train], rng) if classification else rng.permutation(len(train))
        folds.append((train[order], test))
    smallest = min(len(train) for train, _ in folds)
    rungs = 1
    while rungs < MAX_RUNGS and smallest / ETA**rungs >= MIN_ROWS:
        rungs += 1
    return Plan(tuple(folds), tuple(ETA**k for k in range(rungs)))


def _stratified_order(labels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Positions in an order whose prefixes keep the class proportions: each class's
    members get evenly spaced keys in (0, 1) (shuffled within the class), then all are
    sorted by key; the first member of every class comes first."""
    keys = np.empty(len(labels))
    first = []
    for label in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == label))
        keys[members] = (np.arange(len(members)) + rng.uniform(size=len(members))) / len(members)
        first.append(members[0])
    keys[first] = -1.0
    return np.argsort(keys, kind="stable")
