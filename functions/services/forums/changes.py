"""Changing and cancelling a forum (the administrator's edit and cancel forms, `ecd`).

The forum is changed in one unit of work (with the promotions a larger capacity allows);
then every registrant whose calendar shows the change is told in batches, each person once
per change (telling.py). The telling is durable: a task queued before the commit finishes it
after a crash (change_notices.py). A moved start queues the reminders for the new time; the
old ones find the time changed and send nothing.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from functions.domain.forums import capacity
from functions.domain.forums.changes import ForumChanges
from functions.domain.forums.models import Forum, ForumStatus, RegistrationState
from functions.domain.forums.registration_mail import Moment
from functions.services.forums.change_notices import notice_task, tell_change
from functions.services.forums.errors import ForumClosed, ForumNotFound
from functions.services.forums.mailing import commit
from functions.services.forums.reminders import queue_forum_reminders, withdraw_reminders
from functions.services.forums.telling import tell_registrants
from functions.services.ports import Dependencies, UnitOfWork

# What a registrant's calendar or mail shows: a change of these bumps the forum's SEQUENCE.
SHOWN = ("title", "starts_at", "ends_at", "timezone", "joining", "details_release_hours",
         "description", "breakout_rooms")  # fmt: skip


def _changed(forum: Forum, changes: ForumChanges, now: datetime) -> tuple[Forum, bool]:
    """The forum with the changes (validated as a whole: it still ends after it starts), and
    whether anything registrants see changed."""
    given = changes.given()
    moved_to = given.get("starts_at")
    if moved_to is not None and moved_to != forum.starts_at and moved_to <= now:
        raise ValueError("A forum moves to a time in the future")  # as a new one starts
    shown = any(getattr(forum, name) != value for name, value in given.items() if name in SHOWN)
    data = forum.model_dump() | given | {"updated_at": now}
    starts = data["starts_at"].astimezone(ZoneInfo(data["timezone"]))
    data["month"] = starts.strftime("%Y-%m")
    if shown:
        data["sequence"] = forum.sequence + 1
    return Forum.model_validate(data), shown


def change_forum(deps: Dependencies, forum_id: str, changes: ForumChanges,
                 now: datetime) -> Forum:  # fmt: skip
    """Apply the changes to a forum; registrants are told when their calendar changes, and
    people waiting take the places a larger capacity opens, in order (told at once)."""
    before = deps.forums.get(forum_id)
    waiting = sorted(deps.forums.registrations(forum_id, RegistrationState.WAITLISTED),
                     key=lambda r: r.waitlist_position or 0)  # fmt: skip

    def work(uow: UnitOfWork) -> tuple[Forum, bool, list]:
        forum = uow.forums.get(forum_id)
        if forum is None:
            raise ForumNotFound(forum_id)
        if forum.cancelled:
            raise ForumClosed("cancelled")
        forum, shown = _changed(forum, changes, now)
        promoted = []
        for listed in waiting:  # in waiting-list order; each read again in this unit
            if forum.places_left == 0:
                break
            current = uow.registrations.get(listed.registration_id)
            if current is None or current.state != RegistrationState.WAITLISTED:
                continue
            forum, person = capacity.promote(forum, current, now)
            uow.registrations.save(person)
            promoted.append(person)
        if shown or promoted:
            # Before the commit: should we crash after it, the task tells people. A queue
            # that cannot take it raises QueueUnavailable: nothing is committed (503).
            deps.queue.enqueue(notice_task(forum, now, shown))
        uow.forums.save(forum)
        return forum, shown, promoted

    forum, shown, promoted = commit(deps, work)
    if before is not None and before.starts_at != forum.starts_at:
        withdraw_reminders(deps, before)
    if shown or promoted:
        tell_change(deps, forum_id, forum.sequence, now, shown, now)
    else:
        queue_forum_reminders(deps, forum, now)
    return forum


def cancel_forum(deps: Dependencies, forum_id: str, now: datetime) -> Forum:
    """Cancel a forum: everyone registered or waitlisted is told at once (a CANCEL calendar
    for those who held a place), their registrations cancelled, its reminders withdrawn (they
    would send nothing). Again on a cancelled forum: tells whoever was not told yet."""

    def work(uow: UnitOfWork) -> Forum:
        forum = uow.forums.get(forum_id)
        if forum is None:
            raise ForumNotFound(forum_id)
        if forum.cancelled:
            return forum
        cancelled = forum.model_copy(update={
            "status": ForumStatus.CANCELLED, "sequence": forum.sequence + 1,
            "cancelled_at": now, "updated_at": now,
        })  # fmt: skip
        uow.forums.save(cancelled)
        return cancelled

    forum = commit(deps, work)
    withdraw_reminders(deps, forum)
    people = [r for r in deps.forums.registrations(forum_id) if r.state != "cancelled"]

    def mark(uow: UnitOfWork, registration):
        if registration.state == RegistrationState.CANCELLED:
            return None
        return registration.model_copy(update={"state": RegistrationState.CANCELLED,
                                               "cancelled_at": now, "updated_at": now})  # fmt: skip

    tell_registrants(deps, forum, people, Moment.FORUM_CANCELLED, f"cancelled:{forum_id}", now,
                     change=mark)  # fmt: skip
    return forum
