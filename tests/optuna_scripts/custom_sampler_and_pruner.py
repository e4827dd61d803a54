"""A sampler and a pruner written against Optuna's base classes."""

import numpy as np

import tunesmith as optuna


class SimulatedAnnealingSampler(optuna.samplers.BaseSampler):
    def __init__(self, temperature=100, seed=None):
        self._rng = np.random.RandomState(seed)
        self._independent_sampler = optuna.samplers.RandomSampler(seed=seed)
        self._current_trial = None
        self._temperature = temperature

    def sample_relative(self, study, trial, search_space):
        if search_space == {}:
            return {}
        prev_trial = study.trials[-2]
        if self._current_trial is None or prev_trial.value <= self._current_trial.value:
            probability = 1.0
        else:
            probability = np.exp((self._current_trial.value - prev_trial.value) / self._temperature)
        self._temperature *= 0.9
        if self._rng.uniform(0, 1) < probability:
            self._current_trial = prev_trial

        params = {}
        for param_name, param_distribution in search_space.items():
            if not isinstance(param_distribution, optuna.distributions.FloatDistribution):
                raise NotImplementedError("only suggest_float() is supported")
            current_value = self._current_trial.params[param_name]
            width = (param_distribution.high - param_distribution.low) * 0.1
            neighbor_low = max(current_value - width, param_distribution.low)
            neighbor_high = min(current_value + width, param_distribution.high)
            params[param_name] = self._rng.uniform(neighbor_low, neighbor_high)
        return params

    def infer_relative_search_space(self, study, trial):
        return optuna.search_space.intersection_search_space(study.get_trials(deepcopy=False))

    def sample_independent(self, study, trial, param_name, param_distribution):
        independent_sampler = self._independent_sampler
        return independent_sampler.sample_independent(study, trial, param_name, param_distribution)


class LastValueAbovePruner(optuna.pruners.BasePruner):
    def __init__(self, limit):
        self.limit = limit

    def prune(self, study, trial):
        step = trial.last_step
        return step is not None and trial.intermediate_values[step] > self.limit


def objective(trial):
    x = trial.suggest_float("x", -10, 10)
    y = trial.suggest_float("y", -5, 5)
    value = x**2 + y
    trial.report(value, 0)
    if trial.should_prune():
        raise optuna.TrialPruned()
    return value


if __name__ == "__main__":
    sampler = SimulatedAnnealingSampler(seed=0)
    study = optuna.create_study(sampler=sampler, pruner=LastValueAbovePruner(60.0))
    study.optimize(objective, n_trials=40)
    pruned = study.get_trials(states=(optuna.trial.TrialState.PRUNED,))
    print("best:", study.best_value, "pruned:", len(pruned))
    assert study.best_value < 5.0
    assert all(t.intermediate_values[0] > 60.0 for t in pruned)
