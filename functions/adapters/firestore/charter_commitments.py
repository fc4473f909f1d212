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
    storage_errors,
    valid_id,
)
from functions.domain.charters.commitments import CentreCommitments

BATCH_READ = 300  # documents a batched read asks for at once


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

    def of_centres(self, centre_ids: list[str]) -> dict[str, CentreCommitments]:
        """The commitments of these centres (those that have any), by centre id, in one
        batched read of their documents: exact wherever a centre's region has moved."""
        found: dict[str, CentreCommitments] = {}
        wanted = sorted({c for c in centre_ids if valid_id(c)})
        collection = self._db.collection(CHARTER_COMMITMENTS)
        for start in range(0, len(wanted), BATCH_READ):
            refs = [collection.document(c) for c in wanted[start : start + BATCH_READ]]
            with storage_errors():
                snapshots = list(self._db.get_all(refs, **self._t))
            for snapshot in snapshots:
                if snapshot.exists:
                    record = CentreCommitments.model_validate(snapshot.to_dict())
                    found[record.centre_id] = record
        return found
