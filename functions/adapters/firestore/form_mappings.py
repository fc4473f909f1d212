"""Per-form question mappings for Google Forms intake, in Firestore."""

from __future__ import annotations

from typing import TYPE_CHECKING

from functions.adapters.firestore.base import (
    FORM_MAPPINGS,
    FirestoreAdapter,
    dump,
    storage_errors,
    valid_id,
)

if TYPE_CHECKING:
    from functions.domain.cases.google_forms import FormMapping


class FirestoreFormMappingStore(FirestoreAdapter):
    """Per-form question mappings for Google Forms intake."""

    def get(self, form_id: str) -> FormMapping | None:
        if not valid_id(form_id):
            return None
        with storage_errors():
            snapshot = self._db.collection(FORM_MAPPINGS).document(form_id).get(**self._t)
        from functions.domain.cases.google_forms import (
            FormMapping,  # only Google Forms intake needs it
        )

        return FormMapping.model_validate(snapshot.to_dict()) if snapshot.exists else None

    def save(self, mapping: FormMapping) -> None:
        with storage_errors():
            self._db.collection(FORM_MAPPINGS).document(mapping.form_id).set(
                dump(mapping), **self._t
            )
