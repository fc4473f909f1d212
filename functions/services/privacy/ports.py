"""What the retention job needs from storage (functions/adapters/firestore/retention.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

Cursor = dict[str, Any]  # {"at": the record's time, "id": its document id}


class RetentionStore(Protocol):
    """Records as stored (dicts), inside a unit of work: each write is on the version read."""

    def case(self, reference: str) -> dict | None: ...
    def events(self, reference: str) -> list[tuple[str, dict]]: ...
    def save_case(self, reference: str, doc: dict) -> None: ...
    def save_event(self, reference: str, event_id: str, doc: dict) -> None: ...

    def forum_rows(self, kind: str, forum_id: str, after_id: str | None,
                   limit: int) -> list[tuple[str, dict]]:  # fmt: skip
        """A page of a forum's registrations, attendance or survey_responses, by id."""

    def row(self, kind: str, row_id: str | None) -> dict | None: ...

    def move_rows(self, moves: list[tuple[str, str, str, dict]]) -> None:
        """(kind, old id, new id, record) each: all moved in this unit, or ValueError and
        nothing written (a record no model reads)."""

    def summary_docs(self, summary_id: str) -> list[tuple[str, dict]]:
        """A compiled summary ("" the latest) and each version, as stored."""

    def save_summary_doc(self, summary_id: str, version: str, doc: dict) -> None: ...


class RetentionRecords(Protocol):
    def progress(self, kind: str) -> Cursor | None:
        """Where the job stands in `kind` ("cases", "forums"): the last record done, and
        whatever else was saved with it (the forums': where in the next forum it stopped)."""

    def save_progress(self, kind: str, cursor: Cursor, now: datetime) -> None: ...

    def closed_cases(self, cutoff: datetime, after: Cursor | None, limit: int) -> list[Cursor]:
        """Cases not open and last changed before `cutoff`, oldest first, after `after`."""

    def ended_forums(self, cutoff: datetime, after: Cursor | None, limit: int) -> list[Cursor]:
        """Forums that ended before `cutoff`, oldest first, after `after`."""

    def compiled_summaries(self, cutoff: datetime, after: Cursor | None,
                           limit: int) -> list[Cursor]:  # fmt: skip
        """Forum summaries last compiled before `cutoff`, oldest first, after `after`."""

    def records(self, uow) -> RetentionStore:
        """The records as stored, read and written inside the unit of work `uow`."""
