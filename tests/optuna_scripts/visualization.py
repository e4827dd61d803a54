"""Plot a study: optimization history, slices, contour, importances, learning curves."""

import os
import sys

import tunesmith as optuna
from tunesmith.visualization.matplotlib import plot_contour, plot_optimization_history


def objective(trial):
    x = trial.suggest_float("x", -100, 100)
    y = trial.suggest_categorical("y", [-1, 0, 1])
    lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    for step in range(5):
        trial.report(x**2 / (step + 1), step)
    return x**2 + y + lr


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0), pruner=None)
    study.optimize(objective, n_trials=20)

    if optuna.visualization.is_available():
        figures = {
            "history": plot_optimization_history(study),
            "contour": plot_contour(study, params=["x", "lr"]),
            "slice": optuna.visualization.plot_slice(study),
            "parallel": optuna.visualization.plot_parallel_coordinate(study, params=["x", "y"]),
            "importances": optuna.visualization.plot_param_importances(study),
            "intermediate": optuna.visualization.plot_intermediate_values(study),
            "edf": optuna.visualization.plot_edf(study),
            "timeline": optuna.visualization.plot_timeline(study),
        }
        for name, figure in figures.items():
            figure.savefig(os.path.join(out, f"{name}.png"))
        print("saved", sorted(figures))
    print(optuna.importance.get_param_importances(study))
