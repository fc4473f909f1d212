"""Advisory network selections in Firestore, inside a unit of work.

advisory_selections/<selection id>: one AdvisorySelection (domain/advisory/record.py).
"""

from __future__ import annotations

from functions.adapters.firestore.base import ADVISORY_SELECTIONS, dump, valid_id
from functions.domain.advisory.record import AdvisorySelection


class AdvisoryStore:
    def __init__(self, unit):
        self._unit = unit

    def _ref(self, selection_id: str):
        return self._unit._db.collection(ADVISORY_SELECTIONS).document(selection_id)

    def get(self, selection_id: str) -> AdvisorySelection | None:
        if not isinstance(selection_id, str) or not valid_id(selection_id):
            return None
        data = self._unit.read(self._ref(selection_id))
        return AdvisorySelection.model_validate(data) if data else None

    def add(self, record: AdvisorySelection) -> None:
        """A new selection (the commit fails if its id is taken: run twice, made once)."""
        self._unit.create(self._ref(record.selection_id), dump(record))

    def save(self, record: AdvisorySelection) -> None:
        """The selection read in this unit, changed (unchanged by anyone else since)."""
        self._unit.update(self._ref(record.selection_id), dump(record))
