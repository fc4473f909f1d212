"""What a person sends to register for a forum, and the checks that need the forum itself.

The form's own rules (lengths, an email or a phone, consent) are the model's; whether the
role, the topics and the room fit this forum is checked by `problems_with` once the forum is
read, so both come back to the form as errors beside their fields.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    field_validator,
    model_validator,
)

from functions.domain.forums.models import Forum
from functions.domain.shared.consent import FORUM_CONSENT_TEXTS
from functions.domain.shared.contact import normalise_email, normalise_phone
from functions.domain.shared.text import clean_text, one_line
from functions.domain.shared.vocabulary import (
    AUDIENCE_OF_ROLE,
    N_,
    ForumFormat,
    ForumTopic,
    Language,
    ParticipantRole,
)

NAME_MAX = 100
NEEDS_MAX = 1000
OTHER_TOPIC_MAX = 500
# Roles whose people belong to a centre: they name it. Leaders, officials and partners may.
CENTRE_ROLES = frozenset({ParticipantRole.PARENT, ParticipantRole.STAFF})


def _one_line(value: str) -> str:
    # A name reaches mail headers (To: display names, calendar CN): one line, always.
    return one_line(value)


def _optional(value: str | None) -> str | None:
    value = clean_text(value) if value is not None else None
    return value or None


class RegistrationForm(BaseModel):
    """One registration as the web form or a Google Form sends it."""

    model_config = ConfigDict(extra="forbid", str_max_length=4000)

    forum_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    name: Annotated[str, StringConstraints(max_length=NAME_MAX), AfterValidator(_one_line)]
    role: ParticipantRole
    centre_id: Annotated[str | None, AfterValidator(_optional)] = Field(None, max_length=64)
    email: Annotated[str | None, AfterValidator(_optional)] = Field(None, max_length=254)
    phone: Annotated[str | None, AfterValidator(_optional)] = Field(None, max_length=30)
    needs: Annotated[str, StringConstraints(max_length=NEEDS_MAX), AfterValidator(clean_text)] = ""
    topics: list[ForumTopic] = Field(default_factory=list, max_length=len(ForumTopic))
    topics_other: Annotated[
        str, StringConstraints(max_length=OTHER_TOPIC_MAX), AfterValidator(clean_text)
    ] = ""
    room_id: Annotated[str | None, AfterValidator(_optional)] = Field(None, max_length=64)
    language: Language = Language.ENGLISH
    consent: StrictBool
    consent_version: Annotated[str, StringConstraints(max_length=40)]

    @field_validator("name")
    @classmethod
    def _has_name(cls, value: str) -> str:
        if not value:
            raise ValueError(N_("Enter your name"))
        return value

    @field_validator("email")
    @classmethod
    def _valid_email(cls, value: str | None) -> str | None:
        return normalise_email(value) if value else None

    @field_validator("phone")
    @classmethod
    def _valid_phone(cls, value: str | None) -> str | None:
        return normalise_phone(value) if value else None

    @field_validator("topics")
    @classmethod
    def _each_once(cls, value: list[ForumTopic]) -> list[ForumTopic]:
        return list(dict.fromkeys(value))

    @field_validator("consent")
    @classmethod
    def _consented(cls, value: bool) -> bool:
        if not value:
            raise ValueError(N_("Tick the box to agree, so that we can register you"))
        return value

    @field_validator("consent_version")
    @classmethod
    def _known_version(cls, value: str) -> str:
        if value not in FORUM_CONSENT_TEXTS:
            raise ValueError("Unknown consent version")
        return value

    @model_validator(mode="after")
    def _reachable(self) -> RegistrationForm:
        if not (self.email or self.phone):
            raise ValueError(
                N_("Give an email address or a phone number, so that we can send the details")
            )
        return self


def problems_with(form: RegistrationForm, forum: Forum,
                  active_centres: set[str]) -> dict[str, str]:  # fmt: skip
    """What does not fit this forum, by field (empty: it fits)."""
    problems: dict[str, str] = {}
    if AUDIENCE_OF_ROLE[form.role] not in forum.audiences:
        problems["role"] = N_("This forum is not open to that role; choose another")
    if form.centre_id and form.centre_id not in active_centres:
        problems["centre_id"] = N_("That centre is not in our list; choose another")
    elif not form.centre_id and form.role in CENTRE_ROLES:
        problems["centre_id"] = N_("Choose your centre")
    if any(topic not in forum.topics for topic in form.topics):
        problems["topics"] = N_("Choose among this forum's topics")
    rooms = {room.room_id for room in forum.breakout_rooms}
    if forum.format == ForumFormat.GOOGLE_MEET_BREAKOUTS and rooms:
        if form.room_id not in rooms:
            problems["room_id"] = N_("Choose a breakout room")
    elif form.room_id:
        problems["room_id"] = N_("This forum has no breakout rooms")
    return problems
