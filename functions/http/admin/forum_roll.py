"""GET/POST admin?page=forum_roll&id=<forum>: the roll of a forum without an export (WhatsApp
live audio, in person): its registrations with present/absent and the time each joined, the
walk-ins recorded, and a form to add a walk-in by name, role and phone (English, no script,
360 px wide; CSRF on both forms). Sending the same roll again changes nothing; unticking
someone takes the roll's session off them (services/forums/attendance_roll.py)."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Request, Response

from functions import logs, wiring
from functions.domain.shared.contact import normalise_email, normalise_phone
from functions.domain.shared.text import one_line
from functions.domain.shared.vocabulary import ParticipantRole
from functions.http.admin.forum_attendance import forum_figures, forum_in_scope
from functions.http.admin.session import admin_view, check_csrf
from functions.http.callers import caller
from functions.services.forums import attendance_roll as rolls
from functions.services.forums.errors import ForumClosed

_TIME = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])")
_DONE = re.compile(r"(\d{1,6})\.(\d{1,6})\.(\d{1,6})\.(\d{1,6})")
MAX_LISTED = 5000


def _joined(forum, text: str) -> datetime | None:
    """A join time "HH:MM" on the forum's day in its zone (None: blank or not a time)."""
    matched = _TIME.fullmatch(text.strip())
    if not matched:
        return None
    zone = ZoneInfo(forum.timezone)
    day = forum.starts_at.astimezone(zone)
    # A plain datetime: Firestore's own datetimes lose their nanoseconds field on replace().
    return datetime(day.year, day.month, day.day, int(matched[1]), int(matched[2]), tzinfo=zone)


def forum_roll_page(request: Request) -> Response:
    deps = wiring.dependencies()
    forum, refused = forum_in_scope(request, "forum_roll")
    if refused is not None:
        return refused
    errors = []
    if request.method == "POST":
        if (refused := check_csrf(request)) is not None:
            return refused
        try:
            if request.form.get("action") == "walk_in":
                done, errors = _walk_in(request, forum)
            else:
                done = _roll(request, forum)
        except ForumClosed:
            errors = ["This forum was cancelled: it takes no attendance."]
        if not errors:
            logs.forum_attendance_changed(forum.forum_id, "roll", "applied", done._asdict(),
                                          caller(request).key)  # fmt: skip
            numbers = ".".join(str(n) for n in done)
            location = f"admin?page=forum_roll&id={forum.forum_id}&done={numbers}"
            return Response(status=303, headers={"Location": location})
    entries = rolls.roll(deps, forum)
    _, figures = forum_figures(forum.forum_id)
    done = _DONE.fullmatch(request.args.get("done", ""))
    zone = ZoneInfo(forum.timezone)
    return admin_view(request, "forum_roll.html", f"Roll: {forum.title}", 422 if errors else 200,
                      forum=forum, entries=entries, figures=figures, errors=errors,
                      done=[int(n) for n in done.groups()] if done else None,
                      roles=list(ParticipantRole), zone=zone)  # fmt: skip


def _roll(request: Request, forum) -> rolls.RollResult:
    listed = request.form.getlist("listed")[:MAX_LISTED]
    ticked = set(request.form.getlist("present"))
    present = {key: _joined(forum, request.form.get(f"joined_{key}", "")[:10])
               for key in listed if key in ticked}  # fmt: skip
    return rolls.mark_roll(wiring.dependencies(), forum.forum_id, listed, present)


def _walk_in(request: Request, forum):
    name = one_line(request.form.get("name", ""))[:200]
    errors = [] if name else ["Give the walk-in's name."]
    try:
        role = ParticipantRole(request.form.get("role", ""))
    except ValueError:
        role, errors = None, [*errors, "Choose the walk-in's role."]
    phone = email = None
    if given := request.form.get("phone", "").strip()[:40]:
        try:
            phone = normalise_phone(given)
        except ValueError:
            errors.append("The phone number is not one we can read (e.g. 082 123 4567).")
    if given := request.form.get("email", "").strip()[:254]:
        try:
            email = normalise_email(given)
        except ValueError:
            errors.append("The email address is not valid.")
    if errors:
        return None, errors
    joined = _joined(forum, request.form.get("joined", "")[:10])
    return rolls.add_walk_in(wiring.dependencies(), forum.forum_id, name, role, phone, email,
                             joined), []  # fmt: skip
