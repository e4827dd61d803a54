"""The model-based samplers on several objectives: MOTPE and the GP's EHVI beat random
search at equal trials."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest

import tunesmith as ts
from tunesmith.samplers._gp_multi import floors
from tunesmith.samplers.tpe import rank_order

#: The hypervolume of ZDT1's front f2 = 1 - sqrt(f1) against the reference (1.1, 1.1).
ZDT1_HYPERVOLUME = 0.1 + 2 / 3 + 0.11


def zdt1(trial, dims):
    x = np.array([trial.suggest_float(f"x{i}", 0, 1) for i in range(dims)])
    g = 1 + 9 * x[1:].mean()
    return x[0], g * (1 - np.sqrt(x[0] / g))


def _ratio(sampler, dims, n_trials, seed=0):
    study = ts.create_study(directions=["minimize", "minimize"], sampler=sampler, seed=seed)
    study.optimize(lambda t: zdt1(t, dims), n_trials=n_trials)
    return ts.hypervolume(study, reference=(1.1, 1.1)) / ZDT1_HYPERVOLUME


def test_the_gp_front_beats_random_search_at_50_trials():
    gp = _ratio(ts.GPSampler(), dims=3, n_trials=50)
    random = _ratio(ts.RandomSampler(), dims=3, n_trials=50)
    assert gp > 0.9 and gp > random + 0.2


def test_motpe_beats_random_search_at_200_trials():
    tpe = np.mean([_ratio(ts.TPESampler(), dims=6, n_trials=200, seed=s) for s in range(2)])
    random = np.mean([_ratio(ts.RandomSampler(), 6, 200, seed=s) for s in range(2)])
    assert tpe > random + 0.2


def dtlz2(trial):
    x = np.array([trial.suggest_float(f"x{i}", 0, 1) for i in range(6)])
    g = np.sum((x[2:] - 0.5) ** 2)
    a, b = x[0] * np.pi / 2, x[1] * np.pi / 2
    return (
        (1 + g) * np.cos(a) * np.cos(b),
        (1 + g) * np.cos(a) * np.sin(b),
        (1 + g) * np.sin(a),
    )


def test_motpe_beats_random_search_on_three_objectives():
    def volume(sampler, seed):
        study = ts.create_study(directions=["minimize"] * 3, sampler=sampler, seed=seed)
        study.optimize(dtlz2, n_trials=150)
        return ts.hypervolume(study, reference=(1.1, 1.1, 1.1))

    tpe = np.mean([volume(ts.TPESampler(), seed) for seed in range(2)])
    random = np.mean([volume(ts.RandomSampler(), seed) for seed in range(2)])
    assert tpe > 1.3 * random


@pytest.mark.parametrize("objectives", [2, 3])
def test_motpe_good_group_keeps_nearly_the_most_hypervolume_of_a_front(objectives):
    """When the first front holds more trials than the good group, the trials kept span
    it: their hypervolume (against a reference just beyond the front) is nearly that of
    the best subset of their size, not the front's extremes and their neighbours."""
    rng = np.random.default_rng(0)
    front = np.abs(rng.normal(size=(14, objectives)))
    front /= np.linalg.norm(front, axis=1, keepdims=True)  # on the unit sphere: a front
    reference = front.max(axis=0) + 0.1 * np.ptp(front, axis=0)
    kept = rank_order(front, 4)[:4]
    best = max(ts.hypervolume(front[list(c)], reference) for c in combinations(range(14), 4))
    assert ts.hypervolume(front[kept], reference) >= 0.97 * best


def test_motpe_good_group_of_three_objectives_is_what_greedy_selection_takes_by_exact_volumes():
    """Each trial kept from the cut front adds the most hypervolume to those kept before
    it, by exact volumes: an estimate from sampled points cannot tell apart the small
    gains of the last picks of a large front."""
    rng = np.random.default_rng(1)
    front = np.abs(rng.normal(size=(60, 3)))
    front /= np.linalg.norm(front, axis=1, keepdims=True)
    reference = front.max(axis=0) + 0.1 * np.ptp(front, axis=0)
    taken: list[int] = []
    for _ in range(20):
        gains = [-1.0 if i in taken else ts.hypervolume(front[[*taken, i]], reference)
                 for i in range(len(front))]  # fmt: skip
        taken.append(int(np.argmax(gains)))
    assert list(rank_order(front, 20)[:20]) == taken


@pytest.mark.parametrize("objectives", [3, 4])
def test_the_gp_handles_three_objectives_and_scalarizes_beyond(objectives):
    def objective(trial):
        x = np.array([trial.suggest_float(f"x{i}", 0, 1) for i in range(3)])
        return tuple(np.roll(x, i).dot([1.0, 0.5, 0.25]) for i in range(objectives))

    study = ts.create_study(
        directions=["minimize"] * objectives, sampler=ts.GPSampler(n_startup_trials=5), seed=0
    )
    study.optimize(objective, n_trials=12)
    assert all(t.state is ts.TrialState.COMPLETE for t in study.trials)
    # the model proposed points towards the origin (where every objective is small)
    model = [sum(t.params.values()) for t in study.trials[5:]]
    startup = [sum(t.params.values()) for t in study.trials[:5]]
    assert min(model) < min(startup)


@pytest.mark.parametrize(("objectives", "chosen"), [(2, "gp"), (3, "tpe")])
def test_auto_keeps_the_gp_for_two_objectives_whatever_it_costs_and_tpe_beyond(objectives, chosen):
    """Several objectives go by trials, not timings: an instant objective does not send
    a two-objective study to TPE after the warm-up."""
    auto = ts.AutoSampler(warmup_trials=2)
    study = ts.create_study(directions=["minimize"] * objectives, sampler=auto, seed=0)
    study.optimize(lambda t: tuple([t.suggest_float("x", 0, 1)] * objectives), n_trials=6)
    assert {t.notes["auto"]["by"] for t in study.trials} == {chosen}
    past = ts.create_study(
        directions=["minimize"] * objectives, sampler=ts.AutoSampler(gp_trials=3)
    )
    past.optimize(lambda t: tuple([t.suggest_float("x", 0, 1)] * objectives), n_trials=5)
    assert past.trials[-1].notes["auto"]["by"] == "tpe"


def test_auto_leaves_the_gp_for_a_trial_after_a_tie_with_two_objectives():
    """On a plateau (values an earlier trial had) the GP sees no slope; the next trial
    goes to TPE, as with one objective."""
    auto = ts.AutoSampler(warmup_trials=2)
    study = ts.create_study(directions=["minimize", "minimize"], sampler=auto, seed=0)
    study.optimize(lambda t: (round(t.suggest_float("x", 0, 1)), 0.0), n_trials=15)
    chosen = [t.notes["auto"]["by"] for t in study.trials]
    assert "tpe" in chosen
    assert all(
        by == "gp" or study.trials[i - 1].values in [t.values for t in study.trials[: i - 1]]
        for i, by in enumerate(chosen)
    )


def test_the_gp_does_not_keep_proposing_past_an_objective_floor():
    """A model's size cannot go below its smallest configuration's: once two trials hit
    that floor exactly, EHVI counts no gain below it, so the GP stops proposing the
    smallest model (it did in 3 to 6 of trials 10-29 per seed without the floor)."""

    def objective(trial):
        x = np.array([trial.suggest_float(f"x{i}", 0, 1) for i in range(3)])
        error = (1 - x[0]) ** 2 + 0.5 * np.sum((x[1:] - 0.3) ** 2)
        return error, max(x[0], 0.25)  # the size: 0.25 for every x0 below it

    at_floor = 0
    for seed in range(2):
        study = ts.create_study(directions=["minimize"] * 2, sampler=ts.GPSampler(), seed=seed)
        study.optimize(objective, n_trials=30)
        at_floor += sum(t.values[1] == 0.25 for t in study.trials[10:])
    assert at_floor <= 4


def test_an_objective_floor_is_a_minimum_hit_exactly_by_trials_that_differ_elsewhere():
    losses = np.array([[0.3, 2.0], [0.1, 2.0], [0.2, 2.5], [0.1 + 1e-12, 3.0]])
    assert list(floors(losses)) == [-np.inf, 2.0]
    # the same values twice: one configuration evaluated again, not a floor
    assert list(floors(np.array([[0.1, 3.0], [0.1, 3.0], [0.2, 2.5]]))) == [-np.inf, -np.inf]
