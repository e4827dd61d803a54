"""The HTML report of a study: one self-contained file that opens offline.

``write_report(study, "report.html")`` (or ``tunesmith report --storage URL --study NAME
-o report.html``) embeds the study's payload (:mod:`tunesmith.analysis.payload`), the page's
own script and Plotly's (from the ``plotly`` package, ``pip install 'tunesmith[plot]'``): no
network is needed to open it. The dashboard serves the same page and script.

Example:
    >>> import os, tempfile, tunesmith as ts
    >>> study = ts.create_study(seed=0, sampler="random", study_name="r")
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=5)
    >>> path = write_report(study, os.path.join(tempfile.mkdtemp(), "r.html"))
    >>> "<script src=" in open(path).read()  # every script is inlined
    False
"""

from __future__ import annotations

import html
import json
import os
from importlib import resources
from pathlib import Path
from typing import Any

import tunesmith as ts
from tunesmith.analysis.payload import study_payload
from tunesmith.errors import require_module


def asset(name: str) -> str:
    """The text of one of the page's own files (page.html, app.js, app.css)."""
    return (resources.files("tunesmith.report") / "assets" / name).read_text(encoding="utf-8")


def plotly_js() -> str:
    """Plotly's JavaScript bundle, as the ``plotly`` package ships it."""
    plotly: Any = require_module("plotly", "plot", "the HTML report")
    bundle = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    return bundle.read_text(encoding="utf-8")


def _inline(code: str) -> str:
    """A script's text made safe inside <script>...</script>."""
    return code.replace("</script", "<\\/script")


def page(title: str, scripts: str) -> str:
    """The page with its styles and script, and ``scripts`` in its head."""
    return (
        asset("page.html")
        .replace("__CSS__", asset("app.css"))
        .replace("__SCRIPTS__", scripts)
        .replace("__APP__", _inline(asset("app.js")))
        .replace("__TITLE__", html.escape(title))
    )


def render_report(study: ts.Study) -> str:
    """The report of ``study`` as one HTML document (the study is only read)."""
    data = json.dumps(study_payload(study), separators=(",", ":"), allow_nan=False)
    scripts = (
        f"<script>{_inline(plotly_js())}</script>\n"
        f"<script>window.TUNESMITH_DATA = {_inline(data)};</script>"
    )
    return page(f"tunesmith — {study.study_name}", scripts)


def write_report(study: ts.Study, path: str | os.PathLike[str]) -> Path:
    """Write the report of ``study`` to ``path`` and return the path."""
    target = Path(path)
    if not target.parent.is_dir():
        raise ts.InvalidArgumentError(
            f"write_report: the folder {str(target.parent)!r} of {str(target)!r} does not exist"
        )
    target.write_text(render_report(study), encoding="utf-8")
    return target


__all__ = ["render_report", "write_report"]
