"""The queries behind the daily digests (services/cases/digest.py), for FirestoreCaseReader,
and the centres' summaries of a day that the regions' digests are made of.

Each reads in proportion to what a digest shows: a centre's open cases (one query), its
compliments since the last digest (one query), and a region's summaries of the day (one
query, a document per centre: its counts and worst overdue cases, written by the centre's
digest task from the open cases it read). Only the fields a digest shows are fetched (a
projection): never a parent's text.
"""

from __future__ import annotations

from datetime import date, datetime

from functions.adapters.firestore.base import CASES, DIGEST_SUMMARIES, query, storage_errors
from functions.domain.cases.digest_cases import FIELDS, DigestCase
from functions.domain.cases.digest_summaries import CentreSummary
from functions.domain.shared.vocabulary import Kind


def _rows(found, options: dict) -> list[DigestCase]:
    with storage_errors():
        docs = list(found.select(FIELDS).stream(**options))
    return [DigestCase.model_validate(doc.to_dict()) for doc in docs]


def open_at_centre(db, options: dict, centre_id: str) -> list[DigestCase]:
    cases = query(db.collection(CASES), CASES, {"centre_id": centre_id, "open": True})
    return _rows(cases, options)


def compliments_since(db, options: dict, centre_id: str, since: datetime) -> list[DigestCase]:
    cases = query(db.collection(CASES), CASES,
                  {"centre_id": centre_id, "kind": Kind.COMPLIMENT.value},
                  ranges={"created_at": (">=", since)})  # fmt: skip
    return _rows(cases, options)


def summary_id(centre_id: str, day: str) -> str:
    """A centre's summary of `day` (ISO date): one document per centre and day."""
    return f"{centre_id}:{day}"


def digest_summaries(db, options: dict, region_id: str, day: date) -> list[CentreSummary]:
    found = query(db.collection(DIGEST_SUMMARIES), DIGEST_SUMMARIES,
                  {"region_id": region_id, "date": day.isoformat()})  # fmt: skip
    with storage_errors():
        docs = list(found.stream(**options))
    return [CentreSummary.model_validate(doc.to_dict()) for doc in docs]
