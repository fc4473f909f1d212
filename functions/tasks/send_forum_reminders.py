"""POST /send_forum_reminders: Cloud Tasks sends a forum's reminders (24 h or 1 h before).

Payload {"forum_id", "offset": "24h" | "1h", "starts_at", "as_of"?}: ids and times only,
queued to run at the start minus the offset (services/forums/reminders.py). A task that finds
the forum cancelled or moved sends nothing (stale) and answers 200, as does one run again
(each person is reminded once). `as_of` is the local clock's time, honoured only under
`make run`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from flask import Request, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, StringConstraints

from functions import logs, wiring
from functions.entrypoints import task
from functions.http import local_clock
from functions.http.answers import json_response
from functions.services.forums.reminders import send_forum_reminders as send

NAME = "send_forum_reminders"


class ReminderPayload(BaseModel):
    model_config = ConfigDict(extra="forbid")
    forum_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    offset: Literal["24h", "1h"]
    starts_at: AwareDatetime
    as_of: AwareDatetime | None = None


@task(NAME, payload=ReminderPayload)
def send_forum_reminders(request: Request, payload: ReminderPayload) -> Response:
    """Remind the forum's registered people once each; answer how many."""
    deps = wiring.dependencies()
    now = local_clock.task_time(payload.as_of, NAME) or deps.clock()
    outcome = send(deps, payload.forum_id, payload.offset, payload.starts_at, now)
    logs.forum_reminders_sent(payload.forum_id, payload.offset, outcome["reminded"],
                              outcome["stale"])  # fmt: skip
    return json_response(outcome)
