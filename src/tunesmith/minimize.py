"""``ts.minimize`` / ``ts.maximize``: tune a function of a parameter dict over a declared space.

The classic recipe style: a dict whose lists are choices and whose ``(low, high)``
tuples are ranges (ints stay ints), or tunesmith distributions for anything finer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import tunesmith as ts


@dataclass(frozen=True)
class OptimizeResult:
    """What :func:`minimize` and :func:`maximize` return.

    Attributes:
        best_params: The best parameters found.
        best_value: Their objective value.
        study: The study, with every trial (``result.study.to_dataframe()``).
    """

    best_params: dict[str, Any]
    best_value: float
    study: ts.Study

    @property
    def n_trials(self) -> int:
        """How many trials the study holds."""
        return len(self.study.trials)


def parse_space(space: Mapping[str, Any]) -> dict[str, ts.Distribution]:
    """Turn a declarative space into distributions.

    ``[a, b, c]`` → ``Categorical``; ``(low, high)`` → ``Int`` if both are ints, else
    ``Float``; ``ts.Float`` / ``ts.Int`` / ``ts.Categorical`` pass through.
    """
    if not isinstance(space, Mapping) or not space:
        raise ts.InvalidSpaceError(
            f"space must be a non-empty dict of name -> list, (low, high) or distribution, "
            f"but got {space!r}"
        )
    parsed: dict[str, ts.Distribution] = {}
    for name, spec in space.items():
        if isinstance(spec, (ts.Float, ts.Int, ts.Categorical)):
            parsed[name] = spec
        elif isinstance(spec, list):
            parsed[name] = ts.Categorical(spec)
        elif isinstance(spec, tuple) and len(spec) == 2:
            low, high = spec
            both_int = all(isinstance(v, int) and not isinstance(v, bool) for v in spec)
            parsed[name] = ts.Int(low, high) if both_int else ts.Float(low, high)
        else:
            raise ts.InvalidSpaceError(
                f"space[{name!r}] must be a list of choices, a (low, high) tuple, or a "
                f"ts.Float/ts.Int/ts.Categorical, but got {spec!r}"
            )
    return parsed


def _run(
    direction: str,
    function: Callable[[dict[str, Any]], float],
    space: Mapping[str, Any],
    *,
    n_trials: int | None,
    timeout: float | None,
    sampler: str | ts.Sampler | None,
    seed: int | None,
    storage: str | ts.Storage | None,
    study_name: str | None,
    load_if_exists: bool,
    catch: Sequence[type[BaseException]],
    callbacks: Sequence[Callable[[ts.Study, ts.FrozenTrial], None]],
    progress_bar: bool | None,
) -> OptimizeResult:
    if not callable(function):
        raise ts.InvalidArgumentError(
            f"the function to optimize must be callable, got {function!r}"
        )
    distributions = parse_space(space)
    study = ts.create_study(
        direction=direction,
        sampler=sampler,
        seed=seed,
        storage=storage,
        study_name=study_name,
        load_if_exists=load_if_exists,
    )
    if n_trials is None and timeout is None and not isinstance(study.sampler, ts.FiniteSampler):
        raise ts.InvalidArgumentError(
            f"{direction[:-1]}e needs a budget: give n_trials or timeout (only grid search "
            "stops by itself)"
        )
    study.optimize(
        lambda trial: function(trial.params),
        n_trials=n_trials,
        timeout=timeout,
        catch=catch,
        callbacks=callbacks,
        progress_bar=progress_bar,
        space=distributions,
    )
    return OptimizeResult(study.best_params, study.best_value, study)


def minimize(
    function: Callable[[dict[str, Any]], float],
    space: Mapping[str, Any],
    *,
    n_trials: int | None = None,
    timeout: float | None = None,
    sampler: str | ts.Sampler | None = None,
    seed: int | None = None,
    storage: str | ts.Storage | None = None,
    study_name: str | None = None,
    load_if_exists: bool = False,
    catch: Sequence[type[BaseException]] = (),
    callbacks: Sequence[Callable[[ts.Study, ts.FrozenTrial], None]] = (),
    progress_bar: bool | None = None,
) -> OptimizeResult:
    """Find parameters in ``space`` that minimize ``function(params)``.

    Args:
        function: Takes a dict of parameters, returns a number.
        space: Name → list of choices, ``(low, high)`` range, or distribution.
        n_trials, timeout: The budget (at least one, unless ``sampler="grid"``, which
            stops once every grid point is evaluated).
        sampler, seed, storage, study_name, load_if_exists: As in ``create_study``.
        catch, callbacks, progress_bar: As in ``Study.optimize``.

    Example:
        >>> import tunesmith as ts
        >>> result = ts.minimize(lambda p: (p["a"] - 2) ** 2 + p["b"],
        ...                      {"a": [1.5, 2.0, 2.5], "b": [0.5, 1.0]}, sampler="grid",
        ...                      progress_bar=False)
        >>> result.best_params, result.best_value
        ({'a': 2.0, 'b': 0.5}, 0.5)
    """
    return _run(
        "minimize",
        function,
        space,
        n_trials=n_trials,
        timeout=timeout,
        sampler=sampler,
        seed=seed,
        storage=storage,
        study_name=study_name,
        load_if_exists=load_if_exists,
        catch=catch,
        callbacks=callbacks,
        progress_bar=progress_bar,
    )


def maximize(
    function: Callable[[dict[str, Any]], float],
    space: Mapping[str, Any],
    *,
    n_trials: int | None = None,
    timeout: float | None = None,
    sampler: str | ts.Sampler | None = None,
    seed: int | None = None,
    storage: str | ts.Storage | None = None,
    study_name: str | None = None,
    load_if_exists: bool = False,
    catch: Sequence[type[BaseException]] = (),
    callbacks: Sequence[Callable[[ts.Study, ts.FrozenTrial], None]] = (),
    progress_bar: bool | None = None,
) -> OptimizeResult:
    """Find parameters in ``space`` that maximize ``function(params)``; see :func:`minimize`."""
    return _run(
        "maximize",
        function,
        space,
        n_trials=n_trials,
        timeout=timeout,
        sampler=sampler,
        seed=seed,
        storage=storage,
        study_name=study_name,
        load_if_exists=load_if_exists,
        catch=catch,
        callbacks=callbacks,
        progress_bar=progress_bar,
    )
