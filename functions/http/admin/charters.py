"""GET admin?page=charters[&region=<id>]: which centres display which version of their service
charter, and since when (English, no script, 360 px wide).

Region by region (a regional administrator: theirs; a network administrator: every region,
or one with `region`): how many centres display the current version; first the centres
whose principal has not confirmed 7 days after it was sent (highlighted), then those whose
charter changed since it was last sent, never sent, or whose principal has no address to
send it to; then every centre with the version it has now, the version sent and when, the
version displayed and since when (services/charters/overview.py). Each centre links to its
charter page (preview, local commitments, send it now).
"""

from __future__ import annotations

from flask import Request, Response

from functions import logs, wiring
from functions.domain.charters.records import CONFIRM_WITHIN
from functions.http.admin.session import admin_view
from functions.http.callers import caller
from functions.http.pages import not_found_page
from functions.services.admin.scope import OutOfScope, UnknownRegion
from functions.services.charters.overview import overview

NAME = "admin"


def charters_page(request: Request) -> Response:
    administrator, deps = caller(request), wiring.dependencies()
    region = request.args.get("region", "")[:100] or None
    try:
        found = overview(deps, administrator, region)
    except (OutOfScope, UnknownRegion):
        logs.admin_refused(NAME, 404, "unknown_region", administrator.key)
        return not_found_page()
    regions = deps.directory.list_regions() if administrator.whole_network else []
    return admin_view(
        request, "charters.html", "Service charters", overview=found, region=region,
        regions=regions, confirm_days=CONFIRM_WITHIN.days,
    )  # fmt: skip
