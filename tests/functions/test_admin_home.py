"""The admin home, the triage page and the `ecd` tool's triage and region operations, over
the emulator: the development token (LOCAL_DEV) for the demo network administrator, real
minted ID tokens (tests/oidc.py) for a regional administrator on the allow-list."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest

from functions import wiring
from functions.adapters.mail.local_mailbox import LocalMailbox
from functions.config import get_settings
from functions.domain.cases.google_forms import FormMapping
from functions.domain.directory.administrators import Administrator
from functions.domain.mail.outbox import DeliveryState
from tests import oidc
from tests.builders import ANSWERS, delivery, message, post, stored_message, write_messages
from tests.functions.local_support import LOCAL

SUNFLOWER_TEAM = {"principal@sunflower.example.org", "lerato@sunflower.example.org",
                  "bongani@sunflower.example.org"}  # fmt: skip
HOSTILE = '<script>alert("x")</script> Sunny & "Co" creche'


@pytest.fixture
def nomsa(project, google_idp) -> dict:
    """Gauteng's administrator, on the allow-list, signed in with a real Google ID token."""
    email = "admin.gauteng@ecd.example.org"
    wiring.administrators().save(Administrator(email=email, name="Nomsa Dlamini",
                                               region_id="gauteng"))  # fmt: skip
    return {"Authorization": f"Bearer {google_idp.mint(email, oidc.OAUTH_CLIENT_ID)}"}


def submit(client_for, **changes) -> str:
    body = {"centre_id": "sunflower-soweto", "kind": "complaint", "category": "facilities",
            "description": "The gate latch is broken.", "reporter": {"phone": "0821234567"},
            "consent": {"given": True, "version": "2026-11"}} | changes  # fmt: skip
    answer = client_for("submit_feedback").post("/", json=body)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["reference"]


def form_answer(client_for, response_id: str, centre: str = HOSTILE,
                form_id: str = "demo-feedback-form") -> str:  # fmt: skip
    """A Google Form response naming `centre` (no centre of ours): a case for triage."""
    answers = [a | {"answer": centre} if a["question"] == "Centre" else a for a in ANSWERS]
    answers = [a | {"answer": "Complaint"} if a["question"] == "Type of feedback" else a
               for a in answers]  # fmt: skip
    answer = post(client_for("intake_google_form"), delivery(response_id, answers, form_id))
    assert answer.status_code == 201
    return answer.get_json()["reference"]


def gauteng_form():
    """Gauteng's own Google Form: answers naming no known centre stay in Gauteng."""
    wiring.form_mappings().save(FormMapping(
        form_id="gauteng-form", title="Gauteng feedback", region_id="gauteng",
        consent_version="2026-11",
        questions={q["question"]: f for q, f in zip(ANSWERS, [
            "centre", "kind", "category", "description", "urgent", "reporter.name",
            "reporter.email", "reporter.phone", "consent"], strict=True)},
    ))  # fmt: skip


def centre_rows(page: str) -> dict[str, tuple[int, int]]:
    """Centre name -> (open, overdue), from the home page's tables."""
    rows = re.findall(r"<tr[^>]*><td[^>]*>([^<]+?)(?: <span[^>]*>\(closed\)</span>)?</td>"
                      r"<td[^>]*>(\d+)</td><td[^>]*>(?:<strong[^>]*>)?(\d+)", page)  # fmt: skip
    return {html.unescape(name): (int(o), int(d)) for name, o, d in rows}


def csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def place_form(client, headers, reference, centre_id, token, back="triage"):
    return client.post(
        "/?page=triage",
        headers=headers,
        data={"csrf_token": token, "reference": reference, "centre_id": centre_id, "back": back},
    )


def outbox_for(reference: str) -> list[dict]:
    docs = wiring.firestore_client().collection("outbox").stream()
    return [d.to_dict() for d in docs if d.to_dict().get("case_reference") == reference]


# --------------------------------------------------------------------------- the home page


def test_the_network_administrator_sees_open_and_overdue_cases_per_centre(
    client_for, local_dev, monkeypatch
):
    real_now = wiring.utc_now
    monkeypatch.setattr(wiring, "utc_now", lambda: real_now() - timedelta(days=10))
    submit(client_for)  # ten days old: long past its deadlines
    monkeypatch.setattr(wiring, "utc_now", real_now)
    submit(client_for, kind="question")
    submit(client_for, centre_id="ubuntu-umlazi")
    submit(client_for, centre_id="fynbos-khayelitsha", kind="compliment")  # never open

    page = client_for("admin").get("/", headers=LOCAL)
    assert page.status_code == 200 and page.headers["Content-Language"] == "en"
    text = page.get_data(as_text=True)
    rows = centre_rows(text)
    assert rows["Sunflower Educare, Soweto"] == (2, 1)
    assert rows["Ubuntu Creche, Umlazi"] == (1, 0)
    assert rows["Little Stars ECD, Tembisa"] == (0, 0)
    assert rows["Fynbos Early Learning, Khayelitsha"] == (0, 0)
    assert "<strong>Gauteng</strong>: 2 open, 1 overdue" in text
    assert "<strong>KwaZulu-Natal</strong>: 1 open, 0 overdue" in text
    for link in ("admin?page=directory", "admin?page=import", "admin?page=triage"):
        assert f'href="{link}"' in text
    assert "<script" not in text  # no JavaScript on the admin pages


def test_the_home_lists_failed_mail_without_any_address(client_for, local_dev):
    failed = message("bounced.parent@example.org")
    error = "rejected for good: <bounced.parent@example.org> does not exist"
    failed = failed.model_copy(update={"state": DeliveryState.FAILED, "last_error": error})
    write_messages(wiring.transactions(), [failed, message("fine@example.org")])
    assert stored_message(wiring.firestore_client(), failed.message_id).state == "failed"
    text = client_for("admin").get("/", headers=LOCAL).get_data(as_text=True)
    mail = text[text.index('id="mail"') : text.index('id="triage"')]
    assert "1 email could not be delivered" in mail and "Acknowledgement to a parent" in mail
    assert "rejected for good: &lt;[address]&gt; does not exist" in mail
    assert "bounced.parent" not in text and "fine@example.org" not in text


# ------------------------------------------------------------------------------- triage


def test_a_form_answer_for_an_unknown_centre_is_triaged_placed_and_the_staff_alerted(
    client_for, local_dev, tasks
):
    reference = form_answer(client_for, "resp-unknown")
    tasks.take()  # the intake's own mail (the parent, every administrator) is not this test's
    admin = client_for("admin")
    home = admin.get("/", headers=LOCAL).get_data(as_text=True)
    triage = home[home.index('id="triage"') :]
    assert reference in triage and "Centre not recognised" in triage
    # What the parent typed is shown as text, never as markup.
    shown = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Sunny &amp; &#34;Co&#34; creche"
    assert shown in triage
    assert "<script>" not in home

    answer = place_form(admin, LOCAL, reference, "sunflower-soweto", csrf(home), back="home")
    assert answer.status_code == 303
    assert answer.headers["Location"] == f"admin?placed={reference}#triage"
    case = wiring.case_reader().get(reference)
    assert (case.centre_id, case.region_id) == ("sunflower-soweto", "gauteng")
    assert case.triage.resolved and case.centre_name == "Sunflower Educare, Soweto"
    events = wiring.case_reader().list_events(reference)
    assert events[-1].type == "reassigned" and events[-1].actor.role == "administrator"
    alerts = [m for m in outbox_for(reference) if m["data"].get("recipient_role") != "administrator"
              and m["template"] == "case_notification" and m["to"] in SUNFLOWER_TEAM]  # fmt: skip
    assert {m["to"] for m in alerts} == SUNFLOWER_TEAM

    bodies = tasks.take()
    deliver = client_for("deliver_email")
    assert {deliver.post("/", json=body).status_code for body in bodies} == {200}
    mailbox = {m.to: m for m in LocalMailbox(get_settings().local_mailbox_dir).list()}
    for person in SUNFLOWER_TEAM:
        assert reference in mailbox[person].subject
        assert "case_action?token=" in mailbox[person].text  # act on it from the mail

    page = admin.get(f"/?page=triage&placed={reference}", headers=LOCAL).get_data(as_text=True)
    assert f"Case {reference} is now with Sunflower Educare, Soweto" in page
    assert f'id="case-{reference}"' not in page and "No case is waiting for triage" in page
    # Sent again (a second click, a refresh of the form): it says so and changes nothing.
    again = place_form(admin, LOCAL, reference, "fynbos-khayelitsha", csrf(home))
    assert again.headers["Location"] == f"admin?page=triage&already={reference}#triage"
    assert wiring.case_reader().get(reference).centre_id == "sunflower-soweto"
    assert len(wiring.case_reader().list_events(reference)) == len(events) and not tasks.take()


def test_a_placing_form_without_its_csrf_token_changes_nothing(client_for, local_dev):
    reference = form_answer(client_for, "resp-csrf")
    answer = place_form(client_for("admin"), LOCAL, reference, "sunflower-soweto", "forged")
    assert answer.status_code == 403
    assert wiring.case_reader().get(reference).centre_id is None


def test_a_regional_administrator_sees_and_places_only_their_regions_cases(
    client_for, nomsa, tasks
):
    gauteng_form()
    ours = form_answer(client_for, "resp-gauteng", "Sunny Days Creche", "gauteng-form")
    nobodys = form_answer(client_for, "resp-nowhere", "Somewhere Creche")  # no region known
    submit(client_for)
    submit(client_for, centre_id="fynbos-khayelitsha")
    admin = client_for("admin")

    home = admin.get("/", headers=nomsa)
    assert home.status_code == 200
    text = home.get_data(as_text=True)
    assert set(centre_rows(text)) == {"Sunflower Educare, Soweto", "Little Stars ECD, Tembisa"}
    assert "Western Cape" not in text and "Fynbos" not in text
    assert ours in text and nobodys not in text
    assert 'value="fynbos-khayelitsha"' not in text  # only their centres to choose from

    token = csrf(text)
    refused = place_form(admin, nomsa, ours, "fynbos-khayelitsha", token)
    assert refused.status_code == 403 and "not in your region" in refused.get_data(as_text=True)
    refused = place_form(admin, nomsa, nobodys, "sunflower-soweto", token)
    assert refused.status_code == 404
    for reference in (ours, nobodys):
        assert wiring.case_reader().get(reference).triage.resolved is False
        assert wiring.case_reader().get(reference).centre_id is None
    tasks.take()

    api = client_for("admin_api")
    listed = api.get("/triage", headers=nomsa).get_json()
    assert [case["reference"] for case in listed["cases"]] == [ours]
    assert api.post("/triage/assign", headers=nomsa, json={
        "reference": ours, "centre_id": "fynbos-khayelitsha"}).status_code == 403  # fmt: skip
    assert api.post("/triage/assign", headers=nomsa, json={
        "reference": nobodys, "centre_id": "sunflower-soweto"}).status_code == 404  # fmt: skip
    assert api.get("/region?id=western-cape", headers=nomsa).status_code == 403
    assert wiring.case_reader().get(ours).centre_id is None and not tasks.take()

    placed = api.post("/triage/assign", headers=nomsa,
                      json={"reference": ours, "centre_id": "little-stars-tembisa"})  # fmt: skip
    assert placed.status_code == 200 and placed.get_json()["already"] is False
    assert wiring.case_reader().get(ours).centre_id == "little-stars-tembisa"


# --------------------------------------------------------------------------- the JSON API


def test_the_api_lists_places_and_reports_a_region_with_the_token(client_for, local_dev, tasks):
    reference = form_answer(client_for, "resp-api")
    submit(client_for)
    api = client_for("admin_api")
    listed = api.get("/triage", headers=LOCAL)
    assert listed.status_code == 200
    (case,) = listed.get_json()["cases"]
    assert case["reference"] == reference and case["reasons"] == ["unknown_centre"]
    assert case["given"]["centre"] == HOSTILE and case["centre_known"] is False
    tasks.take()

    body = {"reference": reference, "centre_id": "sunflower-soweto"}
    first = api.post("/triage/assign", headers=LOCAL, json=body)
    assert first.status_code == 200
    assert first.get_json() | {"alerted": None} == {
        "reference": reference, "centre_id": "sunflower-soweto",
        "centre_name": "Sunflower Educare, Soweto", "region_id": "gauteng", "already": False,
        "alerted": None}  # fmt: skip
    assert first.get_json()["alerted"] == 3 and len(tasks.take()) >= 1
    second = api.post("/triage/assign", headers=LOCAL, json=body)
    assert second.status_code == 200 and second.get_json()["already"] is True
    assert second.get_json()["alerted"] == 0 and not tasks.take()
    assert api.get("/triage", headers=LOCAL).get_json()["cases"] == []

    region = api.get("/region?id=gauteng", headers=LOCAL)
    assert region.status_code == 200
    state = region.get_json()
    assert state["region"] == {"region_id": "gauteng", "name": "Gauteng"}
    centres = {c["centre_id"]: (c["open"], c["overdue"]) for c in state["centres"]}
    assert centres == {"sunflower-soweto": (2, 0), "little-stars-tembisa": (0, 0)}
    assert state["totals"]["open"] == 2 and state["triage"]["count"] == 0
    assert state["failed_mail"]["count"] == 0
    assert api.get("/region?id=atlantis", headers=LOCAL).status_code == 404
    assert api.get("/region", headers=LOCAL).status_code == 422
    bad = api.post("/triage/assign", headers=LOCAL, json={"reference": reference})
    assert bad.status_code == 422
    unknown = api.post("/triage/assign", headers=LOCAL, json=body | {"centre_id": "atlantis"})
    assert unknown.status_code == 422


def test_the_api_and_pages_refuse_without_a_valid_token(client_for, project, monkeypatch):
    reference = form_answer(client_for, "resp-refused")
    api, admin = client_for("admin_api"), client_for("admin")
    body = {"reference": reference, "centre_id": "sunflower-soweto"}
    for headers in ({}, {"Authorization": "Bearer not-a-token"}, LOCAL):  # no LOCAL_DEV here
        assert api.get("/triage", headers=headers).status_code == 401
        assert api.get("/region?id=gauteng", headers=headers).status_code == 401
        assert api.post("/triage/assign", headers=headers, json=body).status_code == 401
        assert admin.get("/?page=triage", headers=headers).status_code == 401
        assert admin.post("/?page=triage", headers=headers, data=body).status_code == 401
    case = wiring.case_reader().get(reference)
    assert case.centre_id is None and not case.triage.resolved
