"""GET/POST admin?page=forums&month=YYYY-MM: a month's forums (the coming month by default)
with the month's invitations and the form that sets the month up from the standing plan;
GET/POST admin?page=forum_new: a forum by hand (English, no script, 360 px wide; CSRF).

Both call the services the admin API calls (functions/http/admin/forums_api.py), with the
same scope: every administrator sees the network's forums and their region's; setting a
month up is the network administrators'; a regional administrator creates their region's
forums only. Done, each answers 303 to a page saying what was done, so a refresh sends
nothing again; a refused form comes back with its problems by field (422).
"""

from __future__ import annotations

import re

from flask import Request, Response

from functions import logs, wiring
from functions.domain.forums.plan import month_problem, next_month
from functions.domain.shared.vocabulary import Audience, ForumFormat, ForumTopic
from functions.http.admin import forum_form
from functions.http.admin.forums_view import sees
from functions.http.admin.session import admin_view, check_csrf
from functions.http.callers import caller
from functions.http.pages import error_page
from functions.services.errors import QueueUnavailable

NAME = "admin"
_MONTH = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")
# ?setup=created.existing.recipients.batches.state after a setup (the answer, shown once).
_SETUP = re.compile(r"(\d{1,3})\.(\d{1,3})\.(\d{1,9})\.(\d{1,6})\.(queued|already|none)")
_STATES = {"queued": "queued", "already queued": "already", "no forums": "none"}


def shift(month: str, months: int) -> str:
    year, number = (int(part) for part in month.split("-"))
    index = year * 12 + number - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def unavailable() -> Response:
    return error_page(503, "Please try again in a minute", "The task queue is briefly "
                      "unavailable. Nothing was done twice: send the form again.",
                      {"Retry-After": "30"})  # fmt: skip


def forums_page(request: Request) -> Response:
    deps = wiring.dependencies()
    now = deps.clock()
    zone = deps.forum_plan.current().timezone
    month = request.args.get("month", "")
    if not _MONTH.fullmatch(month):
        month = next_month(now, zone)
    administrator = caller(request)
    errors: list[str] = []
    if request.method == "POST":
        if (refused := check_csrf(request)) is not None:
            return refused
        if not administrator.whole_network:
            logs.admin_refused(NAME, 403, "out_of_scope", administrator.key)
            return error_page(403, "Not yours to set up", "The monthly forums of the whole "
                              "network are set up by a network administrator.")  # fmt: skip
        from functions.services.forums.setup import MonthRefused, setup_month

        try:
            done = setup_month(deps, month, now)
        except MonthRefused as problem:
            logs.input_rejected(NAME, 422, ["month"])
            errors.append(str(problem))
        except QueueUnavailable:
            return unavailable()
        else:
            logs.forums_set_up(month, done["created"], done["existing"], done["invitations"],
                               done["recipients"], done["batches"], administrator.key)  # fmt: skip
            numbers = (f"{done['created']}.{done['existing']}.{done['recipients']}."
                       f"{done['batches']}.{_STATES.get(done['invitations'], 'none')}")  # fmt: skip
            where = f"admin?page=forums&month={month}&setup={numbers}"
            return Response(status=303, headers={"Location": where})
    forums = sorted((f for f in deps.forums.in_month(month) if sees(administrator, f)),
                    key=lambda f: f.starts_at)  # fmt: skip
    setup = _SETUP.fullmatch(request.args.get("setup", ""))
    return admin_view(
        request, "forums.html", f"Forums of {month}", 422 if errors else 200, month=month,
        previous=shift(month, -1), following=shift(month, 1), forums=forums, errors=errors,
        invitations=deps.forum_invitations.month_record(month) or {},
        refused=month_problem(month, now, zone), now=now,
        setup=dict(zip(("created", "existing", "recipients", "batches", "state"),
                       setup.groups(), strict=True)) if setup else None,
    )  # fmt: skip


def forum_new_page(request: Request) -> Response:
    deps = wiring.dependencies()
    administrator = caller(request)
    plan = deps.forum_plan.current()
    values = forum_form.defaults(plan.timezone, plan.details_release_hours)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        if (refused := check_csrf(request)) is not None:
            return refused
        values = forum_form.read(request.form)
        created, errors = _create(request, values)
        if created is not None:
            where = f"admin?page=forum&id={created.forum_id}&done=created"
            return Response(status=303, headers={"Location": where})
        logs.input_rejected(NAME, 422, sorted(errors))
    regions = [r for r in deps.directory.list_regions() if administrator.sees(r.region_id)]
    return admin_view(request, "forum_new.html", "New forum", 422 if errors else 200,
                      values=values, errors=errors, regions=regions,
                      **form_choices())  # fmt: skip


def form_choices() -> dict:
    return {"formats": list(ForumFormat), "topics": list(ForumTopic),
            "audiences": list(Audience)}  # fmt: skip


def _create(request: Request, values: dict):
    from pydantic import ValidationError

    from functions.services.forums.creating import ForumDraft, ForumInPast, create_forum

    administrator = caller(request)
    deps = wiring.dependencies()
    fields, errors = forum_form.parse(values)
    try:
        fields["format"] = ForumFormat(values["format"])
    except ValueError:
        errors.setdefault("format", []).append("Choose the forum's format.")
    region = administrator.region_id or values["region"] or None
    if region and region not in {r.region_id for r in deps.directory.list_regions()}:
        errors.setdefault("region", []).append("Choose a region from the list.")
    if errors:
        return None, errors
    try:
        draft = ForumDraft(**fields, region_id=region)
        forum = create_forum(deps, draft, deps.clock())
    except ValidationError as error:
        return None, forum_form.model_problems(error)
    except ForumInPast:
        return None, {"date": ["A new forum starts in the future."]}
    logs.forum_changed(forum.forum_id, "created", administrator.key)
    return forum, {}
