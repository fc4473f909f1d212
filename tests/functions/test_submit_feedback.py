"""POST /submit_feedback through the deployed function, over the Firestore emulator."""

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from functions import wiring

VALID = {
    "centre_id": "sunflower-soweto",
    "kind": "complaint",
    "category": "child_wellbeing_and_safety",
    "description": "My child came home with a bruise and nobody told me.",
    "urgent": True,
    "anonymous": False,
    "reporter": {
        "name": "Thandi Mokoena",
        "email": "Thandi@Example.org",
        "phone": "082 123 4567",
        "role": "parent",
        "preferred_language": "zu",
    },
    "consent": {"given": True, "version": "2026-11"},
    "child": {"first_name": "Sipho", "age_group": "toddler"},
}


@pytest.fixture
def api(client_for):
    return client_for("submit_feedback")


def stored(reference):
    return wiring.case_reader().get(reference)


def test_a_valid_submission_creates_one_case_and_returns_its_reference(api):
    answer = api.post("/", json=VALID)
    assert answer.status_code == 201
    body = answer.get_json()
    assert set(body) == {"reference", "status_url"}
    assert body["status_url"].startswith("http://127.0.0.1:8080/case_status?token=")
    case = stored(body["reference"])
    assert case.centre_name == "Sunflower Educare, Soweto" and case.region_id == "gauteng"
    assert case.reporter.phone == "+27821234567" and case.reporter.email == "Thandi@example.org"
    assert case.reporter.preferred_language == "zu"
    assert case.consent.given and case.consent.version == "2026-11"
    assert case.child.first_name == "Sipho" and case.urgent and case.source == "api"
    assert case.status == "received" and case.respond_by > case.created_at


def test_the_status_link_returned_opens_the_case(api, client_for):
    body = api.post("/", json=VALID).get_json()
    token = body["status_url"].split("token=", 1)[1]
    page = client_for("case_status").get(f"/?token={token}")
    assert page.status_code == 200 and body["reference"] in page.get_data(as_text=True)


def test_invalid_input_gets_422_with_every_field_error(api):
    bad = VALID | {
        "kind": "rant",
        "reporter": {"email": "nope"},
        "consent": {"given": False, "version": "2026-11"},
    }
    answer = api.post("/", json=bad)
    assert answer.status_code == 422
    fields = {e["field"] for e in answer.get_json()["errors"]}
    assert fields == {"kind", "reporter.email", "consent.given"}


def test_an_unknown_centre_is_a_422_on_centre_id(api):
    answer = api.post("/", json=VALID | {"centre_id": "nowhere"})
    assert answer.status_code == 422
    assert answer.get_json()["errors"] == [{"field": "centre_id", "message": "Unknown centre"}]
    assert api.post("/", json=VALID | {"centre_id": "a/b"}).status_code == 422


def test_reachable_unless_anonymous(api):
    unreachable = VALID | {"reporter": {"name": "Thandi"}}
    assert api.post("/", json=unreachable).status_code == 422
    anonymous = api.post("/", json=unreachable | {"anonymous": True})
    assert anonymous.status_code == 201
    case = stored(anonymous.get_json()["reference"])
    assert case.anonymous and case.reporter.name is None and case.reporter.email is None


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"data": json.dumps(VALID), "content_type": "text/plain"}, 415),
        ({"data": "name=x", "content_type": "application/x-www-form-urlencoded"}, 415),
        ({"data": "{not json", "content_type": "application/json"}, 400),
        ({"data": "[" * 60_000, "content_type": "application/json"}, 400),
        ({"data": b"\xff\xfe", "content_type": "application/json"}, 400),
        ({"json": [1, 2]}, 422),
        ({"data": "null", "content_type": "application/json"}, 422),
        ({}, 415),
    ],
)
def test_the_wrong_kind_of_body_gets_a_clear_answer(api, kwargs, status):
    answer = api.post("/", **kwargs)
    assert answer.status_code == status
    assert answer.get_json()["errors"][0]["message"]


def test_a_body_over_64_kib_is_refused_with_413(api):
    huge = VALID | {"description": "x" * (64 * 1024)}
    assert api.post("/", json=huge).status_code == 413


def test_only_post_is_allowed(api):
    answer = api.get("/")
    # OPTIONS answers browsers' CORS preflight.
    assert answer.status_code == 405 and answer.headers["Allow"] == "OPTIONS, POST"


def test_an_idempotency_key_makes_retries_safe_even_when_concurrent(api, client_for):
    headers = {"Idempotency-Key": "retry-me-123"}

    def send(_):
        return client_for("submit_feedback").post("/", json=VALID, headers=headers)

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(send, range(6)))
    assert sorted(a.status_code for a in answers) == [200] * 5 + [201]
    assert len({a.get_json()["reference"] for a in answers}) == 1
    assert len({a.get_json()["status_url"] for a in answers}) == 1


def test_an_idempotency_key_reused_for_different_content_is_a_409(api):
    headers = {"Idempotency-Key": "key-1"}
    assert api.post("/", json=VALID, headers=headers).status_code == 201
    other = VALID | {"description": "A different story"}
    assert api.post("/", json=other, headers=headers).status_code == 409


def test_browsers_on_allowed_origins_get_cors_headers(api, monkeypatch):
    monkeypatch.setenv("ALLOWED_ORIGINS", '["https://forms.ecd.example.org"]')
    wiring.reset()
    preflight = api.options("/", headers={"Origin": "https://forms.ecd.example.org"})
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://forms.ecd.example.org"
    stranger = api.post("/", json=VALID, headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in stranger.headers
