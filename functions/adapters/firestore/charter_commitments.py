"""A centre's local commitments in Firestore (domain/charters/commitments.py).

charter_commitments/<centre id>: the centre's commitments, its region beside them. Read by
every charter built (services/charters/build.py) and written in a unit of work by the
administrators' edits (services/charters/commitments.py).
"""

from __future__ import annotations

from functions.adapters.firestore.base import (
    CHARTER_COMMITMENTS,
    FirestoreAdapter,
    dump,
    query,
    storage_errors,
    valid_id,
)
from functions.domain.charters.commitments import CentreCommitments

MAX_LISTED = 5_000  # the network has a few hundred centres; a bound all the same


class CharterCommitmentStore:
    """Commitments inside a unit of work: read, then write on what was read."""

    def __init__(self, unit):
        self._unit = unit

    def _ref(self, centre_id: str):
        return self._unit._db.collection(CHARTER_COMMITMENTS).document(centre_id)

    def get(self, centre_id: str) -> CentreCommitments | None:
        if not valid_id(centre_id):
            return None
        data = self._unit.read(self._ref(centre_id))
        return CentreCommitments.model_validate(data) if data else None

    def save(self, record: CentreCommitments) -> None:
        """The record read in this unit, changed, or new (the commit fails if another
        writer changed or created it since it was read)."""
        self._unit.update(self._ref(record.centre_id), dump(record))


class FirestoreCharterCommitments(FirestoreAdapter):
    """Reading a centre's commitments outside a unit of work (a charter, a page)."""

    def get(self, centre_id: str) -> CentreCommitments | None:
        if not valid_id(centre_id):
            return None
        with storage_errors():
            ref = self._db.collection(CHARTER_COMMITMENTS).document(centre_id)
            snapshot = ref.get(**self._t)
        return CentreCommitments.model_validate(snapshot.to_dict()) if snapshot.exists else None

    def in_region(self, region_id: str | None) -> list[CentreCommitments]:
        """The commitments of the region's centres (None: the whole network's), in one query
        (a single equality: no composite index)."""
        collection = self._db.collection(CHARTER_COMMITMENTS)
        found = (query(collection, CHARTER_COMMITMENTS, {"region_id": region_id})
                 if region_id is not None else collection)  # fmt: skip
        with storage_errors():
            docs = list(found.limit(MAX_LISTED).stream(**self._t))
        return [CentreCommitments.model_validate(doc.to_dict()) for doc in docs]
