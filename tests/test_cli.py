"""The tunesmith command: workers started by hand, and a look at the studies."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import tunesmith as ts

OBJECTIVE = textwrap.dedent(
    """
    def objective(trial):
        x = trial.suggest_float("x", -3, 3)
        return (x - 1) ** 2
    """
)


def tunesmith(*args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "tunesmith", *args], cwd=cwd, capture_output=True, text=True
    )


def test_workers_started_by_hand_share_one_study(tmp_path):
    (tmp_path / "my_objective.py").write_text(OBJECTIVE)
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    command = [
        *(sys.executable, "-m", "tunesmith", "worker", "--storage", url, "--study", "cli"),
        *("--objective", "my_objective:objective", "--n-trials", "15", "--sampler", "tpe"),
    ]
    workers = [
        subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, text=True) for _ in range(2)
    ]
    outputs = [worker.communicate(timeout=120)[0] for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0]
    assert all(output.startswith("cli: ") for output in outputs)
    study = ts.load_study(study_name="cli", storage=url)
    assert len(study.trials) == 30 and abs(study.best_params["x"] - 1) < 0.5
    listing = tunesmith("studies", "--storage", url, cwd=tmp_path)
    assert listing.returncode == 0 and listing.stdout.startswith("cli\tminimize\t30 trials")
    best = tunesmith("best", "--storage", url, "--study", "cli", cwd=tmp_path)
    assert f"trial {study.best_trial.number}: value" in best.stdout


def test_an_objective_file_works_too(tmp_path):
    (tmp_path / "objective.py").write_text(OBJECTIVE)
    url = f"sqlite:///{tmp_path / 'f.db'}"
    objective = f"{tmp_path / 'objective.py'}:objective"
    run = tunesmith(
        "worker", "--storage", url, "--study", "f", "--objective", objective, "--n-trials", "3",
        cwd=tmp_path,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert len(ts.load_study(study_name="f", storage=url).trials) == 3


def test_mistakes_get_clear_messages(tmp_path):
    url = f"sqlite:///{tmp_path / 'e.db'}"
    missing = tunesmith("worker", "--storage", url, "--study", "e", "--objective",
                        "nowhere:objective", "--n-trials", "1", cwd=tmp_path)  # fmt: skip
    assert missing.returncode == 2 and "cannot import 'nowhere'" in missing.stderr
    shape = tunesmith("worker", "--storage", url, "--study", "e", "--objective", "oops",
                      "--n-trials", "1", cwd=tmp_path)  # fmt: skip
    assert shape.returncode == 2 and "must look like 'module:function'" in shape.stderr
    budget = tunesmith("worker", "--storage", url, "--study", "e", "--objective", "m:f",
                       cwd=tmp_path)  # fmt: skip
    assert budget.returncode == 2 and "give --n-trials or --timeout" in budget.stderr
    unknown = tunesmith("best", "--storage", url, "--study", "nope", cwd=tmp_path)
    assert unknown.returncode == 2 and "no study named 'nope'" in unknown.stderr
