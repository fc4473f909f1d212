"""Delivering one outbox message: at most once per message, whatever the task queue does."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from enum import StrEnum
from typing import NamedTuple

from functions.domain.email import OutgoingEmail
from functions.domain.links import MailLinks
from functions.domain.outbox import (
    MAX_ATTEMPTS,
    DeliveryState,
    claimed,
    finished,
    released,
)
from functions.domain.suppression import blocks
from functions.services.errors import PermanentDeliveryError, TransientDeliveryError
from functions.services.ports import Clock, MailTransport


class DeliveryResult(StrEnum):
    SENT = "sent"
    ALREADY_DONE = "already_done"  # a final state was reached before
    IN_PROGRESS = "in_progress"  # another delivery holds the lease (or just won the claim)
    SUPPRESSED = "suppressed"
    FAILED = "failed"  # permanently: not retried
    RETRY = "retry"  # transient: the task should be retried later
    UNKNOWN = "unknown"  # no such message (expired, or never existed)


class MailSetup(NamedTuple):
    sender: str
    reply_to: str | None
    retention: timedelta
    links: MailLinks


def deliver_email(
    message_id: str,
    recipient_key: str | None,
    *,
    outbox,
    transport: MailTransport,
    render: Callable,
    clock: Clock,
    setup: MailSetup,
) -> DeliveryResult:
    """Claim the message, render and send it, record the outcome: one read, two writes."""
    loaded = outbox.load(message_id, recipient_key)
    if loaded is None:
        return DeliveryResult.UNKNOWN
    message, now = loaded.message, clock()
    if message.final:
        return DeliveryResult.ALREADY_DONE
    if not message.claimable(now):
        return DeliveryResult.IN_PROGRESS

    def end(state: DeliveryState, result: DeliveryResult, version=loaded.version, **fields):
        done = finished(state, now, setup.retention, **fields)
        return (
            result
            if outbox.update_if_unchanged(message_id, version, done)
            else (DeliveryResult.IN_PROGRESS)
        )

    if blocks(loaded.suppressed_for, message.kind):
        return end(DeliveryState.SUPPRESSED, DeliveryResult.SUPPRESSED)
    links = setup.links.for_message(message)
    try:
        rendered = render(message.template, {**message.data, **links}, message.language)
        email = OutgoingEmail(
            sender=setup.sender, to=message.to, subject=rendered.subject, html=rendered.html,
            text=rendered.text, headers=setup.links.headers(message, links["unsubscribe_url"]),
            reply_to=setup.reply_to,
        )  # fmt: skip
    except ValueError as problem:  # a template error or header injection: this message only
        return end(DeliveryState.FAILED, DeliveryResult.FAILED, last_error=str(problem)[:500])

    version = outbox.update_if_unchanged(message_id, loaded.version, claimed(message, now))
    if version is None:
        return DeliveryResult.IN_PROGRESS
    attempts = message.attempts + 1
    try:
        provider_id = transport.send(email)
    except TransientDeliveryError as error:
        if attempts >= MAX_ATTEMPTS:
            reason = f"gave up after {attempts} attempts: {error}"
            return end(DeliveryState.FAILED, DeliveryResult.FAILED, version, last_error=reason)
        outbox.update_if_unchanged(message_id, version, released(clock(), str(error)))
        return DeliveryResult.RETRY
    except PermanentDeliveryError as error:
        return end(DeliveryState.FAILED, DeliveryResult.FAILED, version, last_error=str(error))
    return end(
        DeliveryState.SENT, DeliveryResult.SENT, version, provider_message_id=provider_id,
        subject=rendered.subject, sent_at=clock(), last_error=None,
    )  # fmt: skip
