"""``optuna.integration.dask.DaskStorage``: a storage that a study's copies on Dask's
workers write to (:func:`tunesmith.serve_storage`)."""

from __future__ import annotations

from typing import Any

import tunesmith as ts


def DaskStorage(  # a class in Optuna; a function that returns a storage here
    storage: Any = None, name: str | None = None, client: Any = None
) -> ts.Storage:
    """A storage for ``client.submit(study.optimize, ...)``: ``storage`` (a URL or a
    storage; by default a new in-memory one) served from this process, so the copies of
    a study that Dask sends to its workers write to this one. The workers must run on
    this machine (a ``LocalCluster``, as ``Client()`` starts); for a cluster of several
    machines, give every worker a PostgreSQL URL instead. ``name`` and ``client`` are
    accepted for Optuna's code and not needed.

    Example:
        >>> import pickle, tunesmith as optuna
        >>> study = optuna.create_study(storage=DaskStorage(), sampler="random", seed=0)
        >>> pickle.loads(pickle.dumps(study)).optimize(
        ...     lambda t: t.suggest_float("x", 0, 1), n_trials=3)
        >>> len(study.trials)
        3
    """
    if isinstance(storage, str):
        storage = ts.make_storage(storage)
    return ts.serve_storage(storage)


__all__ = ["DaskStorage"]
