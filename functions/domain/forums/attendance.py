"""Who attended a forum: one record per person and forum, built up from every source.

A person's record gathers what each source says of them (the Zoom export, the Meet export,
the WhatsApp roll): their sessions are a set, so importing the same file again adds nothing,
and a second file adds only what the first did not have. Time in the forum is the union of
the sessions, so overlapping sessions (two devices, or the same stretch in two files) count
once. The record also carries where its post-forum survey stands (survey_state), so the
follow-up job finds whom to invite or remind with one indexed query per forum.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum

from pydantic import AwareDatetime, Field

from functions.domain.forums.models import Registration, participant_key
from functions.domain.shared.records import Record
from functions.domain.shared.vocabulary import Language, ParticipantRole

NAME_MAX = 200


class AttendanceSource(StrEnum):
    ZOOM = "zoom"
    MEET = "meet"
    ROLL = "roll"  # marked on the WhatsApp roll page


class SurveyState(StrEnum):
    """Where an attendee's post-forum survey stands (functions/services/forums/followups.py)."""

    NO_EMAIL = "no_email"  # no address to send it to (the Google Form or a link by hand)
    DUE = "due"  # has an address; the invitation has not gone yet
    SENT = "sent"
    REMINDED = "reminded"
    ANSWERED = "answered"


class Session(Record):
    """One stretch in the forum: when the person joined and left, and the minutes the source
    counts for it (less than the stretch where Meet's first-to-last span holds time away)."""

    joined_at: AwareDatetime
    left_at: AwareDatetime
    minutes: int = Field(ge=0)
    source: AttendanceSource

    @property
    def key(self) -> tuple[datetime, datetime]:
        return (self.joined_at, self.left_at)


class Attendance(Record):
    attendee_id: str
    forum_id: str
    attendee_key: str  # the registration's participant key, or the walk-in's own
    registration_id: str | None = None  # None: a walk-in
    # Matched a registration holding a place (the no-shows by role are those without one);
    # someone waitlisted or cancelled who came anyway counts as a walk-in.
    registered: bool = False
    name: str
    role: ParticipantRole
    centre_id: str | None = None
    email: str | None = None
    phone: str | None = None
    language: Language = Language.ENGLISH
    sessions: list[Session] = Field(default_factory=list)
    untimed_minutes: dict[str, int] = Field(default_factory=dict)  # source -> minutes
    minutes: int = 0
    sources: list[AttendanceSource] = Field(default_factory=list)
    survey_state: SurveyState = SurveyState.NO_EMAIL
    survey_sent_at: datetime | None = None
    reminder_sent_at: datetime | None = None
    answered_at: datetime | None = None
    created_at: datetime
    updated_at: datetime


class Arrival(Record):
    """What one source says of one person: an export's row, or a tick on the roll."""

    name: str
    email: str | None = None
    phone: str | None = None
    role: ParticipantRole
    centre_id: str | None = None
    language: Language = Language.ENGLISH
    registration: Registration | None = None
    source: AttendanceSource
    sessions: list[Session] = Field(default_factory=list)
    untimed_minutes: int = 0  # minutes the source gives without times


def walk_in_key(email: str | None, phone: str | None, name: str) -> str:
    """A walk-in's key: their email or phone as a registration's, else their name (a Zoom
    guest may give nothing else; such a person cannot be sent the survey)."""
    if email or phone:
        return participant_key(email, phone)
    folded = " ".join(name.casefold().split())
    return hashlib.sha256(f"participant:name:{folded}".encode()).hexdigest()[:24]


def attendee_id(forum_id: str, key: str) -> str:
    """One record per person and forum: every source of that person finds the same one."""
    return hashlib.sha256(f"attendee:{forum_id}:{key}".encode()).hexdigest()[:24]


def arrival_key(arrival: Arrival) -> str:
    if arrival.registration is not None:
        return arrival.registration.participant_key
    return walk_in_key(arrival.email, arrival.phone, arrival.name)


def total_minutes(sessions: Iterable[Session], untimed: dict[str, int]) -> int:
    """The union of the sessions (overlaps once); each stretch counts its length, or the
    sources' own minutes for it when those add up to less; plus the untimed minutes."""
    total, end, span, own = 0, None, None, 0
    for session in sorted(sessions, key=lambda s: s.key):
        if end is not None and session.joined_at <= end:
            end = max(end, session.left_at)
            own += session.minutes
            continue
        if span is not None:
            total += min(_minutes(span, end), own)
        span, end, own = session.joined_at, session.left_at, session.minutes
    if span is not None:
        total += min(_minutes(span, end), own)
    return total + sum(untimed.values())


def _minutes(start: datetime, end: datetime) -> int:
    seconds = (end - start).total_seconds()
    return int(seconds // 60 + (1 if seconds % 60 >= 30 else 0))


def arrived(forum_id: str, existing: Attendance | None, arrival: Arrival,
            now: datetime, replace_source: bool = False) -> Attendance | None:  # fmt: skip
    """The person's record with what the arrival adds, or None when it adds nothing.
    `replace_source`: the arrival's source says all it knows of the person (the roll, sent
    again with another join time), so its earlier sessions make way for these."""
    kept = list(existing.sessions) if existing else []
    if replace_source:
        kept = [s for s in kept if s.source != arrival.source]
    seen = {s.key for s in kept}
    sessions = kept + [s for s in arrival.sessions if s.key not in seen and not seen.add(s.key)]
    untimed = dict(existing.untimed_minutes) if existing else {}
    if arrival.untimed_minutes and not arrival.sessions:
        untimed[arrival.source.value] = max(untimed.get(arrival.source.value, 0),
                                            arrival.untimed_minutes)  # fmt: skip
    sources = list(existing.sources) if existing else []
    if arrival.source not in sources:
        sources.append(arrival.source)
    email = (existing.email if existing else None) or arrival.email
    changes = {
        "sessions": sorted(sessions, key=lambda s: (s.key, s.source.value)),
        "untimed_minutes": untimed,
        "minutes": total_minutes(sessions, untimed),
        "sources": sources,
        "email": email,
        "phone": (existing.phone if existing else None) or arrival.phone,
    }
    if existing is None:
        registration = arrival.registration
        key = arrival_key(arrival)
        return Attendance(
            attendee_id=attendee_id(forum_id, key), forum_id=forum_id, attendee_key=key,
            registration_id=registration.registration_id if registration else None,
            registered=registration is not None and registration.holds_place,
            name=arrival.name[:NAME_MAX],
            role=arrival.role, centre_id=arrival.centre_id, language=arrival.language,
            survey_state=SurveyState.DUE if email else SurveyState.NO_EMAIL,
            created_at=now, updated_at=now, **changes,
        )  # fmt: skip
    if existing.survey_state == SurveyState.NO_EMAIL and email:
        changes["survey_state"] = SurveyState.DUE  # an address came late: the survey goes
    if all(getattr(existing, field) == value for field, value in changes.items()):
        return None
    return existing.model_copy(update=changes | {"updated_at": now})


class RoleFigures(Record):
    """A role's figures in one forum: registered (holding a place), attended (anyone there,
    walk-ins included), attended of those registered, and no-shows (registered, not there)."""

    registered: int = 0
    attended: int = 0
    attended_registered: int = 0
    walk_ins: int = 0

    @property
    def no_shows(self) -> int:
        return max(0, self.registered - self.attended_registered)


def figures_by_role(
    registrations: Iterable[Registration], attendance: Iterable[Attendance]
) -> dict[ParticipantRole, RoleFigures]:
    """Each role's figures, computed from the records (the pages; reports count with
    aggregation queries, FirestoreForumReader.attendance_by_role, and get the same)."""
    counts = {role: {"registered": 0, "attended": 0, "attended_registered": 0, "walk_ins": 0}
              for role in ParticipantRole}  # fmt: skip
    for registration in registrations:
        if registration.holds_place:
            counts[registration.role]["registered"] += 1
    for person in attendance:
        counts[person.role]["attended"] += 1
        counts[person.role]["attended_registered" if person.registered else "walk_ins"] += 1
    return {role: RoleFigures(**numbers) for role, numbers in counts.items()}
