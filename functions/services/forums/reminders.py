"""Reminders 24 hours and 1 hour before a forum: scheduled tasks named by forum, offset and
start time. A task that finds the forum cancelled, or starting at another time (it moved:
new tasks were queued for the new time), sends nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

from functions import logs
from functions.domain.forums.models import Forum, RegistrationState
from functions.domain.forums.registration_mail import Moment
from functions.services.errors import QueueUnavailable
from functions.services.forums.telling import tell_registrants
from functions.services.ports import Dependencies, Task

HANDLER = "send_forum_reminders"
OFFSETS = {"24h": timedelta(hours=24), "1h": timedelta(hours=1)}
# How far ahead reminders are queued (Cloud Tasks takes at most 30 days; the follow-up job
# runs every 15 minutes, so two days ahead is plenty and a moved forum leaves little behind).
HORIZON = timedelta(hours=48)


def reminder_tasks(forum: Forum) -> list[Task]:
    """The forum's two reminder tasks for its current start time."""
    starts = forum.starts_at.isoformat()
    return [
        Task(
            HANDLER,
            {"forum_id": forum.forum_id, "offset": offset, "starts_at": starts},
            f"{forum.forum_id}:{offset}:{starts}",
            at=forum.starts_at - delta,
        )  # fmt: skip
        for offset, delta in OFFSETS.items()
    ]


def queue_forum_reminders(deps: Dependencies, forum: Forum, now: datetime) -> int:
    """Queue the forum's reminders when it starts within the horizon (a repeat is a no-op:
    the tasks are named). Returns how many were queued."""
    if forum.cancelled or not now < forum.starts_at <= now + HORIZON:
        return 0
    queued = 0
    for task in reminder_tasks(forum):
        try:
            deps.queue.enqueue(task)
            queued += 1
        except QueueUnavailable as error:  # the next run of the follow-up job queues it
            logs.forum_task_not_queued(HANDLER, str(error))
    return queued


def withdraw_reminders(deps: Dependencies, forum: Forum) -> None:
    """Take back the forum's queued reminders (they would send nothing anyway)."""
    for task in reminder_tasks(forum):
        try:
            deps.queue.cancel(task)
        except QueueUnavailable as error:
            logs.task_not_cancelled(HANDLER, str(error))


def queue_reminders(deps: Dependencies, now: datetime) -> int:
    """Queue the reminders of every forum starting within the next 48 hours (the follow-up
    job calls this every 15 minutes)."""
    forums = deps.forums.starting_between(now, now + HORIZON)
    return sum(queue_forum_reminders(deps, forum, now) for forum in forums)


def send_forum_reminders(deps: Dependencies, forum_id: str, offset: str,
                         starts_at: datetime, now: datetime) -> dict:  # fmt: skip
    """Remind every registered person (once each per offset and start time); nothing when the
    forum is gone, cancelled, moved or already started."""
    forum = deps.forums.get(forum_id)
    if forum is None or forum.cancelled or forum.starts_at != starts_at or now >= starts_at:
        return {"reminded": 0, "stale": True}
    registered = deps.forums.registrations(forum_id, RegistrationState.REGISTERED)
    told = tell_registrants(
        deps, forum, registered, Moment.REMINDER, f"reminder:{forum_id}:{offset}:{starts_at}",
        now, offset=offset, calendar=lambda r: offset == "24h",
    )  # fmt: skip
    return {"reminded": told, "stale": False}
