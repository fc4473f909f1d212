"""Compiled forum summaries in Firestore (domain/reports/summary.py).

forum_summaries/<summary id>: the latest version of a scope's month ("2025-03-network",
"2025-03-<region id>") or of one forum ("forum-<forum id>");
forum_summaries/<summary id>/versions/<n>: every version, kept (a late survey response
makes version n + 1; the earlier ones stay as they were sent).

A summary is stored as its JSON text (`body`) beside the few fields that name it: nothing
queries inside it, and encoding its thousands of values as nested Firestore maps took half
a second a document (bench/forum_summary.py), decoding them as long.
"""

from __future__ import annotations

from functions.adapters.firestore.base import (
    FORUM_SUMMARIES,
    SUMMARY_VERSIONS,
    storage_errors,
    valid_id,
)
from functions.domain.reports.summary import MonthSummary


def _version_id(version: int) -> str:
    return f"{version:06d}"  # sorts as the numbers do


def _stored(summary: MonthSummary) -> dict:
    named = summary.model_dump(include={"summary_id", "month", "scope", "forum_id", "version",
                                        "fingerprint", "compiled_at"})  # fmt: skip
    return named | {"body": summary.model_dump_json()}


def _summary(data: dict | None) -> MonthSummary | None:
    if not data:
        return None
    if "body" not in data:  # stored before summaries were kept as their JSON text
        return MonthSummary.model_validate(data)
    return MonthSummary.model_validate_json(data["body"])


class ForumSummaryStore:
    """Compiled summaries inside a unit of work."""

    def __init__(self, unit):
        self._unit = unit

    def _ref(self, summary_id: str):
        return self._unit._db.collection(FORUM_SUMMARIES).document(summary_id)

    def get(self, summary_id: str) -> MonthSummary | None:
        if not valid_id(summary_id):
            return None
        return _summary(self._unit.read(self._ref(summary_id)))

    def save(self, summary: MonthSummary) -> None:
        """The latest (new where read as absent, else replacing the one read, unchanged
        since) and its version, created: two compiles racing cannot both commit."""
        ref = self._ref(summary.summary_id)
        if ref.path not in self._unit.versions:
            self._unit.read(ref)
        self._unit.update(ref, _stored(summary))
        version = ref.collection(SUMMARY_VERSIONS).document(_version_id(summary.version))
        self._unit.create(version, _stored(summary))


class ForumSummaryReading:
    """The reads of compiled summaries (mixed into FirestoreForumReader)."""

    def summary(self, summary_id: str) -> MonthSummary | None:
        if not valid_id(summary_id):
            return None
        with storage_errors():
            snapshot = self._db.collection(FORUM_SUMMARIES).document(summary_id).get(**self._t)
        return _summary(snapshot.to_dict()) if snapshot.exists else None

    def summary_versions(self, summary_id: str) -> list[MonthSummary]:
        """Every version, the first first (one query of the sub-collection)."""
        if not valid_id(summary_id):
            return []
        versions = (self._db.collection(FORUM_SUMMARIES).document(summary_id)
                    .collection(SUMMARY_VERSIONS))  # fmt: skip
        with storage_errors():
            docs = list(versions.stream(**self._t))
        found = [_summary(doc.to_dict()) for doc in docs]
        return sorted(found, key=lambda s: s.version)
