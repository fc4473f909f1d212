"""What Amazon SES reports about delivered mail, as its JSON arrives: who bounced, who complained.

https://docs.aws.amazon.com/ses/latest/dg/notification-contents.html (notifications carry
`notificationType`, configuration-set events `eventType`; the fields read here are the same).
Only what suppression needs is read; everything else in an event is ignored.
"""

from __future__ import annotations

from email.utils import parseaddr

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from functions.domain.mail.suppression import MailFeedback, SuppressionReason


class _SesModel(BaseModel):
    model_config = ConfigDict(extra="ignore")


class _Recipient(_SesModel):
    address: str = Field(alias="emailAddress")

    @field_validator("address")
    @classmethod
    def _bare(cls, value: str) -> str:
        address = parseaddr(value)[1].strip().lower()
        if "@" not in address:
            raise ValueError("recipient without an address")
        return address


class _Bounce(_SesModel):
    bounce_type: str = Field(alias="bounceType")
    recipients: list[_Recipient] = Field(alias="bouncedRecipients")


class _Complaint(_SesModel):
    recipients: list[_Recipient] = Field(alias="complainedRecipients")


class SesEvent(_SesModel):
    notification_type: str | None = Field(None, alias="notificationType")
    event_type: str | None = Field(None, alias="eventType")
    bounce: _Bounce | None = None
    complaint: _Complaint | None = None


def read_ses_event(text: str) -> MailFeedback:
    """What an SES notification or published event asks for; ValueError if it is not one."""
    try:
        event = SesEvent.model_validate_json(text)
    except ValidationError:
        raise ValueError("not an ses event") from None
    kind = event.notification_type or event.event_type
    if not kind:
        raise ValueError("no event type")
    if kind == "Bounce":
        if event.bounce is None:
            raise ValueError("bounce without details")
        bounce_type = event.bounce.bounce_type
        if bounce_type != "Permanent":  # Transient, Undetermined: the address may work later
            return MailFeedback(kind, bounce_type[:40], None, frozenset())
        addresses = frozenset(r.address for r in event.bounce.recipients)
        return MailFeedback(kind, bounce_type, SuppressionReason.BOUNCED, addresses)
    if kind == "Complaint":
        if event.complaint is None:
            raise ValueError("complaint without details")
        addresses = frozenset(r.address for r in event.complaint.recipients)
        return MailFeedback(kind, None, SuppressionReason.COMPLAINED, addresses)
    return MailFeedback(kind[:40], None, None, frozenset())
