"""Fixtures for the delivery pipeline: a real SMTP server on loopback, the outbox over the
Firestore emulator, a recording task queue, and deliveries replayed from its tasks."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from google.cloud import firestore

from functions.adapters.firestore.outbox import FirestoreOutbox
from functions.adapters.firestore.suppressions import FirestoreSuppressionList
from functions.adapters.mail.smtp import SmtpTransport
from functions.adapters.tasks import CloudTasksQueue
from functions.devtools.emulators import free_port
from functions.rendering import render_email
from functions.services.mail.deliver import DeliveryResult, deliver_email
from tests.builders import SETUP
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
    return CloudTasksQueue(tasks, "projects/p/locations/l/queues/email", "http://x/deliver_email",
                           None)  # fmt: skip


@pytest.fixture
def deliver(outbox, smtp_server):
    transport = SmtpTransport(smtp_server.hostname, smtp_server.port, starttls=False, timeout=10)

    def run(task: dict, clock=lambda: datetime.now(UTC)) -> DeliveryResult:
        return deliver_email(
            task["message_id"], task["recipient_key"], outbox=outbox, transport=transport,
            render=render_email, clock=clock, setup=SETUP,
        )  # fmt: skip

    return run
