"""A Google Form response becomes a case, once, however often Apps Script delivers it."""

from __future__ import annotations

from functions.domain.cases.google_forms import FormResponse, interpret
from functions.domain.cases.models import Consent, Triage
from functions.domain.cases.notifications import new_case_messages
from functions.domain.cases.opening import open_case
from functions.domain.shared.vocabulary import Source
from functions.services.errors import UnknownForm
from functions.services.intake.recording import (
    Receipt,
    idempotency_key,
    record_case,
    regions_to_alert,
)
from functions.services.ports import Dependencies


def intake_google_form(response: FormResponse, deps: Dependencies) -> Receipt:
    """Record the response as a case keyed on (form_id, response_id); never drop it for content."""
    mapping = deps.form_mappings.get(response.form_id)
    if mapping is None:
        raise UnknownForm(response.form_id)
    reading = interpret(response, mapping, deps.directory.list_centres())
    region_id = reading.centre.region_id if reading.centre else mapping.region_id
    region, all_regions = regions_to_alert(deps.directory, region_id)
    now = deps.clock()
    policy = deps.service_levels.current()
    consent = Consent(given=reading.consent_given, version=mapping.consent_version, recorded_at=now)
    triage = Triage(reasons=reading.reasons, given=reading.given) if reading.reasons else None

    def build(reference: str):
        case, event = open_case(
            reference=reference, source=Source.GOOGLE_FORM, centre=reading.centre,
            centre_name_given=reading.given.get("centre") or None, region_id=mapping.region_id,
            kind=reading.kind, category=reading.category, description=reading.description,
            urgent=reading.urgent, reporter=reading.reporter, consent=consent,
            child=reading.child, triage=triage, policy=policy, now=now,
        )  # fmt: skip
        messages = new_case_messages(case, reading.centre, region, all_regions,
                                     deps.network_name, now)  # fmt: skip
        return case, event, messages

    key = idempotency_key(f"google_form:{response.form_id}", response.response_id)
    return record_case(build, deps, now, key=key)
