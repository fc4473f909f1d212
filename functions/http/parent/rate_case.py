"""GET/POST /rate_case?token=…: the parent rates the resolution of their case.

The resolution mail's five links (a signed rating token that expires, and the score) open
this page with that score chosen; GET changes nothing, because link scanners open every
link in a mail, so the rating is recorded by the page's Send button (POST, CSRF). The status
page's rating form posts here with the status token (a parent without email rates too)."""

from __future__ import annotations

from urllib.parse import quote

from flask import Request, Response

from functions import logs, wiring
from functions.config import get_settings
from functions.domain.cases.lifecycle import Refused, Why
from functions.domain.cases.models import Case
from functions.domain.shared.signing import Purpose
from functions.domain.shared.text import clean_text
from functions.domain.shared.vocabulary import N_
from functions.entrypoints import page
from functions.http.pages import NOINDEX, not_found_page, render_page
from functions.http.parent import followup_forms as forms
from functions.services.cases import rating as ratings
from functions.services.errors import CaseNotFound

NAME = "rate_case"
_CHOOSE = N_("Choose a score from 1 (very poor) to 5 (very good)")
_TOO_LONG = N_("Your comment is too long: it can be at most 2,000 characters")
_SCORES = {str(score) for score in ratings.SCORES}  # as a form or a link sends them


def _score(given: str | None) -> int | None:
    """The score as a number from 1 to 5, or None for anything else."""
    given = (given or "").strip()
    return int(given) if given in _SCORES else None


def _urls(token: str, link: ratings.RatingLink) -> dict[str, str | None]:
    quoted = quote(token, safe="")
    status = f"case_status?token={quoted}" if link.from_status_page else None
    return {"action": f"{NAME}?token={quoted}", "status_url": status}


def _state(status: int, state: str, case: Case | None = None,
           status_url: str | None = None) -> Response:  # fmt: skip
    """Thanks, already rated, not waiting for a rating, or the link expired."""
    return render_page("case_rated.html", status, headers=NOINDEX, state=state, case=case,
                       status_url=status_url)  # fmt: skip


def _form(request: Request, status: int, case: Case, urls: dict, chosen: int | None,
          comment: str = "", errors: dict | None = None,
          notice: str | None = None) -> Response:  # fmt: skip
    issued, nonce = forms.issue(request, Purpose.RATE_CASE_FORM)
    response = render_page("rate_case.html", status, headers=NOINDEX, case=case,
                           csrf_token=issued[Purpose.RATE_CASE_FORM], scores=forms.SCORES,
                           chosen=chosen, comment=comment, errors=errors or {}, notice=notice,
                           **urls)  # fmt: skip
    return forms.bind(response, nonce)


def _as_it_stands(case: Case, urls: dict, sent: bool = False) -> Response | None:
    """The page for a case that takes no rating now, or None when it does."""
    if case.awaiting_rating:
        return None
    if case.rating is not None:
        return _state(200, "thanks" if sent else "already", case, urls["status_url"])
    return _state(409, "not_waiting", case, urls["status_url"])


def _post(request: Request, token: str, case: Case, urls: dict) -> Response:
    given, comment = request.form.get("score"), request.form.get("comment", "")
    chosen = _score(given)
    try:
        forms.check(request, Purpose.RATE_CASE_FORM)
    except forms.FormTokenRejected as rejection:
        logs.parent_step_refused(NAME, f"form token: {rejection}")
        notice = N_("Your page had been open a long time, so your rating was not sent yet. "
                    "Please check it and send it again.")  # fmt: skip
        return _form(request, 403, case, urls, chosen, comment, notice=notice)
    errors = {}
    if chosen is None:
        errors["score"] = _CHOOSE
    kept = clean_text(comment)
    if len(kept) > ratings.COMMENT_MAX:
        errors["comment"] = _TOO_LONG
    if errors:
        logs.input_rejected(NAME, 422, list(errors))
        return _form(request, 422, case, urls, chosen, comment, errors)
    try:
        ratings.rate_case(token, chosen, kept or None, wiring.dependencies())
    except ratings.RatingLinkExpired:
        return _state(410, "expired")
    except CaseNotFound:
        return not_found_page()
    except Refused as refused:
        logs.parent_step_refused(NAME, refused.why.value)
        if refused.why == Why.ALREADY_RATED:  # the first rating counted; say thank you
            return _state(200, "already", case, urls["status_url"])
        return _state(409, "not_waiting", case, urls["status_url"])
    # A redirect (303: the browser GETs it), so a refresh sends nothing again.
    location = urls["status_url"] or f"{urls['action']}&sent=1"
    return Response(status=303, headers={"Location": location})


@page(NAME, methods=("GET", "POST"), max_body=lambda: get_settings().max_body_bytes,
      unavailable=N_("We could not record or load your rating just now. Please try again in a "
                     "minute: it will not be counted twice."))  # fmt: skip
def rate_case(request: Request) -> Response:
    """GET shows the resolution and the rating form, the link's score chosen (and records
    nothing); POST records the rating."""
    token = request.args.get("token")
    try:
        found = ratings.rating_view(token, wiring.dependencies())
    except ratings.RatingLinkExpired:
        logs.parent_step_refused(NAME, "expired")
        return _state(410, "expired")
    if found is None:
        return not_found_page()
    case, link = found
    urls = _urls(token, link)
    if (settled := _as_it_stands(case, urls, sent="sent" in request.args)) is not None:
        return settled
    if request.method == "POST":
        return _post(request, token, case, urls)
    given = request.args.get("score")
    chosen = _score(given)
    if given is not None and chosen is None:
        logs.input_rejected(NAME, 422, ["score"])
        return _form(request, 422, case, urls, None, errors={"score": _CHOOSE})
    return _form(request, 200, case, urls, chosen)
