"""``ts.importance(study)``: which parameters explain a study's results.

The front door to the evaluators of :mod:`tunesmith.importance`: it picks the COMPLETE
trials, turns the chosen target into losses (smaller is better), chooses the parameters
and hands them over. It only reads the study.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import tunesmith as ts
from tunesmith.analysis.objective import choose
from tunesmith.validation import check_instance, check_optional_int, check_sequence_of

Target = Callable[[ts.FrozenTrial], Any]


def importance(
    study: ts.Study,
    *,
    evaluator: ts.ImportanceEvaluator | None = None,
    params: Sequence[str] | None = None,
    target: Target | None = None,
    top_fraction: float | None = None,
    objective: int | None = None,
    max_trials: int | None = None,
) -> dict[str, float]:
    """Each parameter's share in explaining the study's results, largest first.

    Args:
        study: The study (only read).
        evaluator: ``ts.FanovaEvaluator()`` (the default: functional ANOVA on a forest
            of randomized trees, numpy only), ``ts.SklearnFanovaEvaluator()`` (on
            scikit-learn's random forest, as Optuna's fANOVA), ``ts.PedAnovaEvaluator()``
            (what sets the best trials apart), or any object with their ``evaluate``.
        params: The parameters to rank (default: every parameter of a COMPLETE trial).
            A conditional parameter counts where trials have it, and its absence counts
            as one more value: trials are never dropped for lacking one.
        target: A function of a ``FrozenTrial`` giving the number to explain (default:
            ``trial.value``), e.g. ``lambda t: t.duration``. It is taken in the study's
            direction (smaller is better for a minimized study, and for any target of a
            study of several objectives). Trials where it is not a finite number are
            left out.
        top_fraction: Explain only what happens among the best trials: the fraction
            PED-ANOVA explains (default 0.1); fANOVA caps worse values at that quantile.
        objective: For a study of several objectives, which one to explain (0, 1, ...),
            in its own direction; such a study needs this or ``target``.
        max_trials: Explain at most this many trials, a random subset (the same one
            every time) of those that count, when a study has more: fANOVA's time grows
            with the trials, and 2,000 random trials rank parameters about as well as
            10,000 (the report and the dashboard use 2,000). Default: all of them.

    Returns:
        ``{name: share}``, shares summing to 1, largest first.

    Example:
        >>> import tunesmith as ts
        >>> study = ts.create_study(sampler="random", seed=0)
        >>> study.optimize(lambda t: 10 * t.suggest_float("x", 0, 1) + t.suggest_float("y", 0, 1),
        ...                n_trials=100)
        >>> shares = ts.importance(study)
        >>> list(shares), shares["x"] > 0.9
        (['x', 'y'], True)
    """
    chosen = ts.FanovaEvaluator() if evaluator is None else evaluator
    check_instance("evaluator", chosen, "evaluate", owner="importance", kind="importance evaluator")
    chosen_number = choose(study, target, objective, owner="importance")
    limit = check_optional_int("max_trials", max_trials, owner="importance", minimum=2)
    trials, values = _targets(study, chosen_number.of)
    if limit is not None and len(trials) > limit:
        keep = np.sort(np.random.default_rng(0).choice(len(trials), limit, replace=False))
        trials, values = [trials[i] for i in keep], values[keep]
    names = _params(trials, params)
    if len(trials) < 2:
        raise ts.InvalidArgumentError(
            f"importance: at least 2 COMPLETE trials with a finite target are needed, but "
            f"study {study.study_name!r} has {len(trials)}"
        )
    loss = values if chosen_number.minimize else -values
    if len(names) == 1:
        return {names[0]: 1.0}
    return chosen.evaluate(trials, loss, names, top_fraction=top_fraction)


def _targets(
    study: ts.Study, of: Callable[[ts.FrozenTrial], object]
) -> tuple[list[ts.FrozenTrial], np.ndarray]:
    """COMPLETE trials with a finite target, and their targets."""
    trials, values = [], []
    for trial in study.trials:
        if trial.state is not ts.TrialState.COMPLETE:
            continue
        number = _finite(of(trial))
        if number is not None:
            trials.append(trial)
            values.append(number)
    return trials, np.array(values, dtype=float)


def _finite(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _params(trials: Sequence[ts.FrozenTrial], params: Sequence[str] | None) -> list[str]:
    """The parameters asked for, or every one a trial has, in order of appearance."""
    seen: dict[str, None] = {}
    for trial in trials:
        seen.update(dict.fromkeys(trial.params))
    if params is None:
        if not seen and trials:
            raise ts.InvalidArgumentError("importance: the COMPLETE trials have no parameters")
        return list(seen)
    chosen = check_sequence_of(
        "params", params, lambda p: isinstance(p, str), "parameter names", owner="importance"
    )
    missing = [name for name in chosen if name not in seen]
    if not chosen or missing:
        raise ts.InvalidArgumentError(
            f"importance: `params` must name parameters of the COMPLETE trials, but got "
            f"{list(chosen)!r}; {missing!r} appear in none; the trials have {sorted(seen)!r}"
        )
    return list(dict.fromkeys(chosen))
