"""The study: where sampler, pruner and storage meet.

Every worker runs the same loop against the storage: ``ask`` (create a trial, sample
its parameters) → evaluate → ``tell`` (write the outcome). The study's knowledge is the
storage's event log replayed; before deciding anything it reads what other workers
appended since it last looked.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from tunesmith.errors import (
    InvalidArgumentError,
    NoCompletedTrialError,
    StorageError,
    TrialFinishedError,
)
from tunesmith.events import (
    CREATED_JUST_BEFORE,
    EMPTY,
    Constraints,
    Enqueued,
    Event,
    ParamsSet,
    TrialCreated,
    TrialFinished,
)
from tunesmith.history import FrozenTrial, History, HistoryBuilder, StudyView
from tunesmith.interrupts import held
from tunesmith.pruners.base import Pruner
from tunesmith.samplers.base import BaseSampler, FiniteSampler, Sampler
from tunesmith.seeding import trial_rng
from tunesmith.space import (
    Distribution,
    SearchSpace,
    check_name,
    check_space,
    check_user_attr,
    to_json_value,
)
from tunesmith.states import Direction, Failure, TrialState
from tunesmith.storage.base import Storage, StudyInfo
from tunesmith.storage.memory import MemoryStorage
from tunesmith.study._loop import Exhausted
from tunesmith.study._run import TrialRun
from tunesmith.trial import Trial

if TYPE_CHECKING:
    import pandas

_LOG = logging.getLogger("tunesmith")

Objective = Callable[[Trial], Any]
Callback = Callable[["Study", FrozenTrial], None]


#: How often a grid's trial is proposed again because another worker wrote first, before
#: it is created regardless (a point shared by two trials then, rather than no trial):
#: each try costs a read and a grid proposal, tens of microseconds.
_EXCLUSIVE_ATTEMPTS = 100


def _interrupt(exc: BaseException) -> bool:
    return isinstance(exc, (KeyboardInterrupt, SystemExit))


def _describe(value: object) -> str:
    if value is None:
        return "None"
    return f"{value!r} of type {type(value).__name__}"


def _outcome(
    value: object, state: TrialState | None, last_report: float | None, objectives: int = 1
) -> tuple[TrialState, float | tuple[float, ...] | None, str | None]:
    """The state, value (a tuple of them with several ``objectives``) and failure reason
    a ``tell`` records."""
    if state is TrialState.FAIL:
        return state, None, None
    if state is TrialState.PRUNED:
        if objectives > 1:
            return state, _finite_tuple(value, objectives)[0], None
        if value is None:
            value = last_report
        number = _finite(value)
        return state, number, None
    if state not in (None, TrialState.COMPLETE):
        raise InvalidArgumentError(
            f"tell: `state` must be COMPLETE, PRUNED or FAIL, but got {state!r}"
        )
    if objectives > 1:
        values, reason = _finite_tuple(value, objectives)
        if values is None:
            return TrialState.FAIL, None, reason
        return TrialState.COMPLETE, values, None
    number = _finite(value)
    if number is None:
        return (
            TrialState.FAIL,
            None,
            f"the objective returned {_describe(value)}, not a finite number",
        )
    return TrialState.COMPLETE, number, None


def _finite_tuple(value: object, objectives: int) -> tuple[tuple[float, ...] | None, str | None]:
    """The values of a study of several objectives as a tuple of floats, or None and
    what is wrong with them."""
    if not isinstance(value, (list, tuple, np.ndarray)):
        return None, (
            f"the objective returned {_describe(value)}; a study of {objectives} objectives "
            f"needs a tuple (or list, or array) of {objectives} finite numbers"
        )
    items = list(np.ravel(value)) if isinstance(value, np.ndarray) else list(value)
    if len(items) != objectives:
        return None, (
            f"the objective returned {len(items)} values ({value!r}), but the study has "
            f"{objectives} objectives (directions); return one value per direction"
        )
    numbers = [_finite(item) for item in items]
    if any(number is None for number in numbers):
        return None, (
            f"the objective returned {value!r}; a study of {objectives} objectives needs "
            f"{objectives} finite numbers"
        )
    return tuple(numbers), None  # type: ignore[arg-type]


def _finite(value: object) -> float | None:
    if type(value) is float:  # what objectives usually return
        return value if math.isfinite(value) else None
    if value is None or isinstance(value, (bool, str, bytes)):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except Exception:  # not a number, too large for a float, or a __float__ that raises
        return None
    return number if math.isfinite(number) else None


class Study:
    """A named optimization: its trials, its sampler and pruner, and where it is stored.

    Create one with :func:`tunesmith.create_study` or :func:`tunesmith.load_study`.

    Example:
        >>> import tunesmith as ts
        >>> study = ts.create_study(direction="minimize", seed=0)
        >>> study.optimize(lambda t: (t.suggest_float("x", -5, 5) - 1) ** 2, n_trials=20)
        >>> abs(study.best_params["x"] - 1) < 0.1
        True
    """

    def __init__(
        self, *, info: StudyInfo, storage: Storage, sampler: Sampler, pruner: Pruner, seed: int
    ) -> None:
        self._info = info
        self.study_name = info.name
        #: One direction per objective.
        self.directions: tuple[Direction, ...] = info.directions
        self.storage = storage
        self.sampler = sampler
        self.pruner = pruner
        self.seed = seed
        #: Seconds a trial run by :meth:`optimize` may go without a heartbeat before other
        #: workers presume its worker dead and fail it (heartbeats come every fifth of it).
        #: Trials of an in-memory study run in its own process hold no lease.
        self.lease_seconds: float = getattr(storage, "lease_seconds", 60.0)
        self._builder = HistoryBuilder(info.directions, seed)
        self._runs: dict[int, TrialRun] = {}
        self._kinds: tuple[object, FiniteSampler | None, BaseSampler | None, bool] = (
            None,
            None,
            None,
            True,
        )
        self._in_memory = isinstance(storage, MemoryStorage)
        self._stop_requested = False
        self._read()
        self._reap()

    @property
    def direction(self) -> Direction:
        """Whether the study minimizes or maximizes its objective (for a study of
        several objectives, see :attr:`directions`)."""
        if len(self.directions) > 1:
            raise InvalidArgumentError(
                f"study {self.study_name!r} has {len(self.directions)} objectives; use "
                "study.directions (one per objective) instead of study.direction"
            )
        return self.directions[0]

    # --- reading -----------------------------------------------------------------------

    def _sync(self) -> History:
        self._read()
        return self._builder.snapshot()

    def _read(self) -> None:
        records = self.storage.read(self.study_name, after=self._builder.last_seq)
        if records:
            try:
                self._builder.apply(records)
            except StorageError as exc:
                raise StorageError(f"study {self.study_name!r}: {exc}") from None

    def history(self) -> History:
        """What the study knows now, read fresh from the storage."""
        return self._sync()

    @property
    def trials(self) -> list[FrozenTrial]:
        """Every trial, ordered by number (running ones included), then the enqueued
        parameters no trial has taken yet as WAITING trials, as Optuna lists them."""
        history = self._sync()
        trials = history.trials()
        if history.queued():
            trials += history.waiting()
        return trials

    def get_trials(
        self,
        deepcopy: bool | Iterable[TrialState] = True,
        states: Iterable[TrialState] | None = None,
    ) -> list[FrozenTrial]:
        """Trials in the given states (all if None), ordered by number.

        ``deepcopy`` is Optuna's first argument; trials are frozen, so it changes
        nothing (and ``get_trials([TrialState.COMPLETE])`` still means the states).
        """
        if states is None and not isinstance(deepcopy, bool):
            states = deepcopy
        trials = self.trials
        if states is None:
            return trials
        wanted = set(states)
        return [trial for trial in trials if trial.state in wanted]

    @property
    def user_attrs(self) -> dict[str, Any]:
        """Attributes of the study itself, set with :meth:`set_user_attr`."""
        self._read()
        return dict(self._builder.study_user_attrs)

    def set_user_attr(self, key: str, value: Any) -> None:
        """Attach a JSON-serializable value to the study (stored with it)."""
        from tunesmith.study._add import set_study_user_attr

        set_study_user_attr(self, key, value)

    def add_trial(self, trial: FrozenTrial) -> FrozenTrial:
        """Record a finished trial that ran elsewhere (from :func:`tunesmith.create_trial`
        or another study), numbered after this study's own; samplers learn from it."""
        from tunesmith.study._add import add_trials

        return add_trials(self, [trial])[0]

    def add_trials(self, trials: Iterable[FrozenTrial]) -> list[FrozenTrial]:
        """:meth:`add_trial` for each of ``trials``."""
        from tunesmith.study._add import add_trials

        return add_trials(self, trials)

    @property
    def best_trials(self) -> list[FrozenTrial]:
        """The Pareto front: the feasible COMPLETE trials no other one dominates (no worse
        in every objective, better in at least one), by number. With one objective, the
        trials that share the best value."""
        return self._sync().best_trials()

    @property
    def best_trial(self) -> FrozenTrial:
        """The feasible COMPLETE trial with the best value (the earliest, on ties)."""
        if len(self.directions) > 1:
            raise InvalidArgumentError(
                f"study {self.study_name!r} has {len(self.directions)} objectives, so no one "
                "best trial; study.best_trials is the Pareto front (the trials no other one "
                "beats in every objective)"
            )
        history = self._sync()
        if history.best_trial is None:
            counts = {state.name: 0 for state in TrialState}
            for trial in history.trials():
                counts[trial.state.name] += 1
            shown = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
            feasible = "" if not history.completed() else " feasible"
            raise NoCompletedTrialError(
                f"study {self.study_name!r} has no{feasible} COMPLETE trial yet "
                f"({len(history)} trials{': ' + shown if shown else ''}); best_trial, "
                f"best_params and best_value need at least one"
            )
        return history.best_trial

    @property
    def best_params(self) -> dict[str, Any]:
        """Parameters of the best trial."""
        return dict(self.best_trial.params)

    @property
    def best_value(self) -> float:
        """Objective value of the best trial."""
        value = self.best_trial.value
        assert value is not None
        return value

    # --- ask / tell --------------------------------------------------------------------

    def ask(
        self,
        space: SearchSpace | None = None,
        *,
        fixed_distributions: SearchSpace | None = None,
    ) -> Trial:
        """Start a trial. With ``space``, every parameter in it is suggested at once
        (``fixed_distributions`` is Optuna's name for it).

        Parameters enqueued with :meth:`enqueue` are used first. Finish the trial with
        :meth:`tell`.
        """
        chosen = space if fixed_distributions is None else fixed_distributions
        return self.start_trial(chosen, lease=None)

    # --- the trial loop's side (for study/ only: the loop, workers, heartbeats) ----------

    def start_trial(
        self,
        space: SearchSpace | None,
        *,
        lease: float | None,
        notes: Mapping[str, Any] | None = None,
        retries: int = 0,
        worker: str | None = None,
        exhaustible: bool = False,
    ) -> Trial:
        """:meth:`ask` with what the trial loop adds: a lease (heartbeats keep it; other
        workers fail the trial when it runs out), the loop's notes, how many times the
        trial is run again if its worker dies, and the worker's name. With
        ``exhaustible``, a grid with no point left raises :class:`Exhausted` instead of
        repeating one (decided on what is written when the trial is created, so two
        workers never both take the last point)."""
        if space is not None:
            check_space(space, owner="ask")
        run: TrialRun | None = None
        registered = len(self._runs)
        try:
            run, proposal, collided = self._create(
                space, notes, lease, retries, worker, exhaustible
            )
            if collided:
                # Another worker created a trial at the same moment (and may have taken
                # the enqueued item): sample again, as the trial this really is...
                history = run.history = self._builder.snapshot()
                rng = run.rng = self._trial_rng(run.number)
                # ...as it was created: the proposal made for the other number is void
                created = self._builder.trial(run.number)
                void = proposal.notes if proposal is not None else EMPTY
                kept = {k: v for k, v in created.notes.items() if k not in void}
                fresh = replace(created, proposal=EMPTY, notes=kept)
                proposal = self._propose(space, history, rng, fresh, notes)
                if proposal is not None:
                    self._append([replace(proposal, number=run.number)])
            if proposal is not None:
                run.propose(proposal.values, proposal.notes, proposal.distributions)
            trial = Trial(run)
            for name, distribution in (space or EMPTY).items():
                trial.suggest(name, distribution)
        except BaseException as exc:
            if run is None and len(self._runs) > registered:
                # a Ctrl-C held while _create registered the trial, raised as it returned
                run = next(reversed(self._runs.values()))
            if run is not None and run.number in self._runs:
                failure = Failure.INTERRUPTED if _interrupt(exc) else Failure.SAMPLER
                reason = (
                    "interrupted (KeyboardInterrupt)"
                    if failure is Failure.INTERRUPTED
                    else (f"sampling failed: {exc!r}")
                )
                self.finish_trial(run.number, TrialState.FAIL, None, failure=failure, reason=reason)
            raise
        return trial

    def _trial_rng(self, number: int) -> np.random.Generator | None:
        """The trial's generator, or None for a sampler that needs none (``needs_rng``)."""
        if self._sampler_kinds()[2]:
            return trial_rng(self.seed, number)
        return None

    def _sampler_kinds(self) -> tuple[FiniteSampler | None, BaseSampler | None, bool]:
        """The sampler as a FiniteSampler (a grid) and as an Optuna-style BaseSampler
        subclass (with ``before_trial``/``after_trial`` hooks), or None for either, and
        whether it needs a per-trial generator. Remembered per sampler: an ``isinstance``
        check against a runtime protocol costs about 7 µs, a quarter of a random-search
        trial."""
        sampler = self.sampler
        if sampler is not self._kinds[0]:
            finite = sampler if isinstance(sampler, FiniteSampler) else None
            # every sampler passes isinstance(BaseSampler): a subclass has it in its MRO
            custom = sampler if BaseSampler in type(sampler).__mro__ else None
            needs_rng = bool(getattr(sampler, "needs_rng", True))
            self._kinds = (sampler, finite, custom, needs_rng)  # type: ignore[assignment]
        return self._kinds[1], self._kinds[2], self._kinds[3]

    def _create(
        self,
        space: SearchSpace | None,
        notes: Mapping[str, Any] | None,
        lease: float | None,
        retries: int,
        worker: str | None,
        exhaustible: bool,
    ) -> tuple[TrialRun, ParamsSet | None, bool]:
        """Create a trial with the sampler's joint proposal in one atomic append: its run,
        the proposal, and whether another worker created a trial first (then the proposal,
        made for the number the trial was predicted to get, is void)."""
        builder = self._builder
        # A grid must never give one point to two trials: its trial is created only if
        # nobody wrote since the proposal was made, else it is proposed again from what
        # was written (cheap for a grid). Other samplers' proposals need not be exclusive:
        # on a collision they sample again, once, for the trial's real number.
        finite, custom, _ = self._sampler_kinds()
        for attempt in range(_EXCLUSIVE_ATTEMPTS):
            self._read()
            if builder.running:
                self._reap()
            claim = next(iter(builder.queue)) if builder.queue else None
            # The number is predicted (exact unless another worker creates a trial
            # meanwhile), so that the sampler can use it before the trial exists.
            predicted = builder.next_trial(time.time(), claim, worker)
            history = builder.snapshot()
            if exhaustible and finite is not None and claim is None:
                joint = space if space is not None else history.relative_space()
                if finite.exhausted(joint, history):
                    raise Exhausted
            if custom is not None:
                custom.before_trial(StudyView(history, predicted), predicted)
            rng = self._trial_rng(predicted.number)
            proposal = self._propose(space, history, rng, predicted, notes)
            events: list[Event] = [
                TrialCreated(predicted.started_at, claim, lease, retries, worker)
                if proposal is None
                else TrialCreated(
                    predicted.started_at,
                    claim,
                    lease,
                    retries,
                    worker,
                    proposal.values,
                    proposal.distributions,
                    proposal.notes,
                )
            ]
            last_try = attempt == _EXCLUSIVE_ATTEMPTS - 1
            if_last = builder.last_seq if finite is not None and not last_try else None
            # A Ctrl-C between the append and the trial's registration would leave a trial
            # RUNNING that nobody finishes: it is held until the trial is registered (and
            # arrives, if it came, as the caller fails the trial).
            with held():
                seq = self._append(events, if_last)
                if seq < 0:
                    continue  # another worker wrote first: propose again from its writes
                number = builder.number_created_at(seq - len(events) + 1)
                frozen = predicted if number == predicted.number else builder.trial(number)
                # A trial asked from a storage that outlives this process may be told
                # from another (or after a restart): what it samples must be stored.
                outlives = lease is not None or not self._in_memory
                run = TrialRun(self, frozen, history, rng, number, write_through=outlives)
                self._runs[number] = run
            return run, proposal, number != predicted.number
        raise AssertionError("the last attempt appends unconditionally")

    def _reap(self) -> None:
        """Fail the trials of other workers whose lease ran out (their worker died), and
        enqueue their parameters again if they have retries left."""
        running = self._builder.running
        if not running:
            return
        now = time.time()
        expired = [
            trial
            for trial in running.values()
            if trial.lease is not None
            and trial.alive_at + trial.lease < now
            and trial.number not in self._runs
        ]
        if expired:
            self._lose(
                [
                    (
                        trial.freeze(),
                        f"lease expired: no heartbeat for {now - trial.alive_at:.0f} s "
                        "(its worker died or hung)",
                    )
                    for trial in expired
                ],
                now,
            )

    def fail_lost(self, numbers: Iterable[int], reason: str) -> None:
        """Fail these running trials: their worker is known to be dead (its process
        ended). Trials with retries left are enqueued again with the same parameters."""
        self._read()
        running = self._builder.running
        lost = [(running[number].freeze(), reason) for number in numbers if number in running]
        if lost:
            self._lose(lost, time.time())

    def _given(self, number: int) -> list[Event]:
        """For a trial this process does not hold (its worker died, or it was asked in
        another process or before a restart): what it was given and had not asked for
        here becomes its parameters, as the event writing them (none if nothing)."""
        running = self._builder.running.get(number)
        if running is None or not running.proposal:
            return []
        space = running.proposal_space
        given = {name: space[name] for name in running.proposal if name in space}
        values = {name: running.proposal[name] for name in given}
        return [ParamsSet(number, given, values)]

    def _lose(self, trials: Sequence[tuple[FrozenTrial, str]], now: float) -> None:
        events: list[Event] = []
        for trial, reason in trials:
            running = self._builder.running[trial.number]
            # the configuration its worker died running, as the retry runs it
            events.extend(self._given(trial.number))
            events.append(
                TrialFinished(
                    trial.number, TrialState.FAIL, None, now, reason, failure=Failure.WORKER_LOST
                )
            )
            if running.retries > 0:
                events.append(Enqueued(dict(trial.location), running.retries - 1, trial.number))
        # two workers failing one trial at once: replay keeps the first finish and retry
        self._append(events)

    def _propose(
        self,
        space: SearchSpace | None,
        history: History,
        rng: np.random.Generator | None,
        trial: FrozenTrial,
        notes: Mapping[str, Any] | None = None,
    ) -> ParamsSet | None:
        """The sampler's joint proposal for a starting trial (and the study's own notes on
        it), as the event that records a proposal (the trial's ``TrialCreated`` carries its
        fields; after a collision it is written as it is, for the trial's real number)."""
        joint = history.relative_space() if space is None else space
        finite = self._sampler_kinds()[0]
        if finite is not None and not joint:
            joint = finite.declared_space()  # a grid's points, claimed at the start
        if trial.fixed_params:
            joint = {name: d for name, d in joint.items() if name not in trial.fixed_params}
        if not joint and not notes:
            return None
        values: Mapping[str, Any] = EMPTY
        all_notes: Mapping[str, Any] = notes or EMPTY
        if joint:
            suggestion = self.sampler.sample(joint, history, rng, trial)  # type: ignore[arg-type]
            params = suggestion.params
            # Usually the sampler answers exactly the names asked: a plain copy then.
            if params.keys() == joint.keys():
                values = dict(params)
            else:
                if finite is not None:
                    joint = self._claimed_below(joint, params, history, trial)
                values = {name: value for name, value in params.items() if name in joint}
            if suggestion.notes:
                all_notes = {**suggestion.notes, **all_notes}
        return ParamsSet(CREATED_JUST_BEFORE, joint, values, all_notes, proposed=True)

    @staticmethod
    def _claimed_below(
        joint: SearchSpace, params: Mapping[str, Any], history: History, trial: FrozenTrial
    ) -> SearchSpace:
        """A grid of a conditional space proposes a whole path: the parameters below the
        ones asked, that earlier trials asked for, are claimed with them (so no other
        trial takes the same leaf)."""
        below = {}
        for name, value in params.items():
            if name in joint or name in trial.fixed_params:
                continue
            distribution = history.distribution(name)
            if distribution is not None and distribution.contains(value):
                below[name] = distribution
        return {**joint, **below} if below else joint

    def tell(
        self,
        trial: Trial | int,
        value: float | Sequence[float] | None = None,
        *,
        state: TrialState | str | None = None,
        values: Sequence[float] | None = None,
    ) -> FrozenTrial:
        """Finish a trial and return it as recorded.

        Args:
            trial: The trial from :meth:`ask`, or its number.
            value: The objective value; with several objectives, a tuple (or list, or
                array) of one value per direction. None, NaN, infinities, non-numbers
                and a wrong number of values make the trial FAIL, with the reason
                recorded.
            state: COMPLETE (the default), PRUNED (the value defaults to the last
                reported one) or FAIL.
            values: The same as ``value`` (the name other libraries use).

        Raises:
            TrialFinishedError: the trial is already finished; it is never changed.
        """
        if values is not None:
            if value is not None:
                raise InvalidArgumentError("tell: give value or values, not both")
            value = values
        number = trial.number if isinstance(trial, Trial) else _trial_number(trial)
        parsed = None if state is None else _parse_state(state)
        run = self._runs.get(number)
        if run is None:
            self._check_running(number)
        last = None
        if run is not None and run.intermediate:
            last = run.intermediate[max(run.intermediate)]
        elif run is None:
            reports = self._builder.trial(number).intermediate_values
            last = reports[max(reports)] if reports else None
        final_state, final_value, reason = _outcome(value, parsed, last, len(self.directions))
        constraints = None
        if final_state is not TrialState.FAIL:
            final_state, constraints, broken = self._constraints(
                run, number, final_state, final_value
            )
            reason = reason or broken
        failure = None
        if final_state is TrialState.FAIL:
            failure = Failure.TOLD if parsed is TrialState.FAIL else Failure.VALUE
            final_value = None
        if failure is Failure.VALUE:
            _LOG.warning("trial %d failed: %s", number, reason)
        return self.finish_trial(
            number,
            final_state,
            final_value,
            failure=failure,
            reason=reason,
            constraints=constraints,
        )

    def _constraints(
        self,
        run: TrialRun | None,
        number: int,
        state: TrialState,
        value: float | tuple[float, ...] | None,
    ) -> tuple[TrialState, tuple[float, ...] | None, str | None]:
        """The values of the sampler's constraints function for the finishing trial, then
        those the objective set with ``trial.set_constraint`` (its state again, FAIL if the
        function returned something else than finite numbers)."""
        function = getattr(self.sampler, "constraints", None)
        given = run.constraints if run is not None else EMPTY
        if function is None:
            return state, (Constraints(given.values(), given) if given else None), None
        current = run.frozen() if run is not None else self._builder.trial(number)
        if isinstance(value, tuple):
            finished = replace(current, state=state, value=None, values=value)
        else:
            finished = replace(current, state=state, value=value, values=None)
        try:
            returned = function(finished)
        except Exception as exc:
            reason = f"the constraints function raised {exc!r}"
            self.finish_trial(
                number, TrialState.FAIL, None, failure=Failure.OBJECTIVE, reason=reason
            )
            raise
        items = (
            list(np.ravel(returned)) if isinstance(returned, (list, tuple, np.ndarray)) else None
        )
        numbers = None if items is None else [_finite(item) for item in items]
        if numbers is None or not numbers or any(n is None for n in numbers):
            reason = (
                f"the constraints function returned {_describe(returned)}; it must return a "
                "non-empty list of finite numbers (each <= 0 when the constraint holds)"
            )
            return TrialState.FAIL, None, reason
        named = {str(i): n for i, n in enumerate(numbers)} | dict(given)  # Optuna's order
        return state, Constraints(named.values(), named), None  # type: ignore[arg-type]

    def _check_running(self, number: int) -> None:
        history = self._sync()
        if not 0 <= number < len(history):
            raise InvalidArgumentError(
                f"tell: no trial number {number} in study {self.study_name!r} "
                f"({len(history)} trials)"
            )
        found = history.trial(number)
        if found.state.is_finished:
            raise TrialFinishedError(
                f"trial {number} is already {found.state.name}; a finished trial is never changed"
            )

    def finish_trial(
        self,
        number: int,
        state: TrialState,
        value: float | tuple[float, ...] | None,
        *,
        failure: Failure | None = None,
        reason: str | None = None,
        constraints: tuple[float, ...] | None = None,
    ) -> FrozenTrial:
        """Write the trial's end with everything it told the study and not yet written,
        and return it as recorded (a trial another worker already finished keeps that
        end: a finished trial never changes)."""
        run = self._runs.get(number)
        told: list[Event] = run.take_events() if run is not None else self._given(number)
        finished_at = time.time()
        with held():  # written and forgotten here together, or neither
            try:
                end = TrialFinished(number, state, value, finished_at, reason, failure, constraints)
                self._append([*told, end])
            except BaseException:
                if run is not None:  # nothing was written (the append is atomic): keep it all
                    run.unsend(told)
                raise
            if run is not None:
                self._runs.pop(number, None)
                run.finished = True
        recorded = self._builder.trial(number)
        custom = self._sampler_kinds()[1] if run is not None else None
        if custom is not None:
            view = StudyView(self._builder.snapshot())
            custom.after_trial(view, recorded, recorded.state, recorded.values)
        if recorded.finished_at != finished_at:
            _LOG.warning(
                "trial %d had already been finished elsewhere as %s; this result (%s) was "
                "not recorded",
                number,
                recorded.state.name,
                state.name,
            )
        return recorded

    def record(self, events: Sequence[Event]) -> int | None:
        """Append events written by hand (``add_trial``) in one atomic write; the number of
        the trial a ``TrialCreated`` among them created (the first, if several), else None."""
        seq = self._append(events)
        first = seq - len(events) + 1
        for offset, event in enumerate(events):
            if isinstance(event, TrialCreated):
                return self._builder.number_created_at(first + offset)
        return None

    def write_progress(self, run: TrialRun) -> History:
        """Write what the trial told so far, and return the study's history after it."""
        events = run.take_events()
        if events:
            try:
                self._append(events)  # reads what others wrote meanwhile, if anything
            except BaseException:
                run.unsend(events)
                raise
        else:
            self._read()
        return self._builder.snapshot()

    def claims_alone(self) -> bool:
        """Whether a parameter sampled apart from the trial's proposal must be claimed
        (a grid's: no two trials may take one leaf of a conditional grid)."""
        return self._sampler_kinds()[0] is not None

    def claim_alone(self, run: TrialRun, name: str, distribution: Distribution) -> Any:
        """Sample ``name`` for a running trial on the latest history and write it only if
        nobody wrote meanwhile (else sample again from what they wrote), as trials are
        created: two workers entering one branch of a conditional grid at once never
        take the same value below it."""
        # What the trial took before goes first, so that its parameters are stored in
        # the order they were asked (the grid reads a conditional space's shape from it).
        taken = run.take_events()
        try:
            for attempt in range(_EXCLUSIVE_ATTEMPTS):
                self._read()
                history = run.history = self._builder.snapshot()
                value, suggestion = run.sampled(name, distribution)
                space = self.intern_space({name: distribution})
                events: list[Event] = [*taken, ParamsSet(run.number, space, {name: value})]
                # the path below it is held too, as a trial's starting proposal is
                below = self._claimed_below(space, suggestion.params, history, run.frozen())
                below = {n: d for n, d in below.items() if n != name and n not in run.params}
                proposed = {n: suggestion.params[n] for n in below}
                if below:
                    events.append(ParamsSet(run.number, below, proposed, proposed=True))
                last_try = attempt == _EXCLUSIVE_ATTEMPTS - 1
                if self._append(events, None if last_try else self._builder.last_seq) >= 0:
                    if below:
                        run.propose(proposed, EMPTY, below)
                    run.add_notes(suggestion.notes)
                    return value
        except BaseException:
            run.unsend(taken)
            raise
        raise AssertionError("the last attempt appends unconditionally")

    def _append(self, events: Sequence[Event], if_last: int | None = None) -> int:
        """Append to the storage (only if its last event is ``if_last``, when given: -1 if
        not) and apply what was written."""
        if if_last is None:
            seq = self.storage.append(self.study_name, events)
        else:
            seq = self.storage.append(self.study_name, events, if_last)
            if seq < 0:
                return seq
        first = seq - len(events) + 1
        if first == self._builder.last_seq + 1:
            # Nobody wrote in between: apply our own events without reading them back.
            self._builder.apply(enumerate(events, first))
        else:
            self._read()
        return seq

    def enqueue(
        self, params: Mapping[str, Any], user_attrs: Mapping[str, Any] | None = None
    ) -> None:
        """Evaluate these parameters in a coming trial, before anything is sampled; that
        trial gets ``user_attrs`` too. Until a trial takes them, ``study.trials`` shows
        them as a WAITING trial.

        Parameters missing from ``params`` are sampled as usual.
        """
        if not isinstance(params, Mapping):
            raise InvalidArgumentError(f"enqueue: `params` must be a dict, but got {params!r}")
        if user_attrs is not None and not isinstance(user_attrs, Mapping):
            raise InvalidArgumentError(
                f"enqueue: `user_attrs` must be a dict, but got {user_attrs!r}"
            )
        for name, value in params.items():
            check_name(name)
            try:
                to_json_value(value, f"enqueue: {name!r}")
            except ValueError as exc:
                raise InvalidArgumentError(str(exc)) from None
        for key, value in (user_attrs or {}).items():
            check_user_attr(key, value, "enqueue: user attribute")
        self._append([Enqueued(dict(params), user_attrs=dict(user_attrs or {}) or EMPTY)])

    def enqueue_trial(
        self,
        params: Mapping[str, Any],
        user_attrs: Mapping[str, Any] | None = None,
        skip_if_exists: bool = False,
    ) -> None:
        """Optuna's name for :meth:`enqueue`. With ``skip_if_exists``, parameters that a
        trial already has (finished, running or still queued) are not enqueued again."""
        if skip_if_exists and _already_there(self._sync(), params):
            return
        self.enqueue(params, user_attrs)

    def stop(self) -> None:
        """Make the running :meth:`optimize` return once the current trial finishes."""
        self._stop_requested = True

    @property
    def stop_requested(self) -> bool:
        """Whether :meth:`stop` was called since the current :meth:`optimize` began."""
        return self._stop_requested

    def reset_stop(self) -> None:
        self._stop_requested = False

    def running_here(self) -> list[int]:
        """Numbers of the trials this study object is running (its heartbeats keep their
        leases)."""
        return list(self._runs)

    def is_running_here(self, number: int) -> bool:
        return number in self._runs

    def intern_space(self, space: Mapping[str, Distribution]) -> Mapping[str, Distribution]:
        """``space`` with each distribution replaced by the equal one the study already
        holds (see :meth:`HistoryBuilder.intern_space`)."""
        return self._builder.intern_space(space)

    # --- front doors -------------------------------------------------------------------

    def optimize(
        self,
        objective: Objective,
        n_trials: int | None = None,
        timeout: float | None = None,
        *,
        n_jobs: int = 1,
        catch: type[BaseException] | Sequence[type[BaseException]] = (),
        callbacks: Sequence[Callback] = (),
        progress_bar: bool | None = None,
        space: SearchSpace | None = None,
        trial_timeout: float | None = None,
        trial_memory_limit: int | None = None,
        retries: int = 0,
        client: object = None,
        show_progress_bar: bool | None = None,
        gc_after_trial: bool = False,
    ) -> None:
        """Run trials until ``n_trials`` more have finished, ``timeout`` seconds have passed,
        :meth:`stop` is called, or the sampler has no new point (grid search).

        Args:
            objective: ``objective(trial) -> float``.
            n_trials: How many trials this call runs (None: no limit).
            timeout: Seconds after which no new trial starts (None: no limit).
            n_jobs: Worker processes (``-1``: one per CPU). They share the study through
                its storage, the in-memory default included, and the trial budget; lambdas
                and closures work as objectives on Linux (workers are forked).
            catch: Exception types that fail the trial and let the study go on. Any other
                exception fails the trial and then propagates (the default, so a bug in the
                objective shows at once). The trial and its reason are stored either way.
            callbacks: ``callback(study, frozen_trial)`` after each trial; may call
                :meth:`stop`.
            progress_bar: Show a progress bar with the best value; default: when stderr
                is a terminal.
            space: Parameters every trial has, sampled jointly from the first trial on;
                the objective finds them in ``trial.params`` (see :meth:`ask`).
            trial_timeout: Seconds after which a trial is interrupted and FAILs, and the
                study goes on (Unix; the objective must be running Python code to notice).
            trial_memory_limit: Bytes of address space each worker may use; a trial that
                needs more FAILs with a MemoryError and the study goes on (Unix; trials
                then run in worker processes even with ``n_jobs=1``).
            retries: How many times a trial whose worker died (its lease ran out) is run
                again with the same parameters, by whichever worker notices first.
            client: A ``dask.distributed.Client`` (or any ``concurrent.futures``
                executor): each trial runs as a task on its workers, against the study's
                storage (PostgreSQL or SQLite for workers on other machines or processes;
                an in-memory study is served to workers on this machine).
            show_progress_bar: Optuna's name for ``progress_bar``.
            gc_after_trial: Run the garbage collector after each trial.
        """
        from tunesmith.study._loop import OptimizeOptions
        from tunesmith.study._optimize import run_optimize

        if show_progress_bar is not None:
            progress_bar = show_progress_bar
        if gc_after_trial:
            from tunesmith.study._callbacks import collect_garbage

            callbacks = [*callbacks, collect_garbage]

        options = OptimizeOptions.check(
            objective,
            n_trials=n_trials,
            timeout=timeout,
            n_jobs=n_jobs,
            catch=catch,
            callbacks=callbacks,
            progress_bar=progress_bar,
            space=space,
            trial_timeout=trial_timeout,
            trial_memory_limit=trial_memory_limit,
            retries=retries,
            client=client,
        )
        run_optimize(self, objective, options)

    def spec(self, storage: Storage | None = None) -> StudySpec:
        """What a worker process needs to rebuild this study (optionally on another
        storage object that reaches the same study)."""
        return StudySpec(
            self._info,
            self.storage if storage is None else storage,
            self.sampler,
            self.pruner,
            self.seed,
            self.lease_seconds,
        )

    def __reduce__(self) -> tuple[Any, ...]:
        """A study pickles as what rebuilds it on its storage, when another process can
        reach that storage (SQLite, PostgreSQL, :func:`tunesmith.serve_storage`)."""
        if self._in_memory:
            raise InvalidArgumentError(
                f"study {self.study_name!r} is in memory, so it cannot be sent to another "
                "process: create it with storage='sqlite:///study.db', or "
                "storage=ts.serve_storage() (processes on this machine), or run "
                "study.optimize(objective, client=dask_client)"
            )
        return (StudySpec.build, (self.spec(),))

    def __deepcopy__(self, memo: dict[int, Any]) -> Study:
        """A copy of the study object (``copy.deepcopy``, and so scikit-learn's ``clone``
        of an estimator that holds a study), as Optuna's: an in-memory study is copied
        with its trials into a storage of its own, so the copy and the original go their
        own ways; a study in SQLite, PostgreSQL or a served storage is the same study,
        reached again (as a pickled one is). The sampler and pruner are copied too."""
        import copy

        from tunesmith.storage.memory import MemoryStorage

        storage = self.storage
        if isinstance(storage, MemoryStorage):
            storage = storage.copy_of(self.study_name)
        sampler = copy.deepcopy(self.sampler, memo)
        pruner = copy.deepcopy(self.pruner, memo)
        spec = StudySpec(self._info, storage, sampler, pruner, self.seed, self.lease_seconds)
        return spec.build()

    def to_dataframe(self) -> pandas.DataFrame:
        """One row per trial: number, state, value, times, ``params_*``, ``user_attrs_*``.

        Needs pandas (``pip install 'tunesmith[pandas]'``).
        """
        from tunesmith.study._frame import trials_to_dataframe

        return trials_to_dataframe(self.trials, objectives=len(self.directions))

    def trials_dataframe(
        self, attrs: Sequence[str] | None = None, multi_index: bool = False
    ) -> pandas.DataFrame:
        """Optuna's name for :meth:`to_dataframe`; ``attrs`` keeps only those columns
        (``"params"`` keeps every ``params_*`` column, and so on)."""
        frame = self.to_dataframe()
        if multi_index:
            raise InvalidArgumentError(
                "trials_dataframe: multi_index=True is not supported; columns are flat "
                "(params_x, user_attrs_y): drop multi_index"
            )
        if attrs is None:
            return frame
        wanted = [
            column
            for column in frame.columns
            if any(column == attr or column.startswith(f"{attr}_") for attr in attrs)
        ]
        chosen: pandas.DataFrame = frame[wanted]
        return chosen

    def __repr__(self) -> str:
        return (
            f"Study(name={self.study_name!r}, "
            f"direction{'s' if len(self.directions) > 1 else ''}="
            f"{','.join(d.value for d in self.directions)!r}, "
            f"trials={len(self._builder.trials)}, storage={self.storage!r})"
        )


@dataclass(frozen=True)
class StudySpec:
    """A study's parts, picklable: a worker process builds its own ``Study`` from it."""

    info: StudyInfo
    storage: Storage
    sampler: Sampler
    pruner: Pruner
    seed: int
    lease_seconds: float

    def build(self) -> Study:
        study = Study(
            info=self.info,
            storage=self.storage,
            sampler=self.sampler,
            pruner=self.pruner,
            seed=self.seed,
        )
        study.lease_seconds = self.lease_seconds
        return study


def _already_there(history: History, params: Mapping[str, Any]) -> bool:
    """Whether a trial (of any state) or a queued item has exactly these parameters."""
    wanted = dict(params)
    if any(dict(queued) == wanted for _, queued in history.queued()):
        return True
    for trial in history.trials():
        given = {**trial.proposal, **trial.fixed_params, **trial.params}
        if all(name in given and given[name] == value for name, value in wanted.items()):
            return True
    return False


def _trial_number(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgumentError(
            f"tell: `trial` must be a Trial or a trial number, but got {value!r}"
        )
    return value


def _parse_state(state: TrialState | str) -> TrialState:
    if isinstance(state, TrialState):
        return state
    try:
        return TrialState[str(state).upper()]
    except KeyError:
        raise InvalidArgumentError(
            f"state must be one of COMPLETE, PRUNED, FAIL, but got {state!r}"
        ) from None
