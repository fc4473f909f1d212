"""Outbox → Cloud Tasks → deliver_email → a real SMTP server, over the Firestore emulator.

Cloud Tasks is the recording fake here (it answers ALREADY_EXISTS like the real service);
its tasks are replayed through the delivery service the way the queue would, twice each.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from functions.domain.mail.outbox import DeliveryState, MessageKind
from functions.domain.mail.suppression import SuppressionReason
from functions.services.mail.deliver import DeliveryResult
from functions.services.mail.dispatch import PENDING_GRACE, queue_delivery
from tests.builders import message, only, queue_up, stored_message, sweep, write_messages


def test_every_message_is_sent_exactly_once_through_failures_and_duplicate_tasks(
    outbox, queue, tasks, deliver, smtp_server, firestore_client, deps
):
    messages = [message(f"parent{i}@example.org") for i in range(200)]
    queue_up(deps, messages)
    smtp_server.handler.fail_next = 70  # the provider refuses the first part of the run
    pending = tasks.take()
    assert len(pending) == 200
    rounds = 0
    with ThreadPoolExecutor(max_workers=8) as pool:
        while pending and rounds < 10:
            rounds += 1
            twice = [task for task in pending for _ in range(2)]  # every task delivered twice
            results = list(pool.map(deliver, twice))
            pending = [t for t, r in zip(twice, results, strict=True) if r == DeliveryResult.RETRY]
    received = smtp_server.handler.received
    assert len(received) == 200 and set(received.values()) == {1}
    assert {stored_message(firestore_client, m.message_id).state for m in messages} == {
        DeliveryState.SENT
    }
    assert smtp_server.handler.fail_next == 0 and rounds >= 2


def test_a_message_whose_task_was_lost_is_sent_by_the_sweep(
    outbox, queue, tasks, deliver, smtp_server, deps
):
    lost = message("lost@example.org")
    write_messages(deps.transactions, [lost])  # committed; its task never reached the queue
    assert sweep(deps, datetime.now(UTC)) == {"stuck": 0, "requeued": 0, "given_up": 0}
    later = datetime.now(UTC) + PENDING_GRACE + timedelta(seconds=1)
    assert sweep(deps, later)["requeued"] == 1
    (task,) = tasks.take()
    assert deliver(task) == DeliveryResult.SENT
    assert smtp_server.handler.received["lost@example.org"] == 1


def test_a_sender_that_died_mid_send_is_taken_over_after_its_lease(
    outbox, queue, tasks, deliver, smtp_server, firestore_client, deps
):
    stuck = message("stuck@example.org")
    queue_up(deps, [stuck])
    (task,) = tasks.take()
    loaded = outbox.load(stuck.message_id)
    now = datetime.now(UTC)
    outbox.update_if_unchanged(
        stuck.message_id,
        loaded.version,
        {"state": "sending", "lease_expires_at": now, "attempts": 1},
    )
    assert deliver(task, clock=lambda: now - timedelta(minutes=1)) == DeliveryResult.IN_PROGRESS
    later = now + timedelta(seconds=1)
    assert sweep(deps, later)["requeued"] == 1
    (retask,) = tasks.take()
    assert retask == task  # same ids; a new task name (dispatch 1) so Cloud Tasks accepts it
    assert deliver(retask) == DeliveryResult.SENT
    assert stored_message(firestore_client, stuck.message_id).attempts == 2


def test_a_template_error_fails_that_message_only(
    outbox, queue, tasks, deliver, smtp_server, firestore_client, deps
):
    broken = message("broken@example.org", template="case_notification")
    broken = broken.model_copy(update={"data": {"reference": "FB-7K3M-Q9P"}})  # most keys gone
    fine = [message("a@example.org"), message("b@example.org")]
    queue_up(deps, [fine[0], broken, fine[1]])
    results = [deliver(task) for task in tasks.take()]
    assert results == [DeliveryResult.SENT, DeliveryResult.FAILED, DeliveryResult.SENT]
    failed = stored_message(firestore_client, broken.message_id)
    assert failed.state == DeliveryState.FAILED and "case_notification" in failed.last_error
    assert failed.expires_at is not None
    assert set(smtp_server.handler.received) == {"a@example.org", "b@example.org"}


def test_an_unsubscribed_parent_still_gets_transactional_mail(
    outbox, suppressions, queue, tasks, deliver, smtp_server, firestore_client, deps
):
    suppressions.add("Thandi@Example.org", SuppressionReason.UNSUBSCRIBED, datetime.now(UTC))
    acknowledgement = message("thandi@example.org")
    notice = message("thandi@example.org", template="case_notification",
                     kind=MessageKind.NOTIFICATION)  # fmt: skip
    queue_up(deps, [acknowledgement, notice])
    assert [deliver(t) for t in tasks.take()] == [DeliveryResult.SENT, DeliveryResult.SUPPRESSED]
    assert smtp_server.handler.received["thandi@example.org"] == 1
    assert stored_message(firestore_client, notice.message_id).state == DeliveryState.SUPPRESSED


def test_a_bounced_address_gets_nothing_at_all(
    outbox, suppressions, queue, tasks, deliver, smtp_server, deps
):
    suppressions.add("gone@example.org", SuppressionReason.BOUNCED, datetime.now(UTC))
    queue_up(deps, [message("gone@example.org")])
    assert [deliver(t) for t in tasks.take()] == [DeliveryResult.SUPPRESSED]
    assert not smtp_server.handler.received


def test_a_rejected_address_fails_for_good_and_a_refusal_is_retried(
    outbox, queue, tasks, deliver, smtp_server, firestore_client, deps
):
    smtp_server.handler.reject.add("nobody@example.org")
    queue_up(deps, [message("nobody@example.org"), message("later@example.org")])
    rejected, refused = tasks.take()
    assert deliver(rejected) == DeliveryResult.FAILED
    assert "550" in stored_message(firestore_client, only(rejected)[0]).last_error
    smtp_server.handler.fail_next = 1
    assert deliver(refused) == DeliveryResult.RETRY
    retried = stored_message(firestore_client, only(refused)[0])
    assert retried.state == DeliveryState.PENDING and "451" in retried.last_error
    assert deliver(refused) == DeliveryResult.SENT
    assert deliver(refused) == DeliveryResult.ALREADY_DONE


def test_the_same_task_name_is_refused_by_the_queue_and_counts_as_done(outbox, queue, tasks, deps):
    item = message("once@example.org")
    write_messages(deps.transactions, [item])
    assert queue_delivery([item], queue, item.created_at)
    # the same task again: ALREADY_EXISTS, no error
    assert queue_delivery([item], queue, item.created_at)
    assert len(tasks.take()) == 1
