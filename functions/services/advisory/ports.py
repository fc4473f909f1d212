"""What the advisory use cases need from storage (adapters/firestore/advisory.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from functions.domain.advisory.record import AdvisorySelection, SeatState


class AdvisoryStore(Protocol):
    """Advisory selections inside a unit of work."""

    def get(self, selection_id: str) -> AdvisorySelection | None: ...
    def standing(self, selection_id: str) -> dict[str, SeatState] | None: ...  # states alone
    def add(self, record: AdvisorySelection) -> None: ...  # the commit fails if it exists
    def save(self, record: AdvisorySelection) -> None: ...  # read in this unit; unchanged since
