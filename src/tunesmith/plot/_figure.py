"""The figure every plot returns: matplotlib's, with a ``show()`` that works without
pyplot (imported only once matplotlib is known to be there)."""

from __future__ import annotations

import importlib
import sys
from typing import Any

import matplotlib
import matplotlib.figure

#: Backends that draw to files or memory only: there, ``show()`` has nowhere to show.
OFF_SCREEN = {"agg", "cairo", "pdf", "pgf", "ps", "svg", "template"}


class Figure(matplotlib.figure.Figure):
    """A matplotlib figure whose ``show()`` shows it where it can be shown: in a notebook,
    or in a window with an interactive matplotlib backend. With an off-screen backend
    (``Agg``, as on a server) it does nothing, as Plotly's ``fig.show()`` does without a
    display. ``savefig`` writes it to a file."""

    def show(self, warn: bool = True) -> None:
        shell: Any = getattr(sys.modules.get("IPython"), "get_ipython", lambda: None)()
        if shell is not None and getattr(shell, "kernel", None) is not None:
            importlib.import_module("IPython.display").display(self)
            return
        if matplotlib.get_backend().lower() in OFF_SCREEN:
            return
        import matplotlib.pyplot as plt

        # matplotlib's recipe for showing a figure made without pyplot: take over the
        # window (manager) of a new pyplot figure
        manager: Any = plt.figure().canvas.manager
        manager.canvas.figure = self
        self.set_canvas(manager.canvas)
        manager.show()
