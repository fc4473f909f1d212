"""schemathesis against the live JSON entry points: whatever it sends, valid by the document
or not, the answer is one the document lists, shaped as it says, and never a 5xx.

Google Form deliveries are signed as Apps Script signs them, so they reach the parser.
"""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from functions.config import LOCAL_INTAKE_SECRET
from functions.http.integrations.apps_script_signature import sign
from tests.functions.test_openapi_contract import check_answer
from tests.fuzzing import examples
from tests.unit.test_openapi_agreement import OPERATIONS

FUZZ = settings(
    max_examples=examples(120, 1000), deadline=None, suppress_health_check=list(HealthCheck)
)


def _cases(path: str):
    operation = OPERATIONS[path]["POST"]
    return st.one_of([operation.as_strategy(generation_mode=mode) for mode in GenerationMode])


def _raw(body) -> bytes:
    if isinstance(body, bytes):
        return body
    return json.dumps(body).encode("utf-8", "surrogatepass")


@pytest.mark.parametrize("path", ["/submit_feedback", "/intake_google_form"])
def test_every_answer_is_documented_and_none_is_a_server_error(client_for, path):
    client = client_for(path.strip("/"))

    @given(case=_cases(path))
    @FUZZ
    def run(case):
        raw = _raw(case.body)
        headers = {k: v for k, v in (case.headers or {}).items() if k.isascii()}
        if path == "/intake_google_form":
            headers["X-Signature"] = sign(raw, LOCAL_INTAKE_SECRET.encode(), int(time.time()))
        answer = client.post("/", data=raw, content_type="application/json", headers=headers)
        assert answer.status_code < 500, answer.get_data(as_text=True)
        check_answer(path, answer)

    run()
