"""Reading a Google Form response into case fields through a per-form question mapping.

A mapping has a `purpose`: "case" (the default, everything below), "forum_registration"
(domain/forums/google_form_answers.py reads those) or "forum_survey". The intake service
dispatches each response by its mapping's purpose (services/intake/google_form.py HANDLERS).

A response is never refused for what it says: anything that does not match is kept as
given and the case is flagged for the regional administrator's triage. What is kept is
bounded: a short answer kept as given is one line of at most GIVEN_TEXT_MAX characters, and a
message longer than CASE_DESCRIPTION_MAX is cut there and flagged (the form keeps it whole).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal, get_args

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from functions.domain.cases.models import CASE_DESCRIPTION_MAX, GIVEN_TEXT_MAX, Child, Reporter
from functions.domain.directory.models import Centre
from functions.domain.shared.consent import CONSENT_TEXTS, FORUM_CONSENT_TEXTS
from functions.domain.shared.contact import normalise_email, normalise_phone
from functions.domain.shared.text import clean_text, cut, one_line
from functions.domain.shared.validation import FieldError
from functions.domain.shared.vocabulary import (
    AgeGroup,
    Category,
    Kind,
    Language,
    ReporterRole,
    TriageReason,
    match_choice,
)

CaseField = Literal[
    "centre",
    "kind",
    "category",
    "description",
    "urgent",
    "consent",
    "reporter.name",
    "reporter.email",
    "reporter.phone",
    "reporter.role",
    "reporter.preferred_language",
    "child.first_name",
    "child.age_group",
]
# What a registration form's questions may feed (domain/forums/google_form_answers.py).
RegistrationField = Literal[
    "forum",  # the forum's id (or "Any label (id)"), unless the mapping fixes `forum_id`
    "name",
    "role",
    "centre",
    "email",
    "phone",
    "needs",
    "topics",
    "room",
    "language",
    "consent",
]
FormPurpose = Literal["case", "forum_registration", "forum_survey"]
# The fields a purpose's questions may feed, checked when a mapping is loaded. A purpose not
# listed here (forum_survey, until its fields are added) leaves its targets to its handler.
FIELDS_OF_PURPOSE: dict[str, frozenset[str]] = {
    "case": frozenset(get_args(CaseField)),
    "forum_registration": frozenset(get_args(RegistrationField)),
}
# Opaque ids, taken as sent (infra/openapi.yaml: 1 to 200 characters, any).
Id = Annotated[str, StringConstraints(min_length=1, max_length=200)]
_YES = {"yes", "y", "true", "ja", "yebo", "ewe", "ee", "urgent"}
_NO = {"no", "n", "false", "nee", "cha", "hayi", "not urgent", ""}
_RFC3339 = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:(?P<second>[0-9]{2})(\.[0-9]+)?"
    r"([Zz]|[+-][0-9]{2}:[0-9]{2})",
    re.ASCII,
)


def _rfc3339(value):
    """A date-time as the document's `format: date-time` means it (what toISOString makes),
    not the wider set pydantic would take (numbers, dates alone, no offset)."""
    if value is None:
        return None
    matched = _RFC3339.fullmatch(value) if isinstance(value, str) else None
    if not matched:
        raise ValueError("Use an RFC 3339 date-time, like 2026-11-23T08:00:00Z")
    text = value.upper().replace("Z", "+00:00")
    if matched.group("second") == "60":  # a leap second: Python's datetime has no :60
        text = text[: matched.start("second")] + "59" + text[matched.end("second") :]
    return datetime.fromisoformat(text)


class AnswersRefused(Exception):
    """A purpose's answers cannot be used (a registration with no forum, no way to reach the
    person, no consent): the problems by the mapping's field names, answered as a 422. A
    case never raises it: a feedback form's response is kept whatever it says."""

    def __init__(self, errors: list[FieldError]):
        super().__init__(", ".join(error.field for error in errors))
        self.errors = errors


class FormAnswer(BaseModel):
    model_config = ConfigDict(extra="ignore")
    question: Annotated[str, StringConstraints(max_length=1000)]
    answer: str | list[str]

    def text(self) -> str:
        parts = self.answer if isinstance(self.answer, list) else [self.answer]
        return ", ".join(part.strip() for part in parts if part.strip())


class FormResponse(BaseModel):
    """What infra/google_forms/Code.gs posts for one form submission."""

    model_config = ConfigDict(extra="ignore")
    form_id: Id
    response_id: Id
    submitted_at: Annotated[datetime | None, BeforeValidator(_rfc3339)] = None
    respondent_email: str | None = None
    answers: Annotated[list[FormAnswer], Field(max_length=200)]


class FormMapping(BaseModel):
    """Which question of a form feeds which field (kept in Firestore, seeded from infra/):
    a case's fields for purpose "case" (the default), a registration's for
    "forum_registration" (the forum fixed by `forum_id` or given by a question mapped to
    "forum")."""

    form_id: Id
    title: str = ""
    purpose: FormPurpose = "case"
    region_id: str | None = None
    consent_version: str
    forum_id: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None
    questions: dict[str, str]

    @model_validator(mode="after")
    def _fields_fit_the_purpose(self) -> FormMapping:
        allowed = FIELDS_OF_PURPOSE.get(self.purpose)
        unknown = sorted({f for f in self.questions.values() if allowed and f not in allowed})
        if unknown:
            raise ValueError(f"not fields of a {self.purpose} form: {', '.join(unknown)}")
        # The version its records carry: a kept text, so what was agreed to can be shown.
        if self.consent_version not in CONSENT_TEXTS | FORUM_CONSENT_TEXTS:
            raise ValueError("consent_version is not a kept consent text's")
        if self.purpose == "case" and self.consent_version not in CONSENT_TEXTS:
            raise ValueError("a feedback form's consent_version is a feedback consent's")
        if self.purpose == "forum_registration":
            if self.consent_version not in FORUM_CONSENT_TEXTS:
                raise ValueError("a registration form's consent_version is a forum consent's")
            if not self.forum_id and "forum" not in self.questions.values():
                raise ValueError("a registration form fixes forum_id or asks which forum")
        return self


class Interpretation(BaseModel):
    """A response read into case fields, with the reasons it needs a person's eye."""

    centre: Centre | None
    given: dict[str, str]
    kind: Kind | None
    category: Category
    description: str
    urgent: bool
    reporter: Reporter
    consent_given: bool
    child: Child | None
    reasons: list[TriageReason]


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _find_centre(text: str, centres: list[Centre]) -> Centre | None:
    wanted = _key(text)
    return next((c for c in centres if wanted in {_key(c.name), _key(c.centre_id)}), None)


def _contact(raw: str, normalise, reasons: list[TriageReason]) -> str | None:
    if not raw:
        return None
    try:
        return normalise(raw)
    except ValueError:
        reasons.append(TriageReason.INVALID_CONTACT)
        return None


def interpret(
    response: FormResponse, mapping: FormMapping, centres: list[Centre]
) -> Interpretation:
    """Map answers onto case fields; never fails on content."""
    by_field = {field: "" for field in mapping.questions.values()}
    questions = {_key(q): field for q, field in mapping.questions.items()}
    for answer in response.answers:
        field = questions.get(_key(answer.question))
        if field:
            by_field[field] = clean_text(answer.text())

    reasons: list[TriageReason] = []
    given: dict[str, str] = {}

    def keep_as_given(name: str, text: str) -> None:
        given[name] = cut(one_line(text), GIVEN_TEXT_MAX)

    centre = _find_centre(by_field.get("centre", ""), centres)
    if centre is None:
        reasons.append(TriageReason.UNKNOWN_CENTRE)
        keep_as_given("centre", by_field.get("centre", ""))

    kind = match_choice(Kind, by_field.get("kind"))
    if kind is None:
        reasons.append(TriageReason.UNKNOWN_KIND)
        keep_as_given("kind", by_field.get("kind", ""))

    category = match_choice(Category, by_field.get("category"))
    if category is None and by_field.get("category"):
        reasons.append(TriageReason.UNKNOWN_TOPIC)
        keep_as_given("topic", by_field["category"])

    description = by_field.get("description", "")
    if not description:
        reasons.append(TriageReason.NO_DESCRIPTION)
    elif len(description) > CASE_DESCRIPTION_MAX:
        reasons.append(TriageReason.MESSAGE_CUT)
        description = cut(description, CASE_DESCRIPTION_MAX)

    urgency = _key(by_field.get("urgent", ""))
    urgent = urgency in _YES or urgency.startswith("yes")
    if not urgent and urgency not in _NO:
        reasons.append(TriageReason.UNCLEAR_URGENCY)
        keep_as_given("urgent", by_field["urgent"])

    consent_given = bool(by_field.get("consent", "").strip())
    email = _contact(by_field.get("reporter.email", ""), normalise_email, reasons)
    if email is None and not by_field.get("reporter.email") and response.respondent_email:
        email = _contact(response.respondent_email, normalise_email, reasons)
    phone = _contact(by_field.get("reporter.phone", ""), normalise_phone, reasons)
    if not consent_given:
        # Without consent there is no basis to keep contact details: the case stays, anonymous.
        reasons.append(TriageReason.NO_CONSENT)
        email = phone = None
    name = cut(one_line(by_field.get("reporter.name") or ""), 100) or None
    reporter = Reporter(
        name=name if (email or phone) else None,
        email=email,
        phone=phone,
        role=match_choice(ReporterRole, by_field.get("reporter.role")) or ReporterRole.PARENT,
        preferred_language=match_choice(Language, by_field.get("reporter.preferred_language"))
        or Language.ENGLISH,
    )
    child_name = cut(one_line(by_field.get("child.first_name") or ""), 30) or None
    age_group = match_choice(AgeGroup, by_field.get("child.age_group"))
    child = Child(first_name=child_name, age_group=age_group) if child_name or age_group else None

    return Interpretation(
        centre=centre,
        given=given,
        kind=kind,
        category=category or Category.OTHER,
        description=description,
        urgent=urgent,
        reporter=reporter,
        consent_given=consent_given,
        child=child,
        reasons=list(dict.fromkeys(reasons)),
    )
