"""The sampler interface: values in, a suggestion out.

A sampler decides which parameters a trial gets. It sees the space to fill, the
study's :class:`~tunesmith.history.History` (finished *and* running trials), a random
generator seeded for this trial, and the trial itself (its number, and the parameters
it already has). It never sees the storage, and it writes nothing: what it wants
remembered about the trial goes in ``Suggestion.notes``, which the study persists.

The study calls ``sample`` with the space of parameters to draw *jointly* when a trial
starts (those every finished trial had, or the space given to ``study.ask``), and with
a one-parameter space when the objective asks for a parameter outside it.
"""

from __future__ import annotations

import abc
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import numpy as np

from tunesmith.history import FrozenTrial, History, StudyView
from tunesmith.records import fast_init
from tunesmith.space import SearchSpace
from tunesmith.states import TrialState


@fast_init
@dataclass(frozen=True, slots=True)
class Suggestion:
    """What a sampler proposes: values for (at least) the asked parameters, and notes."""

    params: Mapping[str, Any]
    notes: Mapping[str, Any] = field(default_factory=dict)


@runtime_checkable
class Sampler(Protocol):
    """Anything with this ``sample`` method can drive a study.

    ``rng`` is the trial's own generator (seeded from the study's seed and the trial's
    number), or None for a sampler whose ``needs_rng`` attribute is False."""

    def sample(
        self, space: SearchSpace, history: History, rng: np.random.Generator, trial: FrozenTrial
    ) -> Suggestion: ...


@runtime_checkable
class FiniteSampler(Sampler, Protocol):
    """A sampler that can run out of new points (grid search)."""

    def exhausted(self, space: SearchSpace, history: History) -> bool:
        """Whether every point is taken, by finished or running trials."""
        ...

    def declared_space(self) -> SearchSpace:
        """The space the sampler was given (empty when it takes the study's): proposed at
        each trial's start, so running trials claim their points before the objective
        asks for them."""
        ...


class BaseSampler(abc.ABC):
    """Base class of samplers written against Optuna's interface: subclass it and write
    ``infer_relative_search_space(study, trial)``, ``sample_relative(study, trial,
    search_space)`` and ``sample_independent(study, trial, name, distribution)`` as for
    Optuna; the study runs it on tunesmith's :class:`Sampler` protocol.

    ``study`` is a read-only view of the study (``trials``, ``get_trials``,
    ``direction``, ``best_trial``); distributions are ``ts.Float`` / ``ts.Int`` /
    ``ts.Categorical`` (Optuna's ``FloatDistribution`` etc. are the same classes).
    The relative space is sampled when the trial starts; every other parameter by
    ``sample_independent``. ``before_trial(study, trial)`` runs as a trial starts,
    before anything is sampled for it, and ``after_trial(study, trial, state, values)``
    once it has finished (``trial`` as recorded), in the process that ran it. Every
    tunesmith sampler counts as a ``BaseSampler`` in ``isinstance`` checks.

    Example:
        >>> import tunesmith as ts
        >>> class Middle(BaseSampler):
        ...     def infer_relative_search_space(self, study, trial):
        ...         return {}
        ...     def sample_relative(self, study, trial, search_space):
        ...         return {}
        ...     def sample_independent(self, study, trial, name, distribution):
        ...         return (distribution.low + distribution.high) / 2
        >>> study = ts.create_study(sampler=Middle())
        >>> study.optimize(lambda t: t.suggest_float("x", 0, 4), n_trials=1)
        >>> study.best_params
        {'x': 2.0}
    """

    #: As in Optuna, a custom sampler decides for itself how to treat several objectives
    #: (``trial.values``, ``study.directions``), so a study of several accepts it.
    multi_objective = True

    @classmethod
    def __subclasshook__(cls, other: type) -> Any:
        if cls is BaseSampler and any("sample" in vars(base) for base in other.__mro__):
            return True
        return NotImplemented

    @abc.abstractmethod
    def infer_relative_search_space(self, study: StudyView, trial: FrozenTrial) -> SearchSpace:
        """The parameters to sample jointly in ``sample_relative``."""

    @abc.abstractmethod
    def sample_relative(
        self, study: StudyView, trial: FrozenTrial, search_space: SearchSpace
    ) -> Mapping[str, Any]:
        """Values for (some of) ``search_space``, drawn jointly."""

    @abc.abstractmethod
    def sample_independent(
        self, study: StudyView, trial: FrozenTrial, param_name: str, param_distribution: Any
    ) -> Any:
        """A value for one parameter outside the relative space."""

    def before_trial(self, study: StudyView, trial: FrozenTrial) -> None:  # noqa: B027 (optional hook)
        """Called as ``trial`` starts, before anything is sampled for it."""

    def after_trial(  # noqa: B027 (an optional hook, as in Optuna)
        self,
        study: StudyView,
        trial: FrozenTrial,
        state: TrialState,
        values: Sequence[float] | None,
    ) -> None:
        """Called once ``trial`` has finished, with its state and values."""

    def sample(
        self, space: SearchSpace, history: History, rng: np.random.Generator, trial: FrozenTrial
    ) -> Suggestion:
        study = StudyView(history, trial)
        relative = self.infer_relative_search_space(study, trial) or {}
        joint = {name: space[name] for name in relative if name in space}
        params = dict(self.sample_relative(study, trial, joint) or {}) if joint else {}
        for name, distribution in space.items():
            if name not in params:
                params[name] = self.sample_independent(study, trial, name, distribution)
        return Suggestion(params)
