"""Trials as records, and the replay that derives them from a study's event log.

``replay(records, direction)`` folds events into a :class:`History`; a
:class:`HistoryBuilder` does the same incrementally, so a study that has seen 10,000
trials applies only the new events. Snapshots are cheap (O(number of running trials)):
finished trials never change, so a snapshot shares the builder's append-only lists and
remembers how long they were.

Replay rules, the same for every storage and every reader:
- a trial's number is the count of ``TrialCreated`` events before its own;
- the first ``TrialFinished`` of a trial wins; later events for a finished trial are
  ignored (a finished trial is never changed again);
- the first trial that claims an ``Enqueued`` item gets its parameters;
- a dead trial is retried at most once: later ``Enqueued`` retries of it are ignored.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

from tunesmith.errors import StorageError
from tunesmith.events import (
    CREATED_JUST_BEFORE,
    EMPTY,
    THE_STUDY,
    Enqueued,
    Heartbeat,
    ParamsSet,
    ProposalTakenFinish,
    Record,
    Reported,
    TrialCreated,
    TrialFinished,
    UserAttrsSet,
)
from tunesmith.records import fast_init
from tunesmith.space import Distribution, SearchSpace
from tunesmith.states import Direction, Failure, TrialState

_EMPTY = EMPTY
_FINISHED = (TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL)


class Seconds(float):
    """A duration in seconds: a float, which also answers ``timedelta``'s questions.

    Example:
        >>> Seconds(90.0).total_seconds(), Seconds(90.0).as_timedelta()
        (90.0, datetime.timedelta(seconds=90))
    """

    __slots__ = ()

    def total_seconds(self) -> float:
        return float(self)

    def as_timedelta(self) -> datetime.timedelta:
        return datetime.timedelta(seconds=float(self))


@fast_init
@dataclass(frozen=True, slots=True)
class FrozenTrial:
    """One trial as the study recorded it.

    Attributes:
        number: Position of the trial in the study, from 0.
        state: RUNNING, COMPLETE, PRUNED or FAIL.
        value: The objective value (COMPLETE), the last reported value (PRUNED), or None
            (and None in a study of several objectives: see ``values``).
        params: Parameter values, as the objective received them.
        distributions: The distribution each parameter was drawn from.
        intermediate_values: Values reported with ``trial.report``, by step.
        user_attrs: Attributes set with ``trial.set_user_attr``.
        notes: What the sampler recorded about the trial (e.g. a grid index).
        fixed_params: Parameters given with ``study.enqueue``, if the trial took some.
        started_at: Start time, seconds since the epoch.
        finished_at: End time, seconds since the epoch (None while running).
        reason: Why the trial failed, if it did.
        proposal: For a running trial, what the sampler proposed at its start that the
            objective has not asked for yet (empty once the trial is finished).
        expires_at: For a running trial that holds a lease, when it runs out unless its
            worker sends a heartbeat (seconds since the epoch).
        failure: Why a FAIL trial failed, as a :class:`Failure` (None otherwise, and for
            trials recorded before tunesmith kept it).
        worker: The process that ran the trial (``"host:pid"``), for trials run by
            ``optimize``; None for trials asked by hand.
        values: The objective values, one per objective (``(value,)`` with one
            objective), or None.
        constraints: What the sampler's constraints function returned for the finished
            trial, then what the objective gave with ``trial.set_constraint`` (feasible
            when every one is <= 0), or None if it has none: a tuple that also answers
            Optuna's dict questions (``items()``, ``["key"]``), see
            :class:`~tunesmith.events.Constraints`.

    Example:
        >>> FrozenTrial(0, TrialState.COMPLETE, 1.5, started_at=0.0).values
        (1.5,)
    """

    number: int
    state: TrialState
    value: float | None = None
    params: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
    distributions: Mapping[str, Distribution] = field(default_factory=lambda: _EMPTY)
    intermediate_values: Mapping[int, float] = field(default_factory=lambda: _EMPTY)
    user_attrs: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
    notes: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
    fixed_params: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
    started_at: float = 0.0
    finished_at: float | None = None
    reason: str | None = None
    proposal: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
    expires_at: float | None = None
    failure: Failure | None = None
    worker: str | None = None

    values: tuple[float, ...] | None = None
    constraints: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        values = _VALUES_SLOT.__get__(self, FrozenTrial)
        if self.value is not None and values is not None:
            # one objective: values is (value,), derived (also when replace() copies it)
            if len(values) != 1:
                raise ValueError(
                    f"FrozenTrial: value={self.value!r} is for one objective, but values "
                    f"has {len(values)}; give values alone (and value=None) for several"
                )
            _VALUES_SLOT.__set__(self, None)

    @property
    def feasible(self) -> bool:
        """Whether every constraint value is <= 0 (a trial without any is feasible)."""
        return self.constraints is None or all(c <= 0.0 for c in self.constraints)

    @property
    def system_attrs(self) -> dict[str, Any]:
        """What Optuna code reads from a trial's system attributes, under Optuna's keys:
        ``"constraints"`` (the values of a constraints function, a list),
        ``"constraints:<key>"`` (each given with ``trial.set_constraint``) and
        ``"fixed_params"`` (the enqueued parameters), each only when the trial has them.
        A new dict each time: setting items on it changes nothing."""
        attrs: dict[str, Any] = {}
        if self.constraints is not None:
            # a constraints function's values as one list, set_constraint's a key each
            names = getattr(self.constraints, "names", None) or [
                str(i) for i in range(len(self.constraints))
            ]
            pairs = list(enumerate(zip(names, self.constraints, strict=True)))
            listed = [value for i, (name, value) in pairs if name == str(i)]
            if listed:
                attrs["constraints"] = listed
            for i, (name, value) in pairs:
                if name != str(i):
                    attrs[f"constraints:{name}"] = value
        if self.fixed_params:
            attrs["fixed_params"] = dict(self.fixed_params)
        return attrs

    @property
    def location(self) -> Mapping[str, Any]:
        """Where the trial is in the space: its parameters, and for a running trial what it
        was proposed or enqueued and has not asked for yet. Samplers that must not send two
        trials to one point look here."""
        if not self.proposal and not self.fixed_params:
            return self.params
        return {**self.proposal, **self.fixed_params, **self.params}

    @property
    def datetime_start(self) -> datetime.datetime | None:
        """When the trial started (None for a WAITING trial, which has not)."""
        if self.state is TrialState.WAITING:
            return None
        return datetime.datetime.fromtimestamp(self.started_at)

    @property
    def datetime_complete(self) -> datetime.datetime | None:
        if self.finished_at is None:
            return None
        return datetime.datetime.fromtimestamp(self.finished_at)

    @property
    def duration(self) -> Seconds | None:
        """Seconds from start to end (a float that also answers ``total_seconds()``, as
        the ``timedelta`` Optuna gives), or None while running."""
        return None if self.finished_at is None else Seconds(self.finished_at - self.started_at)

    @property
    def last_step(self) -> int | None:
        """The largest step reported, or None."""
        return max(self.intermediate_values) if self.intermediate_values else None


def _values_of(slot: Any) -> property:
    """``values`` read through its slot: with one objective the slot holds None and
    ``(value,)`` is made when asked, rather than kept by every trial (48 B of the ~950 B a
    finished trial costs in memory: bench/overhead.py)."""

    def get(trial: FrozenTrial) -> tuple[float, ...] | None:
        values: tuple[float, ...] | None = slot.__get__(trial, FrozenTrial)
        if values is None and trial.value is not None:
            return (trial.value,)
        return values

    return property(get, slot.__set__, doc=slot.__doc__)


_VALUES_SLOT = FrozenTrial.__dict__["values"]
# replaces the slot's own descriptor, which the property reads and writes through
type.__setattr__(FrozenTrial, "values", _values_of(_VALUES_SLOT))


class _Prefix(Sequence[FrozenTrial]):
    """The first ``length`` items of an append-only list, without copying it."""

    __slots__ = ("_items", "_length")

    def __init__(self, items: list[FrozenTrial], length: int) -> None:
        self._items = items
        self._length = length

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> FrozenTrial: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[FrozenTrial]: ...
    def __getitem__(self, index: int | slice) -> FrozenTrial | Sequence[FrozenTrial]:
        if isinstance(index, slice):
            return self._items[: self._length][index]
        if index < 0:
            index += self._length
        if not 0 <= index < self._length:
            raise IndexError(index)
        return self._items[index]

    def __iter__(self) -> Iterator[FrozenTrial]:
        items = self._items
        for i in range(self._length):
            yield items[i]

    def __repr__(self) -> str:
        return f"[{', '.join(repr(t) for t in self)}]"


class History:
    """What a study knows at one moment: an immutable view for samplers and pruners.

    Example:
        >>> history = replay([], Direction.MINIMIZE)
        >>> len(history), history.best_trial
        (0, None)
    """

    __slots__ = (
        "_by_state",
        "_counts",
        "_finished",
        "_front",
        "_n_finished",
        "_queue",
        "_running",
        "_seen",
        "_space",
        "_trials",
        "best_trial",
        "direction",
        "directions",
        "seed",
        "source",
    )

    def __init__(self, builder: HistoryBuilder) -> None:
        #: One per objective; ``direction`` is the first (the only one, usually).
        self.directions = builder.directions
        self.direction = builder.direction
        #: The study's seed, for samplers that need one value for the whole study
        #: (a scramble, a visiting order) rather than the per-trial generator.
        self.seed = builder.seed
        #: Identifies the builder this snapshot came from: snapshots with the same source
        #: extend each other, so samplers may cache work on finished trials by it.
        self.source = builder.source
        #: The feasible COMPLETE trial with the best value (None with several objectives:
        #: see :meth:`best_trials`).
        self.best_trial: FrozenTrial | None = builder.best_trial
        self._front = builder.front
        self._trials = builder.trials
        self._finished = builder.finished
        self._n_finished = len(builder.finished)
        self._by_state = builder.by_state
        self._counts = tuple(map(len, builder.by_state.values()))
        running = builder.running
        self._running = tuple(map(_Running.freeze, running.values())) if running else ()
        self._space = builder.relative_space
        self._seen = builder.seen
        queue = builder.queue
        self._queue = tuple(queue.items()) if queue else ()

    def __len__(self) -> int:
        """Number of trials, running ones included."""
        return self._n_finished + len(self._running)

    def trials(self) -> list[FrozenTrial]:
        """Every trial, ordered by number."""
        running = {trial.number: trial for trial in self._running}
        trials = self._trials
        # A trial not running in this snapshot was finished when it was taken: trials[n]
        # holds its final record, even if the builder has moved on since.
        return [running.get(n) or trials[n] for n in range(len(self))]  # type: ignore[misc]

    def trial(self, number: int) -> FrozenTrial:
        """The trial with this number."""
        if not 0 <= number < len(self):
            raise IndexError(f"no trial number {number}; the study has {len(self)} trials")
        for trial in self._running:
            if trial.number == number:
                return trial
        finished = self._trials[number]
        assert isinstance(finished, FrozenTrial)
        return finished

    def best_trials(self) -> list[FrozenTrial]:
        """The Pareto front: the feasible COMPLETE trials no other one dominates (no
        worse in every objective, better in one), by number. With one objective, the
        trials that share the best value."""
        if len(self.directions) > 1:
            return sorted(self._front, key=lambda trial: trial.number)
        best = self.best_trial
        if best is None:
            return []
        return [trial for trial in self.completed() if trial.value == best.value and trial.feasible]

    def completed(self) -> Sequence[FrozenTrial]:
        """COMPLETE trials, in the order they finished."""
        return self._of_state(TrialState.COMPLETE)

    def pruned(self) -> Sequence[FrozenTrial]:
        """PRUNED trials, in the order they finished."""
        return self._of_state(TrialState.PRUNED)

    def failed(self) -> Sequence[FrozenTrial]:
        """FAIL trials, in the order they finished."""
        return self._of_state(TrialState.FAIL)

    def finished(self) -> Sequence[FrozenTrial]:
        """Every finished trial, in the order they finished."""
        return _Prefix(self._finished, self._n_finished)

    def running(self) -> tuple[FrozenTrial, ...]:
        """Trials still running (in this or another worker)."""
        return self._running

    def relative_space(self) -> SearchSpace:
        """Parameters every COMPLETE trial has, with their latest distributions."""
        return self._space

    def distribution(self, name: str) -> Distribution | None:
        """The latest distribution of parameter ``name`` in any trial, or None."""
        return self._seen.get(name)

    def queued(self) -> tuple[tuple[int, Mapping[str, Any]], ...]:
        """Enqueued parameter sets no trial has taken yet, as ``(queue id, params)``."""
        return tuple((seq, item.params) for seq, item in self._queue)

    def waiting(self) -> list[FrozenTrial]:
        """The queue as Optuna shows it: a WAITING trial for each enqueued item no trial
        has taken yet, numbered as the trials that take them will be if they start in
        order (next after every trial there is), with the enqueued values as
        ``fixed_params`` and no ``params`` yet."""
        start = len(self)
        return [
            FrozenTrial(
                start + i,
                TrialState.WAITING,
                user_attrs=item.user_attrs,
                notes=_EMPTY if item.retry_of is None else {"retry_of": item.retry_of},
                fixed_params=item.params,
            )
            for i, (_, item) in enumerate(self._queue)
        ]

    def _of_state(self, state: TrialState) -> Sequence[FrozenTrial]:
        count = self._counts[_FINISHED.index(state)]
        return _Prefix(self._by_state[state], count) if count else ()


class _Running:
    """A running trial inside the builder. Its mappings are never changed in place, only
    replaced (they often are the very dicts of the events), so freezing it copies
    nothing and a snapshot never sees later updates."""

    __slots__ = (
        "alive_at",
        "created_at_seq",
        "distributions",
        "fixed",
        "frozen",
        "intermediate",
        "lease",
        "notes",
        "number",
        "params",
        "proposal",
        "proposal_space",
        "retries",
        "started_at",
        "user_attrs",
        "worker",
    )

    def __init__(
        self,
        number: int,
        created_at_seq: int,
        started_at: float,
        fixed: Mapping[str, Any],
        lease: float | None,
        retries: int,
        worker: str | None = None,
    ) -> None:
        self.number = number
        self.retries = retries
        self.worker = worker
        self.started_at = started_at
        self.alive_at = started_at
        self.lease = lease
        self.fixed = fixed
        self.params: Mapping[str, Any] = _EMPTY
        self.distributions: Mapping[str, Distribution] = _EMPTY
        self.intermediate: Mapping[int, float] = _EMPTY
        self.user_attrs: Mapping[str, Any] = _EMPTY
        self.notes: Mapping[str, Any] = _EMPTY
        self.proposal: Mapping[str, Any] = _EMPTY
        self.proposal_space: Mapping[str, Distribution] = _EMPTY
        self.frozen: FrozenTrial | None = None
        self.created_at_seq = created_at_seq  # the sequence number of its TrialCreated

    def freeze(self) -> FrozenTrial:
        """The trial as it stands."""
        if self.frozen is None:
            self.frozen = FrozenTrial(
                self.number,
                TrialState.RUNNING,
                None,
                self.params,
                self.distributions,
                self.intermediate,
                self.user_attrs,
                self.notes,
                self.fixed,
                self.started_at,
                proposal=self.proposal,
                expires_at=None if self.lease is None else self.alive_at + self.lease,
                worker=self.worker,
            )
        return self.frozen

    def finish(self, event: TrialFinished) -> FrozenTrial:
        """The finished trial."""
        value = event.value
        several = isinstance(value, tuple)
        return FrozenTrial(
            self.number,
            event.state,
            None if several else value,  # type: ignore[arg-type]
            self.params,
            self.distributions,
            self.intermediate,
            self.user_attrs,
            self.notes,
            self.fixed,
            self.started_at,
            event.time,
            event.reason,
            _EMPTY,  # no proposal (given, rather than made by the default factory)
            None,
            event.failure,
            self.worker,
            value if several else None,  # type: ignore[arg-type]
            event.constraints,
        )


def _merged(current: Mapping[Any, Any], new: Mapping[Any, Any]) -> Mapping[Any, Any]:
    """``current`` updated by ``new``, as a new mapping (or ``new`` itself, if nothing
    was there: the event's dicts are never changed, so they can be shared)."""
    return new if not current else {**current, **new}


class HistoryBuilder:
    """Applies event records in order and hands out :class:`History` snapshots.

    ``direction`` is the study's direction, or its directions (one per objective)."""

    def __init__(self, direction: Direction | Sequence[Direction], seed: int = 0) -> None:
        self.directions: tuple[Direction, ...] = (
            (direction,) if isinstance(direction, Direction) else tuple(direction)
        )
        self.direction = self.directions[0]
        self._signs = tuple(d.sign for d in self.directions)
        self._minimize = self.direction is Direction.MINIMIZE
        self.seed = seed
        self.trials: list[FrozenTrial | _Running] = []
        self.running: dict[int, _Running] = {}
        self.finished: list[FrozenTrial] = []
        self.by_state: dict[TrialState, list[FrozenTrial]] = {state: [] for state in _FINISHED}
        self.best_trial: FrozenTrial | None = None
        # Replaced, never mutated, so snapshots can share them.
        self.front: tuple[FrozenTrial, ...] = ()
        self.finished_complete = False
        self.relative_space: Mapping[str, Distribution] = _EMPTY
        self.seen: Mapping[str, Distribution] = _EMPTY
        self.queue: dict[int, Enqueued] = {}
        #: Attributes of the study itself (``study.set_user_attr``).
        self.study_user_attrs: Mapping[str, Any] = _EMPTY
        self.last_seq = 0
        self.source = object()
        self._retried: set[int] = set()
        self._last_space: Mapping[str, Distribution] = _EMPTY
        self._interned: dict[Distribution, Distribution] = {}
        self._handlers: dict[type, Callable[[int, Any], None]] = {
            TrialCreated: self._on_created,
            Enqueued: self._on_enqueued,
            ParamsSet: self._on_params,
            Reported: self._on_reported,
            UserAttrsSet: self._on_user_attrs,
            Heartbeat: self._on_heartbeat,
            TrialFinished: self._on_finished,
            ProposalTakenFinish: self._on_proposal_taken,
        }

    def snapshot(self) -> History:
        return History(self)

    def trial(self, number: int) -> FrozenTrial:
        """The trial with this number, as it stands now."""
        trial = self.trials[number]
        return trial.freeze() if isinstance(trial, _Running) else trial

    def next_trial(
        self, started_at: float, claim: int | None, worker: str | None = None
    ) -> FrozenTrial:
        """The trial a ``TrialCreated(started_at, claim, worker=worker)`` appended now
        would create (unless another worker creates one first)."""
        item = self.queue[claim] if claim is not None else None
        return FrozenTrial(
            len(self.trials),
            TrialState.RUNNING,
            None,
            # every mapping given, rather than made by the default factories
            _EMPTY,
            _EMPTY,
            _EMPTY,
            _EMPTY if item is None else item.user_attrs,
            _EMPTY,
            _EMPTY if item is None else item.params,
            started_at,
            None,
            None,
            _EMPTY,
            None,
            None,
            worker,
        )

    def number_created_at(self, seq: int) -> int:
        """The number of the running trial whose ``TrialCreated`` event has sequence
        number ``seq`` (the writer of a trial asks, right after writing it)."""
        for trial in reversed(self.running.values()):  # in creation order: newest first
            if trial.created_at_seq == seq:
                return trial.number
            if trial.created_at_seq < seq:
                break
        raise KeyError(f"no running trial was created at sequence number {seq}")

    def apply(self, records: Iterable[Record]) -> None:
        handlers = self._handlers
        for seq, event in records:
            if seq <= self.last_seq:
                continue
            self.last_seq = seq
            handlers[type(event)](seq, event)

    def _on_created(self, seq: int, event: TrialCreated) -> None:
        fixed, retries, retry_of, attrs = _EMPTY, event.retries, None, _EMPTY
        if event.claim is not None and event.claim in self.queue:
            item = self.queue.pop(event.claim)
            fixed, retry_of, attrs = item.params, item.retry_of, item.user_attrs
            retries = event.retries if item.retries is None else item.retries
        trial = _Running(
            len(self.trials), seq, event.time, fixed, event.lease, retries, event.worker
        )
        if retry_of is not None:
            trial.notes = {"retry_of": retry_of}
        if event.notes:
            trial.notes = _merged(trial.notes, event.notes)
        if event.proposal:
            trial.proposal, trial.proposal_space = event.proposal, event.proposal_space
        if attrs:
            trial.user_attrs = attrs
        self.trials.append(trial)
        self.running[trial.number] = trial

    def _on_enqueued(self, seq: int, event: Enqueued) -> None:
        if event.retry_of is not None:
            if event.retry_of in self._retried:
                return  # another worker already enqueued this retry
            self._retried.add(event.retry_of)
        self.queue[seq] = event

    def _running_trial(self, seq: int, number: int) -> _Running | None:
        trial = self.running.get(number)
        if trial is None and not 0 <= number < len(self.trials):
            raise StorageError(
                f"event {seq} refers to trial {number}, but only trials 0 to "
                f"{len(self.trials) - 1} were created before it: the event log is damaged"
            )
        if trial is not None:
            trial.frozen = None
        return trial  # None: finished already (or unknown), and a finished trial never changes

    def _on_params(self, seq: int, event: ParamsSet) -> None:
        number = len(self.trials) - 1 if event.number == CREATED_JUST_BEFORE else event.number
        trial = self._running_trial(seq, number)
        if trial is not None:
            self._set_params(trial, event)

    def _on_reported(self, seq: int, event: Reported) -> None:
        trial = self._running_trial(seq, event.number)
        if trial is not None:
            trial.intermediate = _merged(trial.intermediate, event.values)

    def _on_user_attrs(self, seq: int, event: UserAttrsSet) -> None:
        if event.number == THE_STUDY:
            self.study_user_attrs = _merged(self.study_user_attrs, event.attrs)
            return
        trial = self._running_trial(seq, event.number)
        if trial is not None:
            trial.user_attrs = _merged(trial.user_attrs, event.attrs)

    def _on_heartbeat(self, seq: int, event: Heartbeat) -> None:
        trial = self._running_trial(seq, event.number)
        if trial is not None:
            trial.alive_at = max(trial.alive_at, event.time)

    def _on_finished(self, seq: int, event: TrialFinished) -> None:
        trial = self._running_trial(seq, event.number)
        if trial is not None:
            self._finish(trial, event)

    def _on_proposal_taken(self, seq: int, event: ProposalTakenFinish) -> None:
        """An old store's finish whose parameters are the trial's proposal."""
        running = self._running_trial(seq, event.number)
        if running is None:
            return
        if running.proposal:
            space = {name: running.proposal_space[name] for name in running.proposal}
            taken = ParamsSet(event.number, space, running.proposal)
            self._set_params(running, taken)
        self._finish(running, event)

    def _set_params(self, trial: _Running, event: ParamsSet) -> None:
        if event.notes:
            trial.notes = _merged(trial.notes, event.notes)
        if event.proposed:
            trial.proposal = _merged(trial.proposal, event.values)
            trial.proposal_space = _merged(trial.proposal_space, event.distributions)
            return
        distributions = self._intern(event.distributions)
        trial.distributions = self.intern_space(_merged(trial.distributions, distributions))
        if event.values is trial.proposal:  # the proposal taken whole, its very mapping
            trial.params, trial.proposal = _merged(trial.params, event.values), _EMPTY
            return
        if trial.proposal:
            trial.proposal = {n: v for n, v in trial.proposal.items() if n not in event.values}
        trial.params = _merged(trial.params, event.values)

    def _intern(self, distributions: Mapping[str, Distribution]) -> Mapping[str, Distribution]:
        """The distributions with equal ones replaced by one shared object, and ``seen``
        updated; returns the given mapping when nothing needed replacing."""
        replaced: dict[str, Distribution] | None = None
        for name, distribution in distributions.items():
            if self.seen.get(name) is distribution:
                continue
            shared = self._interned.setdefault(distribution, distribution)
            if self.seen.get(name) is not shared:
                self.seen = {**self.seen, name: shared}
            if shared is not distribution:
                replaced = replaced if replaced is not None else dict(distributions)
                replaced[name] = shared
        return distributions if replaced is None else replaced

    def intern_space(self, space: Mapping[str, Distribution]) -> Mapping[str, Distribution]:
        """The previous trial's mapping instead of an equal one: most trials have the
        same space, and one dict for all of them saves a dict per trial."""
        last = self._last_space
        if (
            last is not space
            and len(last) == len(space)
            and all(last.get(name) is distribution for name, distribution in space.items())
        ):
            return last
        self._last_space = space
        return space

    def _finish(self, running: _Running, event: TrialFinished) -> None:
        trial = running.finish(event)
        self.trials[trial.number] = trial
        del self.running[trial.number]
        self.finished.append(trial)
        self.by_state[trial.state].append(trial)
        if trial.state is TrialState.COMPLETE:
            self._complete(trial)

    def _complete(self, trial: FrozenTrial) -> None:
        first = not self.finished_complete
        self.finished_complete = True
        if len(self.directions) > 1:
            if trial.feasible:
                self._extend_front(trial)
        elif trial.feasible:
            assert trial.value is not None and not math.isnan(trial.value)
            best = self.best_trial
            value = trial.value
            if best is None or (
                value < best.value if self._minimize else value > best.value  # type: ignore[operator]
            ):
                self.best_trial = trial
        if first:
            self.relative_space = trial.distributions
            return
        space = self.relative_space
        # Most trials have the very mapping of the space (interned): nothing to compare.
        if trial.distributions is not space and any(
            trial.distributions.get(name) is not distribution
            for name, distribution in space.items()
        ):
            self.relative_space = {
                name: trial.distributions[name] for name in space if name in trial.distributions
            }

    def _extend_front(self, trial: FrozenTrial) -> None:
        """The Pareto front with ``trial`` in it, unless a member dominates it (an equal
        point joins: neither dominates the other)."""
        signs = self._signs
        loss = [s * v for s, v in zip(signs, trial.values, strict=True)]  # type: ignore[arg-type]
        kept = []
        for member in self.front:
            other = [s * v for s, v in zip(signs, member.values, strict=True)]  # type: ignore[arg-type]
            if all(o <= v for o, v in zip(other, loss, strict=True)) and other != loss:
                return  # dominated: the front stays
            if not (all(v <= o for v, o in zip(loss, other, strict=True)) and loss != other):
                kept.append(member)
        self.front = (*kept, trial)


def replay(records: Iterable[Record], direction: Direction | Sequence[Direction]) -> History:
    """Fold a study's event records into a :class:`History` (``direction``: the study's
    direction, or its directions)."""
    builder = HistoryBuilder(direction)
    builder.apply(records)
    return builder.snapshot()


class StudyView:
    """A read-only, study-shaped view of a :class:`History`, for code written against a
    study (Optuna-style custom samplers and pruners): ``trials``, ``get_trials``,
    ``direction``, ``directions``, ``best_trial``, ``best_value``, ``best_params``.

    Example:
        >>> view = StudyView(replay([], Direction.MINIMIZE))
        >>> view.trials, view.direction
        ([], Direction.MINIMIZE)
    """

    def __init__(self, history: History, current: FrozenTrial | None = None) -> None:
        self.history = history
        self.direction = history.direction
        self.directions = history.directions
        self._current = current

    @property
    def trials(self) -> list[FrozenTrial]:
        """Every trial by number, the one being sampled (``current``) last, as in Optuna,
        where a trial exists before its sampler runs."""
        trials = self.history.trials()
        current = self._current
        if current is not None and current.number == len(trials):
            trials.append(current)
        return trials

    def get_trials(
        self, deepcopy: bool = True, states: Iterable[TrialState] | None = None
    ) -> list[FrozenTrial]:
        """Trials in ``states`` (all if None); frozen, so ``deepcopy`` changes nothing."""
        trials = self.trials
        if states is None:
            return trials
        wanted = set(states)
        return [trial for trial in trials if trial.state in wanted]

    @property
    def best_trial(self) -> FrozenTrial:
        if self.history.best_trial is None:
            raise ValueError("no COMPLETE trial yet: best_trial needs one")
        return self.history.best_trial

    @property
    def best_value(self) -> float | None:
        return self.best_trial.value

    @property
    def best_params(self) -> dict[str, Any]:
        return dict(self.best_trial.params)


class FinishedScan:
    """The finished trials of a history that its owner has not read yet.

    Finished trials never change, so a sampler or a pruner that derives something from
    each one (an encoded row, a learning curve, a grid index) reads each once: ``new``
    returns the trials finished since the last call, and says when the history is another
    one (a different study or storage) and what was derived must be dropped. It follows one
    history at a time, so what its owner keeps is bounded by that history's size.

    Example:
        >>> scan = FinishedScan()
        >>> history = replay([], Direction.MINIMIZE)
        >>> scan.new(history)
        (True, [])
        >>> scan.new(history)
        (False, [])
    """

    __slots__ = ("_scanned", "_source")

    def __init__(self) -> None:
        self._source: object = None
        self._scanned = 0

    def new(self, history: History) -> tuple[bool, Sequence[FrozenTrial]]:
        """``(restarted, trials)``: whether everything read before is void, and the trials
        to read now."""
        restarted = history.source is not self._source
        if restarted:
            self._source, self._scanned = history.source, 0
        finished = history.finished()
        start, self._scanned = self._scanned, len(finished)
        return restarted, finished[start:] if start < len(finished) else []
