"""The import layering of docs/DESIGN.md, enforced: a wrong import fails CI.

layer 0 values        errors, records, validation, interrupts, seeding, states, pareto, space,
                      events, history, encoding (each may import the ones before it),
                      stdlib and numpy
layer 1 components    samplers, pruners, storage, importance, trial: layer 0, numpy, scipy,
                      threadpoolctl (one BLAS thread for the GP's small matrices), and
                      their own package; never each other
layer 2 orchestration study: layers 0-1 and its own package
layer 3 front-ends    everything else: the public package ``tunesmith``, other front-ends,
                      ``tunesmith.validation`` (the argument checks every public function
                      shares) and ``tunesmith.errors`` (for ``require_module``)

Optional dependencies are not imports here: a module that needs one (scikit-learn for
``importance.sklearn_fanova``, matplotlib for ``plot``) loads it when it runs, through
``tunesmith.errors.require_module``, so a layer-1 module may use one without importing
it, and the package imports without it. ``test_optional_dependencies_load_lazily``
checks that ``import tunesmith`` loads none of them.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "tunesmith"
LAYER0 = [
    "errors",
    "records",
    "validation",
    "interrupts",
    "seeding",
    "states",
    "pareto",
    "space",
    "events",
    "history",
    "encoding",
]
LAYER1 = ["samplers", "pruners", "storage", "importance", "trial"]
LAYER2 = ["study"]
STDLIB = set(sys.stdlib_module_names) | {"__future__"}


def _component(module: str) -> str:
    return module.split(".")[1] if module.startswith("tunesmith.") else module


def _modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found.append((name, path))
    return found


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module == "tunesmith":
            # `from tunesmith import errors` imports the module tunesmith.errors; any other
            # name comes from the package itself
            for alias in node.names:
                module = PACKAGE / alias.name
                is_module = module.with_suffix(".py").exists() or module.is_dir()
                names.add(f"tunesmith.{alias.name}" if is_module else "tunesmith")
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _allowed(module: str, imported: str) -> bool:
    own = _component(module)
    top = imported.split(".")[0]
    if top != "tunesmith":
        third_party = {"numpy"} if own in LAYER0 else {"numpy", "scipy", "threadpoolctl"}
        return top in STDLIB or top in third_party or own not in LAYER0 + LAYER1
    target = _component(imported)
    if module == "tunesmith" or target == own:
        return True
    if own in LAYER0:
        return target in LAYER0 and LAYER0.index(target) < LAYER0.index(own)
    if own in LAYER1:
        return target in LAYER0
    if own in LAYER2:
        return target in LAYER0 + LAYER1
    # front-ends: public names only, the argument checks, and each other
    if imported in ("tunesmith", "tunesmith.validation", "tunesmith.errors"):
        return True
    return target not in LAYER0 + LAYER1 + LAYER2


@pytest.mark.parametrize(("module", "path"), _modules(), ids=lambda v: str(v))
def test_module_imports_respect_the_layers(module, path):
    wrong = sorted(name for name in _imports(path) if not _allowed(module, name))
    assert not wrong, f"{module} may not import {wrong}"


def test_optional_dependencies_load_lazily():
    import subprocess

    code = (
        "import sys, tunesmith; "
        "print(sorted({'sklearn', 'matplotlib', 'plotly', 'starlette', 'uvicorn'} & "
        "{m.split('.')[0] for m in sys.modules}))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert loaded.stdout.strip() == "[]", loaded.stdout + loaded.stderr


def test_modules_imported_from_the_package_count_as_those_modules(tmp_path):
    source = tmp_path / "module.py"
    source.write_text("from tunesmith import Study\nfrom tunesmith import interrupts, errors\n")
    assert _imports(source) == {"tunesmith", "tunesmith.interrupts", "tunesmith.errors"}
    source.write_text("from tunesmith import interrupts\n")
    assert _imports(source) == {"tunesmith.interrupts"}


def test_the_checker_rejects_what_it_should():
    assert not _allowed("tunesmith.samplers.grid", "tunesmith.storage.sqlite")
    assert not _allowed("tunesmith.space", "tunesmith.history")
    assert not _allowed("tunesmith.history", "scipy.stats")
    assert not _allowed("tunesmith.minimize", "tunesmith.study._study")
    assert not _allowed("tunesmith.storage.memory", "tunesmith.study")
    assert _allowed("tunesmith.study._factory", "tunesmith.samplers.grid")
    assert not _allowed("tunesmith.importance.fanova", "tunesmith.samplers.tpe")
    assert not _allowed("tunesmith.importance.fanova", "sklearn.ensemble")
    assert not _allowed("tunesmith.analysis", "tunesmith.importance.fanova")
    assert _allowed("tunesmith.analysis", "tunesmith.validation")


def test_no_module_reaches_into_a_studys_private_names():
    # The Study offers its own layer a small named API (start_trial, finish_trial, record,
    # ...); code elsewhere that reaches `study._something` couples to its internals.
    offenders = []
    for module, path in _modules():
        if module == "tunesmith.study._study":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "study"
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
            ):
                offenders.append(f"{module}:{node.lineno} study.{node.attr}")
    assert offenders == []
