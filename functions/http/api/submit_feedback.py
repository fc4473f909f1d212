"""POST /submit_feedback: the JSON API behind the network's own web forms and apps."""

from __future__ import annotations

from flask import Request, Response
from pydantic import ValidationError

from functions import logs
from functions.config import get_settings
from functions.domain.cases.submission import FeedbackSubmission
from functions.domain.shared.validation import FieldError, field_errors, logged_fields
from functions.domain.shared.vocabulary import Source
from functions.entrypoints import entry_point, json_errors, json_response, parse_json
from functions.http.intake import record_submission
from functions.services.errors import IdempotencyKeyReused, UnknownCentre

NAME = "submit_feedback"
IDEMPOTENCY_KEY_MAX = 200


def _cors_headers(request: Request) -> dict[str, str]:
    origin = request.headers.get("Origin")
    if origin and origin in get_settings().allowed_origins:
        return {
            "Access-Control-Allow-Origin": origin,
            "Access-Control-Allow-Methods": "POST",
            "Access-Control-Allow-Headers": "Content-Type, Idempotency-Key",
            "Access-Control-Max-Age": "3600",
            "Vary": "Origin",
        }
    return {"Vary": "Origin"}


def _rejected(status: int, errors: list[FieldError], headers: dict) -> Response:
    logs.input_rejected(NAME, status, logged_fields(errors))
    return json_errors(status, errors, headers)


@entry_point(NAME, methods=("POST", "OPTIONS"), max_body=lambda: get_settings().max_body_bytes)
def submit_feedback(request: Request) -> Response:
    """Create a case from a JSON submission: 201 {reference, status_url}."""
    cors = _cors_headers(request)
    if request.method == "OPTIONS":
        return Response(status=204, headers=cors)
    settings = get_settings()
    raw = request.get_data()
    if request.mimetype != "application/json":
        return _rejected(415, [FieldError("Content-Type", "Send application/json")], cors)
    try:
        data = parse_json(raw)
    except (ValueError, UnicodeDecodeError):
        return _rejected(400, [FieldError("body", "The body is not valid JSON")], cors)
    key = request.headers.get("Idempotency-Key")
    if key is not None and not (0 < len(key) <= IDEMPOTENCY_KEY_MAX):
        limit = f"Use 1 to {IDEMPOTENCY_KEY_MAX} characters"
        return _rejected(422, [FieldError("Idempotency-Key", limit)], cors)
    try:
        command = FeedbackSubmission.model_validate(data)
    except ValidationError as error:
        return _rejected(422, field_errors(error), cors)
    try:
        receipt = record_submission(command, Source.API, key)
    except UnknownCentre:
        return _rejected(422, [FieldError("centre_id", "Unknown centre")], cors)
    except IdempotencyKeyReused:
        reused = "This key was already used for a different submission"
        return _rejected(409, [FieldError("Idempotency-Key", reused)], cors)
    case = receipt.case
    logs.case_recorded(case.reference, Source.API, case.centre_id, case.urgent, receipt.created)
    status_url = f"{settings.url_for('case_status')}?token={receipt.status_token}"
    body = {"reference": case.reference, "status_url": status_url}
    return json_response(body, 201 if receipt.created else 200, {**cors, "Location": status_url})
