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
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from tunesmith.errors import InvalidArgumentError, InvalidSpaceError
from tunesmith.history import FinishedScan, FrozenTrial, History
from tunesmith.samplers.base import Suggestion
from tunesmith.seeding import splitmix64
from tunesmith.space import Categorical, Distribution, Float, Int, SearchSpace, choice_key
from tunesmith.validation import check_bool, check_optional_int, check_seed

_MASK64 = (1 << 64) - 1


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


#: Spaces (an inferred grid per group of parameters) whose visited points are kept.
_SPACES_KEPT = 32


class _Tree:
    """Which branches of a conditional grid the trials have covered. A branch (values
    for some parameters) is complete when trials took it and, for the next parameter all
    of them asked for, every value of that parameter leads to a complete branch."""

    def __init__(self, axes: Mapping[str, _Axis | _RangeAxis], located: list[Mapping[str, Any]]):
        self.axes = axes
        self.located = located

    def complete(self, branch: Mapping[str, Any]) -> bool:
        return self._complete(branch, self.located)

    def _complete(self, branch: Mapping[str, Any], trials: list[Mapping[str, Any]]) -> bool:
        keys = {name: _value_key(value) for name, value in branch.items()}
        matching = [
            where
            for where in trials
            if all(name in where and _value_key(where[name]) == key for name, key in keys.items())
        ]
        if not matching:
            return False
        common = set.intersection(*(set(where) for where in matching)) - set(branch)
        common &= set(self.axes)
        if not common:
            return True  # every trial here ended its branch
        name = min(common)
        return all(
            self._complete({**branch, name: value}, matching) for value in self.axes[name].values
        )


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
        tree = self._tree(space, history)
        if tree is not None:  # a conditional space: a point is done once all below it is
            context = dict(trial.location)
            done = {i for i in range(grid.size) if tree.complete({**context, **grid.point(i)})}
            visited = done | self._visited_points(grid, space, history, skip=trial.number)
            if len(visited) >= grid.size:  # all claimed by running trials: join one
                visited = done
        else:
            visited = self._visited_points(grid, space, history, skip=trial.number)
        start = trial.number % grid.size
        order = self._order(grid.size, history.seed if self.seed is None else self.seed)
        index = order(start)
        for offset in range(grid.size):
            candidate = order((start + offset) % grid.size)
            if candidate not in visited:
                index = candidate
                break
        return Suggestion(grid.point(index))

    def _tree(self, space: SearchSpace, history: History) -> _Tree | None:
        """The finished trials as a tree of conditional parameters, when the grid is built
        from the study's space and some trials have parameters others lack."""
        if self._grid is not None:
            return None
        located = [t.params for t in history.finished()]  # branches ended, not begun
        names = {name for where in located for name in where}
        if names <= set(space):
            return None
        axes = {}
        for name in names:
            distribution = space.get(name) or history.distribution(name)
            if distribution is not None:
                axes[name] = _axis_for(name, distribution, self.points_per_range)
        return _Tree(axes, located)

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
        in a conditional space, every branch to its end."""
        if self._grid is None and not space:
            return False
        tree = self._tree(space, history)
        if tree is not None:
            return tree.complete({})
        grid = self._grid_for(space)
        return len(self._visited_points(grid, space, history)) >= grid.size

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

    def _order(self, size: int, seed: int) -> Any:
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
