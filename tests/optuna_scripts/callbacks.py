"""Callbacks that stop a study, and the optimize options Optuna code passes."""

import warnings

import tunesmith as optuna
from tunesmith.study import MaxTrialsCallback, StudyDirection
from tunesmith.trial import TrialState

warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)


class StopWhenGoodEnough:
    def __init__(self, threshold):
        self.threshold = threshold

    def __call__(self, study, trial):
        if trial.state == TrialState.COMPLETE and study.best_value < self.threshold:
            study.stop()


def objective(trial):
    x = trial.suggest_float("x", -10, 10)
    return (x - 2) ** 2


if __name__ == "__main__":
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    study = optuna.create_study(study_name="callbacks", direction=StudyDirection.MINIMIZE)
    study.optimize(
        objective,
        n_trials=1000,
        callbacks=[MaxTrialsCallback(15, states=(TrialState.COMPLETE,))],
        gc_after_trial=True,
        show_progress_bar=False,
    )
    assert len(study.trials) == 15, len(study.trials)

    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=0))
    study.optimize(objective, n_trials=200, callbacks=[StopWhenGoodEnough(0.5)])
    assert study.best_value < 0.5 and len(study.trials) < 200
    print("stopped after", len(study.trials), "trials:", study.best_value)
