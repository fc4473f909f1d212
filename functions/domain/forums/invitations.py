"""Who is invited to a month's forums, in which batches, and the invitation each one gets.

Recipients are the parents who gave an email and consent on a case and the active staff of
every active centre, one per address (a parent with several cases once; someone who is both
a parent and on a centre's staff once, as staff: the directory knows them best). They are
cut into batches by sorted address hash, so the same people make the same batches, and each
batch is one task. Each person's invitation (id: month + address hash) is created in the
same commit as its email: a batch run again finds them and writes nothing twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from pydantic import Field

from functions.domain.forums.models import Forum
from functions.domain.mail.outbox import MessageKind, OutboxMessage, new_message_id
from functions.domain.shared.contact import address_key
from functions.domain.shared.records import Record
from functions.domain.shared.vocabulary import AUDIENCE_OF_ROLE, Language, ParticipantRole

TEMPLATE = "forum_invitation"
BATCH_SIZE = 200  # recipients a task: two writes each in one commit, within Firestore's 500
# An invitation opens its prefilled registration form through the month and a little after;
# Firestore's TTL removes it (and the batches, long done by then) afterwards.
INVITATION_RETENTION = timedelta(days=62)
BATCH_RETENTION = timedelta(days=14)


class Recipient(Record):
    name: str = Field(default="", max_length=200)
    email: str = Field(min_length=3, max_length=320)
    role: ParticipantRole
    centre_id: str | None = None
    language: Language = Language.ENGLISH

    @property
    def key(self) -> str:
        return address_key(self.email)


class Invitation(Record):
    """One person's invitation to a month's forums: who they are (the registration form is
    prefilled from it) and the email that carried it."""

    invitation_id: str
    month: str
    name: str = ""
    email: str
    role: ParticipantRole
    centre_id: str | None = None
    language: Language = Language.ENGLISH
    message_id: str
    created_at: datetime
    expires_at: datetime


def invitation_id(month: str, email: str) -> str:
    text = f"forum-invitation:{month}:{address_key(email)}"
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def batch_id(month: str, index: int) -> str:
    return hashlib.sha256(f"forum-invitation-batch:{month}:{index}".encode()).hexdigest()[:20]


def recipients(staff: Iterable[Recipient], parents: Iterable[Recipient]) -> list[Recipient]:
    """Everyone once by address, staff first (one who is both is invited as staff), in the
    order of their address hash (batches are then the same for the same people)."""
    chosen: dict[str, Recipient] = {}
    for person in (*staff, *parents):
        if "@" in person.email:
            chosen.setdefault(person.key, person)
    return [chosen[key] for key in sorted(chosen)]


def batches(people: Sequence[Recipient], size: int = BATCH_SIZE) -> list[list[Recipient]]:
    return [list(people[start : start + size]) for start in range(0, len(people), size)]


def forums_for(forums: Iterable[Forum], role: ParticipantRole, now: datetime) -> list[Forum]:
    """The forums worth inviting this person to: open, not over, and for their audience."""
    audience = AUDIENCE_OF_ROLE[role]
    return [forum for forum in forums if not forum.cancelled and forum.ends_at > now
            and audience in forum.audiences]  # fmt: skip


def forum_data(forum: Forum) -> dict:
    """What the invitation shows of a forum: display values and ids (no joining details: they
    are released shortly before the start, to the registered only)."""
    return {
        "forum_id": forum.forum_id, "title": forum.title, "format": forum.format.value,
        "starts_at": forum.starts_at.isoformat(), "ends_at": forum.ends_at.isoformat(),
        "timezone": forum.timezone, "topics": [topic.value for topic in forum.topics],
        "audiences": [audience.value for audience in forum.audiences],
        "rooms": [room.name for room in forum.breakout_rooms],
        "places_left": forum.places_left,
    }  # fmt: skip


def invitation(person: Recipient, month: str, forums: Sequence[Forum], now: datetime,
               network_name: str) -> tuple[Invitation, OutboxMessage]:  # fmt: skip
    """The person's invitation record and its email (a notification: they can opt out). The
    registration link is signed when the mail is sent (domain/mail/links.py): the outbox
    keeps the invitation id, never a token."""
    message = OutboxMessage(
        message_id=new_message_id(), template=TEMPLATE, to=person.email,
        data={"network_name": network_name, "name": person.name, "month": month,
              "role": person.role.value, "forum_invitation": invitation_id(month, person.email),
              "forum_title": forums[0].title,  # the subject names the first (and how many more)
              "forums": [forum_data(forum) for forum in forums]},
        language=person.language.value, kind=MessageKind.NOTIFICATION,
        created_at=now, updated_at=now,
    )  # fmt: skip
    record = Invitation(
        invitation_id=invitation_id(month, person.email), month=month, name=person.name,
        email=person.email, role=person.role, centre_id=person.centre_id,
        language=person.language, message_id=message.message_id, created_at=now,
        expires_at=now + INVITATION_RETENTION,
    )  # fmt: skip
    return record, message
