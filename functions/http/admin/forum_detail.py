"""GET/POST admin?page=forum&id=<forum>: one forum for its administrators (English, no script,
360 px wide): everything about it (the joining details too), its figures, who registered
or waits, links to its attendance, roll and public registration form, the edit form and the
cancel button with its confirmation step (`&confirm=cancel`). Both forms carry CSRF.

Editing sends change_forum only the fields that differ from the stored forum, so an
unchanged form changes nothing and tells nobody; the page then says what changed and how
many registrants were told (the registered, when something their calendar shows changed;
else those a larger capacity promoted). Cancelling tells everyone registered or waiting
(services/forums/changes.py). Scope as the admin API's: another region's forum is 404, a
forum the administrator may see but not change is 403.
"""

from __future__ import annotations

from urllib.parse import quote
from zoneinfo import ZoneInfo

from flask import Request, Response
from pydantic import ValidationError

from functions import logs, wiring
from functions.config import get_settings
from functions.domain.forums.changes import ForumChanges
from functions.domain.forums.models import Forum, RegistrationState
from functions.http.admin import forum_form
from functions.http.admin.forum_pages import NAME, form_choices, unavailable
from functions.http.admin.forums_view import may_change, sees
from functions.http.admin.session import admin_view, check_csrf
from functions.http.callers import caller
from functions.http.pages import error_page, not_found_page
from functions.services.errors import QueueUnavailable
from functions.services.forums.errors import ForumClosed

EDITABLE = ("title", "starts_at", "ends_at", "timezone", "capacity", "topics", "audiences",
            "breakout_rooms", "joining", "details_release_hours", "description")  # fmt: skip
SAID = {"title": "title", "starts_at": "start", "ends_at": "end", "timezone": "time zone",
        "capacity": "capacity", "topics": "topics", "audiences": "audiences",
        "breakout_rooms": "breakout rooms", "joining": "joining details",
        "details_release_hours": "when the joining details are released",
        "description": "description"}  # fmt: skip
_DONE = {"created", "edited", "unchanged", "cancelled"}
_ORDER = {RegistrationState.REGISTERED: 0, RegistrationState.WAITLISTED: 1,
          RegistrationState.CANCELLED: 2}  # fmt: skip


def forum_page(request: Request) -> Response:
    administrator = caller(request)
    deps = wiring.dependencies()
    forum = deps.forums.get(request.args.get("id", "")[:200])
    if forum is None or not sees(administrator, forum):
        if forum is not None:
            logs.admin_refused(NAME, 404, "out_of_scope", administrator.key)
        return not_found_page()
    values, errors = forum_form.values_of(forum), {}
    if request.method == "POST":
        if (refused := check_csrf(request)) is not None:
            return refused
        if not may_change(administrator, forum.region_id):
            logs.admin_refused(NAME, 403, "out_of_scope", administrator.key)
            return error_page(403, "Not yours to change", "This forum is the network's (or "
                              "another region's): its administrators change it.")  # fmt: skip
        try:
            if request.form.get("action") == "cancel":
                return _cancel(request, forum)
            values = forum_form.read(request.form)
            answer, errors = _edit(request, forum, values)
        except QueueUnavailable:
            return unavailable()
        if answer is not None:
            return answer
        logs.input_rejected(NAME, 422, sorted(errors))
    return _page(request, forum, values, errors)


def _page(request: Request, forum: Forum, values: dict, errors: dict) -> Response:
    administrator = caller(request)
    deps = wiring.dependencies()
    registrations = sorted(deps.forums.registrations(forum.forum_id),
                           key=lambda r: (_ORDER[r.state], r.waitlist_position or 0,
                                          r.created_at))  # fmt: skip
    centres = {c.centre_id: c.name for c in deps.directory.list_centres()}
    done = request.args.get("done", "")
    told = request.args.get("told", "")
    changed = [SAID[name] for name in request.args.get("changed", "").split(",") if name in SAID]
    public = (
        f"{get_settings().url_for('forum_registration')}?forum={quote(forum.forum_id, safe='')}"
    )
    return admin_view(
        request, "forum.html", forum.title, 422 if errors else 200, forum=forum,
        values=values, errors=errors, registrations=registrations, centres=centres,
        done=done if done in _DONE else None, changed=changed,
        told=int(told) if told.isdecimal() and len(told) < 8 else None,
        confirm=request.args.get("confirm") == "cancel" and not forum.cancelled,
        may_change=may_change(administrator, forum.region_id), public_url=public,
        now=deps.clock(), **form_choices(),
        ends_local=forum.ends_at.astimezone(ZoneInfo(forum.timezone)).strftime("%H:%M"),
    )  # fmt: skip


def _edit(request: Request, forum: Forum, values: dict):
    """(the 303 answer, {}) or (None, problems by field)."""
    from functions.services.forums.changes import SHOWN, change_forum

    fields, errors = forum_form.parse(values)
    if fields.get("breakout_rooms") and forum.format.value != "google_meet_breakouts":
        errors.setdefault("rooms", []).append("Only a breakout forum has breakout rooms.")
    if errors:
        return None, errors
    if fields["joining"] is None and forum.joining is not None:
        fields["joining"] = forum.joining.model_copy(update=dict.fromkeys(forum_form.JOINING))
    given = {name: fields[name] for name in EDITABLE
             if name in fields and _differs(fields[name], getattr(forum, name))}  # fmt: skip
    where = f"admin?page=forum&id={quote(forum.forum_id, safe='')}"
    if not given:
        return Response(status=303, headers={"Location": f"{where}&done=unchanged"}), {}
    try:
        changes = ForumChanges(**given)
        changed = change_forum(wiring.dependencies(), forum.forum_id, changes,
                               wiring.dependencies().clock())  # fmt: skip
    except ValidationError as error:
        return None, forum_form.model_problems(error)
    except ForumClosed:
        return None, {"title": ["This forum was cancelled: it cannot be changed."]}
    except ValueError as problem:  # the changed forum as a whole does not hold
        return None, {"format": [str(problem)[:300]]}
    logs.forum_changed(forum.forum_id, "edited", caller(request).key)
    promoted = max(0, changed.places_taken - forum.places_taken)
    told = changed.places_taken if any(name in SHOWN for name in given) else promoted
    where += f"&done=edited&changed={','.join(given)}&told={told}"
    return Response(status=303, headers={"Location": where}), {}


def _differs(new, old) -> bool:
    """Whether a field changed (topics and audiences: as sets, whatever their order)."""
    if isinstance(new, list) and new and not hasattr(new[0], "room_id"):
        return set(new) != set(old)
    return new != old


def _cancel(request: Request, forum: Forum) -> Response:
    from functions.services.forums.changes import cancel_forum

    deps = wiring.dependencies()
    # The people cancel_forum tells: everyone not cancelled yet (registered or waiting).
    told = sum(1 for r in deps.forums.registrations(forum.forum_id)
               if r.state != RegistrationState.CANCELLED)  # fmt: skip
    cancel_forum(deps, forum.forum_id, deps.clock())
    logs.forum_changed(forum.forum_id, "cancelled", caller(request).key)
    where = f"admin?page=forum&id={quote(forum.forum_id, safe='')}&done=cancelled&told={told}"
    return Response(status=303, headers={"Location": where})
