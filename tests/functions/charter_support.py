"""What the charter distribution tests share: the administrator's call, replaying the queued
tasks, the records, the mail, and a commit that fails once (over the Firestore emulator)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from google.api_core.exceptions import ServiceUnavailable
from google.cloud.firestore_v1.batch import WriteBatch

from functions import wiring
from functions.adapters.firestore.base import CHARTERS
from functions.adapters.mail.local_mailbox import LocalMailbox
from functions.config import get_settings
from tests import oidc

NETWORK_ADMIN = "admin@ecd.example.org"
GAUTENG_ADMIN = "admin.gauteng@ecd.example.org"
CENTRES = ["fynbos-khayelitsha", "little-stars-tembisa", "protea-mitchells-plain",
           "sunflower-soweto", "ubuntu-umlazi"]  # fmt: skip
START = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(project, monkeypatch) -> Clock:
    fake = Clock(START)
    monkeypatch.setattr(wiring, "utc_now", fake)
    return fake


@pytest.fixture
def distribute(client_for, clock, google_idp):
    """distribute(body, who) → the answer of distribute_charters."""
    client = client_for("distribute_charters")

    def call(body: dict | None = None, who: str | None = NETWORK_ADMIN):
        headers = {"Authorization": f"Bearer {google_idp.mint(who, oidc.OAUTH_CLIENT_ID)}"} \
            if who else {}  # fmt: skip
        return client.post("/", json={} if body is None else body, headers=headers)

    return call


def queued(tasks, handler: str) -> list[dict]:
    return [json.loads(t["http_request"]["body"]) for t in tasks.tasks
            if t["http_request"]["url"].endswith(f"/{handler}")]  # fmt: skip


def replay(client_for, tasks, handler: str) -> list[dict]:
    """Run the queued tasks of `handler` through it, as Cloud Tasks would (then forget them)."""
    found = [t for t in tasks.tasks if t["http_request"]["url"].endswith(f"/{handler}")]
    tasks.tasks = [t for t in tasks.tasks if t not in found]
    answers = []
    for task in found:
        answer = client_for(handler).post("/", json=json.loads(task["http_request"]["body"]))
        assert answer.status_code == 200, (handler, answer.get_json())
        answers.append(answer.get_json())
    return answers


def records() -> dict[str, dict]:
    return {d.id: d.to_dict() for d in wiring.firestore_client().collection(CHARTERS).stream()}


def outbox(template: str = "charter") -> list[dict]:
    docs = wiring.firestore_client().collection("outbox").stream()
    return [m for m in (d.to_dict() for d in docs) if m["template"] == template]


def inbox(address: str | None = None) -> list:
    found = LocalMailbox(get_settings().local_mailbox_dir).list()
    return [m for m in found if address is None or m.to == address]


def save_centre(centre_id: str, **changes) -> None:
    from functions.domain.directory.models import Centre

    directory = wiring.centre_directory()
    centre = directory.get_centre(centre_id)
    directory.save_centre(Centre.model_validate(centre.model_dump() | changes))


class FailingCommit:
    """WriteBatch.commit that raises the transport's 503 once when armed, for a commit that
    writes a charter record (after the record and its email were built and sent to commit)."""

    def __init__(self, monkeypatch):
        self.armed, self.refused_writes = False, 0
        real = WriteBatch.commit

        def commit(batch, *args, **kwargs):
            paths = [write.update.name if write.update else "" for write in batch._write_pbs]
            if self.armed and any(f"/{CHARTERS}/" in path for path in paths):
                self.armed, self.refused_writes = False, len(paths)
                raise ServiceUnavailable("connection reset by peer (injected)")
            return real(batch, *args, **kwargs)

        monkeypatch.setattr(WriteBatch, "commit", commit)
