"""Pruners on simulated learning curves: no training, no sleeping."""

from __future__ import annotations

import collections
import math
import re

import numpy as np
import pytest

import tunesmith as ts


def curve(quality: float, step: int) -> float:
    """A learning curve that falls towards ``quality``; better quality, lower loss."""
    return quality + 1.0 / step


def run(pruner, qualities, max_step, direction="minimize"):
    """One trial per quality, run in order; returns the study."""
    study = ts.create_study(sampler="random", pruner=pruner, direction=direction, seed=0)
    sign = 1 if direction == "minimize" else -1
    for quality in qualities:
        trial = study.ask()
        try:
            for step in range(1, max_step + 1):
                trial.report(sign * curve(quality, step), step)
                if trial.should_prune():
                    raise ts.TrialPruned()
        except ts.TrialPruned:
            study.tell(trial, state="pruned")
        else:
            study.tell(trial, sign * curve(quality, max_step))
    return study


def reached(study):
    return [max(t.intermediate_values) for t in study.trials]


def test_hyperband_brackets_follow_the_paper():
    # Li et al. 2017, table 1 (R = 81, eta = 3)
    assert ts.HyperbandPruner(min_resource=1, max_resource=81).brackets() == [
        (81, 1), (34, 3), (15, 9), (8, 27), (5, 81),
    ]  # fmt: skip
    assert ts.HyperbandPruner(min_resource=1, max_resource=27).brackets() == [
        (27, 1), (12, 3), (6, 9), (4, 27),
    ]  # fmt: skip


def test_hyperband_assigns_trials_to_brackets_in_proportion_and_by_number_alone():
    first, second = ts.HyperbandPruner(max_resource=81), ts.HyperbandPruner(max_resource=81)
    brackets = [first.bracket(n, 81) for n in range(143 * 2)]
    assert collections.Counter(brackets[:143]) == {0: 81, 1: 34, 2: 15, 3: 8, 4: 5}
    assert brackets == [second.bracket(n, 81) for n in range(143 * 2)]
    assert brackets[:143] == brackets[143:]


def test_successive_halving_rungs_are_geometric():
    pruner = ts.SuccessiveHalvingPruner(min_resource=2, reduction_factor=3)
    assert list(pruner.rungs(max_resource=100)) == [2, 6, 18, 54]
    rate = ts.SuccessiveHalvingPruner(min_resource=1, min_early_stopping_rate=1)
    assert list(rate.rungs(max_resource=81)) == [3, 9, 27]


def test_successive_halving_keeps_about_one_in_eta_at_each_rung():
    qualities = np.random.default_rng(0).random(729)
    study = run(ts.SuccessiveHalvingPruner(min_resource=1, max_resource=27), qualities, 27)
    steps = np.array(reached(study))
    past_first = np.mean(steps > 1)
    past_second = np.mean(steps > 3)
    # synchronous halving keeps exactly 1/3 and 1/9; the asynchronous form about as many
    assert 1 / 3 <= past_first < 0.45
    assert 0.08 < past_second < 0.2


def test_a_clearly_bad_curve_is_pruned_at_the_first_rung_and_the_best_never():
    qualities = [0.5, 0.4, 0.6, 0.45, 0.55, 0.3, 5.0, 0.01]
    study = run(ts.SuccessiveHalvingPruner(min_resource=1, max_resource=27), qualities, 27)
    bad, best = study.trials[6], study.trials[7]
    assert bad.state is ts.TrialState.PRUNED and max(bad.intermediate_values) == 1
    assert best.state is ts.TrialState.COMPLETE and max(best.intermediate_values) == 27
    assert study.best_trial.number == 7


@pytest.mark.parametrize("direction", ["minimize", "maximize"])
def test_hyperband_never_prunes_the_best_and_prunes_the_bad(direction):
    rng = np.random.default_rng(1)
    qualities = [*(rng.random(60) + 0.5), 0.0, *(rng.random(20) + 3.0)]
    study = run(ts.HyperbandPruner(max_resource=27), qualities, 27, direction)
    assert study.trials[60].state is ts.TrialState.COMPLETE
    assert study.best_trial.number == 60
    late_bad = study.trials[61:]
    assert sum(t.state is ts.TrialState.PRUNED for t in late_bad) >= 12


def test_hyperband_compares_a_trial_only_within_its_bracket():
    pruner = ts.HyperbandPruner(min_resource=1, max_resource=9)
    # bracket 0 holds excellent trials; every other bracket much worse ones
    qualities = [0.0 if pruner.bracket(n, 9) == 0 else 10.0 + n / 100 for n in range(60)]
    study = run(pruner, qualities, 9)
    others = [t for t in study.trials if pruner.bracket(t.number, 9) == 1]
    # were they compared with bracket 0, all would be pruned at their first rung (3)
    assert any(t.state is ts.TrialState.COMPLETE for t in others)


def test_hyperband_with_auto_max_resource_waits_for_a_complete_trial():
    study = run(ts.HyperbandPruner(), [1.0, 5.0, 0.5, 5.0, 6.0, 0.1], 27)
    assert study.trials[0].state is ts.TrialState.COMPLETE
    assert max(study.trials[0].intermediate_values) == 27


def test_median_pruner_respects_startup_and_warm_up():
    pruner = ts.MedianPruner(n_startup_trials=3, n_warmup_steps=5)
    study = run(pruner, [1.0, 9.0, 1.2, 0.9, 9.0, 8.0], 20)
    states = [t.state.name for t in study.trials]
    assert states[:3] == ["COMPLETE"] * 3  # startup: nothing pruned, however bad
    assert states[3] == "COMPLETE" and states[4] == "PRUNED" and states[5] == "PRUNED"
    assert max(study.trials[4].intermediate_values) == 5  # pruned at the end of warm-up


def test_median_pruner_judges_only_every_interval():
    pruner = ts.MedianPruner(n_startup_trials=1, n_warmup_steps=2, interval_steps=4)
    study = run(pruner, [1.0, 9.0], 20)
    assert max(study.trials[1].intermediate_values) == 2


def test_pruning_works_across_processes_and_a_resume(tmp_path):
    url = f"sqlite:///{tmp_path / 'p.db'}"
    qualities = np.random.default_rng(3).random(60)
    for chunk in (qualities[:30], qualities[30:]):
        pruner = ts.HyperbandPruner(max_resource=27)
        study = ts.create_study(
            storage=url, study_name="p", load_if_exists=True, sampler="random", pruner=pruner
        )
        for quality in chunk:
            trial = study.ask()
            for step in range(1, 28):
                trial.report(curve(quality, step), step)
                if trial.should_prune():
                    study.tell(trial, state="pruned")
                    break
            else:
                study.tell(trial, curve(quality, 27))
    trials = ts.load_study(study_name="p", storage=url).trials
    assert len(trials) == 60 and sum(t.state is ts.TrialState.PRUNED for t in trials) >= 20
    assert all(t.intermediate_values for t in trials)
    best = min(trials, key=lambda t: t.value if t.state is ts.TrialState.COMPLETE else math.inf)
    assert best.number == ts.load_study(study_name="p", storage=url).best_trial.number


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: ts.SuccessiveHalvingPruner(reduction_factor=1),
            "SuccessiveHalvingPruner: `reduction_factor` must be an integer >= 2, but got 1",
        ),
        (lambda: ts.SuccessiveHalvingPruner(min_resource=0), "`min_resource` must be"),
        (
            lambda: ts.HyperbandPruner(min_resource=10, max_resource=5),
            "HyperbandPruner: `max_resource (or 'auto')` must be an integer >= 10, but got 5",
        ),
        (lambda: ts.HyperbandPruner(max_resource="big"), "`max_resource (or 'auto')` must be"),
        (lambda: ts.MedianPruner(interval_steps=0), "MedianPruner: `interval_steps` must be"),
        (lambda: ts.MedianPruner(n_startup_trials="5"), "`n_startup_trials` must be an integer"),
        (lambda: ts.BOHBSampler(model="tpe"), "`model` must be one of 'gp', 'kde', but got 'tpe'"),
        (lambda: ts.BOHBSampler(random_fraction=1.5), "`random_fraction` must be a finite number"),
        (lambda: ts.BOHBSampler(n_candidates=0), "`n_candidates` must be an integer >= 1"),
        (lambda: ts.GridSampler({"x": [1]}, shuffle="no"), "`shuffle` must be True or False"),
        (lambda: ts.GridSampler(points_per_range=0), "`points_per_range` must be an integer >= 1"),
        (lambda: ts.QMCSampler(scramble="yes"), "QMCSampler: `scramble` must be True or False"),
    ],
)
def test_bad_pruner_arguments_are_clear_errors(make, message):
    with pytest.raises(ts.InvalidArgumentError, match=re.escape(message)):
        make()


def bowl(trial, last_step, on_step=lambda: None):
    """A learning curve over a 2-D bowl with its minimum at (0.7, 0.2): at step s the
    loss is the squared distance plus 0.5 / s. ``on_step`` is called once a step."""
    x, y = trial.suggest_float("x", 0, 1), trial.suggest_float("y", 0, 1)
    for step in range(1, last_step + 1):
        on_step()
        trial.report((x - 0.7) ** 2 + (y - 0.2) ** 2 + 0.5 / step, step)
        if trial.should_prune():
            raise ts.TrialPruned()
    return (x - 0.7) ** 2 + (y - 0.2) ** 2 + 0.5 / last_step


def valley(trial):
    """A learning curve over 1-D, minimum at 0.3: the squared distance plus 1 / step."""
    x = trial.suggest_float("x", 0, 1)
    for step in range(1, 10):
        trial.report((x - 0.3) ** 2 + 1 / step, step)
        if trial.should_prune():
            raise ts.TrialPruned()
    return (x - 0.3) ** 2 + 1 / 9


def test_bohb_pairs_hyperband():
    assert isinstance(ts.create_study(sampler="bohb").pruner, ts.HyperbandPruner)
    assert isinstance(ts.create_study(sampler="bohb", pruner="none").pruner, ts.NopPruner)


def test_bohb_finds_better_configurations_than_random_search_with_the_same_compute():
    budget = 40 * 27  # steps: 40 full trainings
    spent = 0

    def one_step():
        nonlocal spent
        spent += 1

    def stop_when_spent(study, _trial):
        if spent >= budget:
            study.stop()

    def distance(study):
        return math.hypot(study.best_params["x"] - 0.7, study.best_params["y"] - 0.2)

    found = {"bohb": [], "random": []}
    for seed in range(4):
        for name, sampler, pruner in [
            ("bohb", "bohb", "hyperband"),
            ("random", "random", "none"),
        ]:
            spent = 0
            study = ts.create_study(sampler=sampler, pruner=pruner, seed=seed)
            study.optimize(
                lambda trial: bowl(trial, 27, on_step=one_step),
                n_trials=budget,
                callbacks=[stop_when_spent],
            )
            found[name].append(distance(study))
    # GP-based BOHB is within 0.001 of the optimum; random search 0.03 to 0.07 from it
    assert np.mean(found["bohb"]) < 0.2 * np.mean(found["random"])


def test_bohb_with_the_papers_model_draws_near_the_optimum():
    total_steps = 0

    def one_step():
        nonlocal total_steps
        total_steps += 1

    distances = []
    for seed in range(4):
        study = ts.create_study(sampler=ts.BOHBSampler(model="kde"), pruner="hyperband", seed=seed)
        study.optimize(lambda trial: bowl(trial, 27, on_step=one_step), n_trials=150)
        late = study.trials[75:]
        distances.append(
            np.median([math.hypot(t.params["x"] - 0.7, t.params["y"] - 0.2) for t in late])
        )
        assert study.best_value - 0.5 / 27 < 0.01
    # Uniform draws lie about 0.5 from the optimum; a third of BOHB's draws stay uniform.
    assert np.mean(distances) < 0.35
    assert total_steps < 4 * 150 * 27 / 2


def test_hyperband_rungs_follow_the_brackets_when_r_is_no_power_of_eta():
    pruner = ts.HyperbandPruner(min_resource=4, max_resource=100)
    assert pruner.brackets() == [(9, 11), (5, 33), (3, 100)]
    assert [pruner.rungs(bracket, 100) for bracket in range(3)] == [[11, 33], [33], []]
    last = [n for n in range(40) if pruner.bracket(n, 100) == 2]
    qualities = [0.0 if n not in last else 5.0 + n for n in range(40)]  # its trials all bad
    study = run(pruner, qualities, 100)
    assert all(study.trials[n].state is ts.TrialState.COMPLETE for n in last)


def test_bohb_gives_pending_trials_distinct_configurations():
    study = ts.create_study(sampler=ts.BOHBSampler(random_fraction=0.0), seed=0)
    study.optimize(valley, n_trials=30)
    pending = [study.ask() for _ in range(4)]  # other workers' trials, not yet reported
    xs = sorted(trial.suggest_float("x", 0, 1) for trial in pending)
    assert min(np.diff(xs)) > 0.002, xs


def test_bohb_with_worker_processes_on_sqlite(tmp_path):
    url = f"sqlite:///{tmp_path / 'bohb.db'}"
    study = ts.create_study(storage=url, study_name="b", sampler="bohb", seed=0)
    study.optimize(lambda trial: bowl(trial, 9), n_trials=60, n_jobs=2)
    trials = ts.load_study(study_name="b", storage=url, sampler="bohb").trials
    assert len(trials) == 60 and len({t.number for t in trials}) == 60
    assert any(t.state is ts.TrialState.PRUNED for t in trials)
    assert all(t.intermediate_values for t in trials)
    best = study.best_params
    assert math.hypot(best["x"] - 0.7, best["y"] - 0.2) < 0.1


def test_bohb_hands_over_to_the_densities_past_its_gp_limit(monkeypatch):
    from tunesmith.samplers import bohb

    def params(model):
        study = ts.create_study(sampler=ts.BOHBSampler(model=model), seed=3)
        study.optimize(valley, n_trials=30)
        return [t.params["x"] for t in study.trials]

    monkeypatch.setattr(bohb, "GP_LIMIT", 0)  # every budget has more observations than that
    assert params("gp") == params("kde")
    monkeypatch.undo()
    assert params("gp") != params("kde")
