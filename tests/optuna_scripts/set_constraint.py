"""Constraints given from the objective, Optuna 5's way (``trial.set_constraint``): TPE
and NSGA-II avoid infeasible regions, the best trial is feasible, and trials copied from
elsewhere carry their constraints (``create_trial(constraints=...)``)."""

import math
import warnings

import tunesmith as optuna


def objective(trial):
    # minimize the distance to (4, 4) while staying inside the disc of radius 2 at
    # the origin: the best feasible point is (sqrt 2, sqrt 2)
    x = trial.suggest_float("x", -5, 5)
    y = trial.suggest_float("y", -5, 5)
    trial.set_constraint("disc", x**2 + y**2 - 4)
    trial.set_constraint("left", x - 3)  # never binding inside the disc
    return (x - 4) ** 2 + (y - 4) ** 2


def two_objectives(trial):
    x = trial.suggest_float("x", 0, 5)
    y = trial.suggest_float("y", 0, 3)
    trial.set_constraint("sum", 2 - x - y)  # feasible when x + y >= 2
    return 4 * x**2 + 4 * y**2, (x - 5) ** 2 + (y - 5) ** 2


def is_feasible(trial):
    return all(value <= 0 for value in trial.constraints.values())


if __name__ == "__main__":
    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=0))
    study.optimize(objective, n_trials=60)

    first = study.trials[0]
    assert sorted(first.constraints.keys()) == ["disc", "left"]
    x, y = first.params["x"], first.params["y"]
    assert math.isclose(first.constraints["disc"], x**2 + y**2 - 4)
    assert first.system_attrs["constraints:left"] == x - 3
    best = study.best_trial
    assert is_feasible(best), best.constraints
    assert best.value < 20, best.value  # 13.37 at best; 32 at the disc's centre
    feasible = sum(is_feasible(t) for t in study.trials[30:])
    print(f"best {best.value:.3f} at {best.params}; {feasible} of the last 30 trials feasible")
    assert feasible >= 10

    # the same constraint twice keeps the first value, with a warning
    trial = study.ask()
    trial.suggest_float("x", -5, 5)
    trial.suggest_float("y", -5, 5)
    trial.set_constraint("disc", -1.0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trial.set_constraint("disc", 5.0)
    assert len(caught) == 1
    for bad, error in ((float("nan"), ValueError), ("high", TypeError)):
        try:
            trial.set_constraint("other", bad)
        except error:
            pass
        else:
            raise AssertionError(f"set_constraint accepted {bad!r}")
    study.tell(trial, 100.0)
    assert dict(study.trials[-1].constraints.items()) == {"disc": -1.0}

    # trials from elsewhere, with their constraints: an infeasible one is never best
    study.add_trial(
        optuna.trial.create_trial(
            params={"x": 4.0, "y": 4.0},
            distributions={
                "x": optuna.distributions.FloatDistribution(-5, 5),
                "y": optuna.distributions.FloatDistribution(-5, 5),
            },
            value=0.0,
            constraints={"disc": 28.0, "left": 1.0},
        )
    )
    assert study.trials[-1].constraints["disc"] == 28.0
    assert study.best_trial.number == best.number

    sampler = optuna.samplers.NSGAIISampler(population_size=16, seed=0)
    pareto = optuna.create_study(directions=["minimize", "minimize"], sampler=sampler)
    pareto.optimize(two_objectives, n_trials=64)
    front = pareto.best_trials
    assert len(front) >= 4 and all(is_feasible(t) for t in front)
    print(f"Pareto front of {len(front)} feasible trials")
