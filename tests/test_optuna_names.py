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
        (lambda: ts.TPESampler(multivariate="no"), "`multivariate` must be True or False"),
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


def test_optunas_module_paths_resolve_to_tunesmiths_names():
    import tunesmith as optuna
    from tunesmith.distributions import (
        CategoricalDistribution,
        FloatDistribution,
        IntDistribution,
        LogUniformDistribution,
    )
    from tunesmith.exceptions import ExperimentalWarning, OptunaError, TrialPruned
    from tunesmith.study import MaxTrialsCallback, StudyDirection
    from tunesmith.trial import FrozenTrial, Trial, TrialState

    assert FrozenTrial is ts.FrozenTrial and Trial is ts.Trial and TrialState is ts.TrialState
    assert FloatDistribution(0, 1, log=False, step=None) == ts.Float(0, 1)
    assert IntDistribution(1, 9, step=2) == ts.Int(1, 9, step=2)
    assert CategoricalDistribution(["a", "b"]).choices == ("a", "b")
    assert LogUniformDistribution(1e-3, 1) == ts.Float(1e-3, 1, log=True)
    assert isinstance(ts.Int(0, 3), optuna.distributions.BaseDistribution)
    assert TrialPruned is ts.TrialPruned and issubclass(ts.StorageError, OptunaError)
    assert issubclass(ExperimentalWarning, Warning)
    assert StudyDirection.MAXIMIZE is ts.Direction.MAXIMIZE
    assert callable(MaxTrialsCallback(3))
    assert isinstance(ts.TPESampler(), optuna.samplers.BaseSampler)
    assert isinstance(ts.MedianPruner(), optuna.pruners.BasePruner)
    assert not isinstance(object(), optuna.samplers.BaseSampler)
    assert optuna.storages.InMemoryStorage is ts.MemoryStorage


def test_a_trial_knows_its_study_and_durations_answer_total_seconds():
    study = ts.create_study()
    seen = []
    study.optimize(lambda t: seen.append(t.study) or t.suggest_float("x", 0, 1), n_trials=1)
    assert seen == [study]
    duration = study.trials[0].duration
    assert duration.total_seconds() == float(duration) >= 0
    assert duration.as_timedelta().total_seconds() == pytest.approx(float(duration), abs=1e-6)


def test_older_suggest_names_mean_the_same_as_suggest_float():
    def objective(trial):
        a = trial.suggest_uniform("a", 0, 1)
        b = trial.suggest_loguniform("b", 1e-3, 1)
        c = trial.suggest_discrete_uniform("c", 0, 1, 0.25)
        return a + b + c

    study = ts.create_study(seed=0)
    study.optimize(objective, n_trials=5)
    assert study.trials[0].distributions == {
        "a": ts.Float(0, 1),
        "b": ts.Float(1e-3, 1, log=True),
        "c": ts.Float(0, 1, step=0.25),
    }


def test_a_step_that_does_not_divide_the_range_lowers_high_with_one_warning(recwarn):
    study = ts.create_study(seed=0, sampler="random")

    def objective(trial):
        return trial.suggest_int("n", 0, 10, 3) + trial.suggest_float("f", 0.0, 1.0, step=0.3)

    study.optimize(objective, n_trials=30)
    messages = [str(w.message) for w in recwarn if issubclass(w.category, UserWarning)]
    assert sum("'n': step=3 does not divide" in m and "to 9" in m for m in messages) == 1
    assert sum("'f': step=0.3" in m for m in messages) == 1
    assert {t.params["n"] for t in study.trials} <= {0, 3, 6, 9}
    assert study.trials[0].distributions["n"] == ts.Int(0, 9, step=3)
    assert max(t.params["f"] for t in study.trials) <= 0.9 + 1e-9
    with pytest.raises(ts.InvalidSpaceError, match="must divide"):
        ts.Int(0, 10, step=3)  # the distribution itself keeps its rule


def test_enqueue_trial_skip_if_exists_and_get_trials_with_optunas_arguments():
    study = ts.create_study(seed=0)
    study.enqueue_trial({"x": 0.5})
    study.enqueue_trial({"x": 0.5}, skip_if_exists=True)  # still queued: skipped
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    study.enqueue_trial({"x": 0.5}, skip_if_exists=True)  # already ran: skipped
    study.enqueue_trial({"x": 0.25})
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    assert [t.params["x"] for t in study.trials[:2]] == [0.5, 0.25]
    assert study.trials[2].params["x"] not in (0.5, 0.25)
    complete = study.get_trials(deepcopy=False, states=(ts.TrialState.COMPLETE,))
    assert len(complete) == 3 == len(study.get_trials([ts.TrialState.COMPLETE]))
    assert study.get_trials(False, states=[ts.TrialState.PRUNED]) == []
    with pytest.raises(ts.InvalidArgumentError, match="JSON"):
        study.enqueue_trial({"x": 0.1}, user_attrs={"a": object()})


def test_enqueued_trials_wait_numbered_and_keep_their_user_attrs_across_storages(tmp_path):
    url = f"sqlite:///{tmp_path / 'w.db'}"
    study = ts.create_study(storage=url, study_name="w", seed=0)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    study.enqueue_trial({"x": 0.5}, user_attrs={"why": "baseline"})
    study.enqueue({"x": 0.75})
    loaded = ts.load_study(study_name="w", storage=url)
    waiting = loaded.get_trials(states=[ts.TrialState.WAITING])
    assert [(t.number, dict(t.fixed_params), dict(t.user_attrs)) for t in waiting] == [
        (2, {"x": 0.5}, {"why": "baseline"}),
        (3, {"x": 0.75}, {}),
    ]
    assert all(t.params == {} and t.datetime_start is None for t in waiting)
    assert not ts.TrialState.WAITING.is_finished and ts.TrialState.FAIL.is_finished()
    assert len(loaded.trials) == 4
    # copy_study takes what still waits, as Optuna's copies WAITING trials
    copy = ts.copy_study(from_study_name="w", from_storage=url, to_storage=None)
    assert [t.state for t in copy.trials[2:]] == [ts.TrialState.WAITING] * 2
    loaded.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    taken = loaded.trials[2]
    assert (taken.state, taken.params, dict(taken.user_attrs)) == (
        ts.TrialState.COMPLETE,
        {"x": 0.5},
        {"why": "baseline"},
    )
    assert [t.state for t in study.trials[2:]] == [ts.TrialState.COMPLETE, ts.TrialState.WAITING]
    frame = study.trials_dataframe(attrs=("number", "state", "datetime_start"))
    assert frame["state"].tolist()[-1] == "WAITING" and frame["datetime_start"].isna().tolist()[-1]
    pytest.importorskip("matplotlib")
    from tunesmith.plot import plot_timeline

    assert plot_timeline(study) is not None  # draws the started trials only


def test_optimize_takes_show_progress_bar_and_gc_after_trial(monkeypatch):
    import gc

    calls = []
    monkeypatch.setattr(gc, "collect", lambda *a: calls.append(1) or 0)
    study = ts.create_study()
    study.optimize(
        lambda t: t.suggest_float("x", 0, 1),
        n_trials=3,
        show_progress_bar=False,
        gc_after_trial=True,
    )
    assert len(calls) == 3


def test_trials_dataframe_keeps_the_columns_asked_for():
    pytest.importorskip("pandas")
    study = ts.create_study(seed=0)
    study.optimize(lambda t: t.suggest_float("x", 0, 1) + t.suggest_int("n", 0, 2), n_trials=3)
    frame = study.trials_dataframe(attrs=("number", "value", "params"))
    assert list(frame.columns) == ["number", "value", "params_n", "params_x"]
    assert len(study.trials_dataframe()) == 3


def test_added_trials_warm_start_the_sampler_and_keep_what_they_recorded(tmp_path):
    url = f"sqlite:///{tmp_path / 'warm.db'}"
    study = ts.create_study(storage=url, study_name="warm", sampler=ts.TPESampler(seed=0))
    space = {"x": ts.Float(-5, 5)}
    earlier = [
        ts.create_trial(
            value=(x - 2) ** 2,
            params={"x": x},
            distributions=space,
            user_attrs={"source": "notebook"},
            intermediate_values={1: 9.0},
        )
        for x in [-4.0, -2.0, 0.0, 1.5, 2.5, 4.0, 3.0, -1.0, 0.5, 1.0]
    ]
    added = study.add_trials(earlier)
    assert [t.number for t in added] == list(range(10))
    assert added[4].params == {"x": 2.5} and added[4].value == 0.25
    assert added[0].user_attrs == {"source": "notebook"}
    assert added[0].intermediate_values == {1: 9.0}
    study.add_trial(ts.create_trial(state=ts.TrialState.FAIL))
    assert study.trials[10].state is ts.TrialState.FAIL
    seen = []

    class Recording(ts.RandomSampler):
        def sample(self, space, history, rng, trial):
            seen.append(len(history.completed()))
            return super().sample(space, history, rng, trial)

    reloaded = ts.load_study(study_name="warm", storage=url, sampler=Recording())
    reloaded.optimize(lambda t: (t.suggest_float("x", -5, 5) - 2) ** 2, n_trials=2)
    assert seen[0] == 10 and len(reloaded.trials) == 13  # the sampler learns from them
    assert reloaded.seed == 0
    with pytest.raises(ts.InvalidArgumentError, match="params` and `distributions`"):
        ts.create_trial(value=1.0, params={"x": 1.0})
    with pytest.raises(ts.InvalidArgumentError, match="lies outside"):
        ts.create_trial(value=1.0, params={"x": 9.0}, distributions=space)
    with pytest.raises(ts.InvalidArgumentError, match="finite `value`"):
        ts.create_trial(params={"x": 1.0}, distributions=space)


def test_study_user_attrs_are_stored_and_copy_study_copies_everything(tmp_path):
    url = f"sqlite:///{tmp_path / 'a.db'}"
    study = ts.create_study(storage=url, study_name="a", direction="maximize", seed=5)
    study.set_user_attr("dataset", "digits")
    study.set_user_attr("folds", 5)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=4)
    assert ts.load_study(study_name="a", storage=url).user_attrs == {
        "dataset": "digits",
        "folds": 5,
    }
    other = f"sqlite:///{tmp_path / 'b.db'}"
    copy = ts.copy_study(from_study_name="a", from_storage=url, to_storage=other)
    assert ts.get_all_study_names(other) == ["a"]
    assert copy.direction is ts.Direction.MAXIMIZE and copy.seed == 5
    assert copy.user_attrs == {"dataset": "digits", "folds": 5}
    assert [(t.params, t.value) for t in copy.trials] == [(t.params, t.value) for t in study.trials]
    assert [s.study_name for s in ts.get_all_study_summaries(other)] == ["a"]
    with pytest.raises(ts.InvalidArgumentError, match="JSON"):
        study.set_user_attr("bad", object())


def test_max_trials_callback_counts_every_run():
    study = ts.create_study()
    stop = ts.study.MaxTrialsCallback(6, states=(ts.TrialState.COMPLETE,))
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=4, callbacks=[stop])
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=100, callbacks=[stop])
    assert len(study.trials) == 6


def test_set_verbosity_silences_tunesmiths_warnings(caplog):
    import logging

    study = ts.create_study()
    try:
        ts.logging.set_verbosity(ts.logging.ERROR)
        with caplog.at_level(logging.NOTSET, logger="tunesmith"):
            ts.logging.set_verbosity(ts.logging.ERROR)
            study.optimize(lambda t: float("nan"), n_trials=1)
        assert not [r for r in caplog.records if r.name == "tunesmith"]
        ts.logging.set_verbosity(ts.logging.WARNING)
        study.optimize(lambda t: float("nan"), n_trials=1)
        assert any("failed" in r.getMessage() for r in caplog.records if r.name == "tunesmith")
    finally:
        ts.logging.set_verbosity(logging.NOTSET)


def test_rdbstorage_maps_onto_storage_urls_and_says_what_to_write_instead(tmp_path):
    url = f"sqlite:///{tmp_path / 'rdb.db'}"
    storage = ts.storages.RDBStorage(url, heartbeat_interval=10, grace_period=30)
    assert isinstance(storage, ts.SQLiteStorage)
    study = ts.create_study(storage=storage, study_name="s")
    assert study.lease_seconds == 30
    assert ts.create_study(storage=ts.storages.RDBStorage(url)).lease_seconds == 60
    with pytest.raises(ts.InvalidArgumentError, match="retries=3"):
        ts.storages.RDBStorage(
            url, failed_trial_callback=ts.storages.RetryFailedTrialCallback(max_retry=3)
        )
    with pytest.raises(ts.InvalidArgumentError, match=r"sqlite:///path\.db"):
        ts.storages.JournalStorage(ts.storages.JournalFileBackend("journal.log"))


def test_importance_answers_optunas_names_both_ways():
    from tunesmith.importance import FanovaImportanceEvaluator, get_param_importances

    study = ts.create_study(sampler="random", seed=0)
    study.optimize(lambda t: 10 * t.suggest_float("x", 0, 1) + t.suggest_float("y", 0, 1), 60)
    shares = get_param_importances(study, evaluator=FanovaImportanceEvaluator(seed=0))
    assert list(shares) == ["x", "y"] and shares["x"] > 0.9
    assert ts.importance.get_param_importances(study) == ts.importance(study)
    ped = ts.importance.PedAnovaImportanceEvaluator(baseline_quantile=0.2)
    assert next(iter(ts.importance.get_param_importances(study, evaluator=ped))) == "x"
    with pytest.raises(ts.InvalidArgumentError, match="drop normalize=False"):
        get_param_importances(study, normalize=False)


def test_visualization_returns_matplotlib_figures():
    pytest.importorskip("matplotlib")
    from tunesmith.visualization import is_available, plot_optimization_history
    from tunesmith.visualization.matplotlib import plot_slice

    study = ts.create_study(sampler="random", seed=0)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=5)
    assert is_available()
    assert type(plot_optimization_history(study)).__name__ == "Figure"
    assert type(ts.visualization.plot_slice(study)).__name__ == "Figure"
    assert type(plot_slice(study)).__name__ == "Figure"


def test_fixed_trial_runs_an_objective_on_given_values():
    def objective(trial):
        trial.report(1.0, 0)
        if trial.should_prune():
            raise ts.TrialPruned()
        return trial.suggest_float("x", 0, 4) * trial.suggest_categorical("k", [1, 2])

    assert objective(ts.trial.FixedTrial({"x": 1.5, "k": 2})) == 3.0
    with pytest.raises(ts.InvalidArgumentError, match="lack; add it"):
        objective(ts.trial.FixedTrial({"x": 1.5}))
    with pytest.raises(ts.InvalidArgumentError, match="lies outside"):
        objective(ts.trial.FixedTrial({"x": 9.0, "k": 1}))


class _AnnealingSampler(ts.samplers.BaseSampler):
    """A custom sampler as users write them for Optuna: a random walk around the best."""

    def __init__(self, seed=None):
        import numpy as np

        self._rng = np.random.RandomState(seed)
        self._fallback = ts.samplers.RandomSampler(seed=seed)
        self.relative_calls = 0

    def infer_relative_search_space(self, study, trial):
        return ts.search_space.intersection_search_space(study.get_trials(deepcopy=False))

    def sample_relative(self, study, trial, search_space):
        if not search_space:
            return {}
        self.relative_calls += 1
        best = study.best_trial.params
        params = {}
        for name, distribution in search_space.items():
            assert isinstance(distribution, ts.distributions.FloatDistribution)
            width = (distribution.high - distribution.low) * 0.1
            value = best[name] + self._rng.uniform(-width, width)
            params[name] = min(max(value, distribution.low), distribution.high)
        return params

    def sample_independent(self, study, trial, param_name, param_distribution):
        return self._fallback.sample_independent(study, trial, param_name, param_distribution)


def test_a_sampler_written_for_optuna_runs_on_our_protocol(tmp_path):
    sampler = _AnnealingSampler(seed=0)
    study = ts.create_study(sampler=sampler, storage=f"sqlite:///{tmp_path / 'sa.db'}")
    study.optimize(lambda t: (t.suggest_float("x", -10, 10) - 3) ** 2, n_trials=60)
    assert sampler.relative_calls == 59
    assert study.best_value < 0.5


class _SlowStart(ts.pruners.BasePruner):
    """A custom pruner as users write them for Optuna."""

    def prune(self, study, trial):
        step = trial.last_step
        completed = study.get_trials(deepcopy=False, states=(ts.TrialState.COMPLETE,))
        best = [t.intermediate_values[step] for t in completed if step in t.intermediate_values]
        return bool(best) and trial.intermediate_values[step] > 2 * min(best)


def test_a_pruner_written_for_optuna_prunes():
    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        for step in range(5):
            trial.report(x * (step + 1), step)
            if trial.should_prune():
                raise ts.TrialPruned()
        return x

    study = ts.create_study(pruner=_SlowStart(), sampler="random", seed=0)
    study.optimize(objective, n_trials=30)
    assert len(study.get_trials(states=[ts.TrialState.PRUNED])) >= 10


def _curve_objective(trial):
    """Learning curves whose level is set by x: the worse ones are clear early."""
    x = trial.suggest_float("x", 0, 1)
    for step in range(10):
        trial.report(x + 1.0 / (step + 1), step)
        if trial.should_prune():
            raise ts.TrialPruned()
    return x


def test_the_default_pruner_prunes_objectives_that_report():
    study = ts.create_study(sampler="random", seed=0)  # no pruner given
    assert isinstance(study.pruner, ts.MedianPruner)
    study.optimize(_curve_objective, n_trials=30)
    pruned = study.get_trials(states=[ts.TrialState.PRUNED])
    assert 8 <= len(pruned) <= 25
    # and never an objective that does not report
    quiet = ts.create_study(sampler="random", seed=0)
    quiet.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=10)
    assert all(t.state is ts.TrialState.COMPLETE for t in quiet.trials)
    off = ts.create_study(sampler="random", seed=0, pruner="none")
    off.optimize(_curve_objective, n_trials=10)
    assert all(t.state is ts.TrialState.COMPLETE for t in off.trials)


@pytest.mark.parametrize("direction", ["minimize", "maximize"])
def test_percentile_pruner_keeps_about_the_best_share(direction):
    sign = 1 if direction == "minimize" else -1

    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        for step in range(5):
            trial.report(sign * x, step)
            if trial.should_prune():
                raise ts.TrialPruned()
        return sign * x

    study = ts.create_study(
        sampler="random", seed=1, direction=direction, pruner=ts.PercentilePruner(25.0)
    )
    study.optimize(objective, n_trials=60)
    pruned = study.get_trials(states=[ts.TrialState.PRUNED])
    kept = study.get_trials(states=[ts.TrialState.COMPLETE])
    assert 25 <= len(pruned) <= 55
    assert max(t.params["x"] for t in kept[5:]) < max(t.params["x"] for t in pruned)


def test_threshold_patient_and_wilcoxon_pruners():
    def diverging(trial):
        x = trial.suggest_float("x", 0, 1)
        for step in range(6):
            value = float("nan") if x > 0.8 and step == 3 else x * step
            trial.report(value, step)
            if trial.should_prune():
                raise ts.TrialPruned()
        return x

    study = ts.create_study(sampler="random", seed=0, pruner=ts.ThresholdPruner(upper=2.0))
    study.optimize(diverging, n_trials=30)
    for trial in study.trials:
        expected = ts.TrialState.PRUNED if trial.params["x"] > 0.4 else ts.TrialState.COMPLETE
        assert trial.state is expected, trial

    def plateau(trial):
        stall = trial.suggest_int("stall", 2, 8)
        for step in range(10):
            trial.report(1.0 / (min(step, stall) + 1), step)
            if trial.should_prune():
                raise ts.TrialPruned()
        return 0.0

    patient = ts.create_study(sampler="random", seed=0, pruner=ts.PatientPruner(None, patience=2))
    patient.optimize(plateau, n_trials=10)
    for trial in patient.trials:
        # stalled from step `stall` on: equal values are not worse, so it runs to the end
        assert trial.state is ts.TrialState.COMPLETE
    worse = ts.create_study(
        sampler="random", seed=0, pruner=ts.PatientPruner(None, patience=2, min_delta=0.0)
    )

    def rising(trial):
        turn = trial.suggest_int("turn", 2, 6)
        for step in range(10):
            trial.report(abs(step - turn), step)
            if trial.should_prune():
                raise ts.TrialPruned()
        return 0.0

    worse.optimize(rising, n_trials=8)
    for trial in worse.trials:
        assert trial.state is ts.TrialState.PRUNED
        assert trial.last_step == trial.params["turn"] + 3

    rng_values = [0.3, 0.1, 0.5, 0.2, 0.4, 0.6, 0.15, 0.35, 0.25, 0.45]

    def per_instance(trial):
        shift = trial.suggest_categorical("shift", [0.0, 0.3])
        for instance, base in enumerate(rng_values):
            trial.report(base + shift, instance)
            if trial.should_prune():
                raise ts.TrialPruned()
        return sum(rng_values) / len(rng_values) + shift

    wilcoxon = ts.create_study(pruner=ts.WilcoxonPruner(p_threshold=0.1))
    wilcoxon.enqueue({"shift": 0.0})
    wilcoxon.enqueue({"shift": 0.3})
    wilcoxon.enqueue({"shift": 0.0})
    wilcoxon.optimize(per_instance, n_trials=3)
    states = [t.state for t in wilcoxon.trials]
    assert states == [ts.TrialState.COMPLETE, ts.TrialState.PRUNED, ts.TrialState.COMPLETE]
    assert wilcoxon.trials[1].last_step < 9


def test_partial_fixed_and_brute_force_samplers():
    fixed = ts.create_study(
        sampler=ts.PartialFixedSampler({"kind": "b"}, ts.TPESampler(seed=2, n_startup_trials=3))
    )
    fixed.optimize(_objective, n_trials=8)
    assert fixed.seed == 2
    assert {t.params["kind"] for t in fixed.trials} == {"b"}
    assert len({t.params["x"] for t in fixed.trials}) == 8

    brute = ts.create_study(sampler=ts.BruteForceSampler(seed=0))
    brute.optimize(
        lambda t: t.suggest_int("a", 0, 3) + t.suggest_categorical("b", ["x", "y", "z"]).count("x")
    )
    combos = [(t.params["a"], t.params["b"]) for t in brute.trials]
    assert len(combos) == 12 == len(set(combos))
    with pytest.raises(ts.InvalidArgumentError, match=r"points_per_range|step"):
        ts.create_study(sampler=ts.BruteForceSampler()).optimize(
            lambda t: t.suggest_float("x", 0, 1), n_trials=2
        )


def test_the_terminator_stops_a_study_once_improvement_is_within_the_noise():
    def noisy(trial):
        x = trial.suggest_float("x", -1, 1)
        folds = [x**2 + 0.05 * k for k in range(-2, 3)]  # fold scores spread by ±0.1
        ts.report_cross_validation_scores(trial, folds)
        return sum(folds) / len(folds)

    terminator = ts.Terminator(min_n_trials=8)
    study = ts.create_study(sampler="random", seed=0)
    study.optimize(noisy, n_trials=60, callbacks=[ts.TerminatorCallback(terminator)])
    assert 8 <= len(study.trials) < 60
    improvement = ts.RegretBoundEvaluator().evaluate(study.trials, study.direction)
    error = ts.CrossValidationErrorEvaluator().evaluate(study.trials, study.direction)
    assert improvement < error
    assert error == pytest.approx((0.00625 * (1 / 5 + 1 / 4)) ** 0.5)  # ddof=1 variance
    # a precise objective is not stopped early: the bound stays above a tiny error
    precise = ts.create_study(sampler="random", seed=0)
    tight = ts.Terminator(error_evaluator=ts.StaticErrorEvaluator(1e-9), min_n_trials=8)
    precise.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2, n_trials=20,
                     callbacks=[ts.TerminatorCallback(tight)])  # fmt: skip
    assert len(precise.trials) == 20
    with pytest.raises(ts.InvalidArgumentError, match="report_cross_validation_scores"):
        ts.Terminator(min_n_trials=2).should_terminate(precise)
