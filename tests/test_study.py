"""Studies as users drive them: ask/tell, optimize, budgets, faults, resume."""

from __future__ import annotations

import math
import re
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import tunesmith as ts


def quadratic(trial: ts.Trial) -> float:
    x = trial.suggest_float("x", -5, 5)
    n = trial.suggest_int("n", 1, 9, step=2)
    act = trial.suggest_categorical("act", ["relu", "tanh", None])
    return (x - 1) ** 2 + abs(n - 5) + (act == "tanh")


def test_ask_and_tell_record_a_complete_trial(storage):
    study = ts.create_study(storage=storage, study_name="s", seed=0)
    trial = study.ask()
    x = trial.suggest_float("x", 0, 1)
    frozen = study.tell(trial, x * 2)
    assert frozen.state is ts.TrialState.COMPLETE and frozen.value == x * 2
    assert frozen.params == {"x": x} and frozen.number == 0
    assert frozen.finished_at >= frozen.started_at
    assert study.best_value == x * 2 and study.best_params == {"x": x}


def test_optimize_runs_n_trials_and_finds_the_minimum(storage):
    study = ts.create_study(storage=storage, study_name="s", sampler="random", seed=0)
    study.optimize(quadratic, n_trials=100)
    assert len(study.trials) == 100
    assert [t.number for t in study.trials] == list(range(100))
    assert study.best_value < 0.5
    assert study.best_params["n"] == 5 and study.best_params["act"] != "tanh"


def test_values_come_back_as_the_types_asked_for(storage):
    study = ts.create_study(storage=storage, study_name="s", seed=1)
    choices = [None, True, 1, 1.5, "a", (1, 2)]

    def objective(trial):
        f = trial.suggest_float("f", 0, 1, step=0.25)
        i = trial.suggest_int("i", 1, 1000, log=True)
        c = trial.suggest_categorical("c", choices)
        assert type(f) is float and type(i) is int
        assert any(c is choice or (c == choice and type(c) is type(choice)) for choice in choices)
        return f

    study.optimize(objective, n_trials=40)
    reloaded = ts.load_study(study_name="s", storage=storage)
    for trial in reloaded.trials:
        assert type(trial.params["f"]) is float and type(trial.params["i"]) is int
        assert trial.params["f"] in (0.0, 0.25, 0.5, 0.75, 1.0)
        assert type(trial.params["c"]) in {type(None), bool, int, float, str, tuple}
    assert {type(t.params["c"]) for t in reloaded.trials} >= {tuple, bool, type(None)}


def test_each_request_gets_its_own_choices():
    # suggest_* remember the distributions of earlier requests: two requests that differ
    # only in the choices' types, or in an array's contents, must not share one
    trial = ts.create_study(seed=0).ask()
    trial.suggest_categorical("a", np.array([1, 2]))
    trial.suggest_categorical("b", np.array([3, 4]))
    trial.suggest_categorical("c", ["x", True])
    trial.suggest_categorical("d", ["x", 1])
    choices = {name: d.choices for name, d in trial.distributions.items()}
    assert choices["a"] == (1, 2) and choices["b"] == (3, 4)
    assert [type(c) for c in choices["c"]] == [str, bool]
    assert [type(c) for c in choices["d"]] == [str, int]


def test_a_name_asked_twice_in_a_trial_gets_the_same_value():
    study = ts.create_study(seed=0)
    trial = study.ask()
    assert trial.suggest_float("x", 0, 1) == trial.suggest_float("x", 0, 1)


def test_changing_a_parameters_kind_is_a_clear_error():
    study = ts.create_study(seed=0)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    with pytest.raises(ts.IncompatibleParameterError, match="'x' must keep its kind"):
        study.optimize(lambda t: t.suggest_int("x", 0, 1), n_trials=1)
    assert study.trials[-1].state is ts.TrialState.FAIL
    assert "IncompatibleParameterError" in study.trials[-1].reason


@pytest.mark.filterwarnings("error::RuntimeWarning")
@pytest.mark.parametrize("sampler", ["random", "qmc", "grid", "gp", "tpe", "bohb", "auto"])
def test_a_narrowed_range_is_respected_after_wider_trials(sampler):
    study = ts.create_study(sampler=sampler, seed=0)
    study.optimize(
        lambda t: t.suggest_float("x", -10, 10, step=0.5) ** 2 + t.suggest_int("k", 0, 100),
        n_trials=20,
    )
    study.optimize(
        lambda t: t.suggest_float("x", 2, 3, step=0.5) ** 2 + t.suggest_int("k", 50, 60),
        n_trials=12,
    )
    assert all(2 <= t.params["x"] <= 3 and 50 <= t.params["k"] <= 60 for t in study.trials[20:])


@pytest.mark.parametrize(
    ("returned", "shown"),
    [(math.nan, "nan"), (math.inf, "inf"), (None, "None"), ("0.5", "'0.5'"), ([1], "[1]")],
)
def test_a_non_finite_or_non_number_result_fails_the_trial_and_the_study_goes_on(
    returned, shown, storage
):
    study = ts.create_study(storage=storage, study_name="s", seed=0)
    study.optimize(lambda t: returned if t.number == 0 else t.suggest_float("x", 0, 1), n_trials=3)
    first = study.trials[0]
    assert first.state is ts.TrialState.FAIL and first.value is None
    assert shown in first.reason and "not a finite number" in first.reason
    assert [t.state for t in study.trials[1:]] == [ts.TrialState.COMPLETE] * 2


def test_an_exception_fails_the_trial_and_reaches_the_user_by_default(storage):
    study = ts.create_study(storage=storage, study_name="s", seed=0)

    def objective(trial):
        trial.suggest_float("x", 0, 1)
        if trial.number == 2:
            raise ValueError("diverged")
        return 1.0

    with pytest.raises(ValueError, match="diverged"):
        study.optimize(objective, n_trials=5)
    trials = ts.load_study(study_name="s", storage=storage).trials
    assert [t.state.name for t in trials] == ["COMPLETE", "COMPLETE", "FAIL"]
    assert trials[2].reason == "ValueError: diverged" and "x" in trials[2].params


def test_caught_exceptions_fail_the_trial_and_the_study_goes_on():
    study = ts.create_study(seed=0)

    def objective(trial):
        if trial.number % 2:
            raise ArithmeticError("odd")
        return trial.suggest_float("x", 0, 1)

    study.optimize(objective, n_trials=6, catch=(ArithmeticError,))
    assert [t.state.name for t in study.trials] == ["COMPLETE", "FAIL"] * 3


def test_ctrl_c_fails_the_running_trial_and_keeps_the_finished_ones(tmp_path):
    url = f"sqlite:///{tmp_path / 'c.db'}"
    study = ts.create_study(storage=url, study_name="s", seed=0)

    def objective(trial):
        trial.suggest_float("x", 0, 1)
        if trial.number == 3:
            raise KeyboardInterrupt
        return 1.0

    with pytest.raises(KeyboardInterrupt):
        study.optimize(objective, n_trials=10)
    trials = ts.load_study(study_name="s", storage=url).trials
    assert [t.state.name for t in trials] == ["COMPLETE"] * 3 + ["FAIL"]
    assert trials[3].reason == "interrupted (KeyboardInterrupt)"


def test_pruned_trials_keep_their_last_reported_value():
    study = ts.create_study(seed=0)

    def objective(trial):
        for step in range(3):
            trial.report(10.0 - step, step)
        raise ts.TrialPruned()

    study.optimize(objective, n_trials=1)
    trial = study.trials[0]
    assert trial.state is ts.TrialState.PRUNED and trial.value == 8.0
    assert trial.intermediate_values == {0: 10.0, 1: 9.0, 2: 8.0}


def test_reports_and_attributes_are_stored(tmp_path):
    url = f"sqlite:///{tmp_path / 'r.db'}"
    study = ts.create_study(storage=url, study_name="s")

    def objective(trial):
        trial.set_user_attr("shape", (3, 4))
        for step in range(5):
            trial.report(1.0 / (step + 1), step)
            assert trial.should_prune() is False
        return 0.2

    study.optimize(objective, n_trials=2)
    trial = ts.load_study(study_name="s", storage=url).trials[1]
    assert trial.intermediate_values == {s: 1.0 / (s + 1) for s in range(5)}
    assert trial.user_attrs == {"shape": (3, 4)}


def test_bad_reports_and_attributes_are_rejected():
    trial = ts.create_study().ask()
    with pytest.raises(ts.InvalidArgumentError, match="`step` must be a non-negative integer"):
        trial.report(1.0, -1)
    with pytest.raises(ts.InvalidArgumentError, match="`value` must be a number"):
        trial.report("high", 1)
    with pytest.raises(ts.InvalidArgumentError, match="JSON value"):
        trial.set_user_attr("model", object())


def test_the_budget_ends_optimize():
    study = ts.create_study(sampler="random", seed=0)
    started = time.monotonic()
    study.optimize(lambda t: time.sleep(0.01) or t.suggest_float("x", 0, 1), timeout=0.3)
    elapsed = time.monotonic() - started
    assert 0.3 <= elapsed < 1.5
    assert 2 <= len(study.trials) <= 31


def test_a_callback_can_stop_the_study():
    study = ts.create_study(seed=0)
    seen = []

    def stop_when_good(study, trial):
        seen.append(trial.number)
        if trial.value < 0.1:
            study.stop()

    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1000, callbacks=[stop_when_good])
    assert study.trials[-1].value < 0.1 and len(study.trials) < 1000
    assert seen == list(range(len(study.trials)))
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    assert len(seen) == len(study.trials) - 2


def test_enqueued_parameters_are_evaluated_first_and_the_rest_is_sampled():
    study = ts.create_study(seed=0)
    study.enqueue({"x": 0.5, "act": None})
    study.enqueue({"x": 0.25})
    study.optimize(
        lambda t: t.suggest_float("x", 0, 1) + (t.suggest_categorical("act", ["a", None]) is None),
        n_trials=3,
    )
    first, second, third = study.trials
    assert first.params == {"x": 0.5, "act": None} and first.fixed_params == {"x": 0.5, "act": None}
    assert second.params["x"] == 0.25 and second.params["act"] in ("a", None)
    assert third.fixed_params == {}


def test_an_enqueued_value_outside_the_range_is_a_clear_error():
    study = ts.create_study()
    study.enqueue({"x": 7})
    with pytest.raises(ts.InvalidArgumentError, match="enqueued value x=7 must lie in"):
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)


@pytest.mark.parametrize("sampler", ["random", "qmc", "grid"])
def test_the_same_seed_gives_the_same_parameters(sampler):
    def run(seed):
        study = ts.create_study(sampler=sampler, seed=seed)
        study.optimize(
            lambda t: t.suggest_int("a", 0, 9) + t.suggest_categorical("b", [1, 2, 3]), n_trials=15
        )
        return [t.params for t in study.trials]

    assert run(7) == run(7)
    assert run(7) != run(8)


def test_best_before_any_complete_trial_explains_itself():
    study = ts.create_study()
    study.optimize(lambda t: math.nan, n_trials=2)
    with pytest.raises(
        ts.NoCompletedTrialError, match=r"no COMPLETE trial yet \(2 trials: 2 FAIL\)"
    ):
        _ = study.best_value


def test_maximize_picks_the_largest_value():
    study = ts.create_study(direction="maximize", seed=0)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=30)
    assert study.best_value == max(t.value for t in study.trials)


def test_tell_refuses_to_change_a_finished_trial():
    study = ts.create_study()
    trial = study.ask()
    study.tell(trial, 1.0)
    with pytest.raises(ts.TrialFinishedError, match="trial 0 is already COMPLETE"):
        study.tell(trial, 2.0)
    with pytest.raises(ts.TrialFinishedError):
        study.tell(0, state="fail")
    with pytest.raises(ts.InvalidArgumentError, match="no trial number 5"):
        study.tell(5, 1.0)
    assert study.trials[0].value == 1.0


def test_tell_by_number_and_with_explicit_states():
    study = ts.create_study()
    a, b, c = study.ask(), study.ask(), study.ask()
    a.report(3.0, 1)
    study.tell(a.number, state="pruned")
    study.tell(b, state=ts.TrialState.FAIL)
    study.tell(c, 0.5)
    assert [(t.state.name, t.value) for t in study.trials] == [
        ("PRUNED", 3.0),
        ("FAIL", None),
        ("COMPLETE", 0.5),
    ]


def test_ask_with_a_space_suggests_every_parameter():
    study = ts.create_study(seed=0)
    trial = study.ask({"x": ts.Float(0, 1), "c": ts.Categorical(["a", "b"])})
    assert set(trial.params) == {"x", "c"}


def test_to_dataframe_has_a_row_per_trial_with_params_and_attributes():
    study = ts.create_study(seed=0)

    def objective(trial):
        trial.set_user_attr("fold", 3)
        return quadratic(trial)

    study.optimize(objective, n_trials=5)
    frame = study.to_dataframe()
    assert list(frame.columns) == [
        "number", "value", "state", "datetime_start", "datetime_complete", "duration",
        "params_act", "params_n", "params_x", "user_attrs_fold", "fail_reason",
    ]  # fmt: skip
    assert frame["number"].tolist() == list(range(5))
    assert frame["value"].tolist() == [t.value for t in study.trials]
    assert set(frame["state"]) == {"COMPLETE"} and frame["params_n"].dtype.kind == "i"
    assert len(ts.create_study().to_dataframe()) == 0


def test_study_names_are_unique_unless_loading(tmp_path):
    url = f"sqlite:///{tmp_path / 'n.db'}"
    ts.create_study(storage=url, study_name="s")
    with pytest.raises(ts.DuplicatedStudyError, match="load_if_exists=True"):
        ts.create_study(storage=url, study_name="s")
    assert ts.create_study(storage=url, study_name="s", load_if_exists=True).study_name == "s"
    with pytest.raises(ts.InvalidArgumentError, match="keeps its direction"):
        ts.create_study(storage=url, study_name="s", load_if_exists=True, direction="maximize")


def test_list_load_and_delete_studies(tmp_path):
    url = f"sqlite:///{tmp_path / 'l.db'}"
    study = ts.create_study(storage=url, study_name="first", seed=0)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    ts.create_study(storage=url, study_name="second", direction="maximize")
    summaries = ts.list_studies(url)
    assert [(s.study_name, s.n_trials) for s in summaries] == [("first", 3), ("second", 0)]
    assert summaries[0].best_value == study.best_value and summaries[1].best_value is None
    ts.delete_study(study_name="first", storage=url)
    with pytest.raises(ts.StudyNotFoundError, match="it has 'second'"):
        ts.load_study(study_name="first", storage=url)
    with pytest.raises(ts.StudyNotFoundError):
        ts.delete_study(study_name="first", storage=url)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"sampler": "bayes"},
            "unknown sampler 'bayes'; choose one of 'auto', 'random', 'grid', 'qmc', 'gp', 'tpe'",
        ),
        ({"pruner": "magic"}, "unknown pruner 'magic'"),
        ({"storage": "mysql://x"}, "unsupported storage URL 'mysql://x'"),
        ({"direction": "up"}, "direction must be 'minimize' or 'maximize', but got 'up'"),
        ({"seed": -1}, "`seed` must be an integer in [0, 2**63)"),
        ({"seed": 1.5}, "`seed` must be an integer"),
        ({"study_name": ""}, "study_name must be a non-empty string"),
        ({"sampler": object()}, "`sampler` must be a sampler name or an object with a sample()"),
    ],
)
def test_bad_study_arguments_are_clear_errors(kwargs, message):
    with pytest.raises(ts.InvalidArgumentError) as info:
        ts.create_study(**kwargs)
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_trials": -1}, "`n_trials` must be an integer >= 0, but got -1"),
        ({"n_trials": 2.5}, "`n_trials` must be an integer >= 0, but got 2.5"),
        ({"timeout": 0}, "`timeout` must be a number > 0"),
        ({"n_jobs": 0}, "`n_jobs` must be a positive integer or -1"),
        ({"catch": [42]}, "`catch` must be an exception class or a list"),
        ({"catch": "ValueError"}, "`catch` must be an exception class or a list"),
        ({"callbacks": [1]}, "every callback must be callable"),
        ({"callbacks": print}, "`callbacks` must be a list or tuple of functions"),
        ({"progress_bar": "no"}, "`progress_bar` must be True or False"),
        ({"retries": -1}, "`retries` must be an integer >= 0"),
        ({"trial_timeout": "5"}, "`trial_timeout` must be a number > 0"),
    ],
)
def test_bad_optimize_arguments_are_clear_errors(kwargs, message):
    with pytest.raises(ts.InvalidArgumentError, match=re.escape(message)):
        ts.create_study().optimize(lambda t: 0.0, **{"n_trials": 1, **kwargs})


RESUME_SCRIPT = textwrap.dedent(
    """
    import sys
    import tunesmith as ts
    study = ts.create_study(storage=sys.argv[1], study_name="resume", load_if_exists=True,
                            sampler=sys.argv[2], seed=5)
    study.optimize(lambda t: t.suggest_float("x", -1, 1) + t.suggest_int("k", 0, 3), n_trials=10)
    """
)


@pytest.mark.parametrize("sampler", ["random", "qmc"])
def test_a_study_resumed_in_a_new_process_continues_where_it_stopped(tmp_path, sampler):
    url = f"sqlite:///{tmp_path / 'resume.db'}"
    for _ in range(2):
        subprocess.run([sys.executable, "-c", RESUME_SCRIPT, url, sampler], check=True)
    resumed = ts.load_study(study_name="resume", storage=url)
    assert [t.number for t in resumed.trials] == list(range(20))
    uninterrupted = ts.create_study(sampler=sampler, seed=5)
    uninterrupted.optimize(
        lambda t: t.suggest_float("x", -1, 1) + t.suggest_int("k", 0, 3), n_trials=20
    )
    assert [t.params for t in resumed.trials] == [t.params for t in uninterrupted.trials]


ASK_SCRIPT = textwrap.dedent(
    """
    import sys
    import tunesmith as ts
    study = ts.load_study(storage=sys.argv[1], study_name="handoff")
    fixed = study.ask({"lr": ts.Float(1e-4, 1.0, log=True)})
    free = study.ask()
    free.suggest_float("lr", 1e-4, 1.0, log=True)
    free.suggest_categorical("model", ["a", "b", "c"])  # sampled apart: new to the study
    print(fixed.number, fixed.params["lr"], free.number, free.params["lr"], free.params["model"])
    """
)


def test_a_trial_asked_in_one_process_and_told_in_another_keeps_its_parameters(tmp_path):
    # as from `tunesmith ask` and `tunesmith tell`, or a notebook restarted between them
    url = f"sqlite:///{tmp_path / 'handoff.db'}"
    study = ts.create_study(storage=url, study_name="handoff", sampler="random", seed=0)
    asked = subprocess.run(
        [sys.executable, "-c", ASK_SCRIPT, url], check=True, capture_output=True, text=True
    ).stdout.split()
    study.tell(int(asked[0]), 0.5)
    study.tell(int(asked[2]), 0.25)
    told = {t.number: t.params for t in study.trials}
    assert told[int(asked[0])] == {"lr": float(asked[1])}
    assert told[int(asked[2])] == {"lr": float(asked[3]), "model": asked[4]}


def test_running_trials_show_other_workers_where_they_are(storage):
    study = ts.create_study(storage=storage, study_name="s", seed=0)
    study.optimize(lambda t: t.suggest_float("x", 0, 1) + t.suggest_int("k", 0, 9), n_trials=3)
    pending = study.ask()
    other_worker = ts.load_study(study_name="s", storage=storage)
    running = other_worker.history().running()
    assert [t.number for t in running] == [3]
    assert set(running[0].proposal) == {"x", "k"} and running[0].params == {}
    x = pending.suggest_float("x", 0, 1)
    assert x == running[0].proposal["x"]
    study.tell(pending, 1.0)
    finished = other_worker.trials[3]
    assert finished.params == {"x": x} and finished.proposal == {}


def test_a_trial_created_by_another_worker_mid_ask_does_not_share_its_parameters():
    storage = ts.MemoryStorage()

    class Interfering:
        """Random sampling, but another worker starts a trial during the first call."""

        def __init__(self):
            self.inner, self.other = ts.RandomSampler(), None

        def sample(self, space, history, rng, trial):
            other, self.other = self.other, None
            if other is not None:
                other.ask()
            return self.inner.sample(space, history, rng, trial)

    sampler = Interfering()
    study = ts.create_study(storage=storage, study_name="s", sampler=sampler, seed=3)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    sampler.other = ts.load_study(study_name="s", storage=storage, sampler="random")
    mine = study.ask()
    assert mine.number == 3  # number 2 went to the other worker
    running = {t.number: t.proposal["x"] for t in study.history().running()}
    assert set(running) == {2, 3} and running[2] != running[3]
    assert mine.suggest_float("x", 0, 1) == running[3]


def test_a_write_that_fails_loses_nothing_the_trial_told():
    class Flaky(ts.MemoryStorage):
        """Refuses the first write that finishes a trial, as a Ctrl-C mid-commit would."""

        failed = False

        def append(self, study, events):
            finishing = any(type(e).__name__ == "TrialFinished" for e in events)
            if finishing and not self.failed:
                self.failed = True
                raise KeyboardInterrupt
            return super().append(study, events)

    study = ts.create_study(storage=Flaky(), sampler="random", seed=0)
    with pytest.raises(KeyboardInterrupt):
        study.optimize(lambda t: t.suggest_float("x", 0, 1) + t.suggest_int("k", 0, 3), 3)
    [trial] = study.trials
    assert trial.state is ts.TrialState.FAIL and trial.reason == "interrupted (KeyboardInterrupt)"
    assert set(trial.params) == {"x", "k"}
