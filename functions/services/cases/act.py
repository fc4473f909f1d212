"""Staff act on a case from the signed link in their mail, without a login.

A link (domain/cases/staff_links.py) names one action, one case and the person it was sent
to. It acts only while that person is a member of the case's centre or the administrator of
its region (the directory decides, now: someone removed since the mail can no longer act) —
on a complaint about staff conduct or a child's safety, a staff member other than the
principal only while the case is with them — and once: its use is a once key committed with
the change (services/cases/changing.py), so a refresh, a double tap or two tabs act once.
When the case has moved on so that the action no longer applies (acknowledged by a colleague,
resolved meanwhile) nothing changes, and the link is NOT spent: nothing was done with it, and
the case may come back to where it applies (a rating of 1 or 2 reopens a resolved case, and
the principal's "resolve" link works again).
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple

from functions.domain.cases import lifecycle
from functions.domain.cases.lifecycle import Change, Refused, Why
from functions.domain.cases.models import Case, CaseEvent, Person
from functions.domain.cases.notifications import ALSO_TO_REGION
from functions.domain.cases.parent_updates import info_request_message, resolution_message
from functions.domain.cases.service_levels import Deadlines, Level
from functions.domain.cases.staff_links import ActionLink
from functions.domain.cases.staff_updates import assigned_message, escalated_message
from functions.domain.directory.models import Centre, Contact, Region
from functions.domain.mail.outbox import OutboxMessage
from functions.domain.shared.signing import Signer
from functions.domain.shared.vocabulary import ActorRole, EventType, StaffAction, StaffRole
from functions.services.cases.changing import change_case, deadlines_of
from functions.services.errors import AlreadyDone, ServiceError
from functions.services.ports import Dependencies

# Old enough that no token of ours is older: reading with it tells expired from forged.
_ANY_AGE = 100 * 365 * 24 * 3600
# The history events that answer a case first (each stops the acknowledge clock).
_FIRST_ANSWERS = frozenset({EventType.ACKNOWLEDGED, EventType.INFO_REQUESTED, EventType.RESOLVED})
# Why a reassign link has nothing to offer (beside lifecycle.Why's reasons).
NO_ONE_TO_REASSIGN = "no_one_to_reassign"


class LinkProblem(StrEnum):
    """Why a link opens nothing (the page says so; nothing changes)."""

    NOT_VALID = "not_valid"  # forged, cut, or not one of our action links
    EXPIRED = "expired"  # ours, but older than 7 days
    UNKNOWN_CASE = "unknown_case"  # ours, but the case is not there (erased)
    NOT_ALLOWED = "not_allowed"  # its person may not act on this case (now)
    NOT_YOURS = "not_yours"  # a staff member, on a sensitive case that is not with them
    USED = "used"  # it has done its one action


class LinkRefused(ServiceError):
    def __init__(self, problem: LinkProblem):
        super().__init__(problem.value)
        self.problem = problem


class NotAChoice(ServiceError):
    """What was given cannot be used: no text where the action needs some, or a reassign
    to someone who is not a member of the centre. `field` names the form field."""

    def __init__(self, field: str):
        super().__init__(field)
        self.field = field


class Acting(NamedTuple):
    """Who holds the link, as the directory knows them now."""

    contact: Contact
    role: StaffRole  # principal, staff or administrator

    @property
    def person(self) -> Person:
        return Person(key=self.contact.key, name=self.contact.name)

    @property
    def actor_role(self) -> ActorRole:
        return ActorRole.ADMINISTRATOR if self.role == StaffRole.ADMINISTRATOR else ActorRole.STAFF


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


class Acted(NamedTuple):
    """What a link did: the change as committed, and the mail it wrote."""

    change: Change
    mail: list[OutboxMessage]


class Given(NamedTuple):
    """What the form sent, already cleaned and bounded by the page."""

    text: str | None = None
    to: str | None = None  # reassign: the person key of a member of the centre


def once_key(link: ActionLink) -> str:
    return f"case-action:{link.link_id}"


def read_link(token: object, signer: Signer) -> ActionLink:
    """The link a token carries; LinkRefused NOT_VALID or EXPIRED."""
    link = ActionLink.read(token, signer)
    if link is not None:
        return link
    if ActionLink.read(token, signer, max_age=_ANY_AGE) is not None:
        raise LinkRefused(LinkProblem.EXPIRED)
    raise LinkRefused(LinkProblem.NOT_VALID)


def open_link(token: object, deps: Dependencies) -> ActionContext:
    """The case a link opens for its holder; LinkRefused when it opens nothing. A used link
    opens (context.used): the page says so, and after the holder's own use shows the result."""
    link = read_link(token, deps.signer)
    case = deps.cases.get(link.reference)
    if case is None:
        raise LinkRefused(LinkProblem.UNKNOWN_CASE)
    centre = deps.directory.get_centre(case.centre_id) if case.centre_id else None
    region_id = centre.region_id if centre else case.region_id
    region = deps.directory.get_region(region_id) if region_id else None
    acting = _acting(link.person, centre, region, deps)
    if acting is None:
        raise LinkRefused(LinkProblem.NOT_ALLOWED)
    if not _may_open(case, acting):
        raise LinkRefused(LinkProblem.NOT_YOURS)
    used, _ = deps.transactions.run(lambda uow: uow.once.used(once_key(link)))
    events = deps.cases.list_events(case.reference)
    owner = case.assignee.key if case.assignee else None
    choices = [m for m in centre.members() if m.key != owner] if centre else []
    escalate_to, level = _ladder(acting, centre, region)
    context = ActionContext(link, case, events, acting, centre, region, choices, escalate_to,
                            level, used, None)  # fmt: skip
    if used:
        return context
    return context._replace(refusal=_refusal(context, deadlines_of(case, deps), deps))


def take_action(context: ActionContext, given: Given, deps: Dependencies) -> Acted:
    """Do the link's action on the case as it is now, with its history event (the holder
    as actor), the mail it causes and the link's use, in one commit. Raises LinkRefused USED
    (it acted before: nothing more happens), lifecycle.Refused (the case moved on: nothing
    changes and the link is not spent), NotAChoice (the form gave what cannot be used)."""
    deadlines = deadlines_of(context.case, deps)
    written: list[OutboxMessage] = []

    def decide(case: Case) -> tuple[Change, list[OutboxMessage]]:
        if not _may_open(case, context.acting):  # handed to someone else since it was opened
            raise LinkRefused(LinkProblem.NOT_YOURS)
        now = deps.clock()
        change = _step(case, context, given, deadlines, now)
        written[:] = _mail(context, change, given, deps, now)  # the last run is the one kept
        return change, list(written)

    try:
        change = change_case(context.link.reference, decide, deps, once_key(context.link))
    except AlreadyDone:
        raise LinkRefused(LinkProblem.USED) from None
    return Acted(change, written)


def _acting(key: str, centre: Centre | None, region: Region | None,
            deps: Dependencies) -> Acting | None:  # fmt: skip
    """A member of the case's centre, or its region's administrator. A case whose centre
    is not known: its region's administrator, or any administrator when the region is not
    known either (each of them was alerted)."""
    if centre is not None:
        if centre.principal.key == key:
            return Acting(centre.principal, StaffRole.PRINCIPAL)
        if (member := centre.member(key)) is not None:
            return Acting(member, StaffRole.STAFF)
    if region is not None:
        regions = [region]
    else:
        regions = [] if centre is not None else deps.directory.list_regions()
    for candidate in regions:
        if candidate.administrator.key == key:
            return Acting(candidate.administrator, StaffRole.ADMINISTRATOR)
    return None


def _may_open(case: Case, acting: Acting) -> bool:
    """A complaint about staff conduct or a child's safety is for the principal, the region's
    administrator and, while it is with them, the one staff member it was given to: someone
    among the staff may be involved (as at intake, in nudges and in digests)."""
    if acting.role != StaffRole.STAFF or case.category not in ALSO_TO_REGION:
        return True
    return case.assignee is not None and case.assignee.key == acting.contact.key


def _held_above(case: Case, context: ActionContext) -> bool:
    """The case is with the region's administrator, above the principal a staff member's
    escalation would hand it to (an escalation never hands a case down)."""
    region, owner = context.region, case.assignee
    return (context.escalate_level < Level.REGION and region is not None and owner is not None
            and owner.key == region.administrator.key)  # fmt: skip


def _ladder(acting: Acting, centre: Centre | None,
            region: Region | None) -> tuple[Contact | None, Level]:  # fmt: skip
    """Staff escalate to the principal, the principal to the regional administrator; the
    administrator is the top."""
    if acting.role == StaffRole.STAFF and centre is not None:
        return centre.principal, Level.PRINCIPAL
    if acting.role == StaffRole.PRINCIPAL and region is not None:
        return region.administrator, Level.REGION
    return None, Level.REGION


def _person(contact: Contact | None) -> Person | None:
    return Person(key=contact.key, name=contact.name) if contact else None


def _text(given: Given) -> str:
    if not given.text:
        raise NotAChoice("text")
    return given.text


def _step(case: Case, context: ActionContext, given: Given, deadlines: Deadlines,
          now) -> Change:  # fmt: skip
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
    if _held_above(case, context):
        raise Refused(Why.ALREADY_ASSIGNED)
    to = _person(context.escalate_to)
    return lifecycle.escalate(case, by, role, to, context.escalate_level, deadlines, now,
                              reason=given.text or None)  # fmt: skip


def _mail(context: ActionContext, change: Change, given: Given, deps: Dependencies,
          now) -> list[OutboxMessage]:  # fmt: skip
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


def _refusal(context: ActionContext, deadlines: Deadlines, deps: Dependencies) -> Refusal | None:
    """Whether the action still applies to the case: its lifecycle step tried on a copy
    (the one place that knows), with stand-in input."""
    if context.link.action == StaffAction.REASSIGN and not context.choices:
        return Refusal(NO_ONE_TO_REASSIGN, None)
    stand_in = Given(text="-", to=context.choices[0].key if context.choices else None)
    try:
        _step(context.case, context, stand_in, deadlines, deps.clock())
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
