"""GET/POST /admin?page=<name>: the administrators' pages, one entry point (English only).

Each page is a handler in its own module of this package, looked up by `page` (home when
absent); the decorator has already identified the administrator (callers.caller(request)).
Links between pages are relative (`admin?page=directory`), so they work on any host name.
"""

from __future__ import annotations

from importlib import import_module

from flask import Request, Response

from functions.entrypoints import admin_page
from functions.http.pages import not_found_page

NAME = "admin"
MAX_BODY = 2 * 1024 * 1024  # a directory CSV of a few thousand people
# page name -> "module:function" (handler(request) -> Response), in this package
PAGES = {
    "home": "home:home_page",
    "triage": "triage:triage_page",
    "signin": "signin:signin",
    "signout": "session:signout",
    "directory": "directory:directory_page",
    "import": "directory:import_page",
    "template": "directory:template_download",
    "centre": "directory_centre:centre_page",
    "forum_attendance": "forum_attendance:forum_attendance_page",
    "forum_roll": "forum_roll:forum_roll_page",
    "forums": "forum_pages:forums_page",
    "forum_new": "forum_pages:forum_new_page",
    "forum": "forum_detail:forum_page",
    "advisory": "advisory:advisory_page",
    "action_points": "action_points:action_points_page",
    "forum_report": "forum_report:forum_report_page",
    "charters": "charters:charters_page",
    "charter": "charters_centre:charter_centre_page",
    "privacy_request": "privacy:privacy_request_page",
}


@admin_page(NAME, methods=("GET", "POST"), max_body=MAX_BODY)
def admin(request: Request) -> Response:
    target = PAGES.get(request.args.get("page") or "home")
    if target is None:
        return not_found_page()
    module, function = target.split(":")
    return getattr(import_module(f"functions.http.admin.{module}"), function)(request)
