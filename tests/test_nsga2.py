"""NSGA-II: the front it reaches, constraints, generations in notes, parallel workers."""

from __future__ import annotations

import numpy as np
import pytest

import tunesmith as ts

#: The hypervolume of ZDT1's true front (f2 = 1 - sqrt(f1)) against (1.1, 1.1):
#: 1.1 * 1.1 - (the area under the front, 2/3) - the strip f1 in [1, 1.1] above 0...
#: computed as the integral of 1.1 - (1 - sqrt(f1)) over [0, 1] plus 0.1 * 1.1.
ZDT1_HYPERVOLUME = 0.1 + 2 / 3 + 0.11


def zdt1(trial, dims=6):
    x = np.array([trial.suggest_float(f"x{i}", 0, 1) for i in range(dims)])
    g = 1 + 9 * x[1:].mean()
    return x[0], g * (1 - np.sqrt(x[0] / g))


def test_nsga2_reaches_most_of_zdt1s_front_within_2000_trials():
    study = ts.create_study(directions=["minimize", "minimize"], sampler="nsga2", seed=0)
    study.optimize(zdt1, n_trials=2000)
    ratio = ts.hypervolume(study, reference=(1.1, 1.1)) / ZDT1_HYPERVOLUME
    assert ratio > 0.93
    random = ts.create_study(directions=["minimize", "minimize"], sampler="random", seed=0)
    random.optimize(zdt1, n_trials=2000)
    assert ts.hypervolume(random, reference=(1.1, 1.1)) / ZDT1_HYPERVOLUME < 0.8


def test_generations_and_parents_are_in_the_notes():
    study = ts.create_study(
        directions=["minimize", "minimize"], sampler=ts.NSGAIISampler(population_size=10), seed=1
    )
    study.optimize(zdt1, n_trials=45)
    notes = [t.notes["nsga2"] for t in study.trials]
    assert [n["generation"] for n in notes] == [t.number // 10 for t in study.trials]
    assert all("parents" not in n for n in notes[:10])
    for note in notes[10:]:
        assert 1 <= len(note["parents"]) <= 2
        assert all(p < 10 * note["generation"] for p in note["parents"])


def test_constrained_domination_gives_a_feasible_front():
    """min (x, y) subject to x + y >= 1: the unconstrained optimum (0, 0) is infeasible;
    the feasible front is the segment x + y = 1."""

    def objective(trial):
        x, y = trial.suggest_float("x", 0, 1), trial.suggest_float("y", 0, 1)
        trial.set_user_attr("sum", x + y)
        return x, y

    sampler = ts.NSGAIISampler(
        population_size=20, constraints=lambda trial: [1.0 - trial.user_attrs["sum"]]
    )
    study = ts.create_study(directions=["minimize", "minimize"], sampler=sampler, seed=2)
    study.optimize(objective, n_trials=600)
    front = study.best_trials
    assert all(t.feasible and t.constraints[0] <= 0 for t in front)
    assert any(not t.feasible for t in study.trials)
    # the feasible front dominates the triangle x + y >= 1 of the unit square, area 1/2
    # (an infeasible point near (0, 0) alone would dominate nearly all of it, area 1)
    assert 0.41 < ts.hypervolume(study, reference=(1.0, 1.0)) <= 0.5


def test_nsga2_minimizes_a_single_objective_too():
    study = ts.create_study(sampler=ts.NSGAIISampler(population_size=10), seed=0)
    study.optimize(lambda t: (t.suggest_float("x", -3, 3) - 1) ** 2, n_trials=150)
    assert study.best_value < 1e-3


def test_bad_arguments_are_refused():
    with pytest.raises(ts.InvalidArgumentError, match="population_size"):
        ts.NSGAIISampler(population_size=1)
    with pytest.raises(ts.InvalidArgumentError, match="constraints"):
        ts.NSGAIISampler(constraints=[1.0])
