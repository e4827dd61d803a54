"""The HTML report and the dashboard's JSON, read in Python: self-contained, complete,
and read-only on the storage. (tests/test_browser.py opens them in Chromium.)"""

from __future__ import annotations

import json
import re

import pytest

import tunesmith as ts
from tunesmith.analysis.payload import study_payload
from tunesmith.report import render_report, write_report


def objective(trial):
    x = trial.suggest_float("x", 1e-3, 1, log=True)
    kind = trial.suggest_categorical("kind", ["a", "b"])
    if trial.number % 7 == 3:
        raise ValueError("boom")
    for step in range(3):
        trial.report(x * (3 - step), step)
    return x + (kind == "b")


@pytest.fixture(scope="module")
def study():
    study = ts.create_study(sampler="random", seed=0, study_name="report")
    study.optimize(objective, n_trials=30, catch=(ValueError,))
    return study


def test_the_payload_holds_every_trial_and_the_views(study):
    data = json.loads(json.dumps(study_payload(study), allow_nan=False))
    trials = study.trials
    assert data["trials"]["number"] == [t.number for t in trials]
    assert data["study"]["counts"]["FAIL"] == sum(t.state is ts.TrialState.FAIL for t in trials)
    assert data["best"] == [
        {"number": study.best_trial.number, "values": [study.best_value],
         "params": study.best_params}
    ]  # fmt: skip
    assert data["trials"]["values"] == [[t.value for t in trials]]
    assert data["study"]["directions"] == ["minimize"]
    assert set(data["importance"][0]) == {"x", "kind"}
    assert data["params"][0] == {"name": "x", "kind": "float", "log": True, "low": 1e-3, "high": 1}
    assert data["params"][1]["choices"] == ["a", "b"]
    assert len(data["curves"]["number"]) == sum(bool(t.intermediate_values) for t in trials)


def test_the_report_is_one_file_that_needs_no_network(study, tmp_path):
    path = write_report(study, tmp_path / "r.html")
    text = path.read_text()
    assert not re.search(r"<script[^>]+src=", text) and not re.search(r"<link[^>]+href=.http", text)
    assert "window.TUNESMITH_DATA" in text and "Plotly" in text
    assert text.count("<script>") == 3  # plotly, the data, the page's own script
    with pytest.raises(ts.InvalidArgumentError, match="does not exist"):
        write_report(study, tmp_path / "nowhere" / "r.html")


def test_reading_a_study_writes_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'r.db'}"
    study = ts.create_study(storage=url, study_name="r", sampler="random", seed=0)
    study.optimize(objective, n_trials=10, catch=(ValueError,))
    before = len(study.storage.read("r"))
    render_report(ts.load_study(study_name="r", storage=url))
    assert len(study.storage.read("r")) == before


def test_a_study_of_several_objectives_has_its_front_and_each_objective(tmp_path):
    def two(trial):
        x = trial.suggest_float("x", 0, 1)
        y = trial.suggest_float("y", 1e-3, 1, log=True)
        if trial.number == 4:
            raise ValueError("boom")
        return x + y, (1 - x) ** 2  # x drives both, y only the first

    study = ts.create_study(directions=["minimize", "maximize"], sampler="random", seed=0)
    study.optimize(two, n_trials=40, catch=(ValueError,))
    data = json.loads(json.dumps(study_payload(study), allow_nan=False))
    assert data["study"]["directions"] == ["minimize", "maximize"]
    front = sorted(t.number for t in study.best_trials)
    assert [b["number"] for b in data["best"]] == front
    assert data["best"][0]["values"] == list(study.trials[front[0]].values)
    assert data["trials"]["values"][1][4] is None  # the failed trial has no values
    assert [len(column) for column in data["trials"]["values"]] == [40, 40]
    first, second = data["importance"]
    assert set(first) == set(second) == {"x", "y"} and second["x"] > 0.9
    assert [(c["x"], c["y"], c["log"]) for c in data["contour"]] == [("x", "y", [False, True])] * 2
    assert data["contour"][0]["z"] != data["contour"][1]["z"]  # each objective's surface
    assert "Pareto front" in write_report(study, tmp_path / "mo.html").read_text()


def test_a_large_study_is_explained_from_a_sample(study, monkeypatch):
    from tunesmith.analysis import payload

    monkeypatch.setattr(payload, "MAX_TRIALS", 10)
    data = study_payload(study)
    complete = study.get_trials([ts.TrialState.COMPLETE])
    assert len(complete) > 10 and data["importance_trials"] == 10
    assert data["importance"][0] == ts.importance(study, max_trials=10)
    assert len(data["trials"]["number"]) == len(study.trials)  # every trial is still drawn


def test_too_few_trials_show_no_importance_rather_than_equal_shares():
    study = ts.create_study(sampler="random", seed=0)
    study.optimize(lambda t: t.suggest_float("x", 0, 1) + t.suggest_float("y", 0, 1), n_trials=4)
    assert study_payload(study)["importance"] == [None]  # fANOVA cannot split 4 trials
    study.optimize(lambda t: t.suggest_float("x", 0, 1) + t.suggest_float("y", 0, 1), n_trials=1)
    assert set(study_payload(study)["importance"][0]) == {"x", "y"}
