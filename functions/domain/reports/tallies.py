"""Running counts kept beside the records, for the forum summaries (no I/O).

A month of the network holds tens of thousands of cases, and a forum thousands of
registrations and attendance rows. Counting them when a summary is compiled meant reading
every case of the month (24 s of a 35 s compile in bench/forum_summary.py) and 15 count
aggregations a forum (8 s more). Instead every write of a case, a registration or an
attendance row adds what it changes to a tally, in the same commit as the record
(functions/adapters/firestore/tallies.py): the counts cannot drift from the records they
count, and a compile reads one document a centre and one a forum.

These functions say what one record counts for; a write adds the difference between what
the record counted for before and after it (`difference`). `case_tallies` sums cases in
memory the same way (the benchmark's baseline, the tests).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import Field, field_validator

from functions.domain.cases.case_rows import CaseRow
from functions.domain.cases.figures import SATISFIED_FROM
from functions.domain.forums.attendance import Attendance, RoleFigures
from functions.domain.forums.models import Registration
from functions.domain.shared.calendar import DEFAULT_TIMEZONE
from functions.domain.shared.records import Record
from functions.domain.shared.vocabulary import Category, ParticipantRole

# Counts by name; a nested mapping counts by key (a category, a role).
Counts = dict[str, Any]
# What one record counts for: (tally id, its counts, the tally's labels for queries)
Part = tuple[str, Counts, dict[str, Any]]


class CaseTally(Record):
    """A centre's cases received in a month (by the network's calendar), as counted when
    each was written."""

    month: str
    centre_id: str | None = None
    centre_name: str = ""
    region_id: str | None = None
    received: int = 0
    by_category: dict[Category, int] = Field(default_factory=dict)
    in_time: int = 0  # resolved within the service level
    late: int = 0  # resolved after it
    rated: int = 0
    satisfied: int = 0  # rated SATISFIED_FROM or more

    @field_validator("by_category")
    @classmethod
    def _counted(cls, by_category: dict[Category, int]) -> dict[Category, int]:
        """A category every case of which moved away is stored as 0: not one counted."""
        return {category: count for category, count in by_category.items() if count}

    @property
    def resolved(self) -> int:
        return self.in_time + self.late


def month_of(row: CaseRow) -> str:
    """The month a case was received in, in the network's time zone (every forum and case
    of a South African network is in it: the summaries count a month in it)."""
    return f"{row.created_at.astimezone(ZoneInfo(DEFAULT_TIMEZONE)):%Y-%m}"


def case_tally_id(month: str, centre_id: str | None, region_id: str | None) -> str:
    """A document id per month, centre and region (hashed: any id is safe in a path)."""
    key = hashlib.sha256(f"{centre_id or ''}\n{region_id or ''}".encode()).hexdigest()[:24]
    return f"{month}:{key}"


def case_part(row: CaseRow) -> Part:
    counts: Counts = {"received": 1, "by_category": {row.category.value: 1}}
    if row.outcome.resolved_in_time is not None:
        counts["in_time" if row.outcome.resolved_in_time else "late"] = 1
    if row.rating is not None:
        counts["rated"] = 1
        if row.rating.score >= SATISFIED_FROM:
            counts["satisfied"] = 1
    month = month_of(row)
    labels = {"month": month, "centre_id": row.centre_id, "region_id": row.region_id,
              "centre_name": row.centre_name}  # fmt: skip
    return case_tally_id(month, row.centre_id, row.region_id), counts, labels


def registration_part(registration: Registration) -> Part:
    counts = {"registered": {registration.role.value: 1}} if registration.holds_place else {}
    return registration.forum_id, counts, {"forum_id": registration.forum_id}


def attendance_part(person: Attendance) -> Part:
    role = person.role.value
    kind = "attended_registered" if person.registered else "walk_ins"
    return person.forum_id, {"attended": {role: 1}, kind: {role: 1}}, {"forum_id": person.forum_id}


def difference(before: Part | None, after: Part | None) -> dict[str, tuple[Counts, dict]]:
    """Tally id → (counts to add, labels) turning what `before` counted for into what
    `after` does; tallies left unchanged are left out."""
    changes: dict[str, tuple[Counts, dict]] = {}
    for part, sign in ((before, -1), (after, 1)):
        if part is None:
            continue
        tally_id, counts, labels = part
        held, _ = changes.get(tally_id, ({}, {}))
        changes[tally_id] = (_add(held, counts, sign), labels)
    return {key: (counts, labels) for key, (counts, labels) in changes.items() if counts}


def _add(into: Counts, counts: Counts, sign: int) -> Counts:
    """`into` plus sign × `counts`, leaves that come to zero dropped."""
    merged = dict(into)
    for name, value in counts.items():
        if isinstance(value, dict):
            inner = _add(merged.get(name, {}), value, sign)
            merged.pop(name, None)
            if inner:
                merged[name] = inner
        else:
            total = merged.get(name, 0) + sign * value
            merged.pop(name, None)
            if total:
                merged[name] = total
    return merged


def case_tallies(rows: Iterable[CaseRow]) -> list[CaseTally]:
    """The tallies these cases make, summed in memory (what the writes add up to)."""
    summed: dict[str, tuple[Counts, dict]] = {}
    for row in rows:
        tally_id, counts, labels = case_part(row)
        held, _ = summed.get(tally_id, ({}, {}))
        summed[tally_id] = (_add(held, counts, 1), labels)
    return [CaseTally.model_validate(labels | counts) for counts, labels in summed.values()]


def role_figures(tally: Counts | None) -> dict[ParticipantRole, RoleFigures]:
    """A forum's figures by role from its tally (every role, 0 where none)."""
    tally = tally or {}
    names = ("registered", "attended", "attended_registered", "walk_ins")
    return {role: RoleFigures(**{name: int(tally.get(name, {}).get(role.value, 0))
                                 for name in names})
            for role in ParticipantRole}  # fmt: skip
