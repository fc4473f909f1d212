"""Each centre's charter distribution record in Firestore (domain/charters/records.py).

charters/<centre id>: one CharterRecord, its region beside it so that a region's records are
one query (a single equality: no composite index).
"""

from __future__ import annotations

from functions.adapters.firestore.base import (
    CHARTERS,
    FirestoreAdapter,
    dump,
    query,
    storage_errors,
    valid_id,
)
from functions.domain.charters.records import CharterRecord

MAX_LISTED = 5_000  # the network has a few hundred centres; a bound all the same


def _record(data: dict | None) -> CharterRecord | None:
    return CharterRecord.model_validate(data) if data else None


class CharterStore:
    """Charter records inside a unit of work: read, then save (created or replaced on what
    was read: another writer since refuses the commit, and the work runs again)."""

    def __init__(self, unit):
        self._unit = unit

    def _ref(self, centre_id: str):
        return self._unit._db.collection(CHARTERS).document(centre_id)

    def get(self, centre_id: str) -> CharterRecord | None:
        if not isinstance(centre_id, str) or not valid_id(centre_id):
            return None
        return _record(self._unit.read(self._ref(centre_id)))

    def save(self, record: CharterRecord) -> None:
        """The record read in this unit (or read as absent), changed."""
        self._unit.update(self._ref(record.centre_id), dump(record))


class FirestoreCharterRecords(FirestoreAdapter):
    """Reading charter records outside a unit of work (distribution, the admin pages)."""

    def charter_record(self, centre_id: str) -> CharterRecord | None:
        if not isinstance(centre_id, str) or not valid_id(centre_id):
            return None
        with storage_errors():
            snapshot = self._db.collection(CHARTERS).document(centre_id).get(**self._t)
        return _record(snapshot.to_dict() if snapshot.exists else None)

    def charter_records(self, region_id: str | None = None) -> list[CharterRecord]:
        """The region's records (None: the whole network's), by centre id."""
        collection = self._db.collection(CHARTERS)
        found = (query(collection, CHARTERS, {"region_id": region_id})
                 if region_id is not None else collection)  # fmt: skip
        with storage_errors():
            docs = list(found.limit(MAX_LISTED).stream(**self._t))
        records = [CharterRecord.model_validate(doc.to_dict()) for doc in docs]
        return sorted(records, key=lambda r: r.centre_id)
