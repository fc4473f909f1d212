"""POST /distribute_charters: an administrator sends every changed charter in their scope to
the principals (services/charters/distribute.py; `ecd charters distribute`).

Body: {"region_id": optional}. A regional administrator distributes their own region (the
default; another region is 403); a network administrator the region given, or the whole
network. One send_charter task is queued per centre whose charter changed since it was last
sent, named by the centre and the version: the same request again (or retried after an
outage) queues nothing new. Answers 200 {region_id, centres, queued, unchanged, no_email}.
404 an unknown region; 503 + Retry-After when storage or the task queue is out (the same
request again queues the rest).
"""

from __future__ import annotations

from flask import Request, Response
from pydantic import BaseModel, ConfigDict, Field, field_validator

from functions import logs, wiring
from functions.domain.shared.validation import FieldError
from functions.entrypoints import Refused, admin_api
from functions.http.answers import json_errors, json_response, try_later_headers
from functions.http.callers import caller
from functions.services.errors import QueueUnavailable

NAME = "distribute_charters"


class DistributeBody(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    region_id: str | None = Field(default=None, min_length=1, max_length=100)

    @field_validator("region_id")
    @classmethod
    def _printable(cls, text: str | None) -> str | None:
        if text is not None and not text.isprintable():
            raise ValueError("printable characters only (no line breaks or control characters)")
        return text


def scope_of(administrator, region_id: str | None) -> str | None:
    """The region to distribute (None: the network), or Refused (403, 404)."""
    scope = region_id if region_id is not None else administrator.region_id
    if not administrator.sees(scope):
        raise Refused(403, [FieldError("region_id", "You administer another region")])
    if scope is not None and wiring.dependencies().directory.get_region(scope) is None:
        raise Refused(404, [FieldError("region_id", "No region of that id")])
    return scope


@admin_api(NAME, body=DistributeBody)
def distribute_charters(request: Request, body: DistributeBody | None) -> Response:
    from functions.services.charters.distribute import distribute

    administrator = caller(request)
    scope = scope_of(administrator, body.region_id if body else None)
    try:
        done = distribute(wiring.dependencies(), scope)
    except QueueUnavailable:
        logs.charters_not_queued(NAME)
        message = ("The task queue is briefly unavailable: send the same request again in a "
                   "minute to queue the rest (nothing is sent twice)")  # fmt: skip
        return json_errors(503, [FieldError("queue", message)], try_later_headers())
    logs.charters_distributed(scope, done.centres, done.queued, done.unchanged, done.no_email,
                              administrator.key)  # fmt: skip
    return json_response({"region_id": scope, **done._asdict()})
