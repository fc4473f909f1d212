"""Mail that can never be sent settles once; mail that was sent is not sent again.

Over the Firestore emulator and a real SMTP server. Each test here failed before the fix:
an error that was neither "transient" nor "permanent" answered 500 and left the message in
"sending" to be retried after every lease, with no bound on attempts; and a storage outage
right after a send left the message to be sent again.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email import message_from_bytes

import pytest
from google.cloud import firestore

from functions.adapters.firestore.outbox import FirestoreOutbox
from functions.adapters.firestore.unit_of_work import FirestoreTransactions
from functions.adapters.mail.local_mailbox import LocalMailbox
from functions.adapters.mail.smtp import SmtpTransport
from functions.domain.mail.outbox import MAX_ATTEMPTS, DeliveryState
from functions.services.errors import StorageUnavailable
from functions.services.mail.deliver import DeliveryResult, deliver_email
from functions.services.mail.dispatch import MAX_DISPATCHES, PENDING_GRACE
from tests.builders import (
    message,
    only,
    queue_up,
    service_deps,
    stored_message,
    sweep,
    write_messages,
)
from tests.outage_proxy import OutageProxy

LATER = timedelta(hours=1)


def test_an_error_not_known_to_be_transient_fails_the_message_once_with_its_reason(
    outbox, queue, tasks, tmp_path, firestore_client, deps
):
    blocked = tmp_path / "mailbox"
    blocked.write_text("a file where the mailbox directory should be")
    item = message("parent@example.org")
    queue_up(deps, [item])
    (task,) = tasks.take()

    def deliver() -> DeliveryResult:
        return deliver_email(
            *only(task), service_deps(outbox=outbox, transport=LocalMailbox(blocked))
        )

    assert deliver() == DeliveryResult.FAILED
    failed = stored_message(firestore_client, item.message_id)
    assert failed.state == DeliveryState.FAILED and failed.attempts == 1
    assert failed.last_error == "FileExistsError while sending"
    assert deliver() == DeliveryResult.ALREADY_DONE  # a redelivered task changes nothing


def test_a_lapsed_lease_is_an_attempt_and_max_attempts_bounds_them(
    outbox, queue, tasks, deliver, smtp_server, firestore_client, deps
):
    item = message("parent@example.org")
    queue_up(deps, [item])
    (task,) = tasks.take()
    now = datetime.now(UTC)
    for attempt in range(1, MAX_ATTEMPTS + 1):  # each sender dies mid-send; its lease lapses
        loaded = outbox.load(item.message_id)
        lapsed = {"state": "sending", "attempts": attempt, "lease_expires_at": now}
        outbox.update_if_unchanged(item.message_id, loaded.version, lapsed)
        if attempt < MAX_ATTEMPTS:
            assert loaded.message.claimable(now + timedelta(seconds=1))
    assert deliver(task, clock=lambda: now + timedelta(seconds=1)) == DeliveryResult.FAILED
    failed = stored_message(firestore_client, item.message_id)
    assert failed.state == DeliveryState.FAILED
    assert failed.last_error.startswith(f"gave up after {MAX_ATTEMPTS} attempts")
    assert not smtp_server.handler.received


def test_the_sweep_gives_up_on_a_message_whose_tasks_never_reach_a_delivery(
    outbox, queue, tasks, firestore_client, deps
):
    item = message("parent@example.org")
    write_messages(deps.transactions, [item.model_copy(update={"dispatches": MAX_DISPATCHES})])
    swept = sweep(deps, datetime.now(UTC) + PENDING_GRACE + timedelta(seconds=1))
    assert swept == {"stuck": 1, "requeued": 0, "given_up": 1}
    assert tasks.take() == []
    failed = stored_message(firestore_client, item.message_id)
    assert failed.state == DeliveryState.FAILED and "re-enqueues" in failed.last_error


def test_a_record_the_code_cannot_read_fails_and_does_not_stop_the_sweep(
    outbox, firestore_client, queue, tasks, deliver, smtp_server, deps
):
    fine = message("fine@example.org")
    write_messages(deps.transactions, [fine])
    now = datetime.now(UTC)
    broken = {"to": "broken@example.org", "state": "pending", "updated_at": now,
              "template": ["not", "a", "name"]}  # fmt: skip
    firestore_client.collection("outbox").document("broken0001").set(broken)
    nameless = {"state": "pending", "updated_at": now}
    firestore_client.collection("outbox").document("nameless01").set(nameless)

    swept = sweep(deps, now + PENDING_GRACE + timedelta(seconds=1))
    assert swept == {"stuck": 3, "requeued": 2, "given_up": 1}
    results = {only(task)[0]: deliver(task) for task in tasks.take()}
    assert results == {fine.message_id: DeliveryResult.SENT, "broken0001": DeliveryResult.FAILED}
    assert smtp_server.handler.received == {"fine@example.org": 1}
    for doc_id in ("broken0001", "nameless01"):
        assert firestore_client.collection("outbox").document(doc_id).get().get("state") == "failed"


def test_every_sending_of_one_message_carries_the_same_message_id(
    outbox, queue, tasks, deliver, smtp_server, deps
):
    item = message("parent@example.org")
    queue_up(deps, [item])
    (task,) = tasks.take()
    assert deliver(task) == DeliveryResult.SENT
    # As if recording "sent" had been lost: the message is delivered again after its lease.
    loaded = outbox.load(item.message_id)
    outbox.update_if_unchanged(item.message_id, loaded.version, {"state": "pending"})
    assert deliver(task) == DeliveryResult.SENT
    ids = [message_from_bytes(raw)["Message-ID"] for raw in smtp_server.handler.messages]
    assert ids == [f"<{item.message_id}@ecd.example.org>"] * 2


@pytest.fixture
def proxied_outbox(firestore_emulator, monkeypatch):
    """An outbox whose Firestore traffic crosses an OutageProxy; other calls give up after
    2 s (shorter than the test's 4 s outage; not so short that a stalled machine times out
    the calls before the send), recording a send after `after_send` seconds (set by the test)."""
    proxy = OutageProxy(firestore_emulator.host)
    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", proxy.host)
    client = firestore.Client(project=f"demo-outage-{datetime.now(UTC).timestamp():.0f}")
    monkeypatch.undo()

    def build(after_send: float) -> FirestoreOutbox:
        return FirestoreOutbox(client, timeout=2, after_send_timeout=after_send)

    yield proxy, build, client
    proxy.close()


@pytest.mark.parametrize(("after_send", "recorded"), [(1, False), (20, True)])
def test_recording_a_send_waits_out_an_outage_that_other_writes_give_up_on(
    proxied_outbox, smtp_server, queue, tasks, after_send, recorded, deps
):
    proxy, build, client = proxied_outbox
    outbox = build(after_send)
    item = message("parent@example.org")
    write_messages(FirestoreTransactions(client, timeout=10), [item])
    task = {"messages": [{"message_id": item.message_id, "recipient_key": None}]}

    class CutAfterSending(SmtpTransport):
        def send(self, email):  # the provider took it; then storage is gone for 4 s
            provider_id = super().send(email)
            proxy.cut(4)
            return provider_id

    transport = CutAfterSending(smtp_server.hostname, smtp_server.port, starttls=False)

    def deliver() -> DeliveryResult:
        return deliver_email(*only(task), service_deps(outbox=outbox, transport=transport))

    if recorded:
        assert deliver() == DeliveryResult.SENT
    else:  # the window this closes: "sent" not recorded, so the sweep would send it again
        with pytest.raises(StorageUnavailable):
            deliver()
    state = stored_message(client, item.message_id).state  # read once storage is back
    assert state == (DeliveryState.SENT if recorded else DeliveryState.SENDING)
    assert smtp_server.handler.received == {"parent@example.org": 1}
