"""Cases as the programme keeps them, and their append-only history."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from functions.domain.shared.records import Record
from functions.domain.shared.vocabulary import (
    ActorRole,
    AgeGroup,
    CaseStatus,
    Category,
    EventType,
    Kind,
    Language,
    ReporterRole,
    Source,
    TriageReason,
)

# What a case keeps of free text, whichever way it came in (the web form and the API ask for
# less: submission.py). Bounded so that a case, and each mail about it, stays far below
# Firestore's 1 MiB document limit whatever a form sends.
CASE_DESCRIPTION_MAX = 10_000
GIVEN_TEXT_MAX = 200  # a short answer kept as given: a centre's name, a kind, a topic
ShortText = Annotated[str, StringConstraints(max_length=GIVEN_TEXT_MAX)]


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


class Triage(Record):
    """Why a case needs the regional administrator's eye, and what was given as-is."""

    reasons: list[TriageReason]
    given: dict[str, ShortText] = Field(default_factory=dict)
    resolved: bool = False


class Case(Record):
    reference: str
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


class Actor(Record):
    role: ActorRole
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
