"""Reading a registration Google Form's answers into a RegistrationForm.

Unlike a case (kept whatever it says, then triaged), a registration needs a forum, a way to
reach the person and their consent: answers that cannot give those are refused, each problem
named by the mapping's field ("forum", "email", "consent", ...), so the administrator can see
in the script's log and ours what the form lets through that it should not.
"""

from __future__ import annotations

import re

from pydantic import ValidationError

from functions.domain.cases.google_forms import AnswersRefused, FormMapping, FormResponse
from functions.domain.directory.models import Centre
from functions.domain.forums.models import Forum
from functions.domain.forums.registration import (
    NAME_MAX,
    NEEDS_MAX,
    OTHER_TOPIC_MAX,
    RegistrationForm,
)
from functions.domain.shared.text import clean_text, cut, one_line
from functions.domain.shared.validation import FieldError, field_errors
from functions.domain.shared.vocabulary import (
    ForumTopic,
    Language,
    ParticipantRole,
    match_choice,
)

# A dropdown option may read "Parents' forum, 5 March (f3a9c0...)": the id in the brackets.
_ID_IN_BRACKETS = re.compile(r"\(([A-Za-z0-9_-]{1,64})\)\s*$")
_NOT_AGREED = {"", "no", "n", "false", "nee", "cha", "hayi", "i do not agree", "i don't agree"}
# RegistrationForm's fields by the mapping's names (what an error names).
_MAPPING_NAME = {"forum_id": "forum", "centre_id": "centre", "room_id": "room",
                 "topics_other": "topics", "consent_version": "consent",
                 "body": "email"}  # the model's own check: an email or a phone  # fmt: skip


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def answers_by_field(response: FormResponse, mapping: FormMapping) -> dict[str, list[str]]:
    """The answers each mapped field got (several items of a checkbox question kept apart)."""
    questions = {_key(q): field for q, field in mapping.questions.items()}
    found: dict[str, list[str]] = {}
    for answer in response.answers:
        field = questions.get(_key(answer.question))
        if field:
            parts = answer.answer if isinstance(answer.answer, list) else [answer.answer]
            found.setdefault(field, []).extend(clean_text(p).strip() for p in parts)
    return {field: [p for p in parts if p] for field, parts in found.items()}


def forum_id_of(response: FormResponse, mapping: FormMapping) -> str | None:
    """The forum the response registers for: the mapping's, else the "forum" answer's id."""
    if mapping.forum_id:
        return mapping.forum_id
    given = " ".join(answers_by_field(response, mapping).get("forum", []))
    matched = _ID_IN_BRACKETS.search(given)
    wanted = matched.group(1) if matched else given.strip()
    return wanted if re.fullmatch(r"[A-Za-z0-9_-]{1,64}", wanted) else None


def _centre(text: str, centres: list[Centre]) -> str | None:
    wanted = _key(text)
    found = next((c for c in centres if wanted in {_key(c.name), _key(c.centre_id)}), None)
    return found.centre_id if found else None


def _room(text: str, forum: Forum) -> str | None:
    wanted = _key(text)
    found = next((r for r in forum.breakout_rooms
                  if wanted in {_key(r.name), _key(r.room_id)}), None)  # fmt: skip
    return found.room_id if found else None


def read_registration(response: FormResponse, mapping: FormMapping, forum: Forum,
                      centres: list[Centre]) -> RegistrationForm:  # fmt: skip
    """The registration the answers make for this forum; raises AnswersRefused with every
    problem at once. Topics not among the programme's are kept as "other" topics."""
    by_field = answers_by_field(response, mapping)
    one = {field: ", ".join(parts) for field, parts in by_field.items()}
    problems: list[FieldError] = []
    role_text = one.get("role", "")
    role = match_choice(ParticipantRole, role_text) if role_text else ParticipantRole.PARENT
    if role is None:
        problems.append(FieldError("role", "Not a role this system knows"))
    centre_id = _centre(one["centre"], centres) if one.get("centre") else None
    if one.get("centre") and centre_id is None:
        problems.append(FieldError("centre", "Not a centre in our list"))
    room_id = _room(one["room"], forum) if one.get("room") else None
    if one.get("room") and room_id is None:
        problems.append(FieldError("room", "Not one of this forum's breakout rooms"))
    topics, others = [], []
    for text in by_field.get("topics", []):
        topic = match_choice(ForumTopic, text)
        (topics if topic else others).append(topic or one_line(text))
    email = one.get("email") or (response.respondent_email or "").strip() or None
    if not (email or one.get("phone")):  # said now: the model says it only when all else fits
        problems.append(FieldError("email", "Give an email address or a phone number"))
    data = {
        "forum_id": forum.forum_id, "name": cut(one_line(one.get("name", "")), NAME_MAX),
        "role": role or ParticipantRole.PARENT, "centre_id": centre_id, "email": email,
        "phone": one.get("phone") or None, "needs": cut(one.get("needs", ""), NEEDS_MAX),
        "topics": topics, "topics_other": cut("; ".join(others), OTHER_TOPIC_MAX),
        "room_id": room_id,
        "language": match_choice(Language, one.get("language")) or Language.ENGLISH,
        "consent": _key(one.get("consent", "")) not in _NOT_AGREED,
        "consent_version": mapping.consent_version,
    }  # fmt: skip
    try:
        form = RegistrationForm.model_validate(data)
    except ValidationError as error:
        for problem in field_errors(error):
            name = problem.field.split(".")[0]
            name = _MAPPING_NAME.get(name, name)
            problems.append(problem._replace(field=name))
    if problems:
        raise AnswersRefused(_once_each(problems))
    return form


def _once_each(problems: list[FieldError]) -> list[FieldError]:
    seen: dict[str, FieldError] = {}
    for problem in problems:
        seen.setdefault(problem.field, problem)
    return list(seen.values())
