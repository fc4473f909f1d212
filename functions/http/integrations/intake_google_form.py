"""POST /intake_google_form: responses forwarded by the Apps Script bound to a Google Form."""

from __future__ import annotations

import time

from flask import Request, Response
from pydantic import ValidationError

from functions import logs
from functions.config import get_settings
from functions.domain.cases.google_forms import FormResponse
from functions.domain.shared.validation import FieldError, field_errors, logged_fields
from functions.entrypoints import entry_point, json_errors, json_response, parse_json
from functions.http.intake import record_form_response
from functions.http.integrations.apps_script_signature import SignatureRejected, verify
from functions.services.errors import UnknownForm

NAME = "intake_google_form"


def _rejected(status: int, errors: list[FieldError]) -> Response:
    logs.input_rejected(NAME, status, logged_fields(errors))
    return json_errors(status, errors)


@entry_point(NAME, methods=("POST",), max_body=lambda: get_settings().max_form_response_bytes)
def intake_google_form(request: Request) -> Response:
    """Record a signed form response once: 201 {reference} first, 200 {reference} after."""
    settings = get_settings()
    raw = request.get_data()
    try:
        verify(
            request.headers.get("X-Signature"),
            raw,
            settings.intake_secret.get_secret_value().encode(),
            now=time.time(),
            tolerance=settings.signature_tolerance_seconds,
        )
    except SignatureRejected as rejection:
        logs.signature_rejected(str(rejection))
        return json_errors(
            401, [FieldError("X-Signature", "Missing, invalid or expired signature")]
        )
    try:
        response = FormResponse.model_validate(parse_json(raw))
    except (ValueError, UnicodeDecodeError) as error:
        errors = (
            field_errors(error)
            if isinstance(error, ValidationError)
            else [FieldError("body", "The body is not valid JSON")]
        )
        return _rejected(422, errors)
    try:
        receipt = record_form_response(response)
    except UnknownForm:
        logs.unknown_form(response.form_id)
        return json_errors(404, [FieldError("form_id", "No field mapping for this form")])
    case = receipt.case
    triage = case.triage.reasons if case.triage else ()
    logs.case_recorded(
        case.reference, case.source, case.centre_id, case.urgent, receipt.created, triage
    )
    return json_response({"reference": case.reference}, 201 if receipt.created else 200)
