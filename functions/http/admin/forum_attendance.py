"""GET/POST admin?page=forum_attendance&id=<forum>: a forum's attendance (English, no script,
360 px wide): registered, attended, walk-ins and no-shows by role, everyone recorded, and
the upload of the platform's export (Zoom or Meet; a dry run first if ticked). The upload
posts here (multipart, CSRF) rather than to import_attendance, because the session cookie
goes to the admin pages only; both call services/forums/attendance.import_attendance.
Files up to the admin pages' body limit (2 MiB); larger ones through import_attendance.
"""

from __future__ import annotations

from flask import Request, Response

from functions import logs, wiring
from functions.domain.forums.attendance import AttendanceSource, figures_by_role
from functions.domain.forums.attendance_files import AttendanceFileError
from functions.domain.forums.attendance_text import MAX_BYTES
from functions.domain.forums.models import Forum
from functions.domain.shared.vocabulary import ParticipantRole
from functions.http.admin.forum_attendance_import import walk_in_note
from functions.http.admin.forums_view import may_change, sees
from functions.http.admin.session import admin_view, check_csrf
from functions.http.callers import caller
from functions.http.pages import error_page, not_found_page
from functions.services.forums import attendance as importing
from functions.services.forums.errors import ForumClosed


def forum_figures(forum_id: str) -> tuple[list, dict]:
    """The forum's registrations and its figures by role (read once for the page)."""
    deps = wiring.dependencies()
    registrations = deps.forums.registrations(forum_id)
    people = deps.forums.attendance(forum_id)
    return people, figures_by_role(registrations, people)


def forum_in_scope(request: Request, page: str) -> tuple[Forum | None, Response | None]:
    """(the forum of ?id=, None) when the caller sees it, and on a POST may change it; else
    (None, the refusal): 404 for a forum of another region (its people are not theirs to
    read), 403 for a posted change to one they see but do not run (the network's)."""
    administrator = caller(request)
    forum = wiring.dependencies().forums.get(request.args.get("id", "")[:200])
    if forum is None or not sees(administrator, forum):
        if forum is not None:
            logs.admin_refused(page, 404, "out_of_scope", administrator.key)
        return None, not_found_page()
    if request.method == "POST" and not may_change(administrator, forum.region_id):
        logs.admin_refused(page, 403, "out_of_scope", administrator.key)
        return None, error_page(403, "Not yours to change", "This forum is the network's (or "
                                "another region's): its administrators record its "
                                "attendance.")  # fmt: skip
    return forum, None


def forum_attendance_page(request: Request) -> Response:
    forum, refused = forum_in_scope(request, "forum_attendance")
    if refused is not None:
        return refused
    done, problem, status = None, None, 200
    if request.method == "POST":
        if (refused := check_csrf(request)) is not None:
            return refused
        done, problem = _upload(request, forum.forum_id)
        status = 422 if problem else 200
    people, figures = forum_figures(forum.forum_id)
    return admin_view(request, "forum_attendance.html", f"Attendance: {forum.title}", status,
                      forum=forum, people=people, figures=figures, done=done, problem=problem,
                      note=walk_in_note(done.walk_in_role) if done else None,
                      roles=list(ParticipantRole), max_bytes=MAX_BYTES)  # fmt: skip


def _upload(request: Request, forum_id: str):
    """(what the import did, None) or (None, why nothing was imported)."""
    upload = request.files.get("file")
    data = upload.read(MAX_BYTES + 1) if upload is not None else b""
    try:
        source = AttendanceSource(request.form.get("source", ""))
        role = ParticipantRole(request.form.get("walk_in_role") or "parent")
    except ValueError:
        return None, "Choose the file's platform (Zoom or Meet) and the walk-ins' role."
    if source == AttendanceSource.ROLL or not data.strip():
        return None, "Choose the attendance export (a CSV file) first."
    if len(data) > MAX_BYTES:
        return None, "The file is larger than 5 MB."
    dry_run = bool(request.form.get("dry_run"))
    administrator = caller(request)
    try:
        done = importing.import_attendance(wiring.dependencies(), forum_id, source, data, role,
                                           dry_run)  # fmt: skip
    except ForumClosed:
        return None, "This forum was cancelled: it takes no attendance."
    except AttendanceFileError as error:
        logs.forum_attendance_changed(forum_id, source.value, "refused", {}, administrator.key)
        return None, str(error)
    logs.forum_attendance_changed(forum_id, source.value, "dry run" if dry_run else "applied",
                                  {"people": done.people, "added": done.added,
                                   "changed": done.changed}, administrator.key)  # fmt: skip
    return done, None
