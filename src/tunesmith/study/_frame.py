"""Trials as a pandas DataFrame."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tunesmith.errors import require_module
from tunesmith.history import FrozenTrial

if TYPE_CHECKING:
    import pandas


def trials_to_dataframe(trials: Sequence[FrozenTrial], objectives: int = 1) -> pandas.DataFrame:
    """One row per trial; the value as ``value`` (with several objectives, ``values_0``,
    ``values_1``, ...), parameters as ``params_<name>``, attributes as ``user_attrs_<key>``,
    intermediate values (if any trial reported) as a dict column ``intermediate_values``,
    and constraint values (if any trial has them) as a tuple column ``constraints``."""
    pd: Any = require_module("pandas", "pandas", "Study.to_dataframe()")
    rows = []
    reported = any(trial.intermediate_values for trial in trials)
    constrained = any(trial.constraints is not None for trial in trials)
    value_columns = ["value"] if objectives == 1 else [f"values_{i}" for i in range(objectives)]
    for trial in trials:
        values = trial.values if objectives > 1 else (trial.value,)
        row: dict[str, Any] = {
            "number": trial.number,
            **{
                column: None if values is None else values[i]
                for i, column in enumerate(value_columns)
            },
            "state": trial.state.name,
            "datetime_start": pd.Timestamp(trial.datetime_start),
            "datetime_complete": pd.Timestamp(trial.datetime_complete or pd.NaT),
            "duration": (
                pd.NaT if trial.duration is None else pd.Timedelta(seconds=trial.duration)
            ),
        }
        row.update({f"params_{name}": value for name, value in trial.params.items()})
        row.update({f"user_attrs_{key}": value for key, value in trial.user_attrs.items()})
        if reported:
            row["intermediate_values"] = dict(trial.intermediate_values)
        if constrained:
            row["constraints"] = trial.constraints
        row["fail_reason"] = trial.reason
        rows.append(row)
    head = ["number", *value_columns, "state", "datetime_start", "datetime_complete", "duration"]
    frame = pd.DataFrame(rows, columns=None if rows else [*head, "fail_reason"])
    params = sorted(c for c in frame.columns if c.startswith("params_"))
    attrs = sorted(c for c in frame.columns if c.startswith("user_attrs_"))
    tail = [c for c in ("intermediate_values", "constraints", "fail_reason") if c in frame.columns]
    ordered: pandas.DataFrame = frame[head + params + attrs + tail]
    return ordered
