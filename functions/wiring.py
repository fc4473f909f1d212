"""Builds the real adapters lazily, once per process. Tests pass their own instead.

Nothing here runs at import time: a cold start imports only this module's names, and the
Firestore client (≈435 ms to import) is built by the first request that needs it.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime

from functions.config import get_settings


def utc_now() -> datetime:
    """The clock every service is given in production."""
    return datetime.now(UTC)


@functools.cache
def firestore_client():
    from google.cloud import firestore

    return firestore.Client(project=get_settings().google_cloud_project)


@functools.cache
def centre_directory():
    from functions.adapters.firestore.directory import FirestoreCentreDirectory

    return FirestoreCentreDirectory(firestore_client(), get_settings().firestore_timeout_seconds)


@functools.cache
def case_repository():
    from functions.adapters.firestore.cases import FirestoreCaseRepository

    return FirestoreCaseRepository(firestore_client(), get_settings().firestore_timeout_seconds)


@functools.cache
def form_mappings():
    from functions.adapters.firestore.form_mappings import FirestoreFormMappingStore

    return FirestoreFormMappingStore(firestore_client(), get_settings().firestore_timeout_seconds)


@functools.cache
def outbox():
    from functions.adapters.firestore.outbox import FirestoreOutbox

    settings = get_settings()
    return FirestoreOutbox(
        firestore_client(),
        settings.firestore_timeout_seconds,
        after_send_timeout=settings.sent_record_timeout_seconds,
    )


@functools.cache
def suppression_list():
    from functions.adapters.firestore.suppressions import FirestoreSuppressionList

    return FirestoreSuppressionList(firestore_client(), get_settings().firestore_timeout_seconds)


@functools.cache
def delivery_queue():
    from functions.adapters.tasks import CloudTasksQueue, tasks_client

    settings = get_settings()
    return CloudTasksQueue(
        lambda: tasks_client(settings.cloud_tasks_emulator_host),
        settings.queue_path(settings.email_queue),
        settings.url_for("deliver_email"),
        settings.tasks_invoker_email,
    )


@functools.cache
def mail_transport():
    from functions.adapters.mail.transports import transport_from_settings

    return transport_from_settings(get_settings())


@functools.cache
def mail_setup():
    from datetime import timedelta

    from functions.domain.mail.links import MailLinks
    from functions.services.mail.deliver import MailSetup

    settings = get_settings()
    links = MailLinks(
        settings.url_for("case_status"),
        settings.url_for("unsubscribe"),
        settings.signing_secret.get_secret_value().encode(),
    )
    retention = timedelta(days=settings.outbox_retention_days)
    return MailSetup(settings.mail_from, settings.mail_reply_to, retention, links)


_FACTORIES = (
    firestore_client,
    centre_directory,
    case_repository,
    form_mappings,
    outbox,
    suppression_list,
    delivery_queue,
    mail_transport,
    mail_setup,
)


def reset() -> None:
    """Forget every built adapter and the settings (tests switch projects between cases)."""
    for factory in _FACTORIES:
        factory.cache_clear()
    get_settings.cache_clear()
