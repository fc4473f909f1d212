"""POST /intake_google_form: responses forwarded by the Apps Script bound to a Google Form.

Each form's mapping says what its responses are for (its `purpose`); the intake service hands
a response to that purpose's handler (services/intake/google_form.py HANDLERS): a feedback
form's becomes a case (201 {reference}, 200 on redelivery), a registration form's registers
its person for a forum (200 {outcome, forum_id}). Answers a purpose cannot use get 422 with
each problem by field; the script keeps such a response queued and logs the status.
"""

from __future__ import annotations

import time

from flask import Request, Response

from functions import logs, wiring
from functions.config import get_settings
from functions.domain.cases.google_forms import AnswersRefused, FormResponse
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
    """Do what the form's purpose says with a signed response, once: a case's 201
    {reference} first and 200 {reference} after; a registration's 200 {outcome, forum_id}."""
    # Imported here: the other intake paths never load the Google Forms service.
    from functions.services.intake.google_form import take_response

    try:
        outcome = take_response(response, wiring.dependencies())
    except UnknownForm:
        logs.unknown_form(response.form_id)
        return json_errors(404, [FieldError("form_id", "No field mapping for this form")])
    except AnswersRefused as refused:
        logs.input_rejected(NAME, 422, [error.field for error in refused.errors])
        return json_errors(422, refused.errors)
    return json_response(outcome.body, 201 if outcome.created else 200)
