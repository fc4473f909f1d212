"""send_digests and send_digest through their entry points, over the Firestore emulator: the
cases come in through the API at set times, the job runs at the local clock's time, and the
queued tasks (a FakeTasksClient) are replayed as Cloud Tasks would POST them."""

from __future__ import annotations

import json
from datetime import datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest

from functions import wiring
from functions.adapters.mail.local_mailbox import LocalMailbox
from functions.config import get_settings
from functions.domain.cases import lifecycle
from functions.domain.cases.models import Person
from functions.domain.directory.models import person_key
from functions.domain.shared.vocabulary import ActorRole
from functions.services.cases.changing import change_case, deadlines_of
from tests.builders import submission

SAST = ZoneInfo("Africa/Johannesburg")
TUESDAY = "2026-12-15T07:10:00+02:00"  # a working morning, the digest hour
TUESDAY_REGION = "2026-12-15T07:30:00+02:00"  # the regions' tasks: 20 minutes after
THANDI, LERATO, BONGANI = ("principal@sunflower.example.org", "lerato@sunflower.example.org",
                           "bongani@sunflower.example.org")  # fmt: skip
GRACE = "principal@littlestars.example.org"
NOMSA = "admin.gauteng@ecd.example.org"


def sast(*args) -> datetime:
    return datetime(*args, tzinfo=SAST)


def queued(tasks, handler: str) -> list[dict]:
    return [json.loads(t["http_request"]["body"]) for t in tasks.tasks
            if t["http_request"]["url"].endswith(f"/{handler}")]  # fmt: skip


def send_case(client_for, monkeypatch, at: datetime, **fields) -> str:
    monkeypatch.setattr(wiring, "utc_now", lambda: at)
    body = submission(reporter={"email": "parent@example.org"}, **fields)
    answer = client_for("submit_feedback").post("/", json=body)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["reference"]


@pytest.fixture
def cases(client_for, tasks, monkeypatch) -> dict[str, str]:
    """A few days at Sunflower and Little Stars (demo data): name → reference."""
    sent = {
        "late": send_case(client_for, monkeypatch, sast(2026, 12, 11, 9, 0), kind="complaint",
                          category="facilities", description="The gate latch is broken."),
        "lerato": send_case(client_for, monkeypatch, sast(2026, 12, 14, 9, 0),
                            kind="complaint", category="health_and_nutrition",
                            description="Lunch came late."),
        "thanks": send_case(client_for, monkeypatch, sast(2026, 12, 14, 12, 0),
                            kind="compliment", category="learning_programme",
                            description="Lovely concert."),
        "conduct": send_case(client_for, monkeypatch, sast(2026, 12, 14, 13, 0),
                             kind="complaint", category="staff_conduct",
                             description="A teacher shouted at my son."),
        "tembisa": send_case(client_for, monkeypatch, sast(2026, 12, 14, 9, 0),
                             centre_id="little-stars-tembisa", kind="question",
                             category="fees_and_administration", description="Fees in 2027?"),
    }  # fmt: skip
    # Lerato acknowledges hers on the Monday morning: it is hers now.
    at = sast(2026, 12, 14, 10, 0)
    monkeypatch.setattr(wiring, "utc_now", lambda: at)
    deps = wiring.dependencies()
    case = deps.cases.get(sent["lerato"])
    me = Person(key=person_key(LERATO), name="Lerato Khumalo")
    change_case(sent["lerato"], lambda c: (lifecycle.acknowledge(
        c, me, ActorRole.STAFF, deadlines_of(case, deps), at), []), deps)  # fmt: skip
    tasks.take()  # the intake's mail: not what these tests look at
    return sent


def digests() -> dict[str, dict]:
    found = {}
    for doc in wiring.firestore_client().collection("outbox").stream():
        message = doc.to_dict()
        if message["template"] in ("case_digest", "region_digest"):
            assert message["to"] not in found, f"two digests for {message['to']}"
            found[message["to"]] = message
    return found


def listed(message) -> dict[str, list[str]]:
    return {s["name"]: [r["reference"] for r in s["cases"] + s["more"]]
            for s in message["data"]["sections"] if s["count"]}  # fmt: skip


def test_a_working_morning_sends_each_recipient_one_digest_once(client_for, tasks, cases,
                                                                local_dev):  # fmt: skip
    job = client_for("send_digests").post(f"/?now={quote(TUESDAY)}")
    assert job.status_code == 200, job.get_json()
    assert job.get_json() == {"centres": 5, "regions": 3, "now": TUESDAY}
    orders = queued(tasks, "send_digest")
    assert {json.dumps(o, sort_keys=True) for o in orders} >= {
        json.dumps({"centre_id": "sunflower-soweto", "date": "2026-12-15", "as_of": TUESDAY},
                   sort_keys=True),
        json.dumps({"region_id": "gauteng", "date": "2026-12-15", "as_of": TUESDAY_REGION},
                   sort_keys=True),
    }  # fmt: skip
    assert all(set(o) in ({"centre_id", "date", "as_of"}, {"region_id", "date", "as_of"})
               for o in orders)  # ids and a date only  # fmt: skip
    # The regions' tasks wait for their centres': on the real clock (the emulator's), a
    # little while under the local clock; the centres' go at once.
    for task in tasks.tasks:
        if "region_id" in json.loads(task["http_request"]["body"]):
            wait = task["schedule_time"].seconds - wiring.utc_now().timestamp()
            assert 0 < wait <= 30
        elif task["http_request"]["url"].endswith("/send_digest"):
            assert "schedule_time" not in task

    send = client_for("send_digest")
    answers = [send.post("/", json=order) for order in orders]  # the centres' first
    assert {a.status_code for a in answers} == {200}
    assert sum(a.get_json()["sent"] for a in answers) == 5
    # Each region's digest was made of its centres' summaries: no centre counted again.
    assert sum(a.get_json()["counted_directly"] for a in answers) == 0
    mail = digests()
    assert set(mail) == {THANDI, LERATO, BONGANI, GRACE, NOMSA}  # Kagiso: nothing for him
    assert listed(mail[THANDI]) == {"open": [cases["late"], cases["conduct"], cases["lerato"]],
                                    "compliments": [cases["thanks"]]}  # fmt: skip
    assert listed(mail[LERATO]) == {"yours": [cases["lerato"]], "unassigned": [cases["late"]],
                                    "compliments": [cases["thanks"]]}  # fmt: skip
    assert listed(mail[BONGANI]) == {"unassigned": [cases["late"]],
                                     "compliments": [cases["thanks"]]}  # fmt: skip
    assert listed(mail[GRACE]) == {"open": [cases["tembisa"]]}
    late = mail[THANDI]["data"]["sections"][0]["cases"][0]
    assert late["overdue"] is True and mail[THANDI]["data"]["overdue"] == 1
    region = mail[NOMSA]["data"]
    lines = {line["centre_name"]: line for line in region["centres"]}
    assert {k: lines["Sunflower Educare, Soweto"][k] for k in
            ("open", "overdue", "unassigned_complaints", "waiting")} == {
        "open": 3, "overdue": 1, "unassigned_complaints": 2, "waiting": 0}  # fmt: skip
    assert lines["Little Stars ECD, Tembisa"]["open"] == 1
    # The longest overdue first: Friday's complaint, then Monday's question (due at 17:00).
    assert [row["reference"] for row in region["worst"]] == [cases["late"], cases["tembisa"]]

    # The schedule fired twice, and Cloud Tasks ran every task again: nothing more is sent.
    again = [send.post("/", json=order) for order in orders]
    assert [a.get_json()["sent"] for a in again] == [0] * len(orders)
    assert sum(a.get_json()["already"] for a in again) == 5
    assert len(digests()) == 5

    # Delivered, a digest carries the recipient's own action links (and no parent's words).
    for body in queued(tasks, "deliver_email"):
        assert client_for("deliver_email").post("/", json=body).status_code == 200
    boxed = {m.to: m for m in LocalMailbox(get_settings().local_mailbox_dir).list()}
    assert set(boxed) == {THANDI, LERATO, BONGANI, GRACE, NOMSA}
    lerato = boxed[LERATO]
    assert lerato.subject.startswith("Daily digest for Sunflower Educare, Soweto: 1 overdue")
    assert cases["late"] in lerato.subject
    assert lerato.text.count("/case_action?token=") > 3
    assert "gate latch" not in lerato.text + lerato.html
    assert cases["conduct"] not in lerato.text + boxed[BONGANI].text
    assert cases["conduct"] in boxed[THANDI].text
    # Her link to take the unassigned complaint opens its page at case_action.
    line = next(line for line in lerato.text.splitlines() if "Acknowledge: " in line)
    token = line.split("token=", 1)[1].strip()
    page = client_for("case_action").get(f"/?token={token}")
    assert page.status_code == 200 and cases["late"] in page.get_data(as_text=True)


def summaries() -> dict[str, tuple[dict, object]]:
    """The centres' summaries of the day: id -> (fields, update time)."""
    found = wiring.firestore_client().collection("digest_summaries").stream()
    return {doc.id: (doc.to_dict(), doc.update_time) for doc in found}


def test_each_centre_task_leaves_its_summary_of_the_day_once(client_for, tasks, cases,
                                                             local_dev):  # fmt: skip
    assert client_for("send_digests").post(f"/?now={quote(TUESDAY)}").status_code == 200
    centres = [o for o in queued(tasks, "send_digest") if "centre_id" in o]
    send = client_for("send_digest")
    assert {send.post("/", json=order).status_code for order in centres} == {200}

    first = summaries()
    # Every centre, those with nothing open too (they count as zeros).
    assert set(first) == {f"{o['centre_id']}:2026-12-15" for o in centres}
    sunflower, _ = first["sunflower-soweto:2026-12-15"]
    assert {k: sunflower[k] for k in ("region_id", "date", "open", "overdue",
                                      "unassigned_complaints", "waiting")} == {
        "region_id": "gauteng", "date": "2026-12-15", "open": 3, "overdue": 1,
        "unassigned_complaints": 2, "waiting": 0}  # fmt: skip
    assert [row["reference"] for row in sunflower["worst"]] == [cases["late"]]
    assert sunflower["expires_at"] > sunflower["counted_at"]  # Firestore's TTL removes it
    assert "gate latch" not in json.dumps(sunflower, default=str)  # no parent's words
    quiet, _ = first["ubuntu-umlazi:2026-12-15"]
    assert (quiet["open"], quiet["overdue"], quiet["worst"]) == (0, 0, [])

    # The tasks run again: the once keys refuse the digests, and each summary stays as it
    # was written with the digests that went out.
    again = [send.post("/", json=order).get_json() for order in centres]
    assert sum(a["sent"] for a in again) == 0 and sum(a["already"] for a in again) == 4
    assert summaries() == first


def test_a_region_counts_a_centre_without_its_summary_from_its_cases(client_for, tasks, cases,
                                                                     local_dev):  # fmt: skip
    assert client_for("send_digests").post(f"/?now={quote(TUESDAY)}").status_code == 200
    orders = queued(tasks, "send_digest")
    tembisa = next(o for o in orders if o.get("centre_id") == "little-stars-tembisa")
    gauteng = next(o for o in orders if o.get("region_id") == "gauteng")
    send = client_for("send_digest")
    assert send.post("/", json=tembisa).get_json()["sent"] == 1
    # Sunflower's task failed (or still retries) when the region's runs.
    answer = send.post("/", json=gauteng).get_json()
    assert (answer["sent"], answer["counted_directly"]) == (1, 1)
    region = digests()[NOMSA]["data"]
    lines = {line["centre_name"]: line for line in region["centres"]}
    assert {k: lines["Sunflower Educare, Soweto"][k] for k in
            ("open", "overdue", "unassigned_complaints", "waiting")} == {
        "open": 3, "overdue": 1, "unassigned_complaints": 2, "waiting": 0}  # fmt: skip
    assert lines["Little Stars ECD, Tembisa"]["open"] == 1
    assert [row["reference"] for row in region["worst"]] == [cases["late"], cases["tembisa"]]
    assert region["totals"]["overdue"] == 2


@pytest.mark.parametrize("when", [
    "2026-12-15T06:00:00+02:00",  # before the digest hour
    "2026-12-15T08:00:00+02:00",  # after it
    "2026-12-12T07:10:00+02:00",  # a Saturday
    "2026-12-16T07:10:00+02:00",  # the Day of Reconciliation
])  # fmt: skip
def test_out_of_the_digest_hour_or_a_working_day_nothing_is_queued(client_for, tasks, cases,
                                                                   local_dev, when):  # fmt: skip
    answer = client_for("send_digests").post(f"/?now={quote(when)}")
    assert answer.status_code == 200
    assert answer.get_json() == {"centres": 0, "regions": 0, "now": when}
    assert queued(tasks, "send_digest") == []


def test_a_plus_sign_left_unencoded_in_now_is_still_read(client_for, tasks, local_dev):
    answer = client_for("send_digests").post(f"/?now={TUESDAY}")  # "+02:00" arrives " 02:00"
    assert answer.status_code == 200 and answer.get_json()["centres"] == 5


@pytest.mark.parametrize("bad", ["yesterday", "2026-12-15T07:10:00", "", "2026-13-40T25:00Z"])
def test_a_bad_now_is_a_400_that_says_how(client_for, tasks, local_dev, bad):
    answer = client_for("send_digests").post(f"/?now={quote(bad)}")
    assert answer.status_code == 400
    (error,) = answer.get_json()["errors"]
    assert error["field"] == "now"
    assert "ISO 8601" in error["message"] or "offset" in error["message"]
    assert queued(tasks, "send_digest") == []


def test_deployed_a_now_is_refused_and_a_tasks_as_of_ignored(client_for, tasks, cases):
    assert not get_settings().local_dev
    answer = client_for("send_digests").post(f"/?now={quote(TUESDAY)}")
    assert answer.status_code == 400
    assert "make run" in answer.get_json()["errors"][0]["message"]
    assert queued(tasks, "send_digest") == []
    # The real clock (the Monday 10:00 of the fixture) rules, whatever time a task claims.
    order = {"centre_id": "sunflower-soweto", "date": "2026-12-15", "as_of": TUESDAY}
    answer = client_for("send_digest").post("/", json=order)
    assert answer.status_code == 200 and answer.get_json()["skipped"] == "stale"
    assert digests() == {}


def test_send_digest_takes_ids_only(client_for, tasks):
    send = client_for("send_digest")
    base = {"centre_id": "sunflower-soweto", "date": "2026-12-15"}
    assert send.post("/", json=base | {"email": "x@example.org"}).status_code == 422
    assert send.post("/", json=base | {"region_id": "gauteng"}).status_code == 422
    assert send.post("/", json={"date": "2026-12-15"}).status_code == 422
    assert send.post("/", json=base | {"date": "Tuesday"}).status_code == 422


def test_a_queue_outage_answers_503_and_the_retry_queues(client_for, tasks, local_dev):
    tasks.unavailable = True
    answer = client_for("send_digests").post(f"/?now={quote(TUESDAY)}")
    assert answer.status_code == 503 and answer.headers["Retry-After"]
    tasks.unavailable = False
    assert client_for("send_digests").post(f"/?now={quote(TUESDAY)}").status_code == 200
    assert len(queued(tasks, "send_digest")) == 8
