"""Warm-start CMA-ES from a related study's trials."""

import tunesmith as optuna


def source_objective(trial):
    x = trial.suggest_float("x", -10, 10)
    y = trial.suggest_float("y", -10, 10)
    return (x - 2) ** 2 + (y + 1) ** 2


def target_objective(trial):
    x = trial.suggest_float("x", -10, 10)
    y = trial.suggest_float("y", -10, 10)
    return (x - 2.2) ** 2 + (y + 0.8) ** 2


if __name__ == "__main__":
    source_study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=0))
    source_study.optimize(source_objective, n_trials=30)

    sampler = optuna.samplers.CmaEsSampler(seed=0, source_trials=source_study.trials)
    study = optuna.create_study(sampler=sampler)
    study.optimize(target_objective, n_trials=30)
    print("best:", study.best_params, study.best_value)
    assert study.best_value < 2.0
