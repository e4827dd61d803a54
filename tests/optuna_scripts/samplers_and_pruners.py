"""A tour of the samplers and pruners Optuna code constructs, each with a seed."""

import math

import tunesmith as optuna


def objective(trial):
    x = trial.suggest_float("x", -5, 5)
    n = trial.suggest_int("n", 1, 9, step=2)
    for step in range(6):
        trial.report((x - 1) ** 2 + abs(n - 5) + 1.0 / (step + 1), step)
        if trial.should_prune():
            raise optuna.TrialPruned()
    return (x - 1) ** 2 + abs(n - 5)


SAMPLERS = [
    optuna.samplers.TPESampler(seed=0, multivariate=True, group=True, n_startup_trials=5),
    optuna.samplers.RandomSampler(seed=0),
    optuna.samplers.GPSampler(seed=0, n_startup_trials=4),
    optuna.samplers.QMCSampler(seed=0, qmc_type="halton", scramble=True),
    optuna.samplers.QMCSampler(seed=0, qmc_type="sobol"),
    optuna.samplers.PartialFixedSampler({"n": 5}, optuna.samplers.TPESampler(seed=0)),
    optuna.samplers.GridSampler({"x": [-1.0, 1.0, 3.0], "n": [3, 5]}, seed=0),
]
PRUNERS = [
    optuna.pruners.MedianPruner(n_startup_trials=3, n_warmup_steps=1),
    optuna.pruners.PercentilePruner(25.0, n_startup_trials=3),
    optuna.pruners.PatientPruner(optuna.pruners.MedianPruner(), patience=1),
    optuna.pruners.ThresholdPruner(upper=30.0),
    optuna.pruners.SuccessiveHalvingPruner(),
    optuna.pruners.HyperbandPruner(min_resource=1, max_resource=6, reduction_factor=3),
    optuna.pruners.WilcoxonPruner(p_threshold=0.1),
    optuna.pruners.NopPruner(),
]

if __name__ == "__main__":
    for sampler in SAMPLERS:
        study = optuna.create_study(sampler=sampler)
        study.optimize(objective, n_trials=12)
        assert math.isfinite(study.best_value)
        print(type(sampler).__name__, round(study.best_value, 3))
    for pruner in PRUNERS:
        study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=1), pruner=pruner)
        study.optimize(objective, n_trials=12)
        states = [t.state.name for t in study.trials]
        print(type(pruner).__name__, states.count("PRUNED"), "pruned")

    brute = optuna.create_study(sampler=optuna.samplers.BruteForceSampler(seed=0))
    brute.optimize(lambda t: t.suggest_int("a", 0, 2) * t.suggest_categorical("b", [1, -1]))
    assert len(brute.trials) == 6
    fixed = optuna.trial.FixedTrial({"x": 1.0, "n": 5})
    assert objective(fixed) == 0.0
