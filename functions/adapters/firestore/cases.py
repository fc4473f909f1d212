"""Reading cases and their history outside a unit of work (status pages, nudges, digests)."""

from __future__ import annotations

from datetime import date, datetime

from functions.adapters.firestore import digests, tallies
from functions.adapters.firestore.base import CASES, EVENTS, FirestoreAdapter, query, storage_errors
from functions.domain.cases.digest_cases import FIELDS, DigestCase
from functions.domain.cases.digest_summaries import CentreSummary
from functions.domain.cases.models import Case, CaseEvent
from functions.domain.cases.references import is_reference
from functions.domain.reports.tallies import CaseTally


class FirestoreCaseReader(FirestoreAdapter):
    def _case_ref(self, reference: str):
        return self._db.collection(CASES).document(reference)

    def get(self, reference: str) -> Case | None:
        if not is_reference(reference):
            return None
        with storage_errors():
            snapshot = self._case_ref(reference).get(**self._t)
        return Case.model_validate(snapshot.to_dict()) if snapshot.exists else None

    def list_events(self, reference: str) -> list[CaseEvent]:
        """A case's history, oldest first."""
        events = self._case_ref(reference).collection(EVENTS)
        with storage_errors():
            docs = list(query(events, EVENTS, {}, ("at",)).stream(**self._t))
        return [CaseEvent.model_validate(d.to_dict()) for d in docs]

    def due_for_nudge(self, now: datetime, limit: int) -> list[Case]:
        """Cases whose next nudge is due, soonest first. Only open cases have one (it is
        cleared when a case is resolved, closed or waits on the parent), so one range on
        one field does it: single-field index, no composite, and no closed case read."""
        due = query(self._db.collection(CASES), CASES, {}, ("next_nudge_at",),
                    ranges={"next_nudge_at": ("<=", now)}).limit(limit)  # fmt: skip
        with storage_errors():
            docs = list(due.stream(**self._t))
        return [Case.model_validate(d.to_dict()) for d in docs]

    def received_between(self, centre_id: str, start: datetime, end: datetime) -> list[Case]:
        """The centre's cases received from `start` (included) to `end` (not), oldest first:
        one range on created_at after an equality on centre_id (composite index)."""
        from google.cloud.firestore_v1.base_query import FieldFilter

        received = query(self._db.collection(CASES), CASES, {"centre_id": centre_id},
                         ("created_at",), ranges={"created_at": (">=", start)})  # fmt: skip
        received = received.where(filter=FieldFilter("created_at", "<", end))
        with storage_errors():
            docs = list(received.stream(**self._t))
        return [Case.model_validate(d.to_dict()) for d in docs]

    def month_tallies(self, month: str, region_id: str | None) -> list[CaseTally]:
        """The month's case tallies (adapters/firestore/tallies.py) in a region, or in the
        whole network (None): one document a centre, counted as each case was written."""
        return tallies.case_tallies(self._db, self._t, month, region_id)

    # The daily digests' reads (functions/adapters/firestore/digests.py has the queries).
    def open_at_centre(self, centre_id: str) -> list[DigestCase]:
        return digests.open_at_centre(self._db, self._t, centre_id)

    def compliments_since(self, centre_id: str, since: datetime) -> list[DigestCase]:
        return digests.compliments_since(self._db, self._t, centre_id, since)

    def digest_summaries(self, region_id: str, day: date) -> list[CentreSummary]:
        return digests.digest_summaries(self._db, self._t, region_id, day)

    # The administrators' pages (functions/services/admin/): a scope's open cases and the
    # cases waiting for triage; region_id None is the whole network.
    def open_cases(self, region_id: str | None, limit: int) -> list[DigestCase]:
        """The scope's open cases as a digest knows them (a projection: never the parent's
        words), in one query: `open` alone, or with region_id (composite index)."""
        filters = {"open": True} | ({"region_id": region_id} if region_id else {})
        found = query(self._db.collection(CASES), CASES, filters).limit(limit)
        with storage_errors():
            docs = list(found.select(FIELDS).stream(**self._t))
        return [DigestCase.model_validate(d.to_dict()) for d in docs]

    def waiting_for_triage(self, region_id: str | None, limit: int) -> list[Case]:
        """Cases flagged for triage and not yet placed (whatever their status): one query on
        `triage.resolved` (a case never flagged has no such field), with region_id when
        given (composite index); a case of no known region is in the network's only."""
        filters = {"triage.resolved": False} | ({"region_id": region_id} if region_id else {})
        found = query(self._db.collection(CASES), CASES, filters).limit(limit)
        with storage_errors():
            docs = list(found.stream(**self._t))
        return [Case.model_validate(d.to_dict()) for d in docs]

    def regions_of(self, references: list[str]) -> dict[str, str | None]:
        """Each existing case's region (None: not known), in one batched read of that field."""
        refs = [self._case_ref(r) for r in dict.fromkeys(references) if is_reference(r)]
        if not refs:
            return {}
        with storage_errors():
            docs = list(self._db.get_all(refs, field_paths=["region_id"], **self._t))
        return {d.id: (d.to_dict() or {}).get("region_id") for d in docs if d.exists}
