"""The tallies a unit of work keeps (functions/domain/reports/tallies.py): each write of a
case, a registration or an attendance row adds, in the same commit, the difference between
what the record counted for as read and as written.

Added with Firestore's server-side increments in a merge: no read of the tally, so writers at
the same centre or forum never refuse each other's commits over it, and a commit refused or
never landed adds nothing (it is all or nothing with the record). The record itself is written
on the version read, so the difference is exact.
"""

from __future__ import annotations

from typing import Any

from functions.adapters.firestore.base import (
    CASE_TALLIES,
    CASES,
    FORUM_ATTENDANCE,
    FORUM_REGISTRATIONS,
    FORUM_TALLIES,
    query,
    storage_errors,
)
from functions.domain.cases.case_rows import CaseRow
from functions.domain.forums.attendance import Attendance
from functions.domain.forums.models import Registration
from functions.domain.reports import tallies

# A tallied collection → (its tallies' collection, the model a record is read as, its part)
TALLIED = {
    CASES: (CASE_TALLIES, CaseRow, tallies.case_part),
    FORUM_REGISTRATIONS: (FORUM_TALLIES, Registration, tallies.registration_part),
    FORUM_ATTENDANCE: (FORUM_TALLIES, Attendance, tallies.attendance_part),
}


def tallied(ref) -> bool:
    return ref.parent.id in TALLIED and ref.parent.parent is None


def changes(ref, before: dict | None, after: dict | None) -> list[tuple[str, str, dict, dict]]:
    """(tally collection, tally id, counts to add, labels) for a write of `ref` from `before`
    to `after` (None: absent); nothing for a collection without tallies."""
    if not tallied(ref):
        return []
    collection, model, part = TALLIED[ref.parent.id]
    parts = [part(model.model_validate(data)) if data is not None else None
             for data in (before, after)]  # fmt: skip
    return [(collection, key, counts, labels)
            for key, (counts, labels) in tallies.difference(*parts).items()]  # fmt: skip


def add(into: dict, counts: dict) -> None:
    """Sum `counts` into `into` (a unit's pending change to one tally)."""
    for name, value in counts.items():
        if isinstance(value, dict):
            add(into.setdefault(name, {}), value)
        else:
            into[name] = into.get(name, 0) + value


def increments(counts: dict) -> dict[str, Any]:
    """The counts as Firestore increments, nested as they are stored (zeros left out)."""
    from google.cloud.firestore_v1 import Increment

    made = {}
    for name, value in counts.items():
        if isinstance(value, dict):
            inner = increments(value)
            if inner:
                made[name] = inner
        elif value:
            made[name] = Increment(value)
    return made


def case_tallies(db, options: dict, month: str, region_id: str | None) -> list[tallies.CaseTally]:
    """A month's case tallies in a region (every region: None), one document a centre."""
    filters = {"month": month} | ({"region_id": region_id} if region_id else {})
    found = query(db.collection(CASE_TALLIES), CASE_TALLIES, filters)
    with storage_errors():
        docs = list(found.stream(**options))
    return [tallies.CaseTally.model_validate(doc.to_dict()) for doc in docs]


def forum_tally(db, options: dict, forum_id: str) -> dict:
    with storage_errors():
        snapshot = db.collection(FORUM_TALLIES).document(forum_id).get(**options)
    return snapshot.to_dict() if snapshot.exists else {}
