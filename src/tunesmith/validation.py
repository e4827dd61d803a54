"""Argument checks shared by every public constructor and function.

Each check returns the value in its canonical type or raises
:class:`~tunesmith.errors.InvalidArgumentError` with the rule and the value given, e.g.
``TPESampler: `n_startup_trials` must be an integer >= 0, but got -3``. ``owner`` names the
call the argument belongs to (a class or function name), so the message says where to look.

Example:
    >>> check_int("n_trials", 5, owner="optimize", minimum=0)
    5
    >>> check_int("n_trials", -1, owner="optimize", minimum=0)
    Traceback (most recent call last):
    ...
    tunesmith.errors.InvalidArgumentError: optimize: `n_trials` must be an integer >= 0, but got -1
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Collection
from typing import Any, TypeVar

import numpy as np

from tunesmith.errors import InvalidArgumentError

T = TypeVar("T")


def _fail(owner: str, name: str, rule: str, value: object, hint: str = "") -> InvalidArgumentError:
    shown = f"{value!r}"
    if isinstance(value, type):
        shown = f"the class {value.__name__}"
    message = f"{owner}: `{name}` must be {rule}, but got {shown}"
    return InvalidArgumentError(f"{message}; {hint}" if hint else message)


def _bounds(minimum: float | None, maximum: float | None, strict_minimum: bool) -> str:
    parts = []
    if minimum is not None:
        parts.append(f"{'>' if strict_minimum else '>='} {minimum:g}")
    if maximum is not None:
        parts.append(f"<= {maximum:g}")
    return " and ".join(parts)


def one_of(owner: str, name: str, value: T, alias: str, aliased: T) -> T:
    """An argument given under its own name or under the name Optuna gives it, not both.

    Example:
        >>> one_of("TPESampler", "constraints", None, "constraints_func", len) is len
        True
    """
    if aliased is None:
        return value
    if value is not None:
        raise InvalidArgumentError(
            f"{owner}: give `{name}` or its Optuna name `{alias}`, not both "
            f"(got {name}={value!r}, {alias}={aliased!r})"
        )
    return aliased


def check_int(
    name: str,
    value: object,
    *,
    owner: str,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int:
    """An integer (numpy integers too, never a bool) within the bounds given."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        bounds = _bounds(minimum, maximum, False)
        raise _fail(owner, name, f"an integer{' ' + bounds if bounds else ''}", value)
    number = int(value)
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        raise _fail(owner, name, f"an integer {_bounds(minimum, maximum, False)}", value)
    return number


def check_optional_int(
    name: str,
    value: object,
    *,
    owner: str,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int | None:
    """None, or what :func:`check_int` accepts."""
    if value is None:
        return None
    return check_int(name, value, owner=owner, minimum=minimum, maximum=maximum)


def check_seed(value: object, *, owner: str) -> int | None:
    """None, or a seed: an integer in [0, 2**63)."""
    if value is None:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Integral)
        or not (0 <= int(value) < 2**63)
    ):
        raise _fail(owner, "seed", "an integer in [0, 2**63), or None", value)
    return int(value)


def check_number(
    name: str,
    value: object,
    *,
    owner: str,
    minimum: float | None = None,
    maximum: float | None = None,
    strict_minimum: bool = False,
    finite: bool = True,
) -> float:
    """A real number (not a bool, not NaN; finite unless ``finite=False``) within the
    bounds; ``strict_minimum`` makes the minimum exclusive."""
    bounds = _bounds(minimum, maximum, strict_minimum)
    rule = f"a {'finite ' if finite else ''}number{' ' + bounds if bounds else ''}"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise _fail(owner, name, rule, value)
    number = float(value)
    if math.isnan(number) or (finite and math.isinf(number)):
        raise _fail(owner, name, rule, value)
    below = minimum is not None and (number <= minimum if strict_minimum else number < minimum)
    if below or (maximum is not None and number > maximum):
        raise _fail(owner, name, rule, value)
    return number


def check_optional_number(
    name: str,
    value: object,
    *,
    owner: str,
    minimum: float | None = None,
    maximum: float | None = None,
    strict_minimum: bool = False,
    finite: bool = True,
) -> float | None:
    """None, or what :func:`check_number` accepts."""
    if value is None:
        return None
    return check_number(
        name,
        value,
        owner=owner,
        minimum=minimum,
        maximum=maximum,
        strict_minimum=strict_minimum,
        finite=finite,
    )


def check_bool(name: str, value: object, *, owner: str) -> bool:
    """``True`` or ``False`` (numpy bools too); a string such as ``"no"`` is an error,
    not a truthy value."""
    if isinstance(value, bool):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    raise _fail(owner, name, "True or False", value)


def check_choice(name: str, value: object, choices: Collection[str], *, owner: str) -> str:
    """One of the strings in ``choices`` (compared exactly)."""
    if not isinstance(value, str) or value not in choices:
        shown = ", ".join(repr(choice) for choice in choices)
        raise _fail(owner, name, f"one of {shown}", value)
    return value


def check_callable(name: str, value: T, *, owner: str, optional: bool = False) -> T:
    """A callable (or None with ``optional``)."""
    if value is None and optional:
        return value
    if not callable(value):
        raise _fail(owner, name, "callable" + (" or None" if optional else ""), value)
    return value


def check_instance(
    name: str,
    value: object,
    method: str,
    *,
    owner: str,
    kind: str,
) -> None:
    """An object with a callable ``method``, not a class: passing ``RandomSampler``
    instead of ``RandomSampler()`` is the usual slip, and is named as such."""
    if isinstance(value, type):
        if callable(getattr(value, method, None)):
            raise _fail(
                owner,
                name,
                f"a {kind} object",
                value,
                f"call it to make one: {name}={value.__name__}()",
            )
        raise _fail(owner, name, f"a {kind} object", value)
    if not callable(getattr(value, method, None)):
        raise _fail(owner, name, f"a {kind} name or an object with a {method}() method", value)


def check_sequence_of(
    name: str,
    value: object,
    accept: Callable[[Any], bool],
    rule: str,
    *,
    owner: str,
) -> tuple[Any, ...]:
    """A list or tuple (a single item is not accepted in its place: a string is not a
    sequence of names here) whose every item passes ``accept``."""
    if not isinstance(value, (list, tuple)):
        raise _fail(owner, name, f"a list or tuple of {rule}", value)
    for item in value:
        if not accept(item):
            raise _fail(owner, name, f"a list or tuple of {rule}", value, f"{item!r} is not")
    return tuple(value)
