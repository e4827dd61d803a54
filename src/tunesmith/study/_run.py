"""One running trial on the study's side: where its parameters come from, and what it
has told the study but not yet written.

Parameters come, in order of precedence, from the values the user enqueued, from the
joint proposal the sampler made when the trial started, or from the sampler asked for
that one parameter. Writes are batched: new parameters, notes, reports and attributes
go to the storage together at the next ``should_prune()`` or when the trial finishes,
so a trial costs a couple of transactions, not one per ``suggest``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from tunesmith.errors import InvalidArgumentError, SamplerError
from tunesmith.events import EMPTY, Event, ParamsSet, Reported, UserAttrsSet
from tunesmith.history import FrozenTrial, History
from tunesmith.pruners.base import Decision
from tunesmith.space import Categorical, Distribution, Float, check_compatible
from tunesmith.states import TrialState

if TYPE_CHECKING:
    from tunesmith.samplers.base import Suggestion
    from tunesmith.study._study import Study

_LOG = logging.getLogger("tunesmith")
_MISSING = object()


def _canonical(distribution: Distribution, value: Any) -> Any:
    """The value in the type the distribution promises (snapped to its step), or
    ``_MISSING`` if the distribution cannot produce it."""
    if value is _MISSING:
        return _MISSING
    if type(value) is float and type(distribution) is Float and distribution.step is None:
        # what a sampler draws for a continuous range: already in its type
        return value if distribution.low <= value <= distribution.high else _MISSING
    if isinstance(distribution, Categorical):
        index = distribution.index(value)
        return _MISSING if index is None else distribution.choices[index]
    if not distribution.contains(value):
        return _MISSING
    if isinstance(distribution, Float):
        if distribution.step is None:
            return float(value)
        return distribution.value_at(round((float(value) - distribution.low) / distribution.step))
    return int(value)


class TrialRun:
    """The study's side of a running :class:`~tunesmith.trial.Trial`."""

    def __init__(
        self,
        study: Study,
        frozen: FrozenTrial,
        history: History,
        rng: np.random.Generator | None,
        number: int,
        *,
        write_through: bool = False,
    ) -> None:
        self.study = study
        # With a lease, another process may fail this trial if its worker dies: every
        # parameter must then be in the storage while it runs. Proposed ones are already
        # there (written at the start); one sampled or enqueued apart is written at once.
        self.write_through = write_through
        self.number = number  # the builder's own int (frozen's may be an equal copy)
        self.started_at = frozen.started_at
        self.fixed: Mapping[str, Any] = frozen.fixed_params
        self.history = history
        self.rng = rng
        self.proposals: Mapping[str, Any] = EMPTY
        self.params: dict[str, Any] = {}
        self.distributions: dict[str, Distribution] = {}
        # Most trials never set these: they stay the shared empty mapping until they do.
        self.user_attrs: Mapping[str, Any] = frozen.user_attrs  # enqueued with the params
        self.notes: Mapping[str, Any] = EMPTY
        self.intermediate: Mapping[int, float] = EMPTY
        #: What the objective gave with ``trial.set_constraint``, by name.
        self.constraints: Mapping[str, float] = EMPTY
        self.finished = False
        self._new_params: list[str] = []
        self._new_notes: Mapping[str, Any] = EMPTY
        self._new_attrs: Mapping[str, Any] = EMPTY
        self._new_reports: Mapping[int, float] = EMPTY
        self._proposed: Mapping[str, Any] = EMPTY
        self._proposed_space: Mapping[str, Distribution] = EMPTY
        self._unsent: list[Event] = []

    def propose(
        self, params: Mapping[str, Any], notes: Mapping[str, Any], space: Mapping[str, Any]
    ) -> None:
        """Take the sampler's joint proposal (already written, notes included)."""
        self.proposals = {**self.proposals, **params} if self.proposals else params
        if notes:
            self.notes = {**self.notes, **notes}
        self._proposed, self._proposed_space = params, space

    def add_notes(self, notes: Mapping[str, Any]) -> None:
        if notes:
            self.notes = {**self.notes, **notes}
            self._new_notes = {**self._new_notes, **notes}

    def frozen(self) -> FrozenTrial:
        """The trial as it stands, for samplers and pruners."""
        return FrozenTrial(
            self.number,
            TrialState.RUNNING,
            params=dict(self.params),
            distributions=dict(self.distributions),
            intermediate_values=dict(self.intermediate),
            user_attrs=dict(self.user_attrs),
            notes=dict(self.notes),
            fixed_params=self.fixed,
            started_at=self.started_at,
            proposal={n: v for n, v in self.proposals.items() if n not in self.params},
        )

    def suggest(self, name: str, distribution: Distribution) -> Any:
        if self.finished:
            raise InvalidArgumentError(
                f"trial {self.number} is finished; a finished trial takes no new parameters"
            )
        if name in self.params:
            return self._again(name, distribution)
        seen = self.history.distribution(name)
        if seen is not None and seen is not distribution:  # the same request as before: fine
            check_compatible(name, seen, distribution)
        stored = True  # enqueued, or proposed when the trial started
        claimed = False  # sampled apart and written at once (a grid's)
        if name in self.fixed:
            value = _canonical(distribution, self.fixed[name])
            if value is _MISSING:
                raise InvalidArgumentError(
                    f"the enqueued value {name}={self.fixed[name]!r} must lie in what the "
                    f"objective asks for, {distribution!r}; enqueue a value inside that range"
                )
        else:
            proposed = self.proposals.get(name, _MISSING)
            value = _canonical(distribution, proposed)
            if value is _MISSING:
                claimed = self.write_through and self.study.claims_alone()
                if claimed:
                    value = self.study.claim_alone(self, name, distribution)
                else:
                    value = self.sample_alone(name, distribution)
                    stored = False
            stored = stored and (claimed or name in self._proposed)
        self.params[name] = value
        self.distributions[name] = distribution
        if not claimed:
            self._new_params.append(name)
        if self.write_through and not stored:
            self.study.write_progress(self)  # sampled apart: not in the storage yet
        return value

    def _again(self, name: str, distribution: Distribution) -> Any:
        check_compatible(name, self.distributions[name], distribution)
        value = self.params[name]
        if not distribution.contains(value):
            raise InvalidArgumentError(
                f"parameter {name!r} already has the value {value!r} in trial {self.number}, "
                f"outside the range asked for now, {distribution!r}; ask for a parameter "
                "with one range per trial"
            )
        return value

    def sampled(self, name: str, distribution: Distribution) -> tuple[Any, Suggestion]:
        """The sampler's value for ``name`` alone, checked, and all it suggested."""
        sampler = self.study.sampler
        suggestion = sampler.sample(
            {name: distribution},
            self.history,
            self.rng,  # type: ignore[arg-type]  # None only for a sampler that needs none
            self.frozen(),
        )
        returned = suggestion.params.get(name, _MISSING)
        value = _canonical(distribution, returned)
        if value is _MISSING:
            shown = "nothing" if returned is _MISSING else repr(returned)
            raise SamplerError(
                f"{sampler!r} must return a value of {distribution!r} for {name!r}, "
                f"but returned {shown}"
            )
        return value, suggestion

    def sample_alone(self, name: str, distribution: Distribution) -> Any:
        value, suggestion = self.sampled(name, distribution)
        others = {n: v for n, v in suggestion.params.items() if n not in self.proposals}
        if others:
            self.proposals = {**self.proposals, **others}
        self.add_notes(suggestion.notes)
        return value

    def report(self, value: float, step: int) -> None:
        if step in self.intermediate:
            _LOG.warning(
                "trial %d already reported step %d (value %r); the new value %r is ignored",
                self.number,
                step,
                self.intermediate[step],
                value,
            )
            return
        if self.intermediate is EMPTY:
            self.intermediate = {}
        if self._new_reports is EMPTY:
            self._new_reports = {}
        self.intermediate[step] = value  # type: ignore[index]
        self._new_reports[step] = value  # type: ignore[index]

    def should_prune(self) -> bool:
        if len(self.study.directions) > 1:
            raise InvalidArgumentError(
                f"should_prune: study {self.study.study_name!r} has "
                f"{len(self.study.directions)} objectives, and pruning compares one value "
                "per step; a study of several objectives cannot prune"
            )
        history = self.study.write_progress(self)
        return self.study.pruner.decide(history.trial(self.number), history) is Decision.PRUNE

    def set_user_attr(self, key: str, value: Any) -> None:
        self.user_attrs = {**self.user_attrs, key: value}
        self._new_attrs = {**self._new_attrs, key: value}

    def set_constraint(self, key: str, value: float) -> None:
        self.constraints = {**self.constraints, key: value}

    def unsend(self, events: list[Event]) -> None:
        """Events that could not be written: they go out with the next ones."""
        self._unsent = [*events, *self._unsent]

    def _taken_as_proposed(self, names: list[str]) -> bool:
        """Whether these parameters are exactly the trial's proposal, values and
        distributions (most trials): their event then shares the proposal's mappings, which
        the storage and the history already hold (about 250 B a trial in memory)."""
        proposed, space = self._proposed, self._proposed_space
        if len(names) != len(proposed):
            return False
        for name in names:
            given = proposed.get(name, _MISSING)
            if given is _MISSING:
                return False
            value, distribution, offered = self.params[name], self.distributions[name], space[name]
            if distribution is not offered and distribution != offered:
                return False
            if value is not given and (type(value) is not type(given) or value != given):
                return False
        return True

    def take_events(self) -> list[Event]:
        """The events for what the trial learned since the last call."""
        events, self._unsent = self._unsent, []
        if self._new_params or self._new_notes:
            names = self._new_params
            if self._taken_as_proposed(names):
                space, values = self._proposed_space, self._proposed
            else:
                space = {name: self.distributions[name] for name in names}
                space = self.study.intern_space(space)
                values = {name: self.params[name] for name in names}
            notes = self._new_notes or EMPTY
            events.append(ParamsSet(self.number, space, values, notes))
            self._new_params, self._new_notes = [], EMPTY
        if self._new_attrs:
            events.append(UserAttrsSet(self.number, self._new_attrs))
            self._new_attrs = EMPTY
        if self._new_reports:
            events.append(Reported(self.number, self._new_reports))
            self._new_reports = EMPTY
        return events
