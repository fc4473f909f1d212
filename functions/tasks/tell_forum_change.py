"""POST /tell_forum_change: Cloud Tasks finishes telling a forum's registrants about a change.

Payload {"forum_id", "sequence", "at", "changed", "as_of"?}: ids and times only, queued by
change_forum before it commits, to run a few minutes later (services/forums/change_notices.py).
Usually the change's own request has told everyone and this finds each person told; after a
crash it tells whoever was not. 200 when done (or stale), 503 + Retry-After while the forum
does not show the change yet. `as_of` is the local clock's time, honoured under `make run`.
"""

from __future__ import annotations

from typing import Annotated

from flask import Request, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from functions import logs, wiring
from functions.domain.shared.validation import FieldError
from functions.entrypoints import task
from functions.http import local_clock
from functions.http.answers import json_errors, json_response, try_later_headers
from functions.services.forums.change_notices import ChangeNotCommittedYet, tell_change

NAME = "tell_forum_change"


class ChangePayload(BaseModel):
    model_config = ConfigDict(extra="forbid")
    forum_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    sequence: int = Field(ge=0, le=1_000_000)
    at: AwareDatetime
    changed: bool
    as_of: AwareDatetime | None = None


@task(NAME, payload=ChangePayload)
def tell_forum_change(request: Request, payload: ChangePayload) -> Response:
    """Tell the change's registrants once each; answer how many were told now."""
    deps = wiring.dependencies()
    now = local_clock.task_time(payload.as_of, NAME) or deps.clock()
    try:
        outcome = tell_change(deps, payload.forum_id, payload.sequence, payload.at,
                              payload.changed, now)  # fmt: skip
    except ChangeNotCommittedYet:
        error = FieldError("sequence", "The forum does not show this change yet")
        return json_errors(503, [error], try_later_headers())
    logs.forum_change_told(payload.forum_id, payload.sequence, outcome["promoted"],
                           outcome["changed"], outcome["stale"])  # fmt: skip
    return json_response(outcome)
