"""A live web page of the studies in a storage (``pip install 'tunesmith[dashboard]'``).

``tunesmith dashboard --storage URL`` serves, on 127.0.0.1 unless told otherwise, the
report's page (:mod:`tunesmith.report`) fed by a small JSON API that the page polls every
two seconds, so new trials appear without a reload:

    GET /                       the page (``?study=NAME`` picks a study)
    GET /api/studies            [{name, directions, n_trials, best_value}]
    GET /api/study/NAME         the study's payload (:mod:`tunesmith.analysis.payload`)
    GET /assets/plotly.min.js   Plotly's bundle, from the plotly package

Nothing else is served (no file from disk but these), and the storage is only read.
Built on Starlette (the ASGI toolkit) and served by uvicorn.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from typing import Any

import tunesmith as ts
from tunesmith.analysis.payload import study_payload
from tunesmith.errors import require_module
from tunesmith.report import page, plotly_js

POLL_SECONDS = 2.0
#: Importance is recomputed at most this often per study (it costs up to a second).
IMPORTANCE_SECONDS = 10.0


class _Studies:
    """Loaded studies by name, kept so that each poll reads only what is new."""

    def __init__(self, storage: str) -> None:
        self.storage = storage
        self._studies: dict[str, ts.Study] = {}
        self._importance: dict[str, tuple[float, int, Any]] = {}
        self._lock = threading.Lock()

    def _study(self, name: str) -> ts.Study:
        """The study, loaded once: later reads of it fetch only what is new."""
        study = self._studies.get(name)
        if study is None:
            study = self._studies[name] = ts.load_study(study_name=name, storage=self.storage)
        return study

    def summaries(self) -> list[dict[str, Any]]:
        with self._lock:
            listed = []
            for name in ts.get_all_study_names(self.storage):
                study = self._study(name)
                best = None
                if len(study.directions) == 1:
                    with contextlib.suppress(ts.NoCompletedTrialError):
                        best = study.best_value
                listed.append(
                    {
                        "name": name,
                        "directions": [direction.value for direction in study.directions],
                        "n_trials": len(study.trials),
                        "best_value": best,
                    }
                )
            return listed

    def payload(self, name: str) -> dict[str, Any]:
        with self._lock:
            study = self._study(name)
            n_trials = len(study.trials)
            cached = self._importance.get(name)
            stale = cached is None or (
                cached[1] != n_trials and time.time() - cached[0] > IMPORTANCE_SECONDS
            )
            data = study_payload(study, with_importance=stale)
            if stale:
                self._importance[name] = (
                    time.time(),
                    n_trials,
                    (data["importance"], data["contour"]),
                )
            elif cached is not None:
                data["importance"], data["contour"] = cached[2]
            return data


def make_app(storage: str) -> Any:
    """The Starlette application serving ``storage``'s studies."""
    require_module("starlette", "dashboard", "the dashboard")
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import HTMLResponse, JSONResponse, Response
    from starlette.routing import Route

    studies = _Studies(storage)
    live = json.dumps(
        {"studies": "/api/studies", "study": "/api/study/", "interval": POLL_SECONDS * 1000}
    )
    html = page("tunesmith dashboard", '<script src="/assets/plotly.min.js"></script>\n'
                f"<script>window.TUNESMITH_LIVE = {live};</script>")  # fmt: skip
    bundle = plotly_js()

    async def index(request: Request) -> Response:
        return HTMLResponse(html)

    async def plotly(request: Request) -> Response:
        return Response(bundle, media_type="application/javascript")

    async def list_studies(request: Request) -> Response:
        return JSONResponse(studies.summaries())

    async def one_study(request: Request) -> Response:
        name = request.path_params["name"]
        try:
            return JSONResponse(studies.payload(name))
        except ts.StudyNotFoundError as exc:
            return JSONResponse({"error": str(exc)}, status_code=404)

    routes = [
        Route("/", index),
        Route("/assets/plotly.min.js", plotly),
        Route("/api/studies", list_studies),
        Route("/api/study/{name:path}", one_study),
    ]
    return Starlette(routes=routes)


def serve(storage: str, *, host: str = "127.0.0.1", port: int = 8080) -> None:
    """Serve the dashboard until interrupted."""
    uvicorn: Any = require_module("uvicorn", "dashboard", "the dashboard")
    ts.list_studies(storage)  # a bad URL fails here, before the server starts
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise ts.InvalidArgumentError(
                f"dashboard: cannot listen on {host}:{port} ({exc.strerror or exc}); "
                "give another --port (or --host)"
            ) from None
    print(f"tunesmith dashboard of {storage} on http://{host}:{port}/ (Ctrl-C stops it)")
    uvicorn.run(make_app(storage), host=host, port=port, log_level="warning")
