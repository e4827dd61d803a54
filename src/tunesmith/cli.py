"""The ``tunesmith`` command: workers started by hand or by a cluster scheduler, and a look
at the studies in a storage.

    tunesmith worker --storage URL --study NAME --objective module:function --n-trials N
    tunesmith studies --storage URL
    tunesmith best --storage URL --study NAME

Every worker runs the same loop against the storage, so starting the same ``worker``
command on many machines (with a PostgreSQL storage) runs one study on all of them.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

import tunesmith as ts


def load_objective(spec: str) -> Callable[[ts.Trial], Any]:
    """``module:function`` or ``path/to/file.py:function``, imported."""
    module_name, sep, function_name = spec.rpartition(":")
    if not sep or not module_name or not function_name:
        raise ts.InvalidArgumentError(
            f"--objective must look like 'module:function' or 'file.py:function', but got {spec!r}"
        )
    if module_name.endswith(".py"):
        if not os.path.isfile(module_name):
            raise ts.InvalidArgumentError(f"--objective: no file {module_name!r}")
        location = importlib.util.spec_from_file_location("tunesmith_objective", module_name)
        assert location is not None and location.loader is not None
        module = importlib.util.module_from_spec(location)
        location.loader.exec_module(module)
    else:
        sys.path.insert(0, os.getcwd())
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            raise ts.InvalidArgumentError(
                f"--objective: cannot import {module_name!r}: {exc}"
            ) from exc
    objective = getattr(module, function_name, None)
    if not callable(objective):
        raise ts.InvalidArgumentError(
            f"--objective: {module_name!r} has no function {function_name!r}"
        )
    return objective  # type: ignore[no-any-return]


def _worker(args: argparse.Namespace) -> int:
    objective = load_objective(args.objective)
    study = ts.create_study(
        storage=args.storage,
        study_name=args.study,
        load_if_exists=True,
        direction=args.direction,
        sampler=args.sampler,
        pruner=args.pruner,
    )
    study.optimize(
        objective,
        n_trials=args.n_trials,
        timeout=args.timeout,
        n_jobs=args.n_jobs,
        trial_timeout=args.trial_timeout,
        progress_bar=args.progress,
    )
    print(f"{study.study_name}: {len(study.trials)} trials; best value {_best(study)}")
    return 0


def _best(study: ts.Study) -> str:
    try:
        return f"{study.best_value:.6g} with {study.best_params}"
    except ts.NoCompletedTrialError:
        return "none yet"


def _studies(args: argparse.Namespace) -> int:
    summaries = ts.list_studies(args.storage)
    if not summaries:
        print("no studies")
    for summary in summaries:
        best = "-" if summary.best_value is None else f"{summary.best_value:.6g}"
        print(
            f"{summary.study_name}\t{summary.direction.value}\t{summary.n_trials} trials\t"
            f"best {best}\tstarted {summary.datetime_start:%Y-%m-%d %H:%M}"
        )
    return 0


def _show_best(args: argparse.Namespace) -> int:
    study = ts.load_study(study_name=args.study, storage=args.storage)
    trial = study.best_trial
    print(f"trial {trial.number}: value {trial.value:.6g}")
    for name, value in trial.params.items():
        print(f"  {name} = {value!r}")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tunesmith", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    worker = commands.add_parser("worker", help="run trials of a study")
    worker.add_argument("--storage", required=True, help="sqlite:///file.db or postgresql://...")
    worker.add_argument("--study", required=True, help="study name (created if missing)")
    worker.add_argument("--objective", required=True, help="module:function or file.py:function")
    worker.add_argument("--n-trials", type=int, default=None, help="trials this worker runs")
    worker.add_argument("--timeout", type=float, default=None, help="seconds to keep going")
    worker.add_argument("--n-jobs", type=int, default=1, help="worker processes")
    worker.add_argument("--trial-timeout", type=float, default=None, help="seconds per trial")
    worker.add_argument("--direction", default="minimize", choices=["minimize", "maximize"])
    worker.add_argument("--sampler", default="auto")
    worker.add_argument("--pruner", default="none")
    worker.add_argument("--progress", action="store_true", help="show a progress bar")
    worker.set_defaults(run=_worker)
    studies = commands.add_parser("studies", help="list the studies in a storage")
    studies.add_argument("--storage", required=True)
    studies.set_defaults(run=_studies)
    best = commands.add_parser("best", help="show a study's best trial")
    best.add_argument("--storage", required=True)
    best.add_argument("--study", required=True)
    best.set_defaults(run=_show_best)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    if args.command == "worker" and args.n_trials is None and args.timeout is None:
        print("tunesmith worker: give --n-trials or --timeout", file=sys.stderr)
        return 2
    try:
        status: int = args.run(args)
    except ts.TunesmithError as exc:
        print(f"tunesmith {args.command}: {exc}", file=sys.stderr)
        return 2
    return status


if __name__ == "__main__":
    sys.exit(main())
