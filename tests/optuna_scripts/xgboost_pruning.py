"""Prune XGBoost boosting runs with the pruning callback (as in Optuna's XGBoost
integration examples), through xgboost.train and xgboost.cv."""

import numpy as np
import sklearn.datasets
import sklearn.metrics
import xgboost as xgb
from sklearn.model_selection import train_test_split

import tunesmith as optuna


def objective(trial):
    data, target = sklearn.datasets.load_breast_cancer(return_X_y=True)
    train_x, valid_x, train_y, valid_y = train_test_split(
        data, target, test_size=0.25, random_state=0
    )
    dtrain = xgb.DMatrix(train_x, label=train_y)
    dvalid = xgb.DMatrix(valid_x, label=valid_y)
    param = {
        "verbosity": 0,
        "objective": "binary:logistic",
        "eval_metric": "auc",
        "nthread": 1,
        "eta": trial.suggest_float("eta", 1e-3, 0.5, log=True),
        "max_depth": trial.suggest_int("max_depth", 1, 9),
        "lambda": trial.suggest_float("lambda", 1e-8, 1.0, log=True),
    }
    pruning_callback = optuna.integration.XGBoostPruningCallback(trial, "validation-auc")
    bst = xgb.train(
        param, dtrain, num_boost_round=50, evals=[(dvalid, "validation")],
        callbacks=[pruning_callback], verbose_eval=False,
    )  # fmt: skip
    preds = bst.predict(dvalid)
    return sklearn.metrics.roc_auc_score(valid_y, preds)


def cv_objective(trial):
    data, target = sklearn.datasets.load_breast_cancer(return_X_y=True)
    param = {
        "verbosity": 0,
        "objective": "binary:logistic",
        "eval_metric": "auc",
        "nthread": 1,
        "eta": trial.suggest_float("eta", 1e-3, 0.5, log=True),
        "max_depth": trial.suggest_int("max_depth", 1, 9),
    }
    pruning_callback = optuna.integration.XGBoostPruningCallback(trial, "test-auc")
    history = xgb.cv(
        param, xgb.DMatrix(data, label=target), num_boost_round=30, nfold=3, seed=0,
        callbacks=[pruning_callback],
    )  # fmt: skip
    return float(np.max(history["test-auc-mean"]))


if __name__ == "__main__":
    study = optuna.create_study(
        pruner=optuna.pruners.MedianPruner(n_warmup_steps=5),
        direction="maximize",
        sampler=optuna.samplers.TPESampler(seed=0),
    )
    study.optimize(objective, n_trials=30)
    pruned = study.get_trials(states=[optuna.trial.TrialState.PRUNED])
    print(f"{len(pruned)} of 30 pruned; best AUC {study.best_value:.4f}")
    assert len(pruned) >= 3 and study.best_value > 0.98
    assert all(5 <= t.last_step < 49 for t in pruned)

    cv_study = optuna.create_study(
        pruner=optuna.pruners.MedianPruner(n_warmup_steps=5), direction="maximize"
    )
    cv_study.optimize(cv_objective, n_trials=12)
    assert cv_study.best_value > 0.97 and len(cv_study.trials[0].intermediate_values) == 30
    print(f"cv: best AUC {cv_study.best_value:.4f}")
