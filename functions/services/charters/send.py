"""Sending one centre's charter to its principal (the send_charter task).

One unit of work reads the centre's charter record, and when the current version has not
gone to the principal's current address yet, writes the record (version, when, to whom, its
history) and the email together: a task retried after a crash, or run twice, finds the
record saying so and writes nothing (the record's write is conditioned on what was read, so
two runs at once write it once). The email carries the charter itself (language-free) in
its data: the PDFs are rendered when it is delivered (services/mail/deliver.py), so a
retried delivery attaches the same files, and the confirmation link is signed then too
(domain/mail/links.py: the outbox stores no token).

The charter sent is the current one, whatever version the task was queued for: a charter
that changed after it was queued is sent as it is now (the task queued for the newer version
then finds it sent). A principal without a usable address is recorded as not sent (the admin
page lists it), and nothing is written again until something changes.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from functions.domain.charters import records as rules
from functions.domain.charters.content import Charter, charter_version
from functions.domain.charters.records import CharterRecord
from functions.domain.directory.models import Centre
from functions.domain.mail.outbox import MessageKind, OutboxMessage, new_message_id
from functions.services.charters.distribute import NO_EMAIL, principal_address, same_address
from functions.services.mail.dispatch import cancel_delivery, queue_delivery
from functions.services.ports import Dependencies, UnitOfWork

TEMPLATE = "charter"


class SendOutcome(StrEnum):
    SENT = "sent"  # the record and the email written now
    ALREADY = "already"  # this version went to this address before: nothing written
    NO_EMAIL = "no_email"  # the principal has no usable address: recorded as not sent
    UNKNOWN_CENTRE = "unknown_centre"  # gone, inactive, or its region gone: nothing to send


def confirm_value(centre_id: str, version: str) -> str:
    """What a confirmation link carries, signed (Purpose.CHARTER_CONFIRM)."""
    return f"{centre_id}:{version}"


def charter_mail(charter: Charter, version: str, to: str, network_name: str, now: datetime,
                 template: str = TEMPLATE,
                 previous: str | None = None) -> OutboxMessage:  # fmt: skip
    """The email to the principal: the charter (rendered into PDFs on delivery) and the
    confirmation link. English: principals are staff, and staff mail is English."""
    data = {
        "charter": charter.model_dump(mode="json"),
        "charter_confirm": confirm_value(charter.centre_id, version),
        "version": version,
        "previous_version": previous,
        "recipient_name": charter.principal_name,
        "centre_name": charter.centre_name,
        "region_name": charter.region_name,
        "escalation_name": charter.escalation_name,
        "network_name": network_name,
        "languages": [language.value for language in charter.languages],
        "charter_url": charter.charter_url,
    }
    return OutboxMessage(message_id=new_message_id(), template=template, to=to, data=data,
                         language="en", kind=MessageKind.TRANSACTIONAL, created_at=now,
                         updated_at=now)  # fmt: skip


def commit_with_mail(deps: Dependencies, work):
    """Run `work` in a unit of work; the mail it writes is queued for delivery while the
    commit is in flight, and withdrawn when the commit is refused."""
    result, _ = deps.transactions.run(
        work,
        while_committing=lambda messages: queue_delivery(messages, deps.queue, deps.clock()),
        if_refused=lambda messages: cancel_delivery(messages, deps.queue),
    )
    return result


def send_charter(deps: Dependencies, centre_id: str, now: datetime | None = None) -> SendOutcome:
    """Send the centre's current charter to its principal, once per version and address."""
    from functions.services.charters.build import charter_for

    now = now or deps.clock()
    charter = charter_for(deps, centre_id)
    centre = deps.directory.get_centre(centre_id) if charter is not None else None
    if charter is None or centre is None:
        return SendOutcome.UNKNOWN_CENTRE
    version, address = charter_version(charter), principal_address(centre)

    def work(uow: UnitOfWork) -> SendOutcome:
        record = uow.charters.get(centre.centre_id) or rules.blank(centre.centre_id,
                                                                   centre.region_id)  # fmt: skip
        return _write(uow, record, charter, version, centre, address, deps.network_name, now)

    return commit_with_mail(deps, work)


def _write(uow: UnitOfWork, record: CharterRecord, charter: Charter, version: str,
           centre: Centre, address: str | None, network_name: str,
           now: datetime) -> SendOutcome:  # fmt: skip
    if address is None:
        noted = rules.not_sent(record, version, NO_EMAIL, now, centre.region_id)
        if noted is not None:
            uow.charters.save(noted)
        return SendOutcome.NO_EMAIL
    if record.version == version and same_address(record.sent_to, address):
        return SendOutcome.ALREADY
    uow.charters.save(rules.sent(record, version, charter.template_version,
                                 charter.policy_version, address, now,
                                 centre.region_id))  # fmt: skip
    uow.outbox.add(charter_mail(charter, version, address, network_name, now,
                                previous=record.version))  # fmt: skip
    return SendOutcome.SENT
