"""Stop when further improvement is within the cross-validation noise."""

import os
import sys

from sklearn.datasets import load_wine
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import KFold, cross_val_score

import tunesmith as optuna
from tunesmith.terminator import TerminatorCallback, report_cross_validation_scores
from tunesmith.visualization.matplotlib import plot_terminator_improvement


def objective(trial):
    x, y = load_wine(return_X_y=True)
    clf = RandomForestClassifier(
        max_depth=trial.suggest_int("max_depth", 2, 32),
        min_samples_split=trial.suggest_float("min_samples_split", 0, 1),
        criterion=trial.suggest_categorical("criterion", ("gini", "entropy")),
        n_estimators=10,
        random_state=0,
    )
    k_fold = KFold(n_splits=5, shuffle=True, random_state=0)
    scores = cross_val_score(clf, x, y, cv=k_fold)
    report_cross_validation_scores(trial, scores)
    return scores.mean()


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=0))
    terminator = TerminatorCallback(optuna.terminator.Terminator(min_n_trials=10))
    study.optimize(objective, n_trials=40, callbacks=[terminator])
    print(f"stopped after {len(study.trials)} trials; best {study.best_value:.3f}")
    assert len(study.trials) >= 10
    plot = plot_terminator_improvement(study, plot_error=True)
    plot.figure.savefig(os.path.join(out, "terminator.png"))
