"""What a parent sees when following a case by its status link: the steps that concern them,
never the centre's internal work, and staff names only where the centre shares them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from functions.domain.cases.models import Actor, Case, CaseEvent
from functions.domain.shared.signing import Purpose
from functions.domain.shared.vocabulary import EventType
from functions.services.ports import Dependencies

# The steps a parent is shown. Notes, reassignments, escalations and reminders are the
# centre's own business (they are stored as not public too: this is the second lock).
PARENT_STEPS = frozenset({
    EventType.SUBMITTED, EventType.STATUS_CHANGED, EventType.ACKNOWLEDGED,
    EventType.INFO_REQUESTED, EventType.PARENT_REPLIED, EventType.RESOLVED, EventType.RATED,
    EventType.REOPENED, EventType.CLOSED,
})  # fmt: skip


class CaseView(NamedTuple):
    case: Case
    events: list[CaseEvent]  # the parent's steps, oldest first
    question: str | None = None  # the centre's latest question, while it waits on the parent


def case_for_token(token: object, deps: Dependencies) -> Case | None:
    """The case a status token opens, or None for any token that opens nothing."""
    reference = deps.signer.unsign(Purpose.CASE_STATUS, token)
    return deps.cases.get(reference) if reference else None


def shares_staff_names(case: Case, deps: Dependencies) -> bool:
    """Whether the case's centre lets parents see which staff member acted."""
    centre = deps.directory.get_centre(case.centre_id) if case.centre_id else None
    return bool(centre and centre.share_staff_names)


def parent_steps(events: Iterable[CaseEvent], share_names: bool) -> list[CaseEvent]:
    """The public steps of the kinds a parent sees, oldest first; who acted is kept only as
    a role (and a name when the centre shares names), never as a person key."""
    shown = []
    for event in sorted(events, key=lambda event: event.at):
        if not event.public or event.type not in PARENT_STEPS:
            continue
        name = event.actor.display_name if share_names else None
        shown.append(event.model_copy(update={
            "actor": Actor(role=event.actor.role, display_name=name),
            "to": event.to if share_names else None,
        }))  # fmt: skip
    return shown


def latest_question(events: Iterable[CaseEvent]) -> str | None:
    """The centre's most recent question to the parent."""
    asked = [event for event in events if event.type == EventType.INFO_REQUESTED]
    return max(asked, key=lambda event: event.at).summary if asked else None


def view_case(case: Case, deps: Dependencies) -> CaseView:
    """The case with its parent-facing history."""
    events = deps.cases.list_events(case.reference)
    steps = parent_steps(events, shares_staff_names(case, deps))
    waiting = case.status == "awaiting_parent"
    return CaseView(case, steps, latest_question(steps) if waiting else None)


def view_case_status(token: object, deps: Dependencies) -> CaseView | None:
    """The case and its parent-facing history, or None for any token that opens nothing."""
    case = case_for_token(token, deps)
    return view_case(case, deps) if case is not None else None
