"""Task payloads carry ids only: with the real Cloud Tasks emulator as the queue, a person's
feedback and forum registration queue their work (mail deliveries now, forum reminders for
later), and no payload, those dispatched and those still waiting in the emulator, holds
their address, number or name, before or after an erasure. (The emulator cannot delete a
task: a delivery left waiting for a message the erasure deleted finds nothing to send,
test_privacy_requests.py.)"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from functions import wiring
from functions.adapters.tasks import CloudTasksQueue, tasks_client
from functions.config import get_settings
from functions.devtools.emulators import queue_path
from functions.devtools.run import TASKS_LOCATION
from functions.domain.privacy.person import identify
from functions.services.privacy.erase import erase_person
from tests.conftest import TEST_PROJECT
from tests.functions.privacy_support import EMAIL, NAME, PHONE, build_world


@pytest.fixture
def recorder():
    """A loopback server standing for the task handlers: it records each body and answers
    200 (the task is done); while `held` is clear, it waits first (so tasks stay queued), for
    30 s at most: longer than building the world takes on a slow machine."""
    bodies: list[bytes] = []
    held = threading.Event()
    held.set()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            held.wait(timeout=30)
            bodies.append(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", bodies, held
    held.set()  # a test that failed while holding lets the handlers go
    server.shutdown()
    server.server_close()


@pytest.fixture
def emulated_queue(project, tasks_emulator, recorder, monkeypatch):
    monkeypatch.setenv("LOCAL_DEV", "1")
    get_settings.cache_clear()
    base, _, _ = recorder
    client = tasks_client(tasks_emulator.host)
    parent = queue_path(TEST_PROJECT, TASKS_LOCATION, "deferred")
    queue = CloudTasksQueue(client, parent, lambda handler: f"{base}/{handler}", None)
    monkeypatch.setattr(wiring, "task_queue", lambda: queue)
    return client, parent


def waiting(client, parent: str) -> list[bytes]:
    """The bodies of the tasks still in the emulator's queue (scheduled for later)."""
    from google.cloud import tasks_v2

    found = client.list_tasks(request={"parent": parent,
                                       "response_view": tasks_v2.Task.View.FULL})  # fmt: skip
    return [task.http_request.body for task in found]


def personal(body: bytes) -> list[str]:
    text = body.decode("utf-8", "replace").lower()
    return [w for w in (EMAIL, PHONE, "825551234", NAME.lower(), "thandiwe") if w in text]


def test_no_task_payload_holds_the_person_before_or_after_an_erasure(emulated_queue, recorder,
                                                                     client_for):  # fmt: skip
    client, parent = emulated_queue
    _, dispatched, held = recorder
    held.clear()  # the handlers wait: the tasks stay in the emulator's queue
    build_world(client_for)
    before = waiting(client, parent)
    held.set()
    deadline = time.monotonic() + 30
    while len(dispatched) < 3 and time.monotonic() < deadline:  # the deliveries queued now
        time.sleep(0.1)
    assert len(before) >= 2, "no task was waiting in the emulator"
    assert len(dispatched) >= 3, "the emulator dispatched no delivery"
    assert [b for b in (*dispatched, *before) if personal(b)] == []

    done = erase_person(wiring.dependencies(), identify(EMAIL), "k")
    done_by_phone = erase_person(wiring.dependencies(), identify(PHONE), "k")
    assert done["finished"] and done_by_phone["finished"] and done["cases"] == 1
    after = waiting(client, parent)
    assert [b for b in (*dispatched, *after) if personal(b)] == []
