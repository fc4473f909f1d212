"""Survey responses in Firestore: the unit of work's store (SurveyStore) and the reads of a
forum's responses (SurveyReading, part of FirestoreForumReader).

forum_survey_responses/<attendee id>: one SurveyResponse per attendee (domain/forums/survey.py).
"""

from __future__ import annotations

from functions.adapters.firestore.base import (
    FORUM_SURVEY_RESPONSES,
    dump,
    query,
    storage_errors,
    valid_id,
)
from functions.adapters.firestore.raw_reads import documents
from functions.domain.forums.survey import SurveyResponse


class SurveyStore:
    """Survey responses inside a unit of work."""

    def __init__(self, unit):
        self._unit = unit

    def _ref(self, attendee_id: str):
        return self._unit._db.collection(FORUM_SURVEY_RESPONSES).document(attendee_id)

    def get(self, attendee_id: str) -> SurveyResponse | None:
        if not valid_id(attendee_id):
            return None
        data = self._unit.read(self._ref(attendee_id))
        return SurveyResponse.model_validate(data) if data else None

    def save(self, response: SurveyResponse) -> None:
        """The response, new or replacing the one read in this unit (unchanged since): two
        submissions racing cannot both commit, the second runs again on the first."""
        ref = self._ref(response.attendee_id)
        if ref.path not in self._unit.versions:
            self._unit.read(ref)
        self._unit.update(ref, dump(response))


class SurveyReading:
    """The reads of survey responses outside a unit of work (mixed into FirestoreForumReader)."""

    def survey_responses(self, forum_id: str,
                         fields: tuple[str, ...] | None = None,
                         ) -> list[SurveyResponse]:  # fmt: skip
        """The forum's responses, first submitted first (one query, decoded from the wire:
        a month's forums may bring ten thousand, adapters/firestore/raw_reads.py); only
        `fields` of each when given (the others left at their defaults)."""
        found = query(self._db.collection(FORUM_SURVEY_RESPONSES), FORUM_SURVEY_RESPONSES,
                      {"forum_id": forum_id})  # fmt: skip
        if fields:
            found = found.select(list(fields))
        responses = [SurveyResponse.model_validate(data) for data in documents(found, self._t)]
        return sorted(responses, key=lambda r: (r.submitted_at, r.attendee_id))

    def survey_response(self, attendee_id: str) -> SurveyResponse | None:
        if not valid_id(attendee_id):
            return None
        with storage_errors():
            snapshot = (self._db.collection(FORUM_SURVEY_RESPONSES).document(attendee_id)
                        .get(**self._t))  # fmt: skip
        return SurveyResponse.model_validate(snapshot.to_dict()) if snapshot.exists else None

    def count_survey_responses(self, forum_id: str) -> int:
        """How many (a count aggregation)."""
        found = query(self._db.collection(FORUM_SURVEY_RESPONSES), FORUM_SURVEY_RESPONSES,
                      {"forum_id": forum_id})  # fmt: skip
        with storage_errors():
            result = found.count(alias="n").get(**self._t)
        return int(result[0][0].value) if result and result[0] else 0
