"""What was done with each centre's charter: which version was sent, to whom and when, whether
the principal confirmed it is on the wall, and whether they were reminded (issue 12).

One CharterRecord per centre (stored under the centre's id). `version` is the charter version
(domain/charters/content.py charter_version) last sent; a version that could not be sent (the
principal has no email address) is kept apart in `unsent_version`, so that the centre is
listed as not sent, and is sent as soon as there is an address. A confirmation names the
version it confirmed: a centre displays `confirmed_version` since `confirmed_at`, which may be
older than the version sent (a newer one is on its way to the wall).

The rules here are pure: the service (services/charters/) reads the record in a unit of work,
asks these functions what changes, and writes what they return.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import Field

from functions.domain.shared.records import Record

# A principal who has not confirmed a charter this long after it was sent is reminded (once
# per version) and listed for their regional administrator.
CONFIRM_WITHIN = timedelta(days=7)
HISTORY_KEPT = 30  # the latest events only: a record must stay small


class CharterStep(StrEnum):
    SENT = "sent"  # the email with the charter was written to the outbox
    NOT_SENT = "not_sent"  # the principal had no email address
    CONFIRMED = "confirmed"  # the principal confirmed it is displayed
    REMINDED = "reminded"  # the reminder to confirm was written to the outbox


class CharterEvent(Record):
    """One line of a record's history."""

    step: CharterStep
    version: str
    at: datetime
    reason: str | None = None  # NOT_SENT: why ("no_email")


class CharterRecord(Record):
    """One centre's charter distribution and acknowledgement."""

    centre_id: str
    region_id: str
    version: str | None = None  # the version last sent (None: never sent)
    template_version: str | None = None  # its template's version
    policy_version: str | None = None  # the service-level policy it promised
    sent_at: datetime | None = None
    sent_to: str | None = None  # the principal's address it was sent to (never logged)
    unsent_version: str | None = None  # a newer version that could not be sent
    unsent_reason: str | None = None  # why ("no_email")
    unsent_at: datetime | None = None
    confirmed_version: str | None = None  # the version the principal says is displayed
    confirmed_at: datetime | None = None
    reminded_version: str | None = None  # the version last reminded about
    reminded_at: datetime | None = None
    history: list[CharterEvent] = Field(default_factory=list)

    @property
    def confirmed(self) -> bool:
        """Whether the version sent is the one confirmed as displayed."""
        return self.version is not None and self.confirmed_version == self.version

    def awaiting_confirmation(self, now: datetime) -> bool:
        """Sent at least CONFIRM_WITHIN ago and not confirmed."""
        return (self.version is not None and not self.confirmed and self.sent_at is not None
                and now - self.sent_at >= CONFIRM_WITHIN)  # fmt: skip

    def due_reminder(self, now: datetime) -> bool:
        """Awaiting confirmation and not yet reminded about this version."""
        return self.awaiting_confirmation(now) and self.reminded_version != self.version


def _with(record: CharterRecord, event: CharterEvent, **changes) -> CharterRecord:
    history = [*record.history, event][-HISTORY_KEPT:]
    return record.model_copy(update={**changes, "history": history})


def blank(centre_id: str, region_id: str) -> CharterRecord:
    return CharterRecord(centre_id=centre_id, region_id=region_id)


def sent(record: CharterRecord, version: str, template_version: str, policy_version: str | None,
         to: str, now: datetime, region_id: str) -> CharterRecord:  # fmt: skip
    """The record once `version` was written to the outbox for `to`.

    A version is a hash of what the charter says, so it comes back when a change is undone
    (a phone changed, then changed back). Sent again after another version replaced it, its
    earlier confirmation and reminder no longer hold: the other version may hang on the wall
    since, so it is confirmed and reminded about afresh. The same version sent to a new
    address (a new principal) keeps them: the wall has not changed."""
    stale = {}
    if version != record.version:
        if record.confirmed_version == version:
            stale |= {"confirmed_version": None, "confirmed_at": None}
        if record.reminded_version == version:
            stale |= {"reminded_version": None, "reminded_at": None}
    return _with(record, CharterEvent(step=CharterStep.SENT, version=version, at=now),
                 region_id=region_id, version=version, template_version=template_version,
                 policy_version=policy_version, sent_at=now, sent_to=to, unsent_version=None,
                 unsent_reason=None, unsent_at=None, **stale)  # fmt: skip


def not_sent(record: CharterRecord, version: str, reason: str, now: datetime,
             region_id: str) -> CharterRecord | None:  # fmt: skip
    """The record noting that `version` could not be sent; None when it says so already."""
    if record.unsent_version == version and record.unsent_reason == reason:
        return None
    event = CharterEvent(step=CharterStep.NOT_SENT, version=version, at=now, reason=reason)
    return _with(record, event, region_id=region_id, unsent_version=version,
                 unsent_reason=reason, unsent_at=now)  # fmt: skip


class Confirmation(StrEnum):
    CONFIRMED = "confirmed"  # recorded now
    ALREADY = "already"  # this version was confirmed before: nothing changes
    SUPERSEDED = "superseded"  # a newer version was sent since: this link confirms nothing
    NOT_SENT = "not_sent"  # nothing was sent to this centre (or its record is gone)


def confirmation(record: CharterRecord | None, version: str) -> Confirmation:
    """What confirming `version` would do."""
    if record is None or record.version is None:
        return Confirmation.NOT_SENT
    if record.version != version:  # a link of ours: that version was sent, a newer since
        return Confirmation.SUPERSEDED
    return Confirmation.ALREADY if record.confirmed else Confirmation.CONFIRMED


def confirmed(record: CharterRecord, now: datetime) -> CharterRecord:
    """The record once the principal confirmed the version sent is displayed."""
    assert record.version is not None
    event = CharterEvent(step=CharterStep.CONFIRMED, version=record.version, at=now)
    return _with(record, event, confirmed_version=record.version, confirmed_at=now)


def reminded(record: CharterRecord, now: datetime) -> CharterRecord:
    """The record once the principal was reminded about the version sent."""
    assert record.version is not None
    event = CharterEvent(step=CharterStep.REMINDED, version=record.version, at=now)
    return _with(record, event, reminded_version=record.version, reminded_at=now)
