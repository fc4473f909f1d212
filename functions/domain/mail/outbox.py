"""Outgoing mail as outbox records, and the delivery state machine each one follows.

pending ──claim──▶ sending ──▶ sent | failed | suppressed
   ▲                 │
   └── transient ────┘   (and a lapsed lease: the sender died mid-send)
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from pydantic import Field, computed_field

from functions.domain.shared.contact import address_key
from functions.domain.shared.records import Record


class MessageKind(StrEnum):
    """Transactional mail answers something the person did; notifications can be turned off."""

    TRANSACTIONAL = "transactional"
    NOTIFICATION = "notification"


class DeliveryState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    SUPPRESSED = "suppressed"


FINAL_STATES = frozenset({DeliveryState.SENT, DeliveryState.FAILED, DeliveryState.SUPPRESSED})
# Longer than deliver_email's function timeout (infra/terraform/functions.tf), so a sender still
# running is never taken over; a lapsed lease means the sender died, and counts as an attempt.
SENDING_LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 12  # every claim counts, a lapsed lease's included


def new_message_id() -> str:
    return secrets.token_hex(12)


class OutboxMessage(Record):
    """One email to one recipient, written in the same commit as the change that causes it."""

    message_id: str
    template: str
    to: str
    # What the template shows: ids and display values, nothing it could not re-derive.
    data: dict[str, Any] = Field(default_factory=dict)
    language: str = "en"
    kind: MessageKind
    urgent: bool = False
    case_reference: str | None = None
    state: DeliveryState = DeliveryState.PENDING
    attempts: int = 0
    dispatches: int = 0  # how many tasks were enqueued for it; names each task uniquely
    last_error: str | None = None
    provider_message_id: str | None = None
    subject: str | None = None  # as rendered, kept for audit
    created_at: datetime
    updated_at: datetime
    lease_expires_at: datetime | None = None
    sent_at: datetime | None = None
    expires_at: datetime | None = None  # set once final, for Firestore's TTL policy

    @computed_field
    @property
    def to_key(self) -> str:
        """Stored so that a person's mail is found however they typed their address (POPIA
        access and erasure); Firestore matches exactly."""
        return address_key(self.to)

    @property
    def final(self) -> bool:
        return self.state in FINAL_STATES

    def claimable(self, now: datetime) -> bool:
        """Pending, or stuck in sending because the sender's lease lapsed."""
        if self.state == DeliveryState.PENDING:
            return True
        return (
            self.state == DeliveryState.SENDING
            and self.lease_expires_at is not None
            and self.lease_expires_at <= now
        )


def notifications_to(template: str, data: dict[str, Any], recipients: list[tuple[str, str]],
                     now: datetime) -> list[OutboxMessage]:  # fmt: skip
    """One notification per (email, name), the same data with each one's name."""
    return [
        OutboxMessage(
            message_id=new_message_id(),
            template=template,
            to=email,
            data=data | {"recipient_name": name},
            kind=MessageKind.NOTIFICATION,
            created_at=now,
            updated_at=now,
        )  # fmt: skip
        for email, name in recipients
    ]


def claimed(message: OutboxMessage, now: datetime) -> dict[str, Any]:
    """The fields that mark a message as being sent by one worker, for one lease."""
    return {
        "state": DeliveryState.SENDING,
        "attempts": message.attempts + 1,
        "lease_expires_at": now + SENDING_LEASE,
        "updated_at": now,
    }


def finished(state: DeliveryState, now: datetime, retention: timedelta, **fields) -> dict:
    """The fields of a final state; the record then expires after `retention`."""
    assert state in FINAL_STATES
    return {"state": state, "updated_at": now, "lease_expires_at": None,
            "expires_at": now + retention, **fields}  # fmt: skip


def released(now: datetime, error: str) -> dict[str, Any]:
    """Back to pending after a transient failure; the task's retry will claim it again."""
    return {"state": DeliveryState.PENDING, "updated_at": now, "lease_expires_at": None,
            "last_error": error[:500]}  # fmt: skip
