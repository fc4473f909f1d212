"""POST /email_events: Amazon SES bounces and complaints, delivered by an Amazon SNS topic.

Nothing is done with a message before its SNS signature verifies (adapters/aws/sns.py) and
its topic is one of SNS_TOPIC_ARNS. A permanent bounce suppresses the address as bounced, a
complaint as complained; everything else is acknowledged and ignored. SNS redelivers on any
non-2xx, and a suppression is a merge of one reason, so a redelivery changes nothing. Logs
carry event types and counts, never an address.
"""

from __future__ import annotations

from flask import Request, Response

from functions import logs, wiring
from functions.adapters.aws import sns
from functions.adapters.aws.ses_events import read_ses_event
from functions.config import get_settings
from functions.domain.shared.validation import FieldError
from functions.entrypoints import json_api
from functions.http.answers import json_errors, json_response, try_later_headers
from functions.services.mail.suppress import record_mail_feedback

NAME = "email_events"
_MAX_BODY = 1024 * 1024  # an SNS message is up to 256 KiB before its JSON escaping


def _topic_allowed(topic_arn: str) -> bool:
    settings = get_settings()
    allowed = settings.sns_topic_arns
    return topic_arn in allowed if allowed else settings.local_dev


def _refuse(status: int, reason: str, headers: dict | None = None) -> Response:
    logs.sns_message_rejected(status, reason)
    messages = {400: "Not an SNS message this endpoint understands", 403: "Not trusted",
                503: "Try again later"}  # fmt: skip
    return json_errors(status, [FieldError("message", messages[status])], headers)


# SNS posts JSON as text/plain, so any content type is read.
@json_api(NAME, body=None, max_body=_MAX_BODY, json_only=False)
def email_events(request: Request, message: object) -> Response:
    """Verify an SNS message, then confirm the subscription or record the SES feedback."""
    try:
        sns.check_message_shape(message)
    except ValueError:  # not an object, or not shaped like SNS
        return _refuse(400, "not an sns message")
    if not _topic_allowed(message["TopicArn"]):
        return _refuse(403, "topic not allowed")
    try:
        sns.verify_sns_message(message, sns.fetch_certificate)
        if message["Type"] == "SubscriptionConfirmation":
            sns.confirm_subscription(message, sns.https_get)
    except sns.SnsSignatureInvalid as problem:
        return _refuse(403, str(problem))
    except sns.SnsFetchFailed as failure:
        if failure.permanent:
            return _refuse(400, str(failure))
        return _refuse(503, str(failure), try_later_headers())

    if message["Type"] != "Notification":
        logs.sns_subscription_changed(message["Type"], message["TopicArn"])
        confirmed = message["Type"] == "SubscriptionConfirmation"
        return json_response({"result": "confirmed" if confirmed else "noted"})
    try:
        feedback = read_ses_event(message["Message"])
    except ValueError:
        return _refuse(400, "not an ses event")
    record_mail_feedback(feedback, wiring.dependencies())
    logs.email_feedback_received(
        feedback.event_type, feedback.detail, len(feedback.addresses), feedback.reason
    )
    result = "suppressed" if feedback.reason else "ignored"
    return json_response({"result": result, "recipients": len(feedback.addresses)})
