"""GET/POST /admin?page=triage: the cases waiting for triage in the administrator's scope,
each with the form that places it at a centre of that scope.

POST (CSRF-protected: functions/http/admin/session.py) places the case and answers 303 to
the page it came from (`back`: home or triage) with `placed=<reference>` (or
`already=<reference>` when someone had placed it first), so a refresh sends nothing again.
Refusals show the list again with what went wrong, and change nothing: a centre outside the
caller's region 403, a case not waiting in their scope 404, no such centre 422.
"""

from __future__ import annotations

from flask import Request, Response

from functions import logs, wiring
from functions.domain.cases.references import is_reference
from functions.domain.directory.models import Centre
from functions.http.admin.session import admin_view, check_csrf
from functions.http.callers import caller
from functions.services.admin import scope, triage
from functions.services.admin.scope import OutOfScope
from functions.services.errors import CaseNotFound, UnknownCentre

PAGE = "admin?page=triage"
_BACK = {"home": "admin", "triage": PAGE}


def triage_page(request: Request) -> Response:
    if request.method == "POST":
        return _place(request)
    notice = None
    for outcome in ("placed", "already"):
        reference = request.args.get(outcome, "")
        if is_reference(reference):
            notice = (outcome, reference)
    return _list(request, notice=notice)


def _list(request: Request, status: int = 200, notice: tuple[str, str] | None = None,
          error: str | None = None, values: dict | None = None) -> Response:  # fmt: skip
    administrator = caller(request)
    deps = wiring.dependencies()
    waiting = triage.waiting(administrator, deps)
    centres = scope.centres_in_scope(administrator, deps)
    placed = None
    if notice:
        case = deps.cases.get(notice[1])
        placed = case if case is not None and administrator.sees(case.region_id) else None
    return admin_view(
        request, "triage.html", "Cases waiting for triage", status, waiting=waiting,
        centres=centres, region_names=_region_names(centres, deps), notice=notice,
        placed=placed, error=error, values=values or {},
    )  # fmt: skip


def _region_names(centres: list[Centre], deps) -> dict[str, str]:
    names = {region.region_id: region.name for region in deps.directory.list_regions()}
    return {c.region_id: names.get(c.region_id, c.region_id) for c in centres}


def _place(request: Request) -> Response:
    if (refused := check_csrf(request)) is not None:
        return refused
    administrator = caller(request)
    form = request.form
    reference, centre_id = form.get("reference", "").strip(), form.get("centre_id", "").strip()
    back = _BACK.get(form.get("back", ""), PAGE)
    values = {"reference": reference, "centre_id": centre_id}
    if not is_reference(reference) or not centre_id:
        logs.input_rejected("admin", 422, ["reference" if centre_id else "centre_id"])
        return _list(request, 422, error="Choose a centre for the case first.", values=values)
    try:
        placed = triage.place(reference, centre_id, administrator, wiring.dependencies())
    except (OutOfScope, CaseNotFound, UnknownCentre) as problem:
        status, reason, message = _REFUSALS[type(problem)]
        logs.admin_refused("admin", status, reason, administrator.key)
        return _list(request, status, error=message.format(reference=reference), values=values)
    case = placed.case
    logs.triage_placed(case.reference, case.centre_id or "", case.region_id, placed.alerted,
                       placed.already, administrator.key)  # fmt: skip
    outcome = "already" if placed.already else "placed"
    separator = "&" if "?" in back else "?"
    location = f"{back}{separator}{outcome}={case.reference}#triage"
    return Response(status=303, headers={"Location": location})


_REFUSALS = {
    OutOfScope: (403, "out_of_scope", "That centre is not in your region, so nothing was "
                 "changed. Choose one of your region's centres."),
    CaseNotFound: (404, "case_not_found", "No case {reference} is waiting for triage in your "
                   "scope, so nothing was changed."),
    UnknownCentre: (422, "unknown_centre", "That centre is not in the directory (or is closed), "
                    "so nothing was changed. Choose another."),
}  # fmt: skip
