"""POST /send_forum_surveys: Cloud Tasks sends one forum's survey invitations or reminders
that are due (run_forum_followups queued it). Payload {"forum_id", "kind": "survey" |
"reminder", "as_of"?}: ids only. Settled with a 200 whatever it finds (sent; closed: the
survey closed or the forum was cancelled; not_found), so Cloud Tasks retries only an outage
(503). `as_of` is the local clock's time (honoured under `make run` only).
"""

from __future__ import annotations

from typing import Annotated, Literal

from flask import Request, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, StringConstraints

from functions import logs, wiring
from functions.entrypoints import task
from functions.http import local_clock
from functions.http.answers import json_response

NAME = "send_forum_surveys"


class SurveysPayload(BaseModel):
    model_config = ConfigDict(extra="forbid")
    forum_id: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    kind: Literal["survey", "reminder"]
    as_of: AwareDatetime | None = None


@task(NAME, payload=SurveysPayload)
def send_forum_surveys(request: Request, payload: SurveysPayload) -> Response:
    from functions.services.forums.followups import Kind, send_surveys

    now = local_clock.task_time(payload.as_of, NAME)
    done = send_surveys(wiring.dependencies(), payload.forum_id, Kind(payload.kind), now,
                        payload.as_of)  # fmt: skip
    logs.forum_surveys_sent(payload.forum_id, payload.kind, done.sent, done.skipped, done.more)
    return json_response(done._asdict())
