"""A Google Form response does what its form's mapping is for (its `purpose`): a feedback
form's becomes a case, once, however often Apps Script delivers it; a registration form's
registers its person for a forum (services/forums/google_form_registration.py).

HANDLERS is the one list of purposes: each names, as "module:function", a handler
`(response, mapping, deps) -> FormOutcome` that may raise AnswersRefused (a 422 naming the
fields). Modules are imported on first use, so a purpose costs the other paths nothing.
Adding a purpose is one line here (and its name in FormMapping.purpose).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import NamedTuple

from functions import logs
from functions.domain.cases.google_forms import FormMapping, FormResponse, interpret
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


class FormOutcome(NamedTuple):
    """What a handler answers the script: 201 when `created`, else 200, with this body."""

    created: bool
    body: dict


Handler = Callable[[FormResponse, FormMapping, Dependencies], FormOutcome]

# purpose -> its handler, "module:function" (see the module docstring).
HANDLERS: dict[str, str] = {
    "case": f"{__name__}:case_response",
    "forum_registration": "functions.services.forums.google_form_registration:register_response",
    "forum_survey": "functions.services.forums.survey_google_form:survey_response",
}


def take_response(response: FormResponse, deps: Dependencies) -> FormOutcome:
    """Hand the response to its form's purpose's handler. Raises UnknownForm when the form
    has no mapping, or no handler serves its purpose yet (the script keeps it and retries)."""
    mapping = deps.form_mappings.get(response.form_id)
    if mapping is None or mapping.purpose not in HANDLERS:
        raise UnknownForm(response.form_id)
    module, _, function = HANDLERS[mapping.purpose].partition(":")
    handler: Handler = getattr(importlib.import_module(module), function)
    return handler(response, mapping, deps)


def case_response(response: FormResponse, mapping: FormMapping,
                  deps: Dependencies) -> FormOutcome:  # fmt: skip
    """A feedback form's response: its case's reference (201 the first time)."""
    receipt = intake_google_form(response, deps, mapping)
    case = receipt.case
    triage = case.triage.reasons if case.triage else ()
    logs.case_recorded(
        case.reference, case.source, case.centre_id, case.urgent, receipt.created, triage
    )
    return FormOutcome(receipt.created, {"reference": case.reference})


def intake_google_form(response: FormResponse, deps: Dependencies,
                       mapping: FormMapping | None = None) -> Receipt:  # fmt: skip
    """Record the response as a case keyed on (form_id, response_id); never drop it for content."""
    mapping = mapping or deps.form_mappings.get(response.form_id)
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
