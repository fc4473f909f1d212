"""Log events of outgoing mail: queueing, delivery, suppression, SES feedback."""

from __future__ import annotations

from functions.logs._core import _emit


def enqueue_failed(message_id: str, error: str) -> None:
    _emit(
        "WARNING",
        "delivery task not enqueued; the outbox sweep will retry",
        message_id=message_id,
        error=error,
    )


def delivery_outcome(message_id: str, result: str) -> None:
    """What became of one delivery attempt; never the address or the content."""
    _emit(
        "ERROR" if result == "failed" else "INFO",
        "email delivery",
        message_id=message_id,
        result=result,
    )


def acknowledgement_capped(message_id: str) -> None:
    """A parent's acknowledgement not sent: its address had its hourly share already."""
    _emit("NOTICE", "acknowledgement suppressed by the hourly cap", message_id=message_id)


def outbox_swept(stuck: int, requeued: int, given_up: int) -> None:
    severity = "ERROR" if given_up else "WARNING" if stuck else "INFO"
    _emit(severity, "outbox swept", stuck=stuck, requeued=requeued, given_up=given_up)


def unsubscribe_recorded(one_click: bool) -> None:
    """Someone stopped notifications (RFC 8058 one-click or the page's button); never who."""
    _emit("INFO", "unsubscribe recorded", one_click=one_click)


def unsubscribe_token_rejected(method: str) -> None:
    _emit("INFO", "unsubscribe token rejected", method=method)


def sns_message_rejected(status: int, reason: str) -> None:
    """An SNS delivery refused (400/403/413) or put off (503); `reason` is a fixed phrase."""
    severity = "INFO" if status == 400 else "WARNING"
    _emit(severity, "sns message rejected", status=status, reason=reason)


def sns_subscription_changed(message_type: str, topic_arn: str) -> None:
    """A verified SubscriptionConfirmation (confirmed) or UnsubscribeConfirmation (noted)."""
    _emit("NOTICE", "sns subscription message", type=message_type, topic_arn=topic_arn[:256])


def email_feedback_received(
    event_type: str, bounce_type: str | None, recipients: int, suppressed_as: str | None
) -> None:
    """An SES event: its type, bounce type and recipient count, never an address."""
    _emit(
        "NOTICE" if suppressed_as else "INFO",
        "email feedback received",
        event_type=event_type,
        bounce_type=bounce_type,
        recipients=recipients,
        suppressed_as=suppressed_as,
    )
