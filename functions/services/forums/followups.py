"""After a forum: the survey to its attendees, a reminder to those who have not answered
three days later, nothing once the survey closes. And before one: the registrants' reminders
(helper R's queue_reminders), from the same 15-minute job.

run_followups reads the forums that ended within LOOKBACK and, for each whose survey is
open, counts (aggregation queries) the attendees due an invitation or a reminder; it queues
one send_forum_surveys task per forum and kind that has any, named by the forum, the kind,
how many are due and the hour: a schedule fired twice queues one task, attendance imported
late makes a new count (so its survey goes on the next pass), and a task that could not
finish is queued again the next hour.

send_surveys writes, per unit of work, up to BATCH attendees' messages (one outbox message
and the attendee's new survey state each: 2 writes, so a commit stays well within 500).
The attendee's survey state, read and written under its update-time precondition in the
same commit as the message, is what makes each mail go once: a second task (or a retry)
finds them sent and skips them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import NamedTuple

from functions.domain.forums.attendance import Attendance, SurveyState
from functions.domain.forums.models import Forum
from functions.domain.forums.survey import REMINDER_AFTER, closes_at, survey_open
from functions.domain.mail.outbox import MessageKind, OutboxMessage, new_message_id
from functions.services.forums.mailing import commit
from functions.services.ports import Dependencies, Task, UnitOfWork

SEND_SURVEYS = "send_forum_surveys"  # the task handler
LOOKBACK = timedelta(days=61)  # longer than any survey stays open (survey_days <= 60)
BATCH = 200  # attendees per commit
TASK_BATCHES = 10  # commits per task run; more are left to a follow-on task


class Kind(StrEnum):
    SURVEY = "survey"
    REMINDER = "reminder"


TEMPLATES = {Kind.SURVEY: "forum_survey_invitation", Kind.REMINDER: "forum_survey_reminder"}
_FROM = {Kind.SURVEY: SurveyState.DUE, Kind.REMINDER: SurveyState.SENT}
_TO = {Kind.SURVEY: SurveyState.SENT, Kind.REMINDER: SurveyState.REMINDED}


class Sent(NamedTuple):
    result: str  # sent, closed, not_found
    sent: int = 0
    skipped: int = 0
    more: bool = False


def survey_task(forum_id: str, kind: Kind, due: int, now: datetime,
                as_of: datetime | None = None) -> Task:  # fmt: skip
    payload = {"forum_id": forum_id, "kind": kind.value}
    if as_of is not None:
        payload["as_of"] = as_of.isoformat()
    hour = now.astimezone(UTC).strftime("%Y%m%d%H")
    return Task(SEND_SURVEYS, payload, f"forum_survey:{forum_id}:{kind.value}:{due}:{hour}")


def run_followups(deps: Dependencies, now: datetime | None = None) -> dict:
    """Queue the reminders before forums and the surveys after them. Raises
    QueueUnavailable (the next run queues again; names already taken are a no-op)."""
    as_of, now = now, now or deps.clock()
    counts = {"forums_open": 0, "survey_tasks": 0, "reminder_tasks": 0}
    counts |= _registrants_reminders(deps, now)
    for forum in deps.forums.ended_between(now - LOOKBACK, now + timedelta(seconds=1)):
        if not survey_open(forum, now):
            continue  # cancelled, or its survey closed: nothing more goes out
        counts["forums_open"] += 1
        due = deps.forums.count_survey_due(forum.forum_id, SurveyState.DUE)
        if due:
            deps.queue.enqueue(survey_task(forum.forum_id, Kind.SURVEY, due, now, as_of))
            counts["survey_tasks"] += 1
        late = deps.forums.count_survey_due(forum.forum_id, SurveyState.SENT,
                                            sent_before=now - REMINDER_AFTER)  # fmt: skip
        if late:
            deps.queue.enqueue(survey_task(forum.forum_id, Kind.REMINDER, late, now, as_of))
            counts["reminder_tasks"] += 1
    return counts


def _registrants_reminders(deps: Dependencies, now: datetime) -> dict:
    """The reminders before each forum starting within 48 hours (services/forums/reminders.py)."""
    from functions.services.forums.reminders import queue_reminders

    return {"reminders_queued": queue_reminders(deps, now)}


def send_surveys(deps: Dependencies, forum_id: str, kind: Kind,
                 now: datetime | None = None, as_of: datetime | None = None) -> Sent:  # fmt: skip
    """Send the forum's survey invitations (or reminders) that are due, BATCH a commit."""
    now = now or deps.clock()
    forum = deps.forums.get(forum_id)
    if forum is None:
        return Sent("not_found")
    if not survey_open(forum, now):
        return Sent("closed")
    before = now - REMINDER_AFTER if kind == Kind.REMINDER else None
    sent = skipped = 0
    for _ in range(TASK_BATCHES):
        ids = deps.forums.survey_due(forum_id, _FROM[kind], BATCH, sent_before=before)
        if not ids:
            return Sent("sent", sent, skipped)
        done, passed = commit(deps, lambda uow, ids=ids: _batch(uow, deps, forum, kind, ids, now))
        sent, skipped = sent + done, skipped + passed
    left = deps.forums.count_survey_due(forum_id, _FROM[kind], sent_before=before)
    if left:  # a large forum: the rest in a task of its own
        deps.queue.enqueue(survey_task(forum_id, kind, left, now, as_of))
    return Sent("sent", sent, skipped, bool(left))


def _batch(uow: UnitOfWork, deps: Dependencies, forum: Forum, kind: Kind, ids: list[str],
           now: datetime) -> tuple[int, int]:  # fmt: skip
    sent = skipped = 0
    for attendee in uow.attendance.get_many(ids).values():
        if attendee.survey_state != _FROM[kind] or not attendee.email:
            skipped += 1  # answered, or sent by another task since the query
            continue
        uow.outbox.add(survey_message(forum, attendee, kind, now, deps.network_name))
        stamp = {"survey_sent_at": now} if kind == Kind.SURVEY else {"reminder_sent_at": now}
        uow.attendance.save(attendee.model_copy(
            update={"survey_state": _TO[kind], "updated_at": now} | stamp))  # fmt: skip
        sent += 1
    return sent, skipped


def survey_message(forum: Forum, attendee: Attendance, kind: Kind, now: datetime,
                   network_name: str) -> OutboxMessage:  # fmt: skip
    """The invitation or reminder: ids and display values; the personal link is signed
    when it is sent (MailLinks: data.forum_survey). A notification: an invitation to give
    feedback, which someone who unsubscribed from our notifications does not get."""
    data = {
        "network_name": network_name, "name": attendee.name, "forum_id": forum.forum_id,
        "forum_title": forum.title, "format": forum.format.value,
        "starts_at": forum.starts_at.isoformat(), "timezone": forum.timezone,
        "closes_at": closes_at(forum).isoformat(), "forum_survey": attendee.attendee_id,
    }  # fmt: skip
    return OutboxMessage(message_id=new_message_id(), template=TEMPLATES[kind],
                         to=attendee.email, data=data, language=attendee.language.value,
                         kind=MessageKind.NOTIFICATION, created_at=now,
                         updated_at=now)  # fmt: skip
