"""select_advisory_network over the Firestore emulator, run again and run large: the same
inputs again answer the recorded selection and count the eligible nominees who came after it
(a new seed includes them); 2,000 nominees are selected in one commit of the record (in
parts) and the first batch of notices, the other batches replayed through the
send_advisory_notices task, each nominee told once however often a batch runs; a queue outage
after the record was committed answers 503 and the same request again queues the rest."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime

import pytest

from functions import wiring
from functions.adapters.firestore.advisory import ADVISORY_PARTS
from functions.adapters.firestore.base import ADVISORY_SELECTIONS
from functions.domain.advisory.notices import BATCH
from tests import oidc
from tests.functions.advisory_support import (
    GAUTENG,
    advisory_mail,
    crowd,
    gauteng_month,
    person,
)
from tests.functions.forum_attendance_support import make_forum

NOW = datetime(2025, 4, 2, 9, 0, tzinfo=UTC)
BODY = {"region_id": "gauteng", "parents": 6, "staff": 6, "seed": "board-2025",
        "period": {"from": "2025-03", "to": "2025-03"}}  # fmt: skip


@pytest.fixture
def select(client_for, project, monkeypatch, google_idp):
    monkeypatch.setattr(wiring, "utc_now", lambda: NOW)
    client = client_for("select_advisory_network")
    token = google_idp.mint("admin@ecd.example.org", oidc.OAUTH_CLIENT_ID)
    return lambda body: client.post("/", json=body, headers={"Authorization": f"Bearer {token}"})


def _notice_tasks(tasks) -> list[dict]:
    found = [t for t in tasks.tasks
             if t["http_request"]["url"].endswith("/send_advisory_notices")]  # fmt: skip
    return [json.loads(t["http_request"]["body"]) for t in found]


def test_a_rerun_keeps_the_record_and_counts_who_came_later(select, client_for, google_idp):
    forum, _ = gauteng_month()
    first = select(BODY)
    assert first.status_code == 201 and first.json["came_later"] == 0
    told = len(advisory_mail())
    late = person(forum, 40, GAUTENG[1])  # eligible, nominated after the selection ran
    person(forum, 41, GAUTENG[0], consent=False)  # came later too, but not eligible
    again = select(BODY)
    assert again.status_code == 200 and not again.json["created"]
    assert again.json["order"] == first.json["order"] and again.json["came_later"] == 1
    assert "1 eligible person is not in it" in again.json["note"]
    assert "new seed" in again.json["note"]
    assert len(advisory_mail()) == told  # nobody written to again
    admin = client_for("admin")
    admin.environ_base["HTTP_AUTHORIZATION"] = (
        f"Bearer {google_idp.mint('admin@ecd.example.org', oidc.OAUTH_CLIENT_ID)}")  # fmt: skip
    page = admin.get(f"/?page=advisory&id={first.json['selection_id']}").text
    assert "1 eligible nominee is not in this selection" in page
    fresh = select(BODY | {"seed": "board-2025-b"})
    assert fresh.status_code == 201 and fresh.json["came_later"] == 0
    assert late.attendee_key in {d["attendee_key"] for d in fresh.json["order"]["parents"]}


def test_two_thousand_nominees_are_selected_and_each_told_once(select, client_for, tasks):
    forum = make_forum("forum-large")
    crowd(forum, 2000, GAUTENG)
    tasks.tasks.clear()
    first = select(BODY)
    assert first.status_code == 201, first.text
    answer = first.json
    assert len(answer["order"]["parents"]) == 1600 and len(answer["order"]["staff"]) == 400
    assert answer["emailed"] == 12 + BATCH and answer["queued"] == 2000 - 12 - BATCH
    queued = _notice_tasks(tasks)
    batches = -(-(2000 - 12) // BATCH)
    assert sorted(t["batch"] for t in queued) == list(range(1, batches))
    names = [t["name"] for t in tasks.tasks if "/send_advisory_notices" in t["http_request"]["url"]]
    assert len(set(names)) == len(queued)  # named by selection and batch
    # The record is kept in parts, each well within Firestore's 1 MiB a document.
    head = wiring.firestore_client().collection(ADVISORY_SELECTIONS).document(
        answer["selection_id"])  # fmt: skip
    parts = list(head.collection(ADVISORY_PARTS).stream())
    assert len(parts) >= 8
    assert all(len(json.dumps(p.to_dict(), default=str)) < 400_000 for p in parts)
    assert len(json.dumps(head.get().to_dict(), default=str)) < 400_000
    notices = client_for("send_advisory_notices")
    for body in queued:
        done = notices.post("/", json=body)
        assert done.status_code == 200 and done.json["emailed"] > 0, done.text
    for body in queued[:2]:  # a retried task, the emulator's duplicate: nothing more
        again = notices.post("/", json=body)
        assert again.status_code == 200 and again.json["already"] is True
    assert notices.post("/", json={"selection_id": "nope", "batch": 1}).json["skipped"]
    mail = advisory_mail()
    assert len(mail) == 2000 and len({m.to for m in mail}) == 2000
    assert Counter(m.data["outcome"] for m in mail) == {"selected": 12, "reserve": 1988}
    places = sorted(m.data["reserve_place"] for m in mail if m.data["outcome"] == "reserve")
    assert places[:3] == [1, 1, 2] and places[-1] == 1594  # parents' and staff's reserves


def test_a_queue_outage_after_the_record_answers_503_and_a_rerun_queues_the_rest(select, tasks):
    forum = make_forum("forum-outage")
    crowd(forum, 500, GAUTENG)
    tasks.tasks.clear()
    tasks.unavailable = True
    down = select(BODY)
    assert down.status_code == 503 and down.headers["Retry-After"]
    assert "send the same request again" in down.text
    assert len(advisory_mail()) == 12 + BATCH  # the record's commit went through
    tasks.unavailable = False
    again = select(BODY)
    assert again.status_code == 200 and again.json["queued"] == 500 - 12 - BATCH
    assert sorted(t["batch"] for t in _notice_tasks(tasks)) == [1, 2]
    assert select(BODY).json["queued"] == 0  # recorded as queued: not again


def test_hostile_notice_payloads_are_refused_or_settled_never_500(client_for):
    notices = client_for("send_advisory_notices")
    for body in ({"selection_id": "a/b", "batch": 1}, {"selection_id": "..", "batch": 1},
                 {"selection_id": "\ud800", "batch": 1}, {"selection_id": "x\r\ny", "batch": 1},
                 {"selection_id": "x" * 5000, "batch": 1}, {"selection_id": "x", "batch": 0},
                 {"selection_id": "x", "batch": "1"}, {"selection_id": "x", "batch": 10**9},
                 {"selection_id": "x", "batch": 1, "email": "a@b.org"}, {}, []):  # fmt: skip
        answer = notices.post("/", json=body)
        assert answer.status_code in (200, 422), (body, answer.status_code)
        assert answer.status_code == 422 or answer.json["skipped"]
    assert advisory_mail() == []
