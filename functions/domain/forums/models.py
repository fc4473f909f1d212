"""A forum and a registration for it, as stored.

A forum's counters (places taken, people waiting) live on the forum itself, so that every
registration and cancellation reads and writes that one document in its unit of work: two
people racing for the last place cannot both commit (the loser's run starts again and finds
the place gone), which keeps capacity exact under any concurrency.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import AwareDatetime, Field, field_validator, model_validator

from functions.domain.shared.calendar import DEFAULT_TIMEZONE
from functions.domain.shared.records import Record
from functions.domain.shared.vocabulary import (
    Audience,
    ForumFormat,
    ForumTopic,
    Language,
    ParticipantRole,
)

MONTH_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])$"  # "YYYY-MM"
# Joining details are shown (pages, reminders, calendar files) from this long before the start.
DEFAULT_DETAILS_RELEASE = timedelta(hours=24)
DEFAULT_SURVEY_DAYS = 7  # the post-forum survey closes this many days after the forum ends


class ForumStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class RegistrationState(StrEnum):
    REGISTERED = "registered"  # holds a place
    WAITLISTED = "waitlisted"  # waits for a place, in waitlist_position order
    CANCELLED = "cancelled"  # cancelled by the person (or the forum was cancelled)


class BreakoutRoom(Record):
    room_id: str
    name: str
    topic: ForumTopic | None = None


class JoiningDetails(Record):
    """How to join: private until the release time (a link shared early gets forwarded)."""

    url: str | None = None  # the Zoom/Meet link, or a WhatsApp group invite link
    meeting_id: str | None = None
    passcode: str | None = None
    dial_in: str | None = None  # a phone number for audio (WhatsApp live audio, Zoom dial-in)
    venue: str | None = None  # in person: the address
    instructions: str | None = None


class Forum(Record):
    forum_id: str
    month: str  # "YYYY-MM" of its start in its own time zone
    title: str
    format: ForumFormat
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    timezone: str = DEFAULT_TIMEZONE
    capacity: int = Field(ge=1, le=100_000)
    topics: list[ForumTopic] = Field(default_factory=list)
    audiences: list[Audience] = Field(default_factory=list)
    breakout_rooms: list[BreakoutRoom] = Field(default_factory=list)
    joining: JoiningDetails | None = None
    details_release_hours: int = Field(default=24, ge=0, le=24 * 30)
    description: str = ""
    region_id: str | None = None  # None: the whole network
    plan_slot: int | None = None  # the standing plan's slot it was made from (None: by hand)
    status: ForumStatus = ForumStatus.SCHEDULED
    # Bumped by every change a calendar must show (time, title, joining details, cancelling):
    # the SEQUENCE of every registrant's calendar invitation.
    sequence: int = 0
    survey_days: int = Field(default=DEFAULT_SURVEY_DAYS, ge=1, le=60)
    # Counters kept in step by each registration's unit of work (see the module docstring).
    places_taken: int = 0
    waitlisted: int = 0
    waitlist_counter: int = 0  # the last waitlist position handed out
    capacity_alerts: list[int] = Field(default_factory=list)  # percentages already told (80, 100)
    created_at: datetime
    updated_at: datetime
    cancelled_at: datetime | None = None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, zone: str) -> str:
        from zoneinfo import ZoneInfo

        ZoneInfo(zone)
        return zone

    @model_validator(mode="after")
    def _ends_after_start(self):
        if self.ends_at <= self.starts_at:
            raise ValueError("a forum ends after it starts")
        return self

    @property
    def places_left(self) -> int:
        return max(0, self.capacity - self.places_taken)

    @property
    def cancelled(self) -> bool:
        return self.status == ForumStatus.CANCELLED

    def details_released(self, now: datetime) -> bool:
        return now >= self.starts_at - timedelta(hours=self.details_release_hours)

    def open_for_registration(self, now: datetime) -> bool:
        return not self.cancelled and now < self.ends_at


class Registration(Record):
    """One person's registration for one forum; its id is derived from both (one each)."""

    registration_id: str
    forum_id: str
    participant_key: str  # participant_key(email, phone): the person, without the address
    name: str
    role: ParticipantRole
    centre_id: str | None = None
    email: str | None = None
    phone: str | None = None  # E.164
    language: Language = Language.ENGLISH
    needs: str = ""  # accessibility or language needs, as the person wrote them
    topics: list[ForumTopic] = Field(default_factory=list)  # what they want raised
    topics_other: str = ""
    room_id: str | None = None  # breakout forums: the room chosen
    consent_version: str
    consented_at: datetime
    source: str = "web_form"  # web_form, google_form, admin
    state: RegistrationState
    waitlist_position: int | None = None
    # Bumped by every change of this registration a calendar must show (a cancellation,
    # a promotion); the invitation's SEQUENCE is the forum's and this one's (rendering).
    sequence: int = 0
    created_at: datetime
    updated_at: datetime
    promoted_at: datetime | None = None
    cancelled_at: datetime | None = None

    @property
    def holds_place(self) -> bool:
        return self.state == RegistrationState.REGISTERED


def participant_key(email: str | None, phone: str | None) -> str:
    """The person behind a registration or an attendance row: their normalised email (case
    folded), else their E.164 phone. Hashed: ids and links never carry the address."""
    who = f"email:{email.strip().lower()}" if email else f"phone:{(phone or '').strip()}"
    if who in ("email:", "phone:"):
        raise ValueError("a participant is known by an email address or a phone number")
    return hashlib.sha256(f"participant:{who}".encode()).hexdigest()[:24]


def registration_id(forum_id: str, key: str) -> str:
    """One registration per person and forum: registering again finds the same document."""
    return hashlib.sha256(f"registration:{forum_id}:{key}".encode()).hexdigest()[:24]


def planned_forum_id(month: str, slot: int) -> str:
    """The id of the standing plan's slot in a month: setting a month up twice makes the same
    forums, so the second run finds them there."""
    return hashlib.sha256(f"forum:{month}:{slot}".encode()).hexdigest()[:20]
