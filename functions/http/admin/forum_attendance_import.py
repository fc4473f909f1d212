"""POST /import_attendance?forum=<id>&source=zoom|meet[&dry_run=1][&walk_in_role=parent]:
an administrator imports a platform's attendance export (Bearer token: `ecd forums
import-attendance`, scripts; the admin page posts its upload to admin?page=forum_attendance,
which calls the same service).

The body is the CSV itself (text/csv, or any type) or a multipart form with the file in
`file`; at most attendance_text.MAX_BYTES. Answers 200:
  {forum_id, source, dry_run, walk_in_role, people, matched, walk_ins, added, changed,
   unchanged, by_role: {role: {attended, walk_ins}}, problems: ["Row 7: ..."],
   not_attended, note}
400 a bad query, 404 no such forum, 409 a cancelled forum, 422 a file that is not the
export asked for (nothing written). The same file twice answers added 0, changed 0.
"""

from __future__ import annotations

from flask import Request, Response

from functions import logs, wiring
from functions.domain.forums.attendance import AttendanceSource
from functions.domain.forums.attendance_text import MAX_BYTES
from functions.domain.shared.validation import FieldError
from functions.domain.shared.vocabulary import ParticipantRole
from functions.entrypoints import Refused, admin_upload
from functions.http.admin.forums_view import may_change, sees
from functions.http.answers import json_response
from functions.http.callers import caller

NAME = "import_attendance"
MAX_BODY = 5 * 1024 * 1024  # the file (at most MAX_BYTES) and a multipart form's own parts
_YES = {"1", "true", "yes", "on"}


def walk_in_note(role: str) -> str:
    return (f"Walk-ins (people matching no registration by email or phone) are recorded as "
            f"{role}, unless their email is a staff member's in the directory (then staff). "
            f"Choose another role with walk_in_role=.")  # fmt: skip


def query_of(args) -> tuple[str, AttendanceSource, bool, ParticipantRole]:
    """forum, source, dry run and walk-in role from the query, or Refused(400)."""
    errors = []
    forum_id = args.get("forum", "")
    if not forum_id or len(forum_id) > 200:
        errors.append(FieldError("forum", "Give the forum's id: ?forum=<id>"))
    try:
        source = AttendanceSource(args.get("source", ""))
        if source == AttendanceSource.ROLL:
            raise ValueError
    except ValueError:
        source = None
        errors.append(FieldError("source", "Give source=zoom or source=meet"))
    try:
        role = ParticipantRole(args.get("walk_in_role") or ParticipantRole.PARENT.value)
    except ValueError:
        role = None
        known = ", ".join(r.value for r in ParticipantRole)
        errors.append(FieldError("walk_in_role", f"One of {known}"))
    if errors:
        raise Refused(400, errors)
    return forum_id, source, args.get("dry_run", "").strip().lower() in _YES, role


def uploaded(request: Request) -> bytes:
    """The file: the multipart form's `file`, else the body itself."""
    if request.mimetype == "multipart/form-data":
        request.max_form_memory_size = MAX_BODY
        upload = request.files.get("file")
        data = upload.read(MAX_BYTES + 1) if upload is not None else b""
    else:
        data = request.get_data()
    if not data.strip():
        raise Refused(422, [FieldError("file", "Send the attendance export as the body")])
    if len(data) > MAX_BYTES:
        raise Refused(413, [FieldError("file", f"At most {MAX_BYTES // 1_000_000} MB")])
    return data


def _in_scope(forum_id: str, administrator) -> None:
    """Refused(404) for a forum the caller does not see (another region's: its people are not
    theirs), Refused(403) for one they see but do not run (the network's, for a region's
    administrator), as admin_api's forum operations answer."""
    forum = wiring.dependencies().forums.get(forum_id)
    if forum is None or not sees(administrator, forum):
        if forum is not None:
            logs.admin_refused(NAME, 404, "out_of_scope", administrator.key)
        raise Refused(404, [FieldError("forum", "No forum has this id")])
    if not may_change(administrator, forum.region_id):
        logs.admin_refused(NAME, 403, "out_of_scope", administrator.key)
        message = "That forum is the network's (or another region's): its administrators record"
        raise Refused(403, [FieldError("forum", f"{message} its attendance")])


@admin_upload(NAME, max_body=MAX_BODY)
def import_attendance(request: Request) -> Response:
    from functions.domain.forums.attendance_files import AttendanceFileError
    from functions.services.forums import attendance
    from functions.services.forums.errors import ForumClosed, ForumNotFound

    forum_id, source, dry_run, role = query_of(request.args)
    data = uploaded(request)
    administrator = caller(request)
    _in_scope(forum_id, administrator)
    try:
        done = attendance.import_attendance(wiring.dependencies(), forum_id, source, data,
                                            role, dry_run)  # fmt: skip
    except ForumNotFound:
        raise Refused(404, [FieldError("forum", "No forum has this id")]) from None
    except ForumClosed:
        raise Refused(409, [FieldError("forum", "This forum was cancelled")]) from None
    except AttendanceFileError as problem:
        logs.forum_attendance_changed(forum_id, source.value, "refused", {}, administrator.key)
        raise Refused(422, [FieldError("file", str(problem))]) from None
    answer = done._asdict() | {"forum_id": forum_id, "note": walk_in_note(done.walk_in_role)}
    counts = {k: answer[k] for k in ("people", "matched", "walk_ins", "added", "changed")}
    logs.forum_attendance_changed(forum_id, source.value, "dry run" if dry_run else "applied",
                                  counts | {"problems": len(done.problems)},
                                  administrator.key)  # fmt: skip
    return json_response(answer)
