"""What the use cases need from storage, as protocols the adapters implement."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple, Protocol

if TYPE_CHECKING:
    from functions.domain.cases.google_forms import FormMapping
    from functions.domain.cases.models import Case, CaseEvent
    from functions.domain.directory.models import Centre, Region
    from functions.domain.mail.email import OutgoingEmail
    from functions.domain.mail.outbox import OutboxMessage


Clock = Callable[[], datetime]


class IdempotencyMarker(NamedTuple):
    """Guards an intake against redelivery; written in the same commit as the case."""

    key: str  # already hashed: never the raw key
    reference: str
    fingerprint: str | None
    created_at: datetime
    expires_at: datetime  # Firestore's TTL policy deletes the marker after this


class CentreDirectory(Protocol):
    def get_centre(self, centre_id: str) -> Centre | None: ...
    def get_region(self, region_id: str) -> Region | None: ...
    def list_centres(self) -> list[Centre]: ...
    def list_regions(self) -> list[Region]: ...


class CaseRepository(Protocol):
    def add(self, case: Case, event: CaseEvent, marker: IdempotencyMarker | None,
            messages: tuple[OutboxMessage, ...] = ()) -> None:  # fmt: skip
        """Commit case, first event, marker and outbox messages atomically.

        Raises DuplicateSubmission when the marker exists, ReferenceTaken on a reference clash.
        """

    def append_event(self, reference: str, event: CaseEvent) -> None: ...
    def get(self, reference: str) -> Case | None: ...
    def find_by_token_hash(self, token_hash: str) -> Case | None: ...
    def list_events(self, reference: str) -> list[CaseEvent]: ...


class FormMappingStore(Protocol):
    def get(self, form_id: str) -> FormMapping | None: ...
    def save(self, mapping: FormMapping) -> None: ...


class MailTransport(Protocol):
    def send(self, email: OutgoingEmail) -> str:
        """Hand the email to the provider; return its message id.

        Raises TransientDeliveryError (try again later) or PermanentDeliveryError (never).
        """


class DeliveryQueue(Protocol):
    def enqueue_delivery(self, message_id: str, recipient_key: str, dispatch: int) -> None:
        """Queue one delivery attempt; a repeat of the same (message, dispatch) is a no-op.

        Raises QueueUnavailable when the queue cannot take it now.
        """
