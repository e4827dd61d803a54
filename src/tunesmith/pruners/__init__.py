"""Pruners: whether a running trial should stop early."""

from tunesmith.pruners.base import BasePruner, Decision, Pruner
from tunesmith.pruners.hyperband import HyperbandPruner
from tunesmith.pruners.median import MedianPruner
from tunesmith.pruners.nop import NopPruner
from tunesmith.pruners.successive_halving import SuccessiveHalvingPruner

__all__ = [
    "BasePruner",
    "Decision",
    "HyperbandPruner",
    "MedianPruner",
    "NopPruner",
    "Pruner",
    "SuccessiveHalvingPruner",
]
