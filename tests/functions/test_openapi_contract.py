"""infra/openapi.yaml matches the JSON endpoints: same fields, and real answers fit it."""

import json
import time
from enum import Enum
from pathlib import Path
from types import UnionType
from typing import Union, get_args, get_origin

import pytest
import yaml
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from pydantic import BaseModel

from functions.config import LOCAL_INTAKE_SECRET
from functions.domain.cases.google_forms import FormAnswer, FormResponse
from functions.domain.cases.submission import FeedbackSubmission
from functions.domain.shared.consent import CONSENT_TEXTS
from functions.http.integrations.apps_script_signature import sign

SPEC = yaml.safe_load((Path(__file__).parents[2] / "infra/openapi.yaml").read_text())


def schema_validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(SPEC | {"$ref": f"#/components/schemas/{name}"})


def resolve(node: dict) -> dict:
    while "$ref" in node:
        node = SPEC["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    if "oneOf" in node:
        return resolve(next(o for o in node["oneOf"] if o.get("type") != "null"))
    return node


def inner_types(annotation) -> list:
    if get_origin(annotation) in (Union, UnionType):
        return [t for arg in get_args(annotation) for t in inner_types(arg)]
    if get_origin(annotation) is list:
        return inner_types(get_args(annotation)[0])
    if hasattr(annotation, "__metadata__"):
        return inner_types(get_args(annotation)[0])
    return [annotation]


def assert_same_shape(model: type[BaseModel], schema: dict, path: str):
    schema = resolve(schema)
    assert set(schema["properties"]) == set(model.model_fields), path
    required = {name for name, field in model.model_fields.items() if field.is_required()}
    assert set(schema.get("required", [])) == required, path
    for name, field in model.model_fields.items():
        prop = resolve(schema["properties"][name])
        for kind in inner_types(field.annotation):
            if isinstance(kind, type) and issubclass(kind, BaseModel):
                assert_same_shape(kind, prop.get("items", prop), f"{path}.{name}")
            elif isinstance(kind, type) and issubclass(kind, Enum):
                assert {v for v in prop["enum"] if v is not None} == {m.value for m in kind}, name


def test_the_document_is_valid_openapi():
    validate(SPEC)


def test_documented_request_bodies_have_exactly_the_models_fields():
    assert_same_shape(FeedbackSubmission, {"$ref": "#/components/schemas/FeedbackSubmission"}, "")
    assert_same_shape(FormResponse, {"$ref": "#/components/schemas/FormResponse"}, "")
    answer = SPEC["components"]["schemas"]["FormResponse"]["properties"]["answers"]["items"]
    assert set(answer["properties"]) == set(FormAnswer.model_fields)
    consent = SPEC["components"]["schemas"]["Consent"]["properties"]["version"]
    assert consent["enum"] == list(CONSENT_TEXTS)


def documented_statuses(path: str) -> set[int]:
    return {int(code) for code in SPEC["paths"][path]["post"]["responses"]}


def check_answer(path: str, answer):
    assert answer.status_code in documented_statuses(path), answer.status_code
    spec_answer = SPEC["paths"][path]["post"]["responses"][str(answer.status_code)]
    if "$ref" in spec_answer:
        spec_answer = SPEC["components"]["responses"][spec_answer["$ref"].rsplit("/", 1)[1]]
    ref = spec_answer["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    schema_validator(ref).validate(answer.get_json())


@pytest.mark.parametrize(
    "example",
    SPEC["paths"]["/submit_feedback"]["post"]["requestBody"]["content"]["application/json"][
        "examples"
    ].values(),
)
def test_submit_feedback_examples_are_accepted_and_answers_fit_the_document(client_for, example):
    schema_validator("FeedbackSubmission").validate(example["value"])
    api = client_for("submit_feedback")
    created = api.post("/", json=example["value"], headers={"Idempotency-Key": "doc-example"})
    assert created.status_code == 201
    check_answer("/submit_feedback", created)
    check_answer(
        "/submit_feedback",
        api.post("/", json=example["value"], headers={"Idempotency-Key": "doc-example"}),
    )
    for bad in (
        api.post("/", json=example["value"] | {"kind": "x"}),
        api.post("/", data="{", content_type="application/json"),
        api.post("/", data="x", content_type="text/plain"),
        api.post("/", json=example["value"] | {"description": "x" * 70_000}),
        api.post(
            "/",
            json=example["value"] | {"description": "other"},
            headers={"Idempotency-Key": "doc-example"},
        ),
    ):
        check_answer("/submit_feedback", bad)


def test_intake_google_form_example_is_accepted_and_answers_fit_the_document(client_for):
    content = SPEC["paths"]["/intake_google_form"]["post"]["requestBody"]["content"]
    example = content["application/json"]["examples"]["default_form"]["value"]
    schema_validator("FormResponse").validate(example)
    intake = client_for("intake_google_form")

    def post(body: dict, secret=LOCAL_INTAKE_SECRET):
        raw = json.dumps(body).encode()
        header = sign(raw, secret.encode(), int(time.time()))
        return intake.post(
            "/", data=raw, content_type="application/json", headers={"X-Signature": header}
        )

    for answer in (
        post(example),
        post(example),
        post(example, secret="nope"),
        post(example | {"form_id": "unknown"}),
        post({"answers": 1}),
    ):
        check_answer("/intake_google_form", answer)
