"""GET/POST admin?page=action_points&month=YYYY-MM[&region=<id>]: a scope's action points of
the month (English): each with its owner, due date and state, the overdue ones flagged
against the clock; a form to add one; done / reopen buttons. A regional administrator sees
and changes their region's only (no `region`: theirs); a network administrator the
network's own (no `region`) or any region's. Every form carries the CSRF token; each change
answers 303 back to the page, so a refresh sends nothing twice. 360 px wide, no script.
"""

from __future__ import annotations

from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from flask import Request, Response

from functions import logs, wiring
from functions.domain.shared.calendar import DEFAULT_TIMEZONE
from functions.http.admin.forum_pages import shift
from functions.http.admin.session import admin_view, check_csrf
from functions.http.callers import caller
from functions.http.pages import not_found_page
from functions.services.admin.scope import OutOfScope, UnknownRegion
from functions.services.reports import action_points as service

NAME = "admin"
_FIELDS = ("text", "owner_name", "owner_email", "due", "forum_id")


def _where(month: str, scope: str | None, **extra) -> str:
    query = {"page": "action_points", "month": month} | ({"region": scope} if scope else {})
    return "admin?" + urlencode(query | extra)


def action_points_page(request: Request) -> Response:
    administrator, deps = caller(request), wiring.dependencies()
    now = deps.clock()
    month = request.args.get("month", "")[:7]
    if not service.valid_month(month):
        month = now.astimezone(ZoneInfo(DEFAULT_TIMEZONE)).strftime("%Y-%m")
    scope = request.args.get("region", "")[:100] or administrator.region_id
    if not administrator.sees(scope):
        logs.admin_refused(NAME, 404, "out_of_scope", administrator.key)
        return not_found_page()
    errors, given = [], {}
    if request.method == "POST":
        if (refused := check_csrf(request)) is not None:
            return refused
        action = request.form.get("action", "")
        try:
            if action in ("done", "reopen"):
                point_id = request.form.get("point_id", "")[:100]
                service.mark_point(deps, administrator, point_id, action == "done")
            else:
                given = {f: request.form.get(f, "")[:4000] for f in _FIELDS}
                service.add_point(deps, administrator, scope, month, given)
                action = "added"
            return Response(status=303, headers={"Location": _where(month, scope, saved=action)})
        except service.BadPoint as bad:
            logs.input_rejected(NAME, 422, [e.field for e in bad.errors])
            errors = [e.text for e in bad.errors]
        except (service.UnknownPoint, UnknownRegion, OutOfScope):
            logs.admin_refused(NAME, 404, "unknown_action_point", administrator.key)
            return not_found_page()
    points = service.list_points(deps, administrator, scope, month)
    region = deps.directory.get_region(scope) if scope else None
    scope_name = region.name if region else (scope or "The whole network")
    regions = deps.directory.list_regions() if administrator.whole_network else []
    saved = request.args.get("saved", "")
    return admin_view(
        request, "action_points.html", f"Action points of {month}", 422 if errors else 200,
        month=month, scope=scope, scope_name=scope_name,
        points=points, overdue={p.point_id for p in points if p.overdue(now)}, now=now,
        errors=errors, given=given, saved=saved if saved in ("added", "done", "reopen") else "",
        previous=_where(shift(month, -1), scope), following=_where(shift(month, 1), scope),
        here=_where(month, scope), regions=regions,
    )  # fmt: skip
