"""Two objectives with a constraint: NSGA-II, the Pareto front, constraint values on the
trials, a custom sampler that counts trials with its hooks, and the Pareto-front plot."""

import sys
import warnings

import tunesmith as optuna


def objective(trial):
    x = trial.suggest_float("x", 0, 5)
    y = trial.suggest_float("y", 0, 3)
    cost = 4 * x**2 + 4 * y**2
    error = (x - 5) ** 2 + (y - 5) ** 2
    return cost, error


def constraints(trial):
    # feasible when x + y >= 2, that is when 2 - x - y <= 0
    return (2 - trial.params["x"] - trial.params["y"],)


class CountingSampler(optuna.samplers.BaseSampler):
    """Random search that counts the trials it saw start and finish."""

    def __init__(self, seed):
        self._random = optuna.samplers.RandomSampler(seed=seed)
        self.started = 0
        self.finished = {}

    def infer_relative_search_space(self, study, trial):
        return {}

    def sample_relative(self, study, trial, search_space):
        return {}

    def sample_independent(self, study, trial, param_name, param_distribution):
        return self._random.sample_independent(study, trial, param_name, param_distribution)

    def before_trial(self, study, trial):
        assert len(study.directions) == 2
        self.started += 1

    def after_trial(self, study, trial, state, values):
        self.finished[trial.number] = (state, values)


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    warnings.simplefilter("ignore", FutureWarning)  # Optuna 5 prefers trial.set_constraint
    sampler = optuna.samplers.NSGAIISampler(
        population_size=20, seed=0, constraints_func=constraints
    )
    study = optuna.create_study(directions=["minimize", "minimize"], sampler=sampler)
    study.optimize(objective, n_trials=80)

    front = study.best_trials
    print("Pareto front:", len(front), "trials of", len(study.trials))
    assert len(front) >= 5
    for trial in front:
        cost, error = trial.values
        assert all(c <= 0 for c in trial.system_attrs["constraints"]), trial.number
        assert trial.params["x"] + trial.params["y"] >= 2
    # no feasible trial dominates a trial of the front
    feasible = [t for t in study.trials if all(c <= 0 for c in t.system_attrs["constraints"])]
    for trial in front:
        assert not any(
            all(a <= b for a, b in zip(other.values, trial.values, strict=True))
            and other.values != trial.values
            for other in feasible
        )
    assert [d.name for d in study.directions] == ["MINIMIZE", "MINIMIZE"]

    counting = CountingSampler(seed=1)
    small = optuna.create_study(directions=["minimize", "maximize"], sampler=counting)
    small.optimize(objective, n_trials=6)
    assert counting.started == 6 and sorted(counting.finished) == list(range(6))
    state, values = counting.finished[5]
    assert state == optuna.trial.TrialState.COMPLETE and len(values) == 2

    if optuna.visualization.is_available():
        figure = optuna.visualization.plot_pareto_front(study)
        # a Plotly figure with Optuna, a matplotlib one here: both show() without a display
        figure.show()
        print("plotted the front")
    print("output folder:", out)
