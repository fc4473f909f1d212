"""The baseline for bench/cold_start.py: the least an HTTP function that stores something does.

`functions-framework --target=write_one --source=bench/_bare_function.py` with
FIRESTORE_EMULATOR_HOST and GOOGLE_CLOUD_PROJECT set. No validation, no settings, no
templates: import Firestore, build one client (once per process, as a real function would),
write one document, answer 201. Not a script: `make bench` running it does nothing.
"""

from __future__ import annotations

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
