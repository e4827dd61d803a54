"""Fits with a deadline: a worker process that is killed when a fit would overrun.

A scikit-learn ``fit`` cannot be interrupted from inside Python, and a thread cannot be
stopped, so the fits run in a long-lived child process that holds the data (sent once).
Each job goes to it through a pipe; if no answer comes by the deadline, the child is
killed and the next job goes to a spare. A killed fit costs its time, never the budget
after it.

Children are forked from the caller where the platform can (they start in milliseconds,
with the data and scikit-learn already there; a fresh interpreter takes seconds to import
scikit-learn). A forked child runs OpenMP code on one thread: a caller that has run OpenMP
code itself (a histogram gradient boosting fit, say) leaves a thread pool behind that a
forked child's OpenMP would wait on forever. BLAS threads (pthreads) are safe to use.
"""

from __future__ import annotations

import multiprocessing
import time
import traceback
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.metrics import get_scorer
from threadpoolctl import threadpool_limits


@dataclass(frozen=True)
class Job:
    """Fit ``estimator`` on each fold's training rows; score it on the fold's test rows.

    ``test`` None: fit only (the final refit). ``keep`` returns every fold's fitted model.
    ``classes`` (classification) or ``rows`` (regression) also returns the out-of-fold
    predictions: each test row's class probabilities (columns in the order of
    ``classes``) or predicted value, from the model that did not train on it; rows in no
    test part are NaN.
    """

    estimator: Any
    folds: tuple[tuple[np.ndarray, np.ndarray | None], ...]
    scoring: str
    keep: bool = False
    classes: np.ndarray | None = None
    rows: int | None = None


@dataclass(frozen=True)
class Outcome:
    scores: tuple[float, ...]
    fit_seconds: float
    models: tuple[Any, ...] = ()
    error: str | None = None
    predictions: np.ndarray | None = None

    @property
    def model(self) -> Any:
        """The first fold's fitted model (None unless the job kept its models)."""
        return self.models[0] if self.models else None


def take(data: Any, rows: np.ndarray) -> Any:
    """Rows of an array or a DataFrame, by position."""
    return data.iloc[rows] if hasattr(data, "iloc") else data[rows]


def run(job: Job, X: Any, y: Any) -> Outcome:
    """The job, here (in the worker process)."""
    scorer = get_scorer(job.scoring)
    scores: list[float] = []
    fit_seconds, kept = 0.0, []
    predictions = _empty_predictions(job, len(y))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # convergence and the like: the score tells
            for train, test in job.folds:
                model = clone(job.estimator)
                started = time.perf_counter()
                model.fit(take(X, train), take(y, train))
                fit_seconds += time.perf_counter() - started
                if test is not None:
                    scores.append(float(scorer(model, take(X, test), take(y, test))))
                    if predictions is not None:
                        predictions[test] = predict(model, take(X, test), job.classes)
                if job.keep:
                    kept.append(model)
    except Exception as exc:  # a model that fails on this data: the study goes on
        message = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        return Outcome(tuple(scores), fit_seconds, error=message)
    return Outcome(tuple(scores), fit_seconds, tuple(kept), predictions=predictions)


def _empty_predictions(job: Job, rows: int) -> np.ndarray | None:
    if job.classes is not None:
        return np.full((rows, len(job.classes)), np.nan)
    if job.rows is not None:
        return np.full(rows, np.nan)
    return None


def predict(model: Any, X: Any, classes: np.ndarray | None) -> np.ndarray:
    """``model``'s class probabilities on ``X`` with a column for each of ``classes`` (a
    class it never saw gets 0), or its predictions (``classes`` None: regression)."""
    if classes is None:
        return np.asarray(model.predict(X), dtype=float)
    probabilities = np.asarray(model.predict_proba(X), dtype=float)
    out = np.zeros((len(probabilities), len(classes)))
    out[:, np.searchsorted(classes, model.classes_)] = probabilities
    return out


def _serve(connection: Any, X: Any, y: Any, threads: int) -> None:
    # A fit's BLAS threads: as many as asked. Left alone, numpy's BLAS starts one per core
    # in every process, and small fits spend their time fighting over them. OpenMP: one
    # (see the module's docstring).
    with (
        threadpool_limits(limits=threads, user_api="blas"),
        threadpool_limits(limits=1, user_api="openmp"),
    ):
        while True:
            connection.send(run(connection.recv(), X, y))


def _context() -> Any:
    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")  # Windows: the data is sent to each child


class Worker:
    """Runs jobs on ``X, y`` in a child process, killed when a job overruns its deadline.

    A spare child is kept started, so that after a kill the next job (often the final
    refit, with little time left) does not wait for a new process to come up.
    """

    def __init__(self, X: Any, y: Any, *, threads: int = 1) -> None:
        self._context: Any = _context()
        self._arguments = (X, y, threads)
        self._children: list[_Child] = []  # [running, spare]
        self._overheads: list[float] = []  # a job's seconds beyond its fits, latest last

    @property
    def overhead(self) -> float:
        """Seconds a job takes beyond its fits (sending it, scoring, sending back), the
        median of the last few: it grows with the machine's load (the most of them is a
        large model's: pickling three forests back took 0.85 s at a load of 15)."""
        return float(np.median(self._overheads[-5:])) if self._overheads else 0.1

    @property
    def last_overhead(self) -> float:
        """The latest finished job's seconds beyond its fits."""
        return self._overheads[-1] if self._overheads else 0.1

    def run(self, job: Job, timeout: float, *, last: bool = False) -> Outcome | None:
        """The job's outcome, or None if it did not finish within ``timeout`` seconds.

        ``last``: no job follows, so no spare is started while it runs (a fork of this
        process would take the CPU from the job)."""
        if timeout <= 0:
            return None
        if not self._children:
            self._children.append(_Child.start(self._context, self._arguments))
        child = self._children[0]
        started = time.monotonic()
        try:
            child.connection.send(job)
        except (BrokenPipeError, OSError):  # the child is gone: the spare takes the job
            self._retire()
            return self.run(job, timeout, last=last)
        if len(self._children) < 2 and not last:  # while the job runs
            self._children.append(_Child.start(self._context, self._arguments))
        if child.connection.poll(timeout):
            try:
                outcome: Outcome = child.connection.recv()
                self._overheads.append(time.monotonic() - started - outcome.fit_seconds)
                return outcome
            except EOFError:  # the child died (out of memory, a crash in native code)
                self._retire()
                return Outcome((), 0.0, error="the worker process died")
        self._retire()
        return None

    def _retire(self) -> None:
        """Kill the running child; the spare runs the next job (and a new spare starts
        while it does)."""
        self._children.pop(0).kill()

    def close(self) -> None:
        """Stop the children: they are idle between jobs and hold nothing that needs
        cleaning up, so they are killed rather than waited for."""
        for child in self._children:
            child.process.kill()
        for child in self._children:  # reaped after all were signalled: they die at once
            child.process.join()
            child.connection.close()
        self._children = []


@dataclass(frozen=True)
class _Child:
    process: Any
    connection: Any

    @classmethod
    def start(cls, context: Any, arguments: tuple[Any, ...]) -> _Child:
        parent, child = context.Pipe()
        with warnings.catch_warnings():
            # Python 3.12+ warns that forking a process with threads may deadlock the child;
            # the child takes no lock another thread could hold (OpenMP aside: see above).
            warnings.simplefilter("ignore", DeprecationWarning)
            process = context.Process(target=_serve, args=(child, *arguments), daemon=True)
            process.start()
        child.close()
        return cls(process, parent)

    def kill(self) -> None:
        self.process.kill()
        self.process.join()
        self.connection.close()
