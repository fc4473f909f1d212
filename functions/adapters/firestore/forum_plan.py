"""The standing forum plan in Firestore (one settings document), as setup reads it.

Like the service levels (service_levels.py): until an administrator loads one (the seed does,
and `python -m functions.devtools.seed --forum-plan-only` in production), the plan in
infra/forum_plan.json applies, so a new deployment sets up sensible forums. Kept by each
instance briefly: setup runs once a month, and an edit shows within the cache time.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from functions.adapters.firestore.base import SETTINGS, FirestoreAdapter, storage_errors
from functions.domain.forums.plan import ForumPlan

PLAN_FILE = Path(__file__).resolve().parents[3] / "infra" / "forum_plan.json"
_DOCUMENT = "forum_plan"


def plan_from_file(path: Path = PLAN_FILE) -> ForumPlan:
    return ForumPlan.model_validate_json(path.read_text(encoding="utf-8"))


class FirestoreForumPlan(FirestoreAdapter):
    def __init__(self, client, timeout: float = 10.0, cache_seconds: float = 60.0):
        super().__init__(client, timeout)
        self._cache_seconds = cache_seconds
        self._kept: tuple[float, ForumPlan] | None = None
        self._lock = threading.Lock()

    def _ref(self):
        return self._db.collection(SETTINGS).document(_DOCUMENT)

    def current(self) -> ForumPlan:
        """The plan in force: the stored one, else the file's."""
        with self._lock:
            kept = self._kept
        if kept is not None and time.monotonic() - kept[0] < self._cache_seconds:
            return kept[1]
        with storage_errors():
            snapshot = self._ref().get(**self._t)
        plan = ForumPlan.model_validate(snapshot.to_dict()) if snapshot.exists else plan_from_file()
        with self._lock:
            self._kept = (time.monotonic(), plan)
        return plan

    def save(self, plan: ForumPlan) -> ForumPlan:
        data = plan.model_dump(mode="json")  # times as "18:00": Firestore has no time type
        with storage_errors():
            self._ref().set(data, **self._t)
        with self._lock:
            self._kept = (time.monotonic(), plan)
        return plan
