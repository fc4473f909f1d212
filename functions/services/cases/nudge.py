"""Nudges: the scan that finds the missed deadlines, and the nudge each one sends.

run_nudges (every 15 minutes) reads only the cases whose next nudge is due (one indexed range
on next_nudge_at) and queues one send_nudge task per nudge, named from the case, the
deadline's stage, the rung and the deadline (plus, for working-hours nudges, the centre's
day): a schedule fired twice queues the same names, which Cloud Tasks refuses, so it
nudges once. The day is in the name because a task that arrives after closing time settles
without nudging and its name stays used: the next working day's scan needs a new one.

send_nudge re-reads the case in one unit of work and nudges only if the nudge still stands
(the case open, the same deadline still running, this rung not sent, the clock not paused,
in the centre's working hours unless urgent); the nudge's event and its mail are committed
together. A case resolved or closed after its task was queued sends nothing.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import NamedTuple

from functions.domain.cases import lifecycle, nudges
from functions.domain.cases.models import OPEN_STATUSES, Case
from functions.domain.cases.service_levels import Level, Stage
from functions.services.cases.changing import change_case, deadlines_of
from functions.services.errors import CaseNotFound
from functions.services.ports import Dependencies, Task

SEND_NUDGE = "send_nudge"  # the task handler
SCAN_LIMIT = 500  # cases per run; the next run (15 minutes on) takes the rest


class Result(StrEnum):
    NUDGED = "nudged"
    STALE = "stale"  # the case moved on since the task was queued: nothing to do
    OUT_OF_HOURS = "out_of_hours"  # the centre is closed; the next working day's scan retries
    NOT_FOUND = "not_found"  # erased


class Why(StrEnum):
    """Why a nudge no longer stands."""

    NOT_OPEN = "not_open"
    PAUSED = "paused"
    CLOCK_MOVED = "clock_moved"  # another deadline runs now (acknowledged, a reply...)
    LEVEL_SENT = "level_sent"
    NOT_DUE = "not_due"


class Outcome(NamedTuple):
    result: Result
    why: Why | None = None
    recipients: int = 0


class Nudge(NamedTuple):
    """What a send_nudge task names: the case, its running deadline and the rung."""

    reference: str
    stage: Stage
    level: Level
    due: datetime


# ----------------------------------------------------------------------------- the scan


def nudge_task(case: Case, local_day: str | None, as_of: datetime | None = None) -> Task:
    """The task for the next rung of the case's running deadline (ids and times only)."""
    clock = case.clock
    level = Level(clock.level + 1)
    due = clock.due.isoformat()
    payload = {"reference": case.reference, "stage": clock.stage.value, "level": int(level),
               "due": due}  # fmt: skip
    if as_of is not None:
        payload["as_of"] = as_of.isoformat()
    period = due if local_day is None else f"{due}@{local_day}"
    return Task(SEND_NUDGE, payload, f"nudge:{case.reference}:{clock.stage.value}:{int(level)}:"
                                     f"{period}")  # fmt: skip


def scan_nudges(deps: Dependencies, now: datetime | None = None,
                limit: int = SCAN_LIMIT) -> dict:  # fmt: skip
    """Queue a send_nudge task for each case due at `now` (the clock's time when not given;
    a given time is the local clock's, and travels in the tasks as `as_of`). Raises
    QueueUnavailable when the queue cannot take one: the next run queues again (and the
    names already taken are a no-op)."""
    as_of = now
    now = now or deps.clock()
    due = deps.cases.due_for_nudge(now, limit + 1)
    counts = {"due": min(len(due), limit), "queued": 0, "out_of_hours": 0, "skipped": 0,
              "more": len(due) > limit}  # fmt: skip
    for case in due[:limit]:
        clock = case.clock
        if clock.stage is None or clock.due is None or clock.level >= Level.REGION:
            counts["skipped"] += 1  # a next_nudge_at left behind; the case says no nudge
            continue
        deadlines = deadlines_of(case, deps)
        if deadlines.nudge_at(clock.due, Level(clock.level + 1)) > now:
            counts["skipped"] += 1  # stored under another policy: the rung is not due yet
            continue
        if not deadlines.may_nudge_now(now):
            counts["out_of_hours"] += 1
            continue
        local_day = None if case.urgent else deadlines.calendar.local(now).date().isoformat()
        deps.queue.enqueue(nudge_task(case, local_day, as_of))
        counts["queued"] += 1
    return counts


# ----------------------------------------------------------------------------- the nudge


class _Skip(Exception):
    """decide() found nothing to do: change_case saves nothing."""

    def __init__(self, outcome: Outcome):
        super().__init__(outcome.result.value)
        self.outcome = outcome


def _stands(case: Case, nudge: Nudge) -> Why | None:
    clock = case.clock
    if not case.open or case.status not in OPEN_STATUSES:
        return Why.NOT_OPEN
    if clock.paused_at is not None:
        return Why.PAUSED
    if clock.stage != nudge.stage or clock.due != nudge.due:
        return Why.CLOCK_MOVED
    if clock.level >= nudge.level:
        return Why.LEVEL_SENT
    if clock.level != nudge.level - 1:
        return Why.NOT_DUE  # a rung below is not sent yet
    return None


def send_nudge(nudge: Nudge, deps: Dependencies, now: datetime | None = None) -> Outcome:
    """Nudge the rung's people about the case if the nudge still stands at `now` (the clock's
    time when not given), recording it in the case's history in the same commit."""
    now = now or deps.clock()
    sent: list[int] = []

    def decide(case: Case):
        if (why := _stands(case, nudge)) is not None:
            raise _Skip(Outcome(Result.STALE, why))
        deadlines = deadlines_of(case, deps)
        if deadlines.nudge_at(nudge.due, nudge.level) > now:
            raise _Skip(Outcome(Result.STALE, Why.NOT_DUE))
        if not deadlines.may_nudge_now(now):
            raise _Skip(Outcome(Result.OUT_OF_HOURS))
        directory = deps.directory
        centre = directory.get_centre(case.centre_id) if case.centre_id else None
        region = directory.get_region(case.region_id) if case.region_id else None
        everyone = directory.list_regions() if region is None else []
        to = nudges.recipients(case, nudge.level, centre, region, everyone)
        first = to[0].person() if to else None
        change = lifecycle.nudged(case, nudge.level, first, deadlines, now)
        messages = nudges.nudge_messages(change.case, nudge.level, to,
                                         region.name if region else None, deadlines,
                                         deps.network_name, now)  # fmt: skip
        sent[:] = [len(messages)]
        return change, messages

    try:
        change_case(nudge.reference, decide, deps)
    except _Skip as skip:
        return skip.outcome
    except CaseNotFound:
        return Outcome(Result.NOT_FOUND)
    return Outcome(Result.NUDGED, recipients=sent[0])
