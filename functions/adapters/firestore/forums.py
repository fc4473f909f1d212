"""Reading forums and their registrations outside a unit of work (pages, jobs, reports)."""

from __future__ import annotations

from datetime import datetime

from functions.adapters.firestore.base import (
    FORUM_REGISTRATIONS,
    FORUMS,
    FirestoreAdapter,
    query,
    storage_errors,
    valid_id,
)
from functions.adapters.firestore.forum_attendance import AttendanceReading
from functions.adapters.firestore.forum_survey import SurveyReading
from functions.domain.forums.models import Forum, Registration, RegistrationState


class FirestoreForumReader(AttendanceReading, SurveyReading, FirestoreAdapter):
    """Forums, registrations, and (the mixins) attendance and survey responses."""

    def get(self, forum_id: str) -> Forum | None:
        if not valid_id(forum_id):
            return None
        with storage_errors():
            snapshot = self._db.collection(FORUMS).document(forum_id).get(**self._t)
        return Forum.model_validate(snapshot.to_dict()) if snapshot.exists else None

    def in_month(self, month: str) -> list[Forum]:
        found = query(self._db.collection(FORUMS), FORUMS, {"month": month}, ("starts_at",))
        return self._forums(found)

    def starting_between(self, start: datetime, end: datetime) -> list[Forum]:
        from google.cloud.firestore_v1.base_query import FieldFilter

        found = query(self._db.collection(FORUMS), FORUMS, {}, ("starts_at",),
                      ranges={"starts_at": (">=", start)})  # fmt: skip
        return self._forums(found.where(filter=FieldFilter("starts_at", "<", end)))

    def registrations(self, forum_id: str,
                      state: RegistrationState | None = None) -> list[Registration]:  # fmt: skip
        filters = {"forum_id": forum_id} | ({"state": state.value} if state else {})
        found = query(self._db.collection(FORUM_REGISTRATIONS), FORUM_REGISTRATIONS, filters,
                      ("created_at",))  # fmt: skip
        with storage_errors():
            docs = list(found.stream(**self._t))
        return [Registration.model_validate(doc.to_dict()) for doc in docs]

    def registration(self, registration_id: str) -> Registration | None:
        if not valid_id(registration_id):
            return None
        with storage_errors():
            ref = self._db.collection(FORUM_REGISTRATIONS).document(registration_id)
            snapshot = ref.get(**self._t)
        return Registration.model_validate(snapshot.to_dict()) if snapshot.exists else None

    def _forums(self, found) -> list[Forum]:
        with storage_errors():
            docs = list(found.stream(**self._t))
        return [Forum.model_validate(doc.to_dict()) for doc in docs]
