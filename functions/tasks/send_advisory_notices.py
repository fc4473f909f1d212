"""POST /send_advisory_notices: Cloud Tasks writes one batch of an advisory selection's "not
selected" notices (services/advisory/notifying.py).

Payload {"selection_id", "batch"}: ids only (the people are in the stored selection). The
batch's mail and its once key are one commit: a retried or repeated task writes nothing more.
Settled outcomes (written, written before, unknown selection or batch) answer 200; an outage
503 (the decorator), which Cloud Tasks retries.
"""

from __future__ import annotations

from typing import Annotated

from flask import Request, Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from functions import logs, wiring
from functions.entrypoints import task
from functions.http.answers import json_response
from functions.services.advisory.notifying import send_notice_batch

NAME = "send_advisory_notices"


class NoticeBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    selection_id: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    batch: int = Field(ge=1, le=100_000, strict=True)


@task(NAME, payload=NoticeBatch)
def send_advisory_notices(request: Request, payload: NoticeBatch) -> Response:
    outcome = send_notice_batch(wiring.dependencies(), payload.selection_id, payload.batch)
    logs.advisory_notices_sent(payload.selection_id, payload.batch, outcome.emailed,
                               outcome.already, outcome.skipped)  # fmt: skip
    return json_response(outcome._asdict())
