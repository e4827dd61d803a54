"""Run every script in examples/ as a user would, and check what it prints.

Each script runs in a fresh temporary directory (so ``demo.db`` lands there) with short
time budgets. Every script needs an output check below: a new example without one fails
``test_every_example_has_a_check``.
"""

from __future__ import annotations

import ast
import math
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import tunesmith as ts

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SCRIPTS = sorted(path.name for path in EXAMPLES.glob("*.py"))
DEMO_SECONDS = 4
EXAMPLE_SECONDS = 2
# Examples whose one trial takes seconds get a budget that fits a few.
SLOW_EXAMPLE_SECONDS = {"image_classification.py": 5, "text_classification.py": 8}


def run_example(script: str, cwd: Path, **env: str) -> str:
    """Run ``examples/<script>`` in ``cwd``; fail with its stderr unless it exits with 0."""
    environment = {
        **os.environ,
        "TUNESMITH_DEMO_SECONDS": str(DEMO_SECONDS),
        "TUNESMITH_EXAMPLE_SECONDS": str(EXAMPLE_SECONDS),
        # Small matrices: one BLAS thread is faster than several fighting over shared cores.
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        **env,
    }
    if "TUNESMITH_DEMO_DB" not in env:
        environment.pop("TUNESMITH_DEMO_DB", None)
    completed = subprocess.run(
        [sys.executable, str(EXAMPLES / script)],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, (
        f"examples/{script} exited with {completed.returncode}\n"
        f"--- stdout\n{completed.stdout}\n--- stderr\n{completed.stderr}"
    )
    return completed.stdout


def field(output: str, label: str) -> str:
    """The text after ``label:`` on its own line of ``output``."""
    match = re.search(rf"^\s*{re.escape(label)}:\s*(.+?)\s*$", output, re.MULTILINE)
    assert match is not None, f"no line {label!r} in the output:\n{output}"
    return match.group(1)


def number(output: str, label: str) -> float:
    """The number that starts the text after ``label:``."""
    text = field(output, label)
    match = re.match(r"[-+]?\d+(\.\d*)?", text)
    assert match is not None, f"{label!r} is not followed by a number: {text!r}"
    return float(match.group(0))


def params(output: str, label: str = "best parameters") -> dict[str, Any]:
    """A printed dict of parameters."""
    value = ast.literal_eval(field(output, label))
    assert isinstance(value, dict)
    return value


# --- one check per example ------------------------------------------------------------


def check_demo(output: str, cwd: Path) -> None:
    match = re.search(r"^trials run: (\d+) \(study total: (\d+)\)$", output, re.MULTILINE)
    assert match is not None, output
    run, total = int(match.group(1)), int(match.group(2))
    assert run == total >= 3  # each trial takes well under a second
    best = number(output, "best cross-validated accuracy")
    assert best > 0.9  # chance is 0.1 on ten digits
    assert number(output, "worst cross-validated accuracy") < best
    report = cwd / "demo-report.html"
    assert f"report: {report.resolve()}" in output
    assert report.stat().st_size > 1_000_000 and "window.TUNESMITH_DATA" in report.read_text()

    database = cwd / "demo.db"
    assert database.is_file()
    study = ts.load_study(study_name="demo", storage=f"sqlite:///{database}")
    assert len(study.trials) == run
    assert all(trial.state is ts.TrialState.COMPLETE for trial in study.trials)
    assert study.best_value == pytest.approx(best, abs=5e-5)
    assert f"kernel = {study.best_params['kernel']}" in output

    # A second run, pointed at the same file through the environment, continues the study.
    again = run_example("demo.py", cwd, TUNESMITH_DEMO_SECONDS="2", TUNESMITH_DEMO_DB=str(database))
    match = re.search(r"^trials run: (\d+) \(study total: (\d+)\)$", again, re.MULTILINE)
    assert match is not None, again
    assert int(match.group(1)) >= 1
    assert int(match.group(2)) == run + int(match.group(1))
    assert len(ts.load_study(study_name="demo", storage=f"sqlite:///{database}").trials) == int(
        match.group(2)
    )
    assert number(again, "best cross-validated accuracy") >= best


def check_grid_linear_model(output: str, cwd: Path) -> None:
    coefficients = r"a = ([-\d.]+), b = ([-\d.]+)"
    found = re.search(rf"^best on grid:\s+{coefficients}$", output, re.MULTILINE)
    fitted = re.search(rf"^least squares:\s+{coefficients}$", output, re.MULTILINE)
    assert found is not None and fitted is not None, output
    a, b = float(found.group(1)), float(found.group(2))
    assert abs(a - 2.37) <= 0.15 and abs(b - 0.62) <= 0.15
    # The best grid point is the grid point next to the least-squares fit (spacing 0.1).
    assert abs(a - float(fitted.group(1))) <= 0.05 + 1e-3
    assert abs(b - float(fitted.group(2))) <= 0.05 + 1e-3
    assert 0.05 < number(output, "mean squared error") < 0.15  # the noise variance is 0.09
    assert number(output, "grid points evaluated") == 21 * 21


def check_grid_dict(output: str, cwd: Path) -> None:
    grid_size = 7 * 2 * 2
    assert number(output, "grid size") == grid_size
    assert number(output, "trials run") == grid_size
    assert number(output, "trials after a second optimize()") == grid_size
    assert number(output, "best cross-validated accuracy") > 0.9
    best = params(output)
    assert best["n_neighbors"] in [1, 3, 5, 7, 9, 15, 25]
    assert best["weights"] in ["uniform", "distance"]
    assert best["p"] in [1, 2]


def check_random_search(output: str, cwd: Path) -> None:
    assert number(output, "trials run") == 25
    best_score = number(output, "best cross-validated accuracy")
    assert best_score > 0.94
    assert best_score >= number(output, "median trial accuracy")
    best = params(output)
    assert set(best) == {
        "n_estimators",
        "max_depth",
        "min_samples_leaf",
        "max_features",
        "criterion",
    }
    assert best["n_estimators"] in range(10, 101, 10)
    assert 2 <= best["max_depth"] <= 12
    assert 1 <= best["min_samples_leaf"] <= 16
    assert best["max_features"] in ["sqrt", "log2", 0.5]
    assert best["criterion"] in ["gini", "entropy"]


def check_cv_threshold(output: str, cwd: Path) -> None:
    assert number(output, "trials run") == 100
    scores = {}
    for label in ("default", "best"):
        line = re.search(
            rf"^{label} threshold ([\d.]+): balanced accuracy ([\d.]+)$", output, re.MULTILINE
        )
        assert line is not None, output
        scores[label] = (float(line.group(1)), float(line.group(2)))
    assert scores["default"][0] == 0.5  # the enqueued trial evaluated the default
    threshold, score = scores["best"]
    assert 0.05 <= threshold <= 0.95 and threshold != 0.5
    # The regularized model's probabilities lean to the majority class: a higher cut helps.
    assert threshold > 0.5
    assert score >= scores["default"][1] + 0.01


def check_categorical_mixed(output: str, cwd: Path) -> None:
    n_trials = number(output, "trials run")
    assert n_trials == 60
    per_family = {
        family: (float(score), int(count))
        for family, score, count in re.findall(
            r"^\s+(svc|logreg|knn)\s+([\d.]+)\s+\((\d+)\)$", output, re.MULTILINE
        )
    }
    assert set(per_family) == {"svc", "logreg", "knn"}, output
    assert sum(count for _, count in per_family.values()) == n_trials
    assert all(count >= 5 for _, count in per_family.values())  # 60 draws of 3 choices
    best_score = number(output, "best cross-validated accuracy")
    assert best_score == max(score for score, _ in per_family.values())
    assert best_score > 0.95
    best = params(output)
    family = field(output, "best family")
    assert best["family"] == family
    # Only the chosen family's parameters were asked for.
    expected = {
        "svc": {"family", "svc_C", "svc_gamma"},
        "logreg": {"family", "logreg_C"},
        "knn": {"family", "knn_n_neighbors", "knn_weights"},
    }
    assert set(best) == expected[family]


def check_time_budget(output: str, cwd: Path) -> None:
    match = re.search(r"^budget: ([\d.]+) s, elapsed: ([\d.]+) s$", output, re.MULTILINE)
    assert match is not None, output
    budget, elapsed = float(match.group(1)), float(match.group(2))
    assert budget == EXAMPLE_SECONDS  # the environment variable was honoured
    # Trials start until the budget is spent, and the last one may run past it.
    assert elapsed >= budget
    assert elapsed <= budget + number(output, "longest trial") + 1.0
    assert number(output, "trials run") >= 1
    assert number(output, "best cross-validated accuracy") > 0.9


def check_hyperband_linear(output: str, cwd: Path) -> None:
    assert number(output, "configurations per search") == 143  # one iteration, R = 81, eta = 3
    assert field(output, "points per budget") == "[2, 4, 12, 34, 100]"  # never an empty subset
    rows = {
        label: (float(a), float(b), float(error), int(points), int(full))
        for label, a, b, error, points, full in re.findall(
            r"^(hyperband|random search|bohb)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+(\d+)\s+(\d+)$",
            output,
            re.MULTILINE,
        )
    }
    assert set(rows) == {"hyperband", "random search", "bohb"}, output
    a, b, error, points, full = rows["random search"]
    assert points == 143 * 100 and full == 143
    random_error, random_points = error, points
    for label, tolerance in (("hyperband", 0.15), ("bohb", 0.2)):
        a, b, error, points, full = rows[label]
        assert abs(a - 2.37) <= tolerance and abs(b - 0.62) <= tolerance, (label, output)
        assert 0.08 < error < 0.13  # the noise variance is 0.09
        assert 5 <= full < 143  # some trials reached the full data, most were dropped early
        assert points <= 0.3 * random_points  # the point of Hyperband: a fraction of the work
    # Same seed, same random configurations: Hyperband's best full-data error can only be
    # that of random search (it kept the best configuration) or a little worse.
    hyperband_error = rows["hyperband"][2]
    assert random_error <= hyperband_error <= random_error + 0.01
    assert rows["hyperband"][3] <= 0.25 * random_points
    ratio = number(output, "hyperband / random search data points")
    assert ratio == pytest.approx(rows["hyperband"][3] / random_points, abs=0.006)


def check_bayesian_linear(output: str, cwd: Path) -> None:
    found = re.search(r"^Bayesian \(GP-EI\):\s+a = ([-\d.]+), b = ([-\d.]+)$", output, re.MULTILINE)
    assert found is not None, output
    assert abs(float(found.group(1)) - 2.37) < 0.1 and abs(float(found.group(2)) - 0.62) < 0.1
    error = float(re.search(r"mean squared error:\s+([\d.]+) after 25 trials", output).group(1))
    assert 0.085 < error < 0.092  # within 2 % of the least-squares fit's (0.0896)
    needed = re.search(r"random search needs: (more than )?(\d+) trials", output)
    assert needed is not None and int(needed.group(2)) > 25
    assert number(output, "random search's best after 25 trials") > error


def check_image_classification(output: str, cwd: Path) -> None:
    match = re.search(
        r"^trials run: (\d+) \((\d+) complete, (\d+) pruned\) in ([\d.]+) s$", output, re.MULTILINE
    )
    assert match is not None, output
    run, complete, pruned = (int(match.group(i)) for i in (1, 2, 3))
    assert run >= 1 and complete >= 1 and complete + pruned == run
    assert float(match.group(4)) < SLOW_EXAMPLE_SECONDS["image_classification.py"] + 30
    epochs = re.search(r"^epochs trained: (\d+) of the (\d+) the trials asked for$", output, re.M)
    assert epochs is not None, output
    trained, asked = int(epochs.group(1)), int(epochs.group(2))
    assert 5 * run <= trained <= asked <= 135 * run
    assert number(output, "compute saved by pruning") == round(100 * (1 - trained / asked))
    if pruned == 0:
        assert trained == asked
    best = params(output)
    assert set(best) == {"hidden_units", "learning_rate", "l2_penalty", "epochs"}
    assert 16 <= best["hidden_units"] <= 512 and 5 <= best["epochs"] <= 135
    assert number(output, "best cross-validated log-loss") < 0.5  # chance is ln 10 = 2.3
    assert number(output, "its cross-validated accuracy") > 0.9
    models = dict(
        (label, (float(accuracy), float(loss), int(epochs), int(units)))
        for label, accuracy, loss, epochs, units in re.findall(
            r"^(untuned MLPClassifier\(\)|tuned): test accuracy ([\d.]+), test log-loss ([\d.]+), "
            r"(\d+) epochs of (\d+) hidden units$",
            output,
            re.MULTILINE,
        )
    )
    assert set(models) == {"untuned MLPClassifier()", "tuned"}, output
    assert models["untuned MLPClassifier()"][2:] == (200, 100)  # scikit-learn's defaults
    assert models["tuned"][2:] == (best["epochs"], best["hidden_units"])
    assert models["untuned MLPClassifier()"][0] > 0.95
    assert models["tuned"][0] > 0.93 and models["tuned"][1] < 0.3


def check_text_classification(output: str, cwd: Path) -> None:
    counts = re.search(r"^tweets: (\d+) \((\d+) android, (\d+) iphone\)$", output, re.MULTILINE)
    assert counts is not None, output
    total, android, iphone = (int(counts.group(i)) for i in (1, 2, 3))
    assert total == android + iphone and min(android, iphone) > 0.4 * total  # about balanced
    split = re.search(r"^training: (\d+), held out: (\d+)$", output, re.MULTILINE)
    assert split is not None and int(split.group(1)) + int(split.group(2)) == total
    assert int(split.group(2)) == math.ceil(0.2 * total)
    assert number(output, "candidates") >= 1
    default = number(output, "cross-validated accuracy, default")
    tuned = number(output, "cross-validated accuracy, tuned")
    assert 0.8 < default < 0.9  # counts + alpha=1: well above chance (0.53), far from perfect
    assert tuned > 0.8
    for label in ("default", "tuned"):
        assert 0.1 < number(output, f"cross-validated log-loss, {label}") < 2.0
        assert number(output, f"held-out accuracy, {label}") > 0.75
    best = params(output)
    assert {key.split("__")[0] for key in best} == {"vectorizer", "bayes"}
    assert len(best) == 9 and 1e-3 <= best["bayes__alpha"] <= 10


CHECKS: dict[str, Callable[[str, Path], None]] = {
    "demo.py": check_demo,
    "grid_linear_model.py": check_grid_linear_model,
    "grid_dict.py": check_grid_dict,
    "random_search.py": check_random_search,
    "cv_threshold.py": check_cv_threshold,
    "categorical_mixed.py": check_categorical_mixed,
    "time_budget.py": check_time_budget,
    "hyperband_linear.py": check_hyperband_linear,
    "bayesian_linear.py": check_bayesian_linear,
    "image_classification.py": check_image_classification,
    "text_classification.py": check_text_classification,
}


def test_every_example_has_a_check() -> None:
    assert set(SCRIPTS) == set(CHECKS), (
        "examples/ and the checks in tests/test_examples.py differ: "
        f"scripts without a check {sorted(set(SCRIPTS) - set(CHECKS))}, "
        f"checks without a script {sorted(set(CHECKS) - set(SCRIPTS))}"
    )


@pytest.mark.parametrize("script", SCRIPTS)
def test_example(script: str, tmp_path: Path) -> None:
    seconds = SLOW_EXAMPLE_SECONDS.get(script)
    env = {} if seconds is None else {"TUNESMITH_EXAMPLE_SECONDS": str(seconds)}
    output = run_example(script, tmp_path, **env)
    check = CHECKS.get(script)
    assert check is not None, f"examples/{script} has no output check in tests/test_examples.py"
    check(output, tmp_path)
