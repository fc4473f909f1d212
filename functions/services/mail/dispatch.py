"""Handing outbox messages to the task queue, and the sweep that recovers lost ones."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from functions import logs
from functions.domain.mail.outbox import DeliveryState, OutboxMessage, finished
from functions.domain.shared.contact import address_key
from functions.services.errors import QueueUnavailable
from functions.services.ports import Dependencies, Task, TaskQueue

DELIVER = "deliver_email"  # the task handler
# A message pending longer than this has probably lost its task. Longer than a task's
# usual retry backoff, so the sweep rarely duplicates a task that is only waiting.
PENDING_GRACE = timedelta(minutes=10)
SWEEP_LIMIT = 500
# A message whose tasks never reach a delivery attempt (they fail before the claim) would be
# re-enqueued forever; after this many sweeps (hours: each waits out the grace) it fails.
MAX_DISPATCHES = 24
PER_TASK = 50  # messages one deliver_email task takes (its payload's limit)


def delivery_task(deliveries: Sequence[tuple[str, str]], dedupe_key: str,
                  queued_at: datetime | None = None) -> Task:  # fmt: skip
    """One task delivering these (message id, recipient key) pairs: ids and hashes only.
    `queued_at`: the messages were written by a commit still in flight (deliver_email waits
    a little for them); not given for messages known to be stored."""
    payload: dict = {"messages": [{"message_id": m, "recipient_key": k} for m, k in deliveries]}
    if queued_at is not None:
        payload["queued_at"] = queued_at.isoformat()
    return Task(DELIVER, payload, dedupe_key)


def queue_delivery(messages: Sequence[OutboxMessage], queue: TaskQueue, now: datetime) -> bool:
    """Queue the delivery of the messages a change writes, one task (one Cloud Tasks call) for
    up to PER_TASK of them, while their commit is in flight (`now`: when it is queued). A
    failure is left to the sweep, which finds the messages once they are committed."""
    queued = [_enqueue(queue, _new_messages_task(chunk, now)) for chunk in _chunks(messages)]
    return all(queued)


def cancel_delivery(messages: Sequence[OutboxMessage], queue: TaskQueue) -> None:
    """Withdraw the task queued for messages whose commit was refused (they will never exist),
    so that it is not dispatched for nothing. If the queue cannot, the task finds nothing
    for UNCOMMITTED_GRACE and then settles them as unknown (services/mail/deliver.py)."""
    for chunk in _chunks(messages):
        try:
            queue.cancel(_new_messages_task(chunk, None))
        except QueueUnavailable as error:
            logs.task_not_cancelled(DELIVER, str(error))


def _chunks(messages: Sequence[OutboxMessage]) -> list[Sequence[OutboxMessage]]:
    return [messages[start : start + PER_TASK] for start in range(0, len(messages), PER_TASK)]


def _new_messages_task(messages: Sequence[OutboxMessage], queued_at: datetime | None) -> Task:
    deliveries = [(m.message_id, address_key(m.to)) for m in messages]
    dedupe_key = "new:" + ",".join(sorted(f"{m.message_id}.{m.dispatches}" for m in messages))
    return delivery_task(deliveries, dedupe_key, queued_at)


def _enqueue(queue: TaskQueue, task: Task) -> bool:
    try:
        queue.enqueue(task)
        return True
    except QueueUnavailable as error:
        # Never fail the caller: the messages are committed, and the sweep will enqueue them.
        for message in task.payload["messages"]:
            logs.enqueue_failed(message["message_id"], str(error))
        return False


def sweep_outbox(deps: Dependencies) -> dict[str, int]:
    """Re-enqueue messages left pending past the grace or stuck in sending past their lease;
    fail those re-enqueued MAX_DISPATCHES times already, or too broken to address."""
    now = deps.clock()
    stuck = deps.outbox.list_stuck(now, PENDING_GRACE, SWEEP_LIMIT)
    requeued = given_up = 0
    for message in stuck:
        if message.recipient_key is None or message.dispatches >= MAX_DISPATCHES:
            reason = f"gave up after {message.dispatches} re-enqueues without an outcome"
            failed = finished(DeliveryState.FAILED, now, deps.mail.retention, last_error=reason)
            given_up += deps.outbox.update_if_unchanged(message.message_id, message.version,
                                                        failed) is not None  # fmt: skip
            continue
        again = message.dispatches + 1
        if not deps.outbox.record_dispatch(message.message_id, again, now):
            continue  # erased since it was listed: nothing to send
        # A task of its own, named by the re-enqueue count: a used task name is refused.
        task = delivery_task([(message.message_id, message.recipient_key)],
                             f"again:{message.message_id}.{again}")  # fmt: skip
        requeued += _enqueue(deps.queue, task)
    return {"stuck": len(stuck), "requeued": requeued, "given_up": given_up}
