"""The mail a new case causes, from intake through the deliver_email entry point."""

import json
import time
from datetime import UTC, datetime, timedelta

import pytest

from functions import wiring
from functions.adapters.mail.local_mailbox import LocalMailbox
from functions.config import LOCAL_INTAKE_SECRET, get_settings
from functions.domain.mail.outbox import DeliveryState, MessageKind
from functions.http.integrations.apps_script_signature import sign
from functions.services.mail.deliver import UNCOMMITTED_GRACE
from functions.services.mail.dispatch import PENDING_GRACE

SUBMISSION = {
    "centre_id": "sunflower-soweto",
    "kind": "complaint",
    "category": "communication_and_delays",
    "description": "Nobody told us about the early closing on Friday.",
    "reporter": {"name": "Thandi", "email": "thandi@example.org", "phone": "0821234567"},
    "consent": {"given": True, "version": "2026-11"},
}


# Who hears of a new case at Sunflower: its principal and its staff (the demo data).
CENTRE_TEAM = {"principal@sunflower.example.org", "lerato@sunflower.example.org",
               "bongani@sunflower.example.org"}  # fmt: skip
# The parent's acknowledgement and the team's alerts.
EVERYONE = 1 + len(CENTRE_TEAM)


def deliver_all(client_for, tasks) -> list[str]:
    """POST each queued task (a FakeTasksClient, or bodies taken from it) to deliver_email as
    Cloud Tasks would; every message's result."""
    deliver = client_for("deliver_email")
    bodies = tasks if isinstance(tasks, list) else tasks.take()
    answers = [deliver.post("/", json=body) for body in bodies]
    assert {a.status_code for a in answers} == {200}
    return [result for a in answers for result in a.get_json()["results"]]


def mailbox():
    return {m.to: m for m in LocalMailbox(get_settings().local_mailbox_dir).list()}


def outbox_messages(client):
    return [d.to_dict() for d in wiring.firestore_client().collection("outbox").stream()]


def test_the_parent_is_acknowledged_and_the_centre_team_alerted(client_for, tasks):
    reference = client_for("submit_feedback").post("/", json=SUBMISSION).get_json()["reference"]
    messages = {m["to"]: m for m in outbox_messages(client_for)}
    assert set(messages) == {"thandi@example.org"} | CENTRE_TEAM
    assert messages["thandi@example.org"]["kind"] == MessageKind.TRANSACTIONAL
    assert {messages[to]["kind"] for to in CENTRE_TEAM} == {MessageKind.NOTIFICATION}
    assert all(m["state"] == DeliveryState.PENDING for m in messages.values())

    assert deliver_all(client_for, tasks) == ["sent"] * EVERYONE
    mail = mailbox()
    acknowledgement = mail["thandi@example.org"]
    assert reference in acknowledgement.subject and "case_status?token=" in acknowledgement.text
    assert "List-Unsubscribe" not in acknowledgement.headers
    assert "Nobody told us" not in acknowledgement.text  # the story is not echoed back
    alert = mail["principal@sunflower.example.org"]
    assert "Nobody told us about the early closing" in alert.text
    assert alert.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "thandi@example.org" not in alert.text  # staff see how to reach, not the address
    assert "case_action?token=" in alert.text  # and act on it from the mail
    assert {m["state"] for m in outbox_messages(client_for)} == {DeliveryState.SENT}


def test_an_urgent_case_alerts_the_regional_administrator_at_once(client_for, tasks):
    client_for("submit_feedback").post("/", json=SUBMISSION | {"urgent": True})
    deliver_all(client_for, tasks)
    mail = mailbox()
    admin = mail["admin.gauteng@ecd.example.org"]
    assert admin.subject.startswith("URGENT:") and admin.headers["Importance"] == "high"
    assert "List-Unsubscribe" not in admin.headers  # urgent alerts cannot be switched off
    assert mail["principal@sunflower.example.org"].subject.startswith("URGENT:")


@pytest.mark.parametrize(
    "changes",
    [
        {"anonymous": True},
        {"reporter": {"name": "Thandi", "phone": "0821234567"}},
    ],
    ids=["anonymous", "phone-only"],
)
def test_no_acknowledgement_without_an_email_or_when_anonymous(client_for, tasks, changes):
    client_for("submit_feedback").post("/", json=SUBMISSION | changes)
    assert {m["to"] for m in outbox_messages(client_for)} == CENTRE_TEAM


def test_a_redelivered_google_form_response_sends_nothing_again(client_for, tasks, monkeypatch):
    body = json.dumps({"form_id": "demo-feedback-form", "response_id": "resp-mail", "answers": [
        {"question": "Centre", "answer": "Rainbow Kids"},
        {"question": "Type of feedback", "answer": "Question"},
        {"question": "Your message", "answer": "Do you have space in January?"},
        {"question": "Email address", "answer": "nomsa@example.org"},
        {"question": "Consent", "answer": ["I agree"]},
    ]}).encode()  # fmt: skip
    intake = client_for("intake_google_form")
    for _ in range(3):
        signature = sign(body, LOCAL_INTAKE_SECRET.encode(), int(time.time()))
        intake.post("/", data=body, content_type="application/json",
                    headers={"X-Signature": signature})  # fmt: skip
    # An unknown centre: the parent is acknowledged and every regional administrator triages.
    recipients = sorted(m["to"] for m in outbox_messages(client_for))
    assert recipients == ["admin.gauteng@ecd.example.org", "admin.kzn@ecd.example.org",
                          "admin.westerncape@ecd.example.org", "nomsa@example.org"]  # fmt: skip
    # Each redelivery's first run assumed a new response and queued its mail while its commit
    # was refused; those tasks were withdrawn. One task delivers all four: one Cloud Tasks call.
    (task,) = tasks.take()
    assert len(task["messages"]) == 4
    assert deliver_all(client_for, [task]) == ["sent"] * 4


def test_a_task_the_queue_could_not_withdraw_waits_for_nothing_then_stops(
    client_for, tasks, monkeypatch
):
    """The Cloud Tasks emulator cannot delete tasks: a refused run's task then stays, finds
    its messages missing while young (not_yet: retried), and then settles them as unknown."""
    monkeypatch.setattr(tasks, "delete_task", _unimplemented)
    api = client_for("submit_feedback")
    for _ in range(2):
        api.post("/", json=SUBMISSION, headers={"Idempotency-Key": "k-1"})
    first, orphan = tasks.take()
    deliver = client_for("deliver_email")
    assert deliver.post("/", json=first).get_json()["results"] == ["sent"] * EVERYONE
    waiting = deliver.post("/", json=orphan)
    assert waiting.status_code == 503 and set(waiting.get_json()["results"]) == {"not_yet"}
    later = datetime.now(UTC) + UNCOMMITTED_GRACE + timedelta(seconds=1)
    monkeypatch.setattr(wiring, "utc_now", lambda: later)
    settled = deliver.post("/", json=orphan)
    assert settled.status_code == 200 and set(settled.get_json()["results"]) == {"unknown"}
    assert len(mailbox()) == EVERYONE


def test_replays_and_reused_keys_leave_no_task_behind(client_for, tasks):
    api = client_for("submit_feedback")
    answers = [api.post("/", json=SUBMISSION, headers={"Idempotency-Key": "k-2"})
               for _ in range(4)]  # fmt: skip
    other = dict(SUBMISSION, description="Another story altogether")
    answers += [api.post("/", json=other, headers={"Idempotency-Key": "k-2"}) for _ in range(3)]
    assert [a.status_code for a in answers] == [201, 200, 200, 200, 409, 409, 409]
    assert len(tasks.take()) == 1


def _unimplemented(name, timeout=None):
    from google.api_core.exceptions import MethodNotImplemented

    raise MethodNotImplemented("the emulator has no DeleteTask")


def test_a_second_delivery_of_the_same_task_sends_nothing(client_for, tasks):
    client_for("submit_feedback").post("/", json=SUBMISSION)
    bodies = tasks.take()
    deliver = client_for("deliver_email")
    first = [r for b in bodies for r in deliver.post("/", json=b).get_json()["results"]]
    again = [r for b in bodies for r in deliver.post("/", json=b).get_json()["results"]]
    assert first == ["sent"] * EVERYONE and again == ["already_done"] * EVERYONE
    assert len(mailbox()) == EVERYONE


@pytest.mark.parametrize(
    "body", [{"message": 1}, {"message_id": "x"}, {"messages": []}, {"messages": [{}]}, [1]]
)
def test_a_malformed_task_gets_422(client_for, body):
    answer = client_for("deliver_email").post("/", json=body)
    assert answer.status_code == 422
    empty = client_for("deliver_email").post("/")
    assert empty.status_code == 400  # no JSON at all
    deep = client_for("deliver_email").post("/", data="[" * 5_000, content_type="application/json")
    assert deep.status_code == 400  # not JSON at all


def test_an_unknown_message_is_settled_so_the_queue_stops_retrying(client_for):
    answer = client_for("deliver_email").post("/", json={"messages": [{"message_id": "abc"}]})
    assert answer.status_code == 200 and answer.get_json() == {"results": ["unknown"]}


def test_the_sweep_answers_with_its_counts(client_for):
    answer = client_for("sweep_outbox").post("/")
    assert answer.status_code == 200
    assert answer.get_json() == {"stuck": 0, "requeued": 0, "given_up": 0}


def test_a_provider_that_cannot_take_mail_now_gets_the_task_retried(client_for, tasks,
                                                                    monkeypatch):  # fmt: skip
    from functions.devtools.emulators import free_port

    client_for("submit_feedback").post("/", json=SUBMISSION)
    monkeypatch.setenv("MAIL_TRANSPORT", "smtp")
    monkeypatch.setenv("SMTP_PORT", str(free_port()))  # nothing listens there
    wiring.reset()
    answer = client_for("deliver_email").post("/", json=tasks.take()[0])
    assert answer.status_code == 503 and answer.headers["Retry-After"]
    retried = outbox_messages(client_for)  # the task carried both: each tried once
    assert [m["attempts"] for m in retried] == [1] * EVERYONE
    assert {m["state"] for m in retried} == {DeliveryState.PENDING}
    assert all("connection failed" in m["last_error"] for m in retried)


def test_a_queue_outage_after_the_commit_loses_nothing(client_for, tasks, monkeypatch):
    tasks.unavailable = True
    answer = client_for("submit_feedback").post("/", json=SUBMISSION)
    assert answer.status_code == 201  # the case is committed: never fail the parent now
    assert tasks.take() == []
    assert {m["state"] for m in outbox_messages(client_for)} == {DeliveryState.PENDING}
    tasks.unavailable = False
    later = datetime.now(UTC) + PENDING_GRACE + timedelta(seconds=1)
    monkeypatch.setattr(wiring, "utc_now", lambda: later)
    swept = client_for("sweep_outbox").post("/").get_json()
    assert swept == {"stuck": EVERYONE, "requeued": EVERYONE, "given_up": 0}
    monkeypatch.undo()
    assert deliver_all(client_for, tasks) == ["sent"] * EVERYONE


def test_a_queue_without_credentials_is_only_an_outage():
    from google.auth.exceptions import DefaultCredentialsError

    from functions.adapters.tasks import CloudTasksQueue
    from functions.services.errors import QueueUnavailable
    from functions.services.ports import Task

    def no_credentials():
        raise DefaultCredentialsError("no credentials")

    queue = CloudTasksQueue(no_credentials, "projects/p/locations/l/queues/q",
                            lambda handler: f"http://x/{handler}", None)  # fmt: skip
    with pytest.raises(QueueUnavailable):
        queue.enqueue(Task("deliver_email", {"messages": []}, "m1"))


def test_a_task_that_arrives_before_its_commit_waits_for_it(client_for, tasks):
    """The mail's task is queued while the commit is in flight, so it may arrive first."""
    client_for("submit_feedback").post("/", json=SUBMISSION)
    (body,) = tasks.take()
    outbox = wiring.firestore_client().collection("outbox")
    stored = {doc.id: doc.to_dict() for doc in outbox.stream()}
    for message_id in stored:  # as if the commit had not landed yet
        outbox.document(message_id).delete()
    deliver = client_for("deliver_email")
    early = deliver.post("/", json=body)
    assert early.status_code == 503 and "Retry-After" in early.headers
    assert early.get_json()["results"] == ["not_yet"] * EVERYONE
    for message_id, data in stored.items():  # the commit lands
        outbox.document(message_id).set(data)
    assert deliver.post("/", json=body).get_json()["results"] == ["sent"] * EVERYONE
    assert len(mailbox()) == EVERYONE


@pytest.mark.parametrize(
    ("queued_at", "status"),
    [("2026-11-30T10:00:00", 422), ("yesterday", 422), ("9999-12-31T23:59:59+00:00", 200),
     ("2000-01-01T00:00:00+00:00", 200)],
)  # fmt: skip
def test_a_tasks_queued_time_is_checked_and_a_far_one_waits_for_nothing(
    client_for, queued_at, status
):
    body = {"messages": [{"message_id": "no-such-message"}], "queued_at": queued_at}
    answer = client_for("deliver_email").post("/", json=body)
    assert answer.status_code == status
    if status == 200:
        assert answer.get_json()["results"] == ["unknown"]
