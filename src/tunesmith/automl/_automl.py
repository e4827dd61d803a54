"""``ts.AutoML``: the model and its hyperparameters chosen together, in a time budget.

Auto-WEKA's combined problem (Thornton et al. 2013): one study whose first parameter is
the model, and each model's own parameters (its preprocessing included) conditional on
it. The defaults of every model are tried first, cheapest first; then the sampler
proposes. Each configuration is scored by successive halving over data subsets (ASHA,
Li et al. 2020): on a ninth of the rows, then a third, then all, stopped at a rung unless
among the best third there. Every fit runs in a worker process with the time left as its
deadline (``_worker``), so a slow fit is stopped rather than overrunning the budget, and
time is kept back for refitting the winner on all the data.
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError
from sklearn.metrics import get_scorer, get_scorer_names
from sklearn.utils.multiclass import type_of_target

import tunesmith as ts
from tunesmith import errors, validation
from tunesmith.automl._candidates import MODEL, Candidate, candidates
from tunesmith.automl._columns import Columns
from tunesmith.automl._ensemble import (
    PER_MODEL,
    POOL,
    Ensemble,
    Member,
    select,
    selection_seconds,
)
from tunesmith.automl._plan import Plan, make_plan
from tunesmith.automl._portfolio import Context
from tunesmith.automl._worker import Job, Outcome, Worker

_OWNER = "AutoML"
_ALIASES = {
    "log_loss": "neg_log_loss",
    "mse": "neg_mean_squared_error",
    "rmse": "neg_root_mean_squared_error",
    "mae": "neg_mean_absolute_error",
}
# Refitting on all rows costs more than the last fit on a part of them; this much more
# (fits grow faster than linearly in rows for kernels and some trees).
_REFIT_SAFETY = 2.0
_MARGIN = 0.01  # of the budget, kept for the bookkeeping after the last fit
# Kept back for the ensemble selection's scoring: twice what it measures (the load
# varies), at least 1% of the budget and at most 10%. A fixed 1% ran out on a loaded
# machine after a few of its 20 rounds (a scorer call takes milliseconds), and the
# ensemble was whatever those rounds had picked.
_ENSEMBLE_SHARE = (0.01, 0.1)
_ENSEMBLE_SAFETY = 2.0
_MAX_AUTO_CLASSES = 20


@dataclass
class _Best:
    """The best configuration at full budget so far."""

    trial: int
    score: float
    candidate: Candidate
    params: dict[str, Any]
    fit_seconds: float  # its fits at full budget, all folds
    overhead: float  # its full-budget job's seconds beyond the fits (sending, scoring)
    models: tuple[Any, ...]  # its fold models: the fallback if the refit cannot finish


@dataclass
class _Search:
    """One fit's state."""

    X: Any
    y: Any
    columns: Columns
    context: Context
    plan: Plan
    scoring: str
    candidates: dict[str, Candidate]
    worker: Worker
    end: float
    classes: np.ndarray | None  # classification: the labels, sorted
    ensemble_seconds: float  # kept back for choosing an ensemble (0: no ensemble)
    best: _Best | None = None
    records: list[dict[str, Any]] = field(default_factory=list)
    pool: list[Member] = field(default_factory=list)  # the best, for the ensemble
    refit: bool = True  # time is kept back for refitting the best (not once an ensemble won)

    def search_deadline(self) -> float:
        """When the search must stop so that the refit of the best fits in the budget."""
        if self.best is None:
            return self.end
        if not self.refit:
            return self.end - self.ensemble_seconds
        per_fold = self.best.fit_seconds / len(self.plan.folds)
        rows = len(self.y) / max(1, len(self.plan.folds[0][0]))
        # the refit's overhead (sending the job, pickling one model back) is less than
        # the best's own job's (three fold models pickled, predicting and scoring their
        # test rows), or a typical job's now if the load has grown since. A refit that
        # still overruns is stopped, and the best's fold models, averaged, are as good
        # (bench/RESULTS.md, "Fold models instead of a refit").
        overhead = max(self.best.overhead, self.worker.overhead)
        refit = _REFIT_SAFETY * per_fold * rows + overhead + 0.05
        return self.end - refit - self.ensemble_seconds


class AutoML(BaseEstimator):  # type: ignore[misc]
    """Choose a model and its hyperparameters for a data set, within a time budget.

    Args:
        task: "classification", "regression" or "auto" (from the target: numbers with
            many distinct values are a regression).
        time_budget: Seconds for the whole ``fit``, refit of the winner included. A fit
            that would overrun it is stopped.
        metric: A scikit-learn scoring name (greater is better), or "log_loss", "mse",
            "rmse", "mae" (minimized). Default: "accuracy" / "r2".
        models: None for the default portfolio (naive Bayes, logistic regression or ridge,
            kNN, linear SVM, histogram gradient boosting, extra trees, random forest, MLP,
            kernel SVM), or a list of its names and ``(name, estimator, space)`` tuples of
            your own (space: a dict as ``ts.parse_space`` takes, of the estimator's
            parameters; the estimator gets the numeric imputation, scaling and one-hot
            encoding of the portfolio's linear models).
        seed: Seeds the study, the folds and the models.
        ensemble: Also consider a weighted average of the best configurations, chosen by
            greedy ensemble selection on their out-of-fold predictions (Caruana et al.
            2004; the best 12, at most 3 of one model); it is the result when its
            out-of-fold score beats the best single configuration's. Its members predict
            with their fold models (no refit).
        n_jobs: Threads each fit may use (BLAS, OpenMP, and a forest's trees); -1 for one
            per CPU. Fits run one at a time.
        sampler: A tunesmith sampler or its name (default "tpe": cheap per trial, and
            models conditional spaces).
        progress_bar: Show one (None: when stderr is a terminal).

    Attributes:
        best_estimator_: The winner (preprocessing and model, a scikit-learn Pipeline),
            refitted on all the data; if the refit could not finish within the budget,
            its fold models averaged (``refitted_`` False; an ensemble of one member, or
            the first fold's model for a classifier without probabilities).
            When an ensemble won, the ensemble (``refitted_`` False: its members are
            their fold models).
        best_model_, best_params_, best_score_: The best single configuration's
            portfolio name, its parameters and its cross-validated (or hold-out) score.
        ensemble_: The ensemble's members as ``(trial, model name, weight)``, best first,
            and ``ensemble_score_`` its out-of-fold score; None when the best single
            configuration won and was refitted. Once an ensemble wins, the time kept back
            for the refit goes to more trials; if the best configuration alone wins
            after them, it is its fold models averaged (one member).
        leaderboard_: A pandas DataFrame, one row per configuration, best first.
        study_: The tunesmith study. ``classes_`` for classifiers.

    Example:
        >>> import tunesmith as ts
        >>> from sklearn.datasets import load_iris
        >>> X, y = load_iris(return_X_y=True)
        >>> automl = ts.AutoML(time_budget=4, seed=0, progress_bar=False).fit(X, y)
        >>> automl.score(X, y) > 0.9, automl.best_model_ in automl.leaderboard_["model"].values
        (True, True)
    """

    def __init__(
        self,
        *,
        task: str = "auto",
        time_budget: float = 60.0,
        metric: str | None = None,
        models: Sequence[Any] | None = None,
        seed: int | None = None,
        n_jobs: int = 1,
        sampler: Any = "tpe",
        progress_bar: bool | None = None,
        ensemble: bool = True,
    ) -> None:
        self.ensemble = ensemble
        self.n_jobs = n_jobs
        self.task = task
        self.time_budget = time_budget
        self.metric = metric
        self.models = models
        self.seed = seed
        self.sampler = sampler
        self.progress_bar = progress_bar

    # --- fit ---------------------------------------------------------------------------

    def fit(self, X: Any, y: Any) -> AutoML:
        """Search for ``time_budget`` seconds, then refit the best configuration on all
        of ``X, y``."""
        started = time.monotonic()
        budget = validation.check_number(
            "time_budget", self.time_budget, owner=_OWNER, minimum=0, strict_minimum=True
        )
        validation.check_optional_int("seed", self.seed, owner=_OWNER)
        task = validation.check_choice(
            "task", self.task, ("auto", "classification", "regression"), owner=_OWNER
        )
        if self.n_jobs != -1:
            validation.check_int("n_jobs", self.n_jobs, owner=_OWNER, minimum=1)
        threads = (os.cpu_count() or 1) if self.n_jobs == -1 else int(self.n_jobs)
        if self.progress_bar is not None:
            validation.check_bool("progress_bar", self.progress_bar, owner=_OWNER)
        validation.check_bool("ensemble", self.ensemble, owner=_OWNER)
        y = self._target(y, X)
        classification = self._classification(task, y)
        scoring = self._scoring(classification)
        columns = Columns.of(X, _OWNER)
        classes = np.unique(y) if classification else None
        chosen = candidates(self.models, classification, scoring, _OWNER)
        context = Context(classification, self.seed, columns.width, threads)
        study = ts.create_study(
            direction="maximize",
            sampler=self.sampler,
            pruner=ts.SuccessiveHalvingPruner(min_resource=1, reduction_factor=3),
            seed=self.seed,
        )
        for candidate in chosen:  # scikit-learn's defaults, cheapest first
            study.enqueue(candidate.defaults(context))
        plan = make_plan(y, classification, self.seed)
        search = _Search(
            X,
            y,
            columns,
            context,
            plan,
            scoring,
            {c.name: c for c in chosen},
            Worker(X, y, threads=threads),
            started + budget * (1 - _MARGIN),
            classes,
            self._ensemble_seconds(budget, y, plan, scoring, classes) if self.ensemble else 0.0,
        )
        bar = self._bar(budget)
        try:
            self._search(study, search, budget, started, bar)
            self._finish(study, search, budget, started, bar)
        finally:
            search.worker.close()
            if bar is not None:
                bar.close()
        self.study_ = study
        self.scorer_ = get_scorer(scoring)
        self.task_ = "classification" if classification else "regression"
        self.metric_ = scoring
        self._records = search.records
        self.fit_seconds_ = time.monotonic() - started
        return self

    def _target(self, y: Any, X: Any) -> np.ndarray:
        target = np.asarray(y)
        if target.ndim == 2 and target.shape[1] == 1:
            target = target.ravel()
        if target.ndim != 1:
            raise ts.InvalidArgumentError(
                f"{_OWNER}: `y` must be one column of targets, but got shape {target.shape}"
            )
        if len(target) != len(X):
            raise ts.InvalidArgumentError(
                f"{_OWNER}: `X` and `y` must have as many rows, but got {len(X)} and {len(target)}"
            )
        if len(target) < 20:
            raise ts.InvalidArgumentError(
                f"{_OWNER}: needs at least 20 rows to cross-validate, but got {len(target)}"
            )
        missing = target != target if target.dtype.kind == "f" else target == None  # noqa: E711
        if np.any(missing):
            raise ts.InvalidArgumentError(
                f"{_OWNER}: `y` has {int(np.sum(missing))} missing values; drop those rows"
            )
        return target

    def _classification(self, task: str, y: np.ndarray) -> bool:
        kind = type_of_target(y)
        if task == "auto":
            # Numbers with many distinct values are amounts, even when whole (counts,
            # prices): a regression. Text, booleans and a few distinct numbers are classes.
            many = y.dtype.kind in "iuf" and len(np.unique(y)) > _MAX_AUTO_CLASSES
            return not (kind == "continuous" or many)
        if task == "classification" and kind == "continuous":
            raise ts.InvalidArgumentError(
                f"{_OWNER}: task='classification' needs class labels, but `y` holds "
                f"continuous numbers (e.g. {y[:3].tolist()}); use task='regression'"
            )
        if task == "classification" and len(np.unique(y)) < 2:
            raise ts.InvalidArgumentError(f"{_OWNER}: `y` must have at least two classes")
        return task == "classification"

    @staticmethod
    def _ensemble_seconds(
        budget: float, y: np.ndarray, plan: Plan, scoring: str, classes: np.ndarray | None
    ) -> float:
        """Time kept back for the ensemble selection (see ``_ENSEMBLE_SHARE``)."""
        low, high = _ENSEMBLE_SHARE
        scored = np.concatenate([test for _, test in plan.folds])  # the out-of-fold rows
        needed = _ENSEMBLE_SAFETY * selection_seconds(y, scored, scoring, classes)
        return min(max(low * budget, needed), high * budget)

    def _scoring(self, classification: bool) -> str:
        if self.metric is None:
            return "accuracy" if classification else "r2"
        if not isinstance(self.metric, str):
            raise ts.InvalidArgumentError(
                f"{_OWNER}: `metric` must be a scikit-learn scoring name such as 'accuracy', "
                f"'roc_auc', 'r2', or one of {', '.join(_ALIASES)}, but got {self.metric!r}"
            )
        name = _ALIASES.get(self.metric, self.metric)
        if name not in get_scorer_names():
            raise ts.InvalidArgumentError(
                f"{_OWNER}: `metric` must be a scikit-learn scoring name (see "
                f"sklearn.metrics.get_scorer_names()) or one of {', '.join(_ALIASES)}, but got "
                f"{self.metric!r}"
            )
        return name

    # --- the search ----------------------------------------------------------------------

    def _search(
        self, study: ts.Study, search: _Search, budget: float, started: float, bar: Any
    ) -> None:
        while time.monotonic() < search.search_deadline():
            trial = study.ask()
            self._evaluate(study, trial, search)
            if bar is not None:
                bar.n = round(min(time.monotonic() - started, budget), 1)
                if search.best is not None:
                    bar.set_postfix_str(
                        f"best {search.best.score:.4g} ({search.best.candidate.name})",
                        refresh=False,
                    )
                bar.refresh()
        if search.best is None:
            raise ts.NoCompletedTrialError(
                f"{_OWNER}: no model finished within time_budget={self.time_budget} s; give "
                "a larger budget"
            )

    def _bar(self, budget: float) -> Any:
        shown = sys.stderr.isatty() if self.progress_bar is None else self.progress_bar
        if not shown:
            return None
        from tqdm.auto import tqdm

        return tqdm(total=round(budget, 1), unit="s", desc=_OWNER, bar_format=None)

    def _evaluate(self, study: ts.Study, trial: ts.Trial, search: _Search) -> None:
        name = trial.suggest_categorical(MODEL, list(search.candidates))
        candidate = search.candidates[name]
        params = candidate.suggest(trial, search.columns)
        pipeline = candidate.pipeline(params, search.columns, search.context)
        record: dict[str, Any] = {
            "trial": trial.number,
            "model": name,
            "params": params,
            "fit_seconds": 0.0,
        }
        search.records.append(record)
        score, models, fit_seconds = math.nan, (), 0.0
        predicts = search.ensemble_seconds > 0 and (
            search.classes is None or hasattr(pipeline, "predict_proba")
        )
        for step in search.plan.steps:
            full = step == search.plan.full_step
            job = Job(
                pipeline,
                search.plan.rows(step),
                search.scoring,
                keep=full,
                classes=search.classes if full and predicts else None,
                rows=len(search.y) if full and predicts and search.classes is None else None,
            )
            outcome = search.worker.run(job, self._time_for(trial.number, search))
            state = self._state(outcome)
            if outcome is None or state != "ok":
                record["state"] = state
                record["error"] = None if outcome is None else outcome.error
                study.tell(trial, state="fail" if math.isnan(score) else "pruned")
                return
            record["fit_seconds"] += outcome.fit_seconds
            score, models, fit_seconds = (
                float(np.mean(outcome.scores)),
                outcome.models,
                outcome.fit_seconds,
            )
            record.update(score=score, rows=search.plan.training_rows(step))
            if full and outcome.predictions is not None:
                self._pool(
                    search, Member(trial.number, name, score, outcome.predictions, outcome.models)
                )
            trial.report(score, step=step)
            if not full and trial.should_prune():
                record["state"] = "pruned"
                study.tell(trial, state="pruned")
                return
        record["state"] = "complete"
        study.tell(trial, score)
        if search.best is None or score > search.best.score:
            search.best = _Best(
                trial.number,
                score,
                candidate,
                params,
                fit_seconds,
                search.worker.last_overhead,
                models,
            )

    @staticmethod
    def _time_for(number: int, search: _Search) -> float:
        """Seconds a job may take: the search's time left, but while the defaults are
        tried (trials 0..k-1, one per model) a share of it, so that one slow model cannot
        take the time of all the others: half until some model has finished, then a
        quarter (a third, a half for the last ones)."""
        left = search.search_deadline() - time.monotonic()
        untried = len(search.candidates) - number
        if untried <= 0:
            return left
        return left / (min(untried, 2) if search.best is None else min(untried, 4))

    @staticmethod
    def _state(outcome: Outcome | None) -> str:
        if outcome is None:
            return "stopped"  # the deadline came first
        if outcome.error is not None or not all(map(math.isfinite, outcome.scores)):
            return "failed"
        return "ok"

    @staticmethod
    def _pool(search: _Search, member: Member) -> None:
        """Keep ``member`` among the best ``POOL`` for the ensemble, at most ``PER_MODEL``
        of each model (if its out-of-fold predictions are all numbers where there are
        any)."""
        covered = np.isfinite(member.predictions)
        if not np.array_equal(covered, ~np.isnan(member.predictions)) or not covered.any():
            return
        search.pool.append(member)
        search.pool.sort(key=lambda m: -m.score)
        kept: dict[str, int] = {}
        for other in list(search.pool):  # best first: the worst of a model go
            kept[other.name] = kept.get(other.name, 0) + 1
            if kept[other.name] > PER_MODEL:
                search.pool.remove(other)
        del search.pool[POOL:]

    def _ensemble(self, search: _Search) -> Ensemble | None:
        """The ensemble of the pool's best, if it beats the best configuration alone."""
        self.ensemble_, self.ensemble_score_ = None, math.nan
        if len(search.pool) < 2:
            return None
        # its time from now: the search's last job may end a little after the search's
        # deadline (a fit stopped at it takes ~0.1 s to kill under load), and the time
        # kept back is small now (1% of the budget: 0.15 s at 15 s). Counted from the
        # search's deadline, that was sometimes no round at all, and the best alone won.
        deadline = time.monotonic() + search.ensemble_seconds
        weights, score, alone = select(
            search.pool, search.y, search.scoring, search.classes, deadline
        )
        if len(weights) < 2 or not score > alone:
            return None
        members = [m for m in search.pool if m.trial in weights]
        self.ensemble_ = [(m.trial, m.name, weights[m.trial]) for m in members]
        self.ensemble_score_ = score
        return Ensemble([(m.models, float(weights[m.trial])) for m in members], search.classes)

    def _finish(
        self, study: ts.Study, search: _Search, budget: float, started: float, bar: Any
    ) -> None:
        """The result: an ensemble if one beats the best configuration, else the best
        refitted on all the rows. An ensemble needs no refit, so once one wins, the time
        kept back for the refit goes to more trials, and the ensemble is chosen again."""
        ensemble = self._ensemble(search)
        if ensemble is not None:
            search.refit = False
            self._search(study, search, budget, started, bar)
            ensemble = self._ensemble(search)
        best = search.best
        assert best is not None
        self.best_model_ = best.candidate.name
        self.best_params_ = dict(best.params)
        self.best_score_ = best.score
        self.best_trial_ = best.trial
        if ensemble is not None:
            self.best_estimator_, self.refitted_ = ensemble, False
        elif not search.refit:  # no time left to refit: the best's fold models, averaged
            self._bagged(best, search)
        else:
            self._refit(search)

    def _bagged(self, best: _Best, search: _Search) -> None:
        if search.classes is None or hasattr(best.models[0], "predict_proba"):
            self.ensemble_ = [(best.trial, best.candidate.name, 1)]
            self.best_estimator_ = Ensemble([(best.models, 1.0)], search.classes)
        else:
            self.best_estimator_ = best.models[0]
        self.refitted_ = False

    def _refit(self, search: _Search) -> None:
        best = search.best
        assert best is not None
        every_row = np.arange(len(search.y))
        pipeline = best.candidate.pipeline(best.params, search.columns, search.context)
        job = Job(pipeline, ((every_row, None),), search.scoring, keep=True)
        outcome = search.worker.run(job, search.end - time.monotonic(), last=True)
        if outcome is not None and outcome.error is None and outcome.model is not None:
            self.best_estimator_, self.refitted_ = outcome.model, True
        else:
            self._bagged(best, search)

    # --- results -----------------------------------------------------------------------

    @property
    def leaderboard_(self) -> Any:
        """One row per configuration tried: model, score (at the largest data subset it
        reached; greater is better), rows it was trained on, state (complete, pruned,
        stopped by the budget, failed), fit seconds, parameters. Best first."""
        self._fitted("leaderboard_")
        pandas: Any = errors.require_module("pandas", "pandas", "AutoML.leaderboard_")
        rows = [
            {
                "model": r["model"],
                "score": r.get("score", math.nan),
                "rows": r.get("rows", 0),
                "state": r["state"],
                "fit_seconds": r["fit_seconds"],
                "params": r["params"],
                "trial": r["trial"],
            }
            for r in self._records
        ]
        frame = pandas.DataFrame(
            rows, columns=["model", "score", "rows", "state", "fit_seconds", "params", "trial"]
        )
        complete = frame["state"] == "complete"
        frame = frame.assign(_complete=complete).sort_values(
            ["_complete", "rows", "score"], ascending=False, kind="stable"
        )
        return frame.drop(columns="_complete").reset_index(drop=True)

    def _fitted(self, what: str) -> Any:
        if not hasattr(self, "best_estimator_"):
            raise NotFittedError(
                f"This {_OWNER} instance is not fitted yet; call fit before {what}"
            )
        return self.best_estimator_

    def predict(self, X: Any) -> Any:
        """The winner's predictions."""
        return self._fitted("predict").predict(X)

    def predict_proba(self, X: Any) -> Any:
        """The winner's class probabilities (classification)."""
        model = self._fitted("predict_proba")
        if not hasattr(model, "predict_proba"):
            raise AttributeError(
                f"{_OWNER}: the winning model ({self.best_model_}) gives no probabilities; "
                "pass a probability metric such as metric='log_loss' to choose among models "
                "that do, or task='regression' for a numeric target"
            )
        return model.predict_proba(X)

    def score(self, X: Any, y: Any) -> float:
        """The metric of the winner on ``X, y`` (greater is better)."""
        return float(self.scorer_(self._fitted("score"), X, y))

    @property
    def classes_(self) -> Any:
        return self._fitted("classes_").classes_
