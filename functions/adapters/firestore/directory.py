"""Regions and centres (and their contacts) in Firestore."""

from __future__ import annotations

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


class FirestoreCentreDirectory(FirestoreAdapter):
    """Regions and centres (and their contacts), read by every intake."""

    def get_centre(self, centre_id: str) -> Centre | None:
        if not valid_id(centre_id):
            return None
        with storage_errors():
            snapshot = self._db.collection(CENTRES).document(centre_id).get(**self._t)
        return Centre.model_validate(snapshot.to_dict()) if snapshot.exists else None

    def get_region(self, region_id: str) -> Region | None:
        if not valid_id(region_id):
            return None
        with storage_errors():
            snapshot = self._db.collection(REGIONS).document(region_id).get(**self._t)
        return Region.model_validate(snapshot.to_dict()) if snapshot.exists else None

    def list_centres(self) -> list[Centre]:
        with storage_errors():
            docs = list(
                query(self._db.collection(CENTRES), CENTRES, {"active": True}).stream(**self._t)
            )
        return sorted((Centre.model_validate(d.to_dict()) for d in docs), key=lambda c: c.name)

    def list_regions(self) -> list[Region]:
        with storage_errors():
            docs = list(self._db.collection(REGIONS).stream(**self._t))
        return sorted((Region.model_validate(d.to_dict()) for d in docs), key=lambda r: r.name)

    def save_region(self, region: Region) -> None:
        with storage_errors():
            self._db.collection(REGIONS).document(region.region_id).set(dump(region), **self._t)

    def save_centre(self, centre: Centre) -> None:
        with storage_errors():
            self._db.collection(CENTRES).document(centre.centre_id).set(dump(centre), **self._t)
