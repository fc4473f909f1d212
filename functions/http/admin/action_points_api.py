"""The `ecd` tool's action point operations (admin_api, functions/http/admin/api.py):

GET  /action_points?month=YYYY-MM[&region=<id>]   a scope's points of the month (no region:
                                                  the network's, or a regional caller's own)
POST /action_points/add {month, region?, text, owner_name, owner_email?, due, forum_id?}
POST /action_points/done {point_id, done?}        done (default) or reopened (done: false)

Answers are JSON; times ISO 8601 in UTC, due dates YYYY-MM-DD, `overdue` against the clock.
Texts are returned as typed: whoever shows them must escape them. Refusals: 403 a region not
the caller's, 404 no such point (in the caller's scope) or region, 422 fields not right;
nothing is changed by any of them.
"""

from __future__ import annotations

from flask import Request, Response

from functions import logs, wiring
from functions.domain.reports.action_points import ActionPoint
from functions.domain.shared.validation import FieldError
from functions.http.answers import json_errors, json_response
from functions.http.callers import caller
from functions.services.admin.scope import OutOfScope, UnknownRegion
from functions.services.reports import action_points as service

NAME = "admin_api"


def point_json(point: ActionPoint, now) -> dict:
    return {
        "point_id": point.point_id, "scope": point.scope, "month": point.month,
        "forum_id": point.forum_id, "text": point.text,
        "owner": {"name": point.owner.name, "email": point.owner.email},
        "due": point.due.isoformat(), "state": point.state.value,
        "overdue": point.overdue(now),
        "done_at": point.done_at.isoformat() if point.done_at else None,
        "created_at": point.created_at.isoformat(), "updated_at": point.updated_at.isoformat(),
        "changes": len(point.history),
    }  # fmt: skip


def _text(value, limit: int) -> str:
    return value[:limit] if isinstance(value, str) else ""


def _refused(administrator, problem: Exception) -> Response:
    status, field, reason, message = {
        OutOfScope: (403, "region", "out_of_scope", "That region is not yours"),
        UnknownRegion: (404, "region", "unknown_region", "No region has this id"),
        service.UnknownPoint: (404, "point_id", "unknown_action_point",
                               "No action point has this id in your scope"),
    }[type(problem)]  # fmt: skip
    logs.admin_refused(NAME, status, reason, administrator.key)
    return json_errors(status, [FieldError(field, f"{message}: nothing was changed")])


def _bad(bad: service.BadPoint) -> Response:
    logs.input_rejected(NAME, 422, [e.field for e in bad.errors])
    return json_errors(422, bad.errors)


def list_points(request: Request, body) -> Response:
    """{points: [...], count, month, region}."""
    administrator, deps = caller(request), wiring.dependencies()
    month = request.args.get("month", "")[:20]
    if not service.valid_month(month):
        return _bad(service.BadPoint([FieldError("month", "Give the month as YYYY-MM")]))
    scope = request.args.get("region", "")[:200] or administrator.region_id
    try:
        found = service.list_points(deps, administrator, scope, month)
    except OutOfScope as problem:
        return _refused(administrator, problem)
    now = deps.clock()
    return json_response({"points": [point_json(p, now) for p in found], "count": len(found),
                          "month": month, "region": scope})  # fmt: skip


def add(request: Request, body) -> Response:
    """201 the point added."""
    administrator, deps = caller(request), wiring.dependencies()
    body = body if isinstance(body, dict) else {}
    scope = _text(body.get("region"), 200) or administrator.region_id
    given = {f: _text(body.get(f), 4000) for f in service.EDITABLE}
    try:
        point = service.add_point(deps, administrator, scope, _text(body.get("month"), 20),
                                  given)  # fmt: skip
    except service.BadPoint as bad:
        return _bad(bad)
    except (OutOfScope, UnknownRegion) as problem:
        return _refused(administrator, problem)
    return json_response(point_json(point, deps.clock()), 201)


def done(request: Request, body) -> Response:
    """200 the point, done (or reopened with "done": false); already so changes nothing."""
    administrator, deps = caller(request), wiring.dependencies()
    body = body if isinstance(body, dict) else {}
    mark = body.get("done", True)
    if not isinstance(mark, bool):
        return _bad(service.BadPoint([FieldError("done", "Give true or false")]))
    try:
        point = service.mark_point(deps, administrator, _text(body.get("point_id"), 200), mark)
    except service.UnknownPoint as problem:
        return _refused(administrator, problem)
    return json_response(point_json(point, deps.clock()))
