"""Samplers: which parameters a trial gets."""

from tunesmith.samplers.auto import AutoSampler
from tunesmith.samplers.base import BaseSampler, FiniteSampler, Sampler, Suggestion
from tunesmith.samplers.bohb import BOHBSampler
from tunesmith.samplers.cma_es import CmaEsSampler
from tunesmith.samplers.genetic import GeneticSampler
from tunesmith.samplers.gp import GPSampler
from tunesmith.samplers.grid import GridSampler
from tunesmith.samplers.nsga2 import NSGAIISampler
from tunesmith.samplers.nsga3 import NSGAIIISampler
from tunesmith.samplers.partial_fixed import BruteForceSampler, PartialFixedSampler
from tunesmith.samplers.qmc import QMCSampler
from tunesmith.samplers.random import RandomSampler
from tunesmith.samplers.tpe import TPESampler

#: Optuna's MOTPESampler was its TPE for several objectives; this TPE handles them itself.
MOTPESampler = TPESampler

#: Optuna's samplers that tunesmith does not have, and what to write instead.
_NOT_HERE: dict[str, str] = {}


def __getattr__(name: str) -> object:
    if name in _NOT_HERE:
        raise AttributeError(f"tunesmith.samplers.{name}: {_NOT_HERE[name]}")
    raise AttributeError(f"module 'tunesmith.samplers' has no attribute {name!r}")


__all__ = [
    "AutoSampler",
    "BOHBSampler",
    "BaseSampler",
    "BruteForceSampler",
    "CmaEsSampler",
    "FiniteSampler",
    "GPSampler",
    "GeneticSampler",
    "GridSampler",
    "MOTPESampler",
    "NSGAIIISampler",
    "NSGAIISampler",
    "PartialFixedSampler",
    "QMCSampler",
    "RandomSampler",
    "Sampler",
    "Suggestion",
    "TPESampler",
]
