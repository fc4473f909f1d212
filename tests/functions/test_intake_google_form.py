"""POST /intake_google_form: signed deliveries from the Apps Script, over the emulator."""

import json
import threading
import time

import pytest

from functions import wiring
from functions.config import LOCAL_INTAKE_SECRET
from functions.domain.cases.models import CASE_DESCRIPTION_MAX
from functions.http.integrations.apps_script_signature import sign
from tests.builders import ANSWERS, delivery, post


@pytest.fixture
def intake(client_for):
    return client_for("intake_google_form")


def cases_count(project):
    client = wiring.firestore_client()
    return sum(1 for _ in client.collection("cases").stream())


def test_first_delivery_creates_a_case_and_redelivery_returns_the_same_reference(intake, project):
    first = post(intake, delivery())
    assert first.status_code == 201
    reference = first.get_json()["reference"]
    case = wiring.case_reader().get(reference)
    assert case.centre_id == "fynbos-khayelitsha" and case.kind == "compliment"
    assert case.category == "learning_programme" and case.source == "google_form"
    assert case.reporter.email == "ayesha@example.org" and case.triage is None
    assert case.consent.version == "2026-11"
    again = post(intake, delivery())
    assert again.status_code == 200 and again.get_json() == {"reference": reference}
    assert cases_count(project) == 1


def test_concurrent_redeliveries_still_make_one_case(intake, client_for, project):
    body = delivery("resp-concurrent")
    answers, barrier = [], threading.Barrier(8)

    def deliver():
        barrier.wait()
        answers.append(post(client_for("intake_google_form"), body))

    threads = [threading.Thread(target=deliver) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(a.status_code for a in answers) == [200] * 7 + [201]
    assert len({a.get_json()["reference"] for a in answers}) == 1
    assert cases_count(project) == 1


@pytest.mark.parametrize(
    "signing",
    [
        {"header": ""},
        {"header": "t=1,v1=deadbeef"},
        {"secret": "wrong-secret"},
        {"offset": -310},
        {"offset": 310},
    ],
    ids=["missing", "malformed", "wrong-secret", "too-old", "from-the-future"],
)
def test_unsigned_or_badly_signed_deliveries_get_401_and_store_nothing(intake, project, signing):
    answer = post(intake, delivery(), **signing)
    assert answer.status_code == 401
    assert cases_count(project) == 0


def test_a_signature_over_a_different_body_is_refused(intake, project):
    header = sign(delivery("other"), LOCAL_INTAKE_SECRET.encode(), int(time.time()))
    assert post(intake, delivery(), header=header).status_code == 401


def test_a_form_without_a_mapping_gets_404(intake, project):
    answer = post(intake, delivery(form_id="someone-elses-form"))
    assert answer.status_code == 404
    assert answer.get_json()["errors"][0]["field"] == "form_id"


@pytest.mark.parametrize(
    "body",
    [
        json.dumps({"form_id": "demo-feedback-form", "answers": []}).encode(),
        json.dumps({"form_id": "demo-feedback-form", "response_id": "r", "answers": "x"}).encode(),
        json.dumps(["not", "an", "object"]).encode(),
    ],
    ids=["no-response-id", "answers-not-a-list", "not-an-object"],
)
def test_structurally_invalid_bodies_get_422(intake, project, body):
    answer = post(intake, body)
    assert answer.status_code == 422
    assert cases_count(project) == 0


@pytest.mark.parametrize("body", [b"{broken", b"[" * 60_000], ids=["not-json", "too-deep"])
def test_a_body_that_is_not_json_gets_400(intake, project, body):
    answer = post(intake, body)
    assert answer.status_code == 400
    assert cases_count(project) == 0


def test_unmatched_centre_and_topic_are_kept_and_flagged_for_triage(intake):
    answers = [dict(a) for a in ANSWERS]
    answers[0]["answer"] = "Rainbow Kids Creche"
    answers[2]["answer"] = "Transport"
    answer = post(intake, delivery("resp-triage", answers))
    assert answer.status_code == 201
    case = wiring.case_reader().get(answer.get_json()["reference"])
    assert case.centre_id is None and case.centre_name == "Rainbow Kids Creche"
    assert case.category == "other"
    assert case.triage.reasons == ["unknown_centre", "unknown_topic"]
    assert case.triage.given == {"centre": "Rainbow Kids Creche", "topic": "Transport"}


def test_choices_match_names_and_labels_case_insensitively(intake):
    answers = [dict(a) for a in ANSWERS]
    answers[0]["answer"] = "FYNBOS EARLY LEARNING, KHAYELITSHA"
    answers[1]["answer"] = "complaint"
    answers[2]["answer"] = "HEALTH AND NUTRITION"
    answers[4]["answer"] = "Yes"
    answer = post(intake, delivery("resp-case", answers))
    case = wiring.case_reader().get(answer.get_json()["reference"])
    assert (case.centre_id, case.kind, case.category) == (
        "fynbos-khayelitsha",
        "complaint",
        "health_and_nutrition",
    )
    assert case.urgent and case.triage is None


def test_a_very_long_answer_is_kept_up_to_the_limit_and_flagged(intake):
    story = "We waited three hours at the gate. " * 3000  # ~100 KB, over the JSON API's limit
    answers = [dict(a) for a in ANSWERS]
    answers[3]["answer"] = story
    answer = post(intake, delivery("resp-long", answers))
    assert answer.status_code == 201  # never refused: Apps Script would send it again forever
    case = wiring.case_reader().get(answer.get_json()["reference"])
    assert len(case.description) == CASE_DESCRIPTION_MAX and case.description.endswith("…")
    assert story.startswith(case.description[:-1])
    assert case.triage.reasons == ["message_cut"]
