"""Delivering one outbox message: at most once per message, whatever the task queue does.

Every path ends in a final state or a retry that MAX_ATTEMPTS bounds: an error that is not
known to be transient (a template, a header, a transport's surprise) fails the message for
good, once, with its reason; a lapsed lease counts as an attempt like any other.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum

from functions import logs
from functions.domain.mail import acknowledgement_cap
from functions.domain.mail.email import Attachment, MailProblem, OutgoingEmail
from functions.domain.mail.outbox import (
    MAX_ATTEMPTS,
    DeliveryState,
    OutboxMessage,
    claimed,
    finished,
    released,
)
from functions.domain.mail.suppression import blocks
from functions.services.errors import (
    PermanentDeliveryError,
    StorageUnavailable,
    TransientDeliveryError,
)
from functions.services.ports import Dependencies, MailSetup, Renderer

# A batch stops starting new sends after this long and leaves the rest to the task's retry:
# with a send and the recording of its outcome after it, well within the function's timeout.
BATCH_BUDGET_SECONDS = 60.0
# A task is queued while its messages' commit is in flight (services/intake/recording.py), so
# it may arrive first: a message missing from a task younger than this is waited for (the
# task is retried); after it, the commit failed and there is nothing to send. Commits end
# within FIRESTORE_TIMEOUT_SECONDS; this leaves room for clocks and Cloud Tasks' backoff.
UNCOMMITTED_GRACE = timedelta(minutes=2)


class DeliveryResult(StrEnum):
    SENT = "sent"
    ALREADY_DONE = "already_done"  # a final state was reached before
    IN_PROGRESS = "in_progress"  # another delivery holds the lease (or just won the claim)
    SUPPRESSED = "suppressed"
    FAILED = "failed"  # permanently: not retried
    RETRY = "retry"  # transient: the task should be retried later
    UNKNOWN = "unknown"  # no such message (expired, or never existed)
    NOT_YET = "not_yet"  # not there yet: its commit may still land; the task should be retried


def deliver_batch(
    deliveries: Sequence[tuple[str, str | None]],
    deps: Dependencies,
    budget: float = BATCH_BUDGET_SECONDS,
    queued_at: datetime | None = None,
) -> list[DeliveryResult]:
    """Deliver each (message id, recipient key) in turn; a message not reached within the
    budget is RETRY, like one that failed for now. Every message is independent: one that
    fails does not stop the others. `queued_at`: when the messages' commit was in flight
    (missing messages are NOT_YET until UNCOMMITTED_GRACE has passed)."""
    started, results = time.monotonic(), []
    # (a time well ahead of ours is no reason to wait either)
    young = queued_at is not None and abs(deps.clock() - queued_at) < UNCOMMITTED_GRACE
    for message_id, recipient_key in deliveries:
        if time.monotonic() - started > budget:
            results.append(DeliveryResult.RETRY)
            continue
        result = deliver_email(message_id, recipient_key, deps)
        if result == DeliveryResult.UNKNOWN and young:
            result = DeliveryResult.NOT_YET
        results.append(result)
    return results


def deliver_email(message_id: str, recipient_key: str | None,
                  deps: Dependencies) -> DeliveryResult:  # fmt: skip
    """Claim the message, render and send it, record the outcome: one read, two writes (and
    a read and a write more for a parent's acknowledgement: its address's hourly cap)."""
    outbox, clock, setup = deps.outbox, deps.clock, deps.mail
    loaded = outbox.load(message_id, recipient_key)
    if loaded is None:
        return DeliveryResult.UNKNOWN
    message, now = loaded.message, clock()
    if message is not None and message.final:
        return DeliveryResult.ALREADY_DONE
    if message is not None and not message.claimable(now):
        return DeliveryResult.IN_PROGRESS

    def end(state: DeliveryState, result: DeliveryResult, version=loaded.version,
            after_send: bool = False, **fields) -> DeliveryResult:  # fmt: skip
        done = finished(state, now, setup.retention, **fields)
        recorded = outbox.update_if_unchanged(message_id, version, done, after_send=after_send)
        return result if recorded else DeliveryResult.IN_PROGRESS

    if message is None:  # a record this code cannot read will not become readable by retrying
        reason = "the outbox record cannot be read as a message"
        return end(DeliveryState.FAILED, DeliveryResult.FAILED, last_error=reason)
    if message.attempts >= MAX_ATTEMPTS:  # leases that lapsed, each an attempt that never ended
        last = message.last_error or "each sender stopped before recording an outcome"
        reason = f"gave up after {message.attempts} attempts; last: {last}"
        return end(DeliveryState.FAILED, DeliveryResult.FAILED, last_error=reason[:500])
    if blocks(loaded.suppressed_for, message.kind):
        return end(DeliveryState.SUPPRESSED, DeliveryResult.SUPPRESSED)
    try:
        email = _compose(message, deps.render, setup)
    except Exception as problem:  # noqa: BLE001 - whatever it is, this message only, for good
        reason = _reason(problem, "while composing")
        return end(DeliveryState.FAILED, DeliveryResult.FAILED, last_error=reason)

    try:
        over_cap = _over_cap(message, outbox, now)
    except StorageUnavailable:  # the tally cannot be read or written for now: this message
        return DeliveryResult.RETRY  # only (unclaimed, untouched); the batch goes on
    if over_cap:
        reason = acknowledgement_cap.REASON
        return end(DeliveryState.SUPPRESSED, DeliveryResult.SUPPRESSED, last_error=reason)
    version = outbox.update_if_unchanged(message_id, loaded.version, claimed(message, now))
    if version is None:
        return DeliveryResult.IN_PROGRESS
    attempts = message.attempts + 1
    try:
        provider_id = deps.transport.send(email)
    except TransientDeliveryError as error:
        if attempts >= MAX_ATTEMPTS:
            reason = f"gave up after {attempts} attempts: {error}"
            return end(DeliveryState.FAILED, DeliveryResult.FAILED, version, last_error=reason)
        outbox.update_if_unchanged(message_id, version, released(clock(), str(error)))
        return DeliveryResult.RETRY
    except Exception as error:  # noqa: BLE001 - refused for good, or not known to be transient
        reason = _reason(error, "while sending")
        return end(DeliveryState.FAILED, DeliveryResult.FAILED, version, last_error=reason)
    # Sent: recording it is the one write whose loss would send the message again, so it
    # waits out a longer storage outage than other writes.
    return end(
        DeliveryState.SENT, DeliveryResult.SENT, version, after_send=True,
        provider_message_id=provider_id, subject=email.subject, sent_at=clock(), last_error=None,
    )  # fmt: skip


def _over_cap(message: OutboxMessage, outbox, now: datetime) -> bool:
    """Whether a parent's acknowledgement finds its address's hourly cap full; otherwise it
    takes a place in it (once per message: a retried delivery has its place already)."""
    if not acknowledgement_cap.capped(message.template):
        return False
    if outbox.take_acknowledgement_place(message.to, message.message_id, now):
        return False
    logs.acknowledgement_capped(message.message_id)
    return True


def _compose(message: OutboxMessage, render: Renderer, setup: MailSetup) -> OutgoingEmail:
    data, attachments = dict(message.data), ()
    if data.get("calendar") is not None:  # checked first: the template sees the cleaned invite
        invite, attachments = _invitation(message, setup)
        data["calendar"] = invite.to_data()
    if data.get("charter") is not None:  # a centre's charter: its PDFs, rendered now
        attachments = (*attachments, *_charter_files(data["charter"]))
    links = setup.links.for_message(message)
    rendered = render(message.template, {**data, **links}, message.language)
    return OutgoingEmail(
        sender=setup.sender, to=message.to, subject=rendered.subject, html=rendered.html,
        text=rendered.text, headers=setup.links.headers(message, links["unsubscribe_url"]),
        reply_to=setup.reply_to, message_id=message.message_id, attachments=attachments,
    )  # fmt: skip


def _invitation(message: OutboxMessage, setup: MailSetup):
    """The message's CalendarInvite and its .ics as an invitation attachment (a MailProblem
    when the stored calendar is not one). The organizer defaults to the address replies go
    to, the attendee to the recipient. DTSTAMP is the message's creation: a retried delivery
    sends the same file."""
    from email.utils import parseaddr

    from functions.domain.mail.calendar import CalendarInvite
    from functions.rendering.calendar_invite import CONTENT_TYPE, FILENAME, ics_bytes

    stored = message.data["calendar"]
    organizer_name, organizer_email = parseaddr(setup.reply_to or setup.sender)
    defaults = {
        "organizer_email": organizer_email or None,
        "organizer_name": organizer_name or None,
        "attendee_email": parseaddr(message.to)[1] or None,
    }
    if not isinstance(stored, dict):
        raise MailProblem("calendar invite: not a mapping")
    given = {key: value for key, value in stored.items() if value is not None}
    invite = CalendarInvite.from_data({**defaults, **given})
    ics = ics_bytes(invite, stamp=message.created_at)
    attachment = Attachment(FILENAME, CONTENT_TYPE, ics, inline_calendar_method=invite.method)
    return invite, (attachment,)


def _charter_files(stored) -> tuple[Attachment, ...]:
    """A charter's PDFs (domain/charters/content.py Charter, stored language-free): an A4 page
    in each of its languages and an A3 poster in its first, named by language. The same
    stored charter gives the same bytes, so a retried delivery attaches the same files."""
    from pydantic import ValidationError

    from functions.domain.charters.content import Charter
    from functions.rendering.charter_pdf import charter_pdf

    try:
        charter = Charter.model_validate(stored)
    except ValidationError:
        raise MailProblem("charter: not a charter") from None
    if not charter.languages:
        raise MailProblem("charter: no language")
    files = [Attachment(f"charter-{language.value}.pdf", "application/pdf",
                        charter_pdf(charter, language))
             for language in charter.languages]  # fmt: skip
    poster = charter.languages[0]
    files.append(Attachment(f"charter-poster-{poster.value}.pdf", "application/pdf",
                            charter_pdf(charter, poster, poster=True)))  # fmt: skip
    return tuple(files)


def _reason(error: Exception, stage: str) -> str:
    """What goes into last_error: our own errors' words (they never quote the data), and only
    the type of anything else (its text may quote an address or a parent's words)."""
    if isinstance(error, MailProblem | PermanentDeliveryError):
        return str(error)[:500]
    return f"{type(error).__name__} {stage}"
