"""What Optuna's own example scripts use, beyond tests/test_optuna_names.py: several
objectives and constraints under Optuna's names, Optuna's module paths for the
terminator, the ``optuna.integration`` names tunesmith covers, and plots' ``show()``
(issue 16; bench/optuna_examples.py runs the scripts themselves)."""

from __future__ import annotations

import numpy as np
import pytest

import tunesmith as ts


def _quadratic(trial):
    x = trial.suggest_float("x", -10, 10)
    y = trial.suggest_categorical("y", [-1, 0, 1])
    return x**2 + y


def _constraints(trial):
    x, y = trial.params["x"], trial.params["y"]
    return (3 * x * y + 10, x * y + 30)


@pytest.mark.parametrize(
    "make",
    [
        lambda f: ts.TPESampler(constraints_func=f, seed=0),
        lambda f: ts.GPSampler(constraints_func=f, seed=0, n_startup_trials=3),
        lambda f: ts.NSGAIISampler(constraints_func=f, seed=0, population_size=4),
    ],
    ids=["tpe", "gp", "nsga2"],
)
def test_constraints_func_is_optunas_name_for_constraints(make):
    study = ts.create_study(sampler=make(_constraints))
    study.optimize(_quadratic, n_trials=6)
    for trial in study.trials:
        expected = [float(c) for c in _constraints(trial)]
        assert trial.constraints == tuple(expected)
        # Optuna's example reads them here
        assert trial.system_attrs["constraints"] == expected
    with pytest.raises(ts.InvalidArgumentError, match="not both"):
        ts.TPESampler(constraints=_constraints, constraints_func=_constraints)


def test_system_attrs_hold_enqueued_params_and_nothing_else_by_default():
    study = ts.create_study(sampler=ts.RandomSampler(seed=0))
    study.enqueue_trial({"x": 1.5})
    study.optimize(_quadratic, n_trials=2)
    first, second = study.trials
    assert first.system_attrs == {"fixed_params": {"x": 1.5}}
    assert second.system_attrs == {}
    first.system_attrs["constraints"] = [1.0]  # a copy: the trial stays as recorded
    assert first.system_attrs == {"fixed_params": {"x": 1.5}}


@pytest.mark.parametrize("sampler", ["gp", "tpe", "random", "qmc", "nsga2"])
def test_a_sampled_float_is_never_exactly_a_bound(sampler):
    # Optuna's terminator examples pass suggest_float("min_samples_split", 0, 1) to
    # scikit-learn, which rejects 0.0; the GP's search ends on bounds
    study = ts.create_study(direction="maximize", sampler=sampler, seed=0)
    study.optimize(
        lambda t: t.suggest_float("f", 0, 1) - t.suggest_float("g", 1e-3, 1, log=True), 25
    )
    for trial in study.trials:
        assert 0 < trial.params["f"] < 1 and 1e-3 < trial.params["g"] < 1
    assert study.best_params["f"] > 0.9 or sampler in ("random", "qmc")
    # values given by hand keep their bounds
    study.enqueue_trial({"f": 0.0, "g": 1.0})
    study.optimize(
        lambda t: t.suggest_float("f", 0, 1) - t.suggest_float("g", 1e-3, 1, log=True), 1
    )
    assert study.trials[-1].params == {"f": 0.0, "g": 1.0}


def _two_objective_study():
    study = ts.create_study(directions=["minimize", "minimize"], sampler="random", seed=0)
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), 1 - t.suggest_float("y", 0, 1)), 6)
    return study


def test_a_plot_shows_like_a_plotly_figure_off_screen_and_in_a_notebook(monkeypatch, tmp_path):
    pytest.importorskip("matplotlib")
    import sys
    import types

    import matplotlib

    from tunesmith import visualization

    matplotlib.use("Agg")
    figure = visualization.plot_pareto_front(_two_objective_study())
    # Optuna's examples end with plot_...(study).show(): off screen it does nothing
    assert figure.show() is None
    figure.savefig(tmp_path / "front.png")
    assert (tmp_path / "front.png").stat().st_size > 0

    shown = []
    kernel = types.SimpleNamespace(kernel=object())
    monkeypatch.setitem(sys.modules, "IPython", types.SimpleNamespace(get_ipython=lambda: kernel))
    monkeypatch.setitem(sys.modules, "IPython.display", types.SimpleNamespace(display=shown.append))
    figure.show()
    assert shown == [figure]


def test_the_terminator_answers_optunas_module_paths():
    from tunesmith.terminator.callback import TerminatorCallback
    from tunesmith.terminator.erroreval import (
        CrossValidationErrorEvaluator,
        report_cross_validation_scores,
    )
    from tunesmith.terminator.improvement.evaluator import RegretBoundEvaluator
    from tunesmith.terminator.terminator import Terminator

    assert TerminatorCallback is ts.TerminatorCallback and Terminator is ts.Terminator
    assert CrossValidationErrorEvaluator is ts.CrossValidationErrorEvaluator
    assert RegretBoundEvaluator is ts.RegretBoundEvaluator
    assert report_cross_validation_scores is ts.report_cross_validation_scores


def test_optuna_search_cv_takes_optunas_arguments_and_callbacks():
    pytest.importorskip("sklearn")
    from sklearn.datasets import load_iris
    from sklearn.svm import SVC

    import tunesmith as optuna

    X, y = load_iris(return_X_y=True)
    space = {
        "C": optuna.distributions.FloatDistribution(1e-3, 1e3, log=True),
        "degree": optuna.distributions.IntDistribution(1, 5),
    }
    seen = []
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.RandomSampler(0))
    search = optuna.integration.OptunaSearchCV(
        SVC(gamma="auto"),
        space,
        n_trials=4,
        study=study,
        callbacks=[lambda s, t: seen.append(t.number)],
    ).fit(X, y)
    assert search.study_ is study and len(study.trials) == 4 and seen == [0, 1, 2, 3]
    assert search.best_params_ == study.best_params and search.best_score_ > 0.9
    # sklearn's clone keeps Optuna's arguments
    from sklearn.base import clone

    copied = clone(optuna.integration.OptunaSearchCV(SVC(), space, n_trials=3, timeout=60))
    assert (copied.n_trials, copied.timeout) == (3, 60)
    for wrong, message in [
        ({"enable_pruning": True}, "pruner='median'"),
        ({"subsample": 0.5}, "pass a subset"),
        ({"catch": (ValueError,)}, "error_score"),
        ({"study": optuna.create_study()}, "direction='maximize'"),
    ]:
        with pytest.raises(ts.InvalidArgumentError, match=message):
            optuna.integration.OptunaSearchCV(SVC(), space, n_trials=1, **wrong).fit(X, y)
    with pytest.raises(AttributeError, match=r"trial\.report"):
        optuna.integration.KerasPruningCallback  # noqa: B018
    with pytest.raises(AttributeError, match=r"LightGBMTuner .* is not in tunesmith"):
        optuna.integration.lightgbm.train  # noqa: B018


def test_a_study_pickles_where_another_process_can_reach_its_storage(tmp_path):
    import pickle

    served = ts.create_study(storage=ts.serve_storage(), seed=0)  # the auto sampler
    copy = pickle.loads(pickle.dumps(served))
    copy.optimize(_quadratic, n_trials=3)
    assert len(served.trials) == 3 and served.trials[0].notes["auto"]["by"] == "gp"
    stored = ts.create_study(storage=f"sqlite:///{tmp_path / 's.db'}", study_name="s")
    pickle.loads(pickle.dumps(stored)).optimize(_quadratic, n_trials=1)
    assert len(stored.trials) == 1
    with pytest.raises(ts.InvalidArgumentError, match="serve_storage"):
        pickle.dumps(ts.create_study())


def test_a_custom_samplers_before_and_after_trial_hooks_run_around_each_trial():
    calls = []

    class Recording(ts.samplers.BaseSampler):
        def before_trial(self, study, trial):
            calls.append(("before", trial.number, trial.state, len(study.trials)))

        def after_trial(self, study, trial, state, values):
            calls.append(("after", trial.number, state, values))

        def infer_relative_search_space(self, study, trial):
            return {}

        def sample_relative(self, study, trial, search_space):
            return {}

        def sample_independent(self, study, trial, param_name, param_distribution):
            return param_distribution.low

    def objective(trial):
        x = trial.suggest_float("x", 1, 2)
        if trial.number == 1:
            raise ts.TrialPruned()
        return x

    study = ts.create_study(sampler=Recording())
    study.optimize(objective, n_trials=3)
    running, pruned, complete = ts.TrialState.RUNNING, ts.TrialState.PRUNED, ts.TrialState.COMPLETE
    assert calls == [
        ("before", 0, running, 1),
        ("after", 0, complete, (1.0,)),
        ("before", 1, running, 2),
        ("after", 1, pruned, None),
        ("before", 2, running, 3),
        ("after", 2, complete, (1.0,)),
    ]
    calls.clear()
    trial = study.ask()
    study.tell(trial, 5.0)
    assert calls == [("before", 3, running, 4), ("after", 3, complete, (5.0,))]


def test_optunas_other_multi_objective_sampler_names():
    import tunesmith as optuna

    study = optuna.create_study(
        directions=["minimize", "maximize"], sampler=optuna.samplers.MOTPESampler(seed=0)
    )
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), t.suggest_float("y", 0, 1)), 5)
    assert len(study.best_trials) >= 1
    nsga = optuna.samplers.NSGAIISampler(population_size=8, mutation_prob=0.2, crossover_prob=0.5)
    assert (nsga.mutation_rate, nsga.crossover_probability) == (0.2, 0.5)
    with pytest.raises(ts.InvalidArgumentError, match="not both"):
        optuna.samplers.NSGAIISampler(mutation_rate=0.1, mutation_prob=0.2)
    nsga3 = optuna.samplers.NSGAIIISampler(
        population_size=8, seed=1, dividing_parameter=4, mutation_prob=0.2, crossover_prob=0.5
    )
    assert (nsga3.mutation_rate, nsga3.crossover_probability, nsga3.seed) == (0.2, 0.5, 1)
    assert len(nsga3.references(3)) == 15  # C(3 + 4 - 1, 4)
    with pytest.raises(ts.InvalidArgumentError, match="2-d array"):
        optuna.samplers.NSGAIIISampler(reference_points=[1.0, 1.0])


def test_nsga3_cuts_the_last_front_by_niching_around_reference_directions():
    from tunesmith.samplers.nsga3 import reference_order, simplex_points

    # 12 points of one front (x + y + z = 1): four near each corner, which normalizes
    # them onto the simplex itself
    rng = np.random.default_rng(0)
    corners = np.eye(3)
    points = np.concatenate([0.9 * c + 0.1 * rng.dirichlet(np.ones(3), 4) for c in corners])
    references = simplex_points(3, 1)  # the three corner directions
    order = reference_order(points, None, 6, references)
    assert sorted(order) == list(range(12))
    # the 6 survivors: two near each corner, the nearest to its direction first
    assert sorted(order[:6] // 4) == [0, 0, 1, 1, 2, 2]
    assert set(order[:3] // 4) == {0, 1, 2}
    again = reference_order(points, None, 6, references)
    assert order.tolist() == again.tolist()  # every worker picks the same
    # constraints first: an infeasible point never survives while feasible ones remain
    violation = np.zeros(12)
    violation[order[0]] = 1.0
    assert order[0] not in reference_order(points, violation, 6, references)[:6]


def test_mean_decrease_impurity_ranks_what_drives_the_objective():
    pytest.importorskip("sklearn")
    import tunesmith as optuna

    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    study.optimize(
        lambda t: (
            10 * t.suggest_float("x", 0, 1)
            + 0.1 * t.suggest_float("y", 0, 1)
            + (t.suggest_categorical("c", ["a", "b"]) == "b")
        ),
        n_trials=60,
    )
    evaluator = optuna.importance.MeanDecreaseImpurityImportanceEvaluator(seed=0)
    shares = optuna.importance.get_param_importances(study, evaluator=evaluator)
    # x drives it; c (variance 0.25) and y (0.0008) both get about 0.01 from the forest's
    # impurity (which favours a continuous parameter), in either order depending on the seed
    assert next(iter(shares)) == "x" and shares["x"] > 0.7 and set(shares) == {"x", "y", "c"}
    assert sum(shares.values()) == pytest.approx(1.0)
    assert isinstance(evaluator, ts.MeanDecreaseImpurityEvaluator) and evaluator.n_trees == 64


def _constrained(trial):
    x = trial.suggest_float("x", -5, 5)
    trial.set_constraint("budget", x - 1)
    trial.set_constraint("floor", -x - 4)
    return x**2


def test_set_constraint_values_are_stored_with_their_names_and_read_back(tmp_path):
    import pickle

    url = f"sqlite:///{tmp_path}/c.db"
    sampler = ts.TPESampler(constraints_func=lambda t: [t.params["x"] * 2], seed=0)
    study = ts.create_study(storage=url, study_name="c", sampler=sampler)
    study.optimize(_constrained, n_trials=4)
    for trial in ts.load_study(study_name="c", storage=url).trials:
        x = trial.params["x"]
        # the function's values first, named "0", ... as Optuna names them
        assert dict(trial.constraints.items()) == {"0": 2 * x, "budget": x - 1, "floor": -x - 4}
        assert trial.constraints == (2 * x, x - 1, -x - 4)
        assert trial.system_attrs == {
            "constraints": [2 * x],
            "constraints:budget": x - 1,
            "constraints:floor": -x - 4,
        }
        assert trial.feasible == (x <= 0 and x >= -4)
        copied = pickle.loads(pickle.dumps(trial.constraints))
        assert copied.names == ("0", "budget", "floor") and copied == trial.constraints


_SAMPLERS = {
    "tpe": lambda seed: ts.TPESampler(seed=seed, n_startup_trials=5),
    "nsga2": lambda seed: ts.NSGAIISampler(seed=seed, population_size=6),
    "gp": lambda seed: ts.GPSampler(seed=seed, n_startup_trials=5),
}


@pytest.mark.parametrize("name", sorted(_SAMPLERS))
def test_samplers_avoid_what_set_constraint_rules_out_without_a_constraints_function(name):
    # the objective pulls to the bounds; only |x| <= 0.5 (a tenth of the range) is feasible
    def late_feasible(seed, told):
        def objective(trial):
            x = trial.suggest_float("x", -5, 5)
            if told:
                trial.set_constraint("c", abs(x) - 0.5)
            return -abs(x)

        study = ts.create_study(sampler=_SAMPLERS[name](seed))
        study.optimize(objective, n_trials=30)
        if told:
            assert study.best_trial.feasible and abs(study.best_trial.params["x"]) <= 0.5
        return sum(abs(trial.params["x"]) <= 0.5 for trial in study.trials[15:])

    # measured for seeds 0-4 (of 15 late trials): told 1-4 (TPE, GP), 1-10 (NSGA-II);
    # not told 0-1
    told = sum(late_feasible(seed, True) for seed in range(3))
    blind = sum(late_feasible(seed, False) for seed in range(3))
    assert told >= blind + 4, (told, blind)


def test_set_constraint_checks_its_value_and_keeps_the_first():
    study = ts.create_study(seed=0)
    trial = study.ask()
    with pytest.raises(TypeError, match="must be a number"):
        trial.set_constraint("c", "high")
    with pytest.raises(ValueError, match="NaN"):
        trial.set_constraint("c", float("nan"))
    trial.set_constraint("c", 2)
    with pytest.warns(UserWarning, match="already set"):
        trial.set_constraint("c", -1.0)
    assert dict(trial.constraints.items()) == {"c": 2.0}
    assert study.tell(trial, 1.0).constraints["c"] == 2.0
    fixed = ts.FixedTrial({"x": 0.5})
    assert _constrained(fixed) == 0.25 and fixed.constraints["budget"] == -0.5


def test_create_trial_takes_constraints_by_name_and_from_optunas_system_attrs():
    space = {"x": ts.Float(0, 1)}
    made = ts.create_trial(
        params={"x": 0.5},
        distributions=space,
        value=1.0,
        system_attrs={"constraints": [0.5], "constraints:m": -1.0},
        constraints={"n": -2.0},
    )
    assert dict(made.constraints.items()) == {"0": 0.5, "m": -1.0, "n": -2.0}
    assert not made.feasible
    study = ts.create_study()
    study.add_trial(made)
    assert study.trials[0].system_attrs == {
        "constraints": [0.5],
        "constraints:m": -1.0,
        "constraints:n": -2.0,
    }
    with pytest.raises(ts.InvalidArgumentError, match="user_attrs"):
        ts.create_trial(params={}, distributions={}, value=1.0, system_attrs={"nsga2:gen": 1})


def test_lightgbm_pruning_callback_reports_every_nth_round_and_names_what_is_missing():
    lgb = pytest.importorskip("lightgbm")
    from sklearn.datasets import load_breast_cancer

    import tunesmith as optuna

    data, target = load_breast_cancer(return_X_y=True)
    train, valid = lgb.Dataset(data[:400], target[:400]), lgb.Dataset(data[400:], target[400:])
    params = {"objective": "binary", "metric": "auc", "verbosity": -1, "num_threads": 1}
    study = optuna.create_study(direction="maximize", pruner="none")
    trial = study.ask()
    every_third = optuna.integration.LightGBMPruningCallback(trial, "auc", report_interval=3)
    lgb.train(params, train, num_boost_round=9, valid_sets=[valid], callbacks=[every_third])
    study.tell(trial, 1.0)
    assert sorted(study.trials[0].intermediate_values) == [2, 5, 8]
    missing = optuna.integration.LightGBMPruningCallback(study.ask(), "binary_error")
    with pytest.raises(ValueError, match=r"no metric 'binary_error'.*valid_0: auc"):
        lgb.train(params, train, num_boost_round=2, valid_sets=[valid], callbacks=[missing])
    with pytest.raises(ts.InvalidArgumentError, match="report_interval"):
        optuna.integration.LightGBMPruningCallback(trial, "auc", report_interval=0)


def test_clone_of_optuna_search_cv_copies_its_in_memory_study_as_optuna_does(tmp_path):
    pytest.importorskip("sklearn")
    from sklearn.base import clone
    from sklearn.datasets import load_iris
    from sklearn.svm import SVC

    import tunesmith as optuna

    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=0))
    study.enqueue_trial({"C": 1.0})
    space = {"C": optuna.distributions.FloatDistribution(1e-3, 1e3, log=True)}
    search = optuna.integration.OptunaSearchCV(SVC(), space, n_trials=3, study=study)
    copy = clone(search)
    assert copy.study is not study and len(copy.study.trials) == 1  # the WAITING one
    copy.fit(*load_iris(return_X_y=True))
    assert len(copy.study_.trials) == 3 and copy.study_.trials[0].params == {"C": 1.0}
    assert [t.state.name for t in study.trials] == ["WAITING"]  # the original is untouched
    assert copy.study_.sampler is not study.sampler and copy.study_.seed == study.seed

    # a study in a database stays one study: the copy reaches it again
    url = f"sqlite:///{tmp_path / 's.db'}"
    stored = optuna.create_study(storage=url, study_name="s", direction="maximize")
    fitted = clone(optuna.integration.OptunaSearchCV(SVC(), space, n_trials=2, study=stored))
    fitted.fit(*load_iris(return_X_y=True))
    assert len(stored.trials) == 2


@pytest.mark.parametrize("sampler", ["auto", "tpe", "gp", "cmaes", "nsga2", "nsga3", "random"])
def test_a_study_deep_copies_with_every_sampler(sampler):
    import copy

    if sampler == "cmaes":
        pytest.importorskip("cmaes")
    study = ts.create_study(sampler=sampler, seed=0)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    twin = copy.deepcopy(study)
    twin.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    assert (len(study.trials), len(twin.trials)) == (3, 5)
    assert [t.params for t in twin.trials[:3]] == [t.params for t in study.trials]
