"""Inviting everyone to a month's forums: queueing one task per batch of recipients, and
each task writing its people's invitations and emails once.

queue_invitations (called by setup) gathers the recipients (domain/forums/invitations.py:
parents with an email and consent, active staff of active centres, once per address),
writes them in batches and queues one invite_to_forums task per batch, named by the batch:
queued again, the same names. invite_batch (the task) commits, in ONE unit of work, each
person's invitation record and email for those not invited this month yet, and queues their
delivery while committing: a batch run twice finds its invitations and writes nothing; a
batch that crashed committed all or nothing, so its retry resumes. Addresses that opted out
still get an outbox message, which delivery settles as suppressed (services/mail/deliver.py
is the one place that reads the suppression list).
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from functions.domain.forums.invitations import (
    BATCH_RETENTION,
    Invitation,
    Recipient,
    batches,
    forums_for,
    invitation,
    recipients,
)
from functions.domain.shared.signing import Purpose
from functions.domain.shared.vocabulary import ParticipantRole
from functions.services.mail.dispatch import cancel_delivery, queue_delivery
from functions.services.ports import Dependencies, Task, UnitOfWork

HANDLER = "invite_to_forums"


class Invitee(NamedTuple):
    """Who a personal registration link was sent to (the registration form is prefilled)."""

    name: str
    email: str
    role: ParticipantRole
    centre_id: str | None
    language: str
    month: str


class Invited(NamedTuple):
    invited: int = 0  # invitations written now
    already: int = 0  # found invited before (a repeated task)
    no_forum: int = 0  # no forum of the month is for their audience
    skipped: str | None = None  # unknown batch


def staff_recipients(deps: Dependencies) -> list[Recipient]:
    """The active staff (principals included) of every active centre."""
    return [Recipient(name=person.name[:200], email=person.email, role=ParticipantRole.STAFF,
                      centre_id=centre.centre_id)
            for centre in deps.directory.list_centres() if centre.active
            for person in centre.members()]  # fmt: skip


def invitation_task(batch: str, as_of: datetime | None = None) -> Task:
    payload = {"batch_id": batch} | ({"as_of": as_of.isoformat()} if as_of else {})
    return Task(HANDLER, payload, f"forum-invitations:{batch}")


def queue_invitations(deps: Dependencies, month: str, now: datetime,
                      as_of: datetime | None = None) -> dict:  # fmt: skip
    """Queue the month's invitations unless they were: {"invitations": "queued" | "already
    queued" | "no forums", "recipients", "batches"}. Raises QueueUnavailable when the queue
    refused a task (setup answers 503; run again, it queues the same names and records the
    month as queued only once every task is in)."""
    record = deps.forum_invitations.month_record(month)
    if record and record.get("invitations") == "queued":
        return {"invitations": "already queued", "recipients": record.get("recipients", 0),
                "batches": record.get("batches", 0)}  # fmt: skip
    if not forums_for_anyone(deps, month, now):
        return {"invitations": "no forums", "recipients": 0, "batches": 0}
    people = recipients(staff_recipients(deps), deps.forum_invitations.consenting_parents())
    groups = batches(people)
    ids = deps.forum_invitations.save_batches(month, groups, now + BATCH_RETENTION)
    for batch in ids:
        deps.queue.enqueue(invitation_task(batch, as_of))
    deps.forum_invitations.mark_queued(month, len(ids), len(people), now)
    return {"invitations": "queued", "recipients": len(people), "batches": len(ids)}


def forums_for_anyone(deps: Dependencies, month: str, now: datetime) -> bool:
    return any(not forum.cancelled and forum.ends_at > now for forum in deps.forums.in_month(month))


def invite_batch(deps: Dependencies, batch: str, now: datetime) -> Invited:
    """Write the batch's invitations and emails not written yet, in one commit, and queue
    their delivery while committing."""
    found = deps.forum_invitations.get_batch(batch)
    if found is None:
        return Invited(skipped="unknown")
    month, people = found
    forums = deps.forums.in_month(month)
    wanted = [(person, forums_for(forums, person.role, now)) for person in people]
    wanted = [(person, listed) for person, listed in wanted if listed]

    def work(uow: UnitOfWork) -> int:
        # Built on every run: a refused run's messages (their delivery withdrawn) are not reused.
        made = [invitation(person, month, listed, now, deps.network_name)
                for person, listed in wanted]  # fmt: skip
        there = uow.invitations.existing([record.invitation_id for record, _ in made])
        fresh = [(record, message) for record, message in made
                 if record.invitation_id not in there]  # fmt: skip
        for record, message in fresh:
            uow.invitations.add(record)
            uow.outbox.add(message)
        return len(fresh)

    invited, _ = deps.transactions.run(
        work,
        while_committing=lambda messages: queue_delivery(messages, deps.queue, deps.clock()),
        if_refused=lambda messages: cancel_delivery(messages, deps.queue),
    )
    return Invited(invited, len(wanted) - invited, len(people) - len(wanted))


def invitee_for_token(deps: Dependencies, token: object) -> Invitee | None:
    """The person a personal registration link (?invite=) was sent to, or None: not our
    token, or the invitation is gone (expired)."""
    invitation_id = deps.signer.unsign(Purpose.FORUM_INVITATION, token)
    if not invitation_id:
        return None
    found: Invitation | None = deps.forum_invitations.get(invitation_id)
    if found is None or found.expires_at <= deps.clock():
        return None
    return Invitee(found.name, found.email, found.role, found.centre_id, found.language.value,
                   found.month)  # fmt: skip
