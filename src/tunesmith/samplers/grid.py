"""Grid search over a lazily indexed grid.

The grid is the product of one list of values per parameter. It is never materialized:
point ``i`` is found by mixed-radix arithmetic, and the visiting order is a seeded
pseudo-random permutation of ``range(N)`` computed one index at a time (a four-round
Feistel network with cycle walking), so a grid of 10^8 points costs nothing until it
is sampled. Trial *k* takes position *k* of that order, skipping points other trials
already have, so parallel workers and resumed studies do not repeat points.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from tunesmith.errors import InvalidArgumentError, InvalidSpaceError
from tunesmith.history import FinishedScan, FrozenTrial, History
from tunesmith.samplers.base import Suggestion
from tunesmith.seeding import splitmix64
from tunesmith.space import Categorical, Distribution, Float, Int, SearchSpace, choice_key
from tunesmith.validation import check_bool, check_optional_int, check_seed

_MASK64 = (1 << 64) - 1

#: The order to try a parameter's values in: ``first(size)(offset)`` is a position.
_First = Callable[[int], Callable[[int], int]]


def permute(index: int, size: int, key: int) -> int:
    """Position ``index`` of a pseudo-random permutation of ``range(size)`` chosen by ``key``."""
    bits = max(2, (size - 1).bit_length())
    bits += bits % 2
    half = bits // 2
    mask = (1 << half) - 1
    value = index
    while True:  # cycle walking: at most a few rounds, as size > 2**bits / 4
        left, right = value >> half, value & mask
        for round_ in range(4):
            mixed = splitmix64(
                (key + round_ * 0x9E3779B97F4A7C15 + right * 0xD1B54A32D192ED03) & _MASK64
            )
            left, right = right, left ^ (mixed & mask)
        value = (left << half) | right
        if value < size:
            return value


def _value_key(value: Any) -> str:
    """Identify a grid value; numbers compare by value so 1 and 1.0 are the same point."""
    if isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
        return repr(float(value))
    return choice_key(value)


class _Axis:
    """The values of one grid dimension, in order."""

    def __init__(self, name: str, values: Sequence[Any]) -> None:
        self.values = values
        self.positions: dict[str, int] = {}
        for position, value in enumerate(values):
            key = _value_key(value)
            if key in self.positions:
                raise InvalidArgumentError(
                    f"grid values for {name!r} must be distinct, but {value!r} is repeated"
                )
            self.positions[key] = position

    def __len__(self) -> int:
        return len(self.values)

    def position(self, value: Any) -> int | None:
        return self.positions.get(_value_key(value))


class _RangeAxis:
    """Every value of an integer or stepped-float range, computed, never listed."""

    def __init__(self, distribution: Int | Float) -> None:
        self.distribution = distribution
        self.size = int(distribution.n_values or 1)
        self.values = self

    def __len__(self) -> int:
        return self.size

    def __iter__(self) -> Iterator[Any]:
        return (self[position] for position in range(self.size))

    def __getitem__(self, position: int) -> Any:
        if self.distribution.step is None:
            return self.distribution.low
        return self.distribution.value_at(position)

    def position(self, value: Any) -> int | None:
        if not self.distribution.contains(value):
            return None
        step = self.distribution.step or 1
        return round((float(value) - self.distribution.low) / step)


def _axis_for(name: str, distribution: Distribution, points: int | None) -> _Axis | _RangeAxis:
    if isinstance(distribution, Categorical):
        return _Axis(name, distribution.choices)
    n_values = distribution.n_values
    if n_values is not None and (points is None or n_values <= points):
        return _RangeAxis(distribution)
    if points is None:
        raise InvalidArgumentError(
            f"grid search needs the points of the continuous range {name!r} ({distribution!r}): "
            f"list them, e.g. {{{name!r}: [0.1, 0.2, 0.3]}}, give the Float a `step`, or use "
            "GridSampler(points_per_range=N)"
        )
    if n_values is not None:  # a discrete range with more values than points
        if isinstance(distribution, Int) and distribution.log:
            values = np.round(np.geomspace(distribution.low, distribution.high, points))
            return _Axis(name, sorted({int(v) for v in values}))
        positions = np.unique(np.round(np.linspace(0, n_values - 1, points)).astype(int))
        return _Axis(name, [distribution.value_at(int(p)) for p in positions])
    assert isinstance(distribution, Float)
    spaced = np.geomspace if distribution.log else np.linspace
    low, high = distribution.low, distribution.high
    values = np.clip(spaced(low, high, points), low, high)  # geomspace may round outside
    # Inner points to 12 significant digits (2.4, not 2.4000000000000004); ends exact.
    rounded = [float(f"{v:.12g}") for v in values[1:-1]]
    ends = [distribution.low, distribution.high] if points > 1 else [distribution.low]
    grid = [ends[0], *rounded, *ends[1:]]
    if len(set(grid)) < len(grid) or grid != sorted(grid):  # a range too narrow to round
        grid = sorted({float(v) for v in values})  # (and maybe for `points` distinct values)
    return _Axis(name, grid)


class _Grid:
    def __init__(self, axes: Mapping[str, _Axis | _RangeAxis]) -> None:
        self.axes = dict(axes)
        self.size = 1
        for axis in self.axes.values():
            self.size *= len(axis)

    def point(self, index: int) -> dict[str, Any]:
        params = {}
        for name, axis in reversed(self.axes.items()):
            index, position = divmod(index, len(axis))
            params[name] = axis.values[position]
        return dict(reversed(params.items()))

    def index_of(self, params: Mapping[str, Any]) -> int | None:
        index = 0
        for name, axis in self.axes.items():
            if name not in params:
                return None
            position = axis.position(params[name])
            if position is None:
                return None
            index = index * len(axis) + position
        return index


#: Points a proposal looks through for one that no partly placed running trial needs.
_SCANNED = 10_000

#: Spaces (an inferred grid per group of parameters) whose visited points are kept.
_SPACES_KEPT = 32


class _Tree:
    """Which branches of a conditional grid the trials have covered or hold.

    A branch (values for some parameters) is complete when finished trials took it and,
    for the next parameter all of them asked for, every value of that parameter leads to
    a complete branch. A running trial holds the branch its location names: the grid
    proposes a whole path, down to a leaf, when a trial starts."""

    def __init__(
        self,
        axes: Mapping[str, _Axis | _RangeAxis],
        located: list[Mapping[str, Any]],
        running: list[Mapping[str, Any]],
    ):
        self.axes = axes
        self.located = located
        self.running = running

    def complete(self, branch: Mapping[str, Any]) -> bool:
        return self._complete(branch, self.located)

    def _complete(self, branch: Mapping[str, Any], trials: list[Mapping[str, Any]]) -> bool:
        matching = _within(branch, trials)
        if not matching:
            return False
        name = self._next(branch, matching)
        if name is None:
            return True  # every trial here ended its branch
        return all(
            self._complete({**branch, name: value}, matching) for value in self.axes[name].values
        )

    def free_path(
        self, branch: Mapping[str, Any], first: _First, *, strict: bool
    ) -> dict[str, Any] | None:
        """A path from ``branch`` down to a leaf that no finished trial completed and no
        running trial holds (values of each parameter tried in the order ``first(size)``
        gives), or None if every one is taken. A branch no finished trial
        reached yet is a leaf: what lies below it is sampled as the trial asks.

        A running trial that has not taken the next parameter of its branch yet (it was
        started before the grid knew of that parameter) will take some value of it:
        ``strict`` counts the whole branch as held by it."""
        return self._free(dict(branch), self.located, self.running, first, strict)

    def _free(
        self,
        branch: dict[str, Any],
        finished: list[Mapping[str, Any]],
        running: list[Mapping[str, Any]],
        first: _First,
        strict: bool,
    ) -> dict[str, Any] | None:
        finished = _within(branch, finished)
        running = _within(branch, running)
        if not finished:
            return None if running else branch
        name = self._next(branch, finished)
        if name is None:
            return None  # finished trials ended here: done
        if strict and any(name not in where for where in running):
            return None
        values = self.axes[name].values
        order = first(len(values))
        for offset in range(len(values)):
            below = self._free(
                {**branch, name: values[order(offset)]}, finished, running, first, strict
            )
            if below is not None:
                return below
        return None

    def count_free(self, branch: Mapping[str, Any]) -> tuple[int, int]:
        """How many leaves below ``branch`` are free (as :meth:`free_path` finds them,
        not strict), and how many running trials there have yet to take one of them."""
        return self._count(dict(branch), self.located, self.running)

    def _count(
        self,
        branch: dict[str, Any],
        finished: list[Mapping[str, Any]],
        running: list[Mapping[str, Any]],
    ) -> tuple[int, int]:
        finished = _within(branch, finished)
        running = _within(branch, running)
        if not finished:
            return (0 if running else 1), max(0, len(running) - 1)
        name = self._next(branch, finished)
        if name is None:
            return 0, 0  # finished trials ended here (and running ones repeat the leaf)
        free, pending = 0, sum(name not in where for where in running)
        for value in self.axes[name].values:
            below, waiting = self._count({**branch, name: value}, finished, running)
            free, pending = free + below, pending + waiting
        return free, pending

    def _next(self, branch: Mapping[str, Any], trials: list[Mapping[str, Any]]) -> str | None:
        """The parameter every one of these trials asked for next after ``branch`` (their
        parameters are in the order they were asked)."""
        common = set.intersection(*(set(where) for where in trials)) - set(branch)
        common &= set(self.axes)
        return next((name for name in trials[0] if name in common), None)


def _agrees_with_any(point: Mapping[str, Any], locations: list[Mapping[str, Any]]) -> bool:
    """Whether some location has no value that differs from the point's."""
    keys = {name: _value_key(value) for name, value in point.items()}
    return any(
        all(name not in where or _value_key(where[name]) == key for name, key in keys.items())
        for where in locations
    )


def _within(branch: Mapping[str, Any], trials: list[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The trials whose locations have every value of ``branch``."""
    keys = {name: _value_key(value) for name, value in branch.items()}
    return [
        where
        for where in trials
        if all(name in where and _value_key(where[name]) == key for name, key in keys.items())
    ]


class GridSampler:
    """Evaluates every combination of the given values, in a seeded random order.

    Args:
        grid: Values per parameter, e.g. ``{"C": [0.1, 1, 10], "kernel": ["rbf", "poly"]}``.
            Without it the grid is built from the space the study asks for: every choice,
            every integer, every step of a stepped float; a continuous range needs
            ``points_per_range``.
        points_per_range: Points taken along a continuous range (evenly spaced, on a log
            scale if ``log=True``), and along integer ranges with more values than this.
        shuffle: Visit the points in a seeded random order (the default, so a search cut
            short by a time budget has spread over the grid) rather than in order.
        seed: Seeds the order; by default the study's seed (a study created or loaded
            without a seed takes its sampler's; given both, they must be equal).

    ``study.optimize`` stops once every point has been evaluated.

    Parallel workers never take one point twice. A grid built from a conditional space
    learns the space's shape from finished trials, and proposes each starting trial a
    whole path down to a leaf. Before a trial of some branch has finished, the grid
    takes that branch's parameters for unconditional ones, so two workers can both run
    a branch that asks for no parameter below it (e.g. a model without
    hyperparameters) while the first run of it is still going.

    Example:
        >>> import tunesmith as ts
        >>> study = ts.create_study(sampler=GridSampler({"x": [-1, 0, 1]}))
        >>> study.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2)
        >>> len(study.trials)
        3
    """

    #: Works with any number of objectives (it never looks at the values).
    multi_objective = True

    def __init__(
        self,
        grid: Mapping[str, Sequence[Any]] | None = None,
        *,
        points_per_range: int | None = None,
        shuffle: bool = True,
        seed: int | None = None,
    ) -> None:
        owner = "GridSampler"
        self.points_per_range = check_optional_int(
            "points_per_range", points_per_range, owner=owner, minimum=1
        )
        self.shuffle = check_bool("shuffle", shuffle, owner=owner)
        self.seed = check_seed(seed, owner=owner)
        self._grid = None if grid is None else _Grid(self._explicit_axes(grid))
        self._visited: OrderedDict[object, tuple[FinishedScan, set[int]]] = OrderedDict()
        self._declared: SearchSpace | None = None

    @staticmethod
    def _explicit_axes(grid: Mapping[str, Sequence[Any]]) -> dict[str, _Axis]:
        if not isinstance(grid, Mapping) or not grid:
            raise InvalidArgumentError(
                f"grid must be a non-empty dict of name -> list of values, but got {grid!r}"
            )
        axes = {}
        for name, values in grid.items():
            if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or not values:
                raise InvalidArgumentError(
                    f"grid[{name!r}] must be a non-empty list of values, but got {values!r}"
                )
            axes[name] = _Axis(name, list(values))
        return axes

    def sample(
        self, space: SearchSpace, history: History, rng: np.random.Generator, trial: FrozenTrial
    ) -> Suggestion:
        grid = self._grid_for(space)
        seed = history.seed if self.seed is None else self.seed
        # Running trials that took some of these parameters but not all (started before
        # the grid knew them) will each need a point that agrees with what they took:
        # leave those to them while others are free.
        partial = [
            where
            for where in (t.location for t in history.running() if t.number != trial.number)
            if any(name in where for name in grid.axes)
            and not all(name in where for name in grid.axes)
        ]
        tree = self._tree(space, history, skip=trial.number)
        if tree is not None:  # a conditional space: propose a whole free path
            context = dict(trial.params)  # the branch it took (not proposals it skipped)
            path = self._free_path(grid, tree, context, trial.number, seed, partial)
            if path is not None:
                return Suggestion(path)
            # every path is taken or held: avoid what running trials took, else join one
            done = {i for i in range(grid.size) if tree.complete({**context, **grid.point(i)})}
            visited = done | self._visited_points(grid, space, history, skip=trial.number)
            if len(visited) >= grid.size:
                visited = done
        else:
            visited = self._visited_points(grid, space, history, skip=trial.number)
        start = trial.number % grid.size
        order = self._order(grid.size, seed)
        index = order(start)
        for wanted in (True, False) if partial else (False,):
            # (looking past the first _SCANNED points for one nobody wants is not worth it)
            for offset in range(min(grid.size, _SCANNED) if wanted else grid.size):
                candidate = order((start + offset) % grid.size)
                if candidate in visited:
                    continue
                if wanted and _agrees_with_any(grid.point(candidate), partial):
                    continue
                return Suggestion(grid.point(candidate))
        return Suggestion(grid.point(index))

    def _free_path(
        self,
        grid: _Grid,
        tree: _Tree,
        context: Mapping[str, Any],
        number: int,
        seed: int,
        partial: list[Mapping[str, Any]],
    ) -> dict[str, Any] | None:
        """The first free path (:meth:`_Tree.free_path`) through the grid's points in
        trial ``number``'s order, with the parameters below them in the same order;
        first one that no running trial in ``partial`` may still need."""

        def first(size: int) -> Callable[[int], int]:
            order = self._order(size, seed)
            return lambda offset: order((number + offset) % size)

        order = first(grid.size)
        for strict in (True, False):
            for offset in range(grid.size):
                point = {**context, **grid.point(order(offset))}
                if strict and _agrees_with_any(point, partial):
                    continue
                path = tree.free_path(point, first, strict=strict)
                if path is not None:
                    return {name: value for name, value in path.items() if name not in context}
        return None

    def _tree(self, space: SearchSpace, history: History, skip: int | None = None) -> _Tree | None:
        """The trials as a tree of conditional parameters (finished ones as the branches
        they ended, running ones but ``skip`` as the branches they hold), when the grid is
        built from the study's space and some trials have parameters others lack."""
        if self._grid is not None:
            return None
        located = [t.params for t in history.finished()]
        names = {name for where in located for name in where}
        if names <= set(space):
            return None
        axes = {}
        for name in names:
            distribution = space.get(name) or history.distribution(name)
            if distribution is not None:
                axes[name] = _axis_for(name, distribution, self.points_per_range)
        running = [t.location for t in history.running() if t.number != skip]
        return _Tree(axes, located, running)

    def declared_space(self) -> SearchSpace:
        """The given grid as categorical parameters (empty when built from the space)."""
        if self._grid is None:
            return {}
        if self._declared is None:
            try:
                self._declared = {
                    name: Categorical(list(axis.values)) for name, axis in self._grid.axes.items()
                }
            except InvalidSpaceError:  # values a categorical cannot hold: claimed at tell
                self._declared = {}
        return self._declared

    @property
    def size(self) -> int | None:
        """Number of grid points, if the grid was given (None when built from the space)."""
        return None if self._grid is None else self._grid.size

    def exhausted(self, space: SearchSpace, history: History) -> bool:
        """Whether every grid point has been taken by some trial (running ones included);
        in a conditional space, every branch to its end (or held by a running trial)."""
        if self._grid is None and not space:
            return False
        grid = self._grid_for(space)
        # Running trials started before the grid knew these parameters have not taken a
        # point yet: each will take one of those left.
        unplaced = sum(
            any(name not in trial.location for name in grid.axes) for trial in history.running()
        )
        tree = self._tree(space, history)
        if tree is not None:
            free, pending = 0, unplaced
            for index in range(grid.size):
                below, waiting = tree.count_free(grid.point(index))
                free, pending = free + below, pending + waiting
            return free <= pending
        return len(self._visited_points(grid, space, history)) + unplaced >= grid.size

    def _grid_for(self, space: SearchSpace) -> _Grid:
        if self._grid is None:
            return _Grid(
                {name: _axis_for(name, d, self.points_per_range) for name, d in space.items()}
            )
        for name, distribution in space.items():
            axis = self._grid.axes.get(name)
            if axis is None:
                raise InvalidArgumentError(
                    f"parameter {name!r} is not in the grid ({', '.join(self._grid.axes)}); "
                    "add its values to the grid"
                )
            outside = [v for v in axis.values if not distribution.contains(v)]
            if outside:
                raise InvalidArgumentError(
                    f"grid values for {name!r} must lie in what the objective asks for, "
                    f"{distribution!r}, but {outside!r} do not"
                )
        return self._grid

    def _order(self, size: int, seed: int) -> Callable[[int], int]:
        if not self.shuffle:
            return lambda position: position
        return lambda position: permute(position, size, seed)

    def _visited_points(
        self, grid: _Grid, space: SearchSpace, history: History, skip: int | None = None
    ) -> set[int]:
        """Grid indices of the finished trials' parameters (cached) and of the running
        trials' locations, but trial ``skip``'s.

        Trial *k* takes point *k* of the order unless another trial holds it: that is
        what a sequential run does, and a trial is created only if nobody wrote since its
        point was chosen (``Storage.append(if_last=)``), so parallel workers sample the same
        trials."""
        cache_key: object = self._grid if self._grid is not None else tuple(space.items())
        entry = self._visited.pop(cache_key, None)
        scan, visited = entry if entry is not None else (FinishedScan(), set())
        self._visited[cache_key] = (scan, visited)  # the most recent last
        if len(self._visited) > _SPACES_KEPT:
            self._visited.popitem(last=False)
        restarted, new = scan.new(history)
        if restarted:
            visited.clear()
        for trial in new:
            index = grid.index_of(trial.params)
            if index is not None:
                visited.add(index)
        running = {
            grid.index_of(trial.location) for trial in history.running() if trial.number != skip
        }
        running.discard(None)
        return visited | running if running else visited  # type: ignore[operator]

    def __repr__(self) -> str:
        axes = None if self._grid is None else {n: len(a) for n, a in self._grid.axes.items()}
        return f"GridSampler(grid sizes={axes}, shuffle={self.shuffle})"
