"""Code written for Optuna runs with ``import tunesmith as optuna``: the names and arguments
it uses mean the same here (issue 16). Whole scripts run in tests/test_optuna_scripts.py."""

from __future__ import annotations

import pytest

import tunesmith as ts


def _objective(trial):
    x = trial.suggest_float("x", -5, 5)
    n = trial.suggest_int("n", 1, 9)
    kind = trial.suggest_categorical("kind", ["a", "b"])
    return (x - 1) ** 2 + abs(n - 5) + (kind == "b")


SEEDED = {
    "random": lambda seed: ts.RandomSampler(seed=seed),
    "random_positional": lambda seed: ts.RandomSampler(seed),
    "tpe": lambda seed: ts.TPESampler(seed=seed, n_startup_trials=3),
    "tpe_multivariate": lambda seed: ts.TPESampler(seed=seed, multivariate=True, group=True),
    "gp": lambda seed: ts.GPSampler(seed=seed, n_startup_trials=3),
    "qmc": lambda seed: ts.QMCSampler(seed=seed),
    "halton": lambda seed: ts.QMCSampler(seed=seed, qmc_type="halton"),
    "auto": lambda seed: ts.AutoSampler(seed=seed),
    "genetic": lambda seed: ts.GeneticSampler(seed=seed, population_size=4),
    "bohb": lambda seed: ts.BOHBSampler(seed=seed),
    "grid": lambda seed: ts.GridSampler({"x": [0, 1, 2], "n": [1, 5], "kind": ["a"]}, seed=seed),
}


@pytest.mark.parametrize("name", sorted(SEEDED))
def test_a_sampler_seed_seeds_the_study(name):
    def run(seed):
        study = ts.create_study(sampler=SEEDED[name](seed))
        study.optimize(_objective, n_trials=6)
        return study.seed, [trial.params for trial in study.trials]

    first_seed, first = run(7)
    again_seed, again = run(7)
    other_seed, other = run(8)
    assert first_seed == again_seed == 7 and other_seed == 8
    assert first == again
    assert first != other


def test_a_sampler_seed_is_stored_and_a_resumed_study_continues_it(tmp_path):
    url = f"sqlite:///{tmp_path / 'runs.db'}"
    study = ts.create_study(storage=url, study_name="s", sampler=ts.TPESampler(seed=11))
    study.optimize(_objective, n_trials=3)
    resumed = ts.load_study(study_name="s", storage=url, sampler="tpe")
    assert resumed.seed == 11
    whole = ts.create_study(sampler=ts.TPESampler(seed=11))
    whole.optimize(_objective, n_trials=5)
    resumed.optimize(_objective, n_trials=2)
    assert [t.params for t in resumed.trials] == [t.params for t in whole.trials]


def test_a_study_seed_and_a_different_sampler_seed_are_an_error():
    assert ts.create_study(sampler=ts.RandomSampler(seed=3), seed=3).seed == 3
    with pytest.raises(ts.InvalidArgumentError, match="seed=1 and its sampler's seed=2 differ"):
        ts.create_study(sampler=ts.RandomSampler(seed=2), seed=1)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: ts.TPESampler(seed=-1), "TPESampler: `seed` must be an integer in"),
        (lambda: ts.RandomSampler(seed="0"), "RandomSampler: `seed` must be an integer"),
        (lambda: ts.TPESampler(multivariate=False), "drop multivariate=False"),
        (lambda: ts.TPESampler(group=False), "drop group=False"),
        (lambda: ts.QMCSampler(qmc_type="lhs"), "`qmc_type` must be one of"),
    ],
)
def test_bad_sampler_arguments_say_what_to_write(make, message):
    with pytest.raises(ts.InvalidArgumentError, match=message):
        make()


def test_halton_points_cover_the_space_and_differ_from_sobol():
    def points(kind):
        study = ts.create_study(sampler=ts.QMCSampler(seed=0, qmc_type=kind))
        study.optimize(lambda t: t.suggest_float("u", 0, 1) + t.suggest_float("v", 0, 1), 16)
        return sorted(round(t.params["u"] * 4 - 0.5) for t in study.trials)

    halton = points("halton")
    # 16 low-discrepancy points put 4 in each quarter of [0, 1]
    assert halton == sorted([0, 1, 2, 3] * 4)
    assert points("sobol") == halton
    a = ts.create_study(sampler=ts.QMCSampler(seed=0, qmc_type="halton"))
    b = ts.create_study(sampler=ts.QMCSampler(seed=0))
    for study in (a, b):
        study.optimize(lambda t: t.suggest_float("u", 0, 1), n_trials=4)
    assert [t.params for t in a.trials] != [t.params for t in b.trials]


def test_cmaes_takes_optunas_argument_names():
    pytest.importorskip("cmaes")
    source = ts.create_study(seed=0, sampler="random")
    source.optimize(lambda t: t.suggest_float("x", -3, 3) ** 2, n_trials=10)
    sampler = ts.CmaEsSampler(
        seed=1, popsize=6, use_separable_cma=True, source_trials=source.trials
    )
    assert (sampler.population_size, sampler.separable) == (6, True)
    assert len(sampler.warm_start_trials) == 10
    with pytest.raises(ts.InvalidArgumentError, match="not both"):
        ts.CmaEsSampler(popsize=6, population_size=8)
    study = ts.create_study(sampler=sampler)
    study.optimize(lambda t: t.suggest_float("x", -3, 3) ** 2, n_trials=8)
    assert study.seed == 1
