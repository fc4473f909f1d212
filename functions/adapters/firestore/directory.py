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
    CENTRES,
    REGIONS,
    FirestoreAdapter,
    dump,
    query,
    storage_errors,
    valid_id,
)
from functions.domain.directory.models import Centre, Region

# More than a network has centres and regions; ids that exist only are kept (an unknown id is
# read each time: a stranger's made-up ids never fill the cache).
_CACHE_ENTRIES = 4096


class FirestoreCentreDirectory(FirestoreAdapter):
    """Regions and centres (and their contacts), read by every intake."""

    def __init__(self, client, timeout: float = 10.0, cache_seconds: float = 60.0):
        super().__init__(client, timeout)
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
