"""What the forum summaries need from storage (adapters/firestore/forum_summaries.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from functions.domain.reports.summary import MonthSummary


class ForumSummaryStore(Protocol):
    """Compiled summaries inside a unit of work: the latest version of each, and every
    version kept beside it."""

    def get(self, summary_id: str) -> MonthSummary | None:
        """The latest version (read in this unit: a compile committing first refuses this
        unit's commit, and the work runs again on what it wrote)."""

    def save(self, summary: MonthSummary) -> None:
        """The summary as the latest, and as its version (which must not exist yet)."""


class ForumSummaryReading(Protocol):
    """Compiled summaries outside a unit of work (the report pages)."""

    def summary(self, summary_id: str) -> MonthSummary | None: ...

    def summary_versions(self, summary_id: str) -> list[MonthSummary]:
        """Every version kept, the first first."""
