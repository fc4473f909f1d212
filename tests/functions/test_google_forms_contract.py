"""The Python side accepts exactly what infra/google_forms/Code.gs sends.

The real Code.gs runs under Node (tests/node/capture_request.js, with stand-ins for the Apps
Script services); its request is replayed byte for byte into intake_google_form.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from functions import wiring
from functions.config import LOCAL_INTAKE_SECRET

ROOT = Path(__file__).parents[2]
pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")


def captured_request(response: dict) -> dict:
    done = subprocess.run(
        ["node", "tests/node/capture_request.js"],
        input=json.dumps(response),
        text=True,
        capture_output=True,
        cwd=ROOT,
        check=True,
        env={"INTAKE_SECRET": LOCAL_INTAKE_SECRET, "PATH": os.environ["PATH"]},
    )
    return json.loads(done.stdout)


def form_response(response_id: str, **items) -> dict:
    return {
        "form_id_property": "demo-feedback-form",
        "form_id": "1FAIpQLSd-real-google-form-id",
        "response_id": response_id,
        "timestamp": "2026-11-23T07:45:00Z",
        "respondent_email": None,
        "items": [
            {"title": "Centre", "type": "LIST", "response": "Ubuntu Creche, Umlazi"},
            {"title": "Type of feedback", "type": "MULTIPLE_CHOICE", "response": "Complaint"},
            {"title": "Topic", "type": "LIST", "response": "Child wellbeing and safety"},
            {
                "title": "Your message",
                "type": "PARAGRAPH_TEXT",
                "response": "Ngicela ukukhuluma nothisha — my son's café lunch ✓ was cold",
            },
            {
                "title": "Is a child at risk, or is this urgent?",
                "type": "MULTIPLE_CHOICE",
                "response": "Yes",
            },
            {"title": "Your name", "type": "TEXT", "response": "Nomvula Dlamini"},
            {"title": "Email address", "type": "TEXT", "response": "nomvula@example.org"},
            {"title": "Phone number", "type": "TEXT", "response": "072 555 0199"},
            {"title": "Consent", "type": "CHECKBOX", "response": ["I agree"]},
            {
                "title": "How did we do?",
                "type": "GRID",
                "rows": ["Safety", "Food"],
                "response": ["Good", "Poor"],
            },
        ],
    } | items


def replay(client, request: dict):
    return client.post(
        "/",
        data=request["body"].encode("utf-8"),
        headers=request["headers"],
    )


def test_what_the_script_sends_is_accepted_once_and_mapped(client_for):
    request = captured_request(form_response("2_ABaOnud-contract"))
    assert request["url"].endswith("/intake_google_form")
    intake = client_for("intake_google_form")
    first = replay(intake, request)
    assert first.status_code == 201, first.get_data(as_text=True)
    case = wiring.case_reader().get(first.get_json()["reference"])
    assert case.centre_id == "ubuntu-umlazi" and case.kind == "complaint" and case.urgent
    assert case.category == "child_wellbeing_and_safety"
    assert case.description.endswith("café lunch ✓ was cold")
    assert case.reporter.phone == "+27725550199" and case.triage is None
    again = replay(intake, captured_request(form_response("2_ABaOnud-contract")))
    assert again.status_code == 200
    assert again.get_json() == first.get_json()


def test_a_tampered_script_request_is_refused(client_for):
    request = captured_request(form_response("2_ABaOnud-tampered"))
    request["body"] = request["body"].replace("Complaint", "Compliment")
    assert replay(client_for("intake_google_form"), request).status_code == 401
