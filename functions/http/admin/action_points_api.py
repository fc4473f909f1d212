"""The `ecd` tool's action point operations (admin_api, functions/http/admin/api.py):

GET  /action_points?month=YYYY-MM[&region=<id>]   a scope's points of the month (no region:
                                                  the network's, or a regional caller's own)
POST /action_points/add {month, region?, text, owner_name, owner_email?, due, forum_id?}
POST /action_points/done {point_id, done?}        done (default) or reopened (done: false)
POST /action_points/edit {point_id, updated_at?, text?, owner_name?, owner_email?, due?,
                          forum_id?}              the fields given changed, the others kept
                                                  ("" removes the address or the forum); a
                                                  done point stays done

Answers are JSON; times ISO 8601 in UTC, due dates YYYY-MM-DD, `overdue` against the clock.
Texts are returned as typed: whoever shows them must escape them. Refusals: 403 a region not
the caller's, 404 no such point (in the caller's scope) or region, 422 fields not right, 409
an edit whose `updated_at` (the point's, as the sender read it) is no longer the point's:
someone changed it since (the answer's `point` is it as it stands). Without `updated_at` an
edit applies to the point as it stands (last write wins). Nothing is changed by a refusal.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Request, Response

from functions import logs, wiring
from functions.domain.reports.action_points import ActionPoint
from functions.domain.shared.validation import FieldError
from functions.http.answers import json_errors, json_response
from functions.http.callers import caller
from functions.services.admin.scope import OutOfScope, UnknownRegion
from functions.services.reports import action_points as service

NAME = "admin_api"


def _utc(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment else None


def point_json(point: ActionPoint, now) -> dict:
    """The point as JSON; `updated_at` is also its version (what /action_points/edit takes)."""
    return {
        "point_id": point.point_id, "scope": point.scope, "month": point.month,
        "forum_id": point.forum_id, "text": point.text,
        "owner": {"name": point.owner.name, "email": point.owner.email},
        "due": point.due.isoformat(), "state": point.state.value,
        "overdue": point.overdue(now),
        "done_at": _utc(point.done_at), "created_at": _utc(point.created_at),
        "updated_at": _utc(point.updated_at),
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


def edit(request: Request, body) -> Response:
    """200 the point edited (or as it was, when nothing given differs)."""
    administrator, deps = caller(request), wiring.dependencies()
    body = body if isinstance(body, dict) else {}
    given = {f: _text(body[f], 4000) for f in service.EDITABLE if f in body}
    try:
        seen = service.read_seen(body.get("updated_at"))
        point = service.edit_point(deps, administrator, _text(body.get("point_id"), 200),
                                   given, seen)  # fmt: skip
    except service.BadPoint as bad:
        return _bad(bad)
    except service.UnknownPoint as problem:
        return _refused(administrator, problem)
    except service.StalePoint as stale:
        logs.admin_refused(NAME, 409, "stale_action_point", administrator.key)
        message = ("The point was changed after you read it (updated_at differs): nothing was "
                   "changed; read it again and edit that")  # fmt: skip
        return json_response({"errors": [{"field": "updated_at", "message": message}],
                              "point": point_json(stale.point, deps.clock())}, 409)  # fmt: skip
    return json_response(point_json(point, deps.clock()))
