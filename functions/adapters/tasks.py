"""Cloud Tasks: one HTTP task per outbox delivery, named so a repeat is a no-op."""

from __future__ import annotations

import hashlib
import json

from functions.services.errors import QueueUnavailable


def delivery_task_id(message_id: str, dispatch: int) -> str:
    """Hashed, never sequential; `dispatch` counts re-enqueues by the sweep, whose tasks
    need new names because Cloud Tasks refuses a used name for days after it ran."""
    return hashlib.sha256(f"deliver:{message_id}:{dispatch}".encode()).hexdigest()[:40]


class CloudTasksQueue:
    """Enqueues POST <deliver_email URL> {"message_id", "recipient_key"}: ids only.

    `client` is a CloudTasksClient or a function that makes one on first use, so that a
    client that cannot be built (no credentials) is a QueueUnavailable like any other.
    """

    def __init__(self, client, queue_path: str, target_url: str, invoker_email: str | None,
                 timeout: float = 10.0):  # fmt: skip
        self._client = client
        self._queue = queue_path
        self._url = target_url
        self._invoker = invoker_email
        self._timeout = timeout

    def enqueue_delivery(self, message_id: str, recipient_key: str, dispatch: int) -> None:
        """Create the delivery task; ALREADY_EXISTS means it was created before: success."""
        from google.api_core import exceptions

        body = json.dumps({"message_id": message_id, "recipient_key": recipient_key}).encode()
        request = {
            "http_method": "POST",
            "url": self._url,
            "headers": {"Content-Type": "application/json"},
            "body": body,
        }
        if self._invoker:
            request["oidc_token"] = {"service_account_email": self._invoker}
        task = {
            "name": f"{self._queue}/tasks/{delivery_task_id(message_id, dispatch)}",
            "http_request": request,
        }
        try:
            self._connected().create_task(parent=self._queue, task=task, timeout=self._timeout)
        except exceptions.AlreadyExists:
            return
        except Exception as error:  # noqa: BLE001 - API errors, credentials, transport: retry later
            raise QueueUnavailable(type(error).__name__) from error

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
