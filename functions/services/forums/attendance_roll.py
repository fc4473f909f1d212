"""The WhatsApp roll: an administrator ticks who was there (and when they joined), and adds
walk-ins by name, role and phone. Sending the same roll again changes nothing: a person's
roll session is replaced by the one the roll now gives, and a person unticked loses theirs
(their record too, when nothing else says they came and no survey has gone to them).
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from functions.domain.forums.attendance import (
    Arrival,
    Attendance,
    AttendanceSource,
    Session,
    SurveyState,
    attendee_id,
    total_minutes,
)
from functions.domain.forums.attendance_times import span_minutes
from functions.domain.forums.models import Forum, Registration
from functions.domain.shared.vocabulary import ParticipantRole
from functions.services.forums.attendance import forum_for_attendance, record_arrivals
from functions.services.ports import Dependencies, UnitOfWork


class RollEntry(NamedTuple):
    """One line of the roll as the page lists it: a registration, or a walk-in's record."""

    attendee_id: str
    name: str
    role: ParticipantRole
    registration: Registration | None
    attendance: Attendance | None


class RollResult(NamedTuple):
    added: int
    changed: int
    removed: int
    unchanged: int


def roll(deps: Dependencies, forum: Forum) -> list[RollEntry]:
    """The forum's registrations (not cancelled), then the walk-ins recorded, by name."""
    present = {a.attendee_id: a for a in deps.forums.attendance(forum.forum_id)}
    entries = []
    for registration in deps.forums.registrations(forum.forum_id):
        if registration.holds_place or registration.waitlist_position is not None:
            key = attendee_id(forum.forum_id, registration.participant_key)
            entries.append(RollEntry(key, registration.name, registration.role, registration,
                                     present.pop(key, None)))  # fmt: skip
    walk_ins = [RollEntry(a.attendee_id, a.name, a.role, None, a) for a in present.values()]
    return sorted(entries, key=lambda e: e.name.casefold()) + walk_ins


def roll_session(forum: Forum, joined_at: datetime | None) -> Session:
    """From the join time given (the start when none, kept within the forum) to the end."""
    joined = min(max(joined_at or forum.starts_at, forum.starts_at), forum.ends_at)
    return Session(joined_at=joined, left_at=forum.ends_at, source=AttendanceSource.ROLL,
                   minutes=span_minutes(joined, forum.ends_at))  # fmt: skip


def mark_roll(
    deps: Dependencies, forum_id: str, listed: list[str], present: dict[str, datetime | None]
) -> RollResult:  # noqa: E501
    """Mark the listed people present (with their join time) or absent."""
    forum = forum_for_attendance(deps, forum_id)
    entries = {e.attendee_id: e for e in roll(deps, forum) if e.attendee_id in set(listed)}
    arrivals = []
    for key, entry in entries.items():
        if key not in present:
            continue
        by_export_only = entry.attendance and AttendanceSource.ROLL not in entry.attendance.sources
        if by_export_only and present[key] is None:
            continue  # there by the export already; the roll adds only a time it gives
        registration, record = entry.registration, entry.attendance
        arrivals.append(Arrival(
            name=entry.name, role=entry.role, registration=registration,
            email=registration.email if registration else record.email,
            phone=registration.phone if registration else record.phone,
            centre_id=registration.centre_id if registration else record.centre_id,
            language=registration.language if registration else record.language,
            source=AttendanceSource.ROLL, sessions=[roll_session(forum, present[key])],
        ))  # fmt: skip
    added, changed, unchanged = record_arrivals(deps, forum_id, arrivals, False, True)
    absent = [key for key, e in entries.items() if key not in present and e.attendance]
    removed, kept = _take_off(deps, absent) if absent else (0, 0)
    return RollResult(added, changed + kept, removed, unchanged)


def _take_off(deps: Dependencies, attendee_ids: list[str]) -> tuple[int, int]:
    """Take the roll's sessions off these people: (records removed, records changed)."""

    def work(uow: UnitOfWork) -> tuple[int, int]:
        removed = changed = 0
        for record in uow.attendance.get_many(attendee_ids).values():
            if AttendanceSource.ROLL not in record.sources:
                continue
            sessions = [s for s in record.sessions if s.source != AttendanceSource.ROLL]
            sources = [s for s in record.sources if s != AttendanceSource.ROLL]
            untimed = {k: v for k, v in record.untimed_minutes.items() if k != "roll"}
            unsent = record.survey_state in (SurveyState.DUE, SurveyState.NO_EMAIL)
            if not sources and unsent:
                uow.attendance.remove(record)
                removed += 1
                continue
            update = {
                "sessions": sessions,
                "sources": sources,
                "untimed_minutes": untimed,
                "minutes": total_minutes(sessions, untimed),
                "updated_at": deps.clock(),
            }
            uow.attendance.save(record.model_copy(update=update))
            changed += 1
        return removed, changed

    return deps.transactions.run(work)[0]


def add_walk_in(deps: Dependencies, forum_id: str, name: str, role: ParticipantRole,
                phone: str | None, email: str | None,
                joined_at: datetime | None) -> RollResult:  # fmt: skip
    """A walk-in on the roll (the same person twice is one record)."""
    forum = forum_for_attendance(deps, forum_id)
    arrival = Arrival(name=name, role=role, phone=phone, email=email,
                      source=AttendanceSource.ROLL,
                      sessions=[roll_session(forum, joined_at)])  # fmt: skip
    added, changed, unchanged = record_arrivals(deps, forum_id, [arrival], False, True)
    return RollResult(added, changed, 0, unchanged)
