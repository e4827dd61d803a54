"""Search-space values: validation messages, membership, kinds, JSON round trips."""

from __future__ import annotations

import math

import numpy as np
import pytest

import tunesmith as ts
from tunesmith.space import (
    check_compatible,
    choice_key,
    distribution_from_json,
    distribution_to_json,
)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: ts.Float(3, 1), "`low <= high` must hold, but got (low=3.0, high=1.0)"),
        (lambda: ts.Int(3, 1), "`low <= high` must hold, but got (low=3, high=1)"),
        (lambda: ts.Float(0, 1, log=True), "`low > 0` must hold when log=True"),
        (lambda: ts.Float(-1, 1, log=True), "low=-1.0"),
        (lambda: ts.Int(0, 10, log=True), "`low >= 1` must hold when log=True"),
        (lambda: ts.Float(0, 1, step=0.3), "`step` must divide `high - low`"),
        (lambda: ts.Int(0, 10, step=3), "`step` must divide `high - low`"),
        (lambda: ts.Float(0, 1, step=-0.5), "`step > 0` must hold"),
        (lambda: ts.Int(0, 10, step=0), "`step >= 1` must hold"),
        (lambda: ts.Float(math.nan, 1), "`low` must be finite"),
        (lambda: ts.Float(0, math.inf), "`high` must be finite"),
        (lambda: ts.Float(0.5, 1, log=True, step=0.5), "cannot be combined"),
        (lambda: ts.Int(1, 2.5), "`high` must be an integer"),
        (lambda: ts.Float("0", 1), "`low` must be a real number"),
        (lambda: ts.Categorical([]), "must not be empty"),
        (lambda: ts.Categorical("abc"), "must be a list or tuple"),
        (lambda: ts.Categorical([1, 2, 1]), "must be distinct, but 1 appears at positions 0 and 2"),
        (lambda: ts.Categorical([object()]), "must be a JSON value"),
        (lambda: ts.Categorical([math.nan]), "must be a JSON value"),
    ],
)
def test_invalid_spaces_say_the_rule_and_the_value(make, message):
    with pytest.raises(ts.InvalidSpaceError) as info:
        make()
    assert message in str(info.value)
    assert isinstance(info.value, ValueError)


def test_a_step_that_divides_the_range_is_accepted_despite_float_rounding():
    assert ts.Float(0, 1, step=0.1).n_values == 11
    assert ts.Float(0.1, 0.7, step=0.2).n_values == 4


def test_float_membership_respects_bounds_and_step():
    d = ts.Float(0, 1, step=0.25)
    assert d.contains(0.75) and d.contains(1) and not d.contains(0.7) and not d.contains(1.25)
    assert not ts.Float(0, 1).contains("0.5") and not ts.Float(0, 1).contains(True)


def test_int_membership_is_integer_only():
    d = ts.Int(1, 9, step=2)
    assert d.contains(5) and d.contains(np.int64(7))
    assert not d.contains(4) and not d.contains(5.0) and not d.contains(True)


def test_categorical_choices_are_type_aware():
    d = ts.Categorical([1, 1.0, True, None, "1"])
    assert [d.index(v) for v in (1, 1.0, True, None, "1")] == [0, 1, 2, 3, 4]
    assert d.index(2) is None


def test_tuple_and_list_choices_are_distinct_and_hashable():
    d = ts.Categorical([(1, 2), [1, 2], {"a": (3,)}])
    assert d.index((1, 2)) == 0 and d.index([1, 2]) == 1 and d.index({"a": (3,)}) == 2


def test_categorical_equality_does_not_confuse_true_with_one():
    assert ts.Categorical([1, 2]) != ts.Categorical([True, 2])
    assert ts.Categorical(["a", "b"]) == ts.Categorical(("a", "b"))


def test_numpy_choices_are_accepted():
    d = ts.Categorical(np.array([1, 2, 3]))
    assert d.choices == (1, 2, 3)


@pytest.mark.parametrize(
    "distribution",
    [
        ts.Float(-5, 5),
        ts.Float(1e-5, 1e-1, log=True),
        ts.Float(0, 1, step=0.1),
        ts.Int(1, 9, step=2),
        ts.Int(1, 1000, log=True),
        ts.Categorical(["relu", None, True, 1, 1.5, (1, 2), [3], {"k": "v"}]),
    ],
)
def test_distributions_survive_json(distribution):
    again = distribution_from_json(distribution_to_json(distribution))
    assert again == distribution
    if isinstance(distribution, ts.Categorical):
        assert [type(c) for c in again.choices] == [type(c) for c in distribution.choices]


def test_a_changed_range_of_the_same_kind_is_compatible():
    check_compatible("x", ts.Float(0, 10), ts.Float(2, 3))
    check_compatible("n", ts.Int(1, 100, log=True), ts.Int(10, 20, log=True))


@pytest.mark.parametrize(
    ("previous", "new"),
    [
        (ts.Float(0, 1), ts.Int(0, 1)),
        (ts.Float(0.1, 1), ts.Float(0.1, 1, log=True)),
        (ts.Int(1, 5), ts.Categorical([1, 2, 3, 4, 5])),
        (ts.Categorical(["a", "b"]), ts.Categorical(["a", "b", "c"])),
    ],
)
def test_a_changed_kind_is_an_error_naming_both(previous, new):
    with pytest.raises(ts.IncompatibleParameterError) as info:
        check_compatible("p", previous, new)
    assert repr(previous) in str(info.value) and repr(new) in str(info.value)


def test_choice_keys_differ_by_type():
    keys = {choice_key(v) for v in (1, 1.0, True, "1", None, (1,), [1])}
    assert len(keys) == 7
