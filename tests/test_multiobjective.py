"""Studies of several objectives: values, the Pareto front, storage, resume, workers."""

from __future__ import annotations

import json
import math
import sqlite3

import numpy as np
import pytest

import tunesmith as ts


def _tradeoff(trial):
    """Two objectives in conflict: x small is good for the first, bad for the second."""
    return _tradeoff_at(trial.suggest_float("x", 0, 1), trial.suggest_float("y", 0, 1))


def _tradeoff_at(x, y):
    return x + y, (1 - x) ** 2 + y


def _front_by_brute_force(trials, signs=(1.0, 1.0)):
    complete = [t for t in trials if t.state is ts.TrialState.COMPLETE and t.feasible]
    losses = {t.number: np.array(t.values) * signs for t in complete}
    return sorted(
        n
        for n, a in losses.items()
        if not any(np.all(b <= a) and np.any(b < a) for b in losses.values())
    )


@pytest.mark.parametrize("kind", [tuple, list, np.array])
def test_the_objective_returns_one_value_per_direction(kind):
    study = ts.create_study(directions=["minimize", "maximize"], sampler="random", seed=0)
    study.optimize(lambda t: kind(_tradeoff(t)), n_trials=5)
    trial = study.trials[0]
    assert study.directions == (ts.Direction.MINIMIZE, ts.Direction.MAXIMIZE)
    assert trial.state is ts.TrialState.COMPLETE
    assert trial.values == pytest.approx(_tradeoff_at(**trial.params))
    assert trial.value is None and isinstance(trial.values, tuple)


@pytest.mark.parametrize(
    ("returned", "reason"),
    [
        ((1.0,), "returned 1 values"),
        ((1.0, 2.0, 3.0), "returned 3 values"),
        ((1.0, math.nan), "finite"),
        ((1.0, "a"), "finite"),
        (1.0, "needs a tuple"),
        (None, "needs a tuple"),
    ],
)
def test_a_wrong_number_of_values_or_a_non_finite_one_fails_the_trial(returned, reason):
    study = ts.create_study(directions=["minimize", "minimize"], sampler="random", seed=0)
    study.optimize(lambda t: returned if t.number == 0 else _tradeoff(t), n_trials=3)
    first = study.trials[0]
    assert first.state is ts.TrialState.FAIL and first.values is None
    assert reason in first.reason and "2 objectives" in first.reason
    assert all(t.state is ts.TrialState.COMPLETE for t in study.trials[1:])


def test_best_trials_is_the_pareto_front_and_best_trial_points_to_it():
    study = ts.create_study(directions=["minimize", "minimize"], sampler="random", seed=1)
    study.optimize(_tradeoff, n_trials=60)
    front = [t.number for t in study.best_trials]
    assert front == _front_by_brute_force(study.trials) and 2 <= len(front) < 60
    for name in ("best_trial", "best_value", "best_params", "direction"):
        with pytest.raises(ts.InvalidArgumentError, match=r"directions|best_trials"):
            getattr(study, name)


def test_maximized_objectives_count_as_such_in_the_front():
    study = ts.create_study(directions=["maximize", "minimize"], sampler="random", seed=2)
    study.optimize(_tradeoff, n_trials=40)
    front = [t.number for t in study.best_trials]
    assert front == _front_by_brute_force(study.trials, signs=(-1.0, 1.0))
    assert front != _front_by_brute_force(study.trials)


def test_ask_and_tell_take_values():
    study = ts.create_study(directions=["minimize", "maximize"], seed=0)
    first, second = study.ask(), study.ask()
    assert study.tell(first, (1.0, 2.0)).values == (1.0, 2.0)
    assert study.tell(second.number, values=np.array([3.0, 1.0])).values == (3.0, 1.0)
    assert [t.number for t in study.best_trials] == [0]
    with pytest.raises(ts.InvalidArgumentError, match="value or values"):
        study.tell(study.ask(), 1.0, values=[1.0, 2.0])


def test_a_single_objective_study_has_best_trials_too():
    study = ts.create_study(sampler="random", seed=0)
    study.optimize(lambda t: round(t.suggest_float("x", 0, 1), 1), n_trials=30)
    best = study.best_trials
    assert best and all(t.value == study.best_value for t in best)
    assert study.best_trial in best and study.trials[0].values == (study.trials[0].value,)


def test_to_dataframe_has_a_column_per_objective():
    pytest.importorskip("pandas")
    study = ts.create_study(directions=["minimize", "maximize"], sampler="random", seed=0)
    study.optimize(_tradeoff, n_trials=4)
    frame = study.to_dataframe()
    assert list(frame.columns[:4]) == ["number", "values_0", "values_1", "state"]
    assert frame["values_1"].tolist() == [t.values[1] for t in study.trials]


def test_direction_and_directions_are_checked():
    with pytest.raises(ts.InvalidArgumentError, match="not both"):
        ts.create_study(direction="minimize", directions=["minimize", "maximize"])
    with pytest.raises(ts.InvalidArgumentError, match="at least one"):
        ts.create_study(directions=[])
    with pytest.raises(ts.InvalidArgumentError, match="'minimize' or 'maximize'"):
        ts.create_study(directions=["minimize", "upward"])
    with pytest.raises(ts.InvalidArgumentError, match="list"):
        ts.create_study(directions="minimize")


@pytest.mark.parametrize("sampler", ["genetic", "cmaes", "bohb", ts.GeneticSampler()])
def test_a_sampler_of_one_objective_is_refused_at_create_study(sampler):
    with pytest.raises(ts.InvalidArgumentError, match=r"handles one objective.*nsga2"):
        ts.create_study(directions=["minimize", "minimize"], sampler=sampler)


def test_pruning_a_study_of_several_objectives_is_an_error():
    with pytest.raises(ts.InvalidArgumentError, match="cannot have a pruner"):
        ts.create_study(directions=["minimize", "minimize"], pruner="median")
    study = ts.create_study(directions=["minimize", "minimize"], sampler="random")

    def objective(trial):
        trial.report(1.0, 1)
        trial.should_prune()
        return 1.0, 2.0

    with pytest.raises(ts.InvalidArgumentError, match="cannot prune"):
        study.optimize(objective, n_trials=1)
    assert study.trials[0].state is ts.TrialState.FAIL


def test_a_stored_study_resumes_with_its_directions_and_front(make_storage):
    storage = make_storage()
    study = ts.create_study(
        storage=storage, study_name="mo", directions=["minimize", "maximize"], sampler="nsga2",
        seed=0,
    )  # fmt: skip
    study.optimize(_tradeoff, n_trials=20)
    front = [t.number for t in study.best_trials]
    loaded = ts.load_study(study_name="mo", storage=storage, sampler="nsga2")
    assert loaded.directions == study.directions
    assert [t.number for t in loaded.best_trials] == front
    assert [t.values for t in loaded.trials] == [t.values for t in study.trials]
    loaded.optimize(_tradeoff, n_trials=20)
    assert len(loaded.trials) == 40
    assert [t.number for t in loaded.best_trials] == _front_by_brute_force(
        loaded.trials, signs=(1.0, -1.0)
    )
    again = ts.create_study(
        storage=storage, study_name="mo", directions=["minimize", "maximize"],
        load_if_exists=True,
    )  # fmt: skip
    assert len(again.trials) == 40
    with pytest.raises(ts.InvalidArgumentError, match="keeps its direction"):
        ts.create_study(storage=storage, study_name="mo", load_if_exists=True)
    summary = next(s for s in ts.list_studies(storage) if s.study_name == "mo")
    assert summary.directions == study.directions and summary.best_value is None


def test_a_study_written_before_several_objectives_existed_still_loads(tmp_path):
    """The rows an earlier tunesmith wrote (schema 1, one direction, "v" a number)."""
    path = tmp_path / "old.db"
    ts.SQLiteStorage(path)  # the schema
    distribution = {"kind": "float", "low": 0.0, "high": 1.0, "log": False, "step": None}
    rows = [
        ("created", None, {"t": 1.0, "c": None}),
        ("proposed", 0, {"d": {"x": distribution}, "v": {"x": 0.25}}),
        ("finished", 0, {"s": "complete", "v": 0.5, "t": 2.0, "r": None, "a": 1}),
        ("created", None, {"t": 3.0, "c": None}),
        ("params", 1, {"d": {"x": distribution}, "v": {"x": 0.75}}),
        ("finished", 1, {"s": "complete", "v": 0.1, "t": 4.0, "r": None}),
    ]
    with sqlite3.connect(path) as connection:
        connection.execute(
            "INSERT INTO studies (name, direction, seed, created_at) "
            "VALUES ('old', 'maximize', 7, 0)"
        )
        connection.executemany(
            "INSERT INTO events (study_id, kind, trial, payload) VALUES (1, ?, ?, ?)",
            [(kind, trial, json.dumps(payload)) for kind, trial, payload in rows],
        )
    study = ts.load_study(study_name="old", storage=f"sqlite:///{path}")
    assert study.direction is ts.Direction.MAXIMIZE and study.directions == (study.direction,)
    assert [t.values for t in study.trials] == [(0.5,), (0.1,)]
    assert study.best_value == 0.5 and study.best_params == {"x": 0.25}
    assert study.trials[1].constraints is None and study.trials[1].feasible


def test_two_worker_processes_keep_one_front(tmp_path):
    url = f"sqlite:///{tmp_path / 'mo.db'}"
    study = ts.create_study(
        storage=url, directions=["minimize", "minimize"],
        sampler=ts.NSGAIISampler(population_size=8), seed=3,
    )  # fmt: skip
    study.optimize(_tradeoff, n_trials=48, n_jobs=2)
    trials = study.trials
    assert len(trials) == 48 and all(t.state is ts.TrialState.COMPLETE for t in trials)
    assert [t.number for t in study.best_trials] == _front_by_brute_force(trials)
    assert max(t.notes["nsga2"]["generation"] for t in trials) >= 4
    loaded = ts.load_study(study_name=study.study_name, storage=url)
    assert [t.number for t in loaded.best_trials] == [t.number for t in study.best_trials]


def test_the_pareto_plot_draws_a_study_of_two_objectives():
    pytest.importorskip("matplotlib")
    from tunesmith.plot import plot_pareto_front

    study = ts.create_study(directions=["minimize", "maximize"], sampler="random", seed=0)
    study.optimize(_tradeoff, n_trials=30)
    axes = plot_pareto_front(study).axes[0]
    front = axes.get_lines()[0]
    assert len(front.get_xdata()) == len(study.best_trials)
    assert sorted(front.get_xdata()) == sorted(t.values[0] for t in study.best_trials)
    single = ts.create_study(sampler="random")
    single.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    with pytest.raises(ts.InvalidArgumentError, match="give `targets`"):
        plot_pareto_front(single)


def test_the_pareto_plot_draws_three_objectives_pair_by_pair():
    pytest.importorskip("matplotlib")
    from tunesmith.plot import plot_pareto_front

    def objective(trial):
        x, y = trial.suggest_float("x", 0, 1), trial.suggest_float("y", 0, 1)
        return x, y, 2 - x - y  # every trial is on the front of the three

    study = ts.create_study(directions=["minimize"] * 3, sampler="random", seed=0)
    study.optimize(objective, n_trials=20)
    study.optimize(lambda t: (t.suggest_float("x", 0.5, 1), 1.0, 1.0), n_trials=5)  # dominated
    figure = plot_pareto_front(study, target_names=["latency", "memory", "error"])
    drawn = [ax for ax in figure.axes if ax.axison]
    assert len(drawn) == 3  # (latency, memory), (latency, error), (memory, error)
    assert [ax.get_xlabel() for ax in drawn] == ["", "latency", "memory"]
    assert [ax.get_ylabel() for ax in drawn] == ["memory", "error", ""]
    for ax in drawn:
        dominated, front = ax.collections
        assert len(front.get_offsets()) == len(study.best_trials)
        assert len(dominated.get_offsets()) + len(front.get_offsets()) == 25
    with pytest.raises(ts.InvalidArgumentError, match="one direction and one name per target"):
        plot_pareto_front(study, target_names=["a", "b"])
