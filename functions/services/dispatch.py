"""Handing outbox messages to the task queue, and the sweep that recovers lost ones."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from functions import logs
from functions.domain.outbox import OutboxMessage
from functions.domain.suppression import address_key
from functions.services.errors import QueueUnavailable
from functions.services.ports import Clock, DeliveryQueue

# A message pending longer than this has probably lost its task. Longer than a task's
# usual retry backoff, so the sweep rarely duplicates a task that is only waiting.
PENDING_GRACE = timedelta(minutes=10)
SWEEP_LIMIT = 500


def dispatch(messages: Iterable[OutboxMessage], queue: DeliveryQueue) -> int:
    """Enqueue each message's delivery; a failure is left to the sweep (the message is safe
    in the outbox already). Returns how many were enqueued."""
    enqueued = 0
    for message in messages:
        try:
            queue.enqueue_delivery(message.message_id, address_key(message.to), message.dispatches)
            enqueued += 1
        except QueueUnavailable as error:
            # Never fail the caller: the message is committed, and the sweep will enqueue it.
            logs.enqueue_failed(message.message_id, str(error))
    return enqueued


def sweep_outbox(*, outbox, queue: DeliveryQueue, clock: Clock) -> dict[str, int]:
    """Re-enqueue messages left pending past the grace or stuck in sending past their lease."""
    now = clock()
    stuck = outbox.list_stuck(now, PENDING_GRACE, SWEEP_LIMIT)
    requeued = []
    for message in stuck:
        again = message.model_copy(update={"dispatches": message.dispatches + 1})
        outbox.record_dispatch(message.message_id, again.dispatches, now)
        requeued.append(again)
    return {"stuck": len(stuck), "requeued": dispatch(requeued, queue)}
