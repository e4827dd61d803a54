"""Search-space values: the three kinds of parameter a study can tune.

``Float(low, high, log=False, step=None)``, ``Int(low, high, log=False, step=1)`` and
``Categorical(choices)`` are frozen and validated on construction, so a distribution
that exists is a valid one. A *kind* is the class plus ``log`` (and, for categoricals,
the choices): a parameter keeps its kind for the whole study, while its range may change.

Categorical choices may be any JSON value: None, bools, ints, floats, strings, and lists,
tuples and string-keyed dicts of those. A choice comes back as the very value given,
never an index or a converted copy.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import numpy as np

from tunesmith.errors import IncompatibleParameterError, InvalidArgumentError, InvalidSpaceError

#: Relative tolerance used when checking that a float lies on a ``step`` grid.
_GRID_TOLERANCE = 1e-8


def _is_real(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    return (
        hasattr(value, "__float__")
        and getattr(value, "ndim", 0) == 0
        and not isinstance(value, (str, bytes))
    )


def _is_integer(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return hasattr(value, "__index__") and not isinstance(value, (str, bytes))


def _finite_float(what: str, value: object, kind: str) -> float:
    if not _is_real(value):
        raise InvalidSpaceError(f"{kind}: `{what}` must be a real number, but got {value!r}")
    number = float(value)  # type: ignore[arg-type]
    if not math.isfinite(number):
        raise InvalidSpaceError(f"{kind}: `{what}` must be finite, but got {what}={number}")
    return number


#: Integer bounds stay within what a float64 holds exactly: samplers place ints on a unit
#: cube, and beyond 2**53 neighbouring integers share one float.
MAX_INT = 2**53


def _check_log(value: object, kind: str) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise InvalidSpaceError(f"{kind}: `log` must be True or False, but got log={value!r}")


def _grid_count(low: float, high: float, step: float, kind: str) -> int:
    """Number of steps between ``low`` and ``high``; raises if ``step`` does not divide it."""
    ratio = (high - low) / step
    count = round(ratio)
    if abs(ratio - count) > _GRID_TOLERANCE * max(1.0, abs(ratio)):
        raise InvalidSpaceError(
            f"{kind}: `step` must divide `high - low`, but got (low={low}, high={high}, "
            f"step={step}); choose high = low + k * step for a whole number k"
        )
    return int(count)


@dataclass(frozen=True, slots=True)
class Float:
    """A real-valued parameter in ``[low, high]``.

    Args:
        low: Smallest value (finite).
        high: Largest value (finite, ``low <= high``).
        log: Sample on a log scale; needs ``low > 0``.
        step: If given, only ``low + k * step`` values are taken; must divide the range.

    Example:
        >>> Float(1e-4, 1e-1, log=True).contains(0.01)
        True
    """

    low: float
    high: float
    log: bool = False
    step: float | None = None

    def __post_init__(self) -> None:
        low = _finite_float("low", self.low, "Float")
        high = _finite_float("high", self.high, "Float")
        if low > high:
            raise InvalidSpaceError(
                f"Float: `low <= high` must hold, but got (low={low}, high={high})"
            )
        if not math.isfinite(high - low):
            raise InvalidSpaceError(
                f"Float: `high - low` must be a finite float, but got (low={low}, high={high}), "
                f"whose width {high - low} overflows; narrow the range or use log=True"
            )
        _check_log(self.log, "Float")
        if self.log and low <= 0:
            raise InvalidSpaceError(
                f"Float: `low > 0` must hold when log=True, but got (low={low}, high={high}); "
                "a log scale cannot reach zero or negative values"
            )
        object.__setattr__(self, "low", low)
        object.__setattr__(self, "high", high)
        object.__setattr__(self, "log", bool(self.log))
        if self.step is not None:
            step = _finite_float("step", self.step, "Float")
            if step <= 0:
                raise InvalidSpaceError(f"Float: `step > 0` must hold, but got step={step}")
            if self.log:
                raise InvalidSpaceError(
                    "Float: `step` and `log=True` cannot be combined; "
                    f"got (low={low}, high={high}, step={step}, log=True)"
                )
            _grid_count(low, high, step, "Float")
            object.__setattr__(self, "step", step)

    def contains(self, value: object) -> bool:
        """Whether ``value`` is a float this distribution could produce."""
        if type(value) is float and self.step is None:  # the common case first
            return self.low <= value <= self.high
        if not _is_real(value):
            return False
        number = float(value)  # type: ignore[arg-type]
        if not self.low <= number <= self.high:
            return False
        if self.step is None:
            return True
        ratio = (number - self.low) / self.step
        return abs(ratio - round(ratio)) <= 1e-6 * max(1.0, abs(ratio))

    @property
    def n_values(self) -> int | None:
        """How many distinct values there are (``None`` for a continuous range)."""
        if self.step is None:
            return 1 if self.low == self.high else None
        return _grid_count(self.low, self.high, self.step, "Float") + 1

    def value_at(self, index: int) -> float:
        """The ``index``-th value of a stepped range."""
        assert self.step is not None
        return min(self.high, self.low + index * self.step)


@dataclass(frozen=True, slots=True)
class Int:
    """An integer parameter in ``[low, high]`` (both included).

    Args:
        low: Smallest value.
        high: Largest value (``low <= high``).
        log: Sample on a log scale; needs ``low >= 1`` and ``step == 1``.
        step: Only ``low + k * step`` values are taken; must divide ``high - low``.

    Example:
        >>> Int(1, 9, step=2).contains(4)
        False
    """

    low: int
    high: int
    log: bool = False
    step: int = 1

    def __post_init__(self) -> None:
        for what in ("low", "high", "step"):
            value = getattr(self, what)
            if not _is_integer(value):
                raise InvalidSpaceError(
                    f"Int: `{what}` must be an integer, but got {what}={value!r}; "
                    "use Float for real-valued parameters"
                )
            object.__setattr__(self, what, int(value))
        if self.low > self.high:
            raise InvalidSpaceError(
                f"Int: `low <= high` must hold, but got (low={self.low}, high={self.high})"
            )
        if not -MAX_INT <= self.low <= self.high <= MAX_INT:
            raise InvalidSpaceError(
                f"Int: `-2**53 <= low <= high <= 2**53` must hold, but got (low={self.low}, "
                f"high={self.high}); beyond 2**53 a float cannot tell neighbouring integers "
                "apart, so samplers could not place them"
            )
        _check_log(self.log, "Int")
        if self.step < 1:
            raise InvalidSpaceError(f"Int: `step >= 1` must hold, but got step={self.step}")
        if self.log and self.low < 1:
            raise InvalidSpaceError(
                f"Int: `low >= 1` must hold when log=True, but got (low={self.low}, "
                f"high={self.high})"
            )
        if self.log and self.step != 1:
            raise InvalidSpaceError(
                f"Int: `step` must be 1 when log=True, but got step={self.step}"
            )
        if (self.high - self.low) % self.step:
            raise InvalidSpaceError(
                f"Int: `step` must divide `high - low`, but got (low={self.low}, "
                f"high={self.high}, step={self.step}); choose high = low + k * step"
            )
        object.__setattr__(self, "log", bool(self.log))

    def contains(self, value: object) -> bool:
        """Whether ``value`` is an integer this distribution could produce."""
        if type(value) is int:  # the common case first
            return self.low <= value <= self.high and (value - self.low) % self.step == 0
        if not _is_integer(value):
            return False
        number: int = int(value)  # type: ignore[call-overload]
        return self.low <= number <= self.high and (number - self.low) % self.step == 0

    @property
    def n_values(self) -> int:
        """How many distinct values there are."""
        return (self.high - self.low) // self.step + 1

    def value_at(self, index: int) -> int:
        """The ``index``-th value of the range."""
        return self.low + index * self.step


@dataclass(frozen=True, eq=False, slots=True)
class Categorical:
    """A parameter that takes one of a fixed list of values.

    Args:
        choices: A non-empty list or tuple of distinct JSON values (None, bools, numbers,
            strings, and lists/tuples/dicts of those). ``1``, ``1.0`` and ``True`` are
            three distinct choices.

    Example:
        >>> Categorical(["relu", "tanh", None]).index(None)
        2
    """

    choices: Sequence[Any]
    _keys: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if isinstance(self.choices, np.ndarray):
            object.__setattr__(self, "choices", tuple(self.choices.tolist()))
        if isinstance(self.choices, (str, bytes)) or not isinstance(self.choices, Sequence):
            raise InvalidSpaceError(
                "Categorical: `choices` must be a list or tuple of values, but got "
                f"{self.choices!r}"
            )
        choices = tuple(self.choices)
        if not choices:
            raise InvalidSpaceError("Categorical: `choices` must not be empty, but got []")
        keys: dict[str, int] = {}
        for index, choice in enumerate(choices):
            key = choice_key(choice)
            if key in keys:
                raise InvalidSpaceError(
                    f"Categorical: choices must be distinct, but {choice!r} appears at "
                    f"positions {keys[key]} and {index} of {list(choices)!r}"
                )
            keys[key] = index
        object.__setattr__(self, "choices", choices)
        object.__setattr__(self, "_keys", keys)

    def index(self, value: object) -> int | None:
        """Position of ``value`` among the choices, or ``None`` if it is not one."""
        try:
            return self._keys.get(choice_key(value))
        except InvalidSpaceError:
            return None

    def contains(self, value: object) -> bool:
        """Whether ``value`` is one of the choices (type-aware: ``1`` is not ``True``)."""
        return self.index(value) is not None

    @property
    def n_values(self) -> int:
        """How many choices there are."""
        return len(self.choices)

    def value_at(self, index: int) -> Any:
        """The ``index``-th choice."""
        return self.choices[index]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Categorical) and self._keys == other._keys

    def __hash__(self) -> int:
        return hash(tuple(self._keys))

    def __repr__(self) -> str:
        return f"Categorical({list(self.choices)!r})"


Distribution: TypeAlias = Float | Int | Categorical
SearchSpace: TypeAlias = Mapping[str, Distribution]

#: Longest parameter name accepted (identical on every storage).
MAX_NAME_LENGTH = 512


def check_name(name: object) -> str:
    """Validate a parameter name the same way for every storage."""
    if type(name) is str and 0 < len(name) <= MAX_NAME_LENGTH:
        return name
    if not isinstance(name, str) or not name:
        raise InvalidSpaceError(f"a parameter name must be a non-empty string, but got {name!r}")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidSpaceError(
            f"a parameter name must have at most {MAX_NAME_LENGTH} characters, but "
            f"{name[:40]!r}... has {len(name)}"
        )
    return name


def check_compatible(name: str, previous: Distribution, new: Distribution) -> None:
    """Raise if ``new`` is not the same kind of parameter as ``previous``.

    A range may change between trials (users narrow a space after a first look); the
    kind may not: the class, ``log``, and for categoricals the choices stay fixed.
    """
    if previous is new:
        return
    if isinstance(previous, Categorical) or isinstance(new, Categorical):
        if previous == new:
            return
    elif type(previous) is type(new) and previous.log == new.log:
        return
    raise IncompatibleParameterError(
        f"parameter {name!r} must keep its kind for the whole study: it was {previous!r} "
        f"and is now {new!r}. A range may change, but not float/int/categorical, log or "
        "the choices; give the new parameter a new name"
    )


# ---------------------------------------------------------------------------------------
# JSON codec for choices: tuples are tagged so they come back as tuples, not lists.

_TUPLE_TAG = "__tuple__"
_CHOICE = "Categorical: a choice (pass a name and map it to the object inside the objective)"


def _tag(value: Any, what: str) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidSpaceError(f"{what} must be a JSON value, but got {value!r}")
        return value
    if isinstance(value, tuple):
        return {_TUPLE_TAG: [_tag(item, what) for item in value]}
    if isinstance(value, list):
        return [_tag(item, what) for item in value]
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        if _TUPLE_TAG in value:
            raise InvalidSpaceError(f"{what}: a dict may not use the key {_TUPLE_TAG!r}")
        return {key: _tag(item, what) for key, item in value.items()}
    raise InvalidSpaceError(
        f"{what} must be a JSON value (None, bool, int, float, str, or a list/tuple/"
        f"str-keyed dict of those), but got {value!r} of type {type(value).__name__}"
    )


def _untag(value: Any) -> Any:
    if isinstance(value, list):
        return [_untag(item) for item in value]
    if isinstance(value, dict):
        if set(value) == {_TUPLE_TAG}:
            return tuple(_untag(item) for item in value[_TUPLE_TAG])
        return {key: _untag(item) for key, item in value.items()}
    return value


def to_json_value(value: Any, what: str = "the value") -> Any:
    """A JSON-encodable form of ``value`` (tuples tagged so they come back as tuples)."""
    return _tag(value, what)


def check_user_attr(key: object, value: Any, what: str = "user attribute") -> None:
    """A user attribute as a storage keeps it: a non-empty string key and a JSON value;
    :class:`InvalidArgumentError` naming ``what`` otherwise."""
    if not isinstance(key, str) or not key:
        raise InvalidArgumentError(
            f"a user attribute key must be a non-empty string, but got {key!r}"
        )
    try:
        to_json_value(value, f"{what} {key!r}")
    except ValueError as exc:
        raise InvalidArgumentError(str(exc)) from None


def from_json_value(value: Any) -> Any:
    """Inverse of :func:`to_json_value`."""
    return _untag(value)


def choice_key(value: Any) -> str:
    """A string that identifies a choice by value *and* type (``1``, ``1.0``, ``True`` differ)."""
    kind = type(value)  # the common types first, without JSON; containers start with [ or {
    if kind is str:
        return "s" + str(value)
    if kind is int:
        return "i" + str(value)
    if kind is bool:
        return "b" + str(value)
    if kind is float and math.isfinite(value):
        return "f" + repr(value)
    if value is None:
        return "n"
    tagged = _tag(value, _CHOICE)
    if not isinstance(tagged, (list, dict)):  # a numpy scalar, say: key it as its Python value
        return choice_key(tagged)
    return json.dumps(tagged, sort_keys=True)


def distribution_to_json(distribution: Distribution) -> dict[str, Any]:
    """Plain-JSON description of a distribution."""
    if isinstance(distribution, Categorical):
        return {"kind": "categorical", "choices": [to_json_value(c) for c in distribution.choices]}
    kind = "float" if isinstance(distribution, Float) else "int"
    return {
        "kind": kind,
        "low": distribution.low,
        "high": distribution.high,
        "log": distribution.log,
        "step": distribution.step,
    }


def distribution_from_json(data: Mapping[str, Any]) -> Distribution:
    """Inverse of :func:`distribution_to_json`."""
    kind = data["kind"]
    if kind == "categorical":
        return Categorical(tuple(from_json_value(c) for c in data["choices"]))
    if kind == "float":
        return Float(data["low"], data["high"], log=data["log"], step=data["step"])
    if kind == "int":
        return Int(data["low"], data["high"], log=data["log"], step=data["step"])
    raise InvalidSpaceError(f"unknown distribution kind {kind!r} in stored data")


def check_space(space: object, *, owner: str) -> None:
    """A dict of name -> Float, Int or Categorical, or an :class:`InvalidArgumentError`."""
    if not isinstance(space, Mapping):
        raise InvalidArgumentError(
            f"{owner}: `space` must be a dict of name -> distribution, but got {space!r}"
        )
    for name, distribution in space.items():
        check_name(name)
        if not isinstance(distribution, (Float, Int, Categorical)):
            raise InvalidArgumentError(
                f"{owner}: space[{name!r}] must be a Float, Int or Categorical, but got "
                f"{distribution!r}"
            )
