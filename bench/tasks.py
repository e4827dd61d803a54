"""Tasks of the sampler-quality benchmark (bench/quality.py): spaces and objectives.

A task is a search space (a small tree of parameters: a categorical parameter may open a
branch of further parameters for some of its choices) and a function of the flat dict of
the parameters that are active. Every optimizer sees the same tree, translated by the
adapters in ``quality.py`` into its own space language; the objective code is the same
for all of them. Every objective is deterministic (the real tasks fix their folds and
the models' ``random_state``), so "best seen" is an exact value.

Synthetic tasks know their optimum value ``optimum`` (simple regret = best seen - optimum);
real tasks do not (``optimum = None``).

Synthetic functions whose optimum sits at the centre of the box or on a grid of round
numbers (Rosenbrock at (1, ..., 1), Ackley at 0) are shifted: their optimum is moved to a
fixed point drawn once from a seeded generator, each coordinate at 15-35 % or 65-85 % of
its range (never the centre, never a round number). Branin and Hartmann-6 keep their
textbook form: their optima are already off the centre and off any grid.
"""

from __future__ import annotations

import functools
import itertools
import math
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

# --- the space language -------------------------------------------------------------------


@dataclass(frozen=True)
class Float:
    name: str
    low: float
    high: float
    log: bool = False


@dataclass(frozen=True)
class Int:
    name: str
    low: int
    high: int
    log: bool = False


@dataclass(frozen=True)
class Cat:
    """A categorical parameter; ``branches[choice]`` are the parameters that exist only
    when ``choice`` is taken (a conditional space). Choices are strings."""

    name: str
    choices: tuple[str, ...]
    branches: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)


Param = Float | Int | Cat
Space = tuple[Param, ...]


def suggest_params(trial: Any, space: Space) -> dict[str, Any]:
    """Walk ``space`` with a define-by-run trial (tunesmith's or Optuna's: same calls)."""
    params: dict[str, Any] = {}

    def walk(nodes: Space) -> None:
        for p in nodes:
            if isinstance(p, Float):
                params[p.name] = trial.suggest_float(p.name, p.low, p.high, log=p.log)
            elif isinstance(p, Int):
                params[p.name] = trial.suggest_int(p.name, p.low, p.high, log=p.log)
            else:
                value = trial.suggest_categorical(p.name, list(p.choices))
                params[p.name] = value
                walk(p.branches.get(value, ()))

    walk(space)
    return params


def active_params(space: Space, values: Mapping[str, Any]) -> dict[str, Any]:
    """The active parameters of a flat assignment of every parameter (for optimizers that
    have no conditional spaces: they set every parameter, the objective sees the active)."""
    params: dict[str, Any] = {}

    def walk(nodes: Space) -> None:
        for p in nodes:
            params[p.name] = values[p.name]
            if isinstance(p, Cat):
                walk(p.branches.get(values[p.name], ()))

    walk(space)
    return params


def all_params(space: Space) -> Iterator[Param]:
    """Every parameter of the tree, depth first."""
    for p in space:
        yield p
        if isinstance(p, Cat):
            for choice in p.choices:
                yield from all_params(p.branches.get(choice, ()))


def random_params(space: Space, rng: np.random.Generator) -> dict[str, Any]:
    """One uniform draw (log-uniform where asked) from the tree: plain random search,
    independent of every library."""
    params: dict[str, Any] = {}

    def walk(nodes: Space) -> None:
        for p in nodes:
            if isinstance(p, Float):
                if p.log:
                    value = math.exp(rng.uniform(math.log(p.low), math.log(p.high)))
                else:
                    value = rng.uniform(p.low, p.high)
                params[p.name] = float(min(max(value, p.low), p.high))
            elif isinstance(p, Int):
                if p.log:
                    lo, hi = math.log(p.low - 0.5 if p.low > 0.5 else p.low), math.log(p.high + 0.5)
                    value = round(math.exp(rng.uniform(lo, hi)))
                else:
                    value = int(rng.integers(p.low, p.high + 1))
                params[p.name] = int(min(max(value, p.low), p.high))
            else:
                value = p.choices[int(rng.integers(len(p.choices)))]
                params[p.name] = value
                walk(p.branches.get(value, ()))

    walk(space)
    return params


@dataclass(frozen=True)
class Task:
    name: str
    kind: str  # "synthetic" or "real"
    space: Space
    fn: Callable[[dict[str, Any]], float]
    description: str
    optimum_fn: Callable[[], float] | None = None
    #: "dev": tasks changes were measured on while developing; "held": set aside, only
    #: ever reported (to see whether a change generalizes)
    half: str = "dev"

    @functools.cached_property
    def optimum(self) -> float | None:
        return None if self.optimum_fn is None else float(self.optimum_fn())

    @property
    def dims(self) -> int:
        return sum(1 for _ in all_params(self.space))


# --- synthetic functions --------------------------------------------------------------------


def _shifted_optimum(
    dims: int, low: float, high: float, seed: int, near: tuple[float, float] = (0.15, 0.35)
) -> np.ndarray:
    """A fixed point with each coordinate at 15-35 % or 65-85 % of [low, high] (or as
    far from an end as ``near`` says)."""
    rng = np.random.default_rng(seed)
    u = rng.uniform(*near, dims)
    u = np.where(rng.random(dims) < 0.5, u, 1.0 - u)
    return low + u * (high - low)


def branin(p: Mapping[str, float]) -> float:
    x1, x2 = p["x1"], p["x2"]
    b, c = 5.1 / (4 * math.pi**2), 5 / math.pi
    return (x2 - b * x1**2 + c * x1 - 6) ** 2 + 10 * (1 - 1 / (8 * math.pi)) * math.cos(x1) + 10


_H6_A = np.array(
    [
        [10, 3, 17, 3.5, 1.7, 8],
        [0.05, 10, 17, 0.1, 8, 14],
        [3, 3.5, 1.7, 10, 17, 8],
        [17, 8, 0.05, 10, 0.1, 14],
    ]
)
_H6_P = 1e-4 * np.array(
    [
        [1312, 1696, 5569, 124, 8283, 5886],
        [2329, 4135, 8307, 3736, 1004, 9991],
        [2348, 1451, 3522, 2883, 3047, 6650],
        [4047, 8828, 8732, 5743, 1091, 381],
    ]
)
_H_ALPHA = np.array([1.0, 1.2, 3.0, 3.2])


def hartmann6(p: Mapping[str, float]) -> float:
    x = np.array([p[f"x{i}"] for i in range(6)])
    return float(-(_H_ALPHA * np.exp(-(_H6_A * (x - _H6_P) ** 2).sum(axis=1))).sum())


_ROSEN_OPT = _shifted_optimum(10, -5.0, 10.0, seed=101)
_ACKLEY_OPT = _shifted_optimum(10, -5.0, 10.0, seed=202)


def rosenbrock10(p: Mapping[str, float]) -> float:
    z = np.array([p[f"x{i}"] for i in range(10)]) - _ROSEN_OPT + 1.0  # optimum: z = 1
    return float((100.0 * (z[1:] - z[:-1] ** 2) ** 2 + (1.0 - z[:-1]) ** 2).sum())


def _ackley(z: np.ndarray) -> float:
    """Ackley's function, minimum 0 at z = 0."""
    d = len(z)
    return float(
        -20.0 * math.exp(-0.2 * math.sqrt((z * z).sum() / d))
        - math.exp(np.cos(2 * math.pi * z).sum() / d)
        + 20.0
        + math.e
    )


def ackley10(p: Mapping[str, float]) -> float:
    return _ackley(np.array([p[f"x{i}"] for i in range(10)]) - _ACKLEY_OPT)


_LEVY10_OPT = _shifted_optimum(10, -10.0, 10.0, seed=303)
_LEVY20_OPT = _shifted_optimum(20, -10.0, 10.0, seed=404)
_ACKLEY20_OPT = _shifted_optimum(20, -5.0, 10.0, seed=505)
_ROSEN20_OPT = _shifted_optimum(20, -5.0, 10.0, seed=606)
_STYBLINSKI_OPT = _shifted_optimum(10, -5.0, 5.0, seed=707)


def _levy(z: np.ndarray) -> float:
    """Levy's function, minimum 0 at z = 1 (Laguna & Martí 2005)."""
    w = 1.0 + (z - 1.0) / 4.0
    head = math.sin(math.pi * w[0]) ** 2
    body = ((w[:-1] - 1.0) ** 2 * (1.0 + 10.0 * np.sin(math.pi * w[:-1] + 1.0) ** 2)).sum()
    tail = (w[-1] - 1.0) ** 2 * (1.0 + math.sin(2.0 * math.pi * w[-1]) ** 2)
    return float(head + body + tail)


def _vector(p: Mapping[str, float], dims: int) -> np.ndarray:
    return np.array([p[f"x{i}"] for i in range(dims)])


def levy10(p: Mapping[str, float]) -> float:
    return _levy(_vector(p, 10) - _LEVY10_OPT + 1.0)


def levy20(p: Mapping[str, float]) -> float:
    return _levy(_vector(p, 20) - _LEVY20_OPT + 1.0)


def ackley20(p: Mapping[str, float]) -> float:
    return _ackley(_vector(p, 20) - _ACKLEY20_OPT)


def rosenbrock20(p: Mapping[str, float]) -> float:
    z = _vector(p, 20) - _ROSEN20_OPT + 1.0
    return float((100.0 * (z[1:] - z[:-1] ** 2) ** 2 + (1.0 - z[:-1]) ** 2).sum())


# Far from the centre: a start at the centre of the box (nevergrad's NGOpt, which runs
# COBYLA from there in 10-20 dimensions; "auto"'s star design in 10+ parameters) is no
# help when the optimum lies near an end of every range (issue 11).
_ACKLEY_FAR_OPT = _shifted_optimum(10, -5.0, 10.0, seed=808, near=(0.03, 0.10))
_LEVY_FAR_OPT = _shifted_optimum(10, -10.0, 10.0, seed=909, near=(0.03, 0.10))


def ackley10_far(p: Mapping[str, float]) -> float:
    return _ackley(_vector(p, 10) - _ACKLEY_FAR_OPT)


def levy10_far(p: Mapping[str, float]) -> float:
    return _levy(_vector(p, 10) - _LEVY_FAR_OPT + 1.0)


# Styblinski-Tang's minimum is at z_i = -2.903534 in each coordinate: shifted so that it
# lies at the fixed point instead.
_ST_ARGMIN = -2.903534027771178


def styblinski10(p: Mapping[str, float]) -> float:
    z = _vector(p, 10) - _STYBLINSKI_OPT + _ST_ARGMIN
    return float(
        0.5 * (z**4 - 16 * z**2 + 5 * z).sum()
        - 10 * 0.5 * (_ST_ARGMIN**4 - 16 * _ST_ARGMIN**2 + 5 * _ST_ARGMIN)
    )


# Mixed space 1: a neural-network-training-like loss. The learning rate's best value depends
# on the optimizer and on the batch size (a linear-scaling rule: an int-float interaction);
# weight decay's and depth's best values depend on the activation; optimizer x activation
# have offsets with an interaction; a learning rate far above its best diverges (a plateau).
_NN_LR = {"sgd": -0.73, "momentum": -1.61, "adam": -3.17}
_NN_CURV = {"sgd": 0.9, "momentum": 0.6, "adam": 0.35}
_NN_WD = {"relu": -4.3, "tanh": -5.2, "sigmoid": -3.1, "gelu": -4.7}
_NN_DEPTH = {"relu": 4.3, "tanh": 2.6, "sigmoid": 1.7, "gelu": 5.4}
_NN_OPT_OFF = {"sgd": 0.12, "momentum": 0.04, "adam": 0.0}
_NN_ACT_OFF = {"relu": 0.03, "tanh": 0.10, "sigmoid": 0.25, "gelu": 0.0}
_NN_PAIR = {("adam", "gelu"): 0.06, ("sgd", "sigmoid"): 0.2, ("momentum", "tanh"): -0.05}

MIXED_NN_SPACE: Space = (
    Float("lr", 1e-5, 1.0, log=True),
    Float("weight_decay", 1e-7, 1e-1, log=True),
    Int("batch", 8, 512, log=True),
    Int("layers", 1, 8),
    Cat("optimizer", ("sgd", "momentum", "adam")),
    Cat("activation", ("relu", "tanh", "sigmoid", "gelu")),
)


def mixed_nn(p: Mapping[str, Any]) -> float:
    opt, act = p["optimizer"], p["activation"]
    a, w, b = math.log10(p["lr"]), math.log10(p["weight_decay"]), math.log2(p["batch"])
    a_best = _NN_LR[opt] + 0.3 * (b - 6.0)
    if a > a_best + 1.5:
        return 2.3  # diverged
    q = (
        _NN_CURV[opt] * (a - a_best) ** 2
        + 0.08 * (w - _NN_WD[act]) ** 2
        + 0.05 * (p["layers"] - _NN_DEPTH[act]) ** 2
        + 0.03 * (b - 5.35) ** 2
    )
    offset = _NN_OPT_OFF[opt] + _NN_ACT_OFF[act] + _NN_PAIR.get((opt, act), 0.0)
    return 0.1 + offset + 0.5 * math.log1p(q)


def _mixed_nn_optimum() -> float:
    best = math.inf
    for opt, act, batch, layers in itertools.product(_NN_LR, _NN_WD, range(8, 513), range(1, 9)):
        a_best = _NN_LR[opt] + 0.3 * (math.log2(batch) - 6.0)
        lr = 10 ** min(max(a_best, -5.0), 0.0)
        params = {
            "lr": lr,
            "weight_decay": 10 ** _NN_WD[act],
            "batch": batch,
            "layers": layers,
            "optimizer": opt,
            "activation": act,
        }
        best = min(best, mixed_nn(params))
    return best


# Mixed space 2: a Hartmann-type multimodal function of three floats (one on a log scale)
# and an int, whose landscape a categorical reshapes: each "variant" moves the four basins
# (a different fixed shift of the Hartmann-4 centres) and the "boost" flag reweights them,
# so which basin is global depends on the categories.
_HM_A = np.array([[10, 3, 17, 3.5], [0.05, 10, 17, 0.1], [3, 3.5, 1.7, 10], [17, 8, 0.05, 10]])
_HM_P = _H6_P[:, :4]
_HM_SHIFT = {
    v: np.random.default_rng(300 + i).uniform(-0.25, 0.25, 4) for i, v in enumerate("ABCD")
}
_HM_OFF = {"A": 0.3, "B": 0.0, "C": 0.15, "D": 0.45}
_HM_ALPHA = {"off": _H_ALPHA, "on": np.array([1.0, 3.4, 1.2, 2.6])}

MIXED_HARTMANN_SPACE: Space = (
    Float("x0", 0.0, 1.0),
    Float("x1", 1e-3, 1.0, log=True),
    Float("x2", 0.0, 1.0),
    Int("k", 0, 15),
    Cat("variant", ("A", "B", "C", "D")),
    Cat("boost", ("off", "on")),
)


def _mixed_hartmann_unit(u: np.ndarray, variant: str, boost: str) -> np.ndarray:
    """The function on unit coordinates u (m, 4)."""
    centres = np.mod(_HM_P + _HM_SHIFT[variant], 1.0)
    inner = (_HM_A[None] * (u[:, None, :] - centres[None]) ** 2).sum(axis=2)
    return -(_HM_ALPHA[boost][None] * np.exp(-inner)).sum(axis=1) + _HM_OFF[variant]


def mixed_hartmann(p: Mapping[str, Any]) -> float:
    u = np.array([[p["x0"], (math.log10(p["x1"]) + 3.0) / 3.0, p["x2"], p["k"] / 15.0]])
    return float(_mixed_hartmann_unit(u, p["variant"], p["boost"])[0])


def _mixed_hartmann_optimum() -> float:
    from scipy import optimize

    grid = np.stack(np.meshgrid(*[np.linspace(0, 1, 41)] * 3, indexing="ij"), -1).reshape(-1, 3)
    best = math.inf
    for variant, boost, k in itertools.product("ABCD", ("off", "on"), range(16)):
        u = np.hstack([grid, np.full((len(grid), 1), k / 15.0)])
        values = _mixed_hartmann_unit(u, variant, boost)

        def f(v: np.ndarray, k: int = k, variant: str = variant, boost: str = boost) -> float:
            return float(_mixed_hartmann_unit(np.append(v, k / 15.0)[None], variant, boost)[0])

        for start in grid[np.argsort(values)[:5]]:
            res = optimize.minimize(
                f,
                start,
                method="L-BFGS-B",
                bounds=[(0.0, 1.0)] * 3,
            )
            best = min(best, float(res.fun), float(values.min()))
    return best


# Conditional space: which model, then that model's parameters; the net branch has a nested
# branch (momentum only for sgd). The best branch (net) is narrow and looks worst at random
# points; the linear branch is easy but mediocre; the tree branch is in between.
CONDITIONAL_SPACE: Space = (
    Cat(
        "model",
        ("linear", "tree", "net"),
        {
            "linear": (Float("lin_alpha", 1e-6, 1e2, log=True), Float("lin_l1_ratio", 0.0, 1.0)),
            "tree": (
                Int("tree_depth", 1, 20),
                Int("tree_min_leaf", 1, 100, log=True),
                Float("tree_max_features", 0.05, 1.0),
            ),
            "net": (
                Float("net_lr", 1e-5, 1e-1, log=True),
                Int("net_layers", 1, 5),
                Int("net_width", 16, 1024, log=True),
                Float("net_dropout", 0.0, 0.8),
                Cat("net_optimizer", ("sgd", "adam"), {"sgd": (Float("net_momentum", 0.0, 0.99),)}),
            ),
        },
    ),
)


def conditional(p: Mapping[str, Any]) -> float:
    model = p["model"]
    if model == "linear":
        return (
            0.31
            + 0.02 * (math.log10(p["lin_alpha"]) + 1.37) ** 2
            + 0.05 * (p["lin_l1_ratio"] - 0.23) ** 2
        )
    if model == "tree":
        return (
            0.17
            + 0.004 * (p["tree_depth"] - 11.6) ** 2
            + 0.03 * (math.log2(p["tree_min_leaf"]) - 2.3) ** 2
            + 0.4 * (p["tree_max_features"] - 0.37) ** 2
        )
    sgd = p["net_optimizer"] == "sgd"
    lr_best = -1.9 if sgd else -3.4
    q = (
        ((math.log10(p["net_lr"]) - lr_best) / 0.4) ** 2
        + ((p["net_layers"] - 3.3) / 1.5) ** 2
        + ((math.log2(p["net_width"]) - 8.2) / 1.5) ** 2
        + ((p["net_dropout"] - 0.27) / 0.2) ** 2
    )
    if sgd:
        q += ((p["net_momentum"] - 0.93) / 0.08) ** 2
    return 0.05 + (0.02 if sgd else 0.0) + 0.6 * (1.0 - math.exp(-0.5 * q))


def _conditional_optimum() -> float:
    linear = 0.31
    tree = min(
        conditional(
            {"model": "tree", "tree_depth": d, "tree_min_leaf": m, "tree_max_features": 0.37}
        )
        for d in range(1, 21)
        for m in range(1, 101)
    )
    net = min(
        conditional(
            {
                "model": "net",
                "net_lr": 10 ** (-1.9 if o == "sgd" else -3.4),
                "net_layers": n,
                "net_width": w,
                "net_dropout": 0.27,
                "net_optimizer": o,
                "net_momentum": 0.93,
            }
        )
        for n in range(1, 6)
        for w in range(16, 1025)
        for o in ("sgd", "adam")
    )
    return min(linear, tree, net)


# --- real tasks: scikit-learn models, 3-fold cross-validated loss ------------------------------


@functools.cache
def _data(name: str) -> tuple[np.ndarray, np.ndarray]:
    from sklearn import datasets

    if name == "digits":
        x, y = datasets.load_digits(return_X_y=True)
        # a fixed stratified-enough subset of 900 images, keeps the SVM and MLP cheap
        order = np.random.default_rng(0).permutation(len(y))[:900]
        return x[order] / 16.0, y[order]
    if name == "digits300":  # a smaller subset for the forests
        x, y = _data("digits")
        return x[:300], y[:300]
    if name == "friedman":
        return datasets.make_friedman1(n_samples=200, noise=1.0, random_state=0)
    if name == "friedman30":  # 5 informative features and 25 of noise: sparsity pays
        return datasets.make_friedman1(n_samples=200, n_features=30, noise=1.0, random_state=1)
    loader = {
        "iris": datasets.load_iris,
        "wine": datasets.load_wine,
        "breast_cancer": datasets.load_breast_cancer,
        "diabetes": datasets.load_diabetes,
    }[name]
    return loader(return_X_y=True)


REGRESSION_DATA = ("diabetes", "friedman", "friedman30")


def _cv_loss(model: Any, data: str, scoring: str) -> float:
    """Mean 3-fold CV loss (fixed folds): log loss, error rate or 1 - R²."""
    from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score

    x, y = _data(data)
    regression = data in REGRESSION_DATA
    folds = (KFold if regression else StratifiedKFold)(3, shuffle=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence warnings of small max_iter, by design
        scores = cross_val_score(model, x, y, cv=folds, scoring=scoring, error_score="raise")
    mean = float(np.mean(scores))
    if scoring == "accuracy":
        return 1.0 - mean
    if scoring == "r2":
        return 1.0 - mean
    return -mean  # neg_log_loss


def svm_digits(p: Mapping[str, Any]) -> float:
    from sklearn.svm import SVC

    return _cv_loss(SVC(C=p["C"], gamma=p["gamma"]), "digits", "accuracy")


def rf_wine(p: Mapping[str, Any]) -> float:
    from sklearn.ensemble import RandomForestClassifier

    model = RandomForestClassifier(
        n_estimators=p["n_estimators"],
        max_depth=p["max_depth"],
        min_samples_leaf=p["min_samples_leaf"],
        max_features=p["max_features"],
        criterion=p["criterion"],
        random_state=0,
        n_jobs=1,
    )
    return _cv_loss(model, "wine", "neg_log_loss")


def gb_breast_cancer(p: Mapping[str, Any]) -> float:
    from sklearn.ensemble import GradientBoostingClassifier

    model = GradientBoostingClassifier(
        n_estimators=p["n_estimators"],
        learning_rate=p["learning_rate"],
        max_depth=p["max_depth"],
        subsample=p["subsample"],
        min_samples_leaf=p["min_samples_leaf"],
        random_state=0,
    )
    return _cv_loss(model, "breast_cancer", "neg_log_loss")


def mlp_digits(p: Mapping[str, Any]) -> float:
    from sklearn.neural_network import MLPClassifier

    model = MLPClassifier(
        hidden_layer_sizes=(p["hidden"],),
        alpha=p["alpha"],
        learning_rate_init=p["learning_rate_init"],
        activation=p["activation"],
        batch_size=p["batch_size"],
        max_iter=20,
        random_state=0,
    )
    return _cv_loss(model, "digits", "neg_log_loss")


def _scaler(name: str) -> Any:
    from sklearn import preprocessing

    return {
        "none": "passthrough",
        "standard": preprocessing.StandardScaler(),
        "minmax": preprocessing.MinMaxScaler(),
        "robust": preprocessing.RobustScaler(),
    }[name]


def knn_breast_cancer(p: Mapping[str, Any]) -> float:
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import make_pipeline

    model = make_pipeline(
        _scaler(p["scaler"]),
        KNeighborsClassifier(n_neighbors=p["n_neighbors"], weights=p["weights"], p=int(p["p"])),
    )
    return _cv_loss(model, "breast_cancer", "neg_log_loss")


def lasso_diabetes(p: Mapping[str, Any]) -> float:
    from sklearn.linear_model import ElasticNet
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import PolynomialFeatures, StandardScaler

    model = make_pipeline(
        PolynomialFeatures(int(p["degree"]), include_bias=False),
        StandardScaler(),
        ElasticNet(alpha=p["alpha"], l1_ratio=p["l1_ratio"], max_iter=2000, tol=1e-3),
    )
    return _cv_loss(model, "diabetes", "r2")


def cash_breast_cancer(p: Mapping[str, Any]) -> float:
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVC

    kind = p["classifier"]
    if kind == "logreg":
        model = make_pipeline(StandardScaler(), LogisticRegression(C=p["lr_C"], max_iter=300))
    elif kind == "svm":
        model = make_pipeline(
            StandardScaler(),
            SVC(C=p["svm_C"], gamma=p["svm_gamma"], probability=True, random_state=0),
        )
    elif kind == "rf":
        model = RandomForestClassifier(
            n_estimators=p["rf_n_estimators"],
            max_depth=p["rf_max_depth"],
            max_features=p["rf_max_features"],
            random_state=0,
            n_jobs=1,
        )
    else:
        model = make_pipeline(
            StandardScaler(),
            KNeighborsClassifier(n_neighbors=p["knn_n_neighbors"], weights=p["knn_weights"]),
        )
    return _cv_loss(model, "breast_cancer", "neg_log_loss")


# --- more real tasks: model families and losses the first seven do not cover ---------------
# Decision trees and forests whose parameters are mostly integers with wide flat plateaus,
# L1 penalties that are flat over most of their log range, boosting, kNN, SVR, MLP.


def dt_breast_cancer(p: Mapping[str, Any]) -> float:
    from sklearn.tree import DecisionTreeClassifier

    model = DecisionTreeClassifier(
        max_depth=p["max_depth"],
        min_samples_split=p["min_samples_split"],
        min_samples_leaf=p["min_samples_leaf"],
        max_features=p["max_features"],
        criterion=p["criterion"],
        random_state=0,
    )
    return _cv_loss(model, "breast_cancer", "accuracy")


def dt_diabetes(p: Mapping[str, Any]) -> float:
    from sklearn.tree import DecisionTreeRegressor

    model = DecisionTreeRegressor(
        max_depth=p["max_depth"],
        min_samples_leaf=p["min_samples_leaf"],
        max_leaf_nodes=p["max_leaf_nodes"],
        ccp_alpha=p["ccp_alpha"],
        random_state=0,
    )
    return _cv_loss(model, "diabetes", "r2")


def rf_digits(p: Mapping[str, Any]) -> float:
    from sklearn.ensemble import RandomForestClassifier

    model = RandomForestClassifier(
        n_estimators=p["n_estimators"],
        max_depth=p["max_depth"],
        min_samples_split=p["min_samples_split"],
        min_samples_leaf=p["min_samples_leaf"],
        max_features=p["max_features"],
        random_state=0,
        n_jobs=1,
    )
    return _cv_loss(model, "digits300", "accuracy")


def et_wine(p: Mapping[str, Any]) -> float:
    from sklearn.ensemble import ExtraTreesClassifier

    model = ExtraTreesClassifier(
        n_estimators=p["n_estimators"],
        max_depth=p["max_depth"],
        min_samples_leaf=p["min_samples_leaf"],
        max_features=p["max_features"],
        bootstrap=p["bootstrap"] == "yes",
        random_state=0,
        n_jobs=1,
    )
    return _cv_loss(model, "wine", "neg_log_loss")


def hgb_breast_cancer(p: Mapping[str, Any]) -> float:
    from sklearn.ensemble import HistGradientBoostingClassifier

    model = HistGradientBoostingClassifier(
        learning_rate=p["learning_rate"],
        max_iter=p["max_iter"],
        max_leaf_nodes=p["max_leaf_nodes"],
        min_samples_leaf=p["min_samples_leaf"],
        l2_regularization=p["l2_regularization"],
        early_stopping=False,
        random_state=0,
    )
    return _cv_loss(model, "breast_cancer", "neg_log_loss")


def gbr_friedman(p: Mapping[str, Any]) -> float:
    from sklearn.ensemble import GradientBoostingRegressor

    model = GradientBoostingRegressor(
        n_estimators=p["n_estimators"],
        learning_rate=p["learning_rate"],
        max_depth=p["max_depth"],
        subsample=p["subsample"],
        loss=p["loss"],
        random_state=0,
    )
    return _cv_loss(model, "friedman", "r2")


def ada_breast_cancer(p: Mapping[str, Any]) -> float:
    from sklearn.ensemble import AdaBoostClassifier
    from sklearn.tree import DecisionTreeClassifier

    model = AdaBoostClassifier(
        DecisionTreeClassifier(max_depth=p["max_depth"], random_state=0),
        n_estimators=p["n_estimators"],
        learning_rate=p["learning_rate"],
        random_state=0,
    )
    return _cv_loss(model, "breast_cancer", "neg_log_loss")


def knn_wine(p: Mapping[str, Any]) -> float:
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import make_pipeline

    model = make_pipeline(
        _scaler(p["scaler"]),
        KNeighborsClassifier(n_neighbors=p["n_neighbors"], weights=p["weights"], p=p["p"]),
    )
    return _cv_loss(model, "wine", "neg_log_loss")


def knn_diabetes(p: Mapping[str, Any]) -> float:
    from sklearn.neighbors import KNeighborsRegressor
    from sklearn.pipeline import make_pipeline

    model = make_pipeline(
        _scaler(p["scaler"]),
        KNeighborsRegressor(n_neighbors=p["n_neighbors"], weights=p["weights"], p=p["p"]),
    )
    return _cv_loss(model, "diabetes", "r2")


def svr_diabetes(p: Mapping[str, Any]) -> float:
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVR

    model = make_pipeline(StandardScaler(), SVR(C=p["C"], gamma=p["gamma"], epsilon=p["epsilon"]))
    return _cv_loss(model, "diabetes", "r2")


def l1_logreg_breast_cancer(p: Mapping[str, Any]) -> float:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    model = make_pipeline(
        StandardScaler(),
        LogisticRegression(
            C=p["C"], l1_ratio=1.0, solver="liblinear", intercept_scaling=p["intercept_scaling"]
        ),
    )
    return _cv_loss(model, "breast_cancer", "neg_log_loss")


def lasso_friedman(p: Mapping[str, Any]) -> float:
    from sklearn.linear_model import Lasso
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import PolynomialFeatures, StandardScaler

    model = make_pipeline(
        PolynomialFeatures(p["degree"], include_bias=False),
        StandardScaler(),
        Lasso(alpha=p["alpha"], max_iter=1000, tol=1e-3),
    )
    return _cv_loss(model, "friedman30", "r2")


def sgd_breast_cancer(p: Mapping[str, Any]) -> float:
    from sklearn.linear_model import SGDClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    model = make_pipeline(
        StandardScaler(),
        SGDClassifier(
            loss="log_loss",
            penalty="elasticnet",
            alpha=p["alpha"],
            l1_ratio=p["l1_ratio"],
            learning_rate=p["schedule"],
            eta0=p["eta0"],
            max_iter=30,
            tol=None,
            random_state=0,
        ),
    )
    return _cv_loss(model, "breast_cancer", "neg_log_loss")


def mlp_breast_cancer(p: Mapping[str, Any]) -> float:
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    model = make_pipeline(
        StandardScaler(),
        MLPClassifier(
            hidden_layer_sizes=(p["units1"], p["units2"]),
            alpha=p["alpha"],
            learning_rate_init=p["learning_rate_init"],
            activation=p["activation"],
            max_iter=15,
            random_state=0,
        ),
    )
    return _cv_loss(model, "breast_cancer", "neg_log_loss")


# --- the registry ---------------------------------------------------------------------------


def _box(dims: int, low: float, high: float) -> Space:
    return tuple(Float(f"x{i}", low, high) for i in range(dims))


TASKS: dict[str, Task] = {
    t.name: t
    for t in [
        Task(
            "branin",
            "synthetic",
            (Float("x1", -5.0, 10.0), Float("x2", 0.0, 15.0)),
            branin,
            "Branin, textbook domain (3 global minima, none at the centre)",
            lambda: 0.397887357729739,
        ),
        Task(
            "hartmann6",
            "synthetic",
            _box(6, 0.0, 1.0),
            hartmann6,
            "Hartmann-6 on [0,1]^6, textbook form",
            lambda: -3.322368011391339,
        ),
        Task(
            "rosenbrock10",
            "synthetic",
            _box(10, -5.0, 10.0),
            rosenbrock10,
            "Rosenbrock-10 on [-5,10]^10, optimum shifted off-centre and off-grid",
            lambda: 0.0,
        ),
        Task(
            "ackley10",
            "synthetic",
            _box(10, -5.0, 10.0),
            ackley10,
            "Ackley-10 on [-5,10]^10, optimum shifted off-centre and off-grid",
            lambda: 0.0,
        ),
        Task(
            "mixed_nn",
            "synthetic",
            MIXED_NN_SPACE,
            mixed_nn,
            "mixed: 2 log floats, 2 ints (one log), 2 categoricals that move the optimum",
            _mixed_nn_optimum,
        ),
        Task(
            "mixed_hartmann",
            "synthetic",
            MIXED_HARTMANN_SPACE,
            mixed_hartmann,
            "mixed: Hartmann-4 type, 3 floats (1 log) + int; 2 categoricals reshape the basins",
            _mixed_hartmann_optimum,
        ),
        Task(
            "conditional",
            "synthetic",
            CONDITIONAL_SPACE,
            conditional,
            "conditional: model -> 3 branches (2-5 params), nested sgd -> momentum",
            _conditional_optimum,
        ),
        Task(
            "svm_digits",
            "real",
            (Float("C", 1e-3, 1e3, log=True), Float("gamma", 1e-6, 1.0, log=True)),
            svm_digits,
            "SVC (RBF) on digits (900 images), CV error rate",
        ),
        Task(
            "rf_wine",
            "real",
            (
                Int("n_estimators", 10, 60),
                Int("max_depth", 1, 10),
                Int("min_samples_leaf", 1, 20),
                Float("max_features", 0.05, 1.0),
                Cat("criterion", ("gini", "entropy")),
            ),
            rf_wine,
            "random forest on wine, CV log loss",
        ),
        Task(
            "gb_breast_cancer",
            "real",
            (
                Int("n_estimators", 10, 80),
                Float("learning_rate", 1e-3, 1.0, log=True),
                Int("max_depth", 1, 5),
                Float("subsample", 0.4, 1.0),
                Int("min_samples_leaf", 1, 50, log=True),
            ),
            gb_breast_cancer,
            "gradient boosting on breast_cancer, CV log loss",
        ),
        Task(
            "mlp_digits",
            "real",
            (
                Int("hidden", 8, 128, log=True),
                Float("alpha", 1e-6, 1.0, log=True),
                Float("learning_rate_init", 1e-4, 0.3, log=True),
                Cat("activation", ("relu", "tanh", "logistic")),
                Int("batch_size", 16, 256, log=True),
            ),
            mlp_digits,
            "MLP (1 hidden layer, 20 epochs) on digits (900), CV log loss",
        ),
        Task(
            "knn_breast_cancer",
            "real",
            (
                Cat("scaler", ("none", "standard", "minmax", "robust")),
                Int("n_neighbors", 1, 60),
                Cat("weights", ("uniform", "distance")),
                Cat("p", ("1", "2")),
            ),
            knn_breast_cancer,
            "kNN + scaler on breast_cancer, CV log loss (all discrete)",
        ),
        Task(
            "lasso_diabetes",
            "real",
            (
                Int("degree", 1, 3),
                Float("alpha", 1e-5, 10.0, log=True),
                Float("l1_ratio", 0.01, 1.0),
            ),
            lasso_diabetes,
            "polynomial features + elastic net on diabetes, CV 1 - R^2",
        ),
        Task(
            "cash_breast_cancer",
            "real",
            (
                Cat(
                    "classifier",
                    ("logreg", "svm", "rf", "knn"),
                    {
                        "logreg": (Float("lr_C", 1e-4, 1e4, log=True),),
                        "svm": (
                            Float("svm_C", 1e-3, 1e3, log=True),
                            Float("svm_gamma", 1e-5, 1.0, log=True),
                        ),
                        "rf": (
                            Int("rf_n_estimators", 10, 60),
                            Int("rf_max_depth", 1, 12),
                            Float("rf_max_features", 0.05, 1.0),
                        ),
                        "knn": (
                            Int("knn_n_neighbors", 1, 50),
                            Cat("knn_weights", ("uniform", "distance")),
                        ),
                    },
                ),
            ),
            cash_breast_cancer,
            "conditional: classifier choice + its parameters on breast_cancer, CV log loss",
        ),
        Task(
            "ackley20",
            "synthetic",
            _box(20, -5.0, 10.0),
            ackley20,
            "Ackley-20 on [-5,10]^20, optimum shifted off-centre and off-grid",
            lambda: 0.0,
        ),
        Task(
            "dt_breast_cancer",
            "real",
            (
                Int("max_depth", 1, 30),
                Int("min_samples_split", 2, 40),
                Int("min_samples_leaf", 1, 40),
                Float("max_features", 0.1, 1.0),
                Cat("criterion", ("gini", "entropy")),
            ),
            dt_breast_cancer,
            "decision tree on breast_cancer, CV error rate (integer plateaus)",
        ),
        Task(
            "et_wine",
            "real",
            (
                Int("n_estimators", 5, 20),
                Int("max_depth", 1, 15),
                Int("min_samples_leaf", 1, 30),
                Float("max_features", 0.05, 1.0),
                Cat("bootstrap", ("no", "yes")),
            ),
            et_wine,
            "extra trees on wine, CV log loss",
        ),
        Task(
            "gbr_friedman",
            "real",
            (
                Int("n_estimators", 10, 40),
                Float("learning_rate", 1e-3, 1.0, log=True),
                Int("max_depth", 1, 5),
                Float("subsample", 0.3, 1.0),
                Cat("loss", ("squared_error", "huber")),
            ),
            gbr_friedman,
            "gradient boosting regression on Friedman #1 (200 points), CV 1 - R^2",
        ),
        Task(
            "knn_diabetes",
            "real",
            (
                Cat("scaler", ("none", "standard", "minmax", "robust")),
                Int("n_neighbors", 1, 80),
                Cat("weights", ("uniform", "distance")),
                Int("p", 1, 3),
            ),
            knn_diabetes,
            "kNN regression + scaler on diabetes, CV 1 - R^2 (all discrete)",
        ),
        Task(
            "lasso_friedman",
            "real",
            (Int("degree", 1, 2), Float("alpha", 1e-5, 1e2, log=True)),
            lasso_friedman,
            "polynomial features + Lasso on Friedman #1 with 25 noise features, CV 1 - R^2 "
            "(flat over most of the alpha range)",
        ),
        # --- the held-out half: reported, never used to choose a change ---
        Task(
            "levy10",
            "synthetic",
            _box(10, -10.0, 10.0),
            levy10,
            "Levy-10 on [-10,10]^10, optimum shifted off-centre and off-grid",
            lambda: 0.0,
            half="held",
        ),
        Task(
            "levy20",
            "synthetic",
            _box(20, -10.0, 10.0),
            levy20,
            "Levy-20 on [-10,10]^20, optimum shifted off-centre and off-grid",
            lambda: 0.0,
            half="held",
        ),
        Task(
            "rosenbrock20",
            "synthetic",
            _box(20, -5.0, 10.0),
            rosenbrock20,
            "Rosenbrock-20 on [-5,10]^20, optimum shifted off-centre and off-grid",
            lambda: 0.0,
            half="held",
        ),
        Task(
            "styblinski10",
            "synthetic",
            _box(10, -5.0, 5.0),
            styblinski10,
            "Styblinski-Tang-10 on [-5,5]^10, optimum shifted off-grid (0 at the optimum)",
            lambda: 0.0,
            half="held",
        ),
        Task(
            "ackley10_far",
            "synthetic",
            _box(10, -5.0, 10.0),
            ackley10_far,
            "Ackley-10 on [-5,10]^10, optimum 3-10 % of the range from an end of each",
            lambda: 0.0,
            half="held",
        ),
        Task(
            "levy10_far",
            "synthetic",
            _box(10, -10.0, 10.0),
            levy10_far,
            "Levy-10 on [-10,10]^10, optimum 3-10 % of the range from an end of each",
            lambda: 0.0,
            half="held",
        ),
        Task(
            "dt_diabetes",
            "real",
            (
                Int("max_depth", 1, 20),
                Int("min_samples_leaf", 1, 60),
                Int("max_leaf_nodes", 2, 100),
                Float("ccp_alpha", 1e-5, 1e3, log=True),
            ),
            dt_diabetes,
            "decision tree regression on diabetes, CV 1 - R^2 (integer plateaus, flat ccp)",
            half="held",
        ),
        Task(
            "rf_digits",
            "real",
            (
                Int("n_estimators", 5, 15),
                Int("max_depth", 1, 25),
                Int("min_samples_split", 2, 30),
                Int("min_samples_leaf", 1, 20),
                Int("max_features", 1, 64),
            ),
            rf_digits,
            "random forest on digits (300), CV error rate, integers only",
            half="held",
        ),
        Task(
            "hgb_breast_cancer",
            "real",
            (
                Float("learning_rate", 1e-3, 1.0, log=True),
                Int("max_iter", 5, 30),
                Int("max_leaf_nodes", 2, 64, log=True),
                Int("min_samples_leaf", 1, 60),
                Float("l2_regularization", 1e-6, 10.0, log=True),
            ),
            hgb_breast_cancer,
            "histogram gradient boosting on breast_cancer, CV log loss",
            half="held",
        ),
        Task(
            "ada_breast_cancer",
            "real",
            (
                Int("n_estimators", 5, 25),
                Float("learning_rate", 1e-3, 3.0, log=True),
                Int("max_depth", 1, 3),
            ),
            ada_breast_cancer,
            "AdaBoost (trees) on breast_cancer, CV log loss",
            half="held",
        ),
        Task(
            "knn_wine",
            "real",
            (
                Cat("scaler", ("none", "standard", "minmax", "robust")),
                Int("n_neighbors", 1, 60),
                Cat("weights", ("uniform", "distance")),
                Int("p", 1, 3),
            ),
            knn_wine,
            "kNN + scaler on wine, CV log loss (all discrete)",
            half="held",
        ),
        Task(
            "svr_diabetes",
            "real",
            (
                Float("C", 1e-2, 1e4, log=True),
                Float("gamma", 1e-5, 1.0, log=True),
                Float("epsilon", 1e-3, 10.0, log=True),
            ),
            svr_diabetes,
            "SVR (RBF) on diabetes, CV 1 - R^2",
            half="held",
        ),
        Task(
            "l1_logreg_breast_cancer",
            "real",
            (
                Float("C", 1e-4, 1e4, log=True),
                Float("intercept_scaling", 0.1, 10.0, log=True),
            ),
            l1_logreg_breast_cancer,
            "L1 logistic regression on breast_cancer, CV log loss (flat below C ~ 0.01)",
            half="held",
        ),
        Task(
            "sgd_breast_cancer",
            "real",
            (
                Float("alpha", 1e-6, 1.0, log=True),
                Float("l1_ratio", 0.0, 1.0),
                Cat("schedule", ("optimal", "invscaling", "adaptive")),
                Float("eta0", 1e-4, 1.0, log=True),
            ),
            sgd_breast_cancer,
            "elastic-net SGD logistic regression on breast_cancer, CV log loss",
            half="held",
        ),
        Task(
            "mlp_breast_cancer",
            "real",
            (
                Int("units1", 4, 64, log=True),
                Int("units2", 2, 32, log=True),
                Float("alpha", 1e-6, 1.0, log=True),
                Float("learning_rate_init", 1e-4, 0.3, log=True),
                Cat("activation", ("relu", "tanh")),
            ),
            mlp_breast_cancer,
            "MLP (2 hidden layers, 15 epochs) on breast_cancer, CV log loss",
            half="held",
        ),
    ]
}

#: The real tasks that cost too much for a run on 2 shared cores (0.5-2 s an evaluation
#: there): defined, run on request (``--tasks``), left out of ``--suite real``/``all``.
COSTLY = ("svm_digits", "rf_wine", "gb_breast_cancer", "mlp_digits", "cash_breast_cancer")

SYNTHETIC = [name for name, t in TASKS.items() if t.kind == "synthetic"]
REAL = [name for name, t in TASKS.items() if t.kind == "real" and name not in COSTLY]
