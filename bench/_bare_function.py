"""The baseline for bench/cold_start.py: the least an HTTP function that stores something does.

`functions-framework --target=write_one --source=bench/_bare_function.py` with
FIRESTORE_EMULATOR_HOST and GOOGLE_CLOUD_PROJECT set. No validation, no settings, no
templates: import Firestore, build one client (once per process, as a real function would),
write one document, answer 201. Variants: with a pydantic model validating the body (the
stack's floor), and with one Cloud Tasks call after it. Not a script: `make bench` running
it does nothing.
"""

from __future__ import annotations

import os
import time

_client = None


def write_one(request):
    """Write one document to the `bench_cold_start` collection; 201 with its id."""
    global _client
    if _client is None:
        from google.cloud import firestore

        _client = firestore.Client()
    document = _client.collection("bench_cold_start").document()
    document.set({"body_bytes": len(request.get_data()), "at": time.time()})
    return {"id": document.id}, 201


def write_one_validated(request):
    """write_one, after validating the JSON body with a one-field pydantic model."""
    from pydantic import BaseModel

    class Body(BaseModel):
        note: str = ""

    Body.model_validate(request.get_json(silent=True) or {})
    return write_one(request)


_queue = None


def write_one_and_queue(request):
    """write_one_validated, then one Cloud Tasks call (the emulator at
    CLOUD_TASKS_EMULATOR_HOST): the floor of a function that must also queue work."""
    global _queue
    answer = write_one_validated(request)
    if _queue is None:
        import grpc
        from google.cloud import tasks_v2
        from google.cloud.tasks_v2.services.cloud_tasks.transports import (
            CloudTasksGrpcTransport,
        )

        channel = grpc.insecure_channel(os.environ["CLOUD_TASKS_EMULATOR_HOST"])
        _queue = tasks_v2.CloudTasksClient(transport=CloudTasksGrpcTransport(channel=channel))
    parent = os.environ["BENCH_QUEUE_PATH"]
    task = {"http_request": {"http_method": "POST", "url": "http://127.0.0.1:9/never",
                             "body": answer[0]["id"].encode()}}  # fmt: skip
    _queue.create_task(parent=parent, task=task, timeout=10)
    return answer
