"""One person per row: the visits an export lists for them, merged.

Zoom lists every join of a person as its own row (a dropped connection, a second device);
Meet lists first join, last exit and the time in the call. A person is their email, else
their phone, else their name (a row without email whose name is that of exactly one person
with an email is theirs: a guest rejoining from a phone). Their sessions are the union of
their visits' intervals, so two devices at once count once; the minutes of each stretch are
the stretch's length, or less when the export's own durations add up to less (Meet's
first-to-last span holds the time a person was away).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from functions.domain.forums.attendance_times import span_minutes

# The report's section a person was listed in, strongest first (Zoom webinar reports).
_ROLE_RANK = ("host", "panelist", "attendee")

Session = tuple[datetime, datetime]


@dataclass(frozen=True)
class Visit:
    """One row of an export: one join, or (Meet) a person's whole attendance."""

    row: int
    name: str
    email: str | None
    phone: str | None
    joined: datetime | None
    left: datetime | None
    minutes: int | None  # the export's own duration of this visit, when it gives one
    role_hint: str | None


@dataclass(frozen=True)
class AttendanceRow:
    """One person's attendance in one forum, as the export shows it."""

    name: str
    email: str | None  # normalised (functions/domain/shared/contact.py), None if absent
    phone: str | None  # E.164, None if absent or not a number
    sessions: tuple[Session, ...]  # joined_at, left_at: aware, sorted, never overlapping
    minutes: int
    role_hint: str | None  # the export's section: "host", "panelist", "attendee"; or None
    source_row: int  # the file's line of the person's first row


def merge(visits: Iterable[Visit]) -> list[AttendanceRow]:
    """The people of the visits, in the order of their first row."""
    groups: dict[tuple[str, str], list[Visit]] = {}
    nameless: list[Visit] = []
    for visit in visits:
        key = _key(visit)
        if key[0] == "name":
            nameless.append(visit)
        else:
            groups.setdefault(key, []).append(visit)
    by_name: dict[str, set[tuple[str, str]]] = {}
    for key, members in groups.items():
        for member in members:
            by_name.setdefault(_name_key(member.name), set()).add(key)
    for visit in nameless:
        owners = by_name.get(_name_key(visit.name), set())
        key = next(iter(owners)) if len(owners) == 1 else _key(visit)
        groups.setdefault(key, []).append(visit)
    people = [_person(members) for members in groups.values()]
    return sorted(people, key=lambda person: person.source_row)


def _key(visit: Visit) -> tuple[str, str]:
    if visit.email:
        return ("email", visit.email.casefold())
    if visit.phone:
        return ("phone", visit.phone)
    return ("name", _name_key(visit.name))


def _name_key(name: str) -> str:
    return " ".join(name.casefold().split())


def _person(visits: list[Visit]) -> AttendanceRow:
    timed = sorted((v for v in visits if v.joined and v.left), key=lambda v: v.joined)
    sessions: list[Session] = []
    minutes = sum(v.minutes or 0 for v in visits if not (v.joined and v.left))
    stretch: list[Visit] = []
    for visit in timed:
        if sessions and visit.joined <= sessions[-1][1]:
            sessions[-1] = (sessions[-1][0], max(sessions[-1][1], visit.left))
        else:
            minutes += _stretch_minutes(sessions[-1], stretch) if sessions else 0
            sessions.append((visit.joined, visit.left))
            stretch = []
        stretch.append(visit)
    minutes += _stretch_minutes(sessions[-1], stretch) if sessions else 0
    roles = [v.role_hint for v in visits if v.role_hint]
    return AttendanceRow(
        name=next((v.name for v in visits if v.name), ""),
        email=next((v.email for v in visits if v.email), None),
        phone=next((v.phone for v in visits if v.phone), None),
        sessions=tuple(sessions),
        minutes=minutes,
        role_hint=min(roles, key=_role_rank) if roles else None,
        source_row=min(v.row for v in visits),
    )


def _stretch_minutes(session: Session, visits: list[Visit]) -> int:
    """A stretch of overlapping visits: its length, or the sum of the durations the export
    gives for them when that is less."""
    length = span_minutes(*session)
    own = sum(
        v.minutes if v.minutes is not None else span_minutes(v.joined, v.left) for v in visits
    )
    return min(length, own)


def _role_rank(role: str) -> int:
    return _ROLE_RANK.index(role) if role in _ROLE_RANK else len(_ROLE_RANK)
