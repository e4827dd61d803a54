"""Trials that ran elsewhere: ``study.add_trial`` (warm starts from earlier results, as
Optuna's ``add_trial``) and :func:`copy_study`, which re-adds every trial of one study to
a new one (for another storage, say)."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import TYPE_CHECKING

from tunesmith.errors import InvalidArgumentError
from tunesmith.events import (
    CREATED_JUST_BEFORE,
    THE_STUDY,
    Event,
    ParamsSet,
    Reported,
    TrialCreated,
    TrialFinished,
    UserAttrsSet,
)
from tunesmith.history import FrozenTrial
from tunesmith.states import TrialState
from tunesmith.storage.base import Storage

if TYPE_CHECKING:
    from tunesmith.study._study import Study

#: A trial being added holds a lease this long: if its writer dies between the two
#: appends (creation, then outcome), other workers fail it instead of leaving it RUNNING.
_ADD_LEASE = 60.0


def add_trials(study: Study, trials: Iterable[FrozenTrial]) -> list[FrozenTrial]:
    """Record finished trials in the study, numbered after its own, as they were
    (parameters, value, state, reports, attributes, times); return them as recorded."""
    checked = [_check(trial) for trial in trials]
    return [_add(study, trial) for trial in checked]


def _check(trial: object) -> FrozenTrial:
    if not isinstance(trial, FrozenTrial):
        raise InvalidArgumentError(
            f"add_trial: `trial` must be a FrozenTrial (from ts.create_trial or another "
            f"study's trials), but got {trial!r}"
        )
    if not trial.state.is_finished:
        raise InvalidArgumentError(
            f"add_trial: only finished trials can be added, but trial {trial.number} is "
            f"{trial.state.name}"
        )
    if trial.state is TrialState.COMPLETE and trial.values is None:
        raise InvalidArgumentError(
            f"add_trial: a COMPLETE trial needs a value, but trial {trial.number} has none"
        )
    return trial


def _add(study: Study, trial: FrozenTrial) -> FrozenTrial:
    objectives = len(study.directions)
    if trial.values is not None and len(trial.values) != objectives:
        raise InvalidArgumentError(
            f"add_trial: trial {trial.number} has {len(trial.values)} values, but the study "
            f"has {objectives} objectives"
        )
    started = trial.started_at or time.time()
    created: list[Event] = [TrialCreated(started, None, _ADD_LEASE)]
    if trial.params:
        distributions = {name: trial.distributions[name] for name in trial.params}
        created.append(ParamsSet(CREATED_JUST_BEFORE, distributions, dict(trial.params)))
    number = study.record(created)
    assert number is not None
    finish: list[Event] = []
    if trial.intermediate_values:
        finish.append(Reported(number, dict(trial.intermediate_values)))
    if trial.user_attrs:
        finish.append(UserAttrsSet(number, dict(trial.user_attrs)))
    finished_at = trial.finished_at if trial.finished_at is not None else time.time()
    value = trial.values if objectives > 1 else trial.value
    finish.append(
        TrialFinished(
            number, trial.state, value, finished_at, trial.reason, constraints=trial.constraints
        )
    )
    study.record(finish)
    return study.history().trial(number)


def set_study_user_attr(study: Study, key: str, value: object) -> None:
    """Attach a JSON value to the study itself (``study.user_attrs``)."""
    from tunesmith.space import check_user_attr

    check_user_attr(key, value, "study user attribute")
    study.record([UserAttrsSet(THE_STUDY, {key: value})])


def copy_study(
    *,
    from_study_name: str,
    from_storage: str | Storage,
    to_storage: str | Storage,
    to_study_name: str | None = None,
) -> Study:
    """Copy a study (its direction, seed, user attributes, finished trials and enqueued
    parameters, WAITING trials, still to run) to another storage or name, as Optuna's
    ``copy_study``; running trials are left behind.

    Example:
        >>> import tunesmith as ts
        >>> source = ts.create_study(study_name="a", storage=None)
        >>> source.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
        >>> copy = copy_study(from_study_name="a", from_storage=source.storage,
        ...                   to_storage=None, to_study_name="b")
        >>> len(copy.trials), copy.study_name
        (3, 'b')
    """
    from tunesmith.study._factory import create_study, load_study

    source = load_study(study_name=from_study_name, storage=from_storage)
    target = create_study(
        storage=to_storage,
        study_name=to_study_name or from_study_name,
        directions=list(source.directions),
        seed=source.seed,
    )
    for key, value in source.user_attrs.items():
        set_study_user_attr(target, key, value)
    trials = source.trials
    add_trials(target, [trial for trial in trials if trial.state.is_finished])
    for trial in trials:
        if trial.state is TrialState.WAITING and "retry_of" not in trial.notes:
            target.enqueue(trial.fixed_params, trial.user_attrs)
    return target
