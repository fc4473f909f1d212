"""An invite_to_forums batch whose commit fails (Firestore's transport answers 503 Service
Unavailable once, after the batch's invitations and emails were all built and sent to the
commit): the task answers 503 and nothing of that batch is written; Cloud Tasks' retry then
invites each of its people once, the other batches are untouched, and running every batch
again invites nobody twice. The deliveries queued alongside the failed commit find no
message and send nothing. Over the Firestore emulator, through the entry points."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from google.api_core.exceptions import ServiceUnavailable
from google.cloud.firestore_v1.batch import WriteBatch

from functions import wiring
from functions.adapters.firestore.base import FORUM_INVITATIONS
from functions.domain.forums import invitations as domain
from functions.services.forums import invitations as service
from tests.builders import submission

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
SIZE = 5  # recipients a batch here, so that the month makes several


@pytest.fixture
def small_batches(project, monkeypatch):
    monkeypatch.setattr(wiring, "utc_now", lambda: NOW)
    monkeypatch.setattr(service, "batches", lambda people: domain.batches(people, SIZE))


class FailingCommit:
    """WriteBatch.commit that raises the transport's 503 once when armed, for a commit that
    writes invitations, after counting what it would have written."""

    def __init__(self, monkeypatch):
        self.armed, self.refused_writes = False, 0
        real = WriteBatch.commit

        def commit(batch, *args, **kwargs):
            paths = [write.update.name if write.update else "" for write in batch._write_pbs]
            if self.armed and any(f"/{FORUM_INVITATIONS}/" in path for path in paths):
                self.armed, self.refused_writes = False, len(paths)
                raise ServiceUnavailable("connection reset by peer (injected)")
            return real(batch, *args, **kwargs)

        monkeypatch.setattr(WriteBatch, "commit", commit)


def _queued(tasks, handler: str) -> list[dict]:
    return [json.loads(t["http_request"]["body"]) for t in tasks.tasks
            if t["http_request"]["url"].endswith(f"/{handler}")]  # fmt: skip


def _invitations() -> list[dict]:
    return [d.to_dict() for d in wiring.firestore_client().collection(FORUM_INVITATIONS).stream()]


def _mails() -> list[dict]:
    return [m for m in (d.to_dict() for d in wiring.firestore_client().collection("outbox")
                        .stream()) if m["template"] == "forum_invitation"]  # fmt: skip


def test_a_batch_whose_commit_fails_writes_nothing_and_its_retry_invites_each_once(
    client_for, tasks, small_batches, monkeypatch
):
    for n in range(4):  # parents with an email and consent, beside the demo's staff
        reporter = {"phone": "082 123 4567", "email": f"parent{n}@example.org"}
        assert client_for("submit_feedback").post("/", json=submission(reporter=reporter)) \
            .status_code == 201  # fmt: skip
    tasks.tasks.clear()
    setup = client_for("setup_monthly_forums").post("/").get_json()
    batches = _queued(tasks, "invite_to_forums")
    assert setup["batches"] == len(batches) >= 3 and setup["recipients"] > 2 * SIZE
    failing = FailingCommit(monkeypatch)
    invite = client_for("invite_to_forums")

    first = invite.post("/", json=batches[0])
    assert first.status_code == 200 and first.get_json()["invited"] == SIZE
    tasks.tasks.clear()
    failing.armed = True
    crashed = invite.post("/", json=batches[1])
    assert crashed.status_code == 503 and crashed.headers.get("Retry-After")
    assert failing.refused_writes == 2 * SIZE  # its invitations and emails, all in the commit
    assert len(_invitations()) == len(_mails()) == SIZE  # the first batch's only
    orphans = _queued(tasks, "deliver_email")  # queued while the refused commit was in flight
    assert sum(len(payload["messages"]) for payload in orphans) == SIZE

    for payload in batches[2:]:
        assert invite.post("/", json=payload).status_code == 200
    retried = invite.post("/", json=batches[1])  # Cloud Tasks' retry
    assert retried.status_code == 200 and retried.get_json()["invited"] == SIZE
    for payload in batches:  # every batch again (at least once delivery): nobody new
        assert invite.post("/", json=payload).get_json()["invited"] == 0

    addresses = Counter(m["to"].lower() for m in _mails())
    assert len(addresses) == setup["recipients"] and set(addresses.values()) == {1}
    assert len(_invitations()) == setup["recipients"]
    # The failed commit's deliveries, once the grace for an in-flight commit has passed,
    # find no message: settled, nothing sent.
    monkeypatch.setattr(wiring, "utc_now", lambda: NOW + timedelta(minutes=10))
    for payload in orphans:
        payload.pop("queued_at", None)
        answer = client_for("deliver_email").post("/", json=payload)
        assert answer.status_code == 200
        assert set(answer.get_json()["results"]) == {"unknown"}
