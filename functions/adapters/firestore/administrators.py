"""The administrators' allow-list in Firestore, one document per person (id: person key), in
the administrators' database; and the copy of the active ones' contacts in the main one."""

from __future__ import annotations

from functions.adapters.firestore.base import (
    ADMINISTRATOR_CONTACTS,
    ADMINISTRATORS,
    FirestoreAdapter,
    dump,
    storage_errors,
)
from functions.domain.directory.administrators import Administrator
from functions.domain.directory.models import person_key
from functions.services.errors import StorageUnavailable

PUBLISH_ATTEMPTS = 5  # writers of the allow-list at once: a few administrators at most


class FirestoreAdministrators(FirestoreAdapter):
    def get(self, email: str) -> Administrator | None:
        """The administrator signing in with this address, or None (unknown or inactive)."""
        with storage_errors():
            snapshot = self.collection(ADMINISTRATORS).document(person_key(email)).get(**self._t)
        if not snapshot.exists:
            return None
        found = Administrator.model_validate(snapshot.to_dict())
        return found if found.active else None

    def list(self) -> list[Administrator]:
        return _sorted(self.collection(ADMINISTRATORS), self._t)

    def contacts(self) -> list[Administrator]:
        """The active administrators as last copied for mail (publish_contacts), read from
        the main database: what the flows that may not read the allow-list write to."""
        return _sorted(self.collection(ADMINISTRATOR_CONTACTS), self._t)

    def save(self, administrator: Administrator) -> None:
        with storage_errors():
            self.collection(ADMINISTRATORS).document(administrator.key).set(
                dump(administrator), **self._t
            )
        self.publish_contacts()

    def publish_contacts(self) -> None:
        """Copy the active administrators to the main database, and take out whoever is no
        longer listed or active. Run after every write of the allow-list: one that fails
        fails its caller, whose retry copies again. Two writers at once: each reads the list
        again after writing its copy and copies again when it changed meanwhile, so the last
        to write a copy has it match the list. (One batch: a network has tens of
        administrators, a batch takes 500 writes.)"""
        active = self._active()
        for _ in range(PUBLISH_ATTEMPTS):
            self._write_contacts(active)
            now = self._active()
            if now == active:
                return
            active = now
        raise StorageUnavailable("administrator contacts: the allow-list kept changing")

    def _active(self) -> dict[str, dict]:
        return {a.key: dump(a) for a in self.list() if a.active}

    def _write_contacts(self, active: dict[str, dict]) -> None:
        contacts = self.collection(ADMINISTRATOR_CONTACTS)
        with storage_errors():
            held = {doc.id for doc in contacts.select([]).stream(**self._t)}
            batch = self.database_of(ADMINISTRATOR_CONTACTS).batch()
            for key, administrator in active.items():
                batch.set(contacts.document(key), administrator)
            for gone in held - set(active):
                batch.delete(contacts.document(gone))
            batch.commit(**self._t)


def _sorted(collection, options: dict) -> list[Administrator]:
    with storage_errors():
        docs = list(collection.stream(**options))
    return sorted((Administrator.model_validate(d.to_dict()) for d in docs),
                  key=lambda a: a.email)  # fmt: skip
