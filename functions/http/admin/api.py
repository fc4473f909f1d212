"""/admin_api/<operation>: the administrators' JSON API, for the `ecd` tool and scripts.

Each operation is a handler in its own module of this package, looked up by the path after
the entry point (Cloud Functions and `make run` both pass it: /admin_api/triage → "/triage");
the decorator has already identified the administrator (callers.caller(request)). Bodies
are JSON (parsed, not yet validated: each handler validates its own model).
"""

from __future__ import annotations

from importlib import import_module

from flask import Request, Response

from functions.domain.shared.validation import FieldError
from functions.entrypoints import admin_api as admin_endpoint
from functions.http.answers import json_errors

NAME = "admin_api"
MAX_BODY = 2 * 1024 * 1024  # a directory CSV of a few thousand people, as JSON text
# "METHOD /path" -> "module:function" (handler(request, body) -> Response), in this package
OPERATIONS: dict[str, str] = {
    "GET /triage": "triage_api:list_triage",
    "POST /triage/assign": "triage_api:assign",
    "GET /region": "triage_api:region",
    "GET /whoami": "whoami:whoami",
    "POST /directory/import": "directory_api:import_directory",
    "GET /directory/template": "directory_api:template",
    "GET /directory/export": "directory_api:export",
    "GET /forums": "forums_api:list_forums",
    "GET /forums/show": "forums_api:show_forum",
    "POST /forums/setup": "forums_api:setup",
    "POST /forums/create": "forums_api:create",
    "POST /forums/edit": "forums_api:edit",
    "POST /forums/cancel": "forums_api:cancel",
    "GET /action_points": "action_points_api:list_points",
    "POST /action_points/add": "action_points_api:add",
    "POST /action_points/done": "action_points_api:done",
    "POST /action_points/edit": "action_points_api:edit",
    "GET /charters": "charters_api:list_charters",
    "GET /charters/commitments": "charters_api:show_commitments",
    "POST /charters/commitments": "charters_api:change_commitments",
    "POST /privacy/export": "privacy_api:export",
    "POST /privacy/erase": "privacy_api:erase",
}


@admin_endpoint(NAME, body=None, methods=("GET", "POST"), max_body=MAX_BODY, json_only=False)
def admin_api(request: Request, body) -> Response:
    target = OPERATIONS.get(f"{request.method} {request.path.rstrip('/') or '/'}")
    if target is None:
        known = ", ".join(sorted(OPERATIONS)) or "none yet"
        return json_errors(404, [FieldError("path", f"No such operation; known: {known}")])
    module, function = target.split(":")
    return getattr(import_module(f"functions.http.admin.{module}"), function)(request, body)
