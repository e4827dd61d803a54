"""The report and the dashboard in a real headless Chromium (Debian's ``chromium``
package, which .ci/run installs), driven by Playwright: the page loads without console
errors, shows the best value, draws something, and the dashboard shows a trial that
finished after the page was opened."""

from __future__ import annotations

import io
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

import numpy as np
import pytest
from matplotlib import image

import tunesmith as ts
from tunesmith.report import write_report

CHROMIUM = os.environ.get("TUNESMITH_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def objective(trial):
    x = trial.suggest_float("x", 1e-3, 1, log=True)
    kind = trial.suggest_categorical("kind", ["a", "b"])
    if trial.number % 5 == 2:
        raise ValueError("boom")
    return x + (kind == "b")


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> Iterator[object]:
    if not shutil.which(CHROMIUM):
        pytest.fail(f"no Chromium at {CHROMIUM}: apt-get install chromium (.ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("profile")), executable_path=CHROMIUM, args=FLAGS,
            headless=True, viewport={"width": 1200, "height": 900},
        )  # fmt: skip
        yield context
        context.close()


def open_page(browser, url):
    page = browser.new_page()
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    return page, errors


def assert_drawn(page):
    shot = image.imread(io.BytesIO(page.screenshot(full_page=True)), format="png")
    assert shot.shape[0] > 1000 and np.std(shot[..., :3]) > 0.05  # not one blank colour
    assert page.locator("#history .main-svg").count() > 0  # Plotly drew the history


def test_the_report_opens_offline_and_shows_the_best_value(browser, tmp_path):
    study = ts.create_study(sampler="random", seed=0, study_name="shown")
    study.optimize(objective, n_trials=25, catch=(ValueError,))
    path = write_report(study, tmp_path / "report.html")
    page, errors = open_page(browser, path.as_uri())
    page.wait_for_selector("#history .main-svg")
    assert page.text_content("#best-value") == f"{study.best_value:.6g}"
    assert not page.is_visible("#objective")  # one objective: nothing to pick
    assert_drawn(page)
    page.locator("#slice").scroll_into_view_if_needed()
    page.wait_for_selector("#slice .main-svg")
    failed_marks = page.evaluate(
        "document.getElementById('slice').data"
        ".filter(t => t.name === 'failed').map(t => t.x.length)"
    )
    n_failed = len(study.get_trials([ts.TrialState.FAIL]))
    assert failed_marks == [n_failed, n_failed]  # in the panel of x and of kind
    page.fill("#filter", "FAIL")
    assert page.locator("#trials tbody tr").count() == len(study.get_trials([ts.TrialState.FAIL]))
    page.fill("#filter", "")
    page.click("#trials th:has-text('value')")
    first = page.text_content("#trials tbody tr:first-child td:nth-child(3)")
    assert float(first) == pytest.approx(study.best_value, rel=1e-5)
    assert errors == []


def test_a_report_of_several_objectives_shows_the_front_and_each_objective(browser, tmp_path):
    def two(trial):
        x = trial.suggest_float("x", 0, 1)
        kind = trial.suggest_categorical("kind", ["a", "b"])
        if trial.number % 9 == 4:
            raise ValueError("boom")
        return x + (kind == "b"), (1 - x) ** 2

    study = ts.create_study(directions=["minimize", "maximize"], sampler="random", seed=0)
    study.optimize(two, n_trials=30, catch=(ValueError,))
    page, errors = open_page(browser, write_report(study, tmp_path / "mo.html").as_uri())
    page.wait_for_selector("#pareto .main-svg")
    assert page.text_content("#best-value") == f"{len(study.best_trials)} on the Pareto front"
    assert page.locator("#best tr").count() == len(study.best_trials) + 1
    page.locator("#history").scroll_into_view_if_needed()  # views below are drawn when seen
    page.wait_for_selector("#history .main-svg")
    assert page.text_content("#history .g-ytitle") == "objective 0 (minimize)"
    assert page.is_visible("#objective")
    page.select_option("#objective", "1")
    page.wait_for_function(
        "document.querySelector('#history .g-ytitle').textContent === 'objective 1 (maximize)'"
    )
    assert page.locator("#trials th:has-text('values_1')").count() == 1
    assert_drawn(page)
    assert errors == []


def test_a_large_report_draws_its_views_as_they_are_seen(browser, tmp_path):
    study = ts.create_study(sampler="random", seed=0, study_name="large")
    study.optimize(lambda t: t.suggest_float("x", 0, 1) + t.suggest_int("n", 0, 9), n_trials=1100)
    page, errors = open_page(browser, write_report(study, tmp_path / "large.html").as_uri())
    page.wait_for_selector("#history .main-svg")
    assert page.locator("#timeline .main-svg").count() == 0  # far below: not drawn yet
    page.locator("#timeline").scroll_into_view_if_needed()
    page.wait_for_selector("#timeline .main-svg")
    page.locator("#parallel").scroll_into_view_if_needed()
    page.wait_for_selector("#parallel .main-svg")
    note = "The best 200 and a random 800 of the 1100 COMPLETE trials."
    assert page.text_content("#parallel-note") == note
    assert errors == []


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_dashboard_shows_a_trial_that_finished_after_it_opened(browser, tmp_path):
    url = f"sqlite:///{tmp_path / 'live.db'}"
    study = ts.create_study(storage=url, study_name="live", sampler="random", seed=0)
    study.optimize(objective, n_trials=8, catch=(ValueError,))
    events = len(study.storage.read("live"))
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "tunesmith", "dashboard", "--storage", url, "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.time() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/api/studies", timeout=1).read()
                break
            except OSError:
                assert time.time() < deadline and server.poll() is None, server.communicate()
                time.sleep(0.2)
        page, errors = open_page(browser, base + "/?study=live")
        page.wait_for_selector("#history .main-svg")
        assert page.text_content("#best-value") == f"{study.best_value:.6g}"
        assert len(study.storage.read("live")) == events  # the dashboard only reads
        study.enqueue({"x": 1e-3, "kind": "a"})  # a new best, after the page opened
        study.optimize(objective, n_trials=1)
        new_best = f"{study.best_value:.6g}"
        page.wait_for_function(
            f"document.getElementById('best-value').textContent === '{new_best}'", timeout=15000
        )
        assert page.text_content("#shown").startswith(f"{len(study.trials)} of")
        assert_drawn(page)
        two = ts.create_study(storage=url, study_name="two", sampler="random", seed=0,
                              directions=["minimize", "maximize"])  # fmt: skip
        two.optimize(lambda t: (t.suggest_float("x", 0, 1), t.suggest_float("y", 0, 1)), n_trials=6)
        listed = json.loads(urllib.request.urlopen(base + "/api/studies", timeout=5).read())
        assert [s["directions"] for s in listed] == [["minimize"], ["minimize", "maximize"]]
        other, more_errors = open_page(browser, base + "/?study=two")
        other.wait_for_selector("#pareto .main-svg")
        assert other.text_content("#best-value") == f"{len(two.best_trials)} on the Pareto front"
        errors += more_errors
        for path in ("/etc/passwd", "/assets/../../etc/passwd", "/assets/app.js"):
            with pytest.raises(urllib.error.HTTPError):
                urllib.request.urlopen(base + path, timeout=5)
        assert errors == []
    finally:
        server.terminate()
        server.wait(timeout=10)
