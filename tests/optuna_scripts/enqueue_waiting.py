"""Enqueued trials as Optuna shows them: WAITING trials, numbered, with their fixed
parameters and user attributes, which the next trials take in order."""

import tunesmith as optuna
from tunesmith.trial import TrialState


def objective(trial):
    x = trial.suggest_float("x", -10, 10)
    return (x - 2) ** 2


if __name__ == "__main__":
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    study.enqueue_trial({"x": 1.0}, user_attrs={"source": "paper"})
    study.enqueue_trial({"x": 2.0})

    waiting = study.get_trials(deepcopy=False, states=(TrialState.WAITING,))
    assert [t.number for t in waiting] == [0, 1] and len(study.trials) == 2
    first = waiting[0]
    assert first.params == {} and first.system_attrs["fixed_params"] == {"x": 1.0}
    assert first.user_attrs == {"source": "paper"}
    assert first.datetime_start is None and first.value is None
    assert not first.state.is_finished()
    print(study.trials_dataframe(attrs=("number", "state")))

    study.optimize(objective, n_trials=3)
    states = [t.state for t in study.trials]
    assert states == [TrialState.COMPLETE] * 3, states
    assert study.trials[0].params == {"x": 1.0}
    assert study.trials[0].user_attrs == {"source": "paper"}
    assert study.trials[1].params == {"x": 2.0} and study.best_value == 0.0

    # ask and tell: an item enqueued while a trial runs waits behind it
    running = study.ask()
    study.enqueue_trial({"x": 3.0})
    last = study.trials[-1]
    assert (last.number, last.state) == (running.number + 1, TrialState.WAITING)
    assert study.trials[running.number].state == TrialState.RUNNING
    frame = study.trials_dataframe()
    assert frame["state"].tolist()[-2:] == ["RUNNING", "WAITING"]
    study.tell(running, objective(running))
    taken = study.ask()
    assert taken.number == last.number and taken.suggest_float("x", -10, 10) == 3.0
    study.tell(taken, objective(taken))
    assert not study.get_trials(states=(TrialState.WAITING,))
    print("trials:", [(t.number, t.state.name, t.params["x"]) for t in study.trials])
