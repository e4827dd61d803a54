"""The ``tunesmith`` command: look at studies, run workers, ask and tell by hand.

Every subcommand takes ``--storage URL`` (default: ``sqlite:///tunesmith.db``, the file
``tunesmith.db`` in the current folder) and most take ``--study NAME``. Errors print one
line and exit with status 2; nothing here prints a traceback for a mistake.

    tunesmith studies                                   list the studies
    tunesmith best --study NAME                         the best trial
    tunesmith trials --study NAME [--format table|csv|json]
    tunesmith importance --study NAME [--evaluator fanova|sklearn|ped-anova]
    tunesmith export --study NAME --format csv|json [-o FILE]
    tunesmith report --study NAME [-o report.html]      one self-contained HTML file
    tunesmith dashboard [--host 127.0.0.1 --port 8080]  a live page of every study
    tunesmith create-study --study NAME [--direction maximize]
    tunesmith delete-study --study NAME                 (also: delete)
    tunesmith ask --study NAME [--space JSON]           start a trial, print it as JSON
    tunesmith tell --study NAME --trial N --value V     finish it
    tunesmith worker --study NAME --objective module:function --n-trials N

Starting the same ``worker`` command on many machines (with a PostgreSQL storage) runs
one study on all of them.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import io
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlsplit

import tunesmith as ts
from tunesmith.cli_objective import load_objective

DEFAULT_STORAGE = "sqlite:///tunesmith.db"

EXAMPLES = """examples:
  tunesmith studies --storage sqlite:///runs.db    what runs.db holds
  tunesmith best --storage sqlite:///runs.db --study svm
  tunesmith trials --study svm --format csv > trials.csv
  tunesmith importance --study svm                 which parameters matter
  tunesmith report --study svm -o svm.html         one HTML file, opens offline
  tunesmith dashboard                              a live page on http://127.0.0.1:8080/
  tunesmith worker --study svm --objective train.py:objective --n-trials 50

Run 'tunesmith COMMAND --help' for a command's options. Errors print one line and exit
with status 2."""


def _existing_storage(url: str) -> str:
    """The URL, after checking that a SQLite file to read from exists (reading must not
    create an empty database under a mistyped name)."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite" and parts.path.startswith("/") and len(parts.path) > 1:
        import os

        path = parts.path[1:]
        if not os.path.isfile(path):
            raise ts.StorageError(
                f"no SQLite database at {path!r} (from --storage {url!r}); give the URL of "
                "an existing one, e.g. --storage sqlite:///runs.db"
            )
    return url


def _load(args: argparse.Namespace) -> ts.Study:
    return ts.load_study(study_name=args.study, storage=_existing_storage(args.storage))


def _studies(args: argparse.Namespace) -> int:
    summaries = ts.list_studies(_existing_storage(args.storage))
    if not summaries:
        print("no studies")
    for summary in summaries:
        best = "-" if summary.best_value is None else f"{summary.best_value:.6g}"
        directions = ",".join(direction.value for direction in summary.directions)
        print(
            f"{summary.study_name}\t{directions}\t{summary.n_trials} trials\t"
            f"best {best}\tstarted {summary.datetime_start:%Y-%m-%d %H:%M}"
        )
    return 0


def _show_best(args: argparse.Namespace) -> int:
    study = _load(args)
    if len(study.directions) == 1:
        trial = study.best_trial
        print(f"trial {trial.number}: value {trial.value:.6g}")
        for name, value in trial.params.items():
            print(f"  {name} = {value!r}")
        return 0
    # several objectives: no one best trial, but the Pareto front
    front = sorted(study.best_trials, key=lambda t: t.number)
    directions = ", ".join(direction.value for direction in study.directions)
    if not front:
        raise ts.NoCompletedTrialError(
            f"study {study.study_name!r} has no COMPLETE (and feasible) trial yet"
        )
    print(f"{len(front)} trials on the Pareto front of {study.study_name!r} ({directions}):")
    for trial in front:
        shown = ", ".join(f"{v:.6g}" for v in trial.values or ())
        params = ", ".join(f"{name}={value!r}" for name, value in trial.params.items())
        print(f"trial {trial.number}: values {shown}  {params}")
    return 0


def _when(seconds: float | None) -> str | None:
    """A time as ISO 8601 in UTC, to the millisecond."""
    if seconds is None:
        return None
    moment = datetime.datetime.fromtimestamp(seconds, tz=datetime.timezone.utc)
    return moment.isoformat(timespec="milliseconds")


def _rows(study: ts.Study) -> tuple[list[str], list[list[Any]]]:
    """One row per trial: number, state, the value (``values_0``, ``values_1``, ... for
    several objectives, as ``to_dataframe``), start and end (ISO 8601, UTC), duration in
    seconds, the parameters (empty where a trial lacks one), and why a trial failed."""
    trials = study.trials
    names: dict[str, None] = {}
    for trial in trials:
        names.update(dict.fromkeys(trial.params))
    n = len(study.directions)
    value_names = ["value"] if n == 1 else [f"values_{i}" for i in range(n)]
    header = ["number", "state", *value_names, "started_at", "finished_at", "duration",
              *names, "reason"]  # fmt: skip
    rows = []
    for t in trials:
        values = [t.value] if n == 1 else list(t.values or [None] * n)
        rows.append(
            [t.number, t.state.name, *values, _when(_started(t)), _when(t.finished_at),
             t.duration, *(t.params.get(name) for name in names), t.reason]
        )  # fmt: skip
    return header, rows


def _started(trial: ts.FrozenTrial) -> float | None:
    return None if trial.state is ts.TrialState.WAITING else trial.started_at


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return f"{value:.6g}" if isinstance(value, float) else str(value)


def _render(header: list[str], rows: list[list[Any]], form: str) -> str:
    if form == "json":
        return json.dumps([dict(zip(header, row, strict=True)) for row in rows], indent=1)
    if form == "table":  # aligned columns, numbers to 6 significant digits
        cells = [header, *([_cell(v) for v in row] for row in rows)]
        widths = [max(len(line[i]) for line in cells) for i in range(len(header))]
        return "".join(
            "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() + "\n"
            for line in cells
        )
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="," if form == "csv" else "\t", lineterminator="\n")
    writer.writerow(header)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return buffer.getvalue()


def _trials(args: argparse.Namespace) -> int:
    header, rows = _rows(_load(args))
    sys.stdout.write(_render(header, rows, args.format))
    return 0


def _export(args: argparse.Namespace) -> int:
    header, rows = _rows(_load(args))
    text = _render(header, rows, args.format)
    if args.output in (None, "-"):
        sys.stdout.write(text)
    else:
        with open(args.output, "w", encoding="utf-8") as file:
            file.write(text)
        print(f"wrote {len(rows)} trials to {args.output}")
    return 0


_EVALUATORS: dict[str, Callable[[], ts.ImportanceEvaluator]] = {
    "fanova": ts.FanovaEvaluator,
    "sklearn": ts.SklearnFanovaEvaluator,
    "ped-anova": ts.PedAnovaEvaluator,
}


def _importance(args: argparse.Namespace) -> int:
    evaluator = _EVALUATORS[args.evaluator]()
    study = _load(args)
    objective = args.objective
    if objective is None and len(study.directions) > 1:
        raise ts.InvalidArgumentError(
            f"study {study.study_name!r} has {len(study.directions)} objectives; say which "
            f"one to explain with --objective 0 to {len(study.directions) - 1}"
        )
    shares = ts.importance(
        study, evaluator=evaluator, top_fraction=args.top_fraction, objective=objective
    )
    for name, share in shares.items():
        print(f"{name}\t{share:.4f}")
    return 0


def _report(args: argparse.Namespace) -> int:
    from tunesmith.report import write_report

    path = write_report(_load(args), args.output)
    print(f"report written to {path.resolve()}")
    return 0


def _dashboard(args: argparse.Namespace) -> int:
    from tunesmith.dashboard import serve

    serve(_existing_storage(args.storage), host=args.host, port=args.port)
    return 0


def _exists(storage: str, name: str) -> bool:
    return name in [summary.study_name for summary in ts.list_studies(storage)]


def _create(args: argparse.Namespace) -> int:
    asked = _directions(args)
    if args.skip_if_exists and not asked and _exists(args.storage, args.study):
        print(args.study)
        return 0
    study = ts.create_study(
        storage=args.storage,
        study_name=args.study,
        direction=args.direction,
        directions=args.directions,
        load_if_exists=args.skip_if_exists,
    )
    print(study.study_name)
    return 0


def _delete(args: argparse.Namespace) -> int:
    ts.delete_study(study_name=args.study, storage=_existing_storage(args.storage))
    print(f"deleted study {args.study!r}")
    return 0


def _space(text: str | None) -> dict[str, ts.Distribution] | None:
    """A space from JSON: {"x": {"low": 0, "high": 1, "log": false}, "n": {"low": 1,
    "high": 9, "type": "int"}, "act": {"choices": ["relu", "tanh"]}}."""
    if text is None:
        return None
    try:
        spec = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ts.InvalidArgumentError(f"--space must be JSON, but {exc}") from None
    if not isinstance(spec, dict) or not all(isinstance(v, dict) for v in spec.values()):
        raise ts.InvalidArgumentError(
            '--space must map names to {"low": .., "high": ..} or {"choices": [..]}, '
            f"but got {text!r}"
        )
    space: dict[str, ts.Distribution] = {}
    for name, item in spec.items():
        options = {k: v for k, v in item.items() if k != "type"}
        if "choices" in item:
            space[name] = ts.Categorical(item["choices"])
        elif item.get("type") == "int":
            space[name] = ts.Int(**options)
        else:
            space[name] = ts.Float(**options)
    return space


def _ask(args: argparse.Namespace) -> int:
    study = ts.load_study(
        study_name=args.study, storage=_existing_storage(args.storage), sampler=args.sampler
    )
    trial = study.ask(_space(args.space))  # its parameters are stored as it starts
    print(json.dumps({"number": trial.number, "params": trial.params}))
    return 0


def _tell(args: argparse.Namespace) -> int:
    study = _load(args)
    n = len(study.directions)
    given = args.value
    if given is not None and len(given) != n:
        raise ts.InvalidArgumentError(
            f"study {study.study_name!r} has {n} objective(s), so --value takes {n} "
            f"number(s), but got {len(given)}: {' '.join(map(str, given))}"
        )
    value = None if given is None else given[0] if n == 1 else tuple(given)
    recorded = study.tell(args.trial, value, state=args.state)
    shown = recorded.value if n == 1 else recorded.values
    print(f"trial {recorded.number}: {recorded.state.name} value {shown}")
    return 0


def _worker(args: argparse.Namespace) -> int:
    if args.n_trials is None and args.timeout is None:
        raise ts.InvalidArgumentError("give --n-trials or --timeout")
    objective = load_objective(args.objective)
    if not _directions(args) and _exists(args.storage, args.study):
        # an existing study keeps its directions: nothing to repeat
        study = ts.load_study(
            study_name=args.study, storage=args.storage, sampler=args.sampler, pruner=args.pruner
        )
    else:
        study = ts.create_study(
            storage=args.storage,
            study_name=args.study,
            load_if_exists=True,
            direction=args.direction,
            directions=args.directions,
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
    if len(study.directions) > 1:
        best = f"{len(study.best_trials)} trials on the Pareto front"
    else:
        try:
            best = f"best value {study.best_value:.6g} with {study.best_params}"
        except ts.NoCompletedTrialError:
            best = "best value none yet"
    print(f"{study.study_name}: {len(study.trials)} trials; {best}")
    return 0


def _command(
    commands: Any,
    name: str,
    help: str,
    run: Any,
    *,
    study: bool = True,
    aliases: Sequence[str] = (),
) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = commands.add_parser(
        name, help=help, description=help, aliases=list(aliases)
    )
    parser.add_argument(
        "--storage",
        default=DEFAULT_STORAGE,
        help=f"where the studies are: sqlite:///file.db or postgresql://... "
        f"(default: {DEFAULT_STORAGE}, in the current folder)",
    )
    if study:
        parser.add_argument("--study", required=True, help="the study's name")
    parser.set_defaults(run=run, command=name)
    return parser


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tunesmith",
        description="Look at tunesmith studies, and run them from the shell. A study (a "
        "search for good hyperparameters, with its trials) lives in a storage: by default "
        "the SQLite file tunesmith.db in the current folder, or the one --storage names.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(metavar="COMMAND", required=True)
    _command(commands, "studies", "list the studies in a storage", _studies, study=False)
    _command(commands, "best", "show a study's best trial", _show_best)
    trials = _command(commands, "trials", "print a study's trials", _trials)
    trials.add_argument("--format", choices=["table", "csv", "json"], default="table")
    imp = _command(commands, "importance", "rank the parameters by importance", _importance)
    imp.add_argument("--evaluator", choices=list(_EVALUATORS), default="fanova")
    imp.add_argument("--top-fraction", type=float, default=None,
                     help="explain what matters among the best trials (e.g. 0.1)")  # fmt: skip
    imp.add_argument("--objective", type=int, default=None,
                     help="for a study of several objectives: which one (0, 1, ...)")  # fmt: skip
    export = _command(commands, "export", "write a study's trials as CSV or JSON", _export)
    export.add_argument("--format", choices=["csv", "json"], default="csv")
    export.add_argument("-o", "--output", default=None, help="file to write (default: stdout)")
    report = _command(commands, "report", "write a self-contained HTML report", _report)
    report.add_argument("-o", "--output", default="report.html", help="default: report.html")
    dash = _command(commands, "dashboard", "serve a live page of the studies", _dashboard,
                    study=False)  # fmt: skip
    dash.add_argument("--host", default="127.0.0.1", help="default: 127.0.0.1 (this machine)")
    dash.add_argument("--port", type=int, default=8080, help="default: 8080")
    create = _command(commands, "create-study", "create an empty study", _create)
    _direction_options(create, "default: minimize")
    create.add_argument("--skip-if-exists", action="store_true", help="no error if it exists")
    _command(commands, "delete-study", "delete a study and its trials", _delete,
             aliases=["delete"])  # fmt: skip
    ask = _command(commands, "ask", "start a trial and print its number and parameters", _ask)
    ask.add_argument("--space", default=None,
                     help='parameters as JSON, e.g. \'{"x": {"low": 0, "high": 1}, '
                     '"act": {"choices": ["relu", "tanh"]}}\'')  # fmt: skip
    ask.add_argument("--sampler", default="auto")
    tell = _command(commands, "tell", "finish a trial started with ask", _tell)
    tell.add_argument("--trial", type=int, required=True, help="the trial's number")
    tell.add_argument("--value", type=float, nargs="+", default=None,
                      help="the value (one per objective: --value 0.12 0.93)")  # fmt: skip
    tell.add_argument("--state", choices=["complete", "pruned", "fail"], default=None)
    worker = _command(commands, "worker", "run trials of a study", _worker)
    worker.add_argument("--objective", required=True, help="module:function or file.py:function")
    worker.add_argument("--n-trials", type=int, default=None, help="trials this worker runs")
    worker.add_argument("--timeout", type=float, default=None, help="seconds to keep going")
    worker.add_argument("--n-jobs", type=int, default=1, help="worker processes")
    worker.add_argument("--trial-timeout", type=float, default=None, help="seconds per trial")
    _direction_options(worker, "for a new study (default: minimize); an existing one keeps its own")
    worker.add_argument("--sampler", default="auto")
    worker.add_argument("--pruner", default="none")
    worker.add_argument("--progress", action="store_true", help="show a progress bar")
    return parser


def _direction_options(command: argparse.ArgumentParser, default: str) -> None:
    goals = ["minimize", "maximize"]
    command.add_argument("--direction", choices=goals, default=None, help=default)
    command.add_argument(
        "--directions",
        choices=goals,
        nargs="+",
        default=None,
        metavar="DIRECTION",
        help="several objectives, e.g. --directions minimize maximize",
    )


def _directions(args: argparse.Namespace) -> bool:
    """Whether the command was given directions (one way, not both)."""
    if args.direction is not None and args.directions is not None:
        raise ts.InvalidArgumentError("give --direction or --directions, not both")
    return args.direction is not None or args.directions is not None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        status: int = args.run(args)
    except ts.TunesmithError as exc:
        print(f"tunesmith {args.command}: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        where = f" {exc.filename!r}" if exc.filename else ""
        print(f"tunesmith {args.command}: {exc.strerror or exc}{where}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"tunesmith {args.command}: interrupted", file=sys.stderr)
        return 130
    return status


if __name__ == "__main__":
    sys.exit(main())
