"""When Firestore cannot be reached, callers are told to retry (503 + Retry-After), never 500."""

import re
import time

import pytest

from functions import wiring
from functions.config import LOCAL_INTAKE_SECRET
from functions.devtools.emulators import free_port
from functions.domain.shared.signing import Purpose
from functions.http.integrations.apps_script_signature import sign
from tests.builders import submission

SUBMISSION = submission()


def firestore_goes_away(monkeypatch):
    """Point the functions at an address where nothing listens, with a short deadline."""
    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", f"127.0.0.1:{free_port()}")
    monkeypatch.setenv("FIRESTORE_TIMEOUT_SECONDS", "1")
    wiring.reset()


@pytest.fixture
def outage(project, monkeypatch):
    firestore_goes_away(monkeypatch)


def test_the_json_api_answers_503_with_retry_after(client_for, outage):
    answer = client_for("submit_feedback").post("/", json=SUBMISSION)
    assert answer.status_code == 503 and int(answer.headers["Retry-After"]) > 0
    assert answer.get_json()["errors"][0]["message"]


def test_google_form_deliveries_answer_503_so_the_script_retries(client_for, outage):
    body = b'{"form_id": "demo-feedback-form", "response_id": "r", "answers": []}'
    answer = client_for("intake_google_form").post(
        "/",
        data=body,
        content_type="application/json",
        headers={"X-Signature": sign(body, LOCAL_INTAKE_SECRET.encode(), int(time.time()))},
    )
    assert answer.status_code == 503 and "Retry-After" in answer.headers


def test_the_web_form_asks_the_parent_to_try_again(client_for, monkeypatch):
    form = client_for("feedback_form")
    page = form.get("/").get_data(as_text=True)
    firestore_goes_away(monkeypatch)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    answer = form.post(
        "/",
        data={
            "csrf_token": token,
            "centre_id": "sunflower-soweto",
            "kind": "question",
            "category": "other",
            "description": "Open on 16 December?",
            "reporter.phone": "0821234567",
            "consent.given": "yes",
            "consent.version": "2026-11",
        },
    )
    assert answer.status_code == 503 and "Retry-After" in answer.headers
    assert "you will see the same reference, not a second one" in answer.get_data(as_text=True)
    assert form.get("/").status_code == 503


def test_the_status_page_asks_to_refresh(client_for, outage):
    token = wiring.signer().sign(Purpose.CASE_STATUS, "FB-7K3M-Q9P")  # a link we did sign
    answer = client_for("case_status").get(f"/?token={token}")
    assert answer.status_code == 503 and "Retry-After" in answer.headers


@pytest.mark.parametrize("target", ["feedback_form", "case_status", "unsubscribe"])
def test_every_parent_pages_outage_message_is_in_the_parents_language(client_for, outage, target):
    from functions.domain.mail.suppression import unsubscribe_token

    token = {"feedback_form": "", "case_status": wiring.signer().sign(Purpose.CASE_STATUS,
             "FB-7K3M-Q9P"), "unsubscribe": unsubscribe_token("p@example.org",
             wiring.signer())}[target]  # fmt: skip
    client = client_for(target)
    answer = (client.post(f"/?token={token}&lang=af", data={"List-Unsubscribe": "One-Click"})
              if target == "unsubscribe" else client.get(f"/?token={token}&lang=af"))  # fmt: skip
    html = answer.get_data(as_text=True)
    assert answer.status_code == 503 and '<html lang="af">' in html
    message = re.search(r"<main.*?</main>", html, re.S)[0]
    english = [line for line in (
        "We could not save or load the form just now", "We could not save that just now",
        "Please wait a minute") if line in message]  # fmt: skip
    assert english == []


def test_a_delivery_task_is_retried_when_the_outbox_cannot_be_read(client_for, outage):
    answer = client_for("deliver_email").post("/", json={"messages": [{"message_id": "abc"}]})
    assert answer.status_code == 503 and "Retry-After" in answer.headers
