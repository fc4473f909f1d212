"""The post-forum survey: what an attendee's personal link opens, and recording their answers
(from the page, or from the Google Form through intake_google_form).

Only attendees answer (the link is signed over an attendance record; a Google Form response
must come from an attendee's address), once each: the response's id is the attendee's, and a
second submission replaces the first until the survey closes. The attendee's survey state
becomes "answered" in the same commit, so the follow-up job reminds them no more.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from functions.domain.forums.attendance import Attendance, SurveyState
from functions.domain.forums.models import Forum
from functions.domain.forums.survey import (
    SurveyAnswers,
    SurveyResponse,
    answered,
    closes_at,
    survey_open,
)
from functions.domain.shared.signing import Purpose, Signer
from functions.services.errors import ServiceError
from functions.services.ports import Dependencies, UnitOfWork


class SurveyClosed(ServiceError):
    """The forum's survey takes no answers now (not yet ended, closed, or cancelled)."""


class NotAnAttendee(ServiceError):
    """No attendance record answers to this link or address."""


class SurveyView(NamedTuple):
    forum: Forum
    attendee: Attendance
    response: SurveyResponse | None
    open: bool
    closes_at: datetime


def survey_token(attendee_id: str, signer: Signer) -> str:
    return signer.sign(Purpose.FORUM_SURVEY, attendee_id)


def read_survey_token(token: object, signer: Signer) -> str | None:
    """The attendee id a survey link carries, or None for anything else."""
    return signer.unsign(Purpose.FORUM_SURVEY, token)


def survey_view(
    deps: Dependencies, token: object, now: datetime | None = None
) -> SurveyView | None:
    """The survey a link opens (its forum, the attendee, their response so far), or None."""
    attendee_id = read_survey_token(token, deps.signer)
    found = deps.forums.attendees([attendee_id]) if attendee_id else {}
    attendee = found.get(attendee_id)
    forum = deps.forums.get(attendee.forum_id) if attendee else None
    if forum is None:
        return None
    now = now or deps.clock()
    response = deps.forums.survey_response(attendee.attendee_id)
    return SurveyView(forum, attendee, response, survey_open(forum, now), closes_at(forum))


def submit_survey(deps: Dependencies, attendee_id: str, answers: SurveyAnswers,
                  source: str = "web", now: datetime | None = None,
                  ) -> tuple[SurveyResponse, bool]:  # fmt: skip
    """Record the attendee's answers: (the response, whether it changed). Raises
    NotAnAttendee or SurveyClosed (nothing written)."""
    now = now or deps.clock()

    def work(uow: UnitOfWork) -> tuple[SurveyResponse, bool]:
        attendee = uow.attendance.get(attendee_id)
        if attendee is None:
            raise NotAnAttendee(attendee_id)
        forum = deps.forums.get(attendee.forum_id)
        if forum is None or not survey_open(forum, now):
            raise SurveyClosed(attendee.forum_id)
        existing = uow.surveys.get(attendee_id)
        response = answered(existing, answers, attendee_id=attendee_id, forum_id=forum.forum_id,
                            registration_id=attendee.registration_id, role=attendee.role.value,
                            centre_id=attendee.centre_id, language=attendee.language,
                            source=source, now=now, name=attendee.name)  # fmt: skip
        if response is None:
            return existing, False
        uow.surveys.save(response)
        if attendee.survey_state != SurveyState.ANSWERED:
            update = {"survey_state": SurveyState.ANSWERED, "answered_at": now, "updated_at": now}
            uow.attendance.save(attendee.model_copy(update=update))
        return response, True

    return deps.transactions.run(work)[0]


def attendee_by_email(deps: Dependencies, forum_id: str, email: str) -> Attendance | None:
    """The forum's attendee of this address (the Google Form's respondent), if any."""
    wanted = email.strip().lower()
    return next((a for a in deps.forums.attendance(forum_id)
                 if a.email and a.email.strip().lower() == wanted), None)  # fmt: skip
