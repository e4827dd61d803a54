"""Which number of a trial to look at: its value, one objective of several, or a target.

Importance, the plots, the report and the command line all explain or draw one number per
trial. A study of one objective has it (``trial.value``); a study of several objectives
has one per direction (``trial.values``) and is looked at one objective at a time
(``objective=k``), or through any function of the trial (``target=``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import tunesmith as ts
from tunesmith.validation import check_callable

Target = Callable[[ts.FrozenTrial], object]


@dataclass(frozen=True)
class Chosen:
    """The number to look at: ``of(trial)`` (None where a trial has none), whether
    smaller is better, and a label for an axis."""

    of: Target
    minimize: bool
    label: str


def _value(trial: ts.FrozenTrial) -> object:
    return trial.value


def _nth(k: int) -> Target:
    def value(trial: ts.FrozenTrial) -> object:
        values = trial.values
        return values[k] if values is not None and len(values) > k else None

    return value


def check_study(study: object, owner: str) -> ts.Study:
    if not hasattr(study, "trials") or not hasattr(study, "directions"):
        raise ts.InvalidArgumentError(f"{owner}: `study` must be a study, but got {study!r}")
    return study  # type: ignore[return-value]


def choose(study: ts.Study, target: Target | None, objective: int | None, *, owner: str) -> Chosen:
    """The number ``owner`` explains or draws (see the module docstring).

    A ``target`` on a study of one objective is taken in its direction; on a study of
    several, smaller is better. ``objective=k`` is the k-th objective, in its direction.
    """
    check_study(study, owner)
    check_callable("target", target, owner=owner, optional=True)
    directions = list(study.directions)
    n = len(directions)
    if objective is not None:
        if isinstance(objective, bool) or not isinstance(objective, int) or not 0 <= objective < n:
            raise ts.InvalidArgumentError(
                f"{owner}: `objective` must be the index of one of study "
                f"{study.study_name!r}'s {n} objective(s), 0 to {n - 1}, but got {objective!r}"
            )
        if target is not None:
            raise ts.InvalidArgumentError(
                f"{owner}: give `objective` (one of the study's objectives) or `target` "
                "(a function of the trial), not both"
            )
        if n == 1:
            return Chosen(_value, directions[0] is ts.Direction.MINIMIZE, "objective value")
        return Chosen(
            _nth(objective),
            directions[objective] is ts.Direction.MINIMIZE,
            f"objective {objective} ({directions[objective].value})",
        )
    if target is not None:
        minimize = n > 1 or directions[0] is ts.Direction.MINIMIZE
        return Chosen(target, minimize, "target")
    if n > 1:
        raise ts.InvalidArgumentError(
            f"{owner}: study {study.study_name!r} has {n} objectives "
            f"({', '.join(d.value for d in directions)}); say which one to look at with "
            f"objective=0 to {n - 1}, or give target=, a function of the trial"
        )
    return Chosen(_value, directions[0] is ts.Direction.MINIMIZE, "objective value")
