"""The `ecd` tool's directory operations (admin_api, functions/http/admin/api.py):

POST /directory/import {"csv": text, "apply": false, "full": true, "expect": null}
    apply false: the dry run, nothing written. apply true: checked and applied, all or
    nothing. full (default): the file is the whole directory of the caller's scope, and
    what it no longer lists is deactivated; false: it adds and changes only. expect: the
    dry run's fingerprint, to apply only that plan (409 with the new plan when it changed).
    200 {applied, stale, fingerprint, counts: {add, change, deactivate, cases_...},
         changes: [{action, kind, id, name, where, details}]}
    422 {errors: [{row, column, message}]} (row 1 is the header; null: the whole file)
GET  /directory/template   {"csv": the template: the header and a row of each kind}
GET  /directory/export     {"csv": the caller's scope's directory, in the same format}

The CSV is JSON text; the file's format is README "The directory file".
"""

from __future__ import annotations

from typing import Annotated

from flask import Request, Response
from pydantic import BaseModel, ConfigDict, Field

from functions import logs, wiring
from functions.domain.directory.importing import writing
from functions.domain.directory.importing.reading import MAX_BYTES
from functions.entrypoints import validated
from functions.http.answers import json_response
from functions.http.callers import caller
from functions.services.directory.importing import (
    Applied,
    Planned,
    apply_import,
    counts,
    current_directory,
    plan_import,
)

NAME = "admin_api"


class ImportBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    csv: Annotated[str, Field(max_length=MAX_BYTES)]
    apply: bool = False
    full: bool = True
    expect: Annotated[str, Field(max_length=64)] | None = None


def change_lines(planned: Planned) -> list[dict]:
    """The plan's lines, flat (a table's rows), each field change in `details`."""
    return [
        {
            "action": entry.action.value,
            "kind": entry.kind.value,
            "id": entry.id,
            "name": entry.name,
            "where": entry.where,
            "details": "; ".join(
                f"{c.column}: {c.before or '(empty)'} → {c.after or '(empty)'}"
                for c in entry.changes
            ),
        }
        for entry in planned.plan.entries
    ]


def _answer(planned: Planned, applied: Applied | None) -> dict:
    numbers = counts(planned)
    if applied is not None and applied.written:
        numbers.pop("cases_to_hand_back", None)
        numbers["cases_returned"] = applied.cases_returned
    return {
        "applied": bool(applied and applied.written),
        "stale": bool(applied and applied.stale),
        "fingerprint": planned.plan.fingerprint,
        "counts": numbers,
        "changes": change_lines(planned),
    }


def import_directory(request: Request, body) -> Response:
    asked = validated(ImportBody, body)
    administrator, deps = caller(request), wiring.dependencies()
    if asked.apply:
        applied = apply_import(asked.csv, administrator, deps, asked.full, asked.expect)
        planned = applied.planned
    else:
        applied, planned = None, plan_import(asked.csv, administrator, deps, asked.full)
    if planned.plan is None:
        logs.directory_changed("import", "refused", counts(planned), administrator.key)
        return json_response({"errors": [e.as_dict() for e in planned.errors]}, 422)
    outcome = "dry run" if applied is None else "stale" if applied.stale else "applied"
    logs.directory_changed(
        "import",
        outcome,
        counts(planned)
        | {
            "batches": applied.batches if applied else 0,
            "cases_returned": applied.cases_returned if applied else 0,
        },
        administrator.key,
    )
    return json_response(_answer(planned, applied), 409 if applied and applied.stale else 200)


def template(request: Request, body) -> Response:
    return json_response({"csv": writing.template()})


def export(request: Request, body) -> Response:
    administrator = caller(request)
    current = current_directory(administrator, wiring.dependencies())
    return json_response({"csv": writing.export(current, administrator)})
