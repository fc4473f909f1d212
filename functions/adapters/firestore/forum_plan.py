"""The standing forum plan in Firestore (`settings/forum_plan`), as setup reads it.

Until an administrator loads one (the seed does, and `python -m functions.devtools.seed
--forum-plan-only` in production), infra/forum_plan.json applies, so a new deployment sets up
sensible forums (settings_document.py). Setup runs once a month: an edit shows within the
cache time.
"""

from __future__ import annotations

from pathlib import Path

from functions.adapters.firestore.settings_document import INFRA, SettingsDocument
from functions.domain.forums.plan import ForumPlan

PLAN_FILE = INFRA / "forum_plan.json"


def plan_from_file(path: Path = PLAN_FILE) -> ForumPlan:
    return FirestoreForumPlan.from_file(path)


class FirestoreForumPlan(SettingsDocument[ForumPlan]):
    DOCUMENT, MODEL, FILE = "forum_plan", ForumPlan, PLAN_FILE

    def save(self, plan: ForumPlan) -> ForumPlan:
        # Times as "18:00": Firestore has no time-of-day type.
        return self._store(plan, plan.model_dump(mode="json"))
