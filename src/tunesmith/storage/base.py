"""The storage interface: an append-only event log per study.

A storage knows nothing about samplers, trials or replay: it keeps, per study, a
sequence of events with increasing sequence numbers, appends a batch atomically, and
reads back what came after a given sequence number. Everything else is derived by
:func:`tunesmith.history.replay`, identically for every storage.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from tunesmith.events import Event, Record
from tunesmith.states import Direction, directions_from_text, directions_to_text


@dataclass(frozen=True, slots=True)
class StudyInfo:
    """What a storage keeps about a study besides its events.

    Attributes:
        name: Unique within the storage.
        direction: MINIMIZE or MAXIMIZE (the first objective's, with several).
        seed: The study's seed: trial *k* samples with a generator derived from
            ``(seed, k)``, so a resumed study continues the same sequence.
        created_at: Seconds since the epoch.
        directions: One per objective (default: ``(direction,)``).
    """

    name: str
    direction: Direction
    seed: int
    created_at: float
    directions: tuple[Direction, ...] = ()

    def __post_init__(self) -> None:
        if not self.directions:
            object.__setattr__(self, "directions", (self.direction,))

    @property
    def stored_direction(self) -> str:
        """The directions as storages keep them, in the one ``direction`` column:
        ``"minimize"``, or ``"minimize,maximize"`` for several objectives."""
        return directions_to_text(self.directions)

    @classmethod
    def from_stored(cls, name: str, direction: str, seed: int, created_at: float) -> StudyInfo:
        """The info of a storage row (see :attr:`stored_direction`)."""
        directions = directions_from_text(direction)
        return cls(name, directions[0], int(seed), float(created_at), directions)


@runtime_checkable
class Storage(Protocol):
    """Where studies live. Every method is safe to call from several processes at once
    (for storages shared between processes)."""

    def create(self, info: StudyInfo) -> bool:
        """Create a study; False (and nothing changed) if the name is taken."""
        ...

    def info(self, study: str) -> StudyInfo | None:
        """The study's metadata, or None if there is no such study."""
        ...

    def studies(self) -> list[StudyInfo]:
        """Every study, oldest first."""
        ...

    def delete(self, study: str) -> bool:
        """Delete a study and its events; False if there was no such study."""
        ...

    def append(self, study: str, events: Sequence[Event], if_last: int | None = None) -> int:
        """Append events atomically and return the sequence number of the last one.

        The batch gets consecutive sequence numbers; raises StudyNotFoundError if the
        study does not exist. With ``if_last``, the batch is appended only if the study's
        last event is still number ``if_last`` (nobody wrote since the caller read it);
        otherwise nothing is written and the answer is -1."""
        ...

    def read(self, study: str, after: int = 0) -> list[Record]:
        """Events with sequence number greater than ``after``, in order."""
        ...
