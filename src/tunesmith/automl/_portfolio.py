"""The default portfolio: scikit-learn models, each with its space and its defaults.

Each model is a :class:`Model`: a name, a function that builds the estimator from a
trial's parameters, the space of those parameters, the parameters that reproduce
scikit-learn's defaults (evaluated first, cheapest model first), and what its inputs need
(scaled features; categories one-hot or as ordinal codes).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sklearn import ensemble, linear_model, naive_bayes, neighbors, neural_network, svm
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import TransformedTargetRegressor
from sklearn.preprocessing import StandardScaler

import tunesmith as ts

Builder = Callable[[Mapping[str, Any], "Context"], Any]


@dataclass(frozen=True)
class Context:
    """What a builder needs besides the parameters."""

    classification: bool
    seed: int | None
    width: int  # features after one-hot encoding, for gamma = 1 / width ("scale")
    threads: int = 1  # a forest's n_jobs


@dataclass(frozen=True)
class Model:
    """One model of a portfolio.

    Attributes:
        name: Its name in the leaderboard and in the study's parameters.
        build: ``build(params, context)`` -> an unfitted estimator.
        space: Its parameters, by name (the study prefixes them with ``name.``).
        defaults: Values of ``space`` that give scikit-learn's defaults (may depend on
            the data: a function of the context).
        scale: The features should be scaled (linear models, kernels, distances, MLPs).
        ordinal: Categories as ordinal codes (trees) rather than one-hot columns.
        tasks: "classification", "regression" or both.
        regression_only: Parameters of ``space`` that only regressors have.
    """

    name: str
    build: Builder
    space: Mapping[str, ts.Distribution]
    defaults: Callable[[Context], dict[str, Any]] = lambda context: {}
    scale: bool = False
    ordinal: bool = False
    tasks: frozenset[str] = field(default_factory=lambda: frozenset({"classification"}))
    regression_only: tuple[str, ...] = ()

    def parameters(self, classification: bool) -> dict[str, ts.Distribution]:
        """Its space for the task."""
        return {
            name: distribution
            for name, distribution in self.space.items()
            if not (classification and name in self.regression_only)
        }


_BOTH = frozenset({"classification", "regression"})
_C = ts.Float(1e-3, 1e3, log=True)


def _scaled_target(estimator: Any) -> Any:
    """A regressor that sees the target standardized (SVR's epsilon, an MLP's loss)."""
    return TransformedTargetRegressor(regressor=estimator, transformer=StandardScaler())


def _naive_bayes(p: Mapping[str, Any], c: Context) -> Any:
    return naive_bayes.GaussianNB(var_smoothing=p["var_smoothing"])


def _logistic(p: Mapping[str, Any], c: Context) -> Any:
    return linear_model.LogisticRegression(C=p["C"], max_iter=2000)


def _ridge(p: Mapping[str, Any], c: Context) -> Any:
    return linear_model.Ridge(alpha=p["alpha"])


def _linear_svm(p: Mapping[str, Any], c: Context) -> Any:
    if c.classification:
        # Platt-scaled on 3 folds, so that it has predict_proba like every classifier here
        return CalibratedClassifierCV(svm.LinearSVC(C=p["C"], max_iter=5000), cv=3)
    return _scaled_target(svm.LinearSVR(C=p["C"], max_iter=5000))


def _knn(p: Mapping[str, Any], c: Context) -> Any:
    kind = neighbors.KNeighborsClassifier if c.classification else neighbors.KNeighborsRegressor
    return kind(n_neighbors=p["n_neighbors"], weights=p["weights"], p=p["p"])


def _kernel_svm(p: Mapping[str, Any], c: Context) -> Any:
    if c.classification:
        # probability=True: predict_proba by Platt scaling on internal folds (slower fits)
        return svm.SVC(C=p["C"], gamma=p["gamma"], probability=True, random_state=c.seed)
    return _scaled_target(svm.SVR(C=p["C"], gamma=p["gamma"], epsilon=p["epsilon"]))


def _forest(kind: str) -> Builder:
    def build(p: Mapping[str, Any], c: Context) -> Any:
        name = f"{kind}{'Classifier' if c.classification else 'Regressor'}"
        return getattr(ensemble, name)(
            n_estimators=p["n_estimators"],
            max_features=p["max_features"],
            min_samples_leaf=p["min_samples_leaf"],
            random_state=c.seed,
            n_jobs=c.threads,
        )

    return build


def _boosting(p: Mapping[str, Any], c: Context) -> Any:
    kind = (
        ensemble.HistGradientBoostingClassifier
        if c.classification
        else ensemble.HistGradientBoostingRegressor
    )
    return kind(
        learning_rate=p["learning_rate"],
        max_leaf_nodes=p["max_leaf_nodes"],
        min_samples_leaf=p["min_samples_leaf"],
        l2_regularization=p["l2_regularization"],
        max_iter=p["max_iter"],
        random_state=c.seed,
    )


def _mlp(p: Mapping[str, Any], c: Context) -> Any:
    arguments = {
        "hidden_layer_sizes": (p["hidden_units"],),
        "alpha": p["alpha"],
        "learning_rate_init": p["learning_rate_init"],
        "early_stopping": True,  # stops when a held-out tenth of its data stops improving
        "max_iter": 300,
        "random_state": c.seed,
    }
    if c.classification:
        return neural_network.MLPClassifier(**arguments)
    return _scaled_target(neural_network.MLPRegressor(**arguments))


_FOREST_SPACE: dict[str, ts.Distribution] = {
    "n_estimators": ts.Int(20, 300, log=True),
    "max_features": ts.Categorical(["sqrt", "log2", 0.5, 1.0]),
    "min_samples_leaf": ts.Int(1, 20, log=True),
}


def _forest_defaults(c: Context) -> dict[str, Any]:
    # scikit-learn's: sqrt for classifiers, every feature for regressors.
    return {
        "n_estimators": 100,
        "max_features": "sqrt" if c.classification else 1.0,
        "min_samples_leaf": 1,
    }


# Cheapest first: the order in which the defaults are tried.
PORTFOLIO: tuple[Model, ...] = (
    Model(
        "naive_bayes",
        _naive_bayes,
        {"var_smoothing": ts.Float(1e-12, 1e-1, log=True)},
        lambda c: {"var_smoothing": 1e-9},
    ),
    Model("logistic_regression", _logistic, {"C": _C}, lambda c: {"C": 1.0}, scale=True),
    Model(
        "ridge",
        _ridge,
        {"alpha": ts.Float(1e-3, 1e3, log=True)},
        lambda c: {"alpha": 1.0},
        scale=True,
        tasks=frozenset({"regression"}),
    ),
    Model(
        "knn",
        _knn,
        {
            "n_neighbors": ts.Int(1, 50, log=True),
            "weights": ts.Categorical(["uniform", "distance"]),
            "p": ts.Categorical([1, 2]),
        },
        lambda c: {"n_neighbors": 5, "weights": "uniform", "p": 2},
        scale=True,
        tasks=_BOTH,
    ),
    Model(
        "linear_svm",
        _linear_svm,
        {"C": _C},
        lambda c: {"C": 1.0},
        scale=True,
        tasks=_BOTH,
    ),
    Model(
        "hist_gradient_boosting",
        _boosting,
        {
            "learning_rate": ts.Float(0.01, 1.0, log=True),
            "max_leaf_nodes": ts.Int(4, 128, log=True),
            "min_samples_leaf": ts.Int(2, 100, log=True),
            "l2_regularization": ts.Float(1e-6, 10.0, log=True),
            "max_iter": ts.Int(30, 500, log=True),
        },
        lambda c: {
            "learning_rate": 0.1,
            "max_leaf_nodes": 31,
            "min_samples_leaf": 20,
            "l2_regularization": 1e-6,  # scikit-learn's 0, at the bottom of a log range
            "max_iter": 100,
        },
        ordinal=True,
        tasks=_BOTH,
    ),
    Model(
        "extra_trees",
        _forest("ExtraTrees"),
        _FOREST_SPACE,
        _forest_defaults,
        ordinal=True,
        tasks=_BOTH,
    ),
    Model(
        "random_forest",
        _forest("RandomForest"),
        _FOREST_SPACE,
        _forest_defaults,
        ordinal=True,
        tasks=_BOTH,
    ),
    Model(
        "mlp",
        _mlp,
        {
            "hidden_units": ts.Int(16, 256, log=True),
            "alpha": ts.Float(1e-6, 1e-1, log=True),
            "learning_rate_init": ts.Float(1e-4, 1e-1, log=True),
        },
        lambda c: {"hidden_units": 100, "alpha": 1e-4, "learning_rate_init": 1e-3},
        scale=True,
        tasks=_BOTH,
    ),
    Model(
        "svm",
        _kernel_svm,
        {
            "C": ts.Float(1e-2, 1e3, log=True),
            "gamma": ts.Float(1e-5, 10.0, log=True),
            "epsilon": ts.Float(1e-3, 1.0, log=True),
        },
        # gamma="scale" is 1 / (width * variance), and scaled features have variance 1.
        lambda c: {"C": 1.0, "gamma": min(max(1.0 / c.width, 1e-5), 10.0), "epsilon": 0.1},
        scale=True,
        tasks=_BOTH,
        regression_only=("epsilon",),
    ),
)
