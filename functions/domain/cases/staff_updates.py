"""The mail staff actions cause to other staff: the case handed to someone (reassigned), or
handed up the ladder (escalated). In English, to the person who now owns the case, with the
links that act on it (data["actionable"]); transactional when the case is urgent, so that an
unsubscribe never silences it."""

from __future__ import annotations

from datetime import datetime

from functions.domain.cases.models import Case, Person
from functions.domain.cases.notifications import case_message
from functions.domain.cases.service_levels import Level
from functions.domain.directory.models import Contact
from functions.domain.mail.outbox import MessageKind, OutboxMessage


def _staff_data(case: Case, network_name: str, region_name: str | None) -> dict:
    """What a staff member needs to work the case from the mail alone (as at intake)."""
    reporter = case.reporter
    return {
        "network_name": network_name,
        "reference": case.reference,
        "centre_name": case.centre_name,
        "centre_known": case.centre_id is not None,
        "region_name": region_name,
        "kind": case.kind.value if case.kind else None,
        "category": case.category.value,
        "status": case.status.value,
        "urgent": case.urgent,
        "description": case.description,
        "submitted_at": case.created_at,
        "respond_by": case.respond_by,
        "resolve_by": case.resolve_by,
        "acknowledged": case.outcome.acknowledged_at is not None,
        "anonymous": case.anonymous,
        "reporter_contact": "email" if reporter.email else "phone" if reporter.phone else None,
        "actionable": [case.reference],
    }


def _to_staff(case: Case, template: str, to: Contact, data: dict, now: datetime) -> OutboxMessage:
    kind = MessageKind.TRANSACTIONAL if case.urgent else MessageKind.NOTIFICATION
    return case_message(case, template, to.email, kind, data | {"recipient_name": to.name}, now)


def assigned_message(case: Case, to: Contact, by: Person, note: str | None, network_name: str,
                     region_name: str | None, now: datetime) -> OutboxMessage:  # fmt: skip
    """template case_assigned: the new owner learns who gave them the case, and why (`note`,
    internal), with the case as it is now."""
    data = _staff_data(case, network_name, region_name) | {"by_name": by.name, "note": note}
    return _to_staff(case, "case_assigned", to, data, now)


def escalated_message(case: Case, to: Contact, by: Person, level: Level, reason: str | None,
                      network_name: str, region_name: str | None,
                      now: datetime) -> OutboxMessage:  # fmt: skip
    """template case_escalated: the principal (level PRINCIPAL) or the regional administrator
    (REGION) now owns the case; `reason` is the escalating person's note (internal)."""
    data = _staff_data(case, network_name, region_name) | {
        "by_name": by.name,
        "reason": reason,
        "recipient_role": "administrator" if level == Level.REGION else "principal",
    }
    return _to_staff(case, "case_escalated", to, data, now)
