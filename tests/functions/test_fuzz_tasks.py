"""schemathesis against every Cloud Tasks handler, from its own payload model: payloads valid
by the model (ids, dates and batches naming nothing there, or at any time) and payloads that
break it, each sent with the tasks' account's ID token as Cloud Tasks sends it. A 5xx makes
Cloud Tasks retry the task for days, so whatever arrives is settled (2xx) or refused (4xx).

(The handlers' payloads are internal, so they are not in infra/openapi.yaml; the document
here is built from the models themselves.)
"""

from __future__ import annotations

import json
from importlib import import_module

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from tests import oidc
from tests.fuzzing import examples

TASKS = sorted(name for name, account in oidc.INVOKERS.items() if account == oidc.TASKS_ACCOUNT)
FUZZ = settings(max_examples=examples(15, 300), deadline=None,
                suppress_health_check=list(HealthCheck))  # fmt: skip


def _payload_model(name: str):
    module = import_module(f"functions.tasks.{name}")
    handler = getattr(module, name)
    model = handler.__wrapped__.__annotations__
    found = [v for k, v in model.items() if k != "request" and k != "return"]
    payload = getattr(module, found[0]) if isinstance(found[0], str) else found[0]
    return payload


def _document() -> dict:
    schemas, paths = {}, {}
    for name in TASKS:
        schema = _payload_model(name).model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        paths[f"/{name}"] = {"post": {
            "requestBody": {"required": True,
                            "content": {"application/json": {"schema": schema}}},
            "responses": {"200": {"description": "settled"}},
        }}  # fmt: skip
    return {"openapi": "3.1.0", "info": {"title": "tasks", "version": "1"}, "paths": paths,
            "components": {"schemas": schemas}}  # fmt: skip


def test_every_task_handler_is_described():
    assert set(TASKS) >= {"deliver_email", "send_nudge", "send_digest", "send_charter"}
    assert set(_document()["paths"]) == {f"/{name}" for name in TASKS}


@pytest.mark.parametrize("name", TASKS)
def test_no_task_payload_answers_a_server_error(client_for, tasks, name):
    operation = schemathesis.openapi.from_dict(_document())[f"/{name}"]["POST"]
    cases = st.one_of([operation.as_strategy(generation_mode=m) for m in GenerationMode])
    client = client_for(name)

    @given(case=cases)
    @FUZZ
    def run(case):
        body = case.body
        raw = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8", "replace")
        answer = client.post("/", data=raw, content_type="application/json")
        assert answer.status_code < 500, (raw[:300], answer.get_data(as_text=True)[:500])

    run()
