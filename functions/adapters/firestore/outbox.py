"""The mail outbox in Firestore (the suppression list it reads is kept by suppressions.py).

A delivery costs one read (the message and its recipient's suppression entry, fetched
together) and two writes (the claim, then the outcome); a parent's acknowledgement, one read
and one write more (its address's tally: acknowledgement_cap.py). The claim is a write
conditioned on the update time that was read, so of two concurrent deliveries exactly one
wins. Recording that a message was sent waits out a longer outage than other calls: losing
it sends again.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from functions.adapters.firestore.acknowledgement_cap import AcknowledgementTallies
from functions.adapters.firestore.base import (
    OUTBOX,
    QUERY_SHAPES,
    SUPPRESSIONS,
    FirestoreAdapter,
    call_options,
    query,
    storage_errors,
    valid_id,
)
from functions.domain.mail.outbox import DeliveryState, OutboxMessage
from functions.domain.shared.contact import address_key
from functions.services.ports import FailedMessage, LoadedMessage, StuckMessage


class FirestoreOutbox(AcknowledgementTallies, FirestoreAdapter):
    def __init__(self, client, timeout: float = 10.0, after_send_timeout: float | None = None,
                 admin_client=None):  # fmt: skip
        super().__init__(client, timeout, admin_client)
        self._after_send = call_options(after_send_timeout or timeout)

    def _ref(self, message_id: str):
        return self._db.collection(OUTBOX).document(message_id)

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
        from pydantic import ValidationError

        try:
            message = OutboxMessage.model_validate(snapshot.to_dict())
        except ValidationError:
            return LoadedMessage(None, set(), snapshot.update_time)
        key = address_key(message.to)
        suppression = found.get(f"{SUPPRESSIONS}/{key}")
        if suppression is None:
            with storage_errors():
                suppression = self._db.collection(SUPPRESSIONS).document(key).get(**self._t)
        reasons = (
            set((suppression.to_dict() or {}).get("reasons", {})) if suppression.exists else set()
        )
        return LoadedMessage(message, reasons, snapshot.update_time)

    def update_if_unchanged(
        self, message_id: str, version, fields: dict, after_send: bool = False
    ) -> Any | None:
        """Apply fields only if nobody wrote the message since `version`; the new version.

        `after_send`: the outcome of a send that happened, retried for longer.
        """
        from google.api_core.exceptions import FailedPrecondition

        option = self._db.write_option(last_update_time=version)
        options = self._after_send if after_send else self._t
        try:
            with storage_errors():
                result = self._ref(message_id).update(fields, option=option, **options)
        except FailedPrecondition:
            return None
        return result.update_time

    def list_stuck(self, now: datetime, pending_grace: timedelta, limit: int) -> list[StuckMessage]:
        """Pending longer than the grace (its task was lost?), or sending past its lease.

        Read field by field, so that one record the model cannot read does not stop the sweep.
        """
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
        return [_stuck(doc) for doc in found]

    def record_dispatch(self, message_id: str, dispatches: int, now: datetime) -> bool:
        """Count a re-enqueue, which names its task; `updated_at` restarts the pending grace.
        False: the message is gone (a person's erasure deleted it since it was listed)."""
        from google.api_core.exceptions import NotFound

        try:
            with storage_errors():
                self._ref(message_id).update({"dispatches": dispatches, "updated_at": now},
                                             **self._t)  # fmt: skip
        except NotFound:
            return False
        return True

    # For the administrators' home (functions/services/admin/home.py): mail that failed.
    def count_failed(self) -> int:
        """How many messages failed for good (a count aggregation: one read per thousand)."""
        failed = query(self._db.collection(OUTBOX), OUTBOX, {"state": DeliveryState.FAILED})
        with storage_errors():
            result = failed.count(alias="n").get(**self._t)
        return int(result[0][0].value) if result and result[0] else 0

    def newest_failed(self, limit: int) -> list[FailedMessage]:
        """The latest failures, newest first, read without the address (a projection)."""
        from google.cloud.firestore_v1 import Query

        QUERY_SHAPES.add((OUTBOX, ("state",), ("updated_at",)))  # state ==, updated_at desc
        failed = query(self._db.collection(OUTBOX), OUTBOX, {"state": DeliveryState.FAILED})
        failed = failed.order_by("updated_at", direction=Query.DESCENDING).limit(limit)
        fields = ["template", "updated_at", "last_error", "case_reference", "data.recipient_role"]
        with storage_errors():
            docs = list(failed.select(fields).stream(**self._t))
        return [_failed(doc) for doc in docs]


def _failed(snapshot) -> FailedMessage:
    data = snapshot.to_dict() or {}
    role = (data.get("data") or {}).get("recipient_role")
    return FailedMessage(
        template=str(data.get("template") or ""), at=data.get("updated_at"),
        last_error=data.get("last_error"), case_reference=data.get("case_reference"),
        recipient_role=role if isinstance(role, str) else None,
    )  # fmt: skip


def _stuck(snapshot) -> StuckMessage:
    data = snapshot.to_dict() or {}
    to, dispatches = data.get("to"), data.get("dispatches")
    return StuckMessage(
        message_id=snapshot.id,
        recipient_key=address_key(to) if isinstance(to, str) else None,
        dispatches=dispatches if isinstance(dispatches, int) else 0,
        version=snapshot.update_time,
    )
