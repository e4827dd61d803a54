"""Pruners: whether a running trial should stop early."""

from tunesmith.pruners.base import BasePruner, Decision, Pruner
from tunesmith.pruners.hyperband import HyperbandPruner
from tunesmith.pruners.median import MedianPruner, PercentilePruner
from tunesmith.pruners.nop import NopPruner
from tunesmith.pruners.patient import PatientPruner
from tunesmith.pruners.successive_halving import SuccessiveHalvingPruner
from tunesmith.pruners.threshold import ThresholdPruner
from tunesmith.pruners.wilcoxon import WilcoxonPruner

__all__ = [
    "BasePruner",
    "Decision",
    "HyperbandPruner",
    "MedianPruner",
    "NopPruner",
    "PatientPruner",
    "PercentilePruner",
    "Pruner",
    "SuccessiveHalvingPruner",
    "ThresholdPruner",
    "WilcoxonPruner",
]
