"""``--objective module:function`` for ``tunesmith worker``: finding the function."""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from collections.abc import Callable
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
