"""Stop a study once further improvement is within the noise of the objective (Makarova
et al. 2022, "Automatic Termination for Hyperparameter Optimization").

Glossary:
    t       COMPLETE trials so far; d parameters (their intersection space)
    μ, σ    posterior mean and standard deviation of a Gaussian process fitted to the
            standardized losses (the same GP as the "gp" sampler, :mod:`.._gp`)
    β       the confidence multiplier, β_t = 2 log(d t² π² / (6 δ)) / 5 with δ = 0.1
            (Srinivas et al. 2010, Theorem 1, shrunk by 5 as is usual in practice: the
            theoretical value is known to be far too conservative)
    regret  min over observed x of UCB(x) = μ + √β σ, minus min over the space of
            LCB(x) = μ − √β σ: how much better than the best observed point the optimum
            can plausibly be (Makarova et al. sec. 3), in the objective's units
    error   how much the objective itself varies at a fixed point: for a value that is a
            k-fold cross-validation mean, the standard error of that mean with Nadeau &
            Bengio's (2003) correction for overlapping training sets,
            √(var · (1/k + 1/(k-1))); or a constant
The study stops when the regret bound falls below the error: what is left to gain cannot
be told apart from noise.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from tunesmith.encoding import UnitCube
from tunesmith.errors import InvalidArgumentError
from tunesmith.history import FrozenTrial
from tunesmith.samplers._gp import GaussianProcess, fit_hyperparameters
from tunesmith.space import Distribution
from tunesmith.states import Direction, TrialState
from tunesmith.validation import check_instance, check_int, check_number

if TYPE_CHECKING:
    from tunesmith.study._study import Study

#: The user attribute that holds a trial's cross-validation fold scores (``ts.cv_score``
#: writes it; :func:`report_cross_validation_scores` too).
CV_SCORES = "cv_test_score"
_CANDIDATES = 2048
_MAX_TRIALS = 200  # the best ones: a GP fit is O(t³)


class Evaluator(Protocol):
    def evaluate(self, trials: Sequence[FrozenTrial], direction: Direction) -> float: ...


def _space(trials: Sequence[FrozenTrial]) -> dict[str, Distribution]:
    """Parameters every trial has with one distribution."""
    space = dict(trials[0].distributions)
    for trial in trials[1:]:
        space = {n: d for n, d in space.items() if trial.distributions.get(n) == d}
    return space


class RegretBoundEvaluator:
    """The GP regret bound of the glossary: how much better the optimum can plausibly be
    than the best trial so far, in the objective's units.

    Example:
        >>> import tunesmith as ts
        >>> study = ts.create_study(sampler="random", seed=0)
        >>> study.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2, n_trials=20)
        >>> 0 <= RegretBoundEvaluator().evaluate(study.trials, study.direction) < 1
        True
    """

    def __init__(self, *, delta: float = 0.1, seed: int = 0) -> None:
        self.delta = check_number(
            "delta", delta, owner="RegretBoundEvaluator", minimum=0.0, maximum=1.0,
            strict_minimum=True,
        )  # fmt: skip
        self.seed = check_int("seed", seed, owner="RegretBoundEvaluator", minimum=0)

    def evaluate(self, trials: Sequence[FrozenTrial], direction: Direction) -> float:
        complete = [t for t in trials if t.state is TrialState.COMPLETE and t.value is not None]
        if len(complete) < 2:
            raise InvalidArgumentError(
                f"the regret bound needs at least 2 COMPLETE trials, but got {len(complete)}"
            )
        sign = 1.0 if direction is Direction.MINIMIZE else -1.0
        complete.sort(key=lambda t: sign * float(t.value))  # type: ignore[arg-type]
        complete = complete[:_MAX_TRIALS]
        space = _space(complete)
        loss = np.array([sign * float(t.value) for t in complete])  # type: ignore[arg-type]
        scale = float(loss.std()) or 1.0
        y = (loss - loss.mean()) / scale
        if not space:
            return 0.0  # nothing left to tune
        cube = UnitCube(space)
        x = np.array([cube.encode(t.params) for t in complete])
        theta = fit_hyperparameters(x, y, cube.categorical)
        model = GaussianProcess(x, y, cube.categorical, theta)
        rng = np.random.default_rng(self.seed)
        candidates = np.vstack([x, cube.snap(rng.random((_CANDIDATES, cube.dims)))])
        t, d = len(complete), cube.dims
        beta = 2.0 * math.log(d * t**2 * math.pi**2 / (6.0 * self.delta)) / 5.0
        root = math.sqrt(max(beta, 0.0))
        mean, variance = model.predict(x)
        upper = float(np.min(mean + root * np.sqrt(np.maximum(variance, 0.0))))
        mean, variance = model.predict(candidates)
        lower = float(np.min(mean - root * np.sqrt(np.maximum(variance, 0.0))))
        return max(upper - lower, 0.0) * scale

    def __repr__(self) -> str:
        return f"RegretBoundEvaluator(delta={self.delta})"


class CrossValidationErrorEvaluator:
    """The noise of a cross-validated objective: the corrected standard error of the best
    trial's fold scores (glossary), read from its ``cv_test_score`` attribute
    (``ts.cv_score`` writes it, as does :func:`report_cross_validation_scores`)."""

    def evaluate(self, trials: Sequence[FrozenTrial], direction: Direction) -> float:
        complete = [t for t in trials if t.state is TrialState.COMPLETE and t.value is not None]
        if not complete:
            raise InvalidArgumentError("the error evaluator needs a COMPLETE trial")
        sign = 1.0 if direction is Direction.MINIMIZE else -1.0
        best = min(complete, key=lambda t: sign * float(t.value))  # type: ignore[arg-type]
        scores = best.user_attrs.get(CV_SCORES)
        if not isinstance(scores, (list, tuple)) or len(scores) < 2:
            raise InvalidArgumentError(
                f"CrossValidationErrorEvaluator: trial {best.number} has no fold scores; "
                "compute the objective with ts.cv_score(...) or call "
                "report_cross_validation_scores(trial, scores), or give "
                "Terminator(error_evaluator=StaticErrorEvaluator(constant))"
            )
        k = len(scores)
        variance = float(np.var(np.asarray(scores, dtype=float), ddof=1))
        return math.sqrt(variance * (1.0 / k + 1.0 / (k - 1)))

    def __repr__(self) -> str:
        return "CrossValidationErrorEvaluator()"


class StaticErrorEvaluator:
    """A fixed noise level, in the objective's units."""

    def __init__(self, constant: float) -> None:
        self.constant = check_number("constant", constant, owner="StaticErrorEvaluator", minimum=0)

    def evaluate(self, trials: Sequence[FrozenTrial], direction: Direction) -> float:
        return self.constant

    def __repr__(self) -> str:
        return f"StaticErrorEvaluator({self.constant})"


def report_cross_validation_scores(trial: Any, scores: Sequence[float]) -> None:
    """Keep a trial's fold scores for :class:`CrossValidationErrorEvaluator`."""
    values = [float(score) for score in scores]
    if len(values) < 2:
        raise InvalidArgumentError(
            f"report_cross_validation_scores: at least 2 fold scores are needed, got {values}"
        )
    trial.set_user_attr(CV_SCORES, values)


class Terminator:
    """Whether a study should stop: once at least ``min_n_trials`` trials completed, when
    the improvement still plausible (``improvement_evaluator``, the GP regret bound by
    default) is smaller than the objective's noise (``error_evaluator``: the
    cross-validation error by default), as Optuna's ``Terminator``.

    Example:
        >>> import tunesmith as ts
        >>> study = ts.create_study(sampler="random", seed=0)
        >>> study.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2, n_trials=25)
        >>> Terminator(error_evaluator=StaticErrorEvaluator(0.5)).should_terminate(study)
        True
    """

    def __init__(
        self,
        improvement_evaluator: Evaluator | None = None,
        error_evaluator: Evaluator | None = None,
        min_n_trials: int = 20,
    ) -> None:
        owner = "Terminator"
        for name, value in (("improvement_evaluator", improvement_evaluator),
                            ("error_evaluator", error_evaluator)):  # fmt: skip
            if value is not None:
                check_instance(name, value, "evaluate", owner=owner, kind="evaluator")
        self.improvement_evaluator = improvement_evaluator or RegretBoundEvaluator()
        self.error_evaluator = error_evaluator or CrossValidationErrorEvaluator()
        self.min_n_trials = check_int("min_n_trials", min_n_trials, owner=owner, minimum=2)

    def should_terminate(self, study: Study) -> bool:
        trials = study.get_trials(states=[TrialState.COMPLETE])
        if len(trials) < self.min_n_trials:
            return False
        improvement = self.improvement_evaluator.evaluate(trials, study.direction)
        error = self.error_evaluator.evaluate(trials, study.direction)
        return improvement < error

    def __repr__(self) -> str:
        return (
            f"Terminator({self.improvement_evaluator!r}, {self.error_evaluator!r}, "
            f"min_n_trials={self.min_n_trials})"
        )


class TerminatorCallback:
    """``optimize(callbacks=[TerminatorCallback()])``: stop the study when its
    :class:`Terminator` says so."""

    def __init__(self, terminator: Terminator | None = None) -> None:
        self.terminator = terminator or Terminator()

    def __call__(self, study: Study, trial: FrozenTrial) -> None:
        if self.terminator.should_terminate(study):
            study.stop()
