"""Creating, loading, listing and deleting studies; turning names into components.

This is the one place where a sampler, a pruner and a storage are chosen and put
together. Short names mirror the ones users know from other libraries.
"""

from __future__ import annotations

import datetime
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import numpy as np

from tunesmith.errors import (
    DuplicatedStudyError,
    InvalidArgumentError,
    StudyNotFoundError,
)
from tunesmith.history import replay
from tunesmith.pruners.base import Pruner
from tunesmith.pruners.hyperband import HyperbandPruner
from tunesmith.pruners.median import MedianPruner
from tunesmith.pruners.nop import NopPruner
from tunesmith.pruners.successive_halving import SuccessiveHalvingPruner
from tunesmith.samplers.auto import AutoSampler
from tunesmith.samplers.base import Sampler
from tunesmith.samplers.bohb import BOHBSampler
from tunesmith.samplers.cma_es import CmaEsSampler
from tunesmith.samplers.genetic import GeneticSampler
from tunesmith.samplers.gp import GPSampler
from tunesmith.samplers.grid import GridSampler
from tunesmith.samplers.nsga2 import NSGAIISampler
from tunesmith.samplers.nsga3 import NSGAIIISampler
from tunesmith.samplers.qmc import QMCSampler
from tunesmith.samplers.random import RandomSampler
from tunesmith.samplers.tpe import TPESampler
from tunesmith.states import Direction, parse_directions
from tunesmith.storage.base import Storage, StudyInfo
from tunesmith.storage.memory import MemoryStorage
from tunesmith.storage.postgres import PostgresStorage
from tunesmith.storage.sqlite import SQLiteStorage
from tunesmith.study._study import Study
from tunesmith.validation import check_bool, check_instance, check_number, check_seed

SAMPLERS: dict[str, Callable[[], Sampler]] = {
    "auto": AutoSampler,
    "random": RandomSampler,
    "grid": GridSampler,
    "qmc": QMCSampler,
    "gp": GPSampler,
    "tpe": TPESampler,
    "bohb": BOHBSampler,
    "genetic": GeneticSampler,
    "cmaes": CmaEsSampler,
    "nsga2": NSGAIISampler,
    "nsga3": NSGAIIISampler,
}
PRUNERS: dict[str, Callable[[], Pruner]] = {
    "none": NopPruner,
    "median": MedianPruner,
    "successive_halving": SuccessiveHalvingPruner,
    "asha": SuccessiveHalvingPruner,
    "hyperband": HyperbandPruner,
}
DEFAULT_SAMPLER = "auto"
_MAX_STUDY_NAME = 512


def _component(
    kind: str, value: object, registry: Mapping[str, Callable[[], Any]], method: str
) -> Any:
    """An instance from a short name in ``registry``, or ``value`` itself if it is an object
    (not a class) with the component's ``method``."""
    if isinstance(value, str):
        factory = registry.get(value.lower())
        if factory is None:
            names = ", ".join(map(repr, registry))
            raise InvalidArgumentError(
                f"unknown {kind} {value!r}; choose one of {names}, or pass a {kind} object"
            )
        return factory()
    check_instance(kind, value, method, owner="create_study", kind=kind)
    return value


def make_sampler(sampler: str | Sampler | None) -> Sampler:
    """A sampler from a short name or an instance."""
    chosen = DEFAULT_SAMPLER if sampler is None else sampler
    result: Sampler = _component("sampler", chosen, SAMPLERS, "sample")
    return result


#: The pruner of a study given none: the median rule, as in Optuna, so objectives that
#: report and ask ``should_prune()`` are pruned unless they choose ``pruner="none"``
#: (an objective that never reports is never pruned by it).
DEFAULT_PRUNER = "median"


def make_pruner(pruner: str | Pruner | None) -> Pruner:
    """A pruner from a short name or an instance (None: the default, median)."""
    chosen = DEFAULT_PRUNER if pruner is None else pruner
    result: Pruner = _component("pruner", chosen, PRUNERS, "decide")
    return result


def make_storage(storage: str | Storage | None, *, create: bool = True) -> Storage:
    """A storage from a URL (``sqlite:///path.db``), an instance, or None (in memory).

    With ``create=False`` a SQLite file that does not exist is an error instead of a new,
    empty database (loading, listing and deleting studies never create one).
    """
    if storage is None:
        return MemoryStorage()
    if isinstance(storage, str):
        url = urlsplit(storage)
        if url.scheme == "sqlite" and url.path.startswith("/") and len(url.path) > 1:
            return SQLiteStorage(url.path[1:], create=create, **_sqlite_options(storage, url.query))
        if url.scheme in ("postgresql", "postgres"):
            return PostgresStorage(storage)
        raise InvalidArgumentError(
            f"unsupported storage URL {storage!r}; use 'sqlite:///relative/path.db', "
            "'sqlite:////absolute/path.db' or 'postgresql://user@host/database', or pass a "
            "storage object"
        )
    required = ("create", "info", "studies", "delete", "append", "read")
    if isinstance(storage, type) or not all(
        callable(getattr(storage, method, None)) for method in required
    ):
        raise InvalidArgumentError(
            f"storage must be a URL, None, or an object with {', '.join(required)} methods, "
            f"but got {storage!r}"
        )
    return storage


_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def _sqlite_options(url: str, query: str) -> dict[str, Any]:
    """``?durable=1&timeout=30`` as keyword arguments; anything else is an error (a typo
    such as ``?durabel=1`` must not be ignored)."""
    options: dict[str, Any] = {}
    for key, values in parse_qs(query, keep_blank_values=True).items():
        value = values[-1].lower()
        if key == "durable" and value in _TRUE + _FALSE:
            options["durable"] = value in _TRUE
        elif key == "timeout":
            try:
                seconds = float(value)
            except ValueError:
                raise InvalidArgumentError(
                    f"storage URL {url!r}: timeout must be a number of seconds, but got "
                    f"{values[-1]!r}"
                ) from None
            options["timeout"] = check_number("timeout", seconds, owner="storage URL", minimum=0)
        elif key == "durable":
            raise InvalidArgumentError(
                f"storage URL {url!r}: durable must be 1 or 0 (true/false, yes/no), but got "
                f"{values[-1]!r}"
            )
        else:
            raise InvalidArgumentError(
                f"storage URL {url!r}: unknown option {key!r}; SQLite URLs take durable=1 "
                "and timeout=SECONDS"
            )
    return options


def _check_seed(seed: object, sampler: Sampler) -> int | None:
    """The seed given, or the sampler's (``TPESampler(seed=0)``, as Optuna users write it)."""
    given = check_seed(seed, owner="create_study")
    own = getattr(sampler, "seed", None)
    if given is None:
        return check_seed(own, owner=type(sampler).__name__)
    if own is not None and own != given:
        raise InvalidArgumentError(
            f"the study's seed={given!r} and its sampler's seed={own!r} differ; give the "
            "seed once (either is fine: a study takes its sampler's seed)"
        )
    return given


def _check_study_name(name: object) -> str:
    if not isinstance(name, str) or not name or len(name) > _MAX_STUDY_NAME:
        raise InvalidArgumentError(
            f"study_name must be a non-empty string of at most {_MAX_STUDY_NAME} characters, "
            f"but got {name!r}"
        )
    return name


def create_study(
    *,
    storage: str | Storage | None = None,
    sampler: str | Sampler | None = None,
    pruner: str | Pruner | None = None,
    study_name: str | None = None,
    direction: str | Direction | None = None,
    load_if_exists: bool = False,
    seed: int | None = None,
    directions: Sequence[str | Direction] | None = None,
) -> Study:
    """Create a study (or load it, with ``load_if_exists=True``).

    Args:
        storage: None (in memory), ``"sqlite:///path.db"``,
            ``"postgresql://user:password@host/database"``, or a storage object.
        sampler: ``"auto"`` (the default: Gaussian-process BO, then TPE past 200 trials),
            ``"gp"``, ``"tpe"``, ``"qmc"`` (Sobol), ``"random"``, ``"grid"``, ``"genetic"``,
            ``"cmaes"``, ``"bohb"`` (which brings the Hyperband pruner unless ``pruner`` is
            given), or an object.
        pruner: ``"median"`` (the default, as Optuna's: it acts only on trials that call
            ``trial.report``), ``"none"``, ``"successive_halving"`` (or ``"asha"``),
            ``"hyperband"``, or a pruner object.
        study_name: Unique in the storage; generated if not given.
        direction: ``"minimize"`` (the default) or ``"maximize"``.
        load_if_exists: Load the study of that name if it exists, instead of failing.
        seed: Makes sampling reproducible: trial *k* samples with a generator derived
            from ``(seed, k)``. Stored with the study, so a resumed study continues the
            same sequence.
        directions: For several objectives, one direction each (instead of
            ``direction``): the objective returns a tuple of that many values, and
            ``study.best_trials`` is the Pareto front.

    Example:
        >>> import tunesmith as ts
        >>> study = ts.create_study(direction="maximize", sampler="qmc", seed=1)
        >>> study.direction
        Direction.MAXIMIZE
    """
    wanted = parse_directions(direction, directions)
    chosen_sampler = make_sampler(sampler)
    chosen_pruner = _objectives_pruner(wanted, sampler, pruner)
    _check_objectives(wanted, chosen_sampler, chosen_pruner)
    seed = _check_seed(seed, chosen_sampler)
    load_if_exists = check_bool("load_if_exists", load_if_exists, owner="create_study")
    resolved_storage = make_storage(storage)
    name = f"study-{uuid.uuid4().hex[:12]}" if study_name is None else _check_study_name(study_name)
    stored_seed = seed if seed is not None else int(np.random.SeedSequence().generate_state(1)[0])
    info = StudyInfo(name, wanted[0], stored_seed, time.time(), wanted)
    if not resolved_storage.create(info):
        if not load_if_exists:
            raise DuplicatedStudyError(
                f"a study named {name!r} already exists in {resolved_storage!r}; pass "
                "load_if_exists=True to continue it, or choose another study_name"
            )
        existing = resolved_storage.info(name)
        assert existing is not None
        if existing.directions != wanted:
            raise InvalidArgumentError(
                f"study {name!r} exists with direction {existing.stored_direction!r}, but "
                f"{info.stored_direction!r} was given; a study keeps its direction"
            )
        info = existing
    study_seed = info.seed if seed is None else seed
    return Study(
        info=info,
        storage=resolved_storage,
        sampler=chosen_sampler,
        pruner=chosen_pruner,
        seed=study_seed,
    )


def _objectives_pruner(
    directions: tuple[Direction, ...], sampler: object, pruner: str | Pruner | None
) -> Pruner:
    """The study's pruner: as asked, or the default; a study of several objectives has
    none unless one is asked for (which :func:`_check_objectives` then refuses)."""
    if pruner is None and len(directions) > 1:
        return NopPruner()
    return make_pruner(_paired_pruner(sampler, pruner))


def _check_objectives(directions: tuple[Direction, ...], sampler: Sampler, pruner: Pruner) -> None:
    """A study of several objectives needs a sampler that declares it handles them
    (``multi_objective = True``), and has no pruner (pruning compares one value)."""
    if len(directions) == 1:
        return
    if not getattr(sampler, "multi_objective", False):
        raise InvalidArgumentError(
            f"{sampler!r} handles one objective, but the study has {len(directions)} "
            f"(directions={[d.value for d in directions]}); use sampler='auto', 'nsga2', "
            "'tpe', 'gp', 'random', 'qmc' or 'grid', or a sampler with multi_objective = True"
        )
    if not isinstance(pruner, NopPruner):
        raise InvalidArgumentError(
            f"pruning compares one value per step, so a study of {len(directions)} objectives "
            f"cannot have a pruner, but got pruner={pruner!r}; leave pruner=None"
        )


def _paired_pruner(sampler: object, pruner: str | Pruner | None) -> str | Pruner | None:
    """BOHB is a sampler and a pruner together: ``sampler="bohb"`` brings Hyperband."""
    if pruner is None and (sampler == "bohb" or isinstance(sampler, BOHBSampler)):
        return "hyperband"
    return pruner


def load_study(
    *,
    study_name: str,
    storage: str | Storage,
    sampler: str | Sampler | None = None,
    pruner: str | Pruner | None = None,
    seed: int | None = None,
) -> Study:
    """Load an existing study; its trials continue where they stopped.

    ``sampler``, ``pruner`` and ``seed`` are as in :func:`create_study`; without a seed,
    the study's stored seed is used, so a seeded study resumes its own sequence.
    """
    if storage is None:
        raise InvalidArgumentError(
            "load_study needs the storage the study lives in, e.g. storage='sqlite:///runs.db'"
        )
    chosen_sampler = make_sampler(sampler)
    chosen_pruner = make_pruner(_paired_pruner(sampler, pruner))
    seed = _check_seed(seed, chosen_sampler)
    resolved_storage = make_storage(storage, create=False)
    info = resolved_storage.info(_check_study_name(study_name))
    if info is None:
        names = [study.name for study in resolved_storage.studies()]
        raise StudyNotFoundError(
            f"no study named {study_name!r} in {resolved_storage!r}; it has "
            f"{', '.join(map(repr, names)) if names else 'no studies'}"
        )
    study_seed = info.seed if seed is None else seed
    chosen_pruner = _objectives_pruner(info.directions, sampler, pruner)
    _check_objectives(info.directions, chosen_sampler, chosen_pruner)
    return Study(
        info=info,
        storage=resolved_storage,
        sampler=chosen_sampler,
        pruner=chosen_pruner,
        seed=study_seed,
    )


def delete_study(*, study_name: str, storage: str | Storage) -> None:
    """Delete a study and all its trials."""
    resolved_storage = make_storage(storage, create=False)
    if not resolved_storage.delete(_check_study_name(study_name)):
        raise StudyNotFoundError(f"no study named {study_name!r} in {resolved_storage!r}")


@dataclass(frozen=True, slots=True)
class StudySummary:
    """One line of :func:`list_studies`."""

    study_name: str
    direction: Direction
    n_trials: int
    best_value: float | None
    datetime_start: datetime.datetime
    directions: tuple[Direction, ...] = ()


def list_studies(storage: str | Storage) -> list[StudySummary]:
    """Every study in the storage, oldest first, with its trial count and best value."""
    try:
        resolved_storage = make_storage(storage, create=False)
    except StudyNotFoundError:  # no database file: no studies
        return []
    summaries = []
    for info in resolved_storage.studies():
        history = replay(resolved_storage.read(info.name), info.directions)
        best = history.best_trial
        summaries.append(
            StudySummary(
                info.name,
                info.direction,
                len(history),
                None if best is None else best.value,
                datetime.datetime.fromtimestamp(info.created_at),
                info.directions,
            )
        )
    return summaries


def get_all_study_names(storage: str | Storage) -> list[str]:
    """The names of every study in the storage, oldest first (Optuna's name)."""
    return [info.name for info in make_storage(storage).studies()]


def get_all_study_summaries(
    storage: str | Storage, include_best_trial: bool = True
) -> list[StudySummary]:
    """Optuna's name for :func:`list_studies`."""
    return list_studies(storage)
