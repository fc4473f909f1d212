"""POST /send_charter: Cloud Tasks sends one centre's charter to its principal
(services/charters/send.py), queued by distribute_charters.

Payload {"centre_id", "version"}: ids only (the version names the task; the charter sent is
the centre's current one). The record and the email are one commit: a retried or repeated
task finds the version sent and writes nothing. Settled outcomes (sent, already, no_email,
unknown_centre) answer 200; an outage 503 (the decorator), which Cloud Tasks retries.
"""

from __future__ import annotations

from typing import Annotated

from flask import Request, Response
from pydantic import BaseModel, ConfigDict, StringConstraints

from functions import logs, wiring
from functions.entrypoints import task
from functions.http.answers import json_response
from functions.services.charters.send import send_charter as send

NAME = "send_charter"
Id = Annotated[str, StringConstraints(min_length=1, max_length=100)]


class CharterTask(BaseModel):
    model_config = ConfigDict(extra="forbid")
    centre_id: Id
    version: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{1,64}$")]


@task(NAME, payload=CharterTask)
def send_charter(request: Request, payload: CharterTask) -> Response:
    outcome = send(wiring.dependencies(), payload.centre_id)
    logs.charter_sent(payload.centre_id, outcome.value)
    return json_response({"outcome": outcome.value})
