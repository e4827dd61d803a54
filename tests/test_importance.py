"""Hyperparameter importance against functions whose importances are known exactly.

Studies are real (random sampling, so the trials cover the space as the analytic
variance decomposition assumes). For f = a*x + b*y with x, y uniform on [0, 1], the
variance shares are a^2 / (a^2 + b^2) and b^2 / (a^2 + b^2).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import tunesmith as ts

EVALUATORS = {
    "fanova": ts.FanovaEvaluator(),
    "sklearn": ts.SklearnFanovaEvaluator(),
    "ped_anova": ts.PedAnovaEvaluator(),
}


def random_study(objective, n_trials=300, seed=0, direction="minimize"):
    study = ts.create_study(sampler="random", seed=seed, direction=direction)
    study.optimize(objective, n_trials=n_trials)
    return study


def linear(trial):
    x1 = trial.suggest_float("x1", 0, 1)
    x2 = trial.suggest_float("x2", 0, 1)
    trial.suggest_float("unused", 0, 1)
    noise = np.random.default_rng(trial.number).normal(0, 0.1)
    return 10 * x1 + x2 + noise


@pytest.fixture(scope="module")
def linear_study():
    return random_study(linear)


@pytest.mark.parametrize("name", ["fanova", "sklearn"])
def test_fanova_matches_the_variance_shares_of_a_linear_function(linear_study, name):
    shares = ts.importance(linear_study, evaluator=EVALUATORS[name])
    assert list(shares) == ["x1", "x2", "unused"]
    assert math.isclose(sum(shares.values()), 1.0)
    assert shares["x1"] == pytest.approx(100 / 101, abs=0.02)
    assert shares["x2"] == pytest.approx(1 / 101, abs=0.01)
    assert shares["unused"] < 0.005


def test_ped_anova_puts_the_dominant_parameter_first(linear_study):
    shares = ts.importance(linear_study, evaluator=EVALUATORS["ped_anova"])
    assert next(iter(shares)) == "x1" and shares["x1"] > 0.8
    assert shares["unused"] < 0.1


def test_ped_anova_leaves_parameters_that_do_not_matter_near_zero():
    # x*y is best at the corners (0, 1) and (1, 0): the top trials sit at the ends of x
    # and y, and the unused parameters only differ from the region by chance
    def objective(trial):
        x, y = trial.suggest_float("x", 0, 1), trial.suggest_float("y", 0, 1)
        for name in ("u1", "u2", "u3"):
            trial.suggest_float(name, 0, 1)
        return (x - 0.5) * (y - 0.5)

    study = random_study(objective)
    shares = ts.importance(study, evaluator=ts.PedAnovaEvaluator())
    plain = ts.importance(study, evaluator=ts.PedAnovaEvaluator(subtract_chance=False))
    unused = ("u1", "u2", "u3")
    assert max(shares[name] for name in unused) < 0.05, shares
    assert sum(plain[name] for name in unused) > 2 * sum(shares[name] for name in unused)
    assert shares["x"] > 0.3 and shares["y"] > 0.3, shares
    # the same trials give the same shares (the chance level's subsets are seeded)
    assert ts.importance(study, evaluator=ts.PedAnovaEvaluator()) == shares


def product(trial):
    x = trial.suggest_float("x", -1, 1)
    y = trial.suggest_float("y", -1, 1)
    trial.suggest_float("unused", -1, 1)
    return x * y


def test_an_interaction_is_attributed_to_the_pair():
    study = random_study(product, n_trials=400)
    trials = study.get_trials([ts.TrialState.COMPLETE])
    loss = np.array([t.value for t in trials])
    parts = ts.FanovaEvaluator().decompose(trials, loss, ["x", "y", "unused"])
    # x*y on [-1, 1]^2 has no main effects: all its variance is the interaction
    assert parts.pairs[("x", "y")] > 0.8
    assert max(parts.main.values()) < 0.05
    shares = ts.importance(study)
    assert shares["x"] == pytest.approx(0.5, abs=0.05)
    assert shares["y"] == pytest.approx(0.5, abs=0.05)
    assert shares["unused"] < 0.02


def test_log_scaled_parameters_are_measured_on_their_log_scale():
    def objective(trial):
        lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
        y = trial.suggest_float("y", 0, 1)
        return math.log10(lr) + 4 * y  # both span 4 units uniformly on their own scale

    shares = ts.importance(random_study(objective, n_trials=400))
    assert shares["lr"] == pytest.approx(0.5, abs=0.06)


def test_categorical_parameters_count_as_choices_in_any_order():
    def objective(trial):
        kind = trial.suggest_categorical("kind", ["a", "b", "c"])
        x = trial.suggest_float("x", 0, 1)
        return {"a": 0.0, "b": 10.0, "c": 0.0}[kind] + x

    study = random_study(objective)
    for name in ("fanova", "sklearn"):
        assert next(iter(ts.importance(study, evaluator=EVALUATORS[name]))) == "kind"
    # PED-ANOVA explains the top trials: among the best 10%, all "a" or "c", what sets
    # them apart is their small x; among the best half, it is the choice
    ped = EVALUATORS["ped_anova"]
    assert next(iter(ts.importance(study, evaluator=ped))) == "x"
    assert next(iter(ts.importance(study, evaluator=ped, top_fraction=0.5))) == "kind"
    # between-choice variance 200/9 against 1/12 for x
    assert ts.importance(study)["kind"] == pytest.approx(800 / 803, abs=0.02)


def conditional(trial):
    model = trial.suggest_categorical("model", ["svm", "tree"])
    trial.suggest_float("unused", 0, 1)
    if model == "svm":
        trial.suggest_float("C", 1e-3, 1e3, log=True)  # asked for, never used
        return 10 * trial.suggest_float("scale", 0, 1)
    trial.suggest_int("depth", 1, 10)  # asked for, never used
    return 5.0


def test_conditional_parameters_keep_every_trial_and_rank_what_matters():
    study = random_study(conditional, n_trials=300)
    for name, evaluator in EVALUATORS.items():
        shares = ts.importance(study, evaluator=evaluator)
        assert set(shares) == {"model", "unused", "C", "scale", "depth"}, name
        assert next(iter(shares)) == "scale", (name, shares)
        assert shares["unused"] < 0.1 and shares["C"] < 0.1, (name, shares)


def test_the_top_fraction_ignores_what_only_matters_among_poor_trials():
    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        y = trial.suggest_float("y", 0, 1)
        return 10 * x + (20 * y if x > 0.5 else 0.0)

    study = random_study(objective, n_trials=400)
    # y's main effect 25/3 and half the interaction 25/6, of a variance of 75
    assert ts.importance(study)["y"] == pytest.approx(1 / 6, abs=0.04)
    assert ts.importance(study, top_fraction=0.3)["y"] < 0.05
    ped = ts.importance(study, evaluator=ts.PedAnovaEvaluator(), top_fraction=0.2)
    assert ped["y"] < 0.1


def test_a_target_function_and_the_direction_are_honoured():
    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        y = trial.suggest_float("y", 0, 1)
        trial.set_user_attr("seconds", 3 * y)
        return x

    study = random_study(objective, n_trials=200, direction="maximize")
    assert next(iter(ts.importance(study))) == "x"
    by_time = ts.importance(study, target=lambda t: t.user_attrs["seconds"])
    assert next(iter(by_time)) == "y" and by_time["y"] > 0.9
    # maximizing: the top trials are those with large x
    ped = ts.importance(study, evaluator=ts.PedAnovaEvaluator(), params=["x", "y"])
    assert ped["x"] > 0.8


def test_a_handful_of_trials_is_already_ranked():
    # below 10 trials the trees split down to pairs of trials; with 5-trial leaves,
    # 4 trials never split and every parameter got the same share
    right = 0
    for seed in range(20):
        study = random_study(lambda t: t.suggest_float("x", 0, 1) + 0 * t.suggest_float("y", 0, 1),
                             n_trials=4, seed=seed)  # fmt: skip
        shares = ts.importance(study)
        assert shares["x"] != shares["y"]
        right += next(iter(shares)) == "x"
    assert right >= 18


def test_failed_and_pruned_trials_and_bad_targets_are_left_out():
    study = ts.create_study(sampler="random", seed=3)

    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        trial.suggest_float("y", 0, 1)
        if trial.number % 5 == 0:
            raise ts.TrialPruned()
        return float("nan") if trial.number % 7 == 0 else x

    study.optimize(objective, n_trials=120)
    shares = ts.importance(study, target=lambda t: t.value if t.number % 2 else None)
    assert next(iter(shares)) == "x"


def test_mistakes_get_clear_errors():
    study = random_study(linear, n_trials=1)
    with pytest.raises(ts.InvalidArgumentError, match="at least 2 COMPLETE trials"):
        ts.importance(study)
    with pytest.raises(ts.InvalidArgumentError, match="`study` must be a study, but got 3"):
        ts.importance(3)  # type: ignore[arg-type]
    study.optimize(linear, n_trials=10)
    with pytest.raises(ts.InvalidArgumentError, match=r"\['nope'\] appear in none"):
        ts.importance(study, params=["nope"])
    with pytest.raises(ts.InvalidArgumentError, match="`params` must be a list or tuple"):
        ts.importance(study, params="x1")
    with pytest.raises(ts.InvalidArgumentError, match="call it to make one"):
        ts.importance(study, evaluator=ts.FanovaEvaluator)  # type: ignore[arg-type]
    with pytest.raises(ts.InvalidArgumentError, match="`top_fraction` must be a finite number"):
        ts.importance(study, top_fraction=1.5)
    with pytest.raises(ts.InvalidArgumentError, match="`target` must be callable"):
        ts.importance(study, target="value")  # type: ignore[arg-type]
    with pytest.raises(ts.InvalidArgumentError, match="`n_trees` must be an integer >= 1"):
        ts.FanovaEvaluator(n_trees=0)
    with pytest.raises(ts.InvalidArgumentError, match="`top_fraction` < `region_fraction`"):
        ts.importance(study, evaluator=ts.PedAnovaEvaluator(region_fraction=0.2), top_fraction=0.5)
    assert ts.importance(study, params=["x1"]) == {"x1": 1.0}


def test_importance_is_reproducible_and_reads_without_writing(tmp_path):
    url = f"sqlite:///{tmp_path / 'i.db'}"
    study = ts.create_study(storage=url, study_name="i", sampler="random", seed=0)
    study.optimize(linear, n_trials=60)
    loaded = ts.load_study(study_name="i", storage=url)
    before = len(study.storage.read("i"))
    assert ts.importance(loaded) == ts.importance(loaded)
    assert len(study.storage.read("i")) == before


def test_a_study_of_several_objectives_is_explained_one_objective_at_a_time():
    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        y = trial.suggest_float("y", 0, 1)
        trial.suggest_float("unused", 0, 1)
        return 10 * x + y, 10 * y - x  # x drives the first objective, y the second

    study = ts.create_study(directions=["minimize", "maximize"], sampler="random", seed=0)
    study.optimize(objective, n_trials=200)
    first = ts.importance(study, objective=0)
    second = ts.importance(study, objective=1)
    assert next(iter(first)) == "x" and first["x"] > 0.9 and first["unused"] < 0.05
    assert next(iter(second)) == "y" and second["y"] > 0.9
    # the second objective is maximized: its best trials have large y
    ped = ts.importance(study, objective=1, evaluator=ts.PedAnovaEvaluator())
    assert next(iter(ped)) == "y"
    with pytest.raises(ts.InvalidArgumentError, match=r"has 2 objectives.*objective=0 to 1"):
        ts.importance(study)
    with pytest.raises(ts.InvalidArgumentError, match="0 to 1, but got 2"):
        ts.importance(study, objective=2)
    with pytest.raises(ts.InvalidArgumentError, match="not both"):
        ts.importance(study, objective=0, target=lambda t: t.duration)
    assert next(iter(ts.importance(study, target=lambda t: t.values[0]))) == "x"


def test_max_trials_explains_a_fixed_random_subset(linear_study):
    few = ts.importance(linear_study, max_trials=100)
    assert few == ts.importance(linear_study, max_trials=100)  # the same subset each time
    assert few != ts.importance(linear_study) and next(iter(few)) == "x1" and few["x1"] > 0.9
    assert ts.importance(linear_study, max_trials=10_000) == ts.importance(linear_study)
    with pytest.raises(ts.InvalidArgumentError, match="`max_trials` must be an integer >= 2"):
        ts.importance(linear_study, max_trials=1)
