"""POST /submit_feedback: the JSON API behind the network's own web forms and apps."""

from __future__ import annotations

from flask import Request, Response

from functions import logs, wiring
from functions.config import get_settings
from functions.domain.cases.submission import FeedbackSubmission
from functions.domain.shared.validation import FieldError, logged_fields
from functions.domain.shared.vocabulary import Source
from functions.entrypoints import json_api
from functions.http import flood_limit
from functions.http.answers import json_errors, json_response
from functions.services.errors import IdempotencyKeyReused, UnknownCentre
from functions.services.intake.submit_feedback import submit_feedback as submit

NAME = "submit_feedback"
IDEMPOTENCY_KEY_MAX = 200


def _cors_headers(request: Request) -> dict[str, str]:
    origin = request.headers.get("Origin")
    if origin and origin in get_settings().allowed_origins:
        return {
            "Access-Control-Allow-Origin": origin,
            "Access-Control-Allow-Methods": "POST",
            "Access-Control-Allow-Headers": "Content-Type, Idempotency-Key",
            "Access-Control-Expose-Headers": "Retry-After",  # a page may wait out a 429
            "Access-Control-Max-Age": "3600",
            "Vary": "Origin",
        }
    return {"Vary": "Origin"}


def _rejected(status: int, error: FieldError) -> Response:
    logs.input_rejected(NAME, status, logged_fields([error]))
    return json_errors(status, [error])


@json_api(NAME, body=FeedbackSubmission, max_body=lambda: get_settings().max_body_bytes,
          cors=_cors_headers)  # fmt: skip
def submit_feedback(request: Request, command: FeedbackSubmission) -> Response:
    """Create a case from a JSON submission: 201 {reference, status_url}; 429 when its
    client is over the flood limit (functions/http/flood_limit.py)."""
    key = request.headers.get("Idempotency-Key")
    if key is not None and not (0 < len(key) <= IDEMPOTENCY_KEY_MAX):
        limit = f"Use 1 to {IDEMPOTENCY_KEY_MAX} characters"
        return _rejected(422, FieldError("Idempotency-Key", limit))
    if (wait := flood_limit.held_for(request, NAME, Source.API, key)) is not None:
        return flood_limit.too_many_json(wait)
    try:
        receipt = submit(command, Source.API, wiring.dependencies(), key)
    except UnknownCentre:
        return _rejected(422, FieldError("centre_id", "Unknown centre"))
    except IdempotencyKeyReused:
        reused = "This key was already used for a different submission"
        return _rejected(409, FieldError("Idempotency-Key", reused))
    case = receipt.case
    logs.case_recorded(case.reference, Source.API, case.centre_id, case.urgent, receipt.created)
    status_url = f"{get_settings().url_for('case_status')}?token={receipt.status_token}"
    body = {"reference": case.reference, "status_url": status_url}
    return json_response(body, 201 if receipt.created else 200, {"Location": status_url})
