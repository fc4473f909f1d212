"""setup_monthly_forums and invite_to_forums through their entry points, over the Firestore
emulator (demo directory seeded): the scheduler's path (empty body: next month), an
administrator's path, refusals, idempotency, and the invitations once per person."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime

import pytest

from functions import wiring
from functions.config import get_settings
from functions.domain.forums.models import planned_forum_id
from functions.domain.mail.suppression import SuppressionReason
from tests import oidc
from tests.builders import submission

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
NETWORK_ADMIN = "admin@ecd.example.org"
GAUTENG_ADMIN = "admin.gauteng@ecd.example.org"
STAFF = 13  # the demo directory's active principals and staff


@pytest.fixture
def at_now(project, monkeypatch):
    monkeypatch.setattr(wiring, "utc_now", lambda: NOW)


def admin(google_idp, email: str = NETWORK_ADMIN) -> dict:
    return {"Authorization": f"Bearer {google_idp.mint(email, oidc.OAUTH_CLIENT_ID)}"}


def parent_case(client_for, email: str | None, language: str = "en", **changes) -> str:
    reporter = {"phone": "082 123 4567"} | ({"email": email} if email else {})
    reporter["preferred_language"] = language
    answer = client_for("submit_feedback").post("/", json=submission(reporter=reporter, **changes))
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["reference"]


def queued(tasks, handler: str) -> list[dict]:
    return [json.loads(t["http_request"]["body"]) for t in tasks.tasks
            if t["http_request"]["url"].endswith(f"/{handler}")]  # fmt: skip


def run_invitations(client_for, tasks) -> list[dict]:
    answers = []
    for payload in queued(tasks, "invite_to_forums"):
        answer = client_for("invite_to_forums").post("/", json=payload)
        assert answer.status_code == 200, answer.get_json()
        answers.append(answer.get_json())
    return answers


def invitation_messages() -> list[dict]:
    db = wiring.firestore_client()
    return [d.to_dict() for d in db.collection("outbox").stream()
            if d.to_dict()["template"] == "forum_invitation"]  # fmt: skip


def test_the_scheduler_sets_up_next_month_once_and_says_so_the_second_time(
    client_for, tasks, at_now
):
    first = client_for("setup_monthly_forums").post("/")
    assert first.status_code == 200, first.get_json()
    body = first.get_json()
    assert body["month"] == "2026-12" and body["created"] == 3 and body["existing"] == 0
    assert body["invitations"] == "queued" and body["recipients"] == STAFF
    forums = wiring.forum_reader().in_month("2026-12")
    assert [f.forum_id for f in forums] == [planned_forum_id("2026-12", s) for s in (1, 2, 3)]
    # First Wednesday 2 Dec, second Friday 11 Dec, last Wednesday 30 Dec, local times.
    assert [f.starts_at.isoformat() for f in forums] == [
        "2026-12-02T16:00:00+00:00",
        "2026-12-11T17:00:00+00:00",
        "2026-12-30T16:00:00+00:00",
    ]
    assert len(queued(tasks, "invite_to_forums")) == 1
    again = client_for("setup_monthly_forums").post("/")
    assert again.status_code == 200
    assert again.get_json() | {"recipients": 0} == {
        "month": "2026-12",
        "created": 0,
        "existing": 3,
        "changed": False,
        "invitations": "already queued",
        "recipients": 0,
        "batches": 1,
    }


def test_an_administrator_sets_up_a_month_and_a_regional_one_may_not(
    client_for, tasks, at_now, google_idp
):
    client = client_for("setup_monthly_forums", signed=False)
    regional = client.post("/", json={"month": "2027-01"}, headers=admin(google_idp, GAUTENG_ADMIN))
    assert regional.status_code == 403
    nobody = client.post("/", json={"month": "2027-01"})
    assert nobody.status_code == 401
    answer = client.post("/", json={"month": "2027-01"}, headers=admin(google_idp))
    assert answer.status_code == 200 and answer.get_json()["created"] == 3
    assert wiring.forum_reader().in_month("2027-01")


@pytest.mark.parametrize(("month", "why"), [
    ("2026-10", "in the past"), ("2026-13", "YYYY-MM"), ("26-12", "YYYY-MM"),
    ("2030-01", "two years"), ("2026-12\r\nX: y", "YYYY-MM"), ("\ud800", "YYYY-MM")])  # fmt: skip
def test_a_bad_month_is_refused_and_nothing_is_made(client_for, tasks, at_now, google_idp,
                                                    month, why):  # fmt: skip
    client = client_for("setup_monthly_forums", signed=False)
    answer = client.post("/", data=json.dumps({"month": month}), headers=admin(google_idp),
                         content_type="application/json")  # fmt: skip
    assert answer.status_code == 422
    assert why in answer.get_json()["errors"][0]["message"]
    assert list(wiring.firestore_client().collection("forums").stream()) == []


def test_a_month_set_up_late_leaves_out_the_forums_already_past(client_for, tasks, monkeypatch,
                                                                 project, google_idp):  # fmt: skip
    monkeypatch.setattr(wiring, "utc_now", lambda: datetime(2026, 12, 15, 8, tzinfo=UTC))
    answer = client_for("setup_monthly_forums", signed=False).post(
        "/", json={"month": "2026-12"}, headers=admin(google_idp)
    )
    assert answer.get_json()["created"] == 1  # only the last Wednesday's is still to come


def test_the_local_clock_sets_up_the_month_after_now(client_for, tasks, project, monkeypatch):
    monkeypatch.setenv("LOCAL_DEV", "1")
    get_settings.cache_clear()
    client = client_for("setup_monthly_forums", signed=False)
    answer = client.post("/?now=2027-02-01T06:00:00%2B02:00",
                         headers={"Authorization": "Bearer local-admin-token"})  # fmt: skip
    assert answer.status_code == 200 and answer.get_json()["month"] == "2027-03"
    (payload,) = queued(tasks, "invite_to_forums")
    assert payload["as_of"] == "2027-02-01T06:00:00+02:00"


def test_two_setups_at_once_create_each_forum_once(client_for, tasks, project, monkeypatch):
    # A clock that moves (a frozen one makes racing commits byte-identical, and the unit of
    # work then takes the other's commit for its own landing: the counts, not the forums).
    ticks = iter(range(1, 10_000))
    monkeypatch.setattr(wiring, "utc_now", lambda: NOW.replace(microsecond=next(ticks)))
    answers = []

    def call():
        answers.append(client_for("setup_monthly_forums").post("/").get_json())

    threads = [threading.Thread(target=call) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(answer["created"] for answer in answers) == 3
    assert len(wiring.forum_reader().in_month("2026-12")) == 3


def test_invitations_go_once_per_person_and_a_retried_batch_sends_nothing_new(
    client_for, tasks, at_now, monkeypatch
):
    parent_case(client_for, "mother@example.org", "af")
    monkeypatch.setattr(wiring, "utc_now", lambda: NOW.replace(minute=5))
    parent_case(client_for, "Mother@Example.org", "zu")  # her second case: once, its language
    parent_case(client_for, "lerato@sunflower.example.org")  # staff and parent: once
    parent_case(client_for, None)  # no email: not invited
    parent_case(client_for, "quitter@example.org")
    wiring.suppression_list().add("quitter@example.org", SuppressionReason.UNSUBSCRIBED, NOW)
    tasks.tasks.clear()
    setup = client_for("setup_monthly_forums").post("/").get_json()
    assert setup["recipients"] == STAFF + 2  # mother, quitter (lerato is staff already)
    (outcome,) = run_invitations(client_for, tasks)
    assert outcome == {"invited": STAFF + 2, "already": 0, "no_forum": 0, "skipped": None}
    messages = invitation_messages()
    addresses = sorted(m["to"].lower() for m in messages)
    assert len(addresses) == len(set(addresses)) == STAFF + 2
    mother = next(m for m in messages if m["to"].lower() == "mother@example.org")
    assert mother["language"] == "zu" and mother["kind"] == "notification"
    assert len(mother["data"]["forums"]) == 3 and "invite" not in json.dumps(mother["data"])
    lerato = next(m for m in messages if m["to"] == "lerato@sunflower.example.org")
    assert lerato["data"]["role"] == "staff"
    deliveries = queued(tasks, "deliver_email")
    assert sum(len(d["messages"]) for d in deliveries) == STAFF + 2
    # The batch again (Cloud Tasks at least once): nothing new.
    batch = {"batch_id": queued(tasks, "invite_to_forums")[0]["batch_id"]}
    tasks.tasks.clear()
    again = client_for("invite_to_forums").post("/", json=batch).get_json()
    assert again["invited"] == 0 and again["already"] == STAFF + 2
    assert len(invitation_messages()) == STAFF + 2 and queued(tasks, "deliver_email") == []
    # The unsubscribed address's email is settled as suppressed by delivery, never sent.
    quitter = next(m for m in messages if m["to"] == "quitter@example.org")
    results = client_for("deliver_email").post(
        "/",
        json={
            "messages": [
                {"message_id": quitter["message_id"]},
                {"message_id": mother["message_id"]},
            ]
        },
    )
    assert results.get_json()["results"] == ["suppressed", "sent"]


def test_only_forums_for_the_persons_audience_are_listed(client_for, tasks, at_now):
    parent_case(client_for, "father@example.org")
    client_for("setup_monthly_forums").post("/")
    staff_only = planned_forum_id("2026-12", 2)
    db = wiring.firestore_client()
    db.collection("forums").document(staff_only).update({"audiences": ["staff"]})
    run_invitations(client_for, tasks)
    messages = invitation_messages()
    father = next(m for m in messages if m["to"] == "father@example.org")
    assert staff_only not in [f["forum_id"] for f in father["data"]["forums"]]
    staff = next(m for m in messages if m["to"] == "lerato@sunflower.example.org")
    assert staff_only in [f["forum_id"] for f in staff["data"]["forums"]]


def test_an_unknown_batch_is_settled(client_for, tasks, at_now):
    answer = client_for("invite_to_forums").post("/", json={"batch_id": "../x"})
    assert answer.status_code == 200 and answer.get_json()["skipped"] == "unknown"
    assert (
        client_for("invite_to_forums").post("/", json={"batch_id": "b", "x": 1}).status_code == 422
    )
