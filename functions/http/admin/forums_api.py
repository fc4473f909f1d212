"""The `ecd forums` operations of admin_api (functions/http/admin/api.py):

GET  /forums?month=YYYY-MM        the month's forums the caller sees (network's and region's)
GET  /forums/show?id=<forum_id>   one forum
POST /forums/setup {month}        set a month up (network administrators; the same service
                                  as setup_monthly_forums, which is the scheduler's way in)
POST /forums/create {draft}       a forum by hand (services/forums/creating.py ForumDraft)
POST /forums/edit {forum_id, changes}   change_forum (domain/forums/changes.py ForumChanges)
POST /forums/cancel {forum_id}    cancel_forum: everyone registered is told

Refusals change nothing: 403 outside the caller's scope, 404 no such forum, 422 bad input.
"""

from __future__ import annotations

from typing import Annotated

from flask import Request, Response
from pydantic import BaseModel, ConfigDict, StringConstraints

from functions import logs, wiring
from functions.domain.forums.changes import ForumChanges
from functions.domain.forums.models import MONTH_PATTERN
from functions.domain.shared.validation import FieldError
from functions.domain.shared.vocabulary import ForumFormat
from functions.entrypoints import validated
from functions.http.admin.forums_view import forum_json, may_change, sees
from functions.http.answers import json_errors, json_response, try_later_headers
from functions.http.callers import caller
from functions.services.errors import QueueUnavailable
from functions.services.forums.creating import ForumDraft, ForumInPast, create_forum

NAME = "admin_api"
_Id = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
_Month = Annotated[str, StringConstraints(strip_whitespace=True, pattern=MONTH_PATTERN)]


class SetupBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    month: _Month


class EditBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    forum_id: _Id
    changes: ForumChanges


class CancelBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    forum_id: _Id


def _refuse(status: int, field: str, message: str, reason: str, request: Request) -> Response:
    logs.admin_refused(NAME, status, reason, caller(request).key)
    return json_errors(status, [FieldError(field, message)])


def list_forums(request: Request, body) -> Response:
    month = (request.args.get("month") or "").strip()
    import re

    if not re.fullmatch(MONTH_PATTERN, month):
        logs.input_rejected(NAME, 422, ["month"])
        return json_errors(422, [FieldError("month", "Give the month: /forums?month=YYYY-MM")])
    administrator = caller(request)
    deps = wiring.dependencies()
    forums = [f for f in deps.forums.in_month(month) if sees(administrator, f)]
    record = deps.forum_invitations.month_record(month) or {}
    return json_response({"month": month, "forums": [forum_json(f) for f in forums],
                          "invitations": record.get("invitations"),
                          "recipients": record.get("recipients")})  # fmt: skip


def show_forum(request: Request, body) -> Response:
    forum = wiring.dependencies().forums.get((request.args.get("id") or "").strip())
    if forum is None or not sees(caller(request), forum):
        return _refuse(404, "id", "No such forum", "forum_not_found", request)
    return json_response(forum_json(forum))


def setup(request: Request, body) -> Response:
    from functions.services.forums.setup import MonthRefused, setup_month

    asked = validated(SetupBody, body)
    if not caller(request).whole_network:
        return _refuse(403, "month", "Only a network administrator sets up the monthly forums",
                       "out_of_scope", request)  # fmt: skip
    deps = wiring.dependencies()
    try:
        outcome = setup_month(deps, asked.month, deps.clock())
    except MonthRefused as refused:
        logs.input_rejected(NAME, 422, ["month"])
        return json_errors(422, [FieldError("month", str(refused))])
    except QueueUnavailable:
        return json_errors(503, [FieldError("queue", "The task queue is briefly unavailable; "
                                            "try again: nothing is done twice")],
                           try_later_headers())  # fmt: skip
    logs.forums_set_up(asked.month, outcome["created"], outcome["existing"],
                       outcome["invitations"], outcome["recipients"], outcome["batches"],
                       caller(request).key)  # fmt: skip
    return json_response(outcome)


def create(request: Request, body) -> Response:
    draft = validated(ForumDraft, body)
    administrator = caller(request)
    if not may_change(administrator, draft.region_id):
        return _refuse(403, "region_id", "You may create forums for your region only "
                       "(give region_id)", "out_of_scope", request)  # fmt: skip
    deps = wiring.dependencies()
    if draft.region_id and deps.directory.get_region(draft.region_id) is None:
        # A typo would make a forum no regional administrator sees, its alerts told to nobody.
        logs.input_rejected(NAME, 422, ["region_id"])
        return json_errors(422, [FieldError("region_id", "No such region")])
    try:
        forum = create_forum(deps, draft, deps.clock())
    except ForumInPast as problem:
        logs.input_rejected(NAME, 422, ["starts_at"])
        return json_errors(422, [FieldError("starts_at", str(problem))])
    logs.forum_changed(forum.forum_id, "created", administrator.key)
    return json_response(forum_json(forum), 201)


def edit(request: Request, body) -> Response:
    from functions.services.forums.changes import change_forum

    asked = validated(EditBody, body)

    def call(deps, now):
        forum = deps.forums.get(asked.forum_id)
        if asked.changes.breakout_rooms and forum.format != ForumFormat.GOOGLE_MEET_BREAKOUTS:
            raise ValueError("only a breakout forum has breakout rooms")  # as ForumDraft says
        return change_forum(deps, asked.forum_id, asked.changes, now)

    return _change(request, asked.forum_id, "edited", call)


def cancel(request: Request, body) -> Response:
    from functions.services.forums.changes import cancel_forum

    asked = validated(CancelBody, body)
    return _change(
        request,
        asked.forum_id,
        "cancelled",
        lambda deps, now: cancel_forum(deps, asked.forum_id, now),
    )


def _change(request: Request, forum_id: str, action: str, call) -> Response:
    administrator = caller(request)
    deps = wiring.dependencies()
    forum = deps.forums.get(forum_id)
    if forum is None or not sees(administrator, forum):
        return _refuse(404, "forum_id", "No such forum", "forum_not_found", request)
    if not may_change(administrator, forum.region_id):
        return _refuse(403, "forum_id", "That forum is the network's (or another region's): "
                       "not yours to change", "out_of_scope", request)  # fmt: skip
    from functions.services.forums.errors import ForumClosed

    try:
        changed = call(deps, deps.clock())
    except ValueError as problem:  # the change does not fit the forum (R's service says why)
        logs.input_rejected(NAME, 422, ["changes"])
        return json_errors(422, [FieldError("changes", str(problem)[:300])])
    except ForumClosed:
        return _refuse(409, "forum_id", "This forum was cancelled: it cannot be changed",
                       "forum_cancelled", request)  # fmt: skip
    except QueueUnavailable:  # nothing committed, or the telling resumes: calling again is safe
        return json_errors(503, [FieldError("queue", "The task queue is briefly unavailable; "
                                            "try again: nobody is told twice")],
                           try_later_headers())  # fmt: skip
    logs.forum_changed(forum_id, action, administrator.key)
    return json_response(forum_json(changed))
