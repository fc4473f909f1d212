"""The post-forum survey: one response per attendee, open from the forum's end until
`forum.survey_days` later. A second submission replaces the first (its version goes up) while
the survey is open; after it closes nothing changes.

Free text is kept cleaned (no control characters) and bounded; it is shown escaped
everywhere. Issue 11's report shows it without names unless `may_quote_name`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field, field_validator

from functions.domain.forums.models import Forum, ForumStatus
from functions.domain.shared.records import Record
from functions.domain.shared.text import clean_text
from functions.domain.shared.vocabulary import Category, Language

TEXT_MAX = 2_000  # each free-text answer
OTHER_MAX = 300  # the pain points' "other" line
REMINDER_AFTER = timedelta(days=3)  # non-respondents are reminded this long after the survey
SATISFIED = frozenset({4, 5})  # a response counts as satisfied (issue 11's rate)


class SurveyAnswers(BaseModel):
    """What a respondent answers (the page's form, the Google Form), checked."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    satisfaction: int = Field(ge=1, le=5)
    wants_monthly: bool
    pain_points: list[Category] = Field(default_factory=list, max_length=len(Category))
    pain_points_other: str = Field(default="", max_length=OTHER_MAX)
    recommendations: str = Field(default="", max_length=TEXT_MAX)
    promising_practice: str = Field(default="", max_length=TEXT_MAX)
    practice_centre_id: str | None = Field(default=None, max_length=200)
    advisory_nominee: bool = False
    advisory_consent: bool = False
    comments: str = Field(default="", max_length=TEXT_MAX)
    may_quote_name: bool = False

    @field_validator("pain_points_other", "recommendations", "promising_practice", "comments")
    @classmethod
    def _clean(cls, text: str) -> str:
        return clean_text(text.encode("utf-8", "replace").decode("utf-8"))

    @field_validator("pain_points")
    @classmethod
    def _once_each(cls, points: list[Category]) -> list[Category]:
        return list(dict.fromkeys(points))

    @field_validator("advisory_consent")
    @classmethod
    def _consent(cls, consent: bool, info) -> bool:
        # Consent to be considered only means something for a nominee.
        return consent and bool(info.data.get("advisory_nominee"))


class SurveyResponse(Record):
    """An attendee's answers, as stored (id: the attendee id)."""

    attendee_id: str
    forum_id: str
    registration_id: str | None = None
    role: str  # the attendee's ParticipantRole, copied for the report's grouping
    centre_id: str | None = None
    satisfaction: int = Field(ge=1, le=5)
    wants_monthly: bool
    pain_points: list[Category] = Field(default_factory=list)
    pain_points_other: str = ""
    recommendations: str = ""
    promising_practice: str = ""
    practice_centre_id: str | None = None
    advisory_nominee: bool = False
    advisory_consent: bool = False
    advisory_consented_at: datetime | None = None
    comments: str = ""
    may_quote_name: bool = False
    # The attendee's name as the report may quote it: kept only when they agreed to it
    quoted_as: str | None = None
    language: Language = Language.ENGLISH
    source: str = "web"  # web, google_form
    submitted_at: datetime
    updated_at: datetime
    version: int = 1


def closes_at(forum: Forum) -> datetime:
    return forum.ends_at + timedelta(days=forum.survey_days)


def survey_open(forum: Forum, now: datetime) -> bool:
    """Whether the forum's survey takes answers: it happened (not cancelled), it ended, and
    its survey has not closed."""
    return forum.status != ForumStatus.CANCELLED and forum.ends_at <= now < closes_at(forum)


def answered(existing: SurveyResponse | None, answers: SurveyAnswers, *, attendee_id: str,
             forum_id: str, registration_id: str | None, role: str, centre_id: str | None,
             language: Language, source: str, now: datetime,
             name: str | None = None) -> SurveyResponse | None:  # fmt: skip
    """The response with these answers: a new one, the existing one updated (version + 1),
    or None when they are the answers already stored (a Send pressed twice). `name`, the
    attendee's, is kept only when they agreed to be quoted by name."""
    fields = answers.model_dump()
    if existing is not None:
        same = all(getattr(existing, name) == value for name, value in fields.items())
        if same:
            return None
    consented_at = None
    if answers.advisory_consent:
        kept = existing.advisory_consented_at if existing and existing.advisory_consent else None
        consented_at = kept or now
    return SurveyResponse(
        attendee_id=attendee_id, forum_id=forum_id, registration_id=registration_id, role=role,
        centre_id=centre_id, language=language, source=source,
        advisory_consented_at=consented_at, quoted_as=name if answers.may_quote_name else None,
        submitted_at=existing.submitted_at if existing else now, updated_at=now,
        version=existing.version + 1 if existing else 1, **fields,
    )  # fmt: skip
