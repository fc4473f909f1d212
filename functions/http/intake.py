"""Every intake path records its case through the same real adapters."""

from __future__ import annotations

from typing import TYPE_CHECKING

from functions import wiring
from functions.config import get_settings
from functions.domain.cases.submission import FeedbackSubmission
from functions.domain.shared.vocabulary import Source
from functions.services.intake import submit_feedback as service
from functions.services.intake.recording import Receipt

if TYPE_CHECKING:
    from functions.domain.cases.google_forms import FormResponse


def record_submission(command: FeedbackSubmission, source: Source, raw_key: str | None) -> Receipt:
    """Open the case (and queue its mail); raises what service.submit_feedback raises."""
    settings = get_settings()
    return service.submit_feedback(
        command,
        source=source,
        directory=wiring.centre_directory(),
        cases=wiring.case_repository(),
        queue=wiring.delivery_queue(),
        network_name=settings.network_name,
        clock=wiring.utc_now,
        secret=settings.signing_secret.get_secret_value().encode(),
        raw_idempotency_key=raw_key,
    )


def record_form_response(response: FormResponse) -> Receipt:
    """Open the case for a Google Form response (once); raises UnknownForm without a mapping."""
    # Imported here: the other intake paths never load the Google Forms models.
    from functions.services.intake.google_form import intake_google_form

    settings = get_settings()
    return intake_google_form(
        response,
        mappings=wiring.form_mappings(),
        directory=wiring.centre_directory(),
        cases=wiring.case_repository(),
        queue=wiring.delivery_queue(),
        network_name=settings.network_name,
        clock=wiring.utc_now,
        secret=settings.signing_secret.get_secret_value().encode(),
    )
