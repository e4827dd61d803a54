"""The report and the dashboard on a 10,000-trial study, beside optuna-dashboard.

    bench/.venv/bin/python bench/dashboard.py [--trials 10000] [--out bench/out/dashboard]

One study of ``--trials`` trials (10 parameters: log-scaled and linear floats, ints, a log
int, two categoricals; 3% FAIL; 5 intermediate values each) is written twice with the
very same parameters and values: to a tunesmith SQLite file and to an Optuna SQLite file
(both through their ``add_trials``). Then, one after another, on an otherwise idle
server and a fresh headless Chromium page each time:

- ``tunesmith report``: the time of the command and the size of the file, and the time
  until the report, opened from disk, has drawn its optimization history;
- ``tunesmith dashboard``: the time until the page has drawn the study's history;
- ``optuna-dashboard`` (0.21) on the Optuna file: the time until its study page has drawn
  its history chart.

Each page load is timed from ``page.goto`` to the history's SVG, three times (the median
is shown); screenshots go to ``--out``.
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np
import optuna

import tunesmith as ts

CHROMIUM = os.environ.get("TUNESMITH_CHROMIUM", "/usr/bin/chromium")
BIN = Path(sys.executable).parent
OPTIMIZERS = ["adam", "sgd", "rmsprop"]
BATCHES = [32, 64, 128, 256]


def space(lib):
    if lib == "ts":
        f, i, c = ts.Float, ts.Int, ts.Categorical
    else:
        d = optuna.distributions
        f, i, c = d.FloatDistribution, d.IntDistribution, d.CategoricalDistribution
    return {
        "lr": f(1e-5, 1.0, log=True),
        "weight_decay": f(1e-6, 1e-1, log=True),
        "dropout": f(0.0, 0.5),
        "momentum": f(0.0, 0.99),
        "layers": i(1, 8),
        "units": i(16, 1024, log=True),
        "warmup": i(0, 10),
        "batch": c(BATCHES),
        "optimizer": c(OPTIMIZERS),
        "label_smoothing": f(0.0, 0.2),
    }


def trials(n, seed=0):
    """(params, state, value, intermediate values) for n trials, drawn at random."""
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(n):
        p = {
            "lr": float(10 ** rng.uniform(-5, 0)),
            "weight_decay": float(10 ** rng.uniform(-6, -1)),
            "dropout": float(rng.uniform(0, 0.5)),
            "momentum": float(rng.uniform(0, 0.99)),
            "layers": int(rng.integers(1, 9)),
            "units": round(2 ** rng.uniform(4, 10)),
            "warmup": int(rng.integers(0, 11)),
            "batch": BATCHES[rng.integers(4)],
            "optimizer": OPTIMIZERS[rng.integers(3)],
            "label_smoothing": float(rng.uniform(0, 0.2)),
        }
        loss = (
            (math.log10(p["lr"]) + 2.5) ** 2 / 4
            + 0.3 * abs(p["layers"] - 4) / 4
            + 0.2 * (p["optimizer"] == "sgd")
            + p["dropout"] * 0.5
            + float(rng.normal(0, 0.05))
        )
        failed = rng.uniform() < 0.03
        curve = {step: loss + 1.0 / (step + 1) for step in range(5)}
        rows.append((p, "FAIL" if failed else "COMPLETE", None if failed else loss, curve))
    return rows


def build(n, folder):
    rows = trials(n)
    ts_url = f"sqlite:///{folder / 'tunesmith.db'}"
    ours = ts.create_study(storage=ts_url, study_name="big")
    ts_space = space("ts")
    ours.add_trials(
        [
            ts.create_trial(
                state=ts.TrialState[state], value=value, params=p, distributions=ts_space,
                intermediate_values=curve,
            )
            for p, state, value, curve in rows
        ]
    )  # fmt: skip
    optuna_url = f"sqlite:///{folder / 'optuna.db'}"
    theirs = optuna.create_study(storage=optuna_url, study_name="big")
    o_space = space("optuna")
    theirs.add_trials(
        [
            optuna.trial.create_trial(
                state=optuna.trial.TrialState[state], value=value, params=p,
                distributions=o_space, intermediate_values=curve,
            )
            for p, state, value, curve in rows
        ]
    )  # fmt: skip
    return ts_url, optuna_url


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(url, process, seconds=120):
    deadline = time.time() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=60).read()
            return
        except OSError:
            if time.time() > deadline or process.poll() is not None:
                raise RuntimeError(f"{url} did not come up") from None
            time.sleep(0.3)


# The page shows the study's data: our page calls Plotly only once the data is there, so
# the history's SVG means it is drawn with its trials; optuna-dashboard draws empty chart
# frames first and fills them when the study's data arrives, with its "Best Trial
# (number=...)" card, which is what is waited for there.
OURS = "() => document.querySelector('#history .main-svg') !== null"
OPTUNAS = "() => document.body.innerText.includes('Best Trial (number=')"


def load_times(browser, url, ready, shot, repeats=3):
    times = []
    for attempt in range(repeats):
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        errors = []
        page.on("pageerror", lambda error, errors=errors: errors.append(str(error)))
        start = time.perf_counter()
        page.goto(url, timeout=180_000)
        page.wait_for_function(ready, timeout=180_000)
        times.append(time.perf_counter() - start)
        if attempt == 0:
            time.sleep(2)  # let the rest of the page finish drawing for the picture
            try:
                page.screenshot(path=shot, full_page=True, timeout=120_000)
            except Exception as exc:  # a page too busy to be photographed still counts
                print(f"  no screenshot of {url}: {type(exc).__name__}")
        page.close()
        if errors:
            print(f"  page errors at {url}: {errors[:3]}")
    print(f"  {url}: {', '.join(f'{t:.1f}' for t in times)} s", flush=True)
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=10_000)
    parser.add_argument("--out", default="bench/out/dashboard")
    parser.add_argument("--folder", default=None,
                        help="keep the two databases here; reuse them if there")  # fmt: skip
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    folder = Path(args.folder) if args.folder else Path(tempfile.mkdtemp(prefix="dash-"))
    folder.mkdir(parents=True, exist_ok=True)
    if (folder / "optuna.db").exists() and (folder / "tunesmith.db").exists():
        ts_url, optuna_url = (
            f"sqlite:///{folder / 'tunesmith.db'}",
            f"sqlite:///{folder / 'optuna.db'}",
        )
        print(f"reusing the studies in {folder}")
    else:
        start = time.perf_counter()
        ts_url, optuna_url = build(args.trials, folder)
        print(f"built {args.trials} trials in both storages in {time.perf_counter() - start:.0f} s")

    report = out / "report.html"
    start, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        [BIN / "tunesmith", "report", "--storage", ts_url, "--study", "big", "-o", report],
        check=True, capture_output=True,
    )  # fmt: skip
    report_seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    size = report.stat().st_size / 1e6
    print(f"tunesmith report: {report_seconds:.1f} s wall, {cpu:.1f} s CPU, {size:.1f} MB")

    from playwright.sync_api import sync_playwright

    results = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"], headless=True
        )
        results["tunesmith report (file)"] = load_times(
            browser, report.resolve().as_uri(), OURS, out / "report.png"
        )
        port = free_port()
        server = subprocess.Popen(
            [BIN / "tunesmith", "dashboard", "--storage", ts_url, "--port", str(port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            wait_http(f"http://127.0.0.1:{port}/api/studies", server)
            results["tunesmith dashboard"] = load_times(
                browser, f"http://127.0.0.1:{port}/?study=big", OURS,
                out / "tunesmith-dashboard.png",
            )  # fmt: skip
        finally:
            server.terminate()
            server.wait(timeout=30)
        port = free_port()
        server = subprocess.Popen(
            [BIN / "optuna-dashboard", optuna_url, "--port", str(port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            wait_http(f"http://127.0.0.1:{port}/api/studies", server)
            results["optuna-dashboard"] = load_times(
                browser, f"http://127.0.0.1:{port}/dashboard/studies/1",
                OPTUNAS, out / "optuna-dashboard.png",
            )  # fmt: skip
        finally:
            server.terminate()
            server.wait(timeout=30)
        browser.close()

    print(f"\n{args.trials} trials, 10 parameters; seconds from page.goto to the history drawn")
    print("(3 loads, fresh page each):\n")
    print("| page | median | min | max |\n|---|---|---|---|")
    for name, times in results.items():
        print(f"| {name} | {statistics.median(times):.1f} | {min(times):.1f} | {max(times):.1f} |")


if __name__ == "__main__":
    main()
