"""Evaluate known-good settings first, and warm-start from results obtained elsewhere."""

import tunesmith as optuna


def objective(trial):
    x = trial.suggest_float("x", -10, 10)
    y = trial.suggest_int("y", -5, 5)
    return x**2 + y**2


if __name__ == "__main__":
    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=1))
    study.enqueue_trial({"x": 1.0, "y": 1})
    study.enqueue_trial({"x": 1.0, "y": 1}, skip_if_exists=True)  # already queued
    study.enqueue_trial({"x": 0.5})  # y is sampled

    # results from a notebook, added as finished trials
    study.add_trial(
        optuna.trial.create_trial(
            params={"x": 2.0, "y": 0},
            distributions={
                "x": optuna.distributions.FloatDistribution(-10, 10),
                "y": optuna.distributions.IntDistribution(-5, 5),
            },
            value=4.0,
        )
    )
    study.add_trials(
        [
            optuna.create_trial(
                params={"x": x, "y": 0},
                distributions={
                    "x": optuna.distributions.FloatDistribution(-10, 10),
                    "y": optuna.distributions.IntDistribution(-5, 5),
                },
                value=x**2,
            )
            for x in (-3.0, 3.0)
        ]
    )
    study.optimize(objective, n_trials=10)

    params = [t.params for t in study.trials]
    assert len(params) == 13 and {"x": 2.0, "y": 0} in params
    assert params.count({"x": 1.0, "y": 1}) == 1  # the second enqueue was skipped
    assert sum(p["x"] == 0.5 for p in params) == 1
    assert params.index({"x": 1.0, "y": 1}) < [p["x"] for p in params].index(0.5)
    df = study.trials_dataframe(attrs=("number", "value", "params", "state"))
    print(df.head())
    print("best:", study.best_params)
