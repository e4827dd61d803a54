"""The events a study's log is made of, and their storage records.

A study is an append-only sequence of events; everything else (trials, best value,
the search space seen so far) is derived from it by :mod:`tunesmith.history`. Events
refer to trials by number; a trial's number is the count of ``TrialCreated`` events
before its own, so it never needs to be written.

Every storage keeps an event as a *record*: ``(kind, trial number or None, JSON text)``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NoReturn, SupportsIndex, TypeAlias, overload

from tunesmith.errors import StorageError
from tunesmith.records import fast_init
from tunesmith.space import (
    Categorical,
    Distribution,
    Float,
    distribution_from_json,
    distribution_to_json,
    from_json_value,
    to_json_value,
)
from tunesmith.states import Failure, TrialState


class _Empty(dict[Any, Any]):
    """An immutable empty mapping; one instance, which pickles to itself.

    A ``dict`` underneath, so that the checks hot paths make on it (``len``, truth,
    ``get``, ``in``, ``{**m}``) run in C; every method that would change it raises."""

    __slots__ = ()

    def _immutable(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("EMPTY is an immutable empty mapping; copy it with dict() to change it")

    __setitem__ = __delitem__ = __ior__ = _immutable
    clear = pop = popitem = setdefault = update = _immutable

    def __repr__(self) -> str:
        return "{}"

    def __reduce__(self) -> str:
        return "EMPTY"


class Constraints(tuple[float, ...]):
    """A trial's constraint values (feasible when each is <= 0), with a name for each.

    A tuple of floats, as samplers read it; Optuna code reads ``trial.constraints`` as a
    dict of name -> value, so it also answers ``keys()``, ``values()``, ``items()``,
    ``get(name)`` and ``[name]``. Values from a sampler's constraints function are named
    ``"0"``, ``"1"``, ... (as Optuna names them); ``trial.set_constraint(key, v)`` names
    its own.

    Example:
        >>> c = Constraints((0.5, -1.0), ("0", "budget"))
        >>> c[1], c["budget"], dict(c.items())
        (-1.0, -1.0, {'0': 0.5, 'budget': -1.0})
    """

    names: tuple[str, ...]

    def __new__(cls, values: Iterable[float], names: Iterable[str] | None = None) -> Constraints:
        made = super().__new__(cls, (float(v) for v in values))
        named = tuple(str(i) for i in range(len(made))) if names is None else tuple(names)
        if len(named) != len(made) or len(set(named)) != len(named):
            raise ValueError(f"constraints: {len(made)} values need as many distinct names")
        made.names = named
        return made

    def __getnewargs__(self) -> tuple[Any, ...]:
        return (tuple(self), self.names)

    @overload
    def __getitem__(self, key: SupportsIndex | str) -> float: ...
    @overload
    def __getitem__(self, key: slice) -> tuple[float, ...]: ...
    def __getitem__(self, key: SupportsIndex | str | slice) -> float | tuple[float, ...]:
        if isinstance(key, str):
            try:
                return tuple.__getitem__(self, self.names.index(key))
            except ValueError:
                raise KeyError(key) from None
        return tuple.__getitem__(self, key)

    def keys(self) -> tuple[str, ...]:
        return self.names

    def values(self) -> tuple[float, ...]:
        return tuple(self)

    def items(self) -> list[tuple[str, float]]:
        return list(zip(self.names, self, strict=True))

    def get(self, name: str, default: float | None = None) -> float | None:
        return self[name] if name in self.names else default

    @property
    def named(self) -> bool:
        """Whether any name is not the default ``"0"``, ``"1"``, ..."""
        return self.names != tuple(str(i) for i in range(len(self)))

    def __repr__(self) -> str:
        if not self.named:
            return tuple.__repr__(self)
        return f"Constraints({dict(self.items())!r})"


#: The empty mapping events and trials share, rather than an empty dict each.
EMPTY: Mapping[Any, Any] = _Empty()

#: A ``ParamsSet.number`` meaning "the trial created just before, in the same batch".
CREATED_JUST_BEFORE = -1
#: A ``UserAttrsSet.number`` meaning "the study itself" (``study.set_user_attr``).
THE_STUDY = -2


@fast_init
@dataclass(frozen=True, slots=True)
class Enqueued:
    """Parameters to evaluate before anything is sampled: given by the user, or those of a
    trial whose worker died (``retry_of``), with the retries it has left; ``user_attrs``
    are set on the trial that takes them (Optuna's ``enqueue_trial(user_attrs=)``)."""

    params: Mapping[str, Any]
    retries: int | None = None
    retry_of: int | None = None
    user_attrs: Mapping[str, Any] = field(default_factory=lambda: EMPTY)


@fast_init
@dataclass(frozen=True, slots=True)
class TrialCreated:
    """A worker started a trial; ``claim`` is the sequence number of the ``Enqueued``
    event whose parameters it takes (the first trial to claim an item gets it).

    With a ``lease`` (seconds), the worker promises a ``Heartbeat`` at least that often;
    a trial whose lease runs out is presumed dead and may be failed by anyone, who then
    enqueues its parameters again if it has ``retries`` left.

    ``proposal`` (values, with their distributions in ``proposal_space``) is what the
    sampler proposed for the trial as it started, as a ``ParamsSet`` with
    ``proposed=True`` would give it, and ``notes`` what it noted; written with the
    creation itself, since a study samples every trial as it creates it."""

    time: float
    claim: int | None = None
    lease: float | None = None
    retries: int = 0
    worker: str | None = None  # "host:pid" of the process that runs it, when optimize does
    proposal: Mapping[str, Any] = field(default_factory=lambda: EMPTY)
    proposal_space: Mapping[str, Distribution] = field(default_factory=lambda: EMPTY)
    notes: Mapping[str, Any] = field(default_factory=lambda: EMPTY)


@fast_init
@dataclass(frozen=True, slots=True)
class Heartbeat:
    """The worker running a trial is alive: its lease runs from ``time`` again."""

    number: int
    time: float


@fast_init
@dataclass(frozen=True, slots=True)
class ParamsSet:
    """Parameter values of a running trial, with their distributions.

    With ``proposed=True`` these are what the sampler proposed when the trial started:
    they tell other workers where the trial is, and become parameters only when the
    objective asks for them (a conditional objective may never ask for some).

    ``number`` may be :data:`CREATED_JUST_BEFORE`: the trial created by the event right
    before this one in the same atomic batch, whose number its writer cannot know yet."""

    number: int
    distributions: Mapping[str, Distribution]
    values: Mapping[str, Any]
    notes: Mapping[str, Any] = field(default_factory=lambda: EMPTY)
    proposed: bool = False


@fast_init
@dataclass(frozen=True, slots=True)
class UserAttrsSet:
    """Attributes the user attached to a trial."""

    number: int
    attrs: Mapping[str, Any]


@fast_init
@dataclass(frozen=True, slots=True)
class Reported:
    """Intermediate objective values, by step."""

    number: int
    values: Mapping[int, float]


@fast_init
@dataclass(frozen=True, slots=True)
class TrialFinished:
    """The end of a trial. Only the first one for a trial counts.

    ``value`` is the objective's value, or a tuple of them in a study of several
    objectives. ``constraints`` are the values the sampler's constraints function gave
    the finished trial, then those the objective set with ``trial.set_constraint`` (each
    must be <= 0 for the trial to be feasible)."""

    number: int
    state: TrialState
    value: float | tuple[float, ...] | None
    time: float
    reason: str | None = None
    failure: Failure | None = None
    constraints: tuple[float, ...] | None = None


@fast_init
@dataclass(frozen=True, slots=True)
class ProposalTakenFinish(TrialFinished):
    """A trial's end as stores written before format 2 may hold it (the flag ``"a"``):
    the trial's parameters were exactly its proposal, which was not written again. Read
    from such stores, never written: a trial's parameters are now always written."""


Event: TypeAlias = (
    Enqueued | TrialCreated | ParamsSet | UserAttrsSet | Reported | Heartbeat | TrialFinished
)
#: What storages return: the event's sequence number (increasing within a study) and the event.
Record: TypeAlias = tuple[int, Event]


def _dumps(data: Any) -> str:
    return json.dumps(data, separators=(",", ":"))


def _encode_params(
    space: Mapping[str, Distribution], params: Mapping[str, Any], notes: Mapping[str, Any]
) -> dict[str, Any]:
    distributions = {}
    values = {}
    for name, distribution in space.items():
        value = params[name]
        if isinstance(distribution, Categorical):
            value = distribution.index(value)
        distributions[name] = distribution_to_json(distribution)
        values[name] = value
    data: dict[str, Any] = {"d": distributions, "v": values}
    if notes:
        data["n"] = notes
    return data


def _decode_params(
    data: dict[str, Any],
) -> tuple[dict[str, Distribution], dict[str, Any], Mapping[str, Any]]:
    distributions: dict[str, Distribution] = {}
    values: dict[str, Any] = {}
    for name, stored in data["v"].items():
        distribution = distribution_from_json(data["d"][name])
        if isinstance(distribution, Categorical):
            values[name] = distribution.choices[stored]
        elif isinstance(distribution, Float):
            values[name] = float(stored)
        else:
            values[name] = int(stored)
        distributions[name] = distribution
    return distributions, values, data.get("n") or EMPTY


def encode(event: Event) -> tuple[str, int | None, str]:
    """The storage record of an event: ``(kind, trial number, JSON payload)``."""
    if isinstance(event, TrialCreated):
        data: dict[str, Any] = {"t": event.time, "c": event.claim}
        if event.lease is not None:
            data["l"] = event.lease
        if event.retries:
            data["r"] = event.retries
        if event.worker is not None:
            data["w"] = event.worker
        if event.proposal or event.notes:
            data["p"] = _encode_params(event.proposal_space, event.proposal, event.notes)
        return "created", None, _dumps(data)
    if isinstance(event, Heartbeat):
        return "heartbeat", event.number, _dumps(event.time)
    if isinstance(event, ParamsSet):
        kind = "proposed" if event.proposed else "params"
        data = _encode_params(event.distributions, event.values, event.notes)
        return kind, event.number, _dumps(data)
    if isinstance(event, Reported):
        return "reported", event.number, _dumps({str(k): v for k, v in event.values.items()})
    if isinstance(event, TrialFinished):
        payload = {"s": event.state.value, "v": event.value, "t": event.time, "r": event.reason}
        if event.failure is not None:
            payload["k"] = event.failure.value
        if event.constraints is not None:
            payload["c"] = event.constraints
            names = getattr(event.constraints, "names", None)
            if names is not None and Constraints(event.constraints, names).named:
                payload["cn"] = names
        return "finished", event.number, _dumps(payload)
    if isinstance(event, UserAttrsSet):
        attrs = {k: to_json_value(v) for k, v in event.attrs.items()}
        return "user_attrs", event.number, _dumps(attrs)
    if isinstance(event, Enqueued):
        params = {k: to_json_value(v) for k, v in event.params.items()}
        data = {"p": params, "r": event.retries, "o": event.retry_of}
        if event.user_attrs:
            data["u"] = {k: to_json_value(v) for k, v in event.user_attrs.items()}
        return "enqueued", None, _dumps(data)
    raise TypeError(f"not an event: {event!r}")


def decode_record(study: str, seq: int, kind: str, number: int | None, payload: str) -> Record:
    """A stored row as ``(seq, event)``; a row that cannot be read (damaged, or written by a
    newer tunesmith) is a :class:`StorageError` naming the study and the row."""
    try:
        return seq, decode(kind, number, payload)
    except Exception as exc:
        raise StorageError(
            f"study {study!r}: event {seq} (kind {kind!r}, trial {number}) cannot be read: "
            f"{type(exc).__name__}: {exc}; payload {payload[:200]!r}"
        ) from exc


def decode(kind: str, number: int | None, payload: str) -> Event:
    """Inverse of :func:`encode`."""
    data = json.loads(payload)
    if kind == "created":
        space, proposal, notes = _decode_params(data["p"]) if "p" in data else (EMPTY,) * 3
        return TrialCreated(
            data["t"],
            data["c"],
            data.get("l"),
            data.get("r", 0),
            data.get("w"),
            proposal or EMPTY,
            space or EMPTY,
            notes,
        )
    if kind == "heartbeat":
        return Heartbeat(number, float(data))  # type: ignore[arg-type]
    if number is None and kind != "enqueued":
        raise ValueError(f"a {kind!r} event needs a trial number")
    if kind in ("params", "proposed"):
        space, values, notes = _decode_params(data)
        return ParamsSet(number, space, values, notes, kind == "proposed")  # type: ignore[arg-type]
    if kind == "reported":
        return Reported(number, {int(k): float(v) for k, v in data.items()})  # type: ignore[arg-type]
    if kind == "finished":
        state = TrialState(data["s"])
        value = data["v"]
        constraints = data.get("c")
        finish = ProposalTakenFinish if data.get("a") else TrialFinished
        return finish(
            number,  # type: ignore[arg-type]
            state,
            tuple(value) if isinstance(value, list) else value,
            data["t"],
            data["r"],
            None if data.get("k") is None else Failure(data["k"]),
            None if constraints is None else Constraints(constraints, data.get("cn")),
        )
    if kind == "user_attrs":
        attrs = {k: from_json_value(v) for k, v in data.items()}
        return UserAttrsSet(number, attrs)  # type: ignore[arg-type]
    if kind == "enqueued":
        params = {k: from_json_value(v) for k, v in data["p"].items()}
        attrs = {k: from_json_value(v) for k, v in data.get("u", EMPTY).items()}
        return Enqueued(params, data["r"], data["o"], attrs or EMPTY)
    raise StorageError(f"unknown event kind {kind!r} in the storage; is tunesmith up to date?")
