"""``optuna.integration.PyTorchLightningPruningCallback``: report a logged validation
metric of a Lightning ``Trainer`` after each validation run, and prune.

Lightning wants its callbacks derived from its ``Callback``, so the class is made, with
Lightning imported (``lightning.pytorch``, or the older ``pytorch_lightning``), when the
name is first used. One process only: under a distributed strategy (DDP) the callback
is an error that says so.
"""

from __future__ import annotations

import warnings
from typing import Any

from tunesmith.errors import InvalidArgumentError, MissingDependencyError
from tunesmith.integration._pruning import report_or_prune

_OWNER = "PyTorchLightningPruningCallback"


def _lightning() -> Any:
    import importlib

    for name in ("lightning.pytorch", "pytorch_lightning"):
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    raise MissingDependencyError(
        f"{_OWNER} needs Lightning, which is not installed; install it with: pip install lightning"
    )


def _make_class() -> type:
    pl: Any = _lightning()

    callback: Any = pl.Callback

    class PyTorchLightningPruningCallback(callback):  # type: ignore[misc]
        """Pass it in ``Trainer(callbacks=[...])``: after each validation run (not the
        sanity check) it reports ``trainer.callback_metrics[monitor]`` (what the module
        logged with ``self.log(monitor, ...)``) at the current epoch, and raises
        :class:`tunesmith.TrialPruned` when the study's pruner says to stop. A metric
        that was not logged is skipped with a warning, as in Optuna."""

        def __init__(self, trial: Any, monitor: str) -> None:
            super().__init__()
            self.trial = trial
            self.monitor = monitor

        def on_fit_start(self, trainer: Any, pl_module: Any) -> None:
            if getattr(trainer, "world_size", 1) > 1:
                raise InvalidArgumentError(
                    f"{_OWNER}: the trainer runs {trainer.world_size} processes; pruning "
                    "from a distributed strategy is not supported here: train in one "
                    "process, or report from rank 0 with trial.report and stop the "
                    "trainer yourself"
                )

        def on_validation_end(self, trainer: Any, pl_module: Any) -> None:
            if trainer.sanity_checking:
                return
            score = trainer.callback_metrics.get(self.monitor)
            if score is None:
                warnings.warn(
                    f"{_OWNER}: no metric {self.monitor!r} was logged "
                    f"(logged: {sorted(trainer.callback_metrics)}); nothing reported",
                    UserWarning,
                    stacklevel=2,
                )
                return
            value = score.item() if hasattr(score, "item") else float(score)
            report_or_prune(self.trial, value, pl_module.current_epoch)

    PyTorchLightningPruningCallback.__module__ = __name__
    PyTorchLightningPruningCallback.__qualname__ = _OWNER
    return PyTorchLightningPruningCallback


def __getattr__(name: str) -> Any:
    if name == _OWNER:
        made = _make_class()
        globals()[name] = made
        return made
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
