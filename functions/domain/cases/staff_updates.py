"""The mail staff actions cause to other staff: the case handed to someone (reassigned), or
handed up the ladder (escalated). In English, to the person who now owns the case, with the
links that act on it (data["actionable"]); transactional (notifications.work_message), so
that an unsubscribe never silences it."""

from __future__ import annotations

from datetime import datetime

from functions.domain.cases.models import Case, Person
from functions.domain.cases.notifications import staff_case_data, work_message
from functions.domain.cases.service_levels import Level
from functions.domain.directory.models import Contact
from functions.domain.mail.outbox import OutboxMessage


def assigned_message(case: Case, to: Contact, by: Person, note: str | None, network_name: str,
                     region_name: str | None, now: datetime) -> OutboxMessage:  # fmt: skip
    """template case_assigned: the new owner learns who gave them the case, and why (`note`,
    internal), with the case as it is now."""
    data = staff_case_data(case, network_name, region_name) | {"by_name": by.name, "note": note}
    return work_message(case, "case_assigned", to, data, now)


def escalated_message(case: Case, to: Contact, by: Person, level: Level, reason: str | None,
                      network_name: str, region_name: str | None,
                      now: datetime) -> OutboxMessage:  # fmt: skip
    """template case_escalated: the principal (level PRINCIPAL) or the regional administrator
    (REGION) now owns the case; `reason` is the escalating person's note (internal)."""
    data = staff_case_data(case, network_name, region_name) | {
        "by_name": by.name,
        "reason": reason,
        "recipient_role": "administrator" if level == Level.REGION else "principal",
    }
    return work_message(case, "case_escalated", to, data, now)
