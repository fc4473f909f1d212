"""POST /send_nudge: Cloud Tasks runs one nudge that run_nudges queued.

Payload {"reference", "stage", "level", "due", "as_of"?}: ids and times only. Every outcome
is settled with a 200 (nudged; stale: the case moved on; out_of_hours; not_found), so Cloud
Tasks retries only an outage (503). `as_of` is the local clock's time (run_nudges?now=
under `make run`): honoured only there; deployed, it is ignored and the real clock judges.
"""

from __future__ import annotations

from typing import Annotated

from flask import Request, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from functions import logs, wiring
from functions.domain.cases.references import is_reference
from functions.domain.cases.service_levels import Level, Stage
from functions.entrypoints import task
from functions.http import local_clock
from functions.http.answers import json_response
from functions.services.cases import nudge as nudges

NAME = "send_nudge"


class NudgePayload(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reference: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    stage: Stage
    level: Annotated[Level, Field(ge=Level.STAFF)]
    due: AwareDatetime
    as_of: AwareDatetime | None = None


@task(NAME, payload=NudgePayload)
def send_nudge(request: Request, payload: NudgePayload) -> Response:
    """Nudge if the nudge still stands; answer what happened."""
    now = local_clock.task_time(payload.as_of, NAME)
    nudge = nudges.Nudge(payload.reference, payload.stage, payload.level, payload.due)
    outcome = nudges.send_nudge(nudge, wiring.dependencies(), now)
    # Only a reference is logged: anything else in its place may be any text.
    logged = nudge.reference if is_reference(nudge.reference) else "not a reference"
    logs.nudge_outcome(logged, outcome.result.value, nudge.stage.value,
                       int(nudge.level), outcome.why and outcome.why.value,
                       outcome.recipients)  # fmt: skip
    body = {"result": outcome.result.value, "recipients": outcome.recipients}
    if outcome.why:
        body["why"] = outcome.why.value
    return json_response(body)
