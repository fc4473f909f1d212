"""POST /sweep_outbox: Cloud Scheduler, every few minutes, recovers mail whose task was lost."""

from __future__ import annotations

from flask import Request, Response

from functions import logs, wiring
from functions.entrypoints import job
from functions.http.answers import json_response
from functions.services.mail.dispatch import sweep_outbox as sweep


@job("sweep_outbox")
def sweep_outbox(request: Request) -> Response:
    """Re-enqueue messages left pending or stuck in sending; safe to run at any time."""
    counts = sweep(wiring.dependencies())
    logs.outbox_swept(counts["stuck"], counts["requeued"], counts["given_up"])
    return json_response(counts)
