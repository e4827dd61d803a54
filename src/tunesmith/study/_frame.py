"""Trials as a pandas DataFrame."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tunesmith.errors import require_module
from tunesmith.history import FrozenTrial

if TYPE_CHECKING:
    import pandas


def trials_to_dataframe(trials: Sequence[FrozenTrial]) -> pandas.DataFrame:
    """One row per trial; parameters as ``params_<name>``, attributes as ``user_attrs_<key>``,
    and intermediate values (if any trial reported) as a dict column ``intermediate_values``."""
    pd: Any = require_module("pandas", "pandas", "Study.to_dataframe()")
    rows = []
    reported = any(trial.intermediate_values for trial in trials)
    for trial in trials:
        row: dict[str, Any] = {
            "number": trial.number,
            "value": trial.value,
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
        row["fail_reason"] = trial.reason
        rows.append(row)
    head = ["number", "value", "state", "datetime_start", "datetime_complete", "duration"]
    frame = pd.DataFrame(rows, columns=None if rows else [*head, "fail_reason"])
    params = sorted(c for c in frame.columns if c.startswith("params_"))
    attrs = sorted(c for c in frame.columns if c.startswith("user_attrs_"))
    tail = [c for c in ("intermediate_values", "fail_reason") if c in frame.columns]
    ordered: pandas.DataFrame = frame[head + params + attrs + tail]
    return ordered
