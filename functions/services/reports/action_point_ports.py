"""What action points need from storage (adapters/firestore/action_points.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from functions.domain.reports.action_points import ActionPoint


class ActionPointStore(Protocol):
    """Action points inside a unit of work."""

    def get(self, point_id: str) -> ActionPoint | None: ...

    def add(self, point: ActionPoint) -> None:
        """A new point (the commit fails if its id is taken)."""

    def save(self, point: ActionPoint) -> None:
        """The point read in this unit, changed (the commit fails if another changed it)."""


class ActionPointReading(Protocol):
    """Action points outside a unit of work: the admin page, and the forum report."""

    def action_points(self, scope: str | None, month: str) -> list[ActionPoint]:
        """The scope's points of the month (None: the network's own), soonest due first."""
