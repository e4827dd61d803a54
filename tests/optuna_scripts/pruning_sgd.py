"""Prune unpromising SGD classifiers epoch by epoch (the default pruner, as Optuna's)."""

import numpy as np
import sklearn.datasets
import sklearn.linear_model
import sklearn.model_selection

import tunesmith as optuna
from tunesmith.trial import TrialState


def objective(trial):
    iris = sklearn.datasets.load_iris()
    classes = list(set(iris.target))
    train_x, valid_x, train_y, valid_y = sklearn.model_selection.train_test_split(
        iris.data, iris.target, test_size=0.25, random_state=0
    )

    alpha = trial.suggest_float("alpha", 1e-5, 1e-1, log=True)
    clf = sklearn.linear_model.SGDClassifier(alpha=alpha, random_state=0)

    for step in range(30):
        clf.partial_fit(train_x, train_y, classes=classes)
        # a noisy learning curve: the intermediate value is the error on the validation set
        intermediate_value = 1.0 - clf.score(valid_x, valid_y) + 0.5 * np.log10(alpha / 1e-5)
        trial.report(intermediate_value, step)
        if trial.should_prune():
            raise optuna.TrialPruned()

    return 1.0 - clf.score(valid_x, valid_y) + 0.5 * np.log10(alpha / 1e-5)


if __name__ == "__main__":
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=3))
    study.optimize(objective, n_trials=20)

    pruned_trials = study.get_trials(deepcopy=False, states=[TrialState.PRUNED])
    complete_trials = study.get_trials(deepcopy=False, states=[TrialState.COMPLETE])
    print("Number of finished trials:", len(study.trials))
    print("Number of pruned trials:", len(pruned_trials))
    print("Number of complete trials:", len(complete_trials))
    assert len(pruned_trials) > 0, "the default pruner should prune reporting objectives"
    print("Best trial:", study.best_trial.params)
