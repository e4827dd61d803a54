"""The shared argument checks: the rule and the value in every message."""

from __future__ import annotations

import math

import numpy as np
import pytest

import tunesmith as ts
from tunesmith.validation import (
    check_bool,
    check_choice,
    check_instance,
    check_int,
    check_number,
    check_optional_int,
    check_sequence_of,
)


def test_integers_accept_numpy_and_reject_bools_floats_and_out_of_range():
    assert check_int("n", np.int64(3), owner="f", minimum=0) == 3
    assert type(check_int("n", np.int64(3), owner="f")) is int
    for bad in (True, 2.0, "3", None):
        with pytest.raises(ts.InvalidArgumentError, match=r"f: `n` must be an integer"):
            check_int("n", bad, owner="f")
    with pytest.raises(ValueError, match=r"must be an integer >= 1 and <= 5, but got 6"):
        check_int("n", 6, owner="f", minimum=1, maximum=5)
    assert check_optional_int("n", None, owner="f", minimum=0) is None


def test_numbers_reject_nan_infinity_and_bools_and_respect_strict_minimum():
    assert check_number("x", 1, owner="f") == 1.0
    for bad in (math.nan, math.inf, True, "1.0"):
        with pytest.raises(ts.InvalidArgumentError, match="`x` must be a finite number"):
            check_number("x", bad, owner="f")
    assert check_number("x", math.inf, owner="f", finite=False) == math.inf
    with pytest.raises(ts.InvalidArgumentError, match=r"a finite number > 0, but got 0"):
        check_number("x", 0, owner="f", minimum=0, strict_minimum=True)


def test_a_truthy_string_is_not_a_boolean():
    assert check_bool("log", np.bool_(True), owner="Float") is True
    with pytest.raises(ts.InvalidArgumentError, match=r"`log` must be True or False, but got 'no'"):
        check_bool("log", "no", owner="Float")


def test_choices_sequences_and_instances_say_what_was_given():
    assert check_choice("kind", "a", ("a", "b"), owner="f") == "a"
    with pytest.raises(ts.InvalidArgumentError, match=r"one of 'a', 'b', but got 'c'"):
        check_choice("kind", "c", ("a", "b"), owner="f")
    with pytest.raises(ts.InvalidArgumentError, match=r"list or tuple of exception"):
        check_sequence_of("catch", "ValueError", lambda x: True, "exception classes", owner="f")
    with pytest.raises(ts.InvalidArgumentError, match=r"sampler=RandomSampler\(\)"):
        check_instance("sampler", ts.RandomSampler, "sample", owner="create_study", kind="sampler")
    with pytest.raises(ts.InvalidArgumentError, match=r"an object with a sample\(\) method"):
        check_instance("sampler", 3, "sample", owner="create_study", kind="sampler")
