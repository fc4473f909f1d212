"""The retention job's reads and writes in Firestore (services/privacy/retention.py).

Outside a unit of work: where the job stands (retention/<kind>: the cursor of the last record
done) and the next page of records whose period is over, oldest first, after that cursor:
closed cases by their last change (open == false, updated_at < cutoff: a composite index),
forums by their end, compiled forum summaries by their last compile. Inside a unit of work
(`records(uow)`): a case and its history, a forum's rows, a summary and its versions, read as
they are stored and written back on the version read, so a record
changed meanwhile refuses the commit and the work runs again; cases, registrations and
attendance rows go through the unit's tallies, which add nothing since the counted fields
stay.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from functions.adapters.firestore.base import (
    CASES,
    EVENTS,
    FORUM_ATTENDANCE,
    FORUM_REGISTRATIONS,
    FORUM_SUMMARIES,
    FORUM_SURVEY_RESPONSES,
    FORUMS,
    RETENTION,
    SUMMARY_VERSIONS,
    FirestoreAdapter,
    query,
    storage_errors,
    valid_id,
)
from functions.adapters.firestore.tallies import changes as tally_changes

# The kinds of forum rows, as the domain's rules name them (domain/privacy/retention.py)
FORUM_ROWS = {"registrations": FORUM_REGISTRATIONS, "attendance": FORUM_ATTENDANCE,
              "survey_responses": FORUM_SURVEY_RESPONSES}  # fmt: skip
# {"at": the record's time, "id": its document id}; the forums' may also say where in the
# forum after it the walk stopped ("within": {"forum_id", "kind", "after"})
Cursor = dict[str, Any]


class FirestoreRetention(FirestoreAdapter):
    """RetentionRecords port (services/privacy/ports.py)."""

    def progress(self, kind: str) -> Cursor | None:
        with storage_errors():
            snapshot = self._db.collection(RETENTION).document(kind).get(**self._t)
        data = snapshot.to_dict() if snapshot.exists else None
        if not data:
            return None
        data.pop("updated_at", None)
        return data

    def save_progress(self, kind: str, cursor: Cursor, now: datetime) -> None:
        with storage_errors():
            self._db.collection(RETENTION).document(kind).set(cursor | {"updated_at": now},
                                                              **self._t)  # fmt: skip

    def closed_cases(self, cutoff: datetime, after: Cursor | None, limit: int) -> list[Cursor]:
        """Cases no longer open, last changed before `cutoff`, after `after`, oldest first."""
        found = query(self._db.collection(CASES), CASES, {"open": False}, ("updated_at",),
                      ranges={"updated_at": ("<", cutoff)})  # fmt: skip
        return self._page(found, "updated_at", after, limit)

    def ended_forums(self, cutoff: datetime, after: Cursor | None, limit: int) -> list[Cursor]:
        """Forums (cancelled ones too) that ended before `cutoff`, after `after`, oldest first."""
        found = query(self._db.collection(FORUMS), FORUMS, {}, ("ends_at",),
                      ranges={"ends_at": ("<", cutoff)})  # fmt: skip
        return self._page(found, "ends_at", after, limit)

    def compiled_summaries(self, cutoff: datetime, after: Cursor | None,
                           limit: int) -> list[Cursor]:  # fmt: skip
        """Forum summaries last compiled before `cutoff` (every forum in them ended before),
        after `after`, oldest first."""
        found = query(self._db.collection(FORUM_SUMMARIES), FORUM_SUMMARIES, {},
                      ("compiled_at",), ranges={"compiled_at": ("<", cutoff)})  # fmt: skip
        return self._page(found, "compiled_at", after, limit)

    def _page(self, found, field: str, after: Cursor | None, limit: int) -> list[Cursor]:
        found = found.order_by("__name__").select([field, "deidentified_at"])
        if after is not None:
            found = found.start_after({field: after["at"], "__name__": after["id"]})
        with storage_errors():
            docs = list(found.limit(limit).stream(**self._t))
        # "done": already de-identified (a forum has no such mark: its rows are looked at)
        return [{"at": doc.get(field), "id": doc.id, "done": _marked(doc)} for doc in docs]

    def records(self, uow) -> RetentionStore:
        return RetentionStore(uow)


def _marked(snapshot) -> bool:
    try:
        return snapshot.get("deidentified_at") is not None
    except KeyError:
        return False


class RetentionStore:
    """Records as stored, inside a unit of work (the RetentionStore port)."""

    def __init__(self, unit):
        self._unit = unit

    def _case(self, reference: str):
        return self._unit._db.collection(CASES).document(reference)

    def case(self, reference: str) -> dict | None:
        return self._unit.read(self._case(reference))

    def events(self, reference: str) -> list[tuple[str, dict]]:
        """The case's history, every line read (and remembered) as stored."""
        with storage_errors():
            snapshots = list(self._case(reference).collection(EVENTS).stream(**self._unit._t))
        return [(s.id, self._unit.remember(s)) for s in snapshots]

    def save_case(self, reference: str, doc: dict) -> None:
        self._replace(self._case(reference), doc)

    def save_event(self, reference: str, event_id: str, doc: dict) -> None:
        self._replace(self._case(reference).collection(EVENTS).document(event_id), doc)

    def summary_docs(self, summary_id: str) -> list[tuple[str, dict]]:
        """A compiled summary as stored ("" names the latest) and each of its versions."""
        ref = self._unit._db.collection(FORUM_SUMMARIES).document(summary_id)
        head = self._unit.read(ref)
        with storage_errors():
            versions = list(ref.collection(SUMMARY_VERSIONS).stream(**self._unit._t))
        found = [(v.id, self._unit.remember(v)) for v in versions]
        return ([("", head)] if head is not None else []) + found

    def save_summary_doc(self, summary_id: str, version: str, doc: dict) -> None:
        ref = self._unit._db.collection(FORUM_SUMMARIES).document(summary_id)
        self._replace(ref.collection(SUMMARY_VERSIONS).document(version) if version else ref, doc)

    def forum_rows(self, kind: str, forum_id: str, after_id: str | None,
                   limit: int) -> list[tuple[str, dict]]:  # fmt: skip
        """A page of the forum's rows of `kind`, by document id after `after_id`."""
        collection = self._unit._db.collection(FORUM_ROWS[kind])
        found = query(collection, FORUM_ROWS[kind], {"forum_id": forum_id}).order_by("__name__")
        if after_id is not None:
            found = found.start_after({"__name__": after_id})
        with storage_errors():
            snapshots = list(found.limit(limit).stream(**self._unit._t))
        return [(s.id, self._unit.remember(s)) for s in snapshots]

    def row(self, kind: str, row_id: str | None) -> dict | None:
        """One of a forum's rows, read in this unit (None: absent, or no id given)."""
        if not row_id or not valid_id(row_id):
            return None
        return self._unit.read(self._unit._db.collection(FORUM_ROWS[kind]).document(row_id))

    def move_rows(self, moves: list[tuple[str, str, str, dict]]) -> None:
        """Each (kind, old id, new id, record): the row read under its old id deleted, the
        record created under the new one, all or none: a record no model reads raises
        ValueError before anything is written. Their tallies cancel out (same forum, same
        counted fields), so no tally is written."""
        refs = [(self._unit._db.collection(FORUM_ROWS[kind]).document(old),
                 self._unit._db.collection(FORUM_ROWS[kind]).document(new), doc)
                for kind, old, new, doc in moves]  # fmt: skip
        for old, new, doc in refs:
            tally_changes(old, self._unit.read_data.get(old.path), None)
            tally_changes(new, None, doc)
        for old, new, doc in refs:
            self._unit.delete(old)
            self._unit.create(new, doc)

    def _replace(self, ref, doc: dict) -> None:
        """Write `doc` over what was read: fields it leaves out are deleted (an update would
        keep them), on the version read."""
        from google.cloud.firestore_v1 import DELETE_FIELD

        before = self._unit.read_data.get(ref.path) or {}
        # What the record counts for, as read and as written: a record no model reads raises
        # ValueError here, before anything is written (the caller leaves it as it is).
        tally_changes(ref, before, doc)
        gone = {key: DELETE_FIELD for key in before if key not in doc}
        self._unit.update(ref, doc | gone)
