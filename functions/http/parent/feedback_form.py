"""GET/POST /feedback_form: the mobile-first web form parents use to send feedback."""

from __future__ import annotations

from flask import Request, Response
from pydantic import ValidationError

from functions import logs, wiring
from functions.config import get_settings
from functions.domain.cases.submission import FeedbackSubmission
from functions.domain.shared.validation import field_errors
from functions.domain.shared.vocabulary import N_, Language, ReporterRole, Source
from functions.entrypoints import page
from functions.http import flood_limit
from functions.http.pages import NOINDEX, not_found_page, render_page
from functions.http.parent import form_tokens as tokens
from functions.http.parent.feedback_form_page import form_page
from functions.services.cases.status import case_for_token
from functions.services.errors import UnknownCentre
from functions.services.intake.submit_feedback import fingerprint, submit_feedback

NAME = "feedback_form"
HONEYPOT = "website"
# A whole-section error is shown beside the field a parent can fix ("reporter.contact" is the
# email-or-phone group).
_ERROR_FIELD = {
    "reporter": "reporter.contact",
    "child": "child.first_name",
    "consent": "consent.given",
}
_WHEN_EMPTY = {
    "centre_id": N_("Choose your child's centre"),
    "kind": N_("Choose what you would like to share"),
    "category": N_("Choose a topic"),
    "consent.given": N_("Tick the box to agree, so that we can accept your feedback"),
}
# The flood limit held this connection (functions/http/flood_limit.py).
_HELD = N_("Many messages came from your connection just now, so yours was not sent yet. "
           "Your answers are still here: please send them again in a minute.")  # fmt: skip


def _submission_data(values: dict) -> dict:
    """The form's flat, dotted fields as the nested submission the JSON API also takes."""

    def text(name: str) -> str:
        return values.get(name, "")

    def ticked(name: str) -> bool:
        return text(name) == "yes"

    return {
        "centre_id": text("centre_id"),
        "kind": text("kind") or None,
        "category": text("category") or None,
        "description": text("description"),
        "urgent": ticked("urgent"),
        "anonymous": ticked("anonymous"),
        "reporter": {
            "name": text("reporter.name"),
            "email": text("reporter.email"),
            "phone": text("reporter.phone"),
            "role": text("reporter.role") or ReporterRole.PARENT,
            "preferred_language": text("reporter.preferred_language") or Language.ENGLISH,
        },
        "consent": {"given": ticked("consent.given"), "version": text("consent.version")},
        "child": {
            "first_name": text("child.first_name"),
            "age_group": text("child.age_group") or None,
        },
    }


def _errors_by_field(error: ValidationError, values: dict) -> dict[str, str | tuple]:
    shown: dict[str, str | tuple] = {}
    for problem in field_errors(error):
        field = _ERROR_FIELD.get(problem.field, problem.field)
        message = _WHEN_EMPTY.get(field) if not values.get(field) else None
        # The template translates: a message, or (a message, its placeholders' values).
        given = (problem.message, problem.params) if problem.params else problem.message
        shown.setdefault(field, message or given)
    return shown


def _post(request: Request) -> Response:
    settings = get_settings()
    form = request.form
    values = {name: form.get(name, "") for name in form if name != "csrf_token"}
    if values.pop(HONEYPOT, ""):
        logs.honeypot_tripped()
        return render_page("thanks.html")
    try:
        nonce = tokens.check(form.get("csrf_token"), request.cookies.get(tokens.COOKIE_NAME),
                             wiring.signer(), settings.form_token_max_age_seconds)  # fmt: skip
    except tokens.FormTokenRejected as rejection:
        logs.form_token_rejected(str(rejection))
        notice = N_("Your form had expired, so nothing was sent yet. Please check your answers and "
                    "send again.")  # fmt: skip
        return form_page(request, 403, values, {}, notice)
    try:
        command = FeedbackSubmission.model_validate(_submission_data(values))
    except ValidationError as error:
        errors = _errors_by_field(error, values)
        logs.input_rejected(NAME, 422, errors)
        return form_page(request, 422, values, errors)
    # One form instance (nonce) with the same answers is one case: a double tap or a
    # refresh shows the first; going back and changing the answers sends a new one.
    key = f"{nonce}:{fingerprint(command)}"
    if (wait := flood_limit.held_for(request, NAME, Source.WEB_FORM, key)) is not None:
        response = form_page(request, 429, values, {}, _HELD)  # the answers are kept
        response.headers.update(flood_limit.retry_after(wait))
        return response
    try:
        receipt = submit_feedback(command, Source.WEB_FORM, wiring.dependencies(), key)
    except UnknownCentre:
        errors = {"centre_id": N_("That centre is not taking feedback here; choose another")}
        logs.input_rejected(NAME, 422, errors)
        return form_page(request, 422, values, errors)
    case = receipt.case
    logs.case_recorded(
        case.reference, Source.WEB_FORM, case.centre_id, case.urgent, receipt.created
    )
    # Answered with a redirect (303: the browser GETs it), so a refresh re-sends nothing.
    return Response(status=303, headers={"Location": f"{NAME}?received={receipt.status_token}"})


def _received(token: str) -> Response:
    """The page a parent lands on after sending: the reference and the private status link."""
    case = case_for_token(token, wiring.dependencies())  # its history is the status page's
    if case is None:
        return not_found_page()
    return render_page(
        "feedback_received.html",
        headers=NOINDEX,
        reference=case.reference,
        status_url=f"case_status?token={token}",
        centre_name=case.centre_name,
        kind=case.kind,
        urgent=case.urgent,
        respond_by=case.respond_by,
    )


# Field lengths are bounded by validation; the body limit refuses what no form fill could make.
@page(NAME, methods=("GET", "POST"), max_body=lambda: get_settings().max_body_bytes,
      unavailable=N_("We could not save or load the form just now. If you were sending "
                     "feedback, go back: your answers are still in the form. Send it again in "
                     "a minute: if it did reach us, you will see the same reference, not a "
                     "second one."))  # fmt: skip
def feedback_form(request: Request) -> Response:
    """GET shows the form; POST records the case and shows its reference and status link."""
    if request.method == "POST":
        return _post(request)
    if "received" in request.args:
        return _received(request.args["received"])
    # ?centre= (the QR code on a centre's printed charter) opens the form with it chosen.
    centre = request.args.get("centre")
    return form_page(request, 200, {"centre_id": centre} if centre else {}, {})
