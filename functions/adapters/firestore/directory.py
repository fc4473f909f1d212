"""Regions and centres (and their contacts) in Firestore.

Every intake reads its centre and region, and every form lists the centres; they change
rarely: each instance keeps what it read (single documents and whole lists) for
DIRECTORY_CACHE_SECONDS (a minute), so a warm intake reads nothing before its commit. A
change to the directory (a new principal's address, a centre closed) reaches every instance
within that minute.
"""

from __future__ import annotations

import threading

from cachetools import TTLCache

from functions.adapters.firestore.base import (
    ADMINISTRATORS,
    CASES,
    CENTRES,
    REGIONS,
    FirestoreAdapter,
    dump,
    query,
    storage_errors,
    valid_id,
)
from functions.domain.directory.administrators import Administrator
from functions.domain.directory.models import Centre, Region

# Firestore takes at most 500 writes in one batch.
BATCH_WRITES = 500
IN_LIMIT = 30  # values in one "in" filter
# More than a network has centres and regions; ids that exist only are kept (an unknown id is
# read each time: a stranger's made-up ids never fill the cache).
_CACHE_ENTRIES = 4096


class FirestoreCentreDirectory(FirestoreAdapter):
    """Regions and centres (and their contacts), read by every intake."""

    def __init__(self, client, timeout: float = 10.0, cache_seconds: float = 60.0,
                 admin_client=None):  # fmt: skip
        super().__init__(client, timeout, admin_client)
        self._cache: TTLCache | None = (
            TTLCache(_CACHE_ENTRIES, cache_seconds) if cache_seconds > 0 else None
        )
        self._lock = threading.Lock()  # TTLCache is not thread-safe; gunicorn threads share it

    def _get(self, collection: str, doc_id: str, model):
        if not valid_id(doc_id):
            return None
        with self._lock:
            found = self._cache.get((collection, doc_id)) if self._cache is not None else None
        if found is not None:
            return found
        with storage_errors():
            snapshot = self._db.collection(collection).document(doc_id).get(**self._t)
        if not snapshot.exists:
            return None
        found = model.model_validate(snapshot.to_dict())
        self._remember(collection, doc_id, found)
        return found

    def _remember(self, collection: str, doc_id: str | None, value) -> None:
        if self._cache is not None:
            with self._lock:
                self._cache[(collection, doc_id)] = value

    def _changed(self, collection: str, doc_id: str, value) -> None:
        """A document this instance wrote: kept as written, and its collection read anew."""
        self._remember(collection, doc_id, value)
        if self._cache is not None:
            with self._lock:
                self._cache.pop((collection, None), None)

    def get_centre(self, centre_id: str) -> Centre | None:
        return self._get(CENTRES, centre_id, Centre)

    def get_region(self, region_id: str) -> Region | None:
        return self._get(REGIONS, region_id, Region)

    def _listed(self, collection: str, read) -> list:
        """Every document of a collection, as `read()` gives them; kept like single ones."""
        with self._lock:
            found = self._cache.get((collection, None)) if self._cache is not None else None
        if found is None:
            found = read()
            self._remember(collection, None, found)
        return list(found)

    def list_centres(self) -> list[Centre]:
        def read():
            centres = query(self._db.collection(CENTRES), CENTRES, {"active": True})
            with storage_errors():
                docs = list(centres.stream(**self._t))
            return sorted((Centre.model_validate(d.to_dict()) for d in docs),
                          key=lambda c: c.name)  # fmt: skip

        return self._listed(CENTRES, read)

    def list_regions(self) -> list[Region]:
        def read():
            with storage_errors():
                docs = list(self._db.collection(REGIONS).stream(**self._t))
            return sorted((Region.model_validate(d.to_dict()) for d in docs),
                          key=lambda r: r.name)  # fmt: skip

        return self._listed(REGIONS, read)

    def save_region(self, region: Region) -> None:
        with storage_errors():
            self._db.collection(REGIONS).document(region.region_id).set(dump(region), **self._t)
        self._changed(REGIONS, region.region_id, region)

    def save_centre(self, centre: Centre) -> None:
        with storage_errors():
            self._db.collection(CENTRES).document(centre.centre_id).set(dump(centre), **self._t)
        self._changed(CENTRES, centre.centre_id, centre)

    # The administrators' reads and writes (functions/services/directory/): never cached, so
    # an import compares with what is stored now, closed centres included.
    def all_centres(self, region_id: str | None = None) -> list[Centre]:
        """Every centre (active or not), of one region when given (single-field index)."""
        found = query(self._db.collection(CENTRES), CENTRES,
                      {"region_id": region_id} if region_id else {})  # fmt: skip
        with storage_errors():
            docs = list(found.stream(**self._t))
        return sorted((Centre.model_validate(d.to_dict()) for d in docs),
                      key=lambda c: (c.region_id, c.name))  # fmt: skip

    def read_centre(self, centre_id: str) -> Centre | None:
        """The centre as stored now (the admin pages show what they change)."""
        if not valid_id(centre_id):
            return None
        with storage_errors():
            snapshot = self._db.collection(CENTRES).document(centre_id).get(**self._t)
        return Centre.model_validate(snapshot.to_dict()) if snapshot.exists else None

    def all_regions(self) -> list[Region]:
        with storage_errors():
            docs = list(self._db.collection(REGIONS).stream(**self._t))
        return sorted((Region.model_validate(d.to_dict()) for d in docs),
                      key=lambda r: r.name)  # fmt: skip

    def write_all(self, regions: list[Region], centres: list[Centre],
                  administrators: list[Administrator]) -> int:  # fmt: skip
        """Set each document whole, BATCH_WRITES a batch (each batch all or nothing; a
        directory write repeated writes the same), the administrators' in their own database
        after the rest. Returns the number of batches."""
        writes = [(REGIONS, r.region_id, r) for r in regions]
        writes += [(CENTRES, c.centre_id, c) for c in centres]
        listed = [(ADMINISTRATORS, a.key, a) for a in administrators]
        batches = 0
        for group in (writes, listed):
            for start in range(0, len(group), BATCH_WRITES):
                self._set_all(group[start : start + BATCH_WRITES])
                batches += 1
        for collection, doc_id, value in writes:
            self._changed(collection, doc_id, value)
        return batches

    def _set_all(self, writes: list[tuple[str, str, object]]) -> None:
        """One batch: every write of it in one database (a batch commits within one)."""
        db = self.database_of(writes[0][0])
        batch = db.batch()
        for collection, doc_id, value in writes:
            batch.set(db.collection(collection).document(doc_id), dump(value))
        with storage_errors():
            batch.commit(**self._t)

    def open_cases_held(self, person_keys: list[str]) -> list[tuple[str, str, str | None]]:
        """(reference, person key, centre id) of each open case assigned to one of these
        people: a query on open and assignee.key (composite index) per IN_LIMIT people,
        reading those two fields only."""
        found = []
        for start in range(0, len(person_keys), IN_LIMIT):
            keys = person_keys[start : start + IN_LIMIT]
            held = query(self._db.collection(CASES), CASES, {"open": True},
                         ranges={"assignee.key": ("in", keys)})  # fmt: skip
            with storage_errors():
                docs = list(held.select(["centre_id", "assignee.key"]).stream(**self._t))
            for doc in docs:
                data = doc.to_dict() or {}
                found.append((doc.id, (data.get("assignee") or {}).get("key"),
                              data.get("centre_id")))  # fmt: skip
        return found
