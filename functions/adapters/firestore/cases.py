"""Cases, their append-only history and the idempotency markers that guard intake."""

from __future__ import annotations

from functions.adapters.firestore.base import (
    CASES,
    EVENTS,
    INTAKE_KEYS,
    OUTBOX,
    FirestoreAdapter,
    dump,
    query,
    storage_errors,
)
from functions.domain.cases.models import Case, CaseEvent
from functions.domain.mail.outbox import OutboxMessage
from functions.services.errors import DuplicateSubmission, ReferenceTaken
from functions.services.ports import IdempotencyMarker


class FirestoreCaseRepository(FirestoreAdapter):
    """Cases, their history and the idempotency markers that guard intake."""

    def _case_ref(self, reference: str):
        return self._db.collection(CASES).document(reference)

    def add(
        self,
        case: Case,
        event: CaseEvent,
        marker: IdempotencyMarker | None,
        messages: tuple[OutboxMessage, ...] = (),
    ) -> None:
        """One commit: the case, its first event, the marker and the mail it causes."""
        from google.api_core.exceptions import Conflict

        batch = self._db.batch()
        case_ref = self._case_ref(case.reference)
        batch.create(case_ref, dump(case))
        batch.create(case_ref.collection(EVENTS).document(event.event_id), dump(event))
        if marker:
            marker_ref = self._db.collection(INTAKE_KEYS).document(marker.key)
            batch.create(marker_ref, marker._asdict())
        for message in messages:
            batch.create(self._db.collection(OUTBOX).document(message.message_id), dump(message))
        try:
            with storage_errors():
                batch.commit(**self._t)
        except Conflict:
            existing = self._find_marker(marker.key) if marker else None
            if existing:
                raise DuplicateSubmission(existing.reference, existing.fingerprint) from None
            if self.get(case.reference) == case:
                return  # our own commit landed, and its answer was lost before a retry
            raise ReferenceTaken(case.reference) from None

    def _find_marker(self, key: str) -> IdempotencyMarker | None:
        with storage_errors():
            snapshot = self._db.collection(INTAKE_KEYS).document(key).get(**self._t)
        return IdempotencyMarker(**snapshot.to_dict()) if snapshot.exists else None

    def append_event(self, reference: str, event: CaseEvent) -> None:
        """Add one line to a case's history (events are never rewritten)."""
        events = self._case_ref(reference).collection(EVENTS)
        with storage_errors():
            events.document(event.event_id).create(dump(event), **self._t)

    def get(self, reference: str) -> Case | None:
        with storage_errors():
            snapshot = self._case_ref(reference).get(**self._t)
        return Case.model_validate(snapshot.to_dict()) if snapshot.exists else None

    def find_by_token_hash(self, token_hash: str) -> Case | None:
        by_token = query(self._db.collection(CASES), CASES, {"status_token_hash": token_hash})
        with storage_errors():
            docs = list(by_token.limit(1).stream(**self._t))
        return Case.model_validate(docs[0].to_dict()) if docs else None

    def list_events(self, reference: str) -> list[CaseEvent]:
        events = self._case_ref(reference).collection(EVENTS)
        with storage_errors():
            docs = list(query(events, EVENTS, {}, ("at",)).stream(**self._t))
        return [CaseEvent.model_validate(d.to_dict()) for d in docs]
