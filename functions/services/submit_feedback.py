"""A parent's feedback from the web form or the JSON API becomes a case."""

from __future__ import annotations

import hashlib

from functions.domain.cases import open_case
from functions.domain.models import Child, Consent, Reporter
from functions.domain.submission import FeedbackSubmission
from functions.domain.vocabulary import Source
from functions.services.errors import UnknownCentre
from functions.services.intake import Clock, Receipt, idempotency_key, record_case
from functions.services.ports import CaseRepository, CentreDirectory


def submit_feedback(
    command: FeedbackSubmission,
    *,
    source: Source,
    directory: CentreDirectory,
    cases: CaseRepository,
    clock: Clock,
    secret: bytes,
    raw_idempotency_key: str | None = None,
) -> Receipt:
    """Open a case for the submission; the same idempotency key never opens a second one."""
    centre = directory.get_centre(command.centre_id)
    if centre is None or not centre.active:
        raise UnknownCentre(command.centre_id)
    now = clock()
    reporter = Reporter(**command.reporter.model_dump())
    consent = Consent(given=True, version=command.consent.version, recorded_at=now)
    child = Child(**command.child.model_dump()) if command.child else None

    def build(reference: str):
        return open_case(
            reference=reference,
            secret=secret,
            source=source,
            centre=centre,
            kind=command.kind,
            category=command.category,
            description=command.description,
            urgent=command.urgent,
            reporter=reporter,
            consent=consent,
            child=child,
            triage=None,
            now=now,
        )

    key = idempotency_key(source, raw_idempotency_key) if raw_idempotency_key else None
    fingerprint = hashlib.sha256(command.model_dump_json().encode()).hexdigest()
    return record_case(build, cases=cases, secret=secret, now=now, key=key, fingerprint=fingerprint)
