"""The administrators' allow-list in Firestore, one document per person (id: person key)."""

from __future__ import annotations

from functions.adapters.firestore.base import ADMINISTRATORS, FirestoreAdapter, dump, storage_errors
from functions.domain.directory.administrators import Administrator
from functions.domain.directory.models import person_key


class FirestoreAdministrators(FirestoreAdapter):
    def get(self, email: str) -> Administrator | None:
        """The administrator signing in with this address, or None (unknown or inactive)."""
        with storage_errors():
            snapshot = (
                self._db.collection(ADMINISTRATORS).document(person_key(email)).get(**self._t)
            )
        if not snapshot.exists:
            return None
        found = Administrator.model_validate(snapshot.to_dict())
        return found if found.active else None

    def list(self) -> list[Administrator]:
        with storage_errors():
            docs = list(self._db.collection(ADMINISTRATORS).stream(**self._t))
        return sorted((Administrator.model_validate(d.to_dict()) for d in docs),
                      key=lambda a: a.email)  # fmt: skip

    def save(self, administrator: Administrator) -> None:
        with storage_errors():
            self._db.collection(ADMINISTRATORS).document(administrator.key).set(
                dump(administrator), **self._t
            )
