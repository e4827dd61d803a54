"""Scripts written the way Optuna's examples and tutorials are, with only ``import tunesmith
as optuna`` instead of ``import optuna`` (issue 16), each run as a user runs it: a fresh
Python process, a small budget, exit status 0 (each script asserts its own outcome)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

# Scripts named after an optional framework run where it is installed.
_FRAMEWORKS = {
    "cmaes": "cmaes",
    "lightgbm": "lightgbm",
    "xgboost": "xgboost",
    "catboost": "catboost",
    "pytorch_lightning": "lightning",
}
SCRIPTS = sorted((Path(__file__).parent / "optuna_scripts").glob("*.py"))


def test_the_scripts_only_import_tunesmith_as_optuna():
    for script in SCRIPTS:
        text = script.read_text()
        assert "import tunesmith as optuna" in text, script.name
        assert "import optuna" not in text.replace("import tunesmith as optuna", ""), script.name


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.stem)
def test_an_optuna_style_script_runs_unchanged(script, tmp_path):
    pytest.importorskip("sklearn")
    for prefix, module in _FRAMEWORKS.items():
        if script.stem.startswith(prefix):  # an optional dependency's script
            pytest.importorskip(module)
    done = subprocess.run(
        [sys.executable, str(script), str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=280,
    )
    assert done.returncode == 0, done.stdout + done.stderr
