"""The object an objective function receives: ``trial.suggest_*``, ``report``, ``should_prune``.

Every ``suggest_*`` builds a distribution (validated on construction) and goes through
:meth:`Trial.suggest`; the study behind the trial decides the value. A name asked twice
in one trial returns the same value.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Mapping, Sequence
from typing import Any, Protocol, TypeVar

from tunesmith.errors import InvalidArgumentError, TrialPruned
from tunesmith.events import Constraints
from tunesmith.history import FrozenTrial
from tunesmith.space import Categorical, Distribution, Float, Int, check_name, check_user_attr
from tunesmith.states import TrialState

T = TypeVar("T")

# Objectives ask for the same distributions trial after trial; building (and validating)
# one costs more than the rest of a suggest, so identical requests share one frozen value.
# Keys carry the argument types, so that e.g. ``True`` never hits the entry of ``1``.
_CACHE: dict[tuple[Any, ...], Distribution] = {}
_CACHE_SIZE = 4096


def _remember(key: tuple[Any, ...], distribution: Distribution) -> Distribution:
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.clear()
    _CACHE[key] = distribution
    return distribution


class TrialDriver(Protocol):
    """What a trial needs from the study running it (implemented by the study)."""

    number: int
    params: dict[str, Any]
    distributions: dict[str, Distribution]
    user_attrs: Mapping[str, Any]
    study: Any

    def suggest(self, name: str, distribution: Distribution) -> Any: ...
    def report(self, value: float, step: int) -> None: ...
    def should_prune(self) -> bool: ...
    def set_user_attr(self, key: str, value: Any) -> None: ...
    @property
    def constraints(self) -> Mapping[str, float]: ...
    def set_constraint(self, key: str, value: float) -> None: ...


class Trial:
    """One evaluation of the objective: it hands out parameters and takes reports.

    Example:
        >>> import tunesmith as ts
        >>> study = ts.create_study(seed=0)
        >>> trial = study.ask()
        >>> x = trial.suggest_float("x", -5, 5)
        >>> n = trial.suggest_int("n", 1, 9, step=2)
        >>> act = trial.suggest_categorical("act", ["relu", "tanh", None])
        >>> sorted(trial.params)
        ['act', 'n', 'x']
    """

    __slots__ = ("_driver",)

    def __init__(self, driver: TrialDriver) -> None:
        self._driver = driver

    @property
    def number(self) -> int:
        """Position of this trial in its study, from 0."""
        return self._driver.number

    @property
    def params(self) -> dict[str, Any]:
        """Parameters suggested so far."""
        return dict(self._driver.params)

    @property
    def distributions(self) -> dict[str, Distribution]:
        """The distribution of each parameter suggested so far."""
        return dict(self._driver.distributions)

    @property
    def user_attrs(self) -> dict[str, Any]:
        """Attributes set with :meth:`set_user_attr`."""
        return dict(self._driver.user_attrs)

    @property
    def study(self) -> Any:
        """The study running this trial."""
        return self._driver.study

    @property
    def constraints(self) -> Constraints:
        """Constraint values set so far with :meth:`set_constraint`, by name."""
        given = self._driver.constraints
        return Constraints(given.values(), given)

    def set_constraint(self, key: str, value: float) -> None:
        """Give the value of constraint ``key`` (Optuna 5's way): the trial is feasible
        when every constraint value is <= 0. Samplers that handle constraints (TPE,
        NSGA-II, GP) use these as they use the values of a ``constraints=`` function,
        which come first; the finished trial's ``constraints`` holds both.

        A value that is not a number is a ``TypeError``, NaN a ``ValueError``; a key
        set before keeps its first value, with a warning, as in Optuna.
        """
        if not isinstance(key, str) or not key:
            raise InvalidArgumentError(f"a constraint key must be a non-empty string, got {key!r}")
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise TypeError(
                f"set_constraint({key!r}, ...): the value must be a number, but got "
                f"{type(value).__name__} {value!r}"
            ) from None
        if math.isnan(number):
            raise ValueError(f"set_constraint({key!r}, ...): NaN is not a constraint value")
        if key in self._driver.constraints:
            warnings.warn(
                f"set_constraint({key!r}, ...): already set for this trial; the first "
                "value is kept",
                UserWarning,
                stacklevel=2,
            )
            return
        self._driver.set_constraint(key, number)

    def suggest(self, name: str, distribution: Distribution) -> Any:
        """A value for parameter ``name`` drawn from ``distribution``."""
        check_name(name)
        if not isinstance(distribution, (Float, Int, Categorical)):
            raise InvalidArgumentError(
                f"distribution must be a Float, Int or Categorical, but got {distribution!r}"
            )
        return self._driver.suggest(name, distribution)

    def suggest_float(
        self, name: str, low: float, high: float, *, step: float | None = None, log: bool = False
    ) -> float:
        """A float in ``[low, high]``: on a log scale if ``log``, on a grid if ``step``."""
        key = ("f", type(low), low, type(high), high, log, type(step), step)
        distribution = _CACHE.get(key) or _remember(
            key, Float(low, _on_step(name, low, high, step), log=log, step=step)
        )
        value: float = self._driver.suggest(check_name(name), distribution)
        return value

    def suggest_int(self, name: str, low: int, high: int, step: int = 1, log: bool = False) -> int:
        """An int in ``[low, high]`` (both included), a multiple of ``step`` from ``low``.

        A ``step`` that does not divide ``high - low`` lowers ``high`` to the last value
        on the grid, with a warning (once per range), as Optuna does; ``ts.Int`` itself
        rejects it.
        """
        key = ("i", type(low), low, type(high), high, log, type(step), step)
        distribution = _CACHE.get(key) or _remember(
            key, Int(low, _on_step(name, low, high, step), log=log, step=step)
        )
        value: int = self._driver.suggest(check_name(name), distribution)
        return value

    def suggest_categorical(self, name: str, choices: Sequence[T]) -> T:
        """One of ``choices``, returned as the very value given."""
        if isinstance(choices, (list, tuple)):
            key = ("c", type(choices), *choices, *map(type, choices))
            try:
                distribution = _CACHE.get(key) or _remember(key, Categorical(choices))
            except TypeError:  # unhashable choices (lists, dicts): build without caching
                distribution = Categorical(choices)
        else:  # other sequences (arrays) are not cached: their type alone is no key
            distribution = Categorical(choices)
        value: T = self._driver.suggest(check_name(name), distribution)
        return value

    def suggest_uniform(self, name: str, low: float, high: float) -> float:
        """Optuna's older name for ``suggest_float(name, low, high)``."""
        return self.suggest_float(name, low, high)

    def suggest_loguniform(self, name: str, low: float, high: float) -> float:
        """Optuna's older name for ``suggest_float(name, low, high, log=True)``."""
        return self.suggest_float(name, low, high, log=True)

    def suggest_discrete_uniform(self, name: str, low: float, high: float, q: float) -> float:
        """Optuna's older name for ``suggest_float(name, low, high, step=q)``."""
        return self.suggest_float(name, low, high, step=q)

    def report(self, value: float, step: int) -> None:
        """Record an intermediate value (e.g. validation loss after epoch ``step``).

        Pruners compare trials by these values; every worker and later process sees them.
        """
        if not _is_real(value):
            raise InvalidArgumentError(
                f"report: `value` must be a number, but got {value!r} of type "
                f"{type(value).__name__}"
            )
        if isinstance(step, bool) or not hasattr(step, "__index__") or int(step) < 0:
            raise InvalidArgumentError(
                f"report: `step` must be a non-negative integer, but got {step!r}"
            )
        self._driver.report(float(value), int(step))

    def should_prune(self) -> bool:
        """Whether the study's pruner says to stop this trial now.

        If so, raise :class:`tunesmith.TrialPruned` from the objective.
        """
        return self._driver.should_prune()

    def set_user_attr(self, key: str, value: Any) -> None:
        """Attach a JSON-serializable value to the trial (shown in ``to_dataframe``)."""
        check_user_attr(key, value)
        self._driver.set_user_attr(key, value)

    def __repr__(self) -> str:
        return f"Trial(number={self.number}, params={self._driver.params!r})"


def _is_real(value: object) -> bool:
    if isinstance(value, (bool, str, bytes)):
        return False
    try:
        float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return True


def _on_step(name: str, low: Any, high: Any, step: Any) -> Any:
    """``high``, lowered to the last ``low + k * step`` if ``step`` does not divide the
    range (with a warning), as Optuna does. Arguments that are not numbers pass through
    for the distribution to reject."""
    if step is None or not (_is_real(low) and _is_real(high) and _is_real(step)):
        return high
    span, step_ = float(high) - float(low), float(step)
    if step_ <= 0 or span < 0 or not math.isfinite(span):
        return high
    ratio = span / step_
    if abs(ratio - round(ratio)) <= 1e-8 * max(1.0, ratio):
        return high
    fitted = low + math.floor(ratio) * step
    warnings.warn(
        f"{name!r}: step={step!r} does not divide high - low = {span!r}; high is lowered "
        f"from {high!r} to {fitted!r} (give high = low + k * step to silence this)",
        UserWarning,
        stacklevel=3,
    )
    return fitted


class FixedTrial(Trial):
    """A trial whose parameters are given: run an objective once on known values (to test
    it, or to refit the best model) without a study, as Optuna's ``FixedTrial``.

    Example:
        >>> FixedTrial({"x": 2.0}).suggest_float("x", -5, 5)
        2.0
    """

    __slots__ = ()

    def __init__(self, params: Mapping[str, Any], number: int = 0) -> None:
        if not isinstance(params, Mapping):
            raise InvalidArgumentError(f"FixedTrial: `params` must be a dict, but got {params!r}")
        super().__init__(_FixedDriver(dict(params), number))


class _FixedDriver:
    """What a :class:`FixedTrial` asks: the given values, checked against the request."""

    def __init__(self, fixed: dict[str, Any], number: int) -> None:
        self.fixed = fixed
        self.number = number
        self.params: dict[str, Any] = {}
        self.distributions: dict[str, Distribution] = {}
        self.user_attrs: Mapping[str, Any] = {}
        self.intermediate: dict[int, float] = {}
        self.constraints: Mapping[str, float] = {}
        self.study = None

    def suggest(self, name: str, distribution: Distribution) -> Any:
        if name not in self.fixed:
            raise InvalidArgumentError(
                f"FixedTrial: the objective asks for {name!r}, which the fixed parameters "
                f"{sorted(self.fixed)!r} lack; add it"
            )
        value = _checked("FixedTrial", name, self.fixed[name], distribution)
        self.params[name] = value
        self.distributions[name] = distribution
        return value

    def report(self, value: float, step: int) -> None:
        self.intermediate[step] = value

    def should_prune(self) -> bool:
        return False

    def set_user_attr(self, key: str, value: Any) -> None:
        self.user_attrs = {**self.user_attrs, key: value}

    def set_constraint(self, key: str, value: float) -> None:
        self.constraints = {**self.constraints, key: value}


def _checked(owner: str, name: str, value: Any, distribution: object) -> Any:
    """``value`` as ``distribution`` returns it, or an error if it cannot produce it."""
    if isinstance(distribution, Categorical):
        index = distribution.index(value)
        if index is None:
            raise InvalidArgumentError(f"{owner}: {name}={value!r} is not one of {distribution!r}")
        return distribution.choices[index]
    if not isinstance(distribution, (Float, Int)):
        raise InvalidArgumentError(
            f"{owner}: the distribution of {name!r} must be a Float, Int or Categorical, but "
            f"got {distribution!r}"
        )
    if not distribution.contains(value):
        raise InvalidArgumentError(f"{owner}: {name}={value!r} lies outside {distribution!r}")
    return int(value) if isinstance(distribution, Int) else float(value)


def create_trial(
    *,
    state: TrialState = TrialState.COMPLETE,
    value: float | None = None,
    params: Mapping[str, Any] | None = None,
    distributions: Mapping[str, Distribution] | None = None,
    user_attrs: Mapping[str, Any] | None = None,
    intermediate_values: Mapping[int, float] | None = None,
    values: Sequence[float] | None = None,
    constraints: Mapping[str, float] | None = None,
    system_attrs: Mapping[str, Any] | None = None,
) -> FrozenTrial:
    """A finished trial made by hand, for ``study.add_trial`` (warm starts from earlier
    results), as Optuna's ``create_trial``; ``values`` (one per objective) instead of
    ``value`` for a study of several objectives.

    ``constraints`` are the trial's constraint values by name (feasible when each is
    <= 0), as Optuna 5 takes them. ``system_attrs`` is read for Optuna's constraint keys
    only (``"constraints"``, a list, and ``"constraints:<key>"``), so that trials copied
    from Optuna keep their constraints; any other key is an error naming ``user_attrs``.

    Example:
        >>> trial = create_trial(value=0.5, params={"x": 1.0}, distributions={"x": Float(0, 2)})
        >>> trial.state, trial.params
        (TrialState.COMPLETE, {'x': 1.0})
    """
    given = dict(params or {})
    spaces = dict(distributions or {})
    if not isinstance(state, TrialState) or state is TrialState.RUNNING:
        raise InvalidArgumentError(
            f"create_trial: `state` must be COMPLETE, PRUNED or FAIL, but got {state!r}"
        )
    if given.keys() != spaces.keys():
        raise InvalidArgumentError(
            "create_trial: `params` and `distributions` must name the same parameters, but "
            f"got {sorted(given)!r} and {sorted(spaces)!r}"
        )
    checked = {
        check_name(name): _checked("create_trial", name, given[name], spaces[name])
        for name in spaces
    }
    several = None
    if values is not None:
        if value is not None:
            raise InvalidArgumentError("create_trial: give value or values, not both")
        if not all(_is_real(v) and math.isfinite(float(v)) for v in values) or not values:
            raise InvalidArgumentError(
                f"create_trial: `values` must be finite numbers, one per objective, but got "
                f"{values!r}"
            )
        several = tuple(float(v) for v in values)
    number = None if value is None or not _is_real(value) else float(value)
    if (
        state is TrialState.COMPLETE
        and several is None
        and (number is None or not math.isfinite(number))
    ):
        raise InvalidArgumentError(
            f"create_trial: a COMPLETE trial needs a finite `value`, but got {value!r}"
        )
    now = time.time()
    return FrozenTrial(
        -1,  # numbered when a study adds it
        state,
        number,
        checked,
        spaces,
        {int(step): float(v) for step, v in (intermediate_values or {}).items()},
        dict(user_attrs or {}),
        started_at=now,
        finished_at=now,
        values=several,
        constraints=_given_constraints(constraints, system_attrs),
    )


def _given_constraints(
    constraints: Mapping[str, float] | None, system_attrs: Mapping[str, Any] | None
) -> Constraints | None:
    """``create_trial``'s constraints: Optuna's system attributes first, then ``constraints``."""
    named: dict[str, float] = {}
    for key, value in (system_attrs or {}).items():
        if key == "constraints" and isinstance(value, (list, tuple)):
            named.update((str(i), v) for i, v in enumerate(value))
        elif isinstance(key, str) and key.startswith("constraints:"):
            named[key[len("constraints:") :]] = value
        elif key != "fixed_params":
            raise InvalidArgumentError(
                f"create_trial: system attribute {key!r} is not kept (only Optuna's "
                "constraint keys are read); give it in user_attrs"
            )
    named.update(constraints or {})
    for key, value in named.items():
        if not _is_real(value) or math.isnan(float(value)):
            raise InvalidArgumentError(
                f"create_trial: constraint {key!r} must be a number, but got {value!r}"
            )
    return Constraints(named.values(), named) if named else None


__all__ = ["FixedTrial", "FrozenTrial", "Trial", "TrialPruned", "TrialState", "create_trial"]
