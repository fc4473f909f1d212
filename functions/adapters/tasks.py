"""Cloud Tasks: one queue for all deferred work, each task an HTTP POST to its handler.

A task's name is a hash of its handler and dedupe key, never sequential, so queueing the same
work twice is a no-op: Cloud Tasks answers ALREADY_EXISTS, which counts as done. (It refuses
a used name for days after the task ran: work that must run again needs a new dedupe key.)
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from functions.services.errors import QueueUnavailable
from functions.services.ports import Task


def task_id(handler: str, dedupe_key: str) -> str:
    """The task's name within its queue: hashed, so it reveals nothing and never hotspots."""
    return hashlib.sha256(f"{handler}:{dedupe_key}".encode()).hexdigest()[:40]


class CloudTasksQueue:
    """TaskQueue over one Cloud Tasks queue; each handler is an entry point's URL.

    `client` is a CloudTasksClient or a function that makes one on first use, so that a
    client that cannot be built (no credentials) is a QueueUnavailable like any other.
    """

    def __init__(self, client, queue_path: str, url_for: Callable[[str], str],
                 invoker_email: str | None, timeout: float = 10.0):  # fmt: skip
        self._client = client
        self._queue = queue_path
        self._url_for = url_for
        self._invoker = invoker_email
        self._timeout = timeout

    def enqueue(self, task: Task) -> None:
        """Create the task; ALREADY_EXISTS means it was created before: success."""
        from google.api_core import exceptions

        request = {
            "http_method": "POST",
            "url": self._url_for(task.handler),
            "headers": {"Content-Type": "application/json"},
            "body": json.dumps(task.payload).encode(),
        }
        if self._invoker:
            request["oidc_token"] = {"service_account_email": self._invoker}
        created = {
            "name": self._name(task),
            "http_request": request,
        }
        if task.at is not None:
            from google.protobuf import timestamp_pb2

            created["schedule_time"] = timestamp_pb2.Timestamp(seconds=int(task.at.timestamp()))
        try:
            self._connected().create_task(parent=self._queue, task=created, timeout=self._timeout)
        except exceptions.AlreadyExists:
            return
        except Exception as error:  # noqa: BLE001 - API errors, credentials, transport: retry later
            raise QueueUnavailable(type(error).__name__) from error

    def cancel(self, task: Task) -> None:
        """Delete the task by its name; NOT_FOUND (run already, or never made) is done."""
        from google.api_core import exceptions

        try:
            self._connected().delete_task(name=self._name(task), timeout=self._timeout)
        except exceptions.NotFound:
            return
        except Exception as error:  # noqa: BLE001 - as enqueue: the queue cannot answer now
            raise QueueUnavailable(type(error).__name__) from error

    def _name(self, task: Task) -> str:
        return f"{self._queue}/tasks/{task_id(task.handler, task.dedupe_key)}"

    def _connected(self):
        if callable(self._client) and not hasattr(self._client, "create_task"):
            self._client = self._client()
        return self._client


def tasks_client(emulator_host: str | None):
    """A Cloud Tasks client; over a plain channel to the emulator when one is given."""
    from google.cloud import tasks_v2

    if not emulator_host:
        return tasks_v2.CloudTasksClient()
    import grpc
    from google.cloud.tasks_v2.services.cloud_tasks.transports import CloudTasksGrpcTransport

    channel = grpc.insecure_channel(emulator_host)
    return tasks_v2.CloudTasksClient(transport=CloudTasksGrpcTransport(channel=channel))
