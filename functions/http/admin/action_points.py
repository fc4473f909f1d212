"""GET/POST admin?page=action_points&month=YYYY-MM[&region=<id>]: a scope's action points of
the month (English): each with its owner, due date and state, the overdue ones flagged
against the clock; a form to add one; done / reopen buttons; and under each point a folded
form to edit it (what, owner, address, due date, forum), which carries the point's
updated_at as shown: when someone changed the point since, nothing is changed and the page
answers 409 with the point as it stands and the edit still in its form, to check and send
again (services/reports/action_points.py). A regional administrator sees and changes their
region's only (no `region`: theirs); a network administrator the network's own (no
`region`) or any region's. Every form carries the CSRF token; each change answers 303 back
to the page, so a refresh sends nothing twice. 360 px wide, no script.
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
_SAVED = ("added", "edited", "done", "reopen")
_STALE = ("Someone changed this point after you opened the page, so nothing was changed. It "
          "is shown as it stands now, and its form holds it with your changes on top: check "
          "them and save again.")  # fmt: skip
_LABELS = {"text": "what is to be done", "owner_name": "the owner's name",
           "owner_email": "the owner's email", "due": "the due date",
           "forum_id": "the forum"}  # fmt: skip


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
    errors, given, editing, status, edit_form = [], {}, "", 200, {}
    if request.method == "POST":
        if (refused := check_csrf(request)) is not None:
            return refused
        action = request.form.get("action", "")
        point_id = request.form.get("point_id", "")[:100]
        try:
            if action in ("done", "reopen"):
                service.mark_point(deps, administrator, point_id, action == "done")
            elif action == "edit":
                editing = point_id
                given = {f: request.form[f][:4000] for f in _FIELDS if f in request.form}
                seen = service.read_seen(request.form.get("updated_at", ""))
                service.edit_point(deps, administrator, point_id, given, seen)
                action = "edited"
            else:
                given = {f: request.form.get(f, "")[:4000] for f in _FIELDS}
                service.add_point(deps, administrator, scope, month, given)
                action = "added"
            anchor = f"#point-{point_id}" if action != "added" else ""
            where = _where(month, scope, saved=action) + anchor
            return Response(status=303, headers={"Location": where})
        except service.BadPoint as bad:
            logs.input_rejected(NAME, 422, [e.field for e in bad.errors])
            errors, status = [e.text for e in bad.errors], 422
            if editing:  # as sent, on the reading it was sent from
                edit_form = {"values": given, "was": _was(request.form),
                             "updated_at": request.form.get("updated_at", "")[:64]}  # fmt: skip
        except service.StalePoint as stale:
            logs.admin_refused(NAME, 409, "stale_action_point", administrator.key)
            edit_form, both = _rebased(stale.point, given, request.form)
            errors, status = [_STALE], 409
            if both:
                errors.append(f"They changed {', '.join(both)} too: yours is in the form.")
        except (service.UnknownPoint, UnknownRegion, OutOfScope):
            logs.admin_refused(NAME, 404, "unknown_action_point", administrator.key)
            return not_found_page()
    points = service.list_points(deps, administrator, scope, month)
    region = deps.directory.get_region(scope) if scope else None
    scope_name = region.name if region else (scope or "The whole network")
    regions = deps.directory.list_regions() if administrator.whole_network else []
    # The month's forums of this scope (the network's and the region's) to tie a point to.
    forums = {f.forum_id: f"{f.title}, {f.starts_at.astimezone(ZoneInfo(f.timezone)):%d %b}"
              for f in deps.forums.in_month(month)
              if f.region_id in (None, scope) and administrator.sees(f.region_id)}  # fmt: skip
    saved = request.args.get("saved", "")
    # Each point's edit form: as it stands, or (its edit refused) as worked out above.
    forms = {p.point_id: _form(p) for p in points}
    editing = editing if editing in forms else ""
    if editing:
        base = forms[editing]
        forms[editing] = base | edit_form | {"values": base["values"] | edit_form["values"]}
    return admin_view(
        request, "action_points.html", f"Action points of {month}", status,
        month=month, scope=scope, scope_name=scope_name,
        points=points, overdue={p.point_id for p in points if p.overdue(now)}, now=now,
        errors=errors, given={} if request.form.get("action") == "edit" else given,
        saved=saved if saved in _SAVED else "", editing=editing, forms=forms,
        previous=_where(shift(month, -1), scope), following=_where(shift(month, 1), scope),
        here=_where(month, scope), regions=regions, month_forums=forums,
    )  # fmt: skip


def _form(point) -> dict:
    """A point's edit form: its fields, the same as `was_<field>` (what the form was shown
    with, to tell what the sender changed), and its updated_at (the version it edits)."""
    current = service.current_fields(point)
    return {"values": current, "was": current, "updated_at": point.updated_at.isoformat()}


def _was(form) -> dict:
    return {f: form.get(f"was_{f}", "")[:4000] for f in _FIELDS}


def _rebased(point, given: dict, form) -> tuple[dict, list[str]]:
    """A stale edit's form, on the point as it stands: the fields the sender changed (sent
    unlike what their form was shown with) over the current ones, so sending it again
    undoes nobody's change by accident; and which of those someone else changed too."""
    was, current = _was(form), service.current_fields(point)
    mine = {f: v for f, v in given.items() if v != was[f]}
    both = [_LABELS[f] for f, v in mine.items() if current[f] not in (was[f], v)]
    rebased = _form(point)
    return rebased | {"values": current | mine}, both
