"""The models a search chooses among, portfolio or user-given, as one kind of thing.

A candidate turns a trial's parameters into a pipeline (preprocessing, then the model)
and names its parameters in the study: ``model`` picks the candidate, then
``<candidate>.<parameter>`` are that candidate's own, and ``<candidate>.scaler`` its
feature scaling where it has one. ``imputer`` is shared by all, and only in the space when
some number is missing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sklearn.base import clone
from sklearn.pipeline import Pipeline

import tunesmith as ts
from tunesmith.automl._columns import IMPUTERS, SCALERS, Columns, preprocessor
from tunesmith.automl._portfolio import PORTFOLIO, Context, Model

MODEL = "model"
IMPUTER = "imputer"
_PROBABILITY_METRICS = {
    "neg_log_loss",
    "neg_brier_score",
    "roc_auc_ovr",
    "roc_auc_ovo",
    "roc_auc_ovr_weighted",
    "roc_auc_ovo_weighted",
}


@dataclass(frozen=True)
class Candidate:
    """A model of the portfolio (``model``) or one the user gave (``estimator``)."""

    name: str
    space: Mapping[str, ts.Distribution]
    model: Model | None = None
    estimator: Any = None

    @property
    def scale(self) -> bool:
        return self.model is None or self.model.scale

    def suggest(self, trial: ts.Trial, columns: Columns) -> dict[str, Any]:
        """This candidate's parameters (unprefixed), the preprocessing's included."""
        params = {name: trial.suggest(f"{self.name}.{name}", d) for name, d in self.space.items()}
        if self.scale:
            params["scaler"] = trial.suggest_categorical(f"{self.name}.scaler", list(SCALERS))
        if columns.missing_numbers:
            params["imputer"] = trial.suggest_categorical(IMPUTER, list(IMPUTERS))
        return params

    def defaults(self, context: Context) -> dict[str, Any]:
        """The study parameters of scikit-learn's defaults (what is evaluated first)."""
        params: dict[str, Any] = {MODEL: self.name}
        if self.model is not None:
            values = self.model.defaults(context)
            params.update({f"{self.name}.{k}": v for k, v in values.items() if k in self.space})
        if self.scale:
            params[f"{self.name}.scaler"] = "standard"
        return params

    def pipeline(self, params: Mapping[str, Any], columns: Columns, context: Context) -> Any:
        own = {k: v for k, v in params.items() if k not in ("scaler", "imputer")}
        if self.model is not None:
            estimator = self.model.build(own, context)
        else:
            estimator = clone(self.estimator).set_params(**own)
        prepare = preprocessor(
            columns,
            scaler=params.get("scaler"),
            imputer=params.get("imputer", "mean"),
            ordinal=self.model is not None and self.model.ordinal,
        )
        return Pipeline([("preprocess", prepare), ("model", estimator)])


def needs_probabilities(scoring: str) -> bool:
    return scoring in _PROBABILITY_METRICS


def candidates(
    models: Sequence[Any] | None, classification: bool, scoring: str, owner: str
) -> list[Candidate]:
    """The candidates for ``models`` (None: the default portfolio for the task), cheapest
    portfolio model first, in the order given otherwise."""
    task = "classification" if classification else "regression"
    fits = {model.name: model for model in PORTFOLIO if task in model.tasks}
    known = [model.name for model in PORTFOLIO if task in model.tasks]
    if models is None:
        return [Candidate(m.name, m.parameters(classification), model=m) for m in fits.values()]
    if not isinstance(models, (list, tuple)) or not models:
        raise ts.InvalidArgumentError(
            f"{owner}: `models` must be None (the default portfolio) or a non-empty list of "
            f"portfolio names ({', '.join(known)}) and (name, estimator, space) tuples, but "
            f"got {models!r}"
        )
    chosen: list[Candidate] = []
    for item in models:
        candidate = _candidate(item, fits, known, classification, scoring, owner)
        if any(c.name == candidate.name for c in chosen):
            raise ts.InvalidArgumentError(f"{owner}: `models` names {candidate.name!r} twice")
        chosen.append(candidate)
    return chosen


def _candidate(
    item: Any,
    fits: Mapping[str, Model],
    known: Sequence[str],
    classification: bool,
    scoring: str,
    owner: str,
) -> Candidate:
    if isinstance(item, str):
        if item in fits:
            return Candidate(item, fits[item].parameters(classification), model=fits[item])
        raise ts.InvalidArgumentError(
            f"{owner}: `models` entries must be one of {', '.join(known)} or a (name, "
            f"estimator, space) tuple, but got {item!r}"
        )
    if not (isinstance(item, tuple) and len(item) == 3 and isinstance(item[0], str)):
        raise ts.InvalidArgumentError(
            f"{owner}: a user model must be a (name, estimator, space) tuple, e.g. "
            f"('svc', SVC(), {{'C': ts.Float(1e-2, 1e2, log=True)}}), but got {item!r}"
        )
    name, estimator, space = item
    if not name or "." in name or name in (MODEL, IMPUTER):
        raise ts.InvalidArgumentError(
            f"{owner}: a model's name must be non-empty, without '.', and not {MODEL!r} or "
            f"{IMPUTER!r}, but got {name!r}"
        )
    if isinstance(estimator, type) or not callable(getattr(estimator, "fit", None)):
        raise ts.InvalidArgumentError(
            f"{owner}: the model {name!r} must come with an estimator object (with fit), "
            f"but got {estimator!r}"
        )
    if needs_probabilities(scoring) and not hasattr(estimator, "predict_proba"):
        raise ts.InvalidArgumentError(
            f"{owner}: the model {name!r} ({type(estimator).__name__}) gives no probabilities, "
            f"which the metric {scoring!r} needs (for SVC: SVC(probability=True))"
        )
    parsed = ts.parse_space(space) if space else {}
    unknown = sorted(set(parsed) - set(estimator.get_params()))
    if unknown:
        raise ts.InvalidArgumentError(
            f"{owner}: the space of {name!r} names {unknown}, which are not parameters of "
            f"{type(estimator).__name__}"
        )
    return Candidate(name, parsed, estimator=estimator)
