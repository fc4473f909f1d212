"""The `ecd` tool's triage and region operations (admin_api, functions/http/admin/api.py):

GET  /triage                          the caller's cases waiting for triage
POST /triage/assign {reference, centre_id}   place one at a centre of the caller's scope
GET  /region?id=<region_id>           a region's state: centres with open and overdue counts,
                                      failed mail, cases waiting for triage

Answers are JSON; times are ISO 8601 in UTC. What a parent typed (`given`, `description`,
a centre name not recognised) is returned as typed: whoever shows it must escape it.
Refusals: 403 outside the caller's region, 404 no such case (in the caller's scope) or
region, 422 a body or query that is not right; nothing is changed by any of them.
"""

from __future__ import annotations

from typing import Annotated

from flask import Request, Response
from pydantic import BaseModel, ConfigDict, StringConstraints

from functions import logs, wiring
from functions.domain.cases.models import Case
from functions.domain.shared.text import cut
from functions.domain.shared.validation import FieldError
from functions.entrypoints import validated
from functions.http.answers import json_errors, json_response
from functions.http.callers import caller
from functions.services.admin import home, triage
from functions.services.admin.scope import OutOfScope, UnknownRegion
from functions.services.errors import CaseNotFound, UnknownCentre

NAME = "admin_api"
DESCRIPTION_SHOWN = 500  # characters of the parent's message, enough to tell where it belongs
Id = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class AssignBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reference: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                                max_length=20)]  # fmt: skip
    centre_id: Id


def _time(moment) -> str | None:
    return moment.isoformat() if moment else None


def triage_case(case: Case) -> dict:
    return {
        "reference": case.reference, "received_at": _time(case.created_at),
        "urgent": case.urgent, "status": case.status.value,
        "kind": case.kind.value if case.kind else None, "category": case.category.value,
        "centre_id": case.centre_id, "centre_name": case.centre_name,
        "centre_known": case.centre_id is not None, "region_id": case.region_id,
        "reasons": [reason.value for reason in case.triage.reasons] if case.triage else [],
        "given": dict(case.triage.given) if case.triage else {},
        "description": cut(case.description, DESCRIPTION_SHOWN),
    }  # fmt: skip


def list_triage(request: Request, body) -> Response:
    """{cases: [...], count, more (true: TRIAGE_MAX read, there may be more)}."""
    waiting = triage.waiting(caller(request), wiring.dependencies())
    return json_response({"cases": [triage_case(case) for case in waiting.cases],
                          "count": len(waiting.cases), "more": waiting.more})  # fmt: skip


def assign(request: Request, body) -> Response:
    """200 {reference, centre_id, centre_name, region_id, already, alerted}."""
    asked = validated(AssignBody, body)
    administrator = caller(request)
    try:
        placed = triage.place(asked.reference, asked.centre_id, administrator,
                              wiring.dependencies())  # fmt: skip
    except (OutOfScope, CaseNotFound, UnknownCentre) as problem:
        status, field, reason, message = _REFUSALS[type(problem)]
        logs.admin_refused(NAME, status, reason, administrator.key)
        return json_errors(status, [FieldError(field, message)])
    case = placed.case
    logs.triage_placed(case.reference, case.centre_id or "", case.region_id, placed.alerted,
                       placed.already, administrator.key)  # fmt: skip
    return json_response({
        "reference": case.reference, "centre_id": case.centre_id,
        "centre_name": case.centre_name, "region_id": case.region_id,
        "already": placed.already, "alerted": placed.alerted,
    })  # fmt: skip


_REFUSALS = {
    OutOfScope: (403, "centre_id", "out_of_scope",
                 "That centre is not in your region: nothing was changed"),
    CaseNotFound: (404, "reference", "case_not_found",
                   "No such case is waiting for triage in your scope: nothing was changed"),
    UnknownCentre: (422, "centre_id", "unknown_centre",
                    "No open centre has this id: nothing was changed"),
}  # fmt: skip


def region(request: Request, body) -> Response:
    """A region's state, as of now (403 not the caller's region, 404 no such region)."""
    administrator = caller(request)
    region_id = (request.args.get("id") or "").strip()
    if not region_id or len(region_id) > 200:
        logs.input_rejected(NAME, 422, ["id"])
        return json_errors(422, [FieldError("id", "Give the region's id: /region?id=<id>")])
    try:
        state = home.scope_state(administrator, wiring.dependencies(), region_id)
    except OutOfScope:
        logs.admin_refused(NAME, 403, "out_of_scope", administrator.key)
        return json_errors(403, [FieldError("id", "That region is not yours to see")])
    except UnknownRegion:
        logs.admin_refused(NAME, 404, "unknown_region", administrator.key)
        return json_errors(404, [FieldError("id", "No region has this id")])
    (line,) = state.regions
    failed = state.failed
    return json_response({
        "region": {"region_id": line.region_id, "name": line.name},
        "as_of": _time(state.as_of), "complete": state.complete,
        "totals": line.totals._asdict(), "not_placed": state.unplaced._asdict(),
        "centres": [{"centre_id": c.centre_id, "name": c.name, "active": c.active,
                     **c.counts._asdict()} for c in line.centres],
        "failed_mail": {"count": failed.count, "at_least": failed.at_least, "newest": [
            {"template": m.template, "at": _time(m.at), "last_error": m.last_error,
             "case_reference": m.case_reference, "recipient_role": m.recipient_role}
            for m in failed.newest]},
        "triage": {"count": len(state.triage.cases), "more": state.triage.more,
                   "references": [case.reference for case in state.triage.cases]},
    })  # fmt: skip
