"""The evolutionary samplers: the genetic algorithm's selection, elitism and operators,
its generations kept in the study (resumed, and shared by worker processes)."""

from __future__ import annotations

import math
import os
import time

import numpy as np
import pytest

import tunesmith as ts
from tunesmith.encoding import UnitCube
from tunesmith.samplers._variation import mutate, ranks, sbx, tournament
from tunesmith.samplers.genetic import _Pool


def _mixed(trial):
    xs = [trial.suggest_float(f"x{i}", -5, 5) for i in range(4)]
    lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    n = trial.suggest_int("n", 1, 30)
    c = trial.suggest_categorical("c", ["a", "b", "c", "d"])
    return sum((x - 1.7) ** 2 for x in xs) + abs(math.log10(lr) + 3) + abs(n - 11) / 3 + (c != "c")


def _genetic_parents_come_from_the_best(study, size, steady):
    """Every bred trial's parents are among the ``size`` best trials completed before
    it (steady-state) or before its generation began (generational), in a sequential
    study where trial k starts after trials 0..k-1 finished."""
    trials = study.trials
    sign = 1 if study.direction is ts.Direction.MINIMIZE else -1
    bred = 0
    for trial in trials:
        notes = trial.notes["genetic"]
        generation = notes["generation"]
        assert generation == trial.number // size
        if generation == 0:
            assert "parents" not in notes
            continue
        earlier = trials[: trial.number if steady else generation * size]
        best = sorted(earlier, key=lambda t: (sign * t.value, t.number))[:size]
        assert set(notes["parents"]) <= {t.number for t in best}, trial.number
        bred += 1
    return bred


@pytest.mark.parametrize("mode", ["generational", "steady_state"])
@pytest.mark.parametrize("direction", ["minimize", "maximize"])
def test_genetic_breeds_from_the_best_for_negative_and_maximized_objectives(mode, direction):
    size = 7  # odd on purpose
    study = ts.create_study(
        sampler=ts.GeneticSampler(population_size=size, mode=mode), direction=direction, seed=3
    )
    # values of both signs around zero: a fitness of 1 / value would break here
    flip = 1 if direction == "minimize" else -1
    study.optimize(lambda t: flip * (t.suggest_float("x", -2, 2) + t.suggest_int("n", -3, 3)), 70)
    assert _genetic_parents_come_from_the_best(study, size, mode == "steady_state") == 70 - size
    # tournaments favour the better ranks: the parents' mean rank is well below the middle
    trials = study.trials
    sign = 1 if direction == "minimize" else -1
    positions = []
    for trial in trials[size:]:
        earlier = trials[: trial.number] if mode == "steady_state" else None
        if earlier is None:
            generation = trial.notes["genetic"]["generation"]
            earlier = trials[: generation * size]
        best = [t.number for t in sorted(earlier, key=lambda t: (sign * t.value, t.number))]
        positions += [best.index(p) for p in trial.notes["genetic"]["parents"]]
    assert np.mean(positions) < 0.4 * (size - 1)  # uniform choice: 0.5, binary tournament: 1/3


def test_the_population_keeps_the_best_distinct_individuals():
    pool = _Pool(np.empty((0, 1)), np.empty(0), np.empty(0, dtype=np.int64))
    rng = np.random.default_rng(0)
    seen = []
    for number in range(200):
        point = np.array([rng.integers(0, 30) / 30])  # repeats happen
        loss = float(np.sin(30 * point[0]) - point[0])
        pool = pool.with_individual(point, loss, number, size=5)
        seen.append((loss, number, point[0]))
        distinct = {}
        for loss_, number_, x in seen:
            if x not in distinct or loss_ < distinct[x][0]:
                distinct[x] = (loss_, number_)
        expected = sorted(distinct.values())[:5]
        assert [(float(a), int(b)) for a, b in zip(pool.loss, pool.number, strict=True)] == expected


def test_tournaments_and_ranks_compare_only():
    loss = np.array([-3.0, 0.0, -1e9, 2.5, -3.0])
    assert ranks(loss).tolist() == [1, 3, 0, 4, 2]
    rng = np.random.default_rng(1)
    wins = np.bincount([tournament(ranks(loss), rng) for _ in range(4000)], minlength=5)
    # a binary tournament (with replacement) is won by rank r with probability
    # (2 (n - r) - 1) / n²: 9, 7, 5, 3, 1 in 25 here
    assert list(np.argsort(-wins)) == [2, 0, 4, 1, 3]
    assert np.allclose(wins[[2, 0, 4, 1, 3]] / 4000, [0.36, 0.28, 0.2, 0.12, 0.04], atol=0.03)


def test_mutated_ints_and_categories_always_change_and_keep_their_type():
    space = {
        "n": ts.Int(0, 9),
        "k": ts.Int(-6, 6, step=3),
        "f": ts.Float(0, 1, step=0.25),
        "c": ts.Categorical(["a", "b", "c"]),
        "one": ts.Int(4, 4),
        "x": ts.Float(1e-3, 1.0, log=True),
    }
    cube = UnitCube(space)
    rng = np.random.default_rng(2)
    for _ in range(300):
        parent = cube.snap(rng.random(cube.dims))
        child, mutated = mutate(parent, cube, rng, rate=1.0)
        before, after = cube.decode(parent), cube.decode(child)
        assert mutated.tolist() == [True, True, True, True, False, True]
        for name in ("n", "k", "f", "c"):
            assert after[name] != before[name]
            assert type(after[name]) is type(before[name]) and space[name].contains(after[name])
        assert after["one"] == 4


def test_sbx_children_stay_in_bounds_and_near_their_parents():
    rng = np.random.default_rng(3)
    a, b = np.full(2000, 0.3), np.full(2000, 0.4)
    child = sbx(a, b, rng)
    assert np.all((child >= 0) & (child <= 1))
    crossed = child[(child != 0.3)]
    assert len(crossed) > 700 and np.mean(np.abs(crossed - 0.35) < 0.2) > 0.9


def test_genetic_beats_random_search_on_a_mixed_space():
    def mean_best(sampler):
        bests = []
        for seed in range(5):
            study = ts.create_study(sampler=sampler, seed=seed)
            study.optimize(_mixed, n_trials=250)
            bests.append(study.best_value)
        return np.mean(bests)

    genetic, random = mean_best("genetic"), mean_best("random")
    assert genetic < 0.5 * random, (genetic, random)


def test_genetic_any_population_size_and_bad_arguments():
    for size in (2, 3, 5):
        study = ts.create_study(sampler=ts.GeneticSampler(population_size=size), seed=0)
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=4 * size)
        assert study.trials[-1].notes["genetic"]["generation"] == 3
    bad = [
        ({"population_size": 1}, r"`population_size` must be an integer >= 2, but got 1"),
        ({"population_size": 10.0}, r"`population_size` must be an integer >= 2, but got 10.0"),
        ({"mutation_rate": 1.5}, r"`mutation_rate` must be a finite number >= 0 and <= 1"),
        ({"crossover": "two-point"}, r"`crossover` must be one of 'sbx', 'blend', 'uniform'"),
        ({"mode": "async"}, r"`mode` must be one of 'auto', 'generational', 'steady_state'"),
    ]
    for kwargs, message in bad:
        with pytest.raises(ts.InvalidArgumentError, match="GeneticSampler: " + message):
            ts.GeneticSampler(**kwargs)


def test_genetic_conditional_genes_are_inherited_from_a_parent():
    study = ts.create_study(sampler=ts.GeneticSampler(population_size=6), seed=4)

    def objective(trial):
        if trial.suggest_categorical("model", ["svm", "tree"]) == "svm":
            return abs(math.log10(trial.suggest_float("C", 1e-3, 1e3, log=True)) - 1)
        return abs(trial.suggest_int("depth", 1, 50) - 20) / 10

    study.optimize(objective, n_trials=80)
    inherited = 0
    for trial in study.trials[6:]:
        name = "C" if "C" in trial.params else "depth"
        parents = [study.trials[n] for n in trial.notes["genetic"]["parents"]]
        values = [p.params[name] for p in parents if name in p.params]
        if values and trial.params[name] in values:
            inherited += 1  # not mutated this time (rate 1/2 for a two-gene trial)
    assert inherited >= 10
    assert study.best_value < 0.1


def test_a_resumed_genetic_study_continues_the_same_generation(tmp_path):
    url = f"sqlite:///{tmp_path / 'ga.db'}"
    whole = ts.create_study(sampler=ts.GeneticSampler(population_size=8), seed=5)
    whole.optimize(_mixed, n_trials=30)
    for chunk in (11, 9, 10):  # stops inside generations 1 and 2
        study = ts.create_study(
            storage=url,
            study_name="ga",
            load_if_exists=True,
            seed=5,
            sampler=ts.GeneticSampler(population_size=8),  # a new one, as in a new process
        )
        study.optimize(_mixed, n_trials=chunk)
    resumed = ts.load_study(study_name="ga", storage=url, sampler="genetic").trials
    assert [t.params for t in resumed] == [t.params for t in whole.trials]
    assert [t.notes for t in resumed] == [t.notes for t in whole.trials]
    assert resumed[11].notes["genetic"]["generation"] == 1


#: How long after its recorded start a trial may be bred in a parallel run: when two
#: workers start a trial at the same moment, one of them samples again once it knows
#: its trial's number.
BRED_LATE = 0.25


def _pid_objective(trial):
    trial.set_user_attr("pid", os.getpid())
    time.sleep(0.003)  # long enough for the two workers to interleave
    return _mixed(trial)


def test_two_worker_processes_share_one_genetic_population(tmp_path):
    url = f"sqlite:///{tmp_path / 'ga2.db'}"
    study = ts.create_study(storage=url, sampler=ts.GeneticSampler(population_size=8), seed=6)
    study.optimize(_pid_objective, n_trials=64, n_jobs=2)
    trials = study.trials
    assert len(trials) == 64 and all(t.state is ts.TrialState.COMPLETE for t in trials)
    pids = {t.user_attrs["pid"] for t in trials}
    assert len(pids) == 2
    crossed = 0
    for trial in trials:
        notes = trial.notes["genetic"]
        # a generation begins every 8 completed trials, whichever worker ran them
        # (a trial whose start collided with another worker's is bred a moment after its
        # recorded start: BRED_LATE allows for that)
        finished_before = sum(t.finished_at <= trial.started_at for t in trials)
        finished_when_bred = sum(t.finished_at <= trial.started_at + BRED_LATE for t in trials)
        assert notes["generation"] <= finished_when_bred // 8
        assert finished_before // 8 <= notes["generation"] + 1
        for parent in notes.get("parents", ()):
            assert trials[parent].finished_at <= trial.started_at + BRED_LATE
        owners = {trials[p].user_attrs["pid"] for p in notes.get("parents", ())}
        crossed += len(owners) == 2
    assert crossed >= 5  # children of one parent from each worker
    assert max(t.notes["genetic"]["generation"] for t in trials) >= 6
    points = {tuple(sorted(t.params.items())) for t in trials}
    assert len(points) == 64
