"""The directory's admin pages (English, no script, 360 px wide):

GET  admin?page=directory            the centres of the caller's scope, by region, each linked
                                     to its page (functions/http/admin/directory_centre.py)
GET  admin?page=template             the CSV template; &current=1: the scope's directory
GET  admin?page=import               the upload form
POST admin?page=import               (multipart, CSRF) the file's dry run: every error with its
                                     row and column, or every change, with the form that applies
                                     it; that form (confirm=1) carries the file's text and the
                                     plan's fingerprint, applies only that plan, and answers 303
                                     to the directory page with what was done
"""

from __future__ import annotations

import re
from datetime import date

from flask import Request, Response

from functions import logs, wiring
from functions.domain.directory.changes import Action
from functions.domain.directory.importing import writing
from functions.domain.directory.importing.columns import PEOPLE, RowError
from functions.domain.directory.importing.reading import MAX_BYTES, decode
from functions.domain.directory.models import person_key
from functions.http.admin.pages import MAX_BODY
from functions.http.admin.session import admin_view, check_csrf
from functions.http.callers import caller
from functions.http.pages import NOINDEX
from functions.services.directory.importing import (
    Planned,
    apply_import,
    counts,
    current_directory,
    plan_import,
)

_FINGERPRINT = re.compile(r"[0-9a-f]{16}")
_DONE = re.compile(r"(\d{1,6})\.(\d{1,6})\.(\d{1,6})\.(\d{1,6})")
ENTRIES_SHOWN = 2000  # lines of a dry run shown on the page (all are counted)


def directory_page(request: Request) -> Response:
    administrator = caller(request)
    current = current_directory(administrator, wiring.dependencies())
    regions = {r.region_id: r for r in current.regions_seen_by(administrator)}
    centres = sorted(
        current.centres_seen_by(administrator),
        key=lambda c: (
            regions[c.region_id].name if c.region_id in regions else c.region_id,
            c.name,
        ),
    )
    done = _DONE.fullmatch(request.args.get("imported", ""))
    return admin_view(
        request,
        "directory.html",
        "Centres, staff and regions",
        regions=regions,
        centres=centres,
        imported=[int(n) for n in done.groups()] if done else None,
        administrators=sorted(
            current.administrators_seen_by(administrator), key=lambda a: (a.region_id or "", a.name)
        ),
    )


def template_download(request: Request) -> Response:
    """The template, or (current=1) the caller's scope as a file to edit and import again."""
    administrator = caller(request)
    if request.args.get("current"):
        current = current_directory(administrator, wiring.dependencies())
        text = writing.export(current, administrator)
        name = f"directory-{administrator.region_id or 'network'}-{date.today().isoformat()}"
    else:
        text, name = writing.template(), "directory-template"
    headers = {
        "Content-Disposition": f'attachment; filename="{name}.csv"',
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
    } | NOINDEX
    return Response(text.encode(), mimetype="text/csv", headers=headers)


def import_page(request: Request) -> Response:
    if request.method != "POST":
        return _import_form(request)
    # The confirm form carries the whole file back: let Werkzeug read a field that large.
    request.max_form_memory_size = MAX_BODY
    if (refused := check_csrf(request)) is not None:
        return refused
    full = request.form.get("mode", "full") != "partial"
    if request.form.get("confirm"):
        return _apply(request, full)
    upload = request.files.get("file")
    data = upload.read(MAX_BYTES + 1) if upload is not None else b""
    if not data:
        data = request.form.get("csv", "").encode()  # the text pasted, when no file is sent
    if not data.strip():
        return _import_form(request, 422, [RowError(None, None, "Choose the CSV file first")])
    administrator = caller(request)
    planned = plan_import(data, administrator, wiring.dependencies(), full)
    outcome = "dry run" if planned.plan is not None else "refused"
    logs.directory_changed("import", outcome, counts(planned), administrator.key)
    try:
        text = decode(data)
    except ValueError:
        text = ""
    return _plan_page(request, planned, text, full)


def _import_form(
    request: Request, status: int = 200, errors: list[RowError] | None = None
) -> Response:
    return admin_view(
        request,
        "directory_import.html",
        "Import the directory",
        status,
        step="upload",
        errors=errors or [],
        max_bytes=MAX_BYTES,
    )


def _plan_page(
    request: Request, planned: Planned, text: str, full: bool, stale: bool = False
) -> Response:
    found = planned.plan
    status = 422 if found is None else 409 if stale else 200
    groups = {action: [] for action in Action}
    held = {}
    for entry in found.entries if found else []:
        groups[entry.action].append(entry)
        if planned.held.get(person_key(entry.id)) and entry.kind in PEOPLE:
            held[entry.id] = planned.held[person_key(entry.id)]
    return admin_view(
        request,
        "directory_import.html",
        "Check the import",
        status,
        step="plan",
        planned=planned,
        errors=planned.errors,
        groups=groups,
        held=held,
        shown=ENTRIES_SHOWN,
        csv_text=text,
        full=full,
        stale=stale,
        max_bytes=MAX_BYTES,
    )


def _apply(request: Request, full: bool) -> Response:
    administrator = caller(request)
    text = request.form.get("csv", "")
    expect = request.form.get("expect", "")
    if not _FINGERPRINT.fullmatch(expect):
        return _import_form(request, 422, [RowError(None, None, "Check the file first")])
    applied = apply_import(text, administrator, wiring.dependencies(), full, expect)
    planned = applied.planned
    numbers = counts(planned) | {
        "batches": applied.batches,
        "cases_returned": applied.cases_returned,
    }
    if not applied.written:
        outcome = "stale" if applied.stale else "refused"
        logs.directory_changed("import", outcome, numbers, administrator.key)
        return _plan_page(request, planned, text, full, stale=applied.stale)
    logs.directory_changed("import", "applied", numbers, administrator.key)
    found = planned.plan
    done = ".".join(
        str(n)
        for n in (
            found.count(Action.ADD),
            found.count(Action.CHANGE),
            found.count(Action.DEACTIVATE),
            applied.cases_returned,
        )
    )
    return Response(status=303, headers={"Location": f"admin?page=directory&imported={done}"})
