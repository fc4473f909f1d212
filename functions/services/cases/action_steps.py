"""What a staff link's action does to a case: its lifecycle step (the one place the case
changes), the mail the step causes, and — the step tried on a copy when the link opens —
whether the action still applies, and if not, which event of the history moved the case on.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from functions.domain.cases import lifecycle
from functions.domain.cases.lifecycle import Change, Refused, Why
from functions.domain.cases.models import Case, CaseEvent, Person
from functions.domain.cases.parent_updates import info_request_message, resolution_message
from functions.domain.cases.service_levels import Deadlines, Level
from functions.domain.cases.staff_links import ActionLink
from functions.domain.cases.staff_updates import assigned_message, escalated_message
from functions.domain.directory.models import Centre, Contact, Region
from functions.domain.mail.outbox import OutboxMessage
from functions.domain.shared.vocabulary import EventType, StaffAction
from functions.services.cases.acting import Acting, held_above
from functions.services.errors import ServiceError
from functions.services.ports import Dependencies

# The history events that answer a case first (each stops the acknowledge clock).
_FIRST_ANSWERS = frozenset({EventType.ACKNOWLEDGED, EventType.INFO_REQUESTED, EventType.RESOLVED})
# Why a reassign link has nothing to offer (beside lifecycle.Why's reasons).
NO_ONE_TO_REASSIGN = "no_one_to_reassign"


class NotAChoice(ServiceError):
    """What was given cannot be used: no text where the action needs some, or a reassign
    to someone who is not a member of the centre. `field` names the form field."""

    def __init__(self, field: str):
        super().__init__(field)
        self.field = field


class Refusal(NamedTuple):
    """The link's action no longer applies: why (a lifecycle.Why value, or
    NO_ONE_TO_REASSIGN), and the event that moved the case on, when the history tells."""

    why: str
    event: CaseEvent | None


class ActionContext(NamedTuple):
    """What a link opens: the case, its whole history (internal notes too), who acts, and
    what the action may offer."""

    link: ActionLink
    case: Case
    events: list[CaseEvent]  # oldest first
    acting: Acting
    centre: Centre | None
    region: Region | None
    choices: list[Contact]  # reassign: the centre's members but the case's owner
    escalate_to: Contact | None  # escalate: the next one up the ladder (None: nobody)
    escalate_level: Level
    used: bool
    refusal: Refusal | None  # None: the action applies


class Given(NamedTuple):
    """What the form sent, already cleaned and bounded by the page."""

    text: str | None = None
    to: str | None = None  # reassign: the person key of a member of the centre


def _person(contact: Contact | None) -> Person | None:
    return Person(key=contact.key, name=contact.name) if contact else None


def _text(given: Given) -> str:
    if not given.text:
        raise NotAChoice("text")
    return given.text


def step(case: Case, context: ActionContext, given: Given, deadlines: Deadlines,
         now: datetime) -> Change:  # fmt: skip
    """The lifecycle step of the link's action (the one place the case changes)."""
    by, role, action = context.acting.person, context.acting.actor_role, context.link.action
    if action == StaffAction.ACKNOWLEDGE:
        return lifecycle.acknowledge(case, by, role, deadlines, now)
    if action == StaffAction.NOTE:
        return lifecycle.add_note(case, by, role, _text(given), deadlines, now)
    if action == StaffAction.RESOLVE:
        return lifecycle.resolve(case, by, role, _text(given), deadlines, now)
    if action == StaffAction.ASK_PARENT:
        return lifecycle.ask_parent(case, by, role, _text(given), deadlines, now)
    if action == StaffAction.REASSIGN:
        member = context.centre.member(given.to or "") if context.centre else None
        if member is None:
            raise NotAChoice("to")
        return lifecycle.reassign(case, by, role, _person(member), deadlines, now,
                                  reason=given.text or None)  # fmt: skip
    # The reason given for a handover stays internal, in the event (never on the status page).
    if held_above(case, context.region, context.escalate_level):
        raise Refused(Why.ALREADY_ASSIGNED)
    to = _person(context.escalate_to)
    return lifecycle.escalate(case, by, role, to, context.escalate_level, deadlines, now,
                              reason=given.text or None)  # fmt: skip


def step_mail(context: ActionContext, change: Change, given: Given, deps: Dependencies,
              now: datetime) -> list[OutboxMessage]:  # fmt: skip
    """The mail the step causes: to the parent (a question, the resolution) or to whoever
    the case was handed to (not to the holder handing it to themselves)."""
    case, action, by = change.case, context.link.action, context.acting.person
    network, region = deps.network_name, context.region.name if context.region else None
    if action == StaffAction.ASK_PARENT:
        message = info_request_message(case, given.text or "", network, now)
    elif action == StaffAction.RESOLVE:
        message = resolution_message(case, given.text or "", network, now)
    elif action == StaffAction.REASSIGN and change.event.to.key != by.key:
        member = context.centre.member(change.event.to.key)
        message = assigned_message(case, member, by, given.text, network, region, now)
    elif action == StaffAction.ESCALATE:
        message = escalated_message(case, context.escalate_to, by, context.escalate_level,
                                    given.text, network, region, now)  # fmt: skip
    else:
        message = None
    return [message] if message else []


def refusal_of(context: ActionContext, deadlines: Deadlines,
               deps: Dependencies) -> Refusal | None:  # fmt: skip
    """Whether the action still applies to the case: its lifecycle step tried on a copy
    (the one place that knows), with stand-in input."""
    if context.link.action == StaffAction.REASSIGN and not context.choices:
        return Refusal(NO_ONE_TO_REASSIGN, None)
    stand_in = Given(text="-", to=context.choices[0].key if context.choices else None)
    try:
        step(context.case, context, stand_in, deadlines, deps.clock())
    except Refused as refused:
        return Refusal(refused.why.value, _what_happened(refused.why, context))
    return None


def _what_happened(why: Why, context: ActionContext) -> CaseEvent | None:
    """The event that moved the case on: its resolution or closing, its first answer, or the
    handover to the person it is with."""
    case, events = context.case, context.events
    latest_first = list(reversed(events))
    if why == Why.NOT_OPEN:
        return next((e for e in latest_first if e.status == case.status), None)
    if why == Why.ALREADY_ACKNOWLEDGED:
        return next((e for e in events if e.type in _FIRST_ANSWERS), None)
    if why == Why.ALREADY_ASSIGNED and case.assignee:
        return next((e for e in latest_first if e.to and e.to.key == case.assignee.key
                     and e.type in (EventType.REASSIGNED, EventType.ESCALATED)), None)  # fmt: skip
    return None
