"""Prune CatBoost runs with the pruning callback (as in Optuna's CatBoost example):
CatBoost stops the run, and check_pruned() raises TrialPruned after fit."""

import catboost as cb
import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split

import tunesmith as optuna


def objective(trial):
    data, target = load_breast_cancer(return_X_y=True)
    train_x, valid_x, train_y, valid_y = train_test_split(
        data, target, test_size=0.25, random_state=0
    )
    param = {
        "objective": trial.suggest_categorical("objective", ["Logloss", "CrossEntropy"]),
        "colsample_bylevel": trial.suggest_float("colsample_bylevel", 0.1, 1),
        "depth": trial.suggest_int("depth", 1, 8),
        "learning_rate": trial.suggest_float("learning_rate", 1e-3, 0.3, log=True),
        "iterations": 60,
        "eval_metric": "Accuracy",
        "thread_count": 1,
        "random_seed": 0,
    }
    gbm = cb.CatBoostClassifier(**param)
    pruning_callback = optuna.integration.CatBoostPruningCallback(trial, "Accuracy")
    gbm.fit(
        train_x, train_y, eval_set=[(valid_x, valid_y)], verbose=0,
        early_stopping_rounds=100, callbacks=[pruning_callback],
    )  # fmt: skip
    # CatBoost cannot raise from its callbacks: ask afterwards
    pruning_callback.check_pruned()
    preds = np.rint(gbm.predict(valid_x))
    return accuracy_score(valid_y, preds)


if __name__ == "__main__":
    study = optuna.create_study(
        pruner=optuna.pruners.MedianPruner(n_warmup_steps=5),
        direction="maximize",
        sampler=optuna.samplers.TPESampler(seed=0),
    )
    study.optimize(objective, n_trials=25)
    pruned = study.get_trials(states=[optuna.trial.TrialState.PRUNED])
    print(f"{len(pruned)} of 25 pruned; best accuracy {study.best_value:.4f}")
    assert len(pruned) >= 2 and study.best_value > 0.94
    assert all(t.last_step < 59 for t in pruned)
