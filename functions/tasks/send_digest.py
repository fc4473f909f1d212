"""POST /send_digest: Cloud Tasks sends one centre's (or region's) digests of one day.

Payload {"centre_id" | "region_id", "date", "as_of"?}: ids and a date only. A centre's task
also leaves the centre's summary of the day; a region's (queued to run after its centres')
is made of those summaries, and counts a centre without one from its open cases
("counted_directly" in the answer). Every outcome is settled with a 200 (sent, already
sent, skipped: unknown, not a working day, stale), so Cloud Tasks retries only an outage
(503). `as_of` is the local clock's time (send_digests?now= under `make run`): honoured
only there; deployed, it is ignored and the real clock rules.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from flask import Request, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from functions import logs, wiring
from functions.entrypoints import task
from functions.http import local_clock
from functions.http.answers import json_response
from functions.services.cases.digest import send_centre_digest, send_region_digest

NAME = "send_digest"
_Id = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class DigestPayload(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    centre_id: _Id | None = None
    region_id: _Id | None = None
    day: date = Field(alias="date")
    as_of: AwareDatetime | None = None

    @model_validator(mode="after")
    def _one_scope(self):
        if (self.centre_id is None) == (self.region_id is None):
            raise ValueError("give either centre_id or region_id")
        return self


@task(NAME, payload=DigestPayload)
def send_digest(request: Request, payload: DigestPayload) -> Response:
    """Send each recipient's digest of the day at most once; answer the counts."""
    deps = wiring.dependencies()
    now = local_clock.task_time(payload.as_of, NAME) or deps.clock()
    if payload.centre_id is not None:
        scope, target = "centre", payload.centre_id
        outcome = send_centre_digest(target, payload.day, deps, now)
    else:
        scope, target = "region", payload.region_id
        outcome = send_region_digest(target, payload.day, deps, now)
    logs.digest_outcome(scope, target, payload.day.isoformat(), outcome.sent, outcome.already,
                        outcome.skipped)  # fmt: skip
    return json_response(outcome._asdict())
