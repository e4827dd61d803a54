"""Frozen records that are cheap to make: events and trials, several of each per trial.

A frozen dataclass's generated ``__init__`` sets every field through
``object.__setattr__`` (its own ``__setattr__`` refuses). :func:`fast_init` gives a
frozen, slotted dataclass an ``__init__`` with the same signature that sets each field
through its slot's descriptor instead, which takes about half the time: a random-search
trial makes four events and two trials, and this saves about 3 µs of its ~50
(bench/overhead.py). Everything else (``==``, ``repr``, ``replace``, pickling, refusing
assignment) is the dataclass's own.
"""

from __future__ import annotations

from dataclasses import MISSING, fields
from typing import Any, TypeVar

_T = TypeVar("_T", bound=type)


class _Factory:
    """The default of a field made by its default factory (shown as dataclasses shows it)."""

    def __repr__(self) -> str:
        return "<factory>"


_FACTORY = _Factory()


def fast_init(cls: _T) -> _T:
    """Replace the ``__init__`` of ``cls`` (a ``@dataclass(frozen=True, slots=True)``)
    by one with the same parameters and defaults that writes the slots directly, then
    calls ``__post_init__`` if the class has one."""
    scope: dict[str, Any] = {"_FACTORY": _FACTORY}
    params, body = [], []
    for i, f in enumerate(fields(cls)):
        setter = f"_set{i}"
        scope[setter] = getattr(cls, f.name).__set__  # the slot's descriptor (or a base's)
        value = f.name
        if f.default is not MISSING:
            scope[f"_default{i}"] = f.default
            params.append(f"{f.name}=_default{i}")
        elif f.default_factory is not MISSING:
            scope[f"_factory{i}"] = f.default_factory
            params.append(f"{f.name}=_FACTORY")
            value = f"_factory{i}() if {f.name} is _FACTORY else {f.name}"
        else:
            params.append(f.name)
        body.append(f"    {setter}(self, {value})")
    if hasattr(cls, "__post_init__"):
        body.append("    self.__post_init__()")
    source = f"def __init__(self, {', '.join(params)}):\n" + "\n".join(body or ["    pass"])
    exec(source, scope)  # as dataclasses builds its own __init__
    init = scope["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    type.__setattr__(cls, "__init__", init)
    return cls
