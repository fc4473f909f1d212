"""The suppression list in Firestore, keyed by a hash of each address (no address is stored)."""

from __future__ import annotations

from datetime import datetime

from functions.adapters.firestore.base import SUPPRESSIONS, FirestoreAdapter, storage_errors
from functions.domain.mail.suppression import SuppressionReason
from functions.domain.shared.contact import address_key


class FirestoreSuppressionList(FirestoreAdapter):
    def add(self, address: str | None, reason: SuppressionReason, now: datetime,
            key: str | None = None) -> None:  # fmt: skip
        """Suppress an address (or its key, when only the key is known) for a reason."""
        key = key or address_key(address or "")
        ref = self._db.collection(SUPPRESSIONS).document(key)
        with storage_errors():
            ref.set({"reasons": {reason.value: now}, "updated_at": now}, merge=True, **self._t)
