"""scikit-learn's ``param_distributions`` as tunesmith parameters.

A space is a dict, or a list of dicts (one is chosen per candidate, as in
``GridSearchCV(param_grid=[...])``). Each entry may be:

- ``ts.Float`` / ``ts.Int`` / ``ts.Categorical``;
- the shorthand of :func:`tunesmith.parse_space`: a list is a set of choices, a
  ``(low, high)`` tuple a range (ints stay ints);
- a frozen ``scipy.stats`` distribution that maps exactly onto a tunesmith one:
  ``loguniform(a, b)`` (``Float(a, b, log=True)``), ``uniform(loc, scale)``
  (``Float(loc, loc + scale)``), ``randint(low, high)`` (``Int(low, high - 1)``).

Choices that are not JSON values (estimator objects, functions) are stored by a label and
handed to the estimator as the very objects given.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import tunesmith as ts

#: The name of the parameter that picks one dict of a list of dicts.
SUBSPACE = "subspace"
_EXACT = (
    "tunesmith samples bounded uniform and log-uniform ranges; scipy.stats loguniform(a, b), "
    "uniform(loc, scale) and randint(low, high) map onto them exactly"
)


@dataclass(frozen=True)
class Choices:
    """A categorical parameter whose choices are kept by label: ``objects[label]``."""

    distribution: ts.Categorical
    objects: Mapping[str, Any]


@dataclass(frozen=True)
class Parameter:
    """One estimator parameter: its sklearn name, the study's name, its distribution."""

    name: str
    study_name: str
    distribution: ts.Distribution
    objects: Mapping[str, Any] | None = None

    def value(self, stored: Any) -> Any:
        """The value handed to the estimator for what the trial holds."""
        return stored if self.objects is None else self.objects[stored]


@dataclass(frozen=True)
class SearchSpace:
    """The converted space: one list of parameters per dict given."""

    subspaces: tuple[tuple[Parameter, ...], ...]

    @property
    def joint(self) -> dict[str, ts.Distribution] | None:
        """Every parameter by its study name, when there is a single dict (then every
        trial has them all and the sampler draws them jointly from the first trial)."""
        if len(self.subspaces) != 1:
            return None
        return {p.study_name: p.distribution for p in self.subspaces[0]}

    def suggest(self, trial: ts.Trial) -> dict[str, Any]:
        """The estimator parameters of this trial (drawn now if not yet)."""
        index = 0
        if len(self.subspaces) > 1:
            index = trial.suggest_categorical(SUBSPACE, list(range(len(self.subspaces))))
        return {
            p.name: p.value(trial.suggest(p.study_name, p.distribution))
            for p in self.subspaces[index]
        }

    def estimator_params(self, stored: Mapping[str, Any]) -> dict[str, Any] | None:
        """The estimator parameters a finished trial had (None if it has not all of them)."""
        index = stored.get(SUBSPACE, 0) if len(self.subspaces) > 1 else 0
        if not isinstance(index, int) or not 0 <= index < len(self.subspaces):
            return None
        params = {}
        for parameter in self.subspaces[index]:
            if parameter.study_name not in stored:
                return None
            params[parameter.name] = parameter.value(stored[parameter.study_name])
        return params


def to_search_space(param_distributions: object) -> SearchSpace:
    """Convert a ``param_distributions`` argument; bad entries are InvalidSpaceError."""
    if isinstance(param_distributions, Mapping):
        dicts: Sequence[object] = [param_distributions]
    elif isinstance(param_distributions, (list, tuple)) and param_distributions:
        dicts = param_distributions
    else:
        raise ts.InvalidSpaceError(
            "TuneSearchCV: `param_distributions` must be a non-empty dict of parameter name "
            "-> distribution, or a list of such dicts, but got "
            f"{param_distributions!r}"
        )
    converted = [_convert_dict(space, i, len(dicts)) for i, space in enumerate(dicts)]
    return SearchSpace(_study_names(converted))


def _convert_dict(space: object, index: int, count: int) -> list[tuple[str, Parameter]]:
    where = "param_distributions" if count == 1 else f"param_distributions[{index}]"
    if not isinstance(space, Mapping) or not space:
        raise ts.InvalidSpaceError(
            f"TuneSearchCV: `{where}` must be a non-empty dict of parameter name -> "
            f"distribution, but got {space!r}"
        )
    entries = []
    for name, spec in space.items():
        if not isinstance(name, str) or not name:
            raise ts.InvalidSpaceError(
                f"TuneSearchCV: `{where}` keys must be estimator parameter names, but got {name!r}"
            )
        if name == SUBSPACE and count > 1:
            raise ts.InvalidSpaceError(
                f"TuneSearchCV: {SUBSPACE!r} is the name of the parameter that picks one dict "
                "of a list of dicts; rename the estimator parameter"
            )
        distribution, objects = _convert_entry(f"{where}[{name!r}]", spec)
        entries.append((name, Parameter(name, name, distribution, objects)))
    return entries


def _convert_entry(where: str, spec: object) -> tuple[ts.Distribution, Mapping[str, Any] | None]:
    if _is_frozen_scipy(spec):
        return _from_scipy(where, spec), None
    if isinstance(spec, list):
        return _categorical(where, spec)
    if isinstance(spec, (ts.Float, ts.Int, ts.Categorical, tuple)):
        try:
            return ts.parse_space({"value": spec})["value"], None
        except ts.InvalidSpaceError as exc:
            raise ts.InvalidSpaceError(f"TuneSearchCV: `{where}`: {exc}") from None
    raise ts.InvalidSpaceError(
        f"TuneSearchCV: `{where}` must be a list of choices, a (low, high) range, a "
        "ts.Float/ts.Int/ts.Categorical, or a frozen scipy.stats loguniform, uniform or "
        f"randint, but got {spec!r}"
    )


def _categorical(where: str, choices: list[Any]) -> tuple[ts.Categorical, Mapping[str, Any] | None]:
    if not choices:
        raise ts.InvalidSpaceError(f"TuneSearchCV: `{where}` must hold at least one choice, got []")
    try:
        return ts.Categorical(choices), None
    except ts.InvalidSpaceError:
        pass  # objects (estimators, functions): stored by a label, handed over as given
    objects: dict[str, Any] = {}
    for position, choice in enumerate(choices):
        label = repr(choice)
        if len(label) > 200 or label in objects:
            label = f"{label[:190]}... #{position}"
        objects[label] = choice
    return ts.Categorical(list(objects)), objects


def _is_frozen_scipy(spec: object) -> bool:
    return all(hasattr(spec, name) for name in ("dist", "rvs", "support", "args", "kwds"))


def _from_scipy(where: str, frozen: Any) -> ts.Distribution:
    name = getattr(frozen.dist, "name", type(frozen.dist).__name__)
    low, high = (float(bound) for bound in frozen.support())
    if name == "uniform":
        return ts.Float(low, high)
    if name == "randint":
        return ts.Int(int(low), int(high))
    if name in ("loguniform", "reciprocal"):
        shapes = frozen.dist.numargs
        args = frozen.args
        loc = frozen.kwds.get("loc", args[shapes] if len(args) > shapes else 0)
        if loc != 0:
            raise ts.InvalidSpaceError(
                f"TuneSearchCV: `{where}` is loguniform shifted by loc={loc!r}, which is not "
                "log-uniform over its range; drop loc, or give ts.Float(low, high, log=True)"
            )
        return ts.Float(low, high, log=True)
    bounded = all(abs(bound) != float("inf") for bound in (low, high))
    raise ts.InvalidSpaceError(
        f"TuneSearchCV: `{where}` is scipy.stats.{name}, which has no exact tunesmith "
        f"equivalent ({_EXACT}). Give the range to search instead, e.g. "
        + (
            f"ts.Float({low:g}, {high:g}) for its support"
            if bounded
            else f"ts.Float(low, high) over the values of {name} you want searched (its "
            "support is unbounded)"
        )
    )


def _study_names(converted: list[list[tuple[str, Parameter]]]) -> tuple[tuple[Parameter, ...], ...]:
    """Parameters shared by several dicts keep their name if they are the same kind of
    parameter in all of them; otherwise each dict's gets its own name (``C@1``)."""
    kinds: dict[str, set[str]] = {}
    for entries in converted:
        for name, parameter in entries:
            kinds.setdefault(name, set()).add(_kind(parameter))
    subspaces = []
    for index, entries in enumerate(converted):
        parameters = []
        for name, parameter in entries:
            if len(kinds[name]) > 1:
                parameter = Parameter(
                    name, f"{name}@{index}", parameter.distribution, parameter.objects
                )
            parameters.append(parameter)
        subspaces.append(tuple(parameters))
    return tuple(subspaces)


def _kind(parameter: Parameter) -> str:
    distribution = parameter.distribution
    if isinstance(distribution, ts.Categorical):
        return repr(distribution)
    return f"{type(distribution).__name__}/{distribution.log}"
