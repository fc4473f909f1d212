"""Action points in Firestore (domain/reports/action_points.py).

action_points/<point id>: the point, with `scope_key` ("network" or "region:<id>") beside
its fields so that a scope's month is one query (scope_key, month, ordered by due: a
composite index), and `due` kept as its ISO date text (Firestore holds no plain dates; the
text sorts as the days do).
"""

from __future__ import annotations

from functions.adapters.firestore.base import (
    ACTION_POINTS,
    FirestoreAdapter,
    dump,
    query,
    storage_errors,
    valid_id,
)
from functions.domain.reports.action_points import ActionPoint, scope_key

MAX_LISTED = 500  # a scope's month holds a few dozen; a bound all the same


def _data(point: ActionPoint) -> dict:
    return dump(point) | {"due": point.due.isoformat(), "scope_key": point.scope_key}


class ActionPointStore:
    """Action points inside a unit of work: read, then add or replace."""

    def __init__(self, unit):
        self._unit = unit

    def _ref(self, point_id: str):
        return self._unit.collection(ACTION_POINTS).document(point_id)

    def get(self, point_id: str) -> ActionPoint | None:
        if not valid_id(point_id):
            return None
        data = self._unit.read(self._ref(point_id))
        return ActionPoint.model_validate(data) if data else None

    def add(self, point: ActionPoint) -> None:
        """A new point (the commit fails if its id is taken)."""
        self._unit.create(self._ref(point.point_id), _data(point))

    def save(self, point: ActionPoint) -> None:
        """The point read in this unit, changed (the commit fails if another changed it)."""
        self._unit.update(self._ref(point.point_id), _data(point))


class FirestoreActionPoints(FirestoreAdapter):
    """Reading action points outside a unit of work (the admin page, the report)."""

    def action_points(self, scope: str | None, month: str) -> list[ActionPoint]:
        """The scope's points of the month (scope None: the network's own), soonest due
        first, then as added."""
        found = query(self.collection(ACTION_POINTS), ACTION_POINTS,
                      {"scope_key": scope_key(scope), "month": month}, ("due",))  # fmt: skip
        with storage_errors():
            docs = list(found.limit(MAX_LISTED).stream(**self._t))
        points = [ActionPoint.model_validate(doc.to_dict()) for doc in docs]
        return sorted(points, key=lambda p: (p.due, p.created_at, p.point_id))
