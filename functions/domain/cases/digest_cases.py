"""A case as a digest knows it, and as a digest mail shows it.

Both digests read the same few fields of a case (a projection: never the parent's words,
which stay in the alert and on the case's page) and show each case as the same row: a
centre's digest (domain/cases/digests.py) for its members, the region's digest
(domain/cases/digest_summaries.py) for its administrator's worst overdue cases.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from pydantic import Field

from functions.domain.cases.models import Person
from functions.domain.cases.service_levels import ServiceClock
from functions.domain.mail.outbox import MessageKind, OutboxMessage, new_message_id
from functions.domain.shared.records import Record
from functions.domain.shared.vocabulary import CaseStatus, Category, Kind, StaffAction

# The actions a digest offers, by status (the links carry them all; the mail shows these).
_ACTIONS = {
    CaseStatus.RECEIVED: (StaffAction.ACKNOWLEDGE, StaffAction.RESOLVE, StaffAction.ASK_PARENT,
                          StaffAction.REASSIGN, StaffAction.ESCALATE, StaffAction.NOTE),
    CaseStatus.IN_PROGRESS: (StaffAction.RESOLVE, StaffAction.ASK_PARENT, StaffAction.REASSIGN,
                             StaffAction.ESCALATE, StaffAction.NOTE),
    CaseStatus.AWAITING_PARENT: (StaffAction.RESOLVE, StaffAction.REASSIGN,
                                 StaffAction.ESCALATE, StaffAction.NOTE),
}  # fmt: skip


class DigestCase(Record):
    """What a digest knows of a case: what its reader reads, never the parent's text."""

    reference: str
    centre_id: str | None = None
    centre_name: str = ""
    kind: Kind | None = None
    category: Category = Category.OTHER
    status: CaseStatus
    urgent: bool = False
    assignee: Person | None = None
    clock: ServiceClock = Field(default_factory=lambda: ServiceClock(stage=None))
    created_at: datetime

    @property
    def due(self) -> datetime | None:
        """The running deadline (None while the clock waits on the parent)."""
        return None if self.clock.paused_at is not None else self.clock.due

    def overdue(self, now: datetime) -> bool:
        return self.due is not None and self.due <= now

    def owned_by(self, key: str) -> bool:
        return self.assignee is not None and self.assignee.key == key


# The fields a reader fetches for a digest (a projection: the rest of a case is never read).
FIELDS = tuple(DigestCase.model_fields)


def by_urgency(cases: Iterable[DigestCase], now: datetime) -> list[DigestCase]:
    """By due time: the overdue first (the longest overdue on top), then the rest as they
    fall due; cases with no running deadline last, the oldest first among equals."""
    far = datetime.max.replace(tzinfo=now.tzinfo)
    return sorted(cases, key=lambda c: (c.due or far, c.created_at, c.reference))


def actions(case: DigestCase) -> list[str]:
    """The actions a digest offers on the case: a compliment is only thanked (acknowledged)."""
    if case.kind == Kind.COMPLIMENT:
        return [StaffAction.ACKNOWLEDGE.value] if case.status == CaseStatus.RECEIVED else []
    return [action.value for action in _ACTIONS.get(case.status, ())]


def case_row(case: DigestCase, now: datetime, reader_key: str | None) -> dict:
    """The case as a digest mail shows it in full, with the actions it offers its reader."""
    worked = case.kind != Kind.COMPLIMENT  # a compliment is shared, never due
    return {
        "reference": case.reference,
        "centre_name": case.centre_name,
        "kind": case.kind.value if case.kind else None,
        "category": case.category.value,
        "status": case.status.value,
        "urgent": case.urgent,
        "due": case.due if worked else None,
        "overdue": worked and case.overdue(now),
        "received_at": case.created_at,
        "owner": case.assignee.name if case.assignee else None,
        "yours": reader_key is not None and case.owned_by(reader_key),
        "actions": actions(case),
    }


def digest_mail(template: str, to: str, data: dict, now: datetime) -> OutboxMessage:
    """A digest as an outbox message, from its template's data."""
    # A notification: the reader may turn digests off with the other notifications.
    return OutboxMessage(message_id=new_message_id(), template=template, to=to, data=data,
                         kind=MessageKind.NOTIFICATION, created_at=now,
                         updated_at=now)  # fmt: skip
