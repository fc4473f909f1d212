"""POST /deliver_email {"message_id", "recipient_key"}: Cloud Tasks delivers one outbox message.

Any non-2xx makes Cloud Tasks retry with backoff, so only "try later" answers 503; every
settled outcome (sent, already done, failed for good, suppressed, unknown) answers 200.
"""

from __future__ import annotations

from flask import Request, Response

from functions import logs, wiring
from functions.domain.shared.validation import FieldError
from functions.entrypoints import (
    RETRY_AFTER_SECONDS,
    entry_point,
    json_errors,
    json_response,
    parse_json,
)
from functions.services.mail.deliver import DeliveryResult
from functions.services.mail.deliver import deliver_email as deliver

NAME = "deliver_email"


def _render(template: str, data: dict, language: str):
    from functions.rendering import render_email

    return render_email(template, data, language)


@entry_point(NAME, methods=("POST",))
def deliver_email(request: Request) -> Response:
    """Send one outbox message at most once; 503 + Retry-After when it should be retried."""
    try:
        body = parse_json(request.get_data() or b"null")
        message_id = body["message_id"]
        recipient_key = body.get("recipient_key")
        if not isinstance(message_id, str) or not isinstance(recipient_key, str | None):
            raise TypeError
    except (ValueError, TypeError, KeyError, AttributeError):
        return json_errors(422, [FieldError("message_id", 'Send {"message_id": "…"}')])
    result = deliver(
        message_id,
        recipient_key,
        outbox=wiring.outbox(),
        transport=wiring.mail_transport(),
        render=_render,
        clock=wiring.utc_now,
        setup=wiring.mail_setup(),
    )
    logs.delivery_outcome(message_id, result)
    if result == DeliveryResult.RETRY:
        return json_response({"result": result}, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)})
    return json_response({"result": result})
