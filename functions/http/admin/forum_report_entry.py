"""GET /forum_report?month=YYYY-MM[&forum=<id>][&region=<id>][&version=<n>][&format=csv|pdf]:
issue 11's report at the address the issue gives it, for scripts and for browsers.

With an administrator's `Authorization: Bearer <token>` (a Google ID token; the development
token under `make run`) it answers exactly what admin?page=forum_report answers, by calling
that page's handler (functions/http/admin/forum_report.py): the HTML page, the CSV or the
PDF, the same scope rules (404 outside the caller's scope). A token that is not valid is 401,
a valid one of someone not on the allow-list 403, as on admin_api (JSON, WWW-Authenticate).

Without an Authorization header (a browser: the admin session cookie is only sent to the
admin entry point's path, functions/http/admin/session.py cookie_path) it answers 303 to
admin?page=forum_report with the same report's query, where the signed-in page shows, or
the sign-in page when there is no session. The Location is relative (the admin entry point
beside this one, as session.HOME is), so the browser stays on the host it asked: an
absolute PUBLIC_BASE_URL would send someone signed in on http://localhost:8080 to
http://127.0.0.1:8080, where their session cookie is not sent. Only the report's own
parameters are carried over, each cut to MAX_VALUE characters (none of theirs is valid
longer) and percent-encoded, so a hostile value (CR/LF, a line separator, half a surrogate
pair, 100 KiB) can neither split the Location header nor swell it.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Request, Response

from functions import logs, wiring
from functions.domain.shared.validation import FieldError
from functions.entrypoints import page
from functions.http import callers
from functions.http.answers import json_errors

NAME = "forum_report"
PARAMETERS = ("month", "forum", "region", "version", "format")  # the page's, in this order
MAX_VALUE = 200  # characters; the page reads forum ids to 200 and region ids to 100


def admin_page_url(request: Request) -> str:
    """The admin page showing the same report: admin?page=forum_report&<its parameters>,
    relative to this entry point (on whatever host served it)."""
    query = {"page": "forum_report"}
    for name in PARAMETERS:
        if value := request.args.get(name, "")[:MAX_VALUE]:
            query[name] = value
    encoded = urlencode(query, encoding="utf-8", errors="replace")
    return f"admin?{encoded}"


def _bearer_or_browser(request: Request) -> Response | None:
    """Let an administrator's Bearer token through; send a browser to the admin page;
    answer any other Authorization with 401 (or a non-administrator's token with 403)."""
    if "Authorization" not in request.headers:
        return Response(status=303, headers={"Location": admin_page_url(request),
                                             "Cache-Control": "no-store"})  # fmt: skip
    found = callers.identify_administrator(callers.bearer(request), wiring.dependencies())
    if isinstance(found, callers.Refusal):
        logs.caller_refused(NAME, found.status, found.message)
        headers = {"WWW-Authenticate": "Bearer"} if found.status == 401 else {}
        return json_errors(found.status, [FieldError("Authorization", found.message)], headers)
    callers.remember(request, found)
    return None


@page(NAME, authenticate=_bearer_or_browser)
def forum_report(request: Request) -> Response:
    from functions.http.admin.forum_report import forum_report_page

    return forum_report_page(request)
