"""Reading what Amazon SES reports about delivered mail: who bounced, who complained."""

from __future__ import annotations

import json
from email.utils import parseaddr
from typing import NamedTuple

from functions.domain.suppression import SuppressionReason


class MailFeedback(NamedTuple):
    """One SES event: whom to suppress (reason None: nobody)."""

    event_type: str
    detail: str | None  # the bounce type
    reason: SuppressionReason | None  # None: nothing to suppress
    addresses: frozenset[str]


def as_object(value) -> dict:
    """The value, if it is a JSON object; ValueError otherwise."""
    if not isinstance(value, dict):
        raise ValueError("not an object")
    return value


def _addresses(part: dict, field: str) -> frozenset[str]:
    addresses = set()
    for recipient in part[field]:
        raw = as_object(recipient)["emailAddress"]
        address = (parseaddr(raw)[1] if isinstance(raw, str) else "").strip().lower()
        if "@" not in address:
            raise ValueError("recipient without an address")
        addresses.add(address)
    return frozenset(addresses)


def read_ses_event(text: str) -> MailFeedback:
    """What an SES notification (notificationType) or published event (eventType) asks for."""
    event = as_object(json.loads(text))
    event_type = event.get("notificationType") or event.get("eventType")
    if not isinstance(event_type, str):
        raise ValueError("no event type")
    if event_type == "Bounce":
        bounce = as_object(event["bounce"])
        bounce_type = bounce["bounceType"]
        if not isinstance(bounce_type, str):
            raise ValueError("no bounce type")
        if bounce_type != "Permanent":  # Transient, Undetermined: the address may work later
            return MailFeedback(event_type, bounce_type[:40], None, frozenset())
        recipients = _addresses(bounce, "bouncedRecipients")
        return MailFeedback(event_type, bounce_type, SuppressionReason.BOUNCED, recipients)
    if event_type == "Complaint":
        recipients = _addresses(as_object(event["complaint"]), "complainedRecipients")
        return MailFeedback(event_type, None, SuppressionReason.COMPLAINED, recipients)
    return MailFeedback(event_type[:40], None, None, frozenset())
