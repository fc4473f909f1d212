"""A registration Google Form through intake_google_form, over the emulator: registered,
waitlisted, already registered, redeliveries (also at once) answered the same and mailed
once, a forum fixed by the mapping, and unusable or hostile answers refused with 422 by field,
never a 500."""

from __future__ import annotations

import json
import threading

import pytest

from functions import wiring
from functions.domain.cases.google_forms import FormMapping
from functions.services.intake import google_form as intake_service
from tests.builders import post
from tests.forum_builders import breakout_forum, forum, store

FORM = "demo-forum-registration"


@pytest.fixture
def intake(client_for):
    return client_for("intake_google_form")


def answers(forum_id: str | None, **changes) -> list[dict]:
    given = {
        "Which forum?": f"Parents and staff forum, 5 March ({forum_id})",
        "Your name": "Thandi Nkosi",
        "You are": "Parent or guardian",
        "Centre": "Sunflower Educare, Soweto",
        "Email address": "thandi@example.org",
        "Phone number": "",
        "Accessibility or language needs": "isiZulu interpreter please",
        "Topics you want raised": [
            "Staff training needs in emotional intelligence and conflict resolution",
            "Transport to the centre",
        ],
        "Language for our messages": "isiZulu",
        "Consent": ["I agree"],
    } | changes
    return [{"question": q, "answer": a} for q, a in given.items() if a is not None]


def delivery(response_id: str, items: list[dict], form_id: str = FORM, **extra) -> bytes:
    body = {"form_id": form_id, "response_id": response_id,
            "submitted_at": "2026-11-23T08:00:00Z", "respondent_email": None,
            "answers": items} | extra  # fmt: skip
    return json.dumps(body).encode()


def mails(forum_id: str) -> list[dict]:
    db = wiring.firestore_client()
    return [d.to_dict() for d in db.collection("outbox").stream()
            if d.to_dict().get("data", {}).get("forum_id") == forum_id
            and d.to_dict()["template"] == "forum_registration"]  # fmt: skip


def registrations(forum_id: str):
    return wiring.dependencies().forums.registrations(forum_id)


@pytest.fixture
def open_forum(project):
    one = forum()
    store(wiring.dependencies(), one)
    return one


def test_the_demo_registration_mapping_is_seeded(project):
    mapping = wiring.form_mappings().get(FORM)
    assert mapping.purpose == "forum_registration" and mapping.forum_id is None
    assert wiring.form_mappings().get("demo-feedback-form").purpose == "case"


def test_a_response_registers_once_and_a_redelivery_answers_the_same(intake, open_forum):
    body = delivery("resp-1", answers(open_forum.forum_id))
    first = post(intake, body)
    assert first.status_code == 200
    assert first.get_json() == {"outcome": "registered", "forum_id": open_forum.forum_id}
    [person] = registrations(open_forum.forum_id)
    assert person.source == "google_form" and person.name == "Thandi Nkosi"
    assert person.role == "parent" and person.centre_id == "sunflower-soweto"
    assert person.language == "zu" and person.topics == ["staff_training_needs"]
    assert person.topics_other == "Transport to the centre"
    assert person.consent_version == "forum-2026-11"
    [mail] = mails(open_forum.forum_id)
    assert mail["to"] == "thandi@example.org" and mail["data"]["calendar"]["sequence"] == 0
    for _ in range(2):  # the Apps Script retries: the same outcome, nothing more
        again = post(intake, body)
        assert again.status_code == 200 and again.get_json() == first.get_json()
    assert len(mails(open_forum.forum_id)) == 1 and len(registrations(open_forum.forum_id)) == 1
    other = post(intake, delivery("resp-2", answers(open_forum.forum_id)))
    assert other.get_json()["outcome"] == "already_registered"
    assert len(mails(open_forum.forum_id)) == 1


def test_concurrent_redeliveries_register_and_mail_once(client_for, open_forum):
    body, found = delivery("resp-race", answers(open_forum.forum_id)), []
    barrier = threading.Barrier(6)

    def deliver():
        client = client_for("intake_google_form")
        barrier.wait()
        found.append(post(client, body))

    threads = [threading.Thread(target=deliver) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {a.status_code for a in found} == {200}
    # One registered; one racing it may have found the person registered already.
    outcomes = [a.get_json()["outcome"] for a in found]
    assert "registered" in outcomes and set(outcomes) <= {"registered", "already_registered"}
    assert len(registrations(open_forum.forum_id)) == 1 and len(mails(open_forum.forum_id)) == 1
    # Whatever the race, a later redelivery answers what the response did: registered.
    assert post(client_for("intake_google_form"), body).get_json()["outcome"] == "registered"


def test_a_full_forum_waitlists_and_a_fixed_forum_mapping_needs_no_question(intake, project):
    full = forum(capacity=1, places_taken=1)
    store(wiring.dependencies(), full)
    mapping = FormMapping.model_validate({
        "form_id": "registration-fixed", "purpose": "forum_registration",
        "consent_version": "forum-2026-11", "forum_id": full.forum_id,
        "questions": {"Name": "name", "Email": "email", "Role": "role", "Centre": "centre",
                      "I agree": "consent"},
    })  # fmt: skip
    wiring.form_mappings().save(mapping)
    items = [{"question": "Name", "answer": "Sipho"}, {"question": "Role", "answer": "staff"},
             {"question": "Centre", "answer": "sunflower-soweto"},
             {"question": "I agree", "answer": ["Yes"]}]  # fmt: skip
    # No email question answered: the address Google collected is used.
    answer = post(intake, delivery("r-1", items, "registration-fixed",
                                   respondent_email="Sipho@Example.org"))  # fmt: skip
    assert answer.status_code == 200 and answer.get_json()["outcome"] == "waitlisted"
    [person] = registrations(full.forum_id)
    assert person.email == "Sipho@example.org" and person.waitlist_position == 1


def test_a_breakout_room_is_chosen_by_its_name(intake, project):
    rooms = breakout_forum()
    store(wiring.dependencies(), rooms)
    answer = post(
        intake, delivery("r-room", answers(rooms.forum_id, **{"Breakout room": "Training"}))
    )
    assert answer.status_code == 200
    assert registrations(rooms.forum_id)[0].room_id == "b"
    refused = post(intake, delivery("r-room-2", answers(rooms.forum_id, **{
        "Breakout room": "The kitchen", "Email address": "other@example.org"})))  # fmt: skip
    assert refused.status_code == 422 and _fields(refused) == {"room"}


def _fields(answer) -> set[str]:
    return {error["field"] for error in answer.get_json()["errors"]}


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"Consent": None}, {"consent"}),
        ({"Consent": "No"}, {"consent"}),
        ({"Email address": "", "Phone number": ""}, {"email"}),
        ({"Email address": "not an address"}, {"email"}),
        ({"Phone number": "12"}, {"phone"}),
        ({"Your name": " \r\n "}, {"name"}),
        ({"You are": "Astronaut"}, {"role"}),
        ({"Centre": "A centre nobody knows"}, {"centre"}),
        ({"Centre": None}, {"centre"}),  # a parent names their centre
        ({"You are": "District education official", "Centre": None}, {"role"}),  # not invited
        ({"Consent": None, "Email address": "", "You are": "Astronaut"},
         {"consent", "email", "role"}),
    ],
    ids=["no-consent", "consent-no", "no-contact", "bad-email", "bad-phone", "no-name",
         "unknown-role", "unknown-centre", "no-centre", "role-not-invited", "all-at-once"],
)  # fmt: skip
def test_unusable_answers_get_422_by_field_and_nothing_is_written(intake, open_forum, changes,
                                                                  fields):  # fmt: skip
    answer = post(intake, delivery("r-bad", answers(open_forum.forum_id, **changes)))
    assert answer.status_code == 422 and _fields(answer) == fields
    assert registrations(open_forum.forum_id) == [] and mails(open_forum.forum_id) == []


@pytest.mark.parametrize(
    "forum_answer",
    [
        "",
        "no such forum (nope123)",
        "x" * 3000,
        "<script>alert(1)</script>",
        "../forums/x",
        "a (b\u2028c)",
    ],
)
def test_an_unknown_forum_gets_422(intake, open_forum, forum_answer):
    answer = post(
        intake, delivery("r-forum", answers(open_forum.forum_id, **{"Which forum?": forum_answer}))
    )
    assert answer.status_code == 422 and _fields(answer) == {"forum"}


def test_a_cancelled_or_ended_forum_gets_422(intake, project):
    gone = forum(status="cancelled")
    store(wiring.dependencies(), gone)
    answer = post(intake, delivery("r-gone", answers(gone.forum_id)))
    assert answer.status_code == 422
    assert answer.get_json()["errors"] == [{"field": "forum",
                                            "message": "This forum was cancelled"}]  # fmt: skip


def test_hostile_answers_are_kept_bounded_and_on_one_line(intake, open_forum):
    name = "Thandi\r\nBcc: victim@example.org\u2028\u0085<b>x</b>" + "W" * 3000
    items = answers(open_forum.forum_id, **{
        "Your name": name, "Accessibility or language needs": "n" * 20_000 + "\ud800",
        "Topics you want raised": ["<img src=x onerror=alert(1)>"] * 100,
        "Email address": "THANDI@Example.ORG",
    })  # fmt: skip
    raw = json.dumps({"form_id": FORM, "response_id": "r-hostile", "answers": items})
    answer = post(intake, raw.encode())
    assert answer.status_code == 200, answer.get_data(as_text=True)
    [person] = registrations(open_forum.forum_id)
    assert "\n" not in person.name and "\r" not in person.name and "\u2028" not in person.name
    assert len(person.name) <= 100 and len(person.needs) <= 1000 and len(person.topics_other) <= 500
    assert person.email == "THANDI@example.org"
    [mail] = mails(open_forum.forum_id)
    assert "\n" not in mail["to"] and "Bcc" not in mail["to"]


def test_a_purpose_without_a_handler_waits_with_404(intake, project, monkeypatch):
    wiring.form_mappings().save(FormMapping.model_validate({
        "form_id": "survey-form", "purpose": "forum_survey", "consent_version": "forum-2026-11",
        "questions": {"How was it?": "satisfaction"}}))  # fmt: skip
    monkeypatch.setattr(
        intake_service,
        "HANDLERS",
        {k: v for k, v in intake_service.HANDLERS.items() if k != "forum_survey"},
    )
    answer = post(intake, delivery("r-s", [{"question": "How was it?", "answer": "5"}],
                                   "survey-form"))  # fmt: skip
    assert answer.status_code == 404


def test_mappings_are_checked_for_their_purpose():
    with pytest.raises(ValueError, match="not fields of a case form"):
        FormMapping.model_validate({"form_id": "f", "consent_version": "2026-11",
                                    "questions": {"Name": "name"}})  # fmt: skip
    with pytest.raises(ValueError, match="fixes forum_id or asks which forum"):
        FormMapping.model_validate({"form_id": "f", "purpose": "forum_registration",
                                    "consent_version": "forum-2026-11",
                                    "questions": {"Name": "name"}})  # fmt: skip
    with pytest.raises(ValueError, match="forum consent"):
        FormMapping.model_validate({"form_id": "f", "purpose": "forum_registration",
                                    "consent_version": "2026-11", "forum_id": "x",
                                    "questions": {"Name": "name"}})  # fmt: skip
