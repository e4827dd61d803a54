"""The ask-and-tell interface: the loop is yours."""

import tunesmith as optuna
from tunesmith.distributions import CategoricalDistribution, FloatDistribution


def evaluate(x, kind):
    return (x - 2) ** 2 + (0 if kind == "a" else 1)


if __name__ == "__main__":
    study = optuna.create_study(direction="minimize", sampler=optuna.samplers.TPESampler(seed=0))
    for _ in range(8):
        trial = study.ask()
        x = trial.suggest_float("x", -10, 10)
        kind = trial.suggest_categorical("kind", ["a", "b"])
        study.tell(trial, evaluate(x, kind))

    # distributions fixed up front, as a define-and-run space
    distributions = {"x": FloatDistribution(-10, 10), "kind": CategoricalDistribution(["a", "b"])}
    for _ in range(4):
        trial = study.ask(fixed_distributions=distributions)
        study.tell(trial, evaluate(trial.params["x"], trial.params["kind"]))

    # a trial stopped by hand
    trial = study.ask()
    trial.suggest_float("x", -10, 10)
    trial.report(100.0, step=0)
    study.tell(trial, state=optuna.trial.TrialState.PRUNED)

    assert study.trials[-1].state == optuna.trial.TrialState.PRUNED
    print("trials:", len(study.trials), "best:", study.best_params, study.best_value)
