"""GET/POST admin?page=centre&id=<centre_id>: one centre and its team, edited one at a time
(English, no script, 360 px wide); admin?page=centre without an id: a new centre.

Every POST (CSRF-protected) does one thing, named by `action`: save (the centre's fields),
create (a new centre and its principal), add_staff, deactivate (a staff member who left:
their open cases go back to the centre), reactivate, principal (a staff member becomes the
principal; the principal stays, as staff), hand_back (open cases its former staff still
hold: a hand-back an outage cut short). Each is checked as a directory file's rows are
(functions/services/directory/editing.py): an error is shown beside its field with what was
typed kept (422), nothing changed; done, the page answers 303 to itself saying what was
done, so a refresh sends nothing again. A centre of another region: 403; none: 404.
"""

from __future__ import annotations

import re

from flask import Request, Response

from functions import logs, wiring
from functions.domain.directory.importing.values import centre_texts, stored_fields
from functions.domain.directory.models import Centre
from functions.http.admin.session import admin_view, check_csrf
from functions.http.callers import caller
from functions.http.pages import error_page, not_found_page
from functions.services.directory import editing
from functions.services.directory.importing import Applied, counts

PAGE = "admin?page=centre&id="
_KEY = re.compile(r"[0-9a-f]{20}")
_DONE = {
    "saved": "The centre's details are saved.",
    "created": "The centre is added, with its principal.",
    "added": "The staff member is added: they get the centre's alerts and digests from now on.",
    "deactivated": "The staff member is deactivated: they get no more mail about the "
    "centre's cases and cannot act on them.",
    "reactivated": "The staff member is active again.",
    "principal": "The principal is changed; the former principal stays on the team as staff.",
    "unchanged": "Nothing needed changing.",
    "handed_back": "The cases of people who left are back with the whole centre.",
}


# A new centre's form, filled with the defaults.
_NEW = {
    "hours": "mon-fri 07:00-17:00",
    "timezone": "Africa/Johannesburg",
    "share_staff_names": "no",
    "active": "yes",
}


def centre_page(request: Request) -> Response:
    administrator = caller(request)
    centre_id = request.args.get("id", "").strip()
    centre = None
    if centre_id:
        centre = wiring.dependencies().directory.read_centre(centre_id)
        if centre is None:
            return not_found_page()
        if not administrator.sees(centre.region_id):
            logs.admin_refused("admin", 403, "out_of_scope", administrator.key)
            return error_page(
                403,
                "Not in your region",
                "This centre is in another region: you administer yours only.",
            )
    if request.method == "POST":
        if (refused := check_csrf(request)) is not None:
            return refused
        return _act(request, centre)
    returned = request.args.get("returned", "")
    return _page(
        request,
        centre,
        notice=_DONE.get(request.args.get("done", "")),
        # ASCII digits only: "¹" is a digit to isdigit() but not to int() (a 500 found by
        # tests/functions/test_fuzz_queries.py); a few, as int() refuses thousands
        returned=int(returned)
        if returned.isascii() and returned.isdigit() and len(returned) < 8
        else None,
    )


def _page(request: Request, centre: Centre | None, status: int = 200, **context) -> Response:
    administrator = caller(request)
    deps = wiring.dependencies()
    regions = sorted(
        (r for r in deps.directory.all_regions() if administrator.sees(r.region_id)),
        key=lambda r: r.name,
    )
    if centre is not None and "still_held" not in context:
        context["still_held"] = editing.cases_held_by_former_staff(centre, deps)
    context.setdefault("notice", None)
    context.setdefault("returned", None)
    stored = centre_texts(stored_fields(centre)) if centre else _NEW
    failed, typed = context.pop("failed", None), context.pop("values", None)
    forms = {"save": stored, "create": stored} | ({failed: typed} if failed and typed else {})
    return admin_view(
        request,
        "directory_centre.html",
        centre.name if centre else "Add a centre",
        status,
        centre=centre,
        regions=regions,
        forms=forms,
        failed=failed,
        errors=context.pop("errors", {}),
        **context,
    )


def _act(request: Request, centre: Centre | None) -> Response:
    administrator, deps, form = caller(request), wiring.dependencies(), request.form
    action = form.get("action", "")
    key = form.get("key", "")
    if centre is None:
        if action != "create":
            return not_found_page()
        centre_id = form.get("id", "").strip()
        fields = {column: form.get(column, "") for column in editing.CENTRE_COLUMNS}
        principal = {
            "name": form.get("principal_name", ""),
            "email": form.get("principal_email", ""),
        }
        applied = editing.save_centre(centre_id, fields, administrator, deps, principal)
        values = fields | {
            "id": centre_id,
            "principal_name": principal["name"],
            "principal_email": principal["email"],
        }
        return _answer(request, None, applied, action, values, centre_id)
    if action == "save":
        fields = {column: form.get(column, "") for column in editing.CENTRE_COLUMNS}
        if not administrator.whole_network:
            fields["region"] = centre.region_id  # a regional administrator's stays theirs
        applied = editing.save_centre(centre.centre_id, fields, administrator, deps)
        return _answer(request, centre, applied, action, fields)
    if action == "add_staff":
        values = {"name": form.get("name", ""), "email": form.get("email", "")}
        applied = editing.add_staff(
            centre.centre_id, values["name"], values["email"], administrator, deps
        )
        return _answer(request, centre, applied, action, values)
    if action in ("deactivate", "reactivate") and _KEY.fullmatch(key):
        applied = editing.set_active(centre, key, action == "reactivate", administrator, deps)
        return _answer(request, centre, applied, action)
    if action == "hand_back":
        returned = editing.hand_back_former(centre, administrator, deps)
        logs.directory_changed("page", "applied", {"cases_returned": returned}, administrator.key)
        where = f"{PAGE}{centre.centre_id}&done=handed_back&returned={returned}"
        return Response(status=303, headers={"Location": where})
    if action == "principal" and _KEY.fullmatch(key):
        return _answer(
            request, centre, editing.make_principal(centre, key, administrator, deps), action
        )
    logs.input_rejected("admin", 422, ["action"])
    return _page(request, centre, 422, errors={None: ["Choose what to do first."]})


_DONE_AS = {
    "save": "saved",
    "create": "created",
    "add_staff": "added",
    "deactivate": "deactivated",
    "reactivate": "reactivated",
    "principal": "principal",
}


def _field(error, action: str) -> str | None:
    """The form field an error of the rows is about: a new centre's principal is its second
    row (row 3: editing._table numbers rows as a file would, after the header)."""
    if action == "create" and error.row == 3 and error.column in ("name", "email"):
        return f"principal_{error.column}"
    return error.column


def _answer(
    request: Request,
    centre: Centre | None,
    applied: Applied,
    action: str,
    values: dict | None = None,
    new_id: str | None = None,
) -> Response:
    administrator = caller(request)
    planned = applied.planned
    numbers = counts(planned) | {"cases_returned": applied.cases_returned}
    if not applied.written:
        logs.directory_changed("page", "refused", numbers, administrator.key)
        errors: dict[str | None, list[str]] = {}
        for error in planned.errors:
            errors.setdefault(_field(error, action) if values else None, []).append(error.message)
        return _page(request, centre, 422, errors=errors, failed=action, values=values)
    logs.directory_changed("page", "applied", numbers, administrator.key)
    done = _DONE_AS[action] if planned.plan.entries else "unchanged"
    where = PAGE + (new_id or centre.centre_id) + f"&done={done}"
    if action == "deactivate":
        where += f"&returned={applied.cases_returned}"
    return Response(status=303, headers={"Location": where})
