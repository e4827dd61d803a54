"""Plot a study: optimization history, slices, contour, importances, learning curves."""

import os
import sys

import tunesmith as optuna
from tunesmith.visualization.matplotlib import (
    plot_contour,
    plot_edf,
    plot_intermediate_values,
    plot_optimization_history,
    plot_parallel_coordinate,
    plot_param_importances,
    plot_slice,
    plot_timeline,
)


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
        plots = {
            "history": plot_optimization_history(study),
            "contour": plot_contour(study, params=["x", "lr"]),
            "slice": plot_slice(study),
            "parallel": plot_parallel_coordinate(study, params=["x", "y"]),
            "importances": plot_param_importances(study),
            "intermediate": plot_intermediate_values(study),
            "edf": plot_edf(study),
            "timeline": plot_timeline(study),
        }
        for name, plot in plots.items():
            # an Axes, a grid of them (one per parameter) or a Figure: each knows its figure
            first = plot.flat[0] if hasattr(plot, "flat") else plot
            first.figure.savefig(os.path.join(out, f"{name}.png"))
        print("saved", sorted(plots))
        # the default backend's functions take the same arguments
        optuna.visualization.plot_optimization_history(study)
        optuna.visualization.plot_slice(study, params=["x"])
    print(optuna.importance.get_param_importances(study))
