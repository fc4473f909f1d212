"""GET /case_status?token=…: the parent's view of a case and its history."""

from __future__ import annotations

from flask import Request, Response

from functions import wiring
from functions.domain.cases.service_levels import human_date, human_datetime
from functions.domain.shared.vocabulary import label
from functions.entrypoints import page
from functions.http.pages import not_found_page, render_page
from functions.services.cases.status import view_case_status

_NOINDEX = {"X-Robots-Tag": "noindex, nofollow"}


@page("case_status", unavailable="We could not load your case just now. Please refresh soon.")
def case_status(request: Request) -> Response:
    """Show the case a status token opens; any other token gets the same 404 page."""
    view = view_case_status(request.args.get("token"), wiring.dependencies())
    if view is None:
        return not_found_page()
    case = view.case
    shown = {
        "reference": case.reference,
        "centre_name": case.centre_name,
        "kind_label": label(case.kind) or "Feedback",
        "category_label": label(case.category),
        "status": case.status.value,
        "status_label": label(case.status),
        "submitted_at": human_datetime(case.created_at),
        "respond_by": human_date(case.respond_by) if case.status == "received" else None,
        "urgent": case.urgent,
    }
    events = [
        {"at": human_datetime(e.at), "label": label(e.status) or e.type.value, "summary": e.summary}
        for e in view.events
    ]
    return render_page(
        "case_status.html",
        headers=_NOINDEX,
        page_title=f"Case {case.reference}",
        case=shown,
        events=events,
    )
