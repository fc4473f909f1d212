"""Importing a platform's attendance export into a forum's attendance records.

Each person of the file is matched to a registration of the forum by email, else by phone;
anyone else is a walk-in, of the staff role (and their centre) when their email is a staff
member's in the directory, else of the role the administrator gave (parent by default).
Their sessions are added to their record as a set (domain/forums/attendance.py), so the
same file twice changes nothing and a second, different file adds what it has. Records are
written in units of work of CHUNK people (a commit of at most CHUNK writes), each read
again in its unit, so an import racing another (Zoom and Meet at once) loses nothing.
A dry run reads the same records and writes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

from functions.domain.forums.attendance import (
    Arrival,
    AttendanceSource,
    Session,
    arrival_key,
    arrived,
    attendee_id,
)
from functions.domain.forums.attendance_files import AttendanceRow, parse_meet, parse_zoom
from functions.domain.forums.attendance_times import span_minutes
from functions.domain.forums.models import Forum, Registration
from functions.domain.shared.vocabulary import ParticipantRole
from functions.services.forums.errors import ForumClosed, ForumNotFound
from functions.services.ports import Dependencies, UnitOfWork

CHUNK = 400  # people per unit of work: a commit well within Firestore's 500 writes
_PARSERS = {AttendanceSource.ZOOM: parse_zoom, AttendanceSource.MEET: parse_meet}


class AttendanceImport(NamedTuple):
    """What an import did (or, dry, would do): counts and problems, no personal data."""

    source: str
    dry_run: bool
    walk_in_role: str
    people: int  # people in the file (one per person, rejoins merged)
    matched: int  # matched to a registration
    walk_ins: int
    added: int  # new attendance records
    changed: int  # records that gained a session (or an address)
    unchanged: int
    by_role: dict[str, dict[str, int]]  # role -> {"attended", "walk_ins"} of the file
    problems: list[str]  # one per row that could not be read whole, by row number
    not_attended: int  # registrants a Zoom webinar report lists as not attended


def forum_for_attendance(deps: Dependencies, forum_id: str) -> Forum:
    forum = deps.forums.get(forum_id)
    if forum is None:
        raise ForumNotFound(forum_id)
    if forum.cancelled:
        raise ForumClosed("cancelled")
    return forum


def import_attendance(deps: Dependencies, forum_id: str, source: AttendanceSource, data: bytes,
                      walk_in_role: ParticipantRole = ParticipantRole.PARENT,
                      dry_run: bool = False) -> AttendanceImport:  # fmt: skip
    """Import the file (raises ForumNotFound, ForumClosed, AttendanceFileError: nothing
    written). The same file again changes nothing (added = changed = 0)."""
    forum = forum_for_attendance(deps, forum_id)
    parsed = _PARSERS[source](data, forum.timezone, forum_start=forum.starts_at,
                              forum_end=forum.ends_at)  # fmt: skip
    matcher = Matcher(deps, forum_id, walk_in_role)
    # A webinar's host is the account that ran it (the organiser), not a participant.
    hosts = [row for row in parsed.rows if row.role_hint == "host"]
    rows = [row for row in parsed.rows if row.role_hint != "host"]
    arrivals = [matcher.arrival(row, source) for row in rows]
    problems = list(parsed.problems) + [
        f"Row {row.source_row}: the webinar's host (who ran it), not counted as attending"
        for row in hosts
    ] + [
        f"Row {row.source_row}: no email or phone, kept by name (no survey can be sent)"
        for row in rows
        if not (row.email or row.phone)
    ]  # fmt: skip
    by_role: dict[str, dict[str, int]] = defaultdict(lambda: {"attended": 0, "walk_ins": 0})
    for arrival in arrivals:
        by_role[arrival.role.value]["attended"] += 1
        by_role[arrival.role.value]["walk_ins"] += arrival.registration is None
    added, changed, unchanged = record_arrivals(deps, forum_id, arrivals, dry_run)
    matched = sum(a.registration is not None for a in arrivals)
    return AttendanceImport(source.value, dry_run, walk_in_role.value, len(arrivals), matched,
                            len(arrivals) - matched, added, changed, unchanged, dict(by_role),
                            problems, parsed.not_attended)  # fmt: skip


def record_arrivals(deps: Dependencies, forum_id: str, arrivals: list[Arrival], dry_run: bool,
                    replace_source: bool = False) -> tuple[int, int, int]:  # fmt: skip
    """Add the arrivals to their people's records: (added, changed, unchanged) people."""
    people: dict[str, list[Arrival]] = defaultdict(list)
    for arrival in arrivals:
        people[attendee_id(forum_id, arrival_key(arrival))].append(arrival)
    ids = list(people)
    totals = [0, 0, 0]
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]

        def work(uow: UnitOfWork | None, chunk=chunk) -> list[int]:
            now = deps.clock()
            found = uow.attendance.get_many(chunk) if uow else deps.forums.attendees(chunk)
            counts = [0, 0, 0]
            for person in chunk:
                before = record = found.get(person)
                for arrival in people[person]:
                    record = arrived(forum_id, record, arrival, now, replace_source) or record
                if record is before:
                    counts[2] += 1
                    continue
                counts[0 if before is None else 1] += 1
                if uow:
                    uow.attendance.save(record)
            return counts

        counts = work(None) if dry_run else deps.transactions.run(work)[0]
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
    return totals[0], totals[1], totals[2]


class Matcher:
    """Who a row of a file is: a registration of the forum (email, else phone), a staff
    member of the directory (by email), or a walk-in of the role given."""

    def __init__(self, deps: Dependencies, forum_id: str, walk_in_role: ParticipantRole):
        self._by_email: dict[str, Registration] = {}
        self._by_phone: dict[str, Registration] = {}
        # Cancelled registrations last, so that a live one wins a shared address.
        found = sorted(deps.forums.registrations(forum_id), key=lambda r: not r.holds_place)
        for registration in reversed(found):
            if registration.email:
                self._by_email[registration.email.strip().lower()] = registration
            if registration.phone:
                self._by_phone[registration.phone] = registration
        self._deps, self._walk_in_role, self._staff = deps, walk_in_role, None

    def registration(self, email: str | None, phone: str | None) -> Registration | None:
        found = self._by_email.get(email.strip().lower()) if email else None
        return found or (self._by_phone.get(phone) if phone else None)

    def staff_centre(self, email: str | None) -> tuple[bool, str | None]:
        if self._staff is None:  # read once, and only when a walk-in has an address
            self._staff = {person.email.strip().lower(): centre.centre_id
                           for centre in self._deps.directory.list_centres()
                           for person in centre.members()}  # fmt: skip
        key = (email or "").strip().lower()
        return key in self._staff, self._staff.get(key)

    def arrival(self, row: AttendanceRow, source: AttendanceSource) -> Arrival:
        registration = self.registration(row.email, row.phone)
        role, centre_id, language = self._walk_in_role, None, None
        if registration is not None:
            role, centre_id = registration.role, registration.centre_id
            language = registration.language
        elif row.email:
            staff, centre = self.staff_centre(row.email)
            if staff:
                role, centre_id = ParticipantRole.STAFF, centre
        sessions = row_sessions(row, source)
        return Arrival(
            name=registration.name if registration else row.name or "(no name)",
            email=(registration.email if registration else None) or row.email,
            phone=(registration.phone if registration else None) or row.phone, role=role,
            centre_id=centre_id, registration=registration, source=source, sessions=sessions,
            untimed_minutes=0 if sessions else row.minutes,
            **({"language": language} if language else {}),
        )  # fmt: skip


def row_sessions(row: AttendanceRow, source: AttendanceSource) -> list[Session]:
    """The row's sessions, each with its minutes: its length, less (from the last back)
    where the export counts fewer minutes in all (Meet's span holds time away)."""
    spans = [span_minutes(start, end) for start, end in row.sessions]
    excess = max(0, sum(spans) - row.minutes)
    for index in reversed(range(len(spans))):
        taken = min(spans[index], excess)
        spans[index] -= taken
        excess -= taken
    return [Session(joined_at=start, left_at=end, minutes=minutes, source=source)
            for (start, end), minutes in zip(row.sessions, spans, strict=True)]  # fmt: skip
