"""The queries behind the daily digests (services/cases/digest.py), for FirestoreCaseReader.

Each reads in proportion to what a digest shows: a centre's open cases (one query), its
compliments since the last digest (one query), a region's counts as aggregations (one
count each, whatever the number of cases) and its worst overdue cases (ordered, limited).
Only the fields a digest shows are fetched (a projection): never a parent's text.

"Overdue" counts the cases whose running deadline has passed: status received or in
progress (a case waiting on the parent keeps a stale due time while its clock is paused,
and Firestore cannot exclude it with a second inequality), one equality per status.
"""

from __future__ import annotations

from datetime import datetime

from functions.adapters.firestore.base import CASES, query, storage_errors
from functions.domain.cases.digests import FIELDS, CentreCounts, DigestCase
from functions.domain.shared.vocabulary import CaseStatus, Kind

_RUNNING = (CaseStatus.RECEIVED.value, CaseStatus.IN_PROGRESS.value)


def _rows(found, options: dict) -> list[DigestCase]:
    with storage_errors():
        docs = list(found.select(FIELDS).stream(**options))
    return [DigestCase.model_validate(doc.to_dict()) for doc in docs]


def _count(found, options: dict) -> int:
    with storage_errors():
        result = found.count(alias="n").get(**options)
    return int(result[0][0].value)


def open_at_centre(db, options: dict, centre_id: str) -> list[DigestCase]:
    cases = query(db.collection(CASES), CASES, {"centre_id": centre_id, "open": True})
    return _rows(cases, options)


def compliments_since(db, options: dict, centre_id: str, since: datetime) -> list[DigestCase]:
    cases = query(db.collection(CASES), CASES,
                  {"centre_id": centre_id, "kind": Kind.COMPLIMENT.value},
                  ranges={"created_at": (">=", since)})  # fmt: skip
    return _rows(cases, options)


def centre_counts(db, options: dict, centre_id: str, now: datetime) -> CentreCounts:
    """Five count aggregations (each billed as one read up to 1,000 cases counted)."""
    cases = db.collection(CASES)
    late = {"clock.due": ("<=", now)}
    overdue = sum(_count(query(cases, CASES, {"centre_id": centre_id, "open": True,
                                              "status": status}, ranges=late), options)
                  for status in _RUNNING)  # fmt: skip
    unassigned = query(cases, CASES, {"centre_id": centre_id, "open": True, "assignee": None,
                                      "kind": Kind.COMPLAINT.value})  # fmt: skip
    waiting = query(cases, CASES, {"centre_id": centre_id,
                                   "status": CaseStatus.AWAITING_PARENT.value})  # fmt: skip
    return CentreCounts(
        open=_count(query(cases, CASES, {"centre_id": centre_id, "open": True}), options),
        overdue=overdue,
        unassigned_complaints=_count(unassigned, options),
        waiting=_count(waiting, options),
    )


def worst_overdue(db, options: dict, region_id: str, now: datetime,
                  limit: int) -> list[DigestCase]:  # fmt: skip
    """The region's `limit` longest overdue cases: per running status, ordered by due time
    and limited, then merged."""
    found = []
    for status in _RUNNING:
        cases = query(db.collection(CASES), CASES,
                      {"region_id": region_id, "open": True, "status": status}, ("clock.due",),
                      ranges={"clock.due": ("<=", now)}).limit(limit)  # fmt: skip
        found += _rows(cases, options)
    return sorted(found, key=lambda case: (case.clock.due, case.reference))[:limit]
