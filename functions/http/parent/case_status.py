"""GET /case_status?token=…: the parent's view of a case and its history."""

from __future__ import annotations

from flask import Request, Response

from functions import wiring
from functions.domain.shared.vocabulary import N_
from functions.entrypoints import page
from functions.http.pages import NOINDEX, not_found_page, render_page
from functions.services.cases.status import view_case_status


@page("case_status", unavailable=N_("We could not load your case just now. Please refresh soon."))
def case_status(request: Request) -> Response:
    """Show the case a status token opens; any other token gets the same 404 page."""
    view = view_case_status(request.args.get("token"), wiring.dependencies())
    if view is None:
        return not_found_page()
    return render_page("case_status.html", headers=NOINDEX, case=view.case, events=view.events)
