"""Bad input is rejected at the call, with the rule and the value (issue 10)."""

from __future__ import annotations

from pathlib import Path

import pytest

import tunesmith as ts


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sampler": ts.RandomSampler}, r"call it to make one: sampler=RandomSampler\(\)"),
        ({"pruner": ts.MedianPruner}, r"call it to make one: pruner=MedianPruner\(\)"),
        ({"sampler": object()}, "sampler"),
        ({"load_if_exists": "yes"}, "load_if_exists.*True or False"),
    ],
)
def test_create_study_rejects_bad_components_before_touching_the_storage(
    tmp_path: Path, kwargs: dict[str, object], message: str
) -> None:
    url = f"sqlite:///{tmp_path / 'runs.db'}"
    with pytest.raises(ts.InvalidArgumentError, match=message):
        ts.create_study(storage=url, **kwargs)  # type: ignore[arg-type]
    assert not (tmp_path / "runs.db").exists()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("durabel=1", "unknown option 'durabel'"),
        ("durable=maybe", "durable must be 1 or 0"),
        ("timeout=soon", "timeout must be a number"),
        ("timeout=-1", "timeout"),
    ],
)
def test_sqlite_url_options_are_checked(tmp_path: Path, query: str, message: str) -> None:
    with pytest.raises(ts.InvalidArgumentError, match=message):
        ts.create_study(storage=f"sqlite:///{tmp_path / 'runs.db'}?{query}")


def test_sqlite_url_options_that_exist_are_used(tmp_path: Path) -> None:
    study = ts.create_study(storage=f"sqlite:///{tmp_path / 'runs.db'}?durable=1&timeout=5")
    assert study.storage.durable is True  # type: ignore[attr-defined]
    assert study.storage.timeout == 5.0  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: ts.Float(0.1, 1.0, log="no"), "log.*True or False"),
        (lambda: ts.Int(1, 10, log="yes"), "log.*True or False"),
        (lambda: ts.Float(-1e308, 1e308), "overflows"),
        (lambda: ts.Int(0, 2**64), "2\\*\\*53"),
        (lambda: ts.Int(-(2**70), 0), "2\\*\\*53"),
    ],
)
def test_spaces_reject_wrong_flags_and_ranges_beyond_a_float(make, message: str) -> None:
    with pytest.raises(ts.InvalidSpaceError, match=message):
        make()


def test_suggest_rejects_a_truthy_string_for_log() -> None:
    study = ts.create_study()
    trial = study.ask()
    with pytest.raises(ts.InvalidSpaceError, match="log"):
        trial.suggest_float("x", 0.1, 1.0, log="no")  # type: ignore[arg-type]
