"""GET /case_status?token=…: the parent's view of a case and its history, with a form to
reply while the case is open and one to rate its resolution (the status link is all a
parent without email has)."""

from __future__ import annotations

from urllib.parse import quote

from flask import Request, Response

from functions import wiring
from functions.domain.cases.models import OPEN_STATUSES
from functions.domain.shared.signing import Purpose
from functions.domain.shared.vocabulary import N_
from functions.entrypoints import page
from functions.http.pages import NOINDEX, not_found_page, render_page
from functions.http.parent import followup_forms as forms
from functions.services.cases.reply import REPLY_MAX
from functions.services.cases.status import view_case_status


@page("case_status", unavailable=N_("We could not load your case just now. Please refresh soon."))
def case_status(request: Request) -> Response:
    """Show the case a status token opens; any other token gets the same 404 page."""
    token = request.args.get("token")
    view = view_case_status(token, wiring.dependencies())
    if view is None:
        return not_found_page()
    case = view.case
    may_reply = case.status in OPEN_STATUSES
    may_rate = case.awaiting_rating
    issued, nonce = forms.issue(request, Purpose.CASE_REPLY_FORM, Purpose.RATE_CASE_FORM)
    link = quote(token, safe="")
    reply_form = {"action": f"case_reply?token={link}",
                  "csrf_token": issued[Purpose.CASE_REPLY_FORM]} if may_reply else None  # fmt: skip
    rating_form = {"action": f"rate_case?token={link}",
                   "csrf_token": issued[Purpose.RATE_CASE_FORM]} if may_rate else None  # fmt: skip
    response = render_page("case_status.html", headers=NOINDEX, case=case, events=view.events,
                           question=view.question, reply_form=reply_form,
                           rating_form=rating_form, reply_max=REPLY_MAX,
                           scores=forms.SCORES)  # fmt: skip
    return forms.bind(response, nonce) if may_reply or may_rate else response
