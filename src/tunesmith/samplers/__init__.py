"""Samplers: which parameters a trial gets."""

from tunesmith.samplers.auto import AutoSampler
from tunesmith.samplers.base import BaseSampler, FiniteSampler, Sampler, Suggestion
from tunesmith.samplers.bohb import BOHBSampler
from tunesmith.samplers.cma_es import CmaEsSampler
from tunesmith.samplers.genetic import GeneticSampler
from tunesmith.samplers.gp import GPSampler
from tunesmith.samplers.grid import GridSampler
from tunesmith.samplers.nsga2 import NSGAIISampler
from tunesmith.samplers.partial_fixed import BruteForceSampler, PartialFixedSampler
from tunesmith.samplers.qmc import QMCSampler
from tunesmith.samplers.random import RandomSampler
from tunesmith.samplers.tpe import TPESampler

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
    "NSGAIISampler",
    "PartialFixedSampler",
    "QMCSampler",
    "RandomSampler",
    "Sampler",
    "Suggestion",
    "TPESampler",
]
