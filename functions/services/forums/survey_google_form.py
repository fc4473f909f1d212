"""The "forum_survey" purpose of intake_google_form (services/intake/google_form.py
HANDLERS): a survey form's response recorded as its respondent's survey response.

The respondent is matched to an attendee of the form's forum (the mapping's forum_id, or
a question mapped to "forum") by the address Google collected (respondent_email) or a
question mapped to "email". A non-attendee's response, or one after the survey closed, is
refused with a 422 saying why, and nothing is stored. Answers the form sends again update
the same response (its version goes up), as the web page's do.
"""

from __future__ import annotations

from pydantic import ValidationError

from functions import logs
from functions.domain.forums.survey import SurveyAnswers
from functions.domain.forums.survey_form_answers import read_survey
from functions.domain.shared.validation import FieldError, field_errors
from functions.services.forums.survey import (
    NotAnAttendee,
    SurveyClosed,
    attendee_by_email,
    submit_survey,
)
from functions.services.ports import Dependencies

_NOT_ATTENDEE = "Not an attendee of this forum: only attendees answer its survey; nothing stored"
_CLOSED = "The survey of this forum is closed (or not open yet); nothing stored"


def survey_response(response, mapping, deps: Dependencies):
    """(response, mapping) -> FormOutcome(created, {forum_id, version}); raises
    AnswersRefused (422) for a response that cannot be a survey response."""
    from functions.domain.cases.google_forms import AnswersRefused
    from functions.services.intake.google_form import FormOutcome

    given: dict[str, list[str]] = {}
    for answer in response.answers:
        field = next((f for q, f in mapping.questions.items()
                      if " ".join(q.split()).casefold() ==
                      " ".join(answer.question.split()).casefold()), None)  # fmt: skip
        if field is not None:
            parts = answer.answer if isinstance(answer.answer, list) else [answer.answer]
            given.setdefault(field, []).extend(p[:4000] for p in parts[:50])
    forum_id = mapping.forum_id or ", ".join(given.get("forum", [])).strip()
    email = (response.respondent_email or ", ".join(given.get("email", []))).strip()
    if not forum_id or not email:
        raise AnswersRefused([FieldError("respondent_email" if forum_id else "forum",
                                         "A survey response needs its forum and the "
                                         "respondent's email address")])  # fmt: skip
    attendee = attendee_by_email(deps, forum_id, email)
    if attendee is None:
        raise AnswersRefused([FieldError("respondent_email", _NOT_ATTENDEE)])
    centres = {c.centre_id: c.name for c in deps.directory.list_centres()}
    try:
        answers = SurveyAnswers.model_validate(read_survey(given, centres))
    except ValidationError as error:
        raise AnswersRefused(field_errors(error)) from None
    try:
        stored, changed = submit_survey(deps, attendee.attendee_id, answers, "google_form")
    except SurveyClosed:
        raise AnswersRefused([FieldError("forum", _CLOSED)]) from None
    except NotAnAttendee:
        raise AnswersRefused([FieldError("respondent_email", "Not an attendee")]) from None
    if changed:
        logs.forum_survey_recorded(forum_id, attendee.attendee_id, stored.version, "google_form")
    return FormOutcome(
        changed and stored.version == 1,
        {"forum_id": forum_id, "version": stored.version, "changed": changed},
    )
