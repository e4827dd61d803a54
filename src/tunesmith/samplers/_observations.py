"""Trials as arrays, for the model-based samplers.

Glossary:
    d       dimensions of the space (one per parameter, see :class:`UnitCube`)
    X       (n, d) trials' parameters in the unit cube
    loss    (n,) objective values turned into losses: smaller is better in both directions
    L       (n, m) the losses of a study of m objectives (``loss`` is its first column)
    c       (n, k) constraint values (feasible: every one <= 0), NaN if a trial has none
    step    (n,) the last step a pruned trial reported (how far it got)

A table holds the finished trials that have every parameter of its space. It grows
incrementally: finished trials never change, so each call encodes only the trials that
finished since the last one, and a study of 10,000 trials costs a sampler one row per
trial, not 10,000 rows per trial.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import numpy as np

from tunesmith.encoding import UnitCube
from tunesmith.history import FinishedScan, FrozenTrial, History
from tunesmith.space import Distribution, SearchSpace
from tunesmith.states import TrialState

_STATES = {TrialState.COMPLETE: 0, TrialState.PRUNED: 1, TrialState.FAIL: 2}


class Observations:
    """The finished trials of one history that have every parameter of ``space``."""

    def __init__(self, space: SearchSpace) -> None:
        self.cube = UnitCube(space)
        self.source: object = None
        self._scan = FinishedScan()
        self._size = 0
        self._x = np.empty((16, self.cube.dims))
        self._loss = np.empty((16, 1))
        self._constraints = np.empty((16, 0))
        self._state = np.empty(16, dtype=np.int8)
        self._step = np.empty(16, dtype=np.int64)
        self._number = np.empty(16, dtype=np.int64)
        self._duration = np.empty(16)
        self._keys: set[bytes] = set()

    def update(self, history: History) -> Observations:
        """Take in the trials finished since the last call (or all, for a new history)."""
        restarted, new = self._scan.new(history)
        if restarted:
            self.source, self._size, self._keys = history.source, 0, set()
            self._loss = np.empty((len(self._loss), len(history.directions)))
        sign = np.array([direction.sign for direction in history.directions])
        names = self.cube.names
        for trial in new:
            params = trial.params
            if all(name in params for name in names):
                self._append(trial, sign)
        return self

    def _append(self, trial: FrozenTrial, sign: np.ndarray) -> None:
        if self._size == len(self._loss):
            grow = 2 * self._size
            self._x = np.resize(self._x, (grow, self.cube.dims))
            self._loss = np.resize(self._loss, (grow, self._loss.shape[1]))
            self._constraints = np.resize(self._constraints, (grow, self._constraints.shape[1]))
            self._state = np.resize(self._state, grow)
            self._step = np.resize(self._step, grow)
            self._number = np.resize(self._number, grow)
            self._duration = np.resize(self._duration, grow)
        i = self._size
        self._x[i] = self.cube.encode(trial.params)
        self._keys.add(point_key(self._x[i]))
        self._loss[i] = np.nan if trial.values is None else sign * trial.values
        self._set_constraints(i, trial.constraints)
        self._state[i] = _STATES[trial.state]
        self._step[i] = -1 if trial.last_step is None else trial.last_step
        self._number[i] = trial.number
        self._duration[i] = np.nan if trial.duration is None else trial.duration
        self._size += 1

    def _set_constraints(self, i: int, values: tuple[float, ...] | None) -> None:
        width = self._constraints.shape[1]
        if values is not None and len(values) > width:
            grown = np.full((len(self._constraints), len(values)), np.nan)
            grown[:, :width] = self._constraints
            self._constraints, width = grown, len(values)
        self._constraints[i] = np.nan
        if values is not None:
            self._constraints[i, : len(values)] = values

    def _where(self, state: TrialState) -> np.ndarray:
        return np.flatnonzero(self._state[: self._size] == _STATES[state])

    def complete(self) -> tuple[np.ndarray, np.ndarray]:
        """``(X, loss)`` of the COMPLETE trials."""
        rows = self._where(TrialState.COMPLETE)
        return self._x[rows], self._loss[rows, 0]

    def complete_losses(self) -> tuple[np.ndarray, np.ndarray]:
        """``(X, L)`` of the COMPLETE trials, every objective a loss."""
        rows = self._where(TrialState.COMPLETE)
        return self._x[rows], self._loss[rows]

    @property
    def constrained(self) -> bool:
        """Whether any trial seen has constraint values (from a sampler's constraints
        function or the objective's ``trial.set_constraint``)."""
        return self._constraints.shape[1] > 0

    def constraints(self) -> np.ndarray:
        """``c`` (n, k) of the COMPLETE trials, in the order :meth:`complete` returns."""
        return self._constraints[self._where(TrialState.COMPLETE)]

    def violations(self) -> np.ndarray:
        """(n,) how far each COMPLETE trial breaks its constraints: the sum of the positive
        constraint values (0 for a feasible trial, or one without constraint values)."""
        return np.nansum(np.maximum(self.constraints(), 0.0), axis=1)

    def pruned(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(X, loss, step)`` of the PRUNED trials (loss NaN if the trial never reported)."""
        rows = self._where(TrialState.PRUNED)
        return self._x[rows], self._loss[rows, 0], self._step[rows]

    def durations(self) -> np.ndarray:
        """Seconds each COMPLETE trial took, in the order :meth:`complete` returns."""
        return self._duration[self._where(TrialState.COMPLETE)]

    def numbers(self, state: TrialState) -> np.ndarray:
        """Trial numbers of the rows in ``state``, in the order the methods above return."""
        return self._number[self._where(state)]

    def failed(self) -> np.ndarray:
        """``X`` of the FAIL trials."""
        return self._x[self._where(TrialState.FAIL)]

    def taken(self, history: History, exclude: int) -> set[bytes]:
        """Keys (:func:`point_key`) of every point a finished or running trial has."""
        running = self.running(history, exclude)
        return self._keys | {point_key(row) for row in running} if len(running) else self._keys

    def running(self, history: History, exclude: int) -> np.ndarray:
        """``X`` of the running trials (but trial ``exclude``) whose parameters or proposal
        cover the space: where other workers are evaluating right now."""
        return running_points(history, self.cube, exclude)


def running_points(
    history: History,
    cube: UnitCube,
    exclude: int,
    keep: Callable[[FrozenTrial], bool] = lambda trial: True,
) -> np.ndarray:
    """The cube points of the running trials (but trial ``exclude``, and those ``keep``
    rejects) whose parameters or proposal cover the cube's space."""
    rows = []
    for trial in history.running():
        if trial.number == exclude or not keep(trial):
            continue
        where = trial.location
        if all(name in where for name in cube.names):
            rows.append(cube.encode(where))
    return np.array(rows).reshape(len(rows), cube.dims)


def point_key(point: np.ndarray) -> bytes:
    """A hashable identity of a cube point (to 1e-9), to spot repeated parameters."""
    return bytes(np.round(point, 9).tobytes())


class ObservationCache:
    """One :class:`Observations` table per space a sampler is asked about (the last few)."""

    def __init__(self, size: int = 32) -> None:
        self._tables: OrderedDict[tuple[object, ...], Observations] = OrderedDict()
        self._size = size

    def for_trial(
        self, space: SearchSpace, history: History, trial: FrozenTrial
    ) -> tuple[dict[str, Distribution], dict[str, Any], Observations]:
        """What to choose, what is given, and the observations to model them with (the
        trials that have both): see :func:`modeling_space`."""
        joint, context = modeling_space(space, history, trial)
        model_space = {**joint, **{name: trial.distributions[name] for name in context}}
        return joint, context, self.get(model_space, history)

    def get(self, space: SearchSpace, history: History) -> Observations:
        key = tuple(space.items())
        table = self._tables.pop(key, None) or Observations(space)
        self._tables[key] = table
        if len(self._tables) > self._size:
            self._tables.popitem(last=False)
        return table.update(history)


def modeling_space(
    space: SearchSpace, history: History, trial: FrozenTrial
) -> tuple[dict[str, Distribution], dict[str, Any]]:
    """What a model-based sampler should model when asked to fill ``space`` for ``trial``.

    Returns ``(joint, context)``: ``joint`` is the space to choose, extended by the
    parameters that always occur together with it in completed trials (its group in a
    conditional space), and ``context`` the parameters the trial already has, which the
    model conditions on. So in ``model -> svm: C, gamma | tree: depth`` a trial that chose
    ``svm`` gets ``C`` and ``gamma`` chosen jointly, by a model of the ``svm`` trials.
    """
    context = {name: value for name, value in trial.params.items() if name not in space}
    if not trial.params and space.keys() == history.relative_space().keys():
        return dict(space), context  # a trial's start: nothing co-occurs beyond this
    together: set[str] | None = None
    for done in history.completed():
        params = done.params
        if all(name in params for name in space) and all(name in params for name in context):
            together = set(params) if together is None else together & params.keys()
    joint = dict(space)
    for name in sorted(together or ()):
        distribution = history.distribution(name)
        if name not in joint and name not in context and distribution is not None:
            joint[name] = distribution
    return joint, context
