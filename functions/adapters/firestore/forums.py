"""Reading forums and their registrations outside a unit of work (pages, jobs, reports)."""

from __future__ import annotations

from datetime import datetime

from functions.adapters.firestore.base import (
    FORUM_REGISTRATIONS,
    FORUMS,
    FirestoreAdapter,
    dump,
    query,
    storage_errors,
    valid_id,
)
from functions.adapters.firestore.forum_attendance import AttendanceReading
from functions.adapters.firestore.forum_summaries import ForumSummaryReading
from functions.adapters.firestore.forum_survey import SurveyReading
from functions.domain.forums.models import Forum, Registration, RegistrationState


class FirestoreForumReader(AttendanceReading, SurveyReading, ForumSummaryReading,
                           FirestoreAdapter):  # fmt: skip
    """Forums, registrations, and (the mixins) attendance, survey responses and the
    compiled forum summaries."""

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


# ------------------------------------------------------------- inside a unit of work


class ForumStore:
    """Forums inside a unit of work; a registration reads and writes its forum's counters."""

    def __init__(self, unit):
        self._unit = unit

    def _ref(self, forum_id: str):
        return self._unit._db.collection(FORUMS).document(forum_id)

    def get(self, forum_id: str) -> Forum | None:
        if not valid_id(forum_id):
            return None
        data = self._unit.read(self._ref(forum_id))
        return Forum.model_validate(data) if data else None

    def add(self, forum: Forum) -> None:
        self._unit.create(self._ref(forum.forum_id), dump(forum))

    def save(self, forum: Forum) -> None:
        self._unit.update(self._ref(forum.forum_id), dump(forum))


class RegistrationStore:
    def __init__(self, unit):
        self._unit = unit

    def _ref(self, registration_id: str):
        return self._unit._db.collection(FORUM_REGISTRATIONS).document(registration_id)

    def get(self, registration_id: str) -> Registration | None:
        if not valid_id(registration_id):
            return None
        data = self._unit.read(self._ref(registration_id))
        return Registration.model_validate(data) if data else None

    def add(self, registration: Registration) -> None:
        self._unit.create(self._ref(registration.registration_id), dump(registration))

    def save(self, registration: Registration) -> None:
        self._unit.update(self._ref(registration.registration_id), dump(registration))

    def first_waitlisted(self, forum_id: str) -> Registration | None:
        """The forum's longest-waiting person, read in this unit (so that a commit after
        someone else promoted them is refused). Its caller has read the forum in this unit,
        and every promotion writes the forum: two promotions cannot both commit."""
        waiting = query(self._unit._db.collection(FORUM_REGISTRATIONS), FORUM_REGISTRATIONS,
                        {"forum_id": forum_id, "state": RegistrationState.WAITLISTED.value},
                        ("waitlist_position",)).limit(1)  # fmt: skip
        with storage_errors():
            found = [doc.id for doc in waiting.stream(**self._unit._t)]
        return self.get(found[0]) if found else None
