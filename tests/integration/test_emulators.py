"""The emulators start, answer, do their job and leave no process behind."""

from __future__ import annotations

import os
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import grpc
import pytest

from functions.devtools.emulators import (
    EmulatorError,
    FirestoreEmulator,
    TasksEmulator,
    clear_firestore,
    free_port,
    queue_path,
)
from functions.devtools.run import TASKS_LOCATION

TEST_PROJECT = "demo-test"


def test_firestore_emulator_answers(firestore_emulator):
    with urllib.request.urlopen(f"http://{firestore_emulator.host}/", timeout=5) as response:
        assert response.read().strip() == b"Ok"
    assert os.environ["FIRESTORE_EMULATOR_HOST"] == firestore_emulator.host


def test_firestore_write_then_read(firestore_emulator):
    from google.cloud import firestore

    project = f"demo-test-{uuid.uuid4().hex[:8]}"
    client = firestore.Client(project=project)
    ref = client.collection("probes").document(uuid.uuid4().hex)
    ref.set({"kind": "probe", "n": 1})

    assert ref.get().to_dict() == {"kind": "probe", "n": 1}

    clear_firestore(firestore_emulator.host, project)
    assert not ref.get().exists


def test_tasks_emulator_posts_task_with_cloud_tasks_headers(tasks_emulator):
    from google.cloud import tasks_v2
    from google.cloud.tasks_v2.services.cloud_tasks.transports import CloudTasksGrpcTransport

    client = tasks_v2.CloudTasksClient(
        transport=CloudTasksGrpcTransport(channel=grpc.insecure_channel(tasks_emulator.host))
    )
    with _recording_server() as (base_url, requests):
        task = client.create_task(
            parent=queue_path(TEST_PROJECT, TASKS_LOCATION, "deferred"),
            task=tasks_v2.Task(
                http_request=tasks_v2.HttpRequest(
                    http_method=tasks_v2.HttpMethod.POST,
                    url=f"{base_url}/deliver_email",
                    headers={"Content-Type": "application/json"},
                    body=b'{"outbox_id": "abc"}',
                )
            ),
        )
        received = _wait_for(lambda: requests, timeout=30)

    method, path, headers, body = received[0]
    assert (method, path, body) == ("POST", "/deliver_email", b'{"outbox_id": "abc"}')
    assert headers["Content-Type"] == "application/json"
    # Cloud Tasks sends the queue id; the emulator sends the full queue name.
    assert headers["X-CloudTasks-QueueName"].rsplit("/", 1)[-1] == "deferred"
    assert headers["X-CloudTasks-TaskName"] == task.name.rsplit("/", 1)[-1]
    assert headers["X-CloudTasks-TaskRetryCount"] == "0"


def test_tasks_emulator_gives_up_after_max_retries(tasks_emulator):
    from google.cloud import tasks_v2
    from google.cloud.tasks_v2.services.cloud_tasks.transports import CloudTasksGrpcTransport

    client = tasks_v2.CloudTasksClient(
        transport=CloudTasksGrpcTransport(channel=grpc.insecure_channel(tasks_emulator.host))
    )
    with _recording_server(status=503) as (base_url, requests):
        client.create_task(
            parent=queue_path(TEST_PROJECT, TASKS_LOCATION, "deferred"),
            task=tasks_v2.Task(http_request=tasks_v2.HttpRequest(url=f"{base_url}/fail")),
        )
        _wait_for(lambda: len(requests) >= 4, timeout=30)
        time.sleep(1.0)  # the emulator re-dispatches every 0.1 s: a fifth try would show
    # max_retries=3: the first attempt and three retries.
    assert [h["X-CloudTasks-TaskRetryCount"] for _, _, h, _ in requests] == ["0", "1", "2", "3"]


def test_the_tasks_emulator_cannot_withdraw_a_task_so_cancel_is_an_outage(tasks_emulator):
    """Cloud Tasks deletes a task by name; the emulator has no DeleteTask. Our queue then
    says it cannot answer, which the intake only logs (the task settles by itself)."""
    from functions.adapters.tasks import CloudTasksQueue, tasks_client
    from functions.services.errors import QueueUnavailable
    from functions.services.ports import Task

    queue = CloudTasksQueue(tasks_client(tasks_emulator.host),
                            queue_path(TEST_PROJECT, TASKS_LOCATION, "deferred"),
                            lambda handler: f"http://127.0.0.1:9/{handler}", None)  # fmt: skip
    task = Task("deliver_email", {"messages": []}, f"cancel-{uuid.uuid4().hex}",
                at=datetime.now(UTC) + timedelta(hours=1))  # fmt: skip
    queue.enqueue(task)
    with pytest.raises(QueueUnavailable, match="MethodNotImplemented"):
        queue.cancel(task)


@pytest.mark.parametrize("emulator_class", [FirestoreEmulator, TasksEmulator])
def test_stop_leaves_no_process_of_the_group(emulator_class):
    emulator = emulator_class().start()
    pgid = emulator.pgid
    os.killpg(pgid, 0)  # alive

    emulator.stop()
    emulator.stop()  # idempotent

    with pytest.raises(ProcessLookupError):
        os.killpg(pgid, 0)


def test_emulator_that_dies_at_start_reports_its_log():
    # The test venv has no gcloud_tasks_emulator module: the process exits at once.
    emulator = TasksEmulator(python=sys.executable)
    with pytest.raises(EmulatorError, match="No module named gcloud_tasks_emulator"):
        emulator.start()
    with pytest.raises(ProcessLookupError):
        os.killpg(emulator.pgid, 0)
    emulator.log_path.unlink()  # kept on failure for the developer; the message had its tail


def test_busy_port_is_refused(firestore_emulator):
    with pytest.raises(EmulatorError, match="in use"):
        TasksEmulator(port=firestore_emulator.port).start()


def test_free_port_is_bindable():
    assert 1024 < free_port() < 65536


@contextmanager
def _recording_server(status: int = 200) -> Iterator[tuple[str, list]]:
    """A loopback HTTP server recording (method, path, headers, body) of each request."""
    requests: list[tuple[str, str, Message, bytes]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            # The headers as a case-insensitive Message: urllib sends "X-cloudtasks-queuename".
            requests.append((self.command, self.path, self.headers, body))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()


def _wait_for(condition, timeout: float):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.05)
    raise AssertionError(f"condition not met within {timeout} s")


def _listening_addresses(port: int) -> set[str]:
    """The local addresses a socket listens on at `port`, from the kernel's own tables."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


def test_both_emulators_listen_on_loopback_only(firestore_emulator, tasks_emulator):
    # 127.0.0.1, ::ffff:127.0.0.1 (Java's IPv4 on an IPv6 socket) and ::1
    loopback = {"0100007F", "0000000000000000FFFF00000100007F", "00000000000000000000000001000000"}
    for emulator in (firestore_emulator, tasks_emulator):
        addresses = _listening_addresses(emulator.port)
        assert addresses and addresses <= loopback, (type(emulator).__name__, addresses)
