"""Who a missed deadline's nudge goes to at each rung of the ladder, and the mail they get.

The ladder (service_levels.py gives its times):
- STAFF: the assigned person while they are still a member of the centre (or the region's
  administrator, when the case was escalated to them); else everyone at the centre — but only
  the principal for a complaint about staff conduct or a child's safety, as someone among the
  staff may be involved;
- PRINCIPAL: the principal;
- REGION: the regional administrator.
A case with no known centre goes to the region's administrator at every rung, or to every
region's administrator when its region is unknown too (as the intake alerts do).
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from functions.domain.cases.models import Case, Person
from functions.domain.cases.notifications import ALSO_TO_REGION, staff_case_data, work_message
from functions.domain.cases.service_levels import Deadlines, Level
from functions.domain.directory.models import Centre, Contact, Region
from functions.domain.mail.outbox import OutboxMessage

TEMPLATE = "case_nudge"
# What the mail calls each rung ("reminder", "escalated to you as ...").
LEVEL_NAMES = {Level.STAFF: "staff", Level.PRINCIPAL: "principal", Level.REGION: "region"}


class Recipient(NamedTuple):
    """A contact and the role they get the nudge in: principal, staff or administrator."""

    contact: Contact
    role: str

    def person(self) -> Person:
        return Person(key=self.contact.key, name=self.contact.name)


def recipients(case: Case, level: Level, centre: Centre | None, region: Region | None,
               all_regions: list[Region]) -> list[Recipient]:  # fmt: skip
    """Who is nudged at `level` (each address once, the first one named in the history)."""
    admins = [Recipient(r.administrator, "administrator") for r in
              ([region] if region else all_regions)]  # fmt: skip
    if centre is None or level == Level.REGION:
        chosen = admins
    elif level == Level.PRINCIPAL:
        chosen = [Recipient(centre.principal, "principal")]
    else:
        chosen = _staff_rung(case, centre, region)
    seen: set[str] = set()
    unique = []
    for recipient in chosen:
        address = recipient.contact.email.strip().lower()
        if address not in seen:
            seen.add(address)
            unique.append(recipient)
    return unique


def _staff_rung(case: Case, centre: Centre, region: Region | None) -> list[Recipient]:
    principal = Recipient(centre.principal, "principal")
    if case.assignee is not None:
        member = centre.member(case.assignee.key)
        if member is not None:
            return [principal if member.key == centre.principal.key else
                    Recipient(member, "staff")]  # fmt: skip
        if region is not None and region.administrator.key == case.assignee.key:
            return [Recipient(region.administrator, "administrator")]
    if case.category in ALSO_TO_REGION:
        return [principal]
    return [principal, *(Recipient(member, "staff") for member in centre.staff)]


def hours_late(deadlines: Deadlines, due: datetime, now: datetime) -> float:
    """How late the case is: the case's own time since it was due (working hours, or clock
    hours when urgent), to the quarter hour."""
    seconds = deadlines.elapsed(due, now).total_seconds()
    return round(seconds / 900) / 4


def nudge_messages(case: Case, level: Level, to: list[Recipient], region_name: str | None,
                   deadlines: Deadlines, network_name: str,
                   now: datetime) -> list[OutboxMessage]:  # fmt: skip
    """One mail per recipient, in English (staff mail), with the links that act on the case.

    Transactional (notifications.work_message): an unsubscribe never silences the ladder.
    The data is ours but for the description, which the body shows as the intake alert does
    (never the subject)."""
    clock = case.clock
    data = staff_case_data(case, network_name, region_name) | {
        "stage": clock.stage.value if clock.stage else None,
        "due": clock.due,
        "level": LEVEL_NAMES[level],
        "hours_late": hours_late(deadlines, clock.due, now) if clock.due else 0.0,
        "working_hours": not case.urgent,
        "assignee_name": case.assignee.name if case.assignee else None,
    }
    assignee = case.assignee.key if case.assignee else None
    messages = []
    for recipient in to:
        contact = recipient.contact
        mine = {"recipient_name": contact.name, "recipient_role": recipient.role,
                "assigned_to_you": assignee == contact.key}  # fmt: skip
        messages.append(work_message(case, TEMPLATE, contact, data | mine, now))
    return messages
