"""``optuna.visualization.matplotlib.X``: the same functions as
:mod:`tunesmith.visualization` (tunesmith's plots are matplotlib figures already)."""

from tunesmith.visualization import *  # noqa: F403  (the same functions, by design)
from tunesmith.visualization import __all__ as __all__
