"""A parent's feedback from the web form or the JSON API becomes a case."""

from __future__ import annotations

import hashlib

from functions.domain.cases.models import Child, Consent, Reporter
from functions.domain.cases.notifications import new_case_messages
from functions.domain.cases.opening import open_case
from functions.domain.cases.submission import FeedbackSubmission
from functions.domain.shared.vocabulary import Source
from functions.services.errors import UnknownCentre
from functions.services.intake.recording import (
    Receipt,
    idempotency_key,
    record_case,
    regions_to_alert,
)
from functions.services.ports import Dependencies


def submit_feedback(command: FeedbackSubmission, source: Source, deps: Dependencies,
                    raw_idempotency_key: str | None = None) -> Receipt:  # fmt: skip
    """Open a case for the submission and send its mail; the same idempotency key never
    opens a second one."""
    centre = deps.directory.get_centre(command.centre_id)
    if centre is None or not centre.active:
        raise UnknownCentre(command.centre_id)
    region, all_regions = regions_to_alert(deps.directory, centre.region_id)
    now = deps.clock()
    policy = deps.service_levels.current()
    reporter = Reporter(**command.reporter.model_dump())
    consent = Consent(given=True, version=command.consent.version, recorded_at=now)
    child = Child(**command.child.model_dump()) if command.child else None

    def build(reference: str):
        case, event = open_case(
            reference=reference, source=source, centre=centre, kind=command.kind,
            category=command.category, description=command.description, urgent=command.urgent,
            reporter=reporter, consent=consent, child=child, triage=None, policy=policy, now=now,
        )  # fmt: skip
        messages = new_case_messages(case, centre, region, all_regions, deps.network_name, now)
        return case, event, messages

    key = idempotency_key(source, raw_idempotency_key) if raw_idempotency_key else None
    return record_case(build, deps, now, key=key, fingerprint=fingerprint(command))


def fingerprint(command: FeedbackSubmission) -> str:
    """What makes two submissions the same submission."""
    return hashlib.sha256(command.model_dump_json().encode()).hexdigest()
