"""The mail outbox and the suppression list in Firestore.

A delivery costs one read (the message and its recipient's suppression entry, fetched
together) and two writes (the claim, then the outcome). The claim is a write conditioned on
the update time that was read, so of two concurrent deliveries exactly one wins.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, NamedTuple

from functions.adapters.firestore import (
    OUTBOX,
    SUPPRESSIONS,
    FirestoreAdapter,
    dump,
    query,
    storage_errors,
    valid_id,
)
from functions.domain.outbox import DeliveryState, OutboxMessage
from functions.domain.suppression import SuppressionReason, address_key


class LoadedMessage(NamedTuple):
    message: OutboxMessage
    suppressed_for: set[str]
    version: Any  # the update time read: the claim is conditioned on it


class FirestoreOutbox(FirestoreAdapter):
    def _ref(self, message_id: str):
        return self._db.collection(OUTBOX).document(message_id)

    def add(self, message: OutboxMessage) -> None:
        with storage_errors():
            self._ref(message.message_id).create(dump(message), **self._t)

    def load(self, message_id: str, recipient_key: str | None = None) -> LoadedMessage | None:
        """The message and the reasons its recipient is suppressed.

        With the recipient's key (the task carries it: a hash, not the address) both come
        in one read; without it, or if it does not match, the entry is read separately.
        """
        if not valid_id(message_id):
            return None
        refs = [self._ref(message_id)]
        if recipient_key and valid_id(recipient_key):
            refs.append(self._db.collection(SUPPRESSIONS).document(recipient_key))
        with storage_errors():
            found = {s.reference.path: s for s in self._db.get_all(refs, **self._t)}
        snapshot = found.get(refs[0].path)
        if snapshot is None or not snapshot.exists:
            return None
        message = OutboxMessage.model_validate(snapshot.to_dict())
        key = address_key(message.to)
        suppression = found.get(f"{SUPPRESSIONS}/{key}")
        if suppression is None:
            with storage_errors():
                suppression = self._db.collection(SUPPRESSIONS).document(key).get(**self._t)
        reasons = (
            set((suppression.to_dict() or {}).get("reasons", {})) if suppression.exists else set()
        )
        return LoadedMessage(message, reasons, snapshot.update_time)

    def update_if_unchanged(self, message_id: str, version, fields: dict) -> Any | None:
        """Apply fields only if nobody wrote the message since `version`; the new version."""
        from google.api_core.exceptions import FailedPrecondition

        option = self._db.write_option(last_update_time=version)
        try:
            with storage_errors():
                result = self._ref(message_id).update(fields, option=option, **self._t)
        except FailedPrecondition:
            return None
        return result.update_time

    def list_stuck(
        self, now: datetime, pending_grace: timedelta, limit: int
    ) -> list[OutboxMessage]:
        """Pending longer than the grace (its task was lost?), or sending past its lease."""
        from google.cloud.firestore_v1.base_query import FieldFilter

        outbox = self._db.collection(OUTBOX)
        searches = (
            (DeliveryState.PENDING, "updated_at", now - pending_grace),
            (DeliveryState.SENDING, "lease_expires_at", now),
        )
        found = []
        for state, field, before in searches:
            stuck = query(outbox, OUTBOX, {"state": state}, (field,))
            stuck = stuck.where(filter=FieldFilter(field, "<", before)).limit(limit)
            with storage_errors():
                found += stuck.stream(**self._t)
        return [OutboxMessage.model_validate(doc.to_dict()) for doc in found]

    def record_dispatch(self, message_id: str, dispatches: int, now: datetime) -> None:
        """Count a re-enqueue, which names its task; `updated_at` restarts the pending grace."""
        with storage_errors():
            self._ref(message_id).update({"dispatches": dispatches, "updated_at": now}, **self._t)

    def get(self, message_id: str) -> OutboxMessage | None:
        with storage_errors():
            snapshot = self._ref(message_id).get(**self._t)
        return OutboxMessage.model_validate(snapshot.to_dict()) if snapshot.exists else None


class FirestoreSuppressionList(FirestoreAdapter):
    def add(self, address: str | None, reason: SuppressionReason, now: datetime,
            key: str | None = None) -> None:  # fmt: skip
        """Suppress an address (or its key, when only the key is known) for a reason."""
        key = key or address_key(address or "")
        ref = self._db.collection(SUPPRESSIONS).document(key)
        with storage_errors():
            ref.set({"reasons": {reason.value: now}, "updated_at": now}, merge=True, **self._t)

    def reasons(self, address: str) -> set[str]:
        with storage_errors():
            entry = self._db.collection(SUPPRESSIONS).document(address_key(address)).get(**self._t)
        return set((entry.to_dict() or {}).get("reasons", {})) if entry.exists else set()
