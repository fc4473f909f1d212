"""What each step of a case's life does to it: the one place its status, its service clock
and its figures change, each change with the event that tells it in the history.

received ──acknowledge──▶ in_progress ──resolve──▶ resolved ──rate 3-5──▶ closed
    │          ▲   │ ask_parent     ▲                  │
    │          │   ▼                │                  └──rate 1-2──▶ in_progress (principal)
    │          └─ awaiting_parent ──┘ (the parent's reply; the clock ran no time meanwhile)
    └── a compliment acknowledged ──▶ closed (shared with the team, nothing to resolve)

Every function takes the case as read and returns the changed case and its event, or raises
Refused with a reason the page puts into words. Pure: the caller stores both in one commit.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import NamedTuple

from functions.domain.cases.models import (
    OPEN_STATUSES,
    Actor,
    Case,
    CaseEvent,
    Person,
    Rating,
    new_event_id,
)
from functions.domain.cases.service_levels import Deadlines, Level, ServiceClock, Stage
from functions.domain.shared.vocabulary import ActorRole, CaseStatus, ClockChange, EventType, Kind

# A rating this low or lower reopens the case for the principal.
REOPEN_AT_OR_BELOW = 2
# Replies a parent may send on one case in a day: each one mails the case's owner, and a
# status link in the wrong hands must not become a way to flood a centre.
MAX_REPLIES_A_DAY = 10


class Why(StrEnum):
    """Why a step cannot be taken now (the case has moved on since the link was sent)."""

    NOT_OPEN = "not_open"  # resolved or closed
    ALREADY_ACKNOWLEDGED = "already_acknowledged"
    ALREADY_ASSIGNED = "already_assigned"  # to the person named
    TOP_OF_LADDER = "top_of_ladder"  # nobody above the one escalating
    NOT_RESOLVED = "not_resolved"  # a rating of a case that is not resolved
    ALREADY_RATED = "already_rated"  # this resolution was rated
    TOO_MANY_REPLIES = "too_many_replies"  # MAX_REPLIES_A_DAY today already


class Refused(Exception):
    def __init__(self, why: Why):
        super().__init__(why.value)
        self.why = why


class Change(NamedTuple):
    case: Case
    event: CaseEvent


def _event(type_: EventType, actor: Actor, now: datetime, public: bool, **fields) -> CaseEvent:
    return CaseEvent(event_id=new_event_id(), type=type_, at=now, actor=actor, public=public,
                     **fields)  # fmt: skip


def _changed(case: Case, deadlines: Deadlines, now: datetime, **fields) -> Case:
    """The case with `fields` changed, and what follows from them: whether it is open and
    when its next nudge is due."""
    case = case.model_copy(update={**fields, "updated_at": now})
    is_open = case.status in OPEN_STATUSES and case.kind != Kind.COMPLIMENT
    next_nudge = deadlines.next_nudge(case.clock) if is_open else None
    return case.model_copy(update={"open": is_open, "next_nudge_at": next_nudge})


def start(case: Case, deadlines: Deadlines) -> Case:
    """A new case's deadlines: to acknowledge, then to resolve; the acknowledge clock runs."""
    now = case.created_at
    clock = ServiceClock(stage=Stage.ACKNOWLEDGE, due=deadlines.acknowledge_by(now))
    return _changed(case, deadlines, now, respond_by=clock.due, clock=clock,
                    resolve_by=deadlines.resolve_by(now),
                    policy_version=deadlines.policy.version)  # fmt: skip


def _hours(delta: timedelta) -> float:
    return round(delta.total_seconds() / 3600, 2)


def _acknowledged(case: Case, actor: Person | None, deadlines: Deadlines, now: datetime) -> dict:
    """What a first answer changes (acknowledging, asking the parent or resolving): the
    acknowledge clock stops and its figures are kept; the resolve clock runs; whoever
    answered owns the case when nobody did."""
    if case.outcome.acknowledged_at is not None:
        return {}
    outcome = case.outcome.model_copy(update={
        "acknowledged_at": now,
        "hours_to_acknowledge": _hours(deadlines.elapsed(case.created_at, now)),
        "acknowledged_in_time": now <= case.respond_by,
    })  # fmt: skip
    if case.resolve_by is None:
        clock = ServiceClock(stage=None)
    else:
        clock = ServiceClock(stage=Stage.RESOLVE, due=case.resolve_by)
    fields = {"outcome": outcome, "clock": clock}
    if case.assignee is None and actor is not None:
        fields["assignee"] = actor
    return fields


def _must_be_open(case: Case) -> None:
    if case.status not in OPEN_STATUSES:
        raise Refused(Why.NOT_OPEN)


def acknowledge(case: Case, by: Person, role: ActorRole, deadlines: Deadlines,
                now: datetime) -> Change:  # fmt: skip
    """Tell the parent the centre has it; a compliment is then closed (nothing to resolve)."""
    _must_be_open(case)
    if case.outcome.acknowledged_at is not None:
        raise Refused(Why.ALREADY_ACKNOWLEDGED)
    fields = _acknowledged(case, by, deadlines, now)
    status = CaseStatus.CLOSED if case.kind == Kind.COMPLIMENT else CaseStatus.IN_PROGRESS
    event = _event(EventType.ACKNOWLEDGED, _actor(by, role), now, True, status=status)
    return Change(_changed(case, deadlines, now, status=status, **fields), event)


def add_note(case: Case, by: Person, role: ActorRole, text: str, deadlines: Deadlines,
             now: datetime) -> Change:  # fmt: skip
    """A note for the centre's staff only; the parent never sees it. Any status."""
    event = _event(EventType.NOTE_ADDED, _actor(by, role), now, False, summary=text)
    return Change(_changed(case, deadlines, now), event)


def resolve(case: Case, by: Person, role: ActorRole, summary: str, deadlines: Deadlines,
            now: datetime) -> Change:  # fmt: skip
    """Resolved, with a summary for the parent; every clock stops."""
    _must_be_open(case)
    fields = _acknowledged(case, by, deadlines, now)
    outcome = fields.get("outcome", case.outcome)
    if outcome.resolved_at is None:  # the first resolution is the one the figures count
        waited = timedelta(seconds=case.clock.paused_seconds + _paused_so_far(case, deadlines,
                                                                              now))  # fmt: skip
        worked = deadlines.elapsed(case.created_at, now) - waited
        outcome = outcome.model_copy(update={
            "resolved_at": now,
            "hours_to_resolve": _hours(max(worked, timedelta())),
            "resolved_in_time": case.resolve_by is None or now <= case.resolve_by,
        })  # fmt: skip
    fields |= {"outcome": outcome, "clock": ServiceClock(stage=None), "resolution": summary,
               "resolved_at": now}  # fmt: skip
    event = _event(EventType.RESOLVED, _actor(by, role), now, True, summary=summary,
                   status=CaseStatus.RESOLVED)  # fmt: skip
    return Change(_changed(case, deadlines, now, status=CaseStatus.RESOLVED, **fields), event)


def _paused_so_far(case: Case, deadlines: Deadlines, now: datetime) -> float:
    paused_at = case.clock.paused_at
    return deadlines.elapsed(paused_at, now).total_seconds() if paused_at else 0.0


def reassign(case: Case, by: Person, role: ActorRole, to: Person, deadlines: Deadlines,
             now: datetime, reason: str | None = None) -> Change:  # fmt: skip
    """Give the case to another member of the centre (internal; `reason` for the new owner)."""
    _must_be_open(case)
    if case.assignee is not None and case.assignee.key == to.key:
        raise Refused(Why.ALREADY_ASSIGNED)
    event = _event(EventType.REASSIGNED, _actor(by, role), now, False, to=to, summary=reason)
    return Change(_changed(case, deadlines, now, assignee=to), event)


def back_to_centre(case: Case, by: Actor, reason: str, deadlines: Deadlines,
                   now: datetime) -> Change:  # fmt: skip
    """Nobody owns the case any more (its owner left the centre): it is the whole centre's
    again, as a new case is (internal; `reason` for the history)."""
    _must_be_open(case)
    event = _event(EventType.REASSIGNED, by, now, False, summary=reason)
    return Change(_changed(case, deadlines, now, assignee=None), event)


def escalate(case: Case, by: Person, role: ActorRole, to: Person | None, level: Level,
             deadlines: Deadlines, now: datetime, reason: str | None = None) -> Change:  # fmt: skip
    """Hand the case up (staff to the principal, the principal to the regional
    administrator), who then owns it (internal; `reason` for the new owner)."""
    _must_be_open(case)
    if to is None or to.key == by.key:
        raise Refused(Why.TOP_OF_LADDER)
    if case.assignee is not None and case.assignee.key == to.key:
        raise Refused(Why.ALREADY_ASSIGNED)  # already with the one it would go up to
    event = _event(EventType.ESCALATED, _actor(by, role), now, False, to=to, level=level,
                   summary=reason)  # fmt: skip
    return Change(_changed(case, deadlines, now, assignee=to), event)


def ask_parent(case: Case, by: Person, role: ActorRole, question: str, deadlines: Deadlines,
               now: datetime) -> Change:  # fmt: skip
    """Ask the parent for more; the service clock stops until they reply."""
    _must_be_open(case)
    fields = _acknowledged(case, by, deadlines, now)
    clock = fields.get("clock", case.clock)
    if clock.paused_at is None:
        left = deadlines.elapsed(now, clock.due) if clock.due else None
        clock = clock.model_copy(update={
            "paused_at": now, "left_seconds": left.total_seconds() if left is not None else None,
        })  # fmt: skip
    event = _event(EventType.INFO_REQUESTED, _actor(by, role), now, True, summary=question,
                   status=CaseStatus.AWAITING_PARENT, clock=ClockChange.PAUSED)  # fmt: skip
    case = _changed(case, deadlines, now, status=CaseStatus.AWAITING_PARENT, clock=clock,
                    **{k: v for k, v in fields.items() if k != "clock"})  # fmt: skip
    return Change(case, event)


def parent_replied(case: Case, text: str, deadlines: Deadlines, now: datetime) -> Change:
    """The parent's answer (or a word while the case is open): the clock runs again with the
    time it had left when it stopped."""
    _must_be_open(case)
    day = now.date().isoformat()
    so_far = case.replies_that_day if case.replies_on == day else 0
    if so_far >= MAX_REPLIES_A_DAY:
        raise Refused(Why.TOO_MANY_REPLIES)
    parent = Actor(role=ActorRole.PARENT)
    clock, change = case.clock, None
    fields: dict = {"replies_on": day, "replies_that_day": so_far + 1}
    if clock.paused_at is not None:
        waited = deadlines.elapsed(clock.paused_at, now).total_seconds()
        due = clock.due
        if clock.left_seconds is not None:
            due = deadlines.resume(now, timedelta(seconds=clock.left_seconds))
        clock = clock.model_copy(update={
            "paused_at": None, "left_seconds": None, "due": due,
            "paused_seconds": clock.paused_seconds + waited,
        })  # fmt: skip
        fields["clock"] = clock
        if clock.stage == Stage.RESOLVE:
            fields["resolve_by"] = due
        change = ClockChange.RESUMED
    status = CaseStatus.IN_PROGRESS if case.status == CaseStatus.AWAITING_PARENT else case.status
    event = _event(EventType.PARENT_REPLIED, parent, now, True, summary=text,
                   status=status if status != case.status else None, clock=change)  # fmt: skip
    return Change(_changed(case, deadlines, now, status=status, **fields), event)


def rate(case: Case, score: int, comment: str | None, principal: Person, deadlines: Deadlines,
         now: datetime) -> Change:  # fmt: skip
    """The parent's rating of the resolution: 3 to 5 closes the case; 1 or 2 reopens it for
    the principal, with a new time to resolve. Each resolution is rated once (a reopened
    case resolved again may be rated again; the latest rating is the case's)."""
    if case.status != CaseStatus.RESOLVED:
        raise Refused(Why.ALREADY_RATED if case.rating else Why.NOT_RESOLVED)
    if not case.awaiting_rating:
        raise Refused(Why.ALREADY_RATED)
    rating = Rating(score=score, comment=comment or None, at=now)
    fields: dict = {"rating": rating}
    if score <= REOPEN_AT_OR_BELOW:
        status = CaseStatus.IN_PROGRESS
        due = deadlines.resolve_by(now) or deadlines.acknowledge_by(now)
        fields |= {"assignee": principal, "resolve_by": due,
                   "clock": ServiceClock(stage=Stage.RESOLVE, due=due)}  # fmt: skip
    else:
        status = CaseStatus.CLOSED
    event = _event(EventType.RATED, Actor(role=ActorRole.PARENT), now, True, score=score,
                   summary=comment or None, status=status,
                   to=principal if status == CaseStatus.IN_PROGRESS else None)  # fmt: skip
    return Change(_changed(case, deadlines, now, status=status, **fields), event)


def nudged(case: Case, level: Level, first: Person | None, deadlines: Deadlines,
           now: datetime) -> Change:  # fmt: skip
    """A missed deadline's reminder went out at `level`; the ladder's next rung is set."""
    clock = case.clock.model_copy(update={"level": level})
    event = _event(EventType.NUDGED, Actor(role=ActorRole.SYSTEM), now, False, level=level,
                   to=first)  # fmt: skip
    return Change(_changed(case, deadlines, now, clock=clock), event)


def _actor(person: Person, role: ActorRole) -> Actor:
    return Actor(role=role, display_name=person.name, key=person.key)
