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
    from functions.adapters.firestore import FirestoreCentreDirectory

    return FirestoreCentreDirectory(firestore_client(), get_settings().firestore_timeout_seconds)


@functools.cache
def case_repository():
    from functions.adapters.firestore import FirestoreCaseRepository

    return FirestoreCaseRepository(firestore_client(), get_settings().firestore_timeout_seconds)


@functools.cache
def form_mappings():
    from functions.adapters.firestore import FirestoreFormMappingStore

    return FirestoreFormMappingStore(firestore_client(), get_settings().firestore_timeout_seconds)


def reset() -> None:
    """Forget every built adapter and the settings (tests switch projects between cases)."""
    for factory in (firestore_client, centre_directory, case_repository, form_mappings):
        factory.cache_clear()
    get_settings.cache_clear()
