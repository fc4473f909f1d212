"""GET /admin (page home): what an administrator can do, and the state of their scope: open
and overdue cases per region and centre, mail that failed, and the cases waiting for
triage, the first few with the form that places each at a centre (POSTed to the triage
page, functions/http/admin/triage.py)."""

from __future__ import annotations

from flask import Request, Response

from functions import wiring
from functions.http.admin.session import admin_view
from functions.http.callers import caller
from functions.services.admin import home, scope

TRIAGE_ON_HOME = 5  # the rest are on the triage page


def home_page(request: Request) -> Response:
    administrator = caller(request)
    deps = wiring.dependencies()
    state = home.scope_state(administrator, deps)
    return admin_view(
        request, "home.html", "Administration", state=state,
        scope_name=scope_name(administrator, state.regions),
        centres=scope.centres_in_scope(administrator, deps),
        region_names={line.region_id: line.name for line in state.regions},
        shown=state.triage.cases[:TRIAGE_ON_HOME], open_read_max=home.OPEN_READ_MAX, values={},
        charters=charters_panel(administrator, deps),
    )  # fmt: skip


def charters_panel(administrator, deps):
    """Per region, how many centres display the current charter (services/charters/)."""
    from functions.services.charters.overview import overview

    return overview(deps, administrator)


def scope_name(administrator, regions) -> str:
    """'the whole network', or the region's name."""
    if administrator.whole_network:
        return "the whole network"
    return next((r.name for r in regions if r.region_id == administrator.region_id),
                administrator.region_id or "")  # fmt: skip
