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

Who may act, and on what: services/cases/acting.py. What each action does to the case, and
whether it still applies: services/cases/action_steps.py.
"""

from __future__ import annotations

from typing import NamedTuple

from functions.domain.cases.lifecycle import Change
from functions.domain.cases.models import Case
from functions.domain.cases.staff_links import ActionLink
from functions.domain.mail.outbox import OutboxMessage
from functions.services.cases.acting import (
    LinkProblem,
    LinkRefused,
    ladder,
    may_open,
    read_link,
    who_acts,
)
from functions.services.cases.action_steps import ActionContext, Given, refusal_of, step, step_mail
from functions.services.cases.changing import change_case, deadlines_of
from functions.services.errors import AlreadyDone
from functions.services.ports import Dependencies


class Acted(NamedTuple):
    """What a link did: the change as committed, and the mail it wrote."""

    change: Change
    mail: list[OutboxMessage]


def once_key(link: ActionLink) -> str:
    """The once key the link's use is committed under (one action per link)."""
    return f"case-action:{link.link_id}"


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
    acting = who_acts(link.person, centre, region, deps)
    if acting is None:
        raise LinkRefused(LinkProblem.NOT_ALLOWED)
    if not may_open(case, acting):
        raise LinkRefused(LinkProblem.NOT_YOURS)
    used, _ = deps.transactions.run(lambda uow: uow.once.used(once_key(link)))
    events = deps.cases.list_events(case.reference)
    owner = case.assignee.key if case.assignee else None
    choices = [m for m in centre.members() if m.key != owner] if centre else []
    escalate_to, level = ladder(acting, centre, region)
    context = ActionContext(link, case, events, acting, centre, region, choices, escalate_to,
                            level, used, None)  # fmt: skip
    if used:
        return context
    return context._replace(refusal=refusal_of(context, deadlines_of(case, deps), deps))


def take_action(context: ActionContext, given: Given, deps: Dependencies) -> Acted:
    """Do the link's action on the case as it is now, with its history event (the holder
    as actor), the mail it causes and the link's use, in one commit. Raises LinkRefused USED
    (it acted before: nothing more happens), lifecycle.Refused (the case moved on: nothing
    changes and the link is not spent), NotAChoice (the form gave what cannot be used)."""
    deadlines = deadlines_of(context.case, deps)
    written: list[OutboxMessage] = []

    def decide(case: Case) -> tuple[Change, list[OutboxMessage]]:
        if not may_open(case, context.acting):  # handed to someone else since it was opened
            raise LinkRefused(LinkProblem.NOT_YOURS)
        now = deps.clock()
        change = step(case, context, given, deadlines, now)
        written[:] = step_mail(context, change, given, deps, now)  # the last run is the one kept
        return change, list(written)

    try:
        change = change_case(context.link.reference, decide, deps, once_key(context.link))
    except AlreadyDone:
        raise LinkRefused(LinkProblem.USED) from None
    return Acted(change, written)
