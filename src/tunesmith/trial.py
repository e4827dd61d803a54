"""The object an objective function receives: ``trial.suggest_*``, ``report``, ``should_prune``.

Every ``suggest_*`` builds a distribution (validated on construction) and goes through
:meth:`Trial.suggest`; the study behind the trial decides the value. A name asked twice
in one trial returns the same value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol, TypeVar

from tunesmith.errors import InvalidArgumentError
from tunesmith.space import Categorical, Distribution, Float, Int, check_name, to_json_value

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

    def suggest(self, name: str, distribution: Distribution) -> Any: ...
    def report(self, value: float, step: int) -> None: ...
    def should_prune(self) -> bool: ...
    def set_user_attr(self, key: str, value: Any) -> None: ...


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
        distribution = _CACHE.get(key) or _remember(key, Float(low, high, log=log, step=step))
        value: float = self._driver.suggest(check_name(name), distribution)
        return value

    def suggest_int(
        self, name: str, low: int, high: int, *, step: int = 1, log: bool = False
    ) -> int:
        """An int in ``[low, high]`` (both included), a multiple of ``step`` from ``low``."""
        key = ("i", type(low), low, type(high), high, log, type(step), step)
        distribution = _CACHE.get(key) or _remember(key, Int(low, high, log=log, step=step))
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
        if not isinstance(key, str) or not key:
            raise InvalidArgumentError(
                f"a user attribute key must be a non-empty string, but got {key!r}"
            )
        try:
            to_json_value(value, f"user attribute {key!r}")
        except ValueError as exc:
            raise InvalidArgumentError(str(exc)) from None
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
