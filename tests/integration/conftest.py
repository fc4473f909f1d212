"""Fixtures for the delivery pipeline: a real SMTP server on loopback, the outbox over the
Firestore emulator, a recording task queue, and deliveries replayed from its tasks."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from google.cloud import firestore

from functions.adapters.firestore.outbox import FirestoreOutbox
from functions.adapters.firestore.suppressions import FirestoreSuppressionList
from functions.adapters.firestore.unit_of_work import FirestoreTransactions
from functions.adapters.mail.smtp import SmtpTransport
from functions.adapters.tasks import CloudTasksQueue
from functions.devtools.emulators import free_port
from functions.services.mail.deliver import deliver_batch
from tests.builders import service_deps
from tests.fakes import FakeTasksClient
from tests.smtp_recorder import RecordingSmtpHandler


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    handler = RecordingSmtpHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller
    controller.stop()


@pytest.fixture
def firestore_client(firestore_emulator):
    return firestore.Client(project=f"demo-mail-{uuid.uuid4().hex[:10]}")


@pytest.fixture
def outbox(firestore_client):
    return FirestoreOutbox(firestore_client, timeout=10)


@pytest.fixture
def suppressions(firestore_client):
    return FirestoreSuppressionList(firestore_client, timeout=10)


@pytest.fixture
def tasks():
    """The queue's client: records tasks and answers ALREADY_EXISTS like Cloud Tasks."""
    return FakeTasksClient()


@pytest.fixture
def queue(tasks):
    return CloudTasksQueue(tasks, "projects/p/locations/l/queues/deferred",
                           lambda handler: f"http://x/{handler}", None)  # fmt: skip


@pytest.fixture
def transactions(firestore_client):
    return FirestoreTransactions(firestore_client, timeout=10)


@pytest.fixture
def deps(outbox, suppressions, transactions, queue, smtp_server):
    """The services' bundle over the emulator, the recording queue and the SMTP server."""
    transport = SmtpTransport(smtp_server.hostname, smtp_server.port, starttls=False, timeout=10)
    return service_deps(outbox=outbox, suppressions=suppressions, transactions=transactions,
                     queue=queue, transport=transport)  # fmt: skip


@pytest.fixture
def deliver(deps):
    """Run a queued task's deliveries as deliver_email does: one result per message (a task
    of one message gives its result alone)."""

    def run(task: dict, clock=lambda: datetime.now(UTC)):
        timed = SimpleNamespace(**(vars(deps) | {"clock": clock}))
        pairs = [(m["message_id"], m["recipient_key"]) for m in task["messages"]]
        results = deliver_batch(pairs, timed)
        return results[0] if len(results) == 1 else results

    return run
