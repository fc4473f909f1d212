"""POST /invite_to_forums: Cloud Tasks writes one batch of a month's forum invitations.

Payload {"batch_id", "as_of"?}: the batch's id only (its recipients are in Firestore,
services/forums/invitations.py). Each person not invited this month yet gets their
invitation record and email in one commit, delivery queued while committing; a retried task
invites nobody twice. Settled outcomes (invited, already invited, unknown batch) answer 200;
an outage 503 (the decorator), which Cloud Tasks retries. `as_of`: the local clock's time
(setup_monthly_forums?now= under `make run`), ignored deployed.
"""

from __future__ import annotations

from typing import Annotated

from flask import Request, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, StringConstraints

from functions import logs, wiring
from functions.entrypoints import task
from functions.http import local_clock
from functions.http.answers import json_response
from functions.services.forums.invitations import invite_batch

NAME = "invite_to_forums"


class InvitationBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    batch_id: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    as_of: AwareDatetime | None = None


@task(NAME, payload=InvitationBatch)
def invite_to_forums(request: Request, payload: InvitationBatch) -> Response:
    deps = wiring.dependencies()
    now = local_clock.task_time(payload.as_of, NAME) or deps.clock()
    outcome = invite_batch(deps, payload.batch_id, now)
    logs.forum_invitations_outcome(payload.batch_id, outcome.invited, outcome.already,
                                   outcome.no_forum, outcome.skipped)  # fmt: skip
    return json_response(outcome._asdict())
