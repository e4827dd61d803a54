"""Events survive every storage encoding, and replay follows its rules."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.strategies import finite, json_values, spaces

import tunesmith as ts
from tunesmith.encoding import UnitCube
from tunesmith.events import (
    Enqueued,
    Heartbeat,
    ParamsSet,
    ProposalTakenFinish,
    Reported,
    TrialCreated,
    TrialFinished,
    UserAttrsSet,
    decode,
    encode,
)
from tunesmith.history import HistoryBuilder, replay

MIN = ts.Direction.MINIMIZE


@st.composite
def params_events(draw: st.DrawFn) -> ParamsSet:
    space = draw(spaces)
    cube = UnitCube(space)
    u = draw(st.lists(st.floats(0, 1), min_size=cube.dims, max_size=cube.dims))
    import numpy as np

    values = cube.decode(np.array(u))
    return ParamsSet(draw(st.integers(0, 100)), space, values, {"gen": 1}, draw(st.booleans()))


@st.composite
def created_events(draw: st.DrawFn) -> TrialCreated:
    """A trial's creation, with the sampler's proposal and notes or without."""
    proposal = draw(st.none() | params_events())
    given = (
        ()
        if proposal is None
        else (draw(st.none() | st.text(max_size=9)), proposal.values, proposal.distributions)
    )
    return TrialCreated(
        draw(finite),
        draw(st.none() | st.integers(1, 100)),
        draw(st.none() | finite),
        draw(st.integers(0, 3)),
        *given,
        *(() if proposal is None else (draw(st.just({}) | st.just({"gen": 2})),)),
    )


events = st.one_of(
    created_events(),
    st.builds(Heartbeat, st.integers(0, 9), finite),
    params_events(),
    st.builds(UserAttrsSet, st.integers(0, 9), st.dictionaries(st.text(max_size=4), json_values)),
    st.builds(Reported, st.integers(0, 9), st.dictionaries(st.integers(0, 99), finite)),
    st.builds(
        TrialFinished,
        st.integers(0, 9),
        st.sampled_from(list(ts.TrialState)),
        st.none() | finite,
        finite,
        st.none() | st.text(),
        st.none() | st.sampled_from(list(ts.Failure)),
    ),
    st.builds(
        Enqueued,
        st.dictionaries(st.text(min_size=1, max_size=4), json_values),
        st.none() | st.integers(0, 3),
        st.none() | st.integers(0, 9),
    ),
)


@settings(max_examples=300, deadline=None)
@given(event=events)
def test_every_event_round_trips_through_its_record(event):
    again = decode(*encode(event))
    assert again == event
    if isinstance(event, ParamsSet):
        assert [type(v) for v in again.values.values()] == [type(v) for v in event.values.values()]


def _records(*events):
    return list(enumerate(events, start=1))


def test_an_old_finish_that_took_its_proposal_makes_it_the_parameters():
    # Stores written before the trial's parameters were always written flag such a finish
    # with "a"; it is read as ProposalTakenFinish.
    x, k = ts.Float(0, 1), ts.Int(0, 3)
    finish = decode("finished", 0, '{"s":"complete","v":1.0,"t":1.0,"r":null,"a":1}')
    assert isinstance(finish, ProposalTakenFinish)
    history = replay(
        _records(
            TrialCreated(0.0),
            ParamsSet(-1, {"x": x, "k": k}, {"x": 0.5, "k": 2}, proposed=True),
            finish,
        ),
        MIN,
    )
    trial = history.trial(0)
    assert trial.params == {"x": 0.5, "k": 2} and trial.distributions == {"x": x, "k": k}
    assert trial.proposal == {} and dict(history.relative_space()) == {"x": x, "k": k}
    assert encode(finish) == encode(TrialFinished(0, ts.TrialState.COMPLETE, 1.0, 1.0))


def test_trial_numbers_follow_creation_order():
    history = replay(_records(TrialCreated(1.0), TrialCreated(2.0), TrialCreated(3.0)), MIN)
    assert [t.number for t in history.trials()] == [0, 1, 2]
    assert all(t.state is ts.TrialState.RUNNING for t in history.trials())


def test_the_first_finish_wins_and_a_finished_trial_never_changes():
    history = replay(
        _records(
            TrialCreated(0.0),
            TrialFinished(0, ts.TrialState.COMPLETE, 1.0, 1.0),
            TrialFinished(0, ts.TrialState.FAIL, None, 2.0, "late"),
            Reported(0, {5: 9.0}),
            UserAttrsSet(0, {"k": "v"}),
        ),
        MIN,
    )
    trial = history.trial(0)
    assert (trial.state, trial.value, trial.reason) == (ts.TrialState.COMPLETE, 1.0, None)
    assert trial.intermediate_values == {} and trial.user_attrs == {}


def test_an_enqueued_item_goes_to_the_first_trial_that_claims_it():
    history = replay(
        _records(Enqueued({"x": 1}), TrialCreated(0.0, claim=1), TrialCreated(0.0, claim=1)),
        MIN,
    )
    assert history.trial(0).fixed_params == {"x": 1}
    assert history.trial(1).fixed_params == {}
    assert history.queued() == ()


def test_a_dead_trial_is_retried_once_however_many_workers_reap_it():
    history = replay(
        _records(
            TrialCreated(0.0, lease=1.0, retries=2),
            TrialFinished(0, ts.TrialState.FAIL, None, 5.0, "lease expired"),
            Enqueued({"x": 1}, retries=1, retry_of=0),
            TrialFinished(0, ts.TrialState.FAIL, None, 5.0, "lease expired"),
            Enqueued({"x": 1}, retries=1, retry_of=0),
            TrialCreated(6.0, claim=3),
        ),
        MIN,
    )
    assert history.queued() == ()
    retry = history.trial(1)
    assert retry.fixed_params == {"x": 1} and retry.notes == {"retry_of": 0}


def test_best_trial_follows_the_direction_and_keeps_the_earliest_on_ties():
    def run(direction):
        builder = HistoryBuilder(direction)
        records = []
        for number, value in enumerate([3.0, 1.0, 5.0, 1.0]):
            records += [TrialCreated(0.0), TrialFinished(number, ts.TrialState.COMPLETE, value, 0)]
        builder.apply(_records(*records))
        return builder.snapshot().best_trial.number

    assert run(ts.Direction.MINIMIZE) == 1
    assert run(ts.Direction.MAXIMIZE) == 2


def test_relative_space_is_what_every_complete_trial_had():
    x, y = ts.Float(0, 1), ts.Int(0, 5)
    history = replay(
        _records(
            TrialCreated(0.0),
            ParamsSet(0, {"x": x, "y": y}, {"x": 0.5, "y": 1}),
            TrialFinished(0, ts.TrialState.COMPLETE, 1.0, 0),
            TrialCreated(0.0),
            ParamsSet(1, {"x": ts.Float(0, 0.5)}, {"x": 0.2}),
            TrialFinished(1, ts.TrialState.COMPLETE, 1.0, 0),
            TrialCreated(0.0),
            TrialFinished(2, ts.TrialState.FAIL, None, 0),
        ),
        MIN,
    )
    assert dict(history.relative_space()) == {"x": ts.Float(0, 0.5)}
    assert history.distribution("y") == y


def test_a_snapshot_does_not_change_when_the_study_moves_on():
    builder = HistoryBuilder(MIN)
    builder.apply(_records(TrialCreated(0.0)))
    before = builder.snapshot()
    builder.apply(
        [
            (2, ParamsSet(0, {"x": ts.Float(0, 1)}, {"x": 0.5})),
            (3, TrialFinished(0, ts.TrialState.COMPLETE, 1.0, 0)),
            (4, TrialCreated(0.0)),
        ]
    )
    assert len(before) == 1 and before.trial(0).state is ts.TrialState.RUNNING
    assert before.trial(0).params == {} and len(before.completed()) == 0
    after = builder.snapshot()
    assert len(after) == 2 and after.completed()[0].params == {"x": 0.5}


def test_replay_ignores_records_it_has_already_applied():
    builder = HistoryBuilder(MIN)
    records = _records(TrialCreated(0.0), TrialCreated(0.0))
    builder.apply(records)
    builder.apply(records)
    assert len(builder.snapshot()) == 2


def test_a_frozen_trial_keeps_every_field_it_is_given_and_stays_frozen():
    # FrozenTrial's __init__ is written by hand (for speed): each field must land in its
    # own slot, survive replace(), copies and pickling, and stay read-only.
    import copy
    import dataclasses
    import pickle

    from tunesmith.history import FrozenTrial

    given = {
        "number": 7,
        "state": ts.TrialState.FAIL,
        "value": None,
        "params": {"x": 1.0},
        "distributions": {"x": ts.Float(0.0, 2.0)},
        "intermediate_values": {0: 3.0},
        "user_attrs": {"a": 1},
        "notes": {"n": 2},
        "fixed_params": {"x": 1.0},
        "started_at": 10.0,
        "finished_at": 12.5,
        "reason": "boom",
        "proposal": {"y": 4},
        "expires_at": 20.0,
        "failure": ts.Failure.OBJECTIVE,
        "worker": "host:1",
        "values": (1.0, 2.0),
        "constraints": (0.5,),
    }
    assert [f.name for f in dataclasses.fields(FrozenTrial)] == list(given)
    trial = FrozenTrial(**given)
    assert {name: getattr(trial, name) for name in given} == given
    for copied in (copy.deepcopy(trial), pickle.loads(pickle.dumps(trial))):
        assert copied == trial
    assert dataclasses.replace(trial, reason="other").reason == "other"
    assert dataclasses.replace(trial, reason="other").values == (1.0, 2.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        trial.values = (3.0,)  # type: ignore[misc]
    # one objective: values is (value,), made when asked
    single = FrozenTrial(0, ts.TrialState.COMPLETE, 1.5)
    assert single.values == (1.5,)
    assert dataclasses.replace(single, value=2.0).values == (2.0,)
    assert FrozenTrial(0, ts.TrialState.RUNNING).values is None


@pytest.mark.parametrize(
    "kind",
    [TrialCreated, Heartbeat, ParamsSet, UserAttrsSet, Reported, TrialFinished, Enqueued],
)
def test_an_event_has_its_dataclass_parameters_and_defaults_and_stays_frozen(kind):
    # events get a quicker __init__ (records.fast_init) than the dataclass generates
    import dataclasses
    import inspect

    fields = dataclasses.fields(kind)
    parameters = list(inspect.signature(kind.__init__).parameters.values())[1:]
    assert [p.name for p in parameters] == [f.name for f in fields]
    required = {f.name: 1 for f in fields if f.default is f.default_factory is dataclasses.MISSING}
    made = kind(**required)
    for f in fields:
        if f.default is not dataclasses.MISSING:
            assert getattr(made, f.name) == f.default
        elif f.default_factory is not dataclasses.MISSING:
            assert getattr(made, f.name) == f.default_factory()
        else:
            assert getattr(made, f.name) == 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(made, fields[0].name, 2)
    with pytest.raises(TypeError, match="__init__"):
        kind()
