"""The `ecd` tool's charter operations (admin_api, functions/http/admin/api.py) for the
administrators' view of the service charters (issue 12):

GET  /charters[?region=<id>]               which centres display which version, and since
                                           when (services/charters/overview.py), region by
                                           region (a regional caller: theirs)
GET  /charters/commitments?centre=<id>     a centre's local commitments and charter version
POST /charters/commitments {centre_id, commitments? [..] | add? "text" | remove? n,
                            updated_at?}   the whole list replaced, one added at the end, or
                                           the n-th (1 is the first) removed

Answers are JSON; times ISO 8601 in UTC. Commitments are returned as typed (one paragraph):
whoever shows them must escape them. `version` is the centre's charter version after the
change (a change of commitments makes a new one, which distribution then sends). Refusals:
404 a centre or region not in the caller's scope (or none), 422 the commitments not right
(too long, too many, not text), 409 a list sent with `updated_at` (the commitments' as the
sender read them; null: there were none) when they changed since. Nothing is changed by a
refusal; without `updated_at` the last write wins.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Request, Response

from functions import logs, wiring
from functions.domain.charters.commitments import ITEM_MAX, MAX_ITEMS
from functions.domain.charters.content import charter_version
from functions.domain.shared.validation import FieldError
from functions.http.answers import json_errors, json_response
from functions.http.callers import caller
from functions.services.admin.scope import OutOfScope, UnknownRegion
from functions.services.charters import commitments as service
from functions.services.charters.build import charter_for
from functions.services.charters.overview import CentreCharter, overview
from functions.services.errors import UnknownCentre

NAME = "admin_api"
_TEXT_MAX = 4 * ITEM_MAX  # characters read of one commitment: more is refused, never cut


def _utc(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment else None


def centre_json(line: CentreCharter) -> dict:
    record = line.record
    return {
        "centre_id": line.centre_id, "name": line.name, "region_id": line.region_id,
        "current_version": line.current, "sent_version": line.sent,
        "sent_at": _utc(record.sent_at) if record else None,
        "confirmed_version": line.confirmed,
        "confirmed_at": _utc(record.confirmed_at) if record else None,
        "displays_current": line.displays_current, "to_send": line.to_send,
        "late": line.late, "principal_has_email": line.has_email,
    }  # fmt: skip


def list_charters(request: Request, body) -> Response:
    """{as_of, regions: [{region_id, name, centres: [...], displaying, late, to_send}]}."""
    administrator, deps = caller(request), wiring.dependencies()
    try:
        found = overview(deps, administrator, request.args.get("region", "")[:200] or None)
    except (OutOfScope, UnknownRegion):
        return _unknown(administrator, "region", "No region has this id in your scope")
    regions = [{"region_id": r.region_id, "name": r.name, "displaying": r.displaying,
                "late": r.late, "to_send": r.to_send,
                "centres": [centre_json(c) for c in r.centres]}
               for r in found.regions]  # fmt: skip
    return json_response({"as_of": _utc(found.as_of), "regions": regions})


def show_commitments(request: Request, body) -> Response:
    """{centre_id, commitments, updated_at, version}."""
    administrator, deps = caller(request), wiring.dependencies()
    return _answer(administrator, deps, request.args.get("centre", "")[:200])


def change_commitments(request: Request, body) -> Response:
    """200 the centre's commitments as they are now (the same when nothing differed)."""
    administrator, deps = caller(request), wiring.dependencies()
    body = body if isinstance(body, dict) else {}
    centre_id = body.get("centre_id") if isinstance(body.get("centre_id"), str) else ""
    given = [k for k in ("commitments", "add", "remove") if k in body]
    if len(given) != 1:
        return _bad("commitments", "Give one of commitments (a list), add (a text) or "
                    "remove (a number)")  # fmt: skip
    try:
        _change(deps, administrator, centre_id[:200], given[0], body)
    except service.BadCommitments as bad:
        return _bad(given[0], str(bad))
    except UnknownCentre:
        return _unknown(administrator, "centre_id", "No centre has this id in your scope")
    except service.StaleCommitments:
        logs.admin_refused(NAME, 409, "stale_commitments", administrator.key)
        message = ("The commitments were changed after you read them (updated_at differs): "
                   "nothing was changed; read them again and change that")  # fmt: skip
        return json_errors(409, [FieldError("updated_at", message)])
    return _answer(administrator, deps, centre_id[:200])


def _change(deps, administrator, centre_id: str, what: str, body: dict) -> None:
    value = body[what]
    if what == "commitments":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise service.BadCommitments("Give the commitments as a list of texts.")
        if len(value) > 10 * MAX_ITEMS or any(len(v) > _TEXT_MAX for v in value):
            raise service.BadCommitments(f"At most {MAX_ITEMS} commitments of {ITEM_MAX} "
                                         "characters.")  # fmt: skip
        check = "updated_at" in body
        service.set_commitments(deps, administrator, centre_id, value,
                                seen=_seen(body.get("updated_at")), check_seen=check)  # fmt: skip
    elif what == "add":
        if not isinstance(value, str) or len(value) > _TEXT_MAX:
            raise service.BadCommitments(f"Give the commitment as a text of at most {ITEM_MAX} "
                                         "characters.")  # fmt: skip
        service.add_commitment(deps, administrator, centre_id, value)
    else:
        if isinstance(value, bool) or not isinstance(value, int):
            raise service.BadCommitments("Give the number of the commitment to remove (1 is "
                                         "the first).")  # fmt: skip
        service.remove_commitment(deps, administrator, centre_id, value)


def _seen(value) -> datetime | None:
    if value is None:
        return None
    try:
        seen = datetime.fromisoformat(value[:64]) if isinstance(value, str) else None
    except ValueError:
        seen = None
    if seen is None or seen.tzinfo is None:
        raise service.BadCommitments("Give updated_at as the commitments were read (ISO 8601 "
                                     "with its offset), or null when there were none.")  # fmt: skip
    return seen


def _answer(administrator, deps, centre_id: str) -> Response:
    try:
        centre, stored = service.read_commitments(deps, administrator, centre_id)
    except UnknownCentre:
        return _unknown(administrator, "centre", "No centre has this id in your scope")
    charter = charter_for(deps, centre.centre_id)
    return json_response({
        "centre_id": centre.centre_id, "name": centre.name,
        "commitments": list(stored.items) if stored else [],
        "updated_at": _utc(stored.updated_at) if stored else None,
        "version": charter_version(charter) if charter else None,
    })  # fmt: skip


def _bad(field: str, message: str) -> Response:
    logs.input_rejected(NAME, 422, [field])
    return json_errors(422, [FieldError(field, message)])


def _unknown(administrator, field: str, message: str) -> Response:
    logs.admin_refused(NAME, 404, f"unknown_{field}", administrator.key)
    return json_errors(404, [FieldError(field, f"{message}: nothing was changed")])
