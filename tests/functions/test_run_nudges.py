"""run_nudges and send_nudge through their entry points, over the Firestore emulator: the
queued tasks (a FakeTasksClient, which refuses a used name as Cloud Tasks does) replayed
as Cloud Tasks would POST them."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest

from functions import wiring
from functions.adapters.mail.local_mailbox import LocalMailbox
from functions.config import get_settings
from functions.domain.shared.vocabulary import EventType
from tests.builders import submission

SAST = ZoneInfo("Africa/Johannesburg")
# Friday afternoon before the long weekend: Monday 22 March 2027 is a public holiday.
CREATED = datetime(2027, 3, 19, 15, 0, tzinfo=SAST)
# The acknowledge deadline (8 working hours) and the ladder's rungs after it.
STAFF_AT = "2027-03-23T13:00:00+02:00"
PRINCIPAL_AT = "2027-03-24T13:00:00+02:00"
REGION_AT = "2027-03-25T13:00:00+02:00"
SUNFLOWER_TEAM = {"principal@sunflower.example.org", "lerato@sunflower.example.org",
                  "bongani@sunflower.example.org"}  # fmt: skip


@pytest.fixture
def complaint(client_for, monkeypatch) -> str:
    """A complaint sent to Sunflower (demo data) on the Friday afternoon; its reference."""
    monkeypatch.setattr(wiring, "utc_now", lambda: CREATED)
    body = submission(kind="complaint", category="facilities",
                      description="The gate latch is broken.",
                      reporter={"email": "parent@example.org"})  # fmt: skip
    answer = client_for("submit_feedback").post("/", json=body)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["reference"]


def run_at(client_for, when: str, encode=True):
    query = quote(when, safe="") if encode else when
    return client_for("run_nudges").post(f"/?now={query}")


def queued(tasks, handler: str) -> list[dict]:
    import json

    return [json.loads(t["http_request"]["body"]) for t in tasks.tasks
            if t["http_request"]["url"].endswith(f"/{handler}")]  # fmt: skip


def nudge_events(reference):
    return [e for e in wiring.case_reader().list_events(reference) if e.type == EventType.NUDGED]


def nudge_mail(reference) -> list[dict]:
    from google.cloud.firestore_v1.base_query import FieldFilter

    found = (wiring.firestore_client().collection("outbox")
             .where(filter=FieldFilter("case_reference", "==", reference)).stream())  # fmt: skip
    return [d.to_dict() for d in found if d.to_dict()["template"] == "case_nudge"]


def test_the_ladder_at_the_local_clock_nudges_each_rung_once(client_for, tasks, complaint,
                                                             local_dev):  # fmt: skip
    case = wiring.case_reader().get(complaint)
    assert case.next_nudge_at == datetime.fromisoformat(STAFF_AT)

    assert run_at(client_for, "2027-03-23T12:59:00+02:00").get_json()["due"] == 0
    first = run_at(client_for, STAFF_AT)
    assert first.status_code == 200
    counts = {"due": 1, "queued": 1, "out_of_hours": 0, "skipped": 0, "more": False}
    assert first.get_json() == counts | {"now": "2027-03-23T13:00:00+02:00"}
    again = run_at(client_for, STAFF_AT)  # the schedule fired twice
    assert again.get_json()["queued"] == 1
    (task,) = queued(tasks, "send_nudge")  # Cloud Tasks refused the second, same name
    assert set(task) == {"reference", "stage", "level", "due", "as_of"}
    assert task["reference"] == complaint and task["level"] == 1

    send = client_for("send_nudge")
    answers = [send.post("/", json=task) for _ in range(2)]  # and a retried task
    assert [a.status_code for a in answers] == [200, 200]
    assert answers[0].get_json() == {"result": "nudged", "recipients": 3}
    assert answers[1].get_json() == {"result": "stale", "recipients": 0, "why": "level_sent"}
    (event,) = nudge_events(complaint)
    assert event.level == 1 and event.at == datetime.fromisoformat(STAFF_AT)
    mail = nudge_mail(complaint)
    assert sorted(m["to"] for m in mail) == sorted(SUNFLOWER_TEAM)
    assert run_at(client_for, STAFF_AT).get_json()["due"] == 0  # the next rung is tomorrow's

    # The mail's delivery was queued with its commit; delivered, it carries the action links.
    for body in queued(tasks, "deliver_email"):
        assert client_for("deliver_email").post("/", json=body).status_code == 200
    boxed = [m for m in LocalMailbox(get_settings().local_mailbox_dir).list()
             if "is overdue" in m.subject]  # fmt: skip
    assert {m.to for m in boxed} == SUNFLOWER_TEAM
    assert all(m.subject.startswith("Reminder: complaint " + complaint) for m in boxed)
    assert all("/case_action?token=" in m.text and "The gate latch" not in m.subject
               for m in boxed)  # fmt: skip

    for when, level, to in ((PRINCIPAL_AT, 2, ["principal@sunflower.example.org"]),
                            (REGION_AT, 3, ["admin.gauteng@ecd.example.org"])):  # fmt: skip
        assert run_at(client_for, when).get_json()["queued"] == 1
        task = queued(tasks, "send_nudge")[-1]
        assert task["level"] == level
        assert send.post("/", json=task).get_json()["result"] == "nudged"
        rung = {2: "principal", 3: "region"}[level]
        assert [m["to"] for m in nudge_mail(complaint) if m["data"]["level"] == rung] == to
    assert [e.level for e in nudge_events(complaint)] == [1, 2, 3]
    assert wiring.case_reader().get(complaint).next_nudge_at is None
    assert run_at(client_for, "2027-04-30T10:00:00+02:00").get_json()["due"] == 0


def test_a_plus_sign_left_unencoded_in_now_is_still_read(client_for, tasks, complaint,
                                                         local_dev):  # fmt: skip
    answer = run_at(client_for, STAFF_AT, encode=False)  # "+02:00" arrives as " 02:00"
    assert answer.status_code == 200 and answer.get_json()["queued"] == 1
    (task,) = queued(tasks, "send_nudge")
    assert datetime.fromisoformat(task["as_of"]) == datetime.fromisoformat(STAFF_AT)


@pytest.mark.parametrize("bad", ["yesterday", "2027-03-23T13:00:00", "", "2027-13-40T25:00Z"])
def test_a_bad_now_is_a_400_that_says_how(client_for, tasks, local_dev, bad):
    answer = client_for("run_nudges").post(f"/?now={quote(bad)}")
    assert answer.status_code == 400
    (error,) = answer.get_json()["errors"]
    assert error["field"] == "now"
    assert "ISO 8601" in error["message"] or "offset" in error["message"]
    assert queued(tasks, "send_nudge") == []


def test_deployed_a_now_is_refused_and_a_tasks_as_of_ignored(client_for, tasks, complaint):
    assert not get_settings().local_dev
    answer = run_at(client_for, STAFF_AT)
    assert answer.status_code == 400
    assert "make run" in answer.get_json()["errors"][0]["message"]
    assert queued(tasks, "send_nudge") == []

    # The real clock (still the Friday here) judges, whatever time a task claims.
    due = wiring.case_reader().get(complaint).clock.due.isoformat()
    task = {"reference": complaint, "stage": "acknowledge", "level": 1, "due": due,
            "as_of": STAFF_AT}  # fmt: skip
    answer = client_for("send_nudge").post("/", json=task)
    assert answer.get_json() == {"result": "stale", "recipients": 0, "why": "not_due"}
    assert nudge_events(complaint) == [] and nudge_mail(complaint) == []
    # Without ?now= the job runs at the clock's time: nothing is due on the Friday.
    assert client_for("run_nudges").post("/").get_json()["due"] == 0


def test_send_nudge_takes_ids_only(client_for, tasks, complaint):
    send = client_for("send_nudge")
    base = {"reference": complaint, "stage": "acknowledge", "level": 1, "due": STAFF_AT}
    assert send.post("/", json=base | {"email": "x@example.org"}).status_code == 422
    assert send.post("/", json=base | {"level": 0}).status_code == 422
    assert send.post("/", json=base | {"due": "2027-03-23T13:00:00"}).status_code == 422
    unknown = send.post("/", json=base | {"reference": "FB-ZZZZ-ZZZ"})
    assert unknown.status_code == 200 and unknown.get_json()["result"] == "not_found"


def test_a_queue_outage_answers_503_and_the_next_run_queues(client_for, tasks, complaint,
                                                            local_dev):  # fmt: skip
    tasks.unavailable = True
    answer = run_at(client_for, STAFF_AT)
    assert answer.status_code == 503 and answer.headers["Retry-After"]
    tasks.unavailable = False
    assert run_at(client_for, STAFF_AT).get_json()["queued"] == 1
    assert len(queued(tasks, "send_nudge")) == 1
