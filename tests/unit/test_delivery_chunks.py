"""Queueing delivery for the messages of one commit: however many it wrote (a selection's
notices, a digest run, a batch of invitations), each deliver_email task carries at most its
payload's limit, every message is in exactly one, and a refused commit withdraws them all."""

from datetime import UTC, datetime

from functions.services.errors import QueueUnavailable
from functions.services.mail.dispatch import PER_TASK, cancel_delivery, queue_delivery
from functions.tasks.deliver_email import DeliveryBatch
from tests.builders import message

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


class Queue:
    def __init__(self, failing: bool = False):
        self.queued, self.cancelled, self.failing = [], [], failing

    def enqueue(self, task) -> None:
        if self.failing:
            raise QueueUnavailable("down")
        self.queued.append(task)

    def cancel(self, task) -> None:
        if self.failing:
            raise QueueUnavailable("down")
        self.cancelled.append(task)


def test_a_commit_of_many_messages_is_queued_in_tasks_the_handler_accepts():
    messages = [message(f"p{n}@example.org") for n in range(2 * PER_TASK + 7)]
    queue = Queue()
    assert queue_delivery(messages, queue, NOW)
    assert [len(t.payload["messages"]) for t in queue.queued] == [PER_TASK, PER_TASK, 7]
    for task in queue.queued:
        DeliveryBatch.model_validate(task.payload)  # what deliver_email takes
    ids = [m["message_id"] for t in queue.queued for m in t.payload["messages"]]
    assert sorted(ids) == sorted(m.message_id for m in messages)
    assert len({t.dedupe_key for t in queue.queued}) == 3
    cancel_delivery(messages, queue)
    assert [t.dedupe_key for t in queue.cancelled] == [t.dedupe_key for t in queue.queued]


def test_nothing_to_queue_and_an_outage():
    queue = Queue()
    assert queue_delivery([], queue, NOW) and queue.queued == []
    assert not queue_delivery([message("p@example.org")], Queue(failing=True), NOW)
    cancel_delivery([message("p@example.org")], Queue(failing=True))  # logged, not raised
