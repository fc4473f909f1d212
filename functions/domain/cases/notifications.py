"""The mail a new case causes: the parent's acknowledgement and the staff's alerts."""

from __future__ import annotations

from datetime import datetime

from functions.domain.cases.models import CASE_DESCRIPTION_MAX, Case
from functions.domain.cases.service_levels import human_date, human_datetime
from functions.domain.directory.models import Centre, Contact, Region
from functions.domain.mail.outbox import MessageKind, OutboxMessage, new_message_id
from functions.domain.shared.vocabulary import Category, TriageReason, label

TRIAGE_LABELS = {
    TriageReason.UNKNOWN_CENTRE: "Centre not recognised",
    TriageReason.UNKNOWN_KIND: "Type of feedback not recognised",
    TriageReason.UNKNOWN_TOPIC: "Topic not recognised",
    TriageReason.UNCLEAR_URGENCY: "Unclear whether it is urgent",
    TriageReason.NO_DESCRIPTION: "No message was written",
    TriageReason.INVALID_CONTACT: "Contact details could not be read",
    TriageReason.NO_CONSENT: "Consent not given: contact details were not kept",
    TriageReason.MESSAGE_CUT: (
        f"The message was longer than {CASE_DESCRIPTION_MAX:,} characters and was cut here; "
        "the form's responses hold all of it"
    ),
}
# Complaints that may be about the principal: the regional administrator is told as well.
ALSO_TO_REGION = frozenset({Category.STAFF_CONDUCT, Category.CHILD_WELLBEING_AND_SAFETY})
# The answer shown beside a reason. Not the centre's: the mail shows it once, as the centre.
_GIVEN_FOR = {
    TriageReason.UNKNOWN_KIND: "kind",
    TriageReason.UNKNOWN_TOPIC: "topic",
    TriageReason.UNCLEAR_URGENCY: "urgent",
}


def triage_labels(case: Case) -> list[str]:
    if not case.triage:
        return []
    labels = []
    for reason in case.triage.reasons:
        given = case.triage.given.get(_GIVEN_FOR.get(reason, ""), "")
        labels.append(f"{TRIAGE_LABELS[reason]}: {given}" if given else TRIAGE_LABELS[reason])
    return labels


def _message(case: Case, template: str, to: str, kind: MessageKind, data: dict, now: datetime,
             language: str = "en") -> OutboxMessage:  # fmt: skip
    return OutboxMessage(
        message_id=new_message_id(), template=template, to=to, data=data, language=language,
        kind=kind, urgent=case.urgent, case_reference=case.reference, created_at=now,
        updated_at=now,
    )  # fmt: skip


def new_case_messages(
    case: Case,
    centre: Centre | None,
    region: Region | None,
    all_regions: list[Region],
    network_name: str,
    now: datetime,
) -> list[OutboxMessage]:
    """Acknowledge the parent (when they gave an email and are not anonymous); alert the
    principal; alert the regional administrator at once when the case is urgent, needs
    triage, or is about staff conduct or a child's safety (the principal may be involved);
    every administrator when the region is unknown.

    Each message holds a parent's text once (the centre as given, the description); subjects
    name a centre only when it is one of ours (`centre_known`).
    """
    common = {
        "network_name": network_name,
        "reference": case.reference,
        "centre_name": case.centre_name,
        "centre_known": case.centre_id is not None,
        "kind_label": label(case.kind) or "Feedback",
        "category_label": label(case.category),
        "respond_by": human_date(case.respond_by),
        "urgent": case.urgent,
    }
    messages = []
    reporter = case.reporter
    if reporter.email and not case.anonymous and case.consent.given:
        data = common | {"reporter_name": reporter.name}
        messages.append(_message(case, "case_acknowledgement", reporter.email,
                                 MessageKind.TRANSACTIONAL, data, now,
                                 reporter.preferred_language))  # fmt: skip
    staff_data = common | {
        "region_name": region.name if region else "Region not known",
        "description": case.description,
        "submitted_at": human_datetime(case.created_at),
        "triage_reasons": triage_labels(case),
        "anonymous": case.anonymous,
        "reporter_contact": "by email"
        if reporter.email
        else "by phone"
        if reporter.phone
        else None,
    }
    recipients: list[tuple[Contact, str]] = []
    if centre:
        recipients.append((centre.principal, "principal"))
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
        messages.append(_message(case, "case_notification", contact.email, kind, data, now))
    return messages
