"""The `ecd` tool's privacy operations (admin_api, functions/http/admin/api.py):

POST /privacy/export {who}              everything held about the person (an email address
                                        or a phone number) as a JSON download
POST /privacy/erase {who, confirm?}     without confirm: what an erasure would do
                                        ({plan: [{kind, count, action}], also: the
                                        other addresses and numbers their records
                                        give, to erase by too}); with confirm
                                        true: erase, answering the counts, `finished` (false:
                                        call again to finish) and `erasure_id`

POST only, so the address never sits in a URL (access logs, history). Network
administrators only (privacy_common: a person's records span regions): 403 for a regional
one. 400 when `who` is not an email address or a phone number (or has a line break, or is
longer than 320 characters). Nothing is changed by a refusal.
"""

from __future__ import annotations

from flask import Request, Response

from functions import logs
from functions.domain.privacy.person import NotAPerson
from functions.domain.shared.validation import FieldError
from functions.http.admin import privacy_common as common
from functions.http.answers import json_errors, json_response
from functions.http.callers import caller

NAME = "admin_api"


def _checked(request: Request, body) -> tuple[object, object] | Response:
    administrator = caller(request)
    if not common.may_ask(administrator):
        logs.admin_refused(NAME, 403, "out_of_scope", administrator.key)
        return json_errors(403, [FieldError("who", common.REFUSED_SCOPE)])
    given = body.get("who") if isinstance(body, dict) else None
    try:
        return administrator, common.person_asked(given)
    except NotAPerson as bad:
        logs.input_rejected(NAME, 400, ["who"])
        return json_errors(400, [FieldError("who", str(bad))])


def export(request: Request, body) -> Response:
    checked = _checked(request, body)
    if isinstance(checked, Response):
        return checked
    administrator, person = checked
    return common.download(common.export(administrator, person))


def erase(request: Request, body) -> Response:
    checked = _checked(request, body)
    if isinstance(checked, Response):
        return checked
    administrator, person = checked
    if body.get("confirm") is not True:
        plan, also = common.preview(person)
        return json_response({"about": person.value, "plan": plan, "also": also,
                              "erased": False})  # fmt: skip
    done = common.erase(administrator, person)
    return json_response({"about": person.value, "erased": True} | done)
