"""GET /case_status?token=…: the parent's view of a case and its history."""

from __future__ import annotations

from flask import Request, Response

from functions import wiring
from functions.domain.cases.service_levels import human_date, human_datetime
from functions.domain.shared.vocabulary import label
from functions.entrypoints import RETRY_AFTER_SECONDS, entry_point
from functions.http.pages import PAGE_REFUSALS, error_page, not_found_page, page
from functions.services.cases.status import view_case_status
from functions.services.errors import StorageUnavailable

_NOINDEX = {"X-Robots-Tag": "noindex, nofollow"}


@entry_point("case_status", methods=("GET",), refusals=PAGE_REFUSALS)
def case_status(request: Request) -> Response:
    """Show the case a status token opens; any other token gets the same 404 page."""
    try:
        view = view_case_status(request.args.get("token"), cases=wiring.case_repository())
    except StorageUnavailable:
        return error_page(
            503,
            "Please try again",
            "We could not load your case just now. Please refresh in a minute.",
            {"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
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
    return page(
        "case_status.html",
        headers=_NOINDEX,
        page_title=f"Case {case.reference}",
        case=shown,
        events=events,
    )
