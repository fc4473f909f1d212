"""The erasure's writes in Firestore (services/privacy/erase.py), inside a unit of work, and
the record that an erasure was done.

Inside a unit (`records(uow)`): a case and its history and a forum's rows are the retention
job's (adapters/firestore/retention.py: written on the version read, through the unit's
tallies, which add nothing since the counted fields stay); any other record found is read
by its path and deleted or rewritten whole on the version read, so a record changed
meanwhile refuses the commit and the work runs again with it as it now is.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from functions.adapters.firestore.base import PRIVACY_ERASURES, FirestoreAdapter, storage_errors
from functions.adapters.firestore.retention import RetentionStore


class FirestoreErasures(FirestoreAdapter):
    """The erasure's unit-of-work store, and its record (ErasureStore port)."""

    def records(self, uow) -> ErasureStore:
        return ErasureStore(uow)

    def record(self, erasure_id: str | None, record: dict, now: datetime) -> str:
        """Write (or, with the id of an earlier call, overwrite) the record that an erasure
        ran: when, by whom (an administrator's key), counts. Answers its id (random)."""
        erasure_id = erasure_id or secrets.token_hex(12)
        with storage_errors():
            self.collection(PRIVACY_ERASURES).document(erasure_id).set(
                record | {"erasure_id": erasure_id, "updated_at": now}, **self._t
            )
        return erasure_id


class ErasureStore(RetentionStore):
    """A case, a forum's rows (RetentionStore), and any record by its path."""

    def read(self, path: str) -> dict | None:
        return self._unit.read(self._unit.document(path))

    def delete(self, path: str) -> bool:
        """Delete the record at `path` as read in this unit (False: it is gone already)."""
        ref = self._unit.document(path)
        if self._unit.read(ref) is None:
            return False
        self._unit.delete(ref)
        return True

    def rewrite(self, path: str, doc: dict) -> None:
        """Write `doc` over the record read at `path` (fields it leaves out go)."""
        self._replace(self._unit.document(path), doc)
