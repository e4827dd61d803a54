"""Pruners: whether a running trial should stop early."""

from tunesmith.pruners.base import Decision, Pruner
from tunesmith.pruners.nop import NopPruner

__all__ = ["Decision", "NopPruner", "Pruner"]
