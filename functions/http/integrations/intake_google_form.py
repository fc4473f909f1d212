"""POST /intake_google_form: responses forwarded by the Apps Script bound to a Google Form."""

from __future__ import annotations

import time

from flask import Request, Response

from functions import logs, wiring
from functions.config import get_settings
from functions.domain.cases.google_forms import FormResponse
from functions.domain.shared.validation import FieldError
from functions.entrypoints import json_api
from functions.http.answers import json_errors, json_response
from functions.http.integrations.apps_script_signature import SignatureRejected, verify
from functions.services.errors import UnknownForm

NAME = "intake_google_form"


def _signed_by_our_script(request: Request) -> Response | None:
    settings = get_settings()
    try:
        verify(request.headers.get("X-Signature"), request.get_data(),
               settings.intake_secret.get_secret_value().encode(), now=time.time(),
               tolerance=settings.signature_tolerance_seconds)  # fmt: skip
    except SignatureRejected as rejection:
        logs.signature_rejected(str(rejection))
        error = FieldError("X-Signature", "Missing, invalid or expired signature")
        return json_errors(401, [error])
    return None


@json_api(NAME, body=FormResponse, max_body=lambda: get_settings().max_form_response_bytes,
          json_only=False, authenticate=_signed_by_our_script)  # fmt: skip
def intake_google_form(request: Request, response: FormResponse) -> Response:
    """Record a signed form response once: 201 {reference} first, 200 {reference} after."""
    # Imported here: the other intake paths never load the Google Forms service.
    from functions.services.intake.google_form import intake_google_form as take

    try:
        receipt = take(response, wiring.dependencies())
    except UnknownForm:
        logs.unknown_form(response.form_id)
        return json_errors(404, [FieldError("form_id", "No field mapping for this form")])
    case = receipt.case
    triage = case.triage.reasons if case.triage else ()
    logs.case_recorded(
        case.reference, case.source, case.centre_id, case.urgent, receipt.created, triage
    )
    return json_response({"reference": case.reference}, 201 if receipt.created else 200)
