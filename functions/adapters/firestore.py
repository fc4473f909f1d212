"""Firestore storage: the only module that knows collection names and document shapes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from functions.domain.google_forms import FormMapping
from functions.domain.models import Case, CaseEvent, Centre, Region
from functions.services.errors import DuplicateSubmission, ReferenceTaken, StorageUnavailable
from functions.services.ports import IdempotencyMarker

REGIONS = "regions"
CENTRES = "centres"
CASES = "cases"
EVENTS = "events"  # sub-collection of a case: its append-only history
INTAKE_KEYS = "intake_keys"
FORM_MAPPINGS = "form_mappings"

# Each query this module issues, as (collection, filtered fields, ordered fields). A test checks
# that every shape needing a composite index is declared in infra/firestore.indexes.json.
QUERY_SHAPES: set[tuple[str, tuple[str, ...], tuple[str, ...]]] = set()


@contextmanager
def _storage_errors() -> Iterator[None]:
    """Turn Firestore's transient failures into StorageUnavailable (the caller answers 503)."""
    from google.api_core import exceptions

    try:
        yield
    except (
        exceptions.ServiceUnavailable,
        exceptions.DeadlineExceeded,
        exceptions.InternalServerError,
        exceptions.TooManyRequests,
        exceptions.Aborted,
        exceptions.Unknown,
        exceptions.RetryError,
    ) as error:
        raise StorageUnavailable(type(error).__name__) from error


def _query(collection, shape_name: str, filters: dict[str, Any], order_by: tuple[str, ...] = ()):
    from google.cloud.firestore_v1.base_query import FieldFilter

    QUERY_SHAPES.add((shape_name, tuple(sorted(filters)), order_by))
    query = collection
    for field, value in filters.items():
        query = query.where(filter=FieldFilter(field, "==", value))
    for field in order_by:
        query = query.order_by(field)
    return query


def _dump(model) -> dict[str, Any]:
    # Enums go in as plain strings; datetimes stay datetimes so they can be queried.
    return model.model_dump(mode="python")


_RESERVED_ID = re.compile(r"^(\.\.?|__.*__)$")


def _valid_id(doc_id: str) -> bool:
    """Whether a caller-supplied id can name a document (never a path or a reserved name)."""
    return (
        bool(doc_id)
        and "/" not in doc_id
        and not _RESERVED_ID.match(doc_id)
        and len(doc_id.encode()) <= 1500
    )


class _FirestoreAdapter:
    def __init__(self, client, timeout: float = 10.0):
        from google.api_core.retry import Retry, if_transient_error

        self._db = client
        # Bounds each call, retries included, so an outage answers 503 instead of hanging
        # (the library's default retry keeps trying for minutes).
        retry = Retry(predicate=if_transient_error, initial=0.1, maximum=2.0, timeout=timeout)
        self._t = {"timeout": timeout, "retry": retry}


class FirestoreCentreDirectory(_FirestoreAdapter):
    """Regions and centres (and their contacts), read by every intake."""

    def get_centre(self, centre_id: str) -> Centre | None:
        if not _valid_id(centre_id):
            return None
        with _storage_errors():
            snapshot = self._db.collection(CENTRES).document(centre_id).get(**self._t)
        return Centre.model_validate(snapshot.to_dict()) if snapshot.exists else None

    def list_centres(self) -> list[Centre]:
        with _storage_errors():
            docs = list(
                _query(self._db.collection(CENTRES), CENTRES, {"active": True}).stream(**self._t)
            )
        return sorted((Centre.model_validate(d.to_dict()) for d in docs), key=lambda c: c.name)

    def list_regions(self) -> list[Region]:
        with _storage_errors():
            docs = list(self._db.collection(REGIONS).stream(**self._t))
        return sorted((Region.model_validate(d.to_dict()) for d in docs), key=lambda r: r.name)

    def save_region(self, region: Region) -> None:
        with _storage_errors():
            self._db.collection(REGIONS).document(region.region_id).set(_dump(region), **self._t)

    def save_centre(self, centre: Centre) -> None:
        with _storage_errors():
            self._db.collection(CENTRES).document(centre.centre_id).set(_dump(centre), **self._t)


class FirestoreCaseRepository(_FirestoreAdapter):
    """Cases, their history and the idempotency markers that guard intake."""

    def _case_ref(self, reference: str):
        return self._db.collection(CASES).document(reference)

    def add(self, case: Case, event: CaseEvent, marker: IdempotencyMarker | None) -> None:
        from google.api_core.exceptions import Conflict

        batch = self._db.batch()
        case_ref = self._case_ref(case.reference)
        batch.create(case_ref, _dump(case))
        batch.create(case_ref.collection(EVENTS).document(event.event_id), _dump(event))
        if marker:
            marker_ref = self._db.collection(INTAKE_KEYS).document(marker.key)
            batch.create(marker_ref, marker._asdict())
        try:
            with _storage_errors():
                batch.commit(**self._t)
        except Conflict:
            existing = self._find_marker(marker.key) if marker else None
            if existing:
                raise DuplicateSubmission(existing.reference, existing.fingerprint) from None
            if self.get(case.reference) == case:
                return  # our own commit landed, and its answer was lost before a retry
            raise ReferenceTaken(case.reference) from None

    def _find_marker(self, key: str) -> IdempotencyMarker | None:
        with _storage_errors():
            snapshot = self._db.collection(INTAKE_KEYS).document(key).get(**self._t)
        return IdempotencyMarker(**snapshot.to_dict()) if snapshot.exists else None

    def append_event(self, reference: str, event: CaseEvent) -> None:
        """Add one line to a case's history (events are never rewritten)."""
        events = self._case_ref(reference).collection(EVENTS)
        with _storage_errors():
            events.document(event.event_id).create(_dump(event), **self._t)

    def get(self, reference: str) -> Case | None:
        with _storage_errors():
            snapshot = self._case_ref(reference).get(**self._t)
        return Case.model_validate(snapshot.to_dict()) if snapshot.exists else None

    def find_by_token_hash(self, token_hash: str) -> Case | None:
        query = _query(self._db.collection(CASES), CASES, {"status_token_hash": token_hash})
        with _storage_errors():
            docs = list(query.limit(1).stream(**self._t))
        return Case.model_validate(docs[0].to_dict()) if docs else None

    def list_events(self, reference: str) -> list[CaseEvent]:
        events = self._case_ref(reference).collection(EVENTS)
        with _storage_errors():
            docs = list(_query(events, EVENTS, {}, ("at",)).stream(**self._t))
        return [CaseEvent.model_validate(d.to_dict()) for d in docs]


class FirestoreFormMappingStore(_FirestoreAdapter):
    """Per-form question mappings for Google Forms intake."""

    def get(self, form_id: str) -> FormMapping | None:
        if not _valid_id(form_id):
            return None
        with _storage_errors():
            snapshot = self._db.collection(FORM_MAPPINGS).document(form_id).get(**self._t)
        return FormMapping.model_validate(snapshot.to_dict()) if snapshot.exists else None

    def save(self, mapping: FormMapping) -> None:
        with _storage_errors():
            self._db.collection(FORM_MAPPINGS).document(mapping.form_id).set(
                _dump(mapping), **self._t
            )
