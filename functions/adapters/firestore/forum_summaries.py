"""Compiled forum summaries in Firestore (domain/reports/summary.py).

forum_summaries/<summary id>: the latest version of a scope's month ("2025-03-network",
"2025-03-<region id>") or of one forum ("forum-<forum id>");
forum_summaries/<summary id>/versions/<n>: every version, kept (a late survey response
makes version n + 1; the earlier ones stay as they were sent).
"""

from __future__ import annotations

from functions.adapters.firestore.base import (
    FORUM_SUMMARIES,
    SUMMARY_VERSIONS,
    dump,
    storage_errors,
    valid_id,
)
from functions.domain.reports.summary import MonthSummary


def _version_id(version: int) -> str:
    return f"{version:06d}"  # sorts as the numbers do


class ForumSummaryStore:
    """Compiled summaries inside a unit of work."""

    def __init__(self, unit):
        self._unit = unit

    def _ref(self, summary_id: str):
        return self._unit._db.collection(FORUM_SUMMARIES).document(summary_id)

    def get(self, summary_id: str) -> MonthSummary | None:
        if not valid_id(summary_id):
            return None
        data = self._unit.read(self._ref(summary_id))
        return MonthSummary.model_validate(data) if data else None

    def save(self, summary: MonthSummary) -> None:
        """The latest (new where read as absent, else replacing the one read, unchanged
        since) and its version, created: two compiles racing cannot both commit."""
        ref = self._ref(summary.summary_id)
        if ref.path not in self._unit.versions:
            self._unit.read(ref)
        self._unit.update(ref, dump(summary))
        version = ref.collection(SUMMARY_VERSIONS).document(_version_id(summary.version))
        self._unit.create(version, dump(summary))


class ForumSummaryReading:
    """The reads of compiled summaries (mixed into FirestoreForumReader)."""

    def summary(self, summary_id: str) -> MonthSummary | None:
        if not valid_id(summary_id):
            return None
        with storage_errors():
            snapshot = self._db.collection(FORUM_SUMMARIES).document(summary_id).get(**self._t)
        return MonthSummary.model_validate(snapshot.to_dict()) if snapshot.exists else None

    def summary_versions(self, summary_id: str) -> list[MonthSummary]:
        """Every version, the first first (one query of the sub-collection)."""
        if not valid_id(summary_id):
            return []
        versions = (self._db.collection(FORUM_SUMMARIES).document(summary_id)
                    .collection(SUMMARY_VERSIONS))  # fmt: skip
        with storage_errors():
            docs = list(versions.stream(**self._t))
        found = [MonthSummary.model_validate(doc.to_dict()) for doc in docs]
        return sorted(found, key=lambda s: s.version)
