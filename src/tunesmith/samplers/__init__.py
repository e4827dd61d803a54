"""Samplers: which parameters a trial gets."""

from tunesmith.samplers.base import FiniteSampler, Sampler, Suggestion
from tunesmith.samplers.grid import GridSampler
from tunesmith.samplers.qmc import QMCSampler
from tunesmith.samplers.random import RandomSampler

__all__ = ["FiniteSampler", "GridSampler", "QMCSampler", "RandomSampler", "Sampler", "Suggestion"]
