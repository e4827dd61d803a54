"""Run tests/optuna_scripts/ under real Optuna and under tunesmith: the same scripts,
``import optuna`` against ``import tunesmith as optuna``, each in a fresh process.

That they run under Optuna shows they are Optuna code, not tunesmith code in disguise;
that they run under tunesmith is the migration test (tests/test_optuna_scripts.py).

Usage (from the repository root, in the bench venv: ``make -C bench setup`` makes it, with
Optuna and tunesmith installed):
    bench/.venv/bin/python bench/optuna_scripts.py [script ...]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

SCRIPTS = sorted((Path(__file__).parents[1] / "tests" / "optuna_scripts").glob("*.py"))


def as_optuna(text: str) -> str:
    """The script with the one changed import changed back."""
    lines = []
    for line in text.splitlines():
        if line == "import tunesmith as optuna":
            line = "import optuna"
        elif line.startswith("from tunesmith."):
            line = "from optuna." + line[len("from tunesmith.") :]
        lines.append(line)
    return "\n".join(lines) + "\n"


def run(source: str, name: str) -> tuple[int, float, str]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_text(source)
        start = time.perf_counter()
        done = subprocess.run(  # in the folder: frameworks write files where they run
            [sys.executable, str(path), folder],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=600,
        )
        last = (done.stderr.strip().splitlines() or [""])[-1]
        return done.returncode, time.perf_counter() - start, last


def main() -> None:
    only = set(sys.argv[1:])  # script names without .py: just those
    print("| script | Optuna | s | tunesmith | s |\n|---|---|---|---|---|")
    for script in SCRIPTS:
        if only and script.stem not in only:
            continue
        text = script.read_text()
        cells = []
        for source in (as_optuna(text), text):
            code, seconds, last = run(source, script.name)
            cells += ["ok" if code == 0 else f"exit {code}: {last[:60]}", f"{seconds:.1f}"]
        print(f"| {script.stem} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
