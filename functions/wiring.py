"""Builds the real adapters lazily, once per process, and hands them to services as one bundle.

Nothing here runs at import time: a cold start imports only this module's names, and the
Firestore client (≈435 ms to import) is built by the first request that needs it. Tests pass
a bundle of their own, or call reset() between projects.
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
def admin_firestore_client():
    """The administrators' database (FIRESTORE_ADMIN_DATABASE; base.ADMIN_COLLECTIONS)."""
    from google.cloud import firestore

    settings = get_settings()
    return firestore.Client(project=settings.google_cloud_project,
                            database=settings.firestore_admin_database)  # fmt: skip


def firestore_databases():
    """Both databases, each collection looked up in its own (base.Databases)."""
    from functions.adapters.firestore.base import Databases

    return Databases(firestore_client(), admin_firestore_client())


def _firestore(adapter_class, **extra):
    return adapter_class(firestore_client(), get_settings().firestore_timeout_seconds,
                         admin_client=admin_firestore_client(), **extra)  # fmt: skip


@functools.cache
def centre_directory():
    from functions.adapters.firestore.directory import FirestoreCentreDirectory

    return _firestore(FirestoreCentreDirectory,
                      cache_seconds=get_settings().directory_cache_seconds)  # fmt: skip


@functools.cache
def case_reader():
    from functions.adapters.firestore.cases import FirestoreCaseReader

    return _firestore(FirestoreCaseReader)


@functools.cache
def forum_reader():
    from functions.adapters.firestore.forums import FirestoreForumReader

    return _firestore(FirestoreForumReader)


@functools.cache
def forum_plan():
    from functions.adapters.firestore.forum_plan import FirestoreForumPlan

    return _firestore(FirestoreForumPlan, cache_seconds=get_settings().directory_cache_seconds)


@functools.cache
def forum_invitations():
    from functions.adapters.firestore.forum_invitations import FirestoreForumInvitations

    return _firestore(FirestoreForumInvitations)


@functools.cache
def action_points():
    from functions.adapters.firestore.action_points import FirestoreActionPoints

    return _firestore(FirestoreActionPoints)


@functools.cache
def charter_commitments():
    from functions.adapters.firestore.charter_commitments import FirestoreCharterCommitments

    return _firestore(FirestoreCharterCommitments)


@functools.cache
def charter_records():
    from functions.adapters.firestore.charters import FirestoreCharterRecords

    return _firestore(FirestoreCharterRecords)


@functools.cache
def retention_records():
    from functions.adapters.firestore.retention import FirestoreRetention

    return _firestore(FirestoreRetention)


@functools.cache
def person_records():
    from functions.adapters.firestore.person_records import FirestorePersonRecords

    return _firestore(FirestorePersonRecords)


@functools.cache
def erasures():
    from functions.adapters.firestore.person_erasure import FirestoreErasures

    return _firestore(FirestoreErasures)


@functools.cache
def administrators():
    from functions.adapters.firestore.administrators import FirestoreAdministrators

    return _firestore(FirestoreAdministrators)


@functools.cache
def service_levels():
    from functions.adapters.firestore.service_levels import FirestoreServiceLevels

    return _firestore(FirestoreServiceLevels,
                      cache_seconds=get_settings().directory_cache_seconds)  # fmt: skip


@functools.cache
def transactions():
    from functions.adapters.firestore.unit_of_work import FirestoreTransactions

    return _firestore(FirestoreTransactions)


@functools.cache
def form_mappings():
    from functions.adapters.firestore.form_mappings import FirestoreFormMappingStore

    return _firestore(FirestoreFormMappingStore)


@functools.cache
def outbox():
    from functions.adapters.firestore.outbox import FirestoreOutbox

    patience = get_settings().sent_record_timeout_seconds
    return _firestore(FirestoreOutbox, after_send_timeout=patience)


@functools.cache
def suppression_list():
    from functions.adapters.firestore.suppressions import FirestoreSuppressionList

    return _firestore(FirestoreSuppressionList)


@functools.cache
def task_queue():
    from functions.adapters.tasks import CloudTasksQueue, tasks_client

    settings = get_settings()
    return CloudTasksQueue(
        lambda: tasks_client(settings.cloud_tasks_emulator_host),
        settings.queue_path(settings.task_queue),
        settings.url_for,
        settings.tasks_invoker_email,
    )


@functools.cache
def mail_transport():
    from functions.adapters.mail.transports import transport_from_settings

    return transport_from_settings(get_settings())


@functools.cache
def signer():
    from functions.domain.shared.signing import Signer

    return Signer(get_settings().signing_keys())


@functools.cache
def flood_limiter():
    """The per-instance flood limit of intake (functions/http/flood_limit.py); None: off."""
    from functions.domain.shared.rate_limit import RateLimiter

    settings = get_settings()
    if settings.flood_limit_submissions == 0:
        return None
    return RateLimiter(settings.flood_limit_submissions, settings.flood_limit_window_seconds)


@functools.cache
def mail_setup():
    from datetime import timedelta

    from functions.domain.mail.links import MailLinks
    from functions.services.ports import MailSetup

    settings = get_settings()
    links = MailLinks(
        settings.url_for("case_status"), settings.url_for("unsubscribe"), signer(),
        settings.url_for("privacy"), settings.url_for("case_action"),
        settings.url_for("case_reply"), settings.url_for("rate_case"),
        forum_survey_page=settings.url_for("forum_survey"),
        forums_page=settings.url_for("forums"),
        forum_cancel_page=settings.url_for("forum_registration"),
        advisory_response_page=settings.url_for("advisory_response"),
        charter_confirm_page=settings.url_for("confirm_charter"),
        charter_page=settings.url_for("charter"),
        forum_report_page=settings.url_for("forum_report"),
    )  # fmt: skip
    retention = timedelta(days=settings.outbox_retention_days)
    return MailSetup(settings.sender(), settings.reply_to(), retention, links)


def render_email(template: str, data: dict, language: str):
    from functions.rendering import render_email as render

    return render(template, data, language)


class Wired:
    """The Dependencies bundle (services/ports.py) of the real adapters: each attribute is
    built when a service first reads it, so an entry point pays only for what it uses."""

    directory = property(lambda self: centre_directory())
    cases = property(lambda self: case_reader())
    forums = property(lambda self: forum_reader())
    forum_plan = property(lambda self: forum_plan())
    forum_invitations = property(lambda self: forum_invitations())
    service_levels = property(lambda self: service_levels())
    administrators = property(lambda self: administrators())
    action_points = property(lambda self: action_points())
    charter_commitments = property(lambda self: charter_commitments())
    charters = property(lambda self: charter_records())
    retention = property(lambda self: retention_records())
    person_records = property(lambda self: person_records())  # access and erasure
    erasures = property(lambda self: erasures())
    transactions = property(lambda self: transactions())
    form_mappings = property(lambda self: form_mappings())
    outbox = property(lambda self: outbox())
    suppressions = property(lambda self: suppression_list())
    queue = property(lambda self: task_queue())
    transport = property(lambda self: mail_transport())
    signer = property(lambda self: signer())
    mail = property(lambda self: mail_setup())
    network_name = property(lambda self: get_settings().network_name)
    # Looked up when read, so that a test replacing wiring.utc_now moves every service's clock.
    clock = property(lambda self: utc_now)
    render = property(lambda self: render_email)


def dependencies() -> Wired:
    return Wired()


_FACTORIES = (
    firestore_client,
    admin_firestore_client,
    centre_directory,
    case_reader,
    forum_reader,
    forum_plan,
    forum_invitations,
    action_points,
    charter_commitments,
    charter_records,
    retention_records,
    person_records,
    erasures,
    service_levels,
    administrators,
    transactions,
    form_mappings,
    outbox,
    suppression_list,
    task_queue,
    mail_transport,
    signer,
    mail_setup,
    flood_limiter,
)


def reset() -> None:
    """Forget every built adapter and the settings (tests switch projects between cases)."""
    for factory in _FACTORIES:
        factory.cache_clear()
    get_settings.cache_clear()
