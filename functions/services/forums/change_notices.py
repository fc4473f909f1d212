"""Telling registrants about a forum's change, durably.

change_forum commits the forum and the promotions a larger capacity allows, then tells
people. A crash between the commit and the last mail would lose the notices (running the
edit again changes nothing, so it tells nobody). So while the change is still being decided,
before its commit, a named task `tell_forum_change` {forum_id, sequence, at, changed} is
queued a few minutes ahead: it tells whoever the first attempt did not (each person's mail is
once per change, telling.py), and queues the reminders for the forum's time. A queue that
cannot take it refuses the change (503: nothing committed, try again).

`at` is the change's time: the people it promoted are those registered with promoted_at ==
at. A change of what a calendar shows (`changed`) is told only while the forum is still at
its `sequence`: a later change has its own task, which tells the newest details once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from functions.domain.forums.models import Forum, RegistrationState
from functions.domain.forums.registration_mail import Moment
from functions.services.errors import ServiceError
from functions.services.forums.reminders import queue_forum_reminders
from functions.services.forums.telling import tell_registrants
from functions.services.ports import Dependencies, Task

HANDLER = "tell_forum_change"
# The task runs this long after the change: by then the change's own request has told
# everyone (the task then finds each person told), unless it crashed.
DELAY = timedelta(minutes=5)
# A task whose change is not in the forum yet waits (503) this long for the commit; after
# that the change was never committed (refused, or the edit failed) and there is nothing to say.
COMMIT_GRACE = timedelta(minutes=30)


class ChangeNotCommittedYet(ServiceError):
    """The forum does not show the change yet: try again later."""


def notice_task(forum: Forum, at: datetime, changed: bool) -> Task:
    """The task that finishes telling about this change (ids and times only)."""
    payload = {"forum_id": forum.forum_id, "sequence": forum.sequence, "at": at.isoformat(),
               "changed": changed}  # fmt: skip
    key = f"{forum.forum_id}:{forum.sequence}:{at.isoformat()}:{int(changed)}"
    return Task(HANDLER, payload, key, at=at + DELAY)


def tell_change(deps: Dependencies, forum_id: str, sequence: int, at: datetime, changed: bool,
                now: datetime) -> dict:  # fmt: skip
    """Tell the people the change promoted, and (when it changed what calendars show)
    everyone else registered; each once. Raises ChangeNotCommittedYet while the forum is not
    at the change's sequence yet, within COMMIT_GRACE of it."""
    forum = deps.forums.get(forum_id)
    if forum is None or forum.cancelled:  # cancelling tells everyone itself
        return {"promoted": 0, "changed": 0, "stale": True}
    if forum.sequence < sequence:
        if now < at + COMMIT_GRACE:
            raise ChangeNotCommittedYet(forum_id)
        return {"promoted": 0, "changed": 0, "stale": True}
    registered = deps.forums.registrations(forum_id, RegistrationState.REGISTERED)
    promoted = [r for r in registered if r.promoted_at == at]
    told = tell_registrants(deps, forum, promoted, Moment.PROMOTED,
                            f"promoted:{forum_id}:{at.isoformat()}", now)  # fmt: skip
    changes = 0
    if changed and forum.sequence == sequence:
        skip = {r.registration_id for r in promoted}
        others = [r for r in registered if r.registration_id not in skip]
        changes = tell_registrants(deps, forum, others, Moment.CHANGED,
                                   f"changed:{forum_id}:{sequence}", now)  # fmt: skip
    queue_forum_reminders(deps, forum, now)
    return {"promoted": told, "changed": changes, "stale": False}
