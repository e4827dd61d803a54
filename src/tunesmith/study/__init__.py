"""Studies: the only place samplers, pruners and storages are put together."""

from tunesmith.study._factory import (
    StudySummary,
    create_study,
    delete_study,
    list_studies,
    load_study,
)
from tunesmith.study._study import Study

__all__ = ["Study", "StudySummary", "create_study", "delete_study", "list_studies", "load_study"]
