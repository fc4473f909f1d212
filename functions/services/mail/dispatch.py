"""Handing outbox messages to the task queue, and the sweep that recovers lost ones."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from functions import logs
from functions.domain.mail.outbox import DeliveryState, OutboxMessage, finished
from functions.domain.mail.suppression import address_key
from functions.services.errors import QueueUnavailable
from functions.services.ports import Clock, DeliveryQueue

# A message pending longer than this has probably lost its task. Longer than a task's
# usual retry backoff, so the sweep rarely duplicates a task that is only waiting.
PENDING_GRACE = timedelta(minutes=10)
SWEEP_LIMIT = 500
# A message whose tasks never reach a delivery attempt (they fail before the claim) would be
# re-enqueued forever; after this many sweeps (hours: each waits out the grace) it fails.
MAX_DISPATCHES = 24


def dispatch(messages: Iterable[OutboxMessage], queue: DeliveryQueue) -> int:
    """Enqueue each message's delivery; a failure is left to the sweep (the message is safe
    in the outbox already). Returns how many were enqueued."""
    enqueued = 0
    for message in messages:
        key = address_key(message.to)
        enqueued += _enqueue(queue, message.message_id, key, message.dispatches)
    return enqueued


def _enqueue(queue: DeliveryQueue, message_id: str, recipient_key: str, dispatches: int) -> int:
    try:
        queue.enqueue_delivery(message_id, recipient_key, dispatches)
        return 1
    except QueueUnavailable as error:
        # Never fail the caller: the message is committed, and the sweep will enqueue it.
        logs.enqueue_failed(message_id, str(error))
        return 0


def sweep_outbox(
    *, outbox, queue: DeliveryQueue, clock: Clock, retention: timedelta
) -> dict[str, int]:
    """Re-enqueue messages left pending past the grace or stuck in sending past their lease;
    fail those re-enqueued MAX_DISPATCHES times already, or too broken to address."""
    now = clock()
    stuck = outbox.list_stuck(now, PENDING_GRACE, SWEEP_LIMIT)
    requeued = given_up = 0
    for message in stuck:
        if message.recipient_key is None or message.dispatches >= MAX_DISPATCHES:
            reason = f"gave up after {message.dispatches} re-enqueues without an outcome"
            failed = finished(DeliveryState.FAILED, now, retention, last_error=reason)
            given_up += outbox.update_if_unchanged(message.message_id, message.version,
                                                   failed) is not None  # fmt: skip
            continue
        again = message.dispatches + 1
        outbox.record_dispatch(message.message_id, again, now)
        requeued += _enqueue(queue, message.message_id, message.recipient_key, again)
    return {"stuck": len(stuck), "requeued": requeued, "given_up": given_up}
