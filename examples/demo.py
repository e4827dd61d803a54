"""The `make demo` run: tune a support-vector classifier on handwritten digits for a minute.

An SVC's accuracy on scikit-learn's bundled 8x8 digits swings from about 10% (chance) to
about 99% depending on ``C``, ``gamma`` and the kernel, so tuning visibly matters, and one
3-fold cross-validation takes a fraction of a second.

The study lives in a SQLite file, so running the demo again continues it: the new trials
are added to the old ones and the best result can only improve.

Environment:
    TUNESMITH_DEMO_SECONDS: time budget in seconds (default 60).
    TUNESMITH_DEMO_DB: path of the SQLite file (default ``demo.db`` in the current directory).
    TUNESMITH_DEMO_REPORT: path of the HTML report written at the end (default
        ``demo-report.html`` in the current directory).
"""

from __future__ import annotations

import os
from collections.abc import Callable

from sklearn.datasets import load_digits
from sklearn.model_selection import cross_val_score
from sklearn.svm import SVC

import tunesmith as ts
from tunesmith.report import write_report


def make_objective() -> Callable[[ts.Trial], float]:
    """The function tunesmith calls once per trial: parameters in, mean CV accuracy out."""
    features, labels = load_digits(return_X_y=True)

    def objective(trial: ts.Trial) -> float:
        kernel = trial.suggest_categorical("kernel", ["rbf", "poly", "sigmoid"])
        # C and gamma matter by orders of magnitude, so they are searched on a log scale.
        c = trial.suggest_float("C", 1e-2, 1e3, log=True)
        gamma = trial.suggest_float("gamma", 1e-5, 1e-1, log=True)
        model = SVC(kernel=kernel, C=c, gamma=gamma)
        return float(cross_val_score(model, features, labels, cv=3, n_jobs=1).mean())

    return objective


def main() -> None:
    seconds = float(os.environ.get("TUNESMITH_DEMO_SECONDS", "60"))
    db_path = os.environ.get("TUNESMITH_DEMO_DB", "demo.db")
    # "sqlite:///" + a relative path, or "sqlite:////" + an absolute one.
    storage = f"sqlite:///{db_path}"

    study = ts.create_study(
        direction="maximize",
        # The default sampler, "auto": a few Sobol points, then Bayesian optimization with a
        # Gaussian process (TPE once the study grows past 200 trials).
        seed=0,
        storage=storage,
        study_name="demo",
        load_if_exists=True,  # a second run continues the same study
    )
    before = len(study.trials)
    print(f"Tuning an SVC on the digits dataset for {seconds:g} s; results go to {db_path}")
    study.optimize(make_objective(), timeout=seconds, progress_bar=True)

    completed = study.get_trials([ts.TrialState.COMPLETE])
    scores = [trial.value for trial in completed if trial.value is not None]
    print(f"trials run: {len(study.trials) - before} (study total: {len(study.trials)})")
    print(f"best cross-validated accuracy: {study.best_value:.4f}")
    print(f"worst cross-validated accuracy: {min(scores):.4f}  (why tuning matters)")
    print("best parameters:")
    for name, value in study.best_params.items():
        shown = f"{value:.4g}" if isinstance(value, float) else value
        print(f"    {name} = {shown}")
    report = write_report(study, os.environ.get("TUNESMITH_DEMO_REPORT", "demo-report.html"))
    print(f"report: {report.resolve()}  (open it in a browser; it needs no network)")
    print(f"live view while a study runs: tunesmith dashboard --storage {storage}")


if __name__ == "__main__":
    main()
