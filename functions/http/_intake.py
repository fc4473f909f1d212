"""The web form and the JSON API record a submission the same way, with the real adapters."""

from __future__ import annotations

from functions import wiring
from functions.config import get_settings
from functions.domain.submission import FeedbackSubmission
from functions.domain.vocabulary import Source
from functions.services import submit_feedback as service
from functions.services.intake import Receipt


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
