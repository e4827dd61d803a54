"""Prune LightGBM boosting runs whose validation score lags, with the pruning callback
(as in Optuna's LightGBM integration example), through lightgbm.train and lightgbm.cv."""

import lightgbm as lgb
import numpy as np
import sklearn.datasets
import sklearn.metrics
from sklearn.model_selection import train_test_split

import tunesmith as optuna


def objective(trial):
    data, target = sklearn.datasets.load_breast_cancer(return_X_y=True)
    train_x, valid_x, train_y, valid_y = train_test_split(
        data, target, test_size=0.25, random_state=0
    )
    dtrain = lgb.Dataset(train_x, label=train_y)
    dvalid = lgb.Dataset(valid_x, label=valid_y)
    param = {
        "objective": "binary",
        "metric": "auc",
        "verbosity": -1,
        "num_threads": 1,
        "learning_rate": trial.suggest_float("learning_rate", 1e-3, 0.3, log=True),
        "num_leaves": trial.suggest_int("num_leaves", 2, 64),
        "min_child_samples": trial.suggest_int("min_child_samples", 5, 100),
        "feature_fraction": trial.suggest_float("feature_fraction", 0.4, 1.0),
    }
    pruning_callback = optuna.integration.LightGBMPruningCallback(trial, "auc")
    gbm = lgb.train(
        param, dtrain, num_boost_round=60, valid_sets=[dvalid], callbacks=[pruning_callback]
    )
    preds = gbm.predict(valid_x)
    return sklearn.metrics.roc_auc_score(valid_y, preds)


def cv_objective(trial):
    data, target = sklearn.datasets.load_breast_cancer(return_X_y=True)
    param = {
        "objective": "binary",
        "metric": "binary_logloss",
        "verbosity": -1,
        "num_threads": 1,
        "learning_rate": trial.suggest_float("learning_rate", 1e-3, 0.3, log=True),
        "num_leaves": trial.suggest_int("num_leaves", 2, 64),
    }
    callback = optuna.integration.LightGBMPruningCallback(trial, "binary_logloss")
    result = lgb.cv(
        param,
        lgb.Dataset(data, label=target),
        num_boost_round=40,
        nfold=3,
        stratified=True,
        seed=0,
        callbacks=[callback],
    )
    return float(np.min(result["valid binary_logloss-mean"]))


if __name__ == "__main__":
    study = optuna.create_study(
        pruner=optuna.pruners.MedianPruner(n_warmup_steps=10),
        direction="maximize",
        sampler=optuna.samplers.TPESampler(seed=0),
    )
    study.optimize(objective, n_trials=30)
    pruned = study.get_trials(states=[optuna.trial.TrialState.PRUNED])
    complete = study.get_trials(states=[optuna.trial.TrialState.COMPLETE])
    print(f"{len(pruned)} pruned, {len(complete)} complete; best AUC {study.best_value:.4f}")
    assert len(pruned) >= 3 and study.best_value > 0.98
    for trial in pruned:  # stopped early, at the step it was pruned
        assert 10 <= trial.last_step < 59, trial.last_step

    cv_study = optuna.create_study(
        pruner=optuna.pruners.MedianPruner(n_warmup_steps=5),
        sampler=optuna.samplers.TPESampler(seed=0),
    )
    cv_study.optimize(cv_objective, n_trials=15)
    assert cv_study.best_value < 0.2 and len(cv_study.trials[0].intermediate_values) == 40

    # a metric that is better higher, in a study that minimizes, is an error
    wrong = optuna.create_study(direction="minimize")
    try:
        wrong.optimize(objective, n_trials=1, catch=())
    except ValueError as error:
        print("as expected:", str(error)[:60])
    else:
        raise AssertionError("a maximized metric in a minimizing study was accepted")
