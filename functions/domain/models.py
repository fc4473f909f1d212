"""The records the programme keeps: regions, centres, cases and their history."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from functions.domain.vocabulary import (
    AgeGroup,
    CaseStatus,
    Category,
    Kind,
    Language,
    ReporterRole,
    Source,
)

# What a case keeps of free text, whichever way it came in (the web form and the API ask for
# less: submission.py). Bounded so that a case, and each mail about it, stays far below
# Firestore's 1 MiB document limit whatever a form sends.
CASE_DESCRIPTION_MAX = 10_000
GIVEN_TEXT_MAX = 200  # a short answer kept as given: a centre's name, a kind, a topic
ShortText = Annotated[str, StringConstraints(max_length=GIVEN_TEXT_MAX)]


class Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class Contact(Record):
    """A staff member or administrator who receives mail about cases."""

    name: str
    email: str
    role: str = "staff"


class Region(Record):
    region_id: str
    name: str
    administrator: Contact


class Centre(Record):
    centre_id: str
    name: str
    region_id: str
    principal: Contact
    staff: list[Contact] = Field(default_factory=list)
    active: bool = True


class Reporter(Record):
    """Who raised a case. Contact fields are absent when the reporter chose anonymity."""

    name: str | None = None
    email: str | None = None
    phone: str | None = None
    role: ReporterRole = ReporterRole.PARENT
    preferred_language: Language = Language.ENGLISH


class Consent(Record):
    given: bool
    version: str
    recorded_at: datetime


class Child(Record):
    """The minimum about a child: a first name or initial and an age group."""

    first_name: str | None = None
    age_group: AgeGroup | None = None


class TriageReason(StrEnum):
    UNKNOWN_CENTRE = "unknown_centre"
    UNKNOWN_KIND = "unknown_kind"
    UNKNOWN_TOPIC = "unknown_topic"
    UNCLEAR_URGENCY = "unclear_urgency"
    NO_DESCRIPTION = "no_description"
    INVALID_CONTACT = "invalid_contact"
    NO_CONSENT = "no_consent"
    MESSAGE_CUT = "message_cut"


class Triage(Record):
    """Why a case needs the regional administrator's eye, and what was given as-is."""

    reasons: list[TriageReason]
    given: dict[str, ShortText] = Field(default_factory=dict)
    resolved: bool = False


class Case(Record):
    reference: str
    status_token_hash: str
    source: Source
    centre_id: str | None
    centre_name: ShortText
    region_id: str | None
    kind: Kind | None
    category: Category
    description: Annotated[str, StringConstraints(max_length=CASE_DESCRIPTION_MAX)]
    urgent: bool
    anonymous: bool
    reporter: Reporter
    consent: Consent
    child: Child | None = None
    status: CaseStatus = CaseStatus.RECEIVED
    triage: Triage | None = None
    created_at: datetime
    updated_at: datetime
    respond_by: datetime


class EventType(StrEnum):
    SUBMITTED = "submitted"
    STATUS_CHANGED = "status_changed"
    NOTE_ADDED = "note_added"
    TRIAGE_FLAGGED = "triage_flagged"


class Actor(Record):
    role: str  # parent, staff, administrator or system
    display_name: str | None = None


class CaseEvent(Record):
    """One line of a case's append-only history. Internal events never reach the parent."""

    event_id: str
    type: EventType
    at: datetime
    actor: Actor
    public: bool = True
    summary: str | None = None
    status: CaseStatus | None = None
