"""GET admin?page=charters[&region=<id>]: which centres display which version of their service
charter, and since when (English, no script, 360 px wide).

Region by region (a regional administrator: theirs; a network administrator: every region,
or one with `region`): how many centres display the current version; first the centres
whose principal has not confirmed 7 days after it was sent (highlighted), then those whose
charter changed since it was last sent, never sent, or whose principal has no address to
send it to; then every centre with the version it has now, the version sent and when, the
version displayed and since when (services/charters/overview.py). Each centre links to its
charter page (preview, local commitments, send it now). A button (POST, CSRF) sends every
changed charter of the page's scope, as distribute_charters does, and the page then says how
many were queued.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Request, Response

from functions import logs, wiring
from functions.domain.charters.records import CONFIRM_WITHIN
from functions.http.admin.charters_centre import queue_unavailable
from functions.http.admin.session import admin_view, check_csrf
from functions.http.callers import caller
from functions.http.pages import not_found_page
from functions.services.admin.scope import OutOfScope, UnknownRegion
from functions.services.charters.overview import overview
from functions.services.errors import QueueUnavailable

NAME = "admin"
_COUNTS = ("queued", "unchanged", "no_email")


def charters_page(request: Request) -> Response:
    administrator, deps = caller(request), wiring.dependencies()
    region = request.args.get("region", "")[:100] or None
    try:
        found = overview(deps, administrator, region)
    except (OutOfScope, UnknownRegion):
        logs.admin_refused(NAME, 404, "unknown_region", administrator.key)
        return not_found_page()
    if request.method == "POST":
        if (refused := check_csrf(request)) is not None:
            return refused
        return _distribute(deps, administrator, region)
    regions = deps.directory.list_regions() if administrator.whole_network else []
    done = {k: request.args.get(k, "")[:6] for k in _COUNTS}
    return admin_view(
        request, "charters.html", "Service charters", overview=found, region=region,
        regions=regions, confirm_days=CONFIRM_WITHIN.days,
        done={k: int(v) for k, v in done.items() if v.isascii() and v.isdigit()},  # not "²"
    )  # fmt: skip


def _distribute(deps, administrator, region: str | None) -> Response:
    """Send every changed charter of the page's scope (its region, or the caller's whole
    scope): distribute_charters' service, one send_charter task a centre."""
    from functions.services.charters.distribute import distribute

    scope = region or administrator.region_id
    try:
        done = distribute(deps, scope)
    except QueueUnavailable:
        return queue_unavailable()
    logs.charters_distributed(scope, done.centres, done.queued, done.unchanged, done.no_email,
                              administrator.key)  # fmt: skip
    query = {"page": "charters"} | ({"region": region} if region else {})
    query |= {k: str(getattr(done, k)) for k in _COUNTS}
    return Response(status=303, headers={"Location": "admin?" + urlencode(query)})
