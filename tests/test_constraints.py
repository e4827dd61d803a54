"""Constraints: values stored on trials, feasible best trials, and samplers that find the
feasible optimum when the unconstrained one is infeasible."""

from __future__ import annotations

import numpy as np
import pytest

import tunesmith as ts


def _bowl(trial):
    """(x - 1)² + (y - 1)², whose minimum (1, 1) breaks the constraint x + y <= 1; the
    feasible minimum is (0.5, 0.5), value 0.5."""
    x, y = trial.suggest_float("x", -2, 2), trial.suggest_float("y", -2, 2)
    trial.set_user_attr("sum", x + y)
    return (x - 1) ** 2 + (y - 1) ** 2


def _over_one(trial):
    return [trial.user_attrs["sum"] - 1.0]


@pytest.mark.parametrize(
    ("sampler", "n_trials", "tolerance"),
    [
        (ts.GPSampler(constraints=_over_one), 30, 0.02),
        (ts.TPESampler(constraints=_over_one), 200, 0.05),
        (ts.NSGAIISampler(population_size=20, constraints=_over_one), 400, 0.05),
    ],
    ids=["gp", "tpe", "nsga2"],
)
def test_the_feasible_optimum_is_found_when_the_unconstrained_one_is_infeasible(
    sampler, n_trials, tolerance
):
    study = ts.create_study(sampler=sampler, seed=0)
    study.optimize(_bowl, n_trials=n_trials)
    best = study.best_trial
    assert best.feasible and best.constraints[0] <= 0
    assert best.value == pytest.approx(0.5, abs=tolerance)
    infeasible = [t for t in study.trials if not t.feasible]
    assert infeasible and min(t.value for t in infeasible) < best.value
    assert all(t.constraints == (t.user_attrs["sum"] - 1.0,) for t in study.trials)


def test_constraint_values_are_stored_and_survive_a_reload(tmp_path):
    url = f"sqlite:///{tmp_path / 'c.db'}"
    sampler = ts.TPESampler(constraints=lambda t: [t.params["x"] - 0.5, -1.0])
    study = ts.create_study(storage=url, study_name="c", sampler=sampler, seed=0)
    study.optimize(lambda t: -t.suggest_float("x", 0, 1), n_trials=15)
    loaded = ts.load_study(study_name="c", storage=url)
    assert [t.constraints for t in loaded.trials] == [
        (t.params["x"] - 0.5, -1.0) for t in study.trials
    ]
    assert loaded.best_trial.params["x"] <= 0.5
    pytest.importorskip("pandas")
    frame = loaded.to_dataframe()
    assert frame["constraints"].tolist() == [t.constraints for t in loaded.trials]


def test_without_a_feasible_trial_there_is_no_best_trial():
    study = ts.create_study(sampler=ts.TPESampler(constraints=lambda t: [1.0]), seed=0)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    with pytest.raises(ts.NoCompletedTrialError, match="no feasible COMPLETE trial"):
        _ = study.best_trial
    assert study.best_trials == []


@pytest.mark.parametrize("returned", [None, [], ["a"], [float("nan")], 1.0])
def test_a_constraints_function_that_returns_no_numbers_fails_the_trial(returned):
    study = ts.create_study(sampler=ts.TPESampler(constraints=lambda t: returned), seed=0)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    assert all(t.state is ts.TrialState.FAIL for t in study.trials)
    assert "the constraints function returned" in study.trials[0].reason


def test_an_error_in_the_constraints_function_fails_the_trial_and_reaches_the_user():
    def broken(trial):
        raise KeyError("mem_gb")

    study = ts.create_study(sampler=ts.GPSampler(constraints=broken), seed=0)
    with pytest.raises(KeyError, match="mem_gb"):
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    assert study.trials[0].state is ts.TrialState.FAIL
    assert "constraints function raised" in study.trials[0].reason


def test_constraints_must_be_a_function():
    for sampler in (ts.TPESampler, ts.GPSampler, ts.NSGAIISampler):
        with pytest.raises(ts.InvalidArgumentError, match="constraints"):
            sampler(constraints=[0.0])


def test_a_constrained_front_has_feasible_trials_only():
    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        return x, 1 - x

    sampler = ts.TPESampler(constraints=lambda t: [0.3 - t.params["x"]])
    study = ts.create_study(directions=["minimize", "minimize"], sampler=sampler, seed=0)
    study.optimize(objective, n_trials=40)
    front = study.best_trials
    assert front and all(t.params["x"] >= 0.3 for t in front)
    assert any(t.params["x"] < 0.3 for t in study.trials)
    xs = np.array([t.params["x"] for t in front])
    assert len(front) == sum(1 for t in study.trials if t.feasible)  # all feasible: a front
    assert xs.min() >= 0.3


def test_c_tpe_heads_for_where_a_rarely_met_constraint_is_met():
    """c-TPE: a constraint few trials meet gets the γ(n) with its smallest values as its
    good group, so the search moves there; one every trial meets changes nothing."""

    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        trial.set_user_attr("c", [0.9 - x, -1.0])  # x >= 0.9; always met
        return x

    study = ts.create_study(sampler=ts.TPESampler(constraints=lambda t: t.user_attrs["c"]), seed=0)
    study.optimize(objective, n_trials=60)
    assert study.best_trial.params["x"] == pytest.approx(0.9, abs=0.02)
    later = np.array([t.params["x"] for t in study.trials[30:]])
    assert np.mean(later >= 0.8) > 0.6  # most proposals near the boundary


def test_the_relative_density_ratio_is_flat_when_every_trial_is_good():
    from tunesmith.distributions import FloatDistribution
    from tunesmith.encoding import UnitCube
    from tunesmith.samplers.tpe import ParzenEstimator, _log_relative_ratio

    cube = UnitCube({"x": FloatDistribution(0, 1)})
    rng = np.random.default_rng(0)
    below = ParzenEstimator(rng.random((10, 1)) * 0.3, np.ones(10), cube, 1.0)
    above = ParzenEstimator(0.7 + rng.random((10, 1)) * 0.3, np.ones(10), cube, 1.0)
    points = np.array([[0.1], [0.5], [0.9]])
    assert np.allclose(_log_relative_ratio(below, above, 1.0, points), 0.0)
    ratio = _log_relative_ratio(below, above, 0.1, points)
    assert ratio[0] > ratio[1] > ratio[2] and ratio.max() <= np.log(1 / 0.1) + 1e-9


def test_a_constrained_front_on_the_constraint_boundary_is_reached():
    """TNK (Tanaka 1995): the feasible front lies on the wavy boundary of the first
    constraint, where the infeasible region holds every better objective value."""

    def objective(trial):
        a, b = trial.suggest_float("a", 1e-9, np.pi), trial.suggest_float("b", 1e-9, np.pi)
        wave = 1 + 0.1 * np.cos(16 * np.arctan2(a, b))
        trial.set_user_attr("c", [wave - a * a - b * b, (a - 0.5) ** 2 + (b - 0.5) ** 2 - 0.5])
        return a, b

    sampler = ts.TPESampler(constraints=lambda t: t.user_attrs["c"])
    study = ts.create_study(directions=["minimize", "minimize"], sampler=sampler, seed=0)
    study.optimize(objective, n_trials=150)
    # the true feasible front's hypervolume against (1.2, 1.2) is 0.654
    assert ts.hypervolume(study, reference=(1.2, 1.2)) > 0.75 * 0.654
