"""infra/openapi.yaml and the request models give the same verdict on any body.

schemathesis generates bodies from the document, valid ones and ones that break a rule; the
document's validator and the code then judge each. schemathesis once found three places where
they differed (a response_id of "\\u000b", a child's first name with digits, a blank email).
The only rules left to prose are the ones a schema cannot hold: which text is a real email
address or phone number, so the code may refuse those fields where the document accepts.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import schemathesis
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from pydantic import ValidationError
from schemathesis import GenerationMode

from functions.domain.cases.google_forms import FormResponse
from functions.domain.cases.submission import FeedbackSubmission

DOCUMENT = Path(__file__).parents[2] / "infra/openapi.yaml"
SPEC = yaml.safe_load(DOCUMENT.read_text())
OPERATIONS = schemathesis.openapi.from_path(str(DOCUMENT))
PROSE_RULES = {"reporter.email", "reporter.phone"}
VALID = {
    "centre_id": "sunflower-soweto", "kind": "complaint", "category": "facilities",
    "description": "The gate latch is broken", "reporter": {"phone": "082 123 4567"},
    "consent": {"given": True, "version": "2026-11"},
}  # fmt: skip


def _bodies(path: str):
    operation = OPERATIONS[path]["POST"]
    modes = [operation.as_strategy(generation_mode=mode) for mode in GenerationMode]
    return st.one_of(modes).map(lambda case: case.body)


def _document_accepts(schema_name: str, body) -> bool:
    schema = {**SPEC["components"]["schemas"][schema_name], "components": SPEC["components"]}
    return Draft202012Validator(schema).is_valid(body)


def _code_refuses(model, body) -> set[str]:
    """The fields the code refuses in this body (empty: it accepts the body)."""
    try:
        model.model_validate(body)
    except ValidationError as error:
        return {".".join(str(p) for p in e["loc"]) or "body" for e in error.errors()}
    return set()


AGREEMENT = settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))


@given(_bodies("/submit_feedback"))
@AGREEMENT
@example(VALID | {"reporter": {"email": "", "phone": "082 123 4567"}}).via("a blank email")
@example(VALID | {"child": {"first_name": "Zo9"}}).via("digits in a first name")
@example(VALID | {"child": {"first_name": " Zo  Lee "}})
@example(VALID | {"consent": {"given": True, "version": " 2026-11"}})
@example(VALID | {"description": " \x00\t "}).via("nothing but space and controls")
@example(VALID | {"urgent": "yes"}).via("a boolean as text")
@example(VALID | {"anonymous": 1, "reporter": {}})
@example(VALID | {"consent": {"given": "true", "version": "2026-11"}})
def test_the_document_and_the_code_judge_every_submission_alike(body):
    refused = _code_refuses(FeedbackSubmission, body)
    if _document_accepts("FeedbackSubmission", body):
        assert refused <= PROSE_RULES, refused
    else:
        assert refused, "the code accepts what the document refuses"


FORM = {"form_id": "f", "response_id": "r", "answers": []}
_RFC3339 = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})",
    re.ASCII,
)


def _is_rfc3339(value) -> bool:
    """What `format: date-time` means (the validator here does not check formats)."""
    if not (isinstance(value, str) and _RFC3339.fullmatch(value)):
        return False
    try:  # datetime has no leap second; a :60 is as valid as the :59 before it
        datetime.fromisoformat(value.upper().replace("Z", "+00:00").replace(":60", ":59"))
    except ValueError:
        return False
    return True


@given(_bodies("/intake_google_form"))
@AGREEMENT
@example({"form_id": "f", "response_id": "\u000b", "answers": []}).via("a vertical tab id")
@example(FORM | {"submitted_at": "2024-01-01T12:59:00Z"})
@example(FORM | {"submitted_at": "2016-12-31T23:59:60Z"}).via("a leap second")
@example(FORM | {"submitted_at": "2024-01-01T12:99:00Z"})
@example(FORM | {"submitted_at": "2024-01-01"})
@example(FORM | {"submitted_at": 1_700_000_000})
def test_the_document_and_the_code_judge_every_form_response_alike(body):
    refused = _code_refuses(FormResponse, body)
    if not _document_accepts("FormResponse", body):
        assert refused, "the code accepts what the document refuses"
    elif refused:  # only a submitted_at that is no date-time, as the document's format says
        assert refused == {"submitted_at"} and not _is_rfc3339(body["submitted_at"])
