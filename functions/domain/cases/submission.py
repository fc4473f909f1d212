"""What a parent sends: the feedback submission command and its validation rules.

infra/openapi.yaml states the same rules; where it needs a pattern, the pattern is the one
this module uses (JSON Schema validators and schemathesis read patterns as Python does).
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from functions.domain.shared.consent import CURRENT_CONSENT_VERSION, is_known_version
from functions.domain.shared.contact import normalise_email, normalise_phone
from functions.domain.shared.text import clean_text
from functions.domain.shared.vocabulary import (
    N_,
    AgeGroup,
    Category,
    Kind,
    Language,
    ReporterRole,
)

DESCRIPTION_MAX = 4000
# A first name or an initial: at most two words, no digits or "@" (nothing that identifies
# the child further, and no contact details). Checked on the value as sent.
FIRST_NAME_PATTERN = r"^\s*([^\s\d@]+(\s+[^\s\d@]+)?)?\s*$"


def _blank_to_none(value: str | None) -> str | None:
    if value is None:
        return None
    value = clean_text(value)
    return value or None


def optional_text(max_length: int):
    """Optional free text: blank means absent, control characters are dropped."""
    bounded = Annotated[str, StringConstraints(max_length=max_length)]
    return Annotated[bounded | None, AfterValidator(_blank_to_none)]


class Command(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=DESCRIPTION_MAX)


class ReporterInput(Command):
    name: optional_text(100) = None
    email: optional_text(254) = None
    phone: optional_text(30) = None
    role: ReporterRole = ReporterRole.PARENT
    preferred_language: Language = Language.ENGLISH

    @field_validator("email")
    @classmethod
    def _valid_email(cls, value: str | None) -> str | None:
        return normalise_email(value) if value else None

    @field_validator("phone")
    @classmethod
    def _valid_phone(cls, value: str | None) -> str | None:
        return normalise_phone(value) if value else None


class ConsentInput(Command):
    given: StrictBool
    version: Annotated[str, StringConstraints(max_length=40)]

    @field_validator("given")
    @classmethod
    def _must_be_given(cls, value: bool) -> bool:
        if not value:
            raise ValueError(N_("We can only accept feedback once you agree to how we keep it"))
        return value

    @field_validator("version")
    @classmethod
    def _known_version(cls, value: str) -> str:
        if not is_known_version(value):
            raise ValueError(
                f"Unknown consent version; the current one is {CURRENT_CONSENT_VERSION}"
            )
        return value


class ChildInput(Command):
    first_name: optional_text(30) = None
    age_group: AgeGroup | None = None

    @field_validator("first_name", mode="before")
    @classmethod
    def _first_name_only(cls, value):
        if isinstance(value, str) and not re.search(FIRST_NAME_PATTERN, value):
            raise ValueError(N_("Give only your child's first name or initial"))
        return value


class FeedbackSubmission(Command):
    """A complaint, compliment, suggestion or question as a parent submits it."""

    centre_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    kind: Kind
    category: Category
    description: Annotated[str, AfterValidator(clean_text)]
    # Strict: the document says boolean, so "yes" or 1 is refused rather than guessed at.
    urgent: StrictBool = False
    anonymous: StrictBool = False
    reporter: ReporterInput = Field(default_factory=ReporterInput, validate_default=True)
    consent: ConsentInput
    child: ChildInput | None = None

    @field_validator("description")
    @classmethod
    def _has_description(cls, value: str) -> str:
        if not value:
            raise ValueError(N_("Tell us what happened or what you would like to share"))
        return value

    @field_validator("reporter")
    @classmethod
    def _reachable_unless_anonymous(cls, reporter: ReporterInput, info: ValidationInfo):
        if info.data.get("anonymous"):
            # Keep the minimum: an anonymous reporter's contact details are not stored at all.
            return ReporterInput(role=reporter.role, preferred_language=reporter.preferred_language)
        if not (reporter.email or reporter.phone):
            raise ValueError(
                N_(
                    "Give an email address or a phone number so the centre can reply, "
                    "or choose to stay anonymous"
                )
            )
        return reporter

    @field_validator("child")
    @classmethod
    def _drop_empty_child(cls, child: ChildInput | None) -> ChildInput | None:
        return child if child and (child.first_name or child.age_group) else None
