"""An administrator gives a case waiting for triage to its centre: what that changes.

A case waits for triage while it carries a Triage that is not resolved: a Google Form answer
that matched no centre, kind or topic (domain/cases/google_forms.py). Assigning it names the
centre (and so its region), marks the triage resolved, and hands the centre the case as if it
had just arrived.

Deadlines restart from the assignment, on the centre's calendar (working hours; clock hours
when urgent), not from the parent's submission: the centre could not act on a case it did
not know of, and counting from the submission would make a case that waited two days in
triage overdue on arrival, nudging staff, principal and region at once and putting the
network's delay in the centre's figures. What the parent was first promised stays in the
history (the submission's time, the acknowledgement mail); the status page shows the new
date. A case assigned to the centre it already had (triage for an unclear kind or topic)
keeps its deadlines and its owner, and nobody is mailed again: they were alerted at intake.

Pure: the service commits the change, its event and its mail in one unit of work.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from functions.domain.cases.lifecycle import Change, Refused, Why
from functions.domain.cases.models import (
    OPEN_STATUSES,
    Actor,
    Case,
    CaseEvent,
    Person,
    new_event_id,
)
from functions.domain.cases.notifications import ALSO_TO_REGION, case_message, staff_case_data
from functions.domain.cases.service_levels import Deadlines, Level, ServiceClock, Stage
from functions.domain.directory.models import Centre, Contact, Region
from functions.domain.mail.outbox import MessageKind, OutboxMessage
from functions.domain.shared.vocabulary import ActorRole, EventType, Kind


def waiting_for_triage(case: Case) -> bool:
    """Whether the case waits for an administrator to place it (flagged, not yet resolved)."""
    return case.triage is not None and not case.triage.resolved


def assign_to_centre(case: Case, centre: Centre, region: Region | None, by: Person,
                     deadlines: Deadlines, network_name: str,
                     now: datetime) -> tuple[Change, list[OutboxMessage]]:  # fmt: skip
    """The case placed at `centre` by the administrator `by`, its triage resolved, and the
    new-case alert for the centre; Refused(ALREADY_ASSIGNED) when it no longer waits
    (someone placed it first: nothing changes). `deadlines`: the policy on the centre's
    calendar for this case's kind and urgency."""
    if not waiting_for_triage(case):
        raise Refused(Why.ALREADY_ASSIGNED)
    moved = case.centre_id != centre.centre_id
    fields: dict = {
        "centre_id": centre.centre_id,
        "centre_name": centre.name,
        "region_id": centre.region_id,
        "triage": case.triage.model_copy(update={"resolved": True}),
        "updated_at": now,
    }
    if moved:
        fields |= {"assignee": None, **_restarted(case, deadlines, now)}
    changed = case.model_copy(update=fields)
    is_open = changed.status in OPEN_STATUSES and changed.kind != Kind.COMPLIMENT
    changed = changed.model_copy(update={
        "open": is_open, "next_nudge_at": deadlines.next_nudge(changed.clock) if is_open else None,
    })  # fmt: skip
    verb = "Assigned to" if moved else "Checked: stays with"
    event = CaseEvent(
        event_id=new_event_id(), type=EventType.REASSIGNED, at=now, public=False,
        actor=Actor(role=ActorRole.ADMINISTRATOR, display_name=by.name, key=by.key),
        summary=f"{verb} {centre.name} after triage.",
    )  # fmt: skip
    mail = centre_alerts(changed, centre, region, by, network_name, now) if moved else []
    return Change(changed, event), mail


def _restarted(case: Case, deadlines: Deadlines, now: datetime) -> dict:
    """The running deadline counted afresh from now on the centre's calendar, its nudge
    ladder back at the bottom. A clock waiting on the parent keeps waiting, with the whole
    time to resolve left for when they reply. Nothing running (resolved, closed): unchanged."""
    clock = case.clock
    if case.status not in OPEN_STATUSES or clock.stage is None:
        return {}
    version = {"policy_version": deadlines.policy.version}
    if clock.stage == Stage.ACKNOWLEDGE:
        due = deadlines.acknowledge_by(now)
        return version | {"respond_by": due, "resolve_by": deadlines.resolve_by(now),
                          "clock": ServiceClock(stage=Stage.ACKNOWLEDGE, due=due)}  # fmt: skip
    resolve_by = deadlines.resolve_by(now)
    if clock.paused_at is not None:
        hours = deadlines.target.resolve_hours or 0.0
        left = timedelta(hours=hours).total_seconds()
        return version | {"resolve_by": resolve_by, "clock": clock.model_copy(
            update={"left_seconds": left, "level": Level.NONE})}  # fmt: skip
    return version | {"resolve_by": resolve_by, "clock": ServiceClock(
        stage=Stage.RESOLVE, due=resolve_by, paused_seconds=clock.paused_seconds)}  # fmt: skip


def centre_alerts(case: Case, centre: Centre, region: Region | None, by: Person,
                  network_name: str, now: datetime) -> list[OutboxMessage]:  # fmt: skip
    """The alert a new case sends a centre (template case_notification, with the links that
    act on it), to its principal and staff; to the principal alone for a complaint about
    staff conduct or a child's safety (someone among the staff may be involved), as at
    intake. The region's administrator too when the case is urgent or of that kind, unless
    they are the one assigning it. None for a case that is no longer open: nothing is owed."""
    if case.status not in OPEN_STATUSES:
        return []
    recipients: list[tuple[Contact, str]] = [(centre.principal, "principal")]
    if case.category not in ALSO_TO_REGION:
        recipients += [(member, "staff") for member in centre.staff]
    told = region is not None and region.administrator.key != by.key
    if told and (case.urgent or case.category in ALSO_TO_REGION):
        recipients.append((region.administrator, "administrator"))
    # As at intake: an urgent alert cannot be switched off by an unsubscribe.
    kind = MessageKind.TRANSACTIONAL if case.urgent else MessageKind.NOTIFICATION
    data = staff_case_data(case, network_name, region.name if region else None) | {"triage": []}
    messages, seen = [], set()
    for contact, role in recipients:
        if contact.email.lower() in seen:
            continue
        seen.add(contact.email.lower())
        extra = {"recipient_name": contact.name, "recipient_role": role}
        messages.append(case_message(case, "case_notification", contact.email, kind,
                                     data | extra, now))  # fmt: skip
    return messages
