"""The tunesmith command: workers started by hand, and a look at the studies."""

from __future__ import annotations

import datetime
import json
import socket
import subprocess
import sys
import textwrap

import pytest

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


def test_a_worker_runs_a_study_of_several_objectives(tmp_path):
    (tmp_path / "two.py").write_text(
        "def objective(trial):\n"
        "    x = trial.suggest_float('x', 0, 1)\n"
        "    return x, (1 - x) ** 2\n"
    )
    url = f"sqlite:///{tmp_path / 'two.db'}"
    run = tunesmith(
        "worker", "--storage", url, "--study", "two", "--objective", "two:objective",
        "--n-trials", "6", "--directions", "minimize", "minimize", cwd=tmp_path,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    study = ts.load_study(study_name="two", storage=url)
    assert [d.value for d in study.directions] == ["minimize", "minimize"]
    front = len(study.best_trials)
    assert run.stdout.strip() == f"two: 6 trials; {front} trials on the Pareto front"
    both = tunesmith("worker", "--storage", url, "--study", "two", "--objective", "two:objective",
                     "--n-trials", "1", "--direction", "minimize", "--directions", "minimize",
                     cwd=tmp_path)  # fmt: skip
    assert both.returncode == 2 and "give --direction or --directions, not both" in both.stderr


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
    tunesmith("create-study", "--storage", url, "--study", "other", cwd=tmp_path)
    unknown = tunesmith("best", "--storage", url, "--study", "nope", cwd=tmp_path)
    assert unknown.returncode == 2 and "no study named 'nope'" in unknown.stderr


def test_an_existing_study_keeps_its_direction_without_repeating_it(tmp_path):
    (tmp_path / "obj.py").write_text(OBJECTIVE)
    url = f"sqlite:///{tmp_path / 'd.db'}"
    made = tunesmith("create-study", "--storage", url, "--study", "up", "--direction",
                     "maximize", cwd=tmp_path)  # fmt: skip
    assert made.returncode == 0 and made.stdout.strip() == "up"
    run = tunesmith("worker", "--storage", url, "--study", "up", "--objective", "obj:objective",
                    "--n-trials", "3", cwd=tmp_path)  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert ts.load_study(study_name="up", storage=url).direction is ts.Direction.MAXIMIZE
    again = tunesmith("create-study", "--storage", url, "--study", "up", cwd=tmp_path)
    assert again.returncode == 2 and "already exists" in again.stderr
    assert tunesmith("create-study", "--storage", url, "--study", "up", "--skip-if-exists",
                     cwd=tmp_path).returncode == 0  # fmt: skip


def test_ask_tell_trials_export_importance_and_delete(tmp_path):
    url = f"sqlite:///{tmp_path / 'a.db'}"
    assert tunesmith("create-study", "--storage", url, "--study", "s", cwd=tmp_path).returncode == 0
    space = '{"x": {"low": 0, "high": 1}, "n": {"low": 1, "high": 5, "type": "int"}, ' \
            '"act": {"choices": ["relu", "tanh"]}}'  # fmt: skip
    for _ in range(4):
        asked = tunesmith("ask", "--storage", url, "--study", "s", "--space", space,
                          "--sampler", "random", cwd=tmp_path)  # fmt: skip
        assert asked.returncode == 0, asked.stderr
        trial = json.loads(asked.stdout)
        assert set(trial["params"]) == {"x", "n", "act"}
        value = str(10 * trial["params"]["x"] + trial["params"]["n"] / 10)
        told = tunesmith("tell", "--storage", url, "--study", "s", "--trial",
                         str(trial["number"]), "--value", value, cwd=tmp_path)  # fmt: skip
        assert told.returncode == 0 and "COMPLETE" in told.stdout, told.stderr
    listed = tunesmith("trials", "--storage", url, "--study", "s", "--format", "json", cwd=tmp_path)
    rows = json.loads(listed.stdout)
    assert [row["state"] for row in rows] == ["COMPLETE"] * 4 and "act" in rows[0]
    out = tmp_path / "t.csv"
    exported = tunesmith("export", "--storage", url, "--study", "s", "-o", str(out), cwd=tmp_path)
    assert exported.returncode == 0 and out.read_text().startswith("number,state,value")
    assert len(out.read_text().splitlines()) == 5
    ranked = tunesmith("importance", "--storage", url, "--study", "s", cwd=tmp_path)
    # four unseeded random trials cannot always single out x (act ranked first in one
    # CI run): the command must print what the library computes for the same study
    shares = ts.importance(ts.load_study(study_name="s", storage=url))
    assert ranked.returncode == 0, ranked.stderr
    printed = [line.split("\t") for line in ranked.stdout.strip().splitlines()]
    assert [name for name, _ in printed] == list(shares)
    assert [float(share) for _, share in printed] == pytest.approx(list(shares.values()), abs=1e-4)
    twice = tunesmith("tell", "--storage", url, "--study", "s", "--trial", "0", "--value", "1",
                      cwd=tmp_path)  # fmt: skip
    assert twice.returncode == 2 and "already COMPLETE" in twice.stderr
    gone = tunesmith("delete-study", "--storage", url, "--study", "s", cwd=tmp_path)
    assert gone.returncode == 0
    assert tunesmith("studies", "--storage", url, cwd=tmp_path).stdout.strip() == "no studies"


def test_report_and_the_default_storage(tmp_path):
    url = f"sqlite:///{tmp_path / 'tunesmith.db'}"
    study = ts.create_study(storage=url, study_name="r", sampler="random", seed=0)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=5)
    # no --storage: tunesmith.db in the current folder
    listing = tunesmith("studies", cwd=tmp_path)
    assert listing.returncode == 0 and listing.stdout.startswith("r\t")
    made = tunesmith("report", "--study", "r", "-o", "out.html", cwd=tmp_path)
    assert made.returncode == 0 and "report written to" in made.stdout, made.stderr
    assert (tmp_path / "out.html").stat().st_size > 1_000_000  # plotly inlined


def test_missing_studies_and_bad_urls_are_one_line_errors(tmp_path):
    cases = [
        (("best", "--storage", "sqlite:///missing.db", "--study", "x"), "no SQLite database"),
        (("studies", "--storage", "mysql://x"), "unsupported storage URL"),
        (("trials", "--storage", "nonsense", "--study", "x"), "unsupported storage URL"),
        (("ask", "--storage", "sqlite:///m.db", "--study", "x", "--space", "{"), "no SQLite"),
    ]
    for args, message in cases:
        run = tunesmith(*args, cwd=tmp_path)
        assert run.returncode == 2 and message in run.stderr, (args, run.stderr)
        assert "Traceback" not in run.stderr
    assert not (tmp_path / "missing.db").exists()  # reading never creates a database
    url = f"sqlite:///{tmp_path / 'e.db'}"
    tunesmith("create-study", "--storage", url, "--study", "e", cwd=tmp_path)
    bad = tunesmith("ask", "--storage", url, "--study", "e", "--space", "[1]", cwd=tmp_path)
    assert bad.returncode == 2 and "--space must map names" in bad.stderr
    helped = tunesmith("--help", cwd=tmp_path)
    assert helped.returncode == 0 and "report" in helped.stdout and "dashboard" in helped.stdout


def test_a_study_of_several_objectives_from_the_shell(tmp_path):
    url = f"sqlite:///{tmp_path / 'mo.db'}"
    made = tunesmith("create-study", "--storage", url, "--study", "mo", "--directions",
                     "minimize", "maximize", cwd=tmp_path)  # fmt: skip
    assert made.returncode == 0, made.stderr
    space = '{"x": {"low": 0, "high": 1}, "y": {"low": 0, "high": 1}}'
    for _ in range(6):
        asked = tunesmith("ask", "--storage", url, "--study", "mo", "--space", space,
                          "--sampler", "random", cwd=tmp_path)  # fmt: skip
        assert asked.returncode == 0, asked.stderr
        trial = json.loads(asked.stdout)
        x, y = trial["params"]["x"], trial["params"]["y"]
        told = tunesmith("tell", "--storage", url, "--study", "mo", "--trial",
                         str(trial["number"]), "--value", str(x), str(y),
                         cwd=tmp_path)  # fmt: skip
        assert told.returncode == 0 and "COMPLETE" in told.stdout, told.stderr
    study = ts.load_study(study_name="mo", storage=url)
    assert all(set(t.params) == {"x", "y"} for t in study.trials)  # ask wrote them
    short = tunesmith("tell", "--storage", url, "--study", "mo", "--trial", "0", "--value", "1",
                      cwd=tmp_path)  # fmt: skip
    assert short.returncode == 2 and "--value takes 2 number(s), but got 1" in short.stderr
    best = tunesmith("best", "--storage", url, "--study", "mo", cwd=tmp_path)
    assert best.returncode == 0, best.stderr
    front = sorted(t.number for t in study.best_trials)
    assert best.stdout.splitlines()[0].startswith(f"{len(front)} trials on the Pareto front")
    assert [int(line.split()[1].rstrip(":")) for line in best.stdout.splitlines()[1:]] == front
    rows = json.loads(tunesmith("trials", "--storage", url, "--study", "mo", "--format", "json",
                                cwd=tmp_path).stdout)  # fmt: skip
    assert [[r["values_0"], r["values_1"]] for r in rows] == [list(t.values) for t in study.trials]
    unsaid = tunesmith("importance", "--storage", url, "--study", "mo", cwd=tmp_path)
    assert unsaid.returncode == 2 and "--objective 0 to 1" in unsaid.stderr
    second = tunesmith("importance", "--storage", url, "--study", "mo", "--objective", "1",
                       cwd=tmp_path)  # fmt: skip
    assert second.returncode == 0, second.stderr
    shares = [line.split("\t") for line in second.stdout.splitlines()]
    printed = {name: float(share) for name, share in shares}
    assert printed == pytest.approx(ts.importance(study, objective=1), abs=1e-4)
    assert printed != pytest.approx(ts.importance(study, objective=0), abs=1e-4)
    report = tunesmith("report", "--storage", url, "--study", "mo", "-o", "mo.html", cwd=tmp_path)
    assert report.returncode == 0 and (tmp_path / "mo.html").exists(), report.stderr


def test_the_table_reads_well_and_files_that_cannot_be_written_are_one_line_errors(tmp_path):
    url = f"sqlite:///{tmp_path / 't.db'}"
    study = ts.create_study(storage=url, study_name="t", sampler="random", seed=0)
    study.optimize(lambda t: t.suggest_float("x", 0, 1) / 3, n_trials=3)
    table = tunesmith("trials", "--storage", url, "--study", "t", cwd=tmp_path).stdout.splitlines()
    assert table[0].split() == ["number", "state", "value", "started_at", "finished_at",
                                "duration", "x", "reason"]  # fmt: skip
    assert table[1].split()[2] == f"{study.trials[0].value:.6g}"
    start = datetime.datetime.fromtimestamp(study.trials[0].started_at, datetime.timezone.utc)
    assert table[1].split()[3] == start.isoformat(timespec="milliseconds")
    columns = {line.index("state" if i == 0 else "COMPLETE") for i, line in enumerate(table)}
    assert len(columns) == 1  # the columns line up
    for args in (("export", "-o", "nowhere/t.csv"), ("report", "-o", "nowhere/t.html")):
        run = tunesmith(args[0], "--storage", url, "--study", "t", *args[1:], cwd=tmp_path)
        assert run.returncode == 2 and "Traceback" not in run.stderr, run.stderr
        assert "nowhere" in run.stderr and len(run.stderr.strip().splitlines()) == 1


def test_a_dashboard_on_a_port_in_use_says_so(tmp_path):
    url = f"sqlite:///{tmp_path / 'p.db'}"
    ts.create_study(storage=url, study_name="p")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        run = tunesmith("dashboard", "--storage", url, "--port", port, cwd=tmp_path)
    assert run.returncode == 2 and f"cannot listen on 127.0.0.1:{port}" in run.stderr
    assert "--port" in run.stderr and "Traceback" not in run.stderr
