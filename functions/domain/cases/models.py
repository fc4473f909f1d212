"""Cases as the programme keeps them, and their append-only history."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints, computed_field

from functions.domain.cases.service_levels import Level, ServiceClock
from functions.domain.shared.contact import address_key
from functions.domain.shared.records import Record
from functions.domain.shared.vocabulary import (
    ActorRole,
    AgeGroup,
    CaseStatus,
    Category,
    ClockChange,
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


class Person(Record):
    """A staff member or administrator as a case remembers them (the directory may change)."""

    key: str  # functions.domain.directory.models.person_key
    name: str


class Rating(Record):
    """The parent's rating of a resolution: 1 (poor) to 5 (very good)."""

    score: Annotated[int, Field(ge=1, le=5)]
    comment: Annotated[str, StringConstraints(max_length=2_000)] | None = None
    at: datetime


class Outcome(Record):
    """How a case went, for a centre's figures: the case's own time (working hours, clock
    hours when urgent, time waiting on the parent left out) and whether it was in time."""

    acknowledged_at: datetime | None = None
    hours_to_acknowledge: float | None = None
    acknowledged_in_time: bool | None = None
    resolved_at: datetime | None = None  # the first resolution
    hours_to_resolve: float | None = None
    resolved_in_time: bool | None = None


# A case is open while someone at the centre owes it something.
OPEN_STATUSES = frozenset({CaseStatus.RECEIVED, CaseStatus.IN_PROGRESS, CaseStatus.AWAITING_PARENT})


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
    respond_by: datetime  # the first answer is due (what the parent was promised)
    resolve_by: datetime | None = None  # None: not worked to a resolution (a compliment)
    # Someone owes the case something (its status is open, and it is not a compliment,
    # which is shared with the team rather than worked). Stored for the digests' queries.
    open: bool = True
    clock: ServiceClock = Field(default_factory=lambda: ServiceClock(stage=None))
    # When the running deadline's next nudge is due: what run_nudges queries (None: none).
    next_nudge_at: datetime | None = None
    assignee: Person | None = None  # None: the whole centre
    outcome: Outcome = Field(default_factory=Outcome)
    resolution: Annotated[str, StringConstraints(max_length=CASE_DESCRIPTION_MAX)] | None = None
    resolved_at: datetime | None = None  # the latest resolution (a reopened case's second one)
    rating: Rating | None = None  # the latest: each resolution may be rated once
    # The parent's replies on one day (UTC), bounded: each reply mails the case's owner.
    replies_on: str | None = None
    replies_that_day: int = 0
    policy_version: str | None = None

    @computed_field
    @property
    def reporter_key(self) -> str | None:
        """Stored so that a person's cases are found however they typed their address (POPIA
        access and erasure); retention drops it with the address."""
        return address_key(self.reporter.email) if self.reporter.email else None

    @property
    def awaiting_rating(self) -> bool:
        """Resolved, and this resolution not rated yet (a reopened case resolved again may be
        rated again)."""
        if self.status != CaseStatus.RESOLVED:
            return False
        rated = self.rating is not None and (self.resolved_at is None
                                             or self.rating.at >= self.resolved_at)  # fmt: skip
        return not rated


def new_event_id() -> str:
    """Random, so appends never hotspot and ids reveal nothing about order or volume."""
    return secrets.token_hex(10)


class Actor(Record):
    role: ActorRole
    display_name: str | None = None
    key: str | None = None  # a staff member's or administrator's person key


class CaseEvent(Record):
    """One line of a case's append-only history. Internal events never reach the parent."""

    event_id: str
    type: EventType
    at: datetime
    actor: Actor
    public: bool = True
    summary: str | None = None
    status: CaseStatus | None = None
    clock: ClockChange | None = None
    to: Person | None = None  # reassigned to, escalated to, or a nudge's first recipient
    level: Level | None = None  # a nudge's or an escalation's rung
    score: int | None = None  # a rating
