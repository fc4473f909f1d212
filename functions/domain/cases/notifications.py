"""The mail a new case causes: the parent's acknowledgement and the staff's alerts."""

from __future__ import annotations

from datetime import datetime

from functions.domain.cases.models import Case
from functions.domain.directory.models import Centre, Contact, Region
from functions.domain.mail.outbox import MessageKind, OutboxMessage, new_message_id
from functions.domain.shared.vocabulary import Category, TriageReason

# Complaints that may be about the principal: the regional administrator is told as well.
ALSO_TO_REGION = frozenset({Category.STAFF_CONDUCT, Category.CHILD_WELLBEING_AND_SAFETY})
# The answer shown beside a reason. Not the centre's: the mail shows it once, as the centre.
_GIVEN_FOR = {
    TriageReason.UNKNOWN_KIND: "kind",
    TriageReason.UNKNOWN_TOPIC: "topic",
    TriageReason.UNCLEAR_URGENCY: "urgent",
}


def triage_items(case: Case) -> list[dict[str, str]]:
    """Why the case needs a person's eye: each reason's code and, for some, the answer given
    (rendered into words by the template, in the reader's language)."""
    if not case.triage:
        return []
    return [
        {"reason": reason.value, "given": case.triage.given.get(_GIVEN_FOR.get(reason, ""), "")}
        for reason in case.triage.reasons
    ]


def case_message(case: Case, template: str, to: str, kind: MessageKind, data: dict, now: datetime,
             language: str = "en") -> OutboxMessage:  # fmt: skip
    return OutboxMessage(
        message_id=new_message_id(), template=template, to=to, data=data, language=language,
        kind=kind, urgent=case.urgent, case_reference=case.reference, created_at=now,
        updated_at=now,
    )  # fmt: skip


def staff_case_data(case: Case, network_name: str, region_name: str | None = None) -> dict:
    """What a staff member needs to work a case from a mail alone: ids, enums and times, the
    centre as given (`centre_known` says whether it is one of ours: subjects name it only
    then) and the parent's message; never the parent's address or phone, only how they can
    be reached. `actionable` makes MailLinks add the recipient's links for the case."""
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


def work_message(case: Case, template: str, to: Contact, data: dict,
                 now: datetime) -> OutboxMessage:  # fmt: skip
    """Mail that hands a person work on a case (a nudge, a handover, a parent's reply, a
    reopened case): transactional, so that unsubscribing from alerts and digests never
    silences it, and a case is never lost between staff."""
    return case_message(case, template, to.email, MessageKind.TRANSACTIONAL,
                        data | {"recipient_name": to.name}, now)  # fmt: skip


def new_case_messages(
    case: Case,
    centre: Centre | None,
    region: Region | None,
    all_regions: list[Region],
    network_name: str,
    now: datetime,
) -> list[OutboxMessage]:
    """Acknowledge the parent (when they gave an email and are not anonymous); alert the
    principal and the centre's staff (but for a complaint about staff conduct or a child's
    safety: someone among them may be involved); alert the regional administrator at once
    when the case is urgent, needs triage, or is about staff conduct or a child's safety
    (the principal may be involved); every administrator when the region is unknown. Staff
    alerts carry the links that act on the case (domain/cases/staff_links.py).

    Each message holds a parent's text once (the centre as given, the description); subjects
    name a centre only when it is one of ours (`centre_known`). The rest is enums, ids and
    times: the templates put them into words and dates in the reader's language.
    """
    common = {
        "network_name": network_name,
        "reference": case.reference,
        "centre_name": case.centre_name,
        "centre_known": case.centre_id is not None,
        "kind": case.kind.value if case.kind else None,
        "category": case.category.value,
        "respond_by": case.respond_by,
        "urgent": case.urgent,
    }
    messages = []
    reporter = case.reporter
    if reporter.email and not case.anonymous and case.consent.given:
        # A centre of ours: the mail links its charter (MailLinks derives the address).
        data = common | {"reporter_name": reporter.name, "charter_centre": case.centre_id}
        messages.append(case_message(case, "case_acknowledgement", reporter.email,
                                 MessageKind.TRANSACTIONAL, data, now,
                                 reporter.preferred_language))  # fmt: skip
    region_name = region.name if region else None
    staff_data = staff_case_data(case, network_name, region_name) | {"triage": triage_items(case)}
    recipients: list[tuple[Contact, str]] = []
    if centre:
        recipients.append((centre.principal, "principal"))
        if case.category not in ALSO_TO_REGION:
            recipients += [(member, "staff") for member in centre.staff]
    if case.urgent or case.triage or not centre or case.category in ALSO_TO_REGION:
        admins = [region] if region else all_regions
        recipients += [(r.administrator, "administrator") for r in admins]
    # Urgent alerts cannot be switched off by an unsubscribe: a child may be at risk.
    kind = MessageKind.TRANSACTIONAL if case.urgent else MessageKind.NOTIFICATION
    seen = set()
    for contact, role in recipients:
        if contact.email.lower() in seen:
            continue
        seen.add(contact.email.lower())
        data = staff_data | {"recipient_name": contact.name, "recipient_role": role}
        messages.append(case_message(case, "case_notification", contact.email, kind, data, now))
    return messages
