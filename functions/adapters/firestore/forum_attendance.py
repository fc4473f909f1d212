"""Forum attendance in Firestore: the unit of work's store (AttendanceStore) and the reads
the pages, the follow-up job and the reports make (AttendanceReading, part of
FirestoreForumReader).

forum_attendance/<attendee id>: one Attendance per person and forum (domain/forums/attendance.py).
"""

from __future__ import annotations

from datetime import datetime

from functions.adapters.firestore.base import (
    FORUM_ATTENDANCE,
    FORUM_REGISTRATIONS,
    FORUMS,
    dump,
    query,
    storage_errors,
    valid_id,
)
from functions.adapters.firestore.tallies import forum_tally
from functions.domain.forums.attendance import Attendance, RoleFigures, SurveyState
from functions.domain.forums.models import Forum, RegistrationState
from functions.domain.reports.tallies import role_figures
from functions.domain.shared.vocabulary import ParticipantRole


class AttendanceStore:
    """Attendance inside a unit of work: read (many at once), then written together."""

    def __init__(self, unit):
        self._unit = unit

    def _ref(self, attendee_id: str):
        return self._unit._db.collection(FORUM_ATTENDANCE).document(attendee_id)

    def get(self, attendee_id: str) -> Attendance | None:
        if not valid_id(attendee_id):
            return None
        data = self._unit.read(self._ref(attendee_id))
        return Attendance.model_validate(data) if data else None

    def get_many(self, attendee_ids: list[str]) -> dict[str, Attendance]:
        """Those of these records that exist, read in one round trip (each one's version is
        kept: a write is refused if it changed since)."""
        refs = [self._ref(i) for i in dict.fromkeys(attendee_ids) if valid_id(i)]
        if not refs:
            return {}
        unit = self._unit
        with storage_errors():
            snapshots = list(unit._db.get_all(refs, **unit._t))
        found = {}
        for snapshot in snapshots:
            data = unit.remember(snapshot)
            if data is not None:
                found[snapshot.id] = Attendance.model_validate(data)
        return found

    def add(self, attendance: Attendance) -> None:
        self._unit.create(self._ref(attendance.attendee_id), dump(attendance))

    def save(self, attendance: Attendance) -> None:
        """A new record or a changed one, as read in this unit (unchanged since, or still
        absent)."""
        ref = self._ref(attendance.attendee_id)
        if ref.path in self._unit.versions:
            self._unit.update(ref, dump(attendance))
        else:
            self._unit.create(ref, dump(attendance))

    def remove(self, attendance: Attendance) -> None:
        """Forget the record (read in this unit, unchanged since): taken off the roll."""
        self._unit.delete(self._ref(attendance.attendee_id))


class AttendanceReading:
    """The reads of attendance outside a unit of work (mixed into FirestoreForumReader)."""

    def attendance(self, forum_id: str) -> list[Attendance]:
        """Everyone who attended the forum (one query)."""
        found = query(self._db.collection(FORUM_ATTENDANCE), FORUM_ATTENDANCE,
                      {"forum_id": forum_id})  # fmt: skip
        with storage_errors():
            docs = list(found.stream(**self._t))
        people = [Attendance.model_validate(doc.to_dict()) for doc in docs]
        return sorted(people, key=lambda a: (a.name.casefold(), a.attendee_id))

    def count_attended(self, forum_id: str) -> int:
        """How many took part in the forum (one count aggregation, no record read)."""
        return self._count(query(self._db.collection(FORUM_ATTENDANCE), FORUM_ATTENDANCE,
                                 {"forum_id": forum_id}))  # fmt: skip

    def attendees(self, attendee_ids: list[str]) -> dict[str, Attendance]:
        """These records, those that exist (one batched read)."""
        refs = [self._db.collection(FORUM_ATTENDANCE).document(i)
                for i in dict.fromkeys(attendee_ids) if valid_id(i)]  # fmt: skip
        if not refs:
            return {}
        with storage_errors():
            snapshots = list(self._db.get_all(refs, **self._t))
        return {s.id: Attendance.model_validate(s.to_dict()) for s in snapshots if s.exists}

    def survey_due(self, forum_id: str, state: SurveyState, limit: int,
                   sent_before: datetime | None = None) -> list[str]:  # fmt: skip
        """Ids of the forum's attendees whose survey is in `state` (and, given
        `sent_before`, went out before it): whom to invite, or to remind."""
        found = self._survey_query(forum_id, state, sent_before).limit(limit)
        with storage_errors():
            return [doc.id for doc in found.select(["forum_id"]).stream(**self._t)]

    def count_survey_due(self, forum_id: str, state: SurveyState,
                         sent_before: datetime | None = None) -> int:  # fmt: skip
        """How many (a count aggregation: the follow-up job reads no attendee)."""
        return self._count(self._survey_query(forum_id, state, sent_before))

    def _survey_query(self, forum_id: str, state: SurveyState, sent_before: datetime | None):
        ranges = {"survey_sent_at": ("<=", sent_before)} if sent_before else None
        filters = {"forum_id": forum_id, "survey_state": state.value}
        collection = self._db.collection(FORUM_ATTENDANCE)
        return query(collection, FORUM_ATTENDANCE, filters, ranges=ranges)

    def attendance_by_role(self, forum_id: str) -> dict[ParticipantRole, RoleFigures]:
        """Each role's registered, attended and no-show figures, counted by aggregation
        queries (no record read): the same as domain figures_by_role over the records."""
        attendance, registrations = (self._db.collection(FORUM_ATTENDANCE),
                                     self._db.collection(FORUM_REGISTRATIONS))  # fmt: skip
        figures = {}
        for role in ParticipantRole:
            attended = self._count(query(attendance, FORUM_ATTENDANCE,
                                         {"forum_id": forum_id, "role": role.value}))  # fmt: skip
            came = self._count(query(attendance, FORUM_ATTENDANCE, {
                "forum_id": forum_id, "role": role.value, "registered": True}))  # fmt: skip
            registered = self._count(query(registrations, FORUM_REGISTRATIONS, {
                "forum_id": forum_id, "role": role.value,
                "state": RegistrationState.REGISTERED.value}))  # fmt: skip
            figures[role] = RoleFigures(registered=registered, attended=attended,
                                        attended_registered=came,
                                        walk_ins=attended - came)  # fmt: skip
        return figures

    def role_tallies(self, forum_id: str) -> dict[ParticipantRole, RoleFigures]:
        """attendance_by_role's figures from the forum's tally (adapters/firestore/tallies.py),
        one document: what the forum summaries read."""
        return role_figures(forum_tally(self._db, self._t, forum_id))

    def ended_between(self, start: datetime, end: datetime) -> list[Forum]:
        """Forums that ended from `start` (included) to `end` (not), cancelled ones too."""
        from google.cloud.firestore_v1.base_query import FieldFilter

        found = query(self._db.collection(FORUMS), FORUMS, {}, ("ends_at",),
                      ranges={"ends_at": (">=", start)})  # fmt: skip
        found = found.where(filter=FieldFilter("ends_at", "<", end))
        with storage_errors():
            docs = list(found.stream(**self._t))
        return [Forum.model_validate(doc.to_dict()) for doc in docs]

    def _count(self, found) -> int:
        with storage_errors():
            result = found.count(alias="n").get(**self._t)
        return int(result[0][0].value) if result and result[0] else 0
