"""Looking at a study: what the plots, the report, the dashboard and the command line
share. Everything here reads a study through its public API and writes nothing."""

from tunesmith.analysis.parameter_importance import importance

__all__ = ["importance"]
