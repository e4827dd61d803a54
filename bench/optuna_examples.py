"""Run Optuna's own example scripts (the optuna-examples repository on GitHub) with only the
import changed: ``import optuna`` becomes ``import tunesmith as optuna`` and
``from optuna.x import y`` becomes ``from tunesmith.x import y``. Nothing else is edited.

The scripts are not part of this repository: give the folder of a checkout of theirs.
Each one runs in a fresh Python process, in an empty temporary folder (some write a
database where they run), with matplotlib drawing off screen (``MPLBACKEND=Agg``).
Scripts that need a framework tunesmith does not cover, a service, or a download are
listed in ``NOT_RUN`` with the reason, and reported without being run; a script the
lists do not know (added to the repository since) is run as well.

Usage (from the repository root, in the bench venv, which has Optuna for comparison):
    bench/.venv/bin/python bench/optuna_examples.py CHECKOUT            # tunesmith only
    bench/.venv/bin/python bench/optuna_examples.py CHECKOUT --optuna   # both, side by side
    bench/.venv/bin/python bench/optuna_examples.py CHECKOUT basic/pruning.py ...
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Why a script is not run; every other script (and notebook) of the checkout is.
NOT_RUN = {
    "aim/aim_integration.py": "Aim (experiment tracker) integration",
    "basic/artifact_store.py": "optuna.artifacts (artifact store): not in tunesmith",
    "comet/comet_integration.py": "Comet integration",
    "dashboard/hitl/main.py": "Optuna Dashboard (human in the loop)",
    "dashboard/opentelemetry/main.py": "Optuna Dashboard and OpenTelemetry",
    "dashboard/preferential-optimization-picture/generator.py": "Optuna Dashboard",
    "dashboard/preferential-optimization/generator.py": "Optuna Dashboard",
    "dashboard/run_server_simple.py": "Optuna Dashboard",
    "dashboard/streamlit_plugin/rgb_evaluator.py": "Optuna Dashboard's Streamlit plugin",
    "dashboard/streamlit_plugin/rgb_generator.py": "Optuna Dashboard's Streamlit plugin",
    "dask_ml/dask_ml_simple.py": "dask-ml is not installed here",
    "fastai/fastai_simple.py": "fastai integration, downloads its data",
    "haiku/haiku_simple.py": "JAX/Haiku, downloads MNIST",
    "hiplot/plot_study.ipynb": "HiPlot, downloads its data",
    "hydra/simple.py": "Hydra's Optuna sweeper plugin",
    "keras/keras_integration.py": "Keras integration, downloads MNIST",
    "keras/keras_simple.py": "Keras, downloads MNIST",
    "kubernetes/simple/sklearn_distributed.py": "needs the Kubernetes PostgreSQL service",
    "lightgbm/lightgbm_tuner_cv.py": "LightGBMTuner (optuna_integration)",
    "lightgbm/lightgbm_tuner_simple.py": "LightGBMTuner (optuna_integration)",
    "multi_objective/botorch_simple.py": "BoTorchSampler (optuna_integration, BoTorch)",
    "multi_objective/pytorch_simple.py": "PyTorch, downloads Fashion-MNIST",
    "openml/openml_simple.py": "downloads its data from OpenML",
    "pytorch/catalyst_simple.py": "Catalyst integration, downloads MNIST",
    "pytorch/pytorch_checkpoint.py": "PyTorch, downloads Fashion-MNIST",
    "pytorch/pytorch_distributed_simple.py": "PyTorch distributed, downloads Fashion-MNIST",
    "pytorch/pytorch_distributed_spawn.py": "PyTorch distributed, downloads Fashion-MNIST",
    "pytorch/pytorch_ignite_simple.py": "PyTorch Ignite integration, downloads MNIST",
    "pytorch/pytorch_lightning_ddp.py": "PyTorch Lightning integration, downloads MNIST",
    "pytorch/pytorch_lightning_simple.py": "PyTorch Lightning integration, downloads MNIST",
    "pytorch/pytorch_simple.py": "PyTorch, downloads Fashion-MNIST",
    "pytorch/skorch_simple.py": "skorch integration, downloads MNIST",
    "rapids/rapids_simple.py": "RAPIDS (a GPU)",
    "ray/ray_joblib.py": "Ray is not installed here",
    "rl/sb3_simple.py": "Stable-Baselines3 and Gym",
    "spark/ask_and_tell_spark.py": "PySpark is not installed here",
    "tensorboard/tensorboard_simple.py": "TensorFlow/TensorBoard integration",
    "tensorflow/tensorflow_eager_simple.py": "TensorFlow, downloads MNIST",
    "tensorflow/tensorflow_estimator_integration.py": "TensorFlow integration",
    "tensorflow/tensorflow_estimator_simple.py": "TensorFlow, downloads MNIST",
    "tfkeras/tfkeras_integration.py": "tf.keras integration, downloads MNIST",
    "tfkeras/tfkeras_simple.py": "tf.keras, downloads MNIST",
    "transformers/transformers_simple.py": "Hugging Face Transformers, downloads a model",
    "visualization/plot_study.ipynb": "downloads Fashion-MNIST from OpenML",
    "visualization/plot_study.py": "downloads Fashion-MNIST from OpenML",
}

_IMPORT = re.compile(r"^(\s*)import optuna\s*$")
_FROM = re.compile(r"^(\s*)from optuna(\.[\w.]+)? import ")


def swap_import(text: str, to: str = "tunesmith") -> str:
    """The script with Optuna's import changed to ``to``'s, and nothing else."""
    if to == "optuna":
        return text
    lines = []
    for line in text.splitlines():
        line = _IMPORT.sub(rf"\1import {to} as optuna", line)
        line = _FROM.sub(lambda m: f"{m.group(1)}from {to}{m.group(2) or ''} import ", line)
        lines.append(line)
    return "\n".join(lines) + "\n"


def notebook_source(path: Path) -> str:
    """A notebook's code cells as one script (shell lines such as ``!pip`` left out)."""
    cells = json.loads(path.read_text())["cells"]
    code = []
    for cell in cells:
        if cell["cell_type"] == "code":
            source = "".join(cell["source"])
            kept = [ln for ln in source.splitlines() if not ln.lstrip().startswith(("!", "%"))]
            code.append("\n".join(kept))
    return "\n\n".join(code) + "\n"


def examples(checkout: Path) -> list[str]:
    found = [*checkout.rglob("*.py"), *checkout.rglob("*.ipynb")]
    names = sorted(str(p.relative_to(checkout)) for p in found)
    return [n for n in names if not any(part.startswith(".") for part in Path(n).parts)]


def run(source: str, timeout: float) -> tuple[str, float]:
    """'ok' or why not, and the seconds it took."""
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "example.py"
        script.write_text(source)
        env = {**os.environ, "MPLBACKEND": "Agg"}
        start = time.perf_counter()
        try:
            done = subprocess.run(
                [sys.executable, str(script)],
                cwd=folder,
                env=env,
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            return f"timed out after {timeout:.0f} s", time.perf_counter() - start
        seconds = time.perf_counter() - start
        if done.returncode == 0:
            return "ok", seconds
        lines = [ln for ln in done.stderr.strip().splitlines() if ln.strip()]
        return f"exit {done.returncode}: {lines[-1][:150] if lines else ''}", seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("checkout", type=Path, help="a checkout of optuna-examples")
    parser.add_argument("only", nargs="*", help="run just these examples (paths as listed)")
    parser.add_argument("--optuna", action="store_true", help="also run them under Optuna")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per run")
    args = parser.parse_args()
    libraries = ["optuna", "tunesmith"] if args.optuna else ["tunesmith"]
    header = " | ".join(f"{lib} | s" for lib in libraries)
    print(f"| example | {header} |\n|---|" + "---|---|" * len(libraries), flush=True)
    counts = dict.fromkeys(libraries, 0)
    ran = 0
    for name in examples(args.checkout):
        if args.only and name not in args.only:
            continue
        if name in NOT_RUN:
            print(
                f"| {name} | "
                + " | ".join(f"not run: {NOT_RUN[name]} | –" for _ in libraries)
                + " |"
            )
            continue
        path = args.checkout / name
        text = notebook_source(path) if name.endswith(".ipynb") else path.read_text()
        ran += 1
        cells = []
        for library in libraries:
            outcome, seconds = run(swap_import(text, library), args.timeout)
            counts[library] += outcome == "ok"
            cells += [outcome.replace("|", "/"), f"{seconds:.0f}"]
        print(f"| {name} | " + " | ".join(cells) + " |", flush=True)
    print("\n" + ", ".join(f"{lib}: {n} of {ran} run" for lib, n in counts.items()))


if __name__ == "__main__":
    main()
