"""GET/POST /confirm_charter?token=<signed link>: a principal confirms that their centre's
charter is on display (services/charters/confirm.py). English only (a staff page).

The link in the charter's email is signed over the centre and the version
(Purpose.CHARTER_CONFIRM). GET shows what would be confirmed and a button, and changes
nothing (a mail scanner following the link confirms nothing); POST (CSRF:
Purpose.CHARTER_CONFIRM_FORM, bound to a cookie) records it and answers 303 to the page, which
then says since when the charter is displayed and links the public charter page. A second
confirmation changes nothing. A link of a version a newer one replaced says so and confirms
nothing (409 on POST). A forged link, or one for a centre that is gone, is 404.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Request, Response

from functions import logs, wiring
from functions.domain.charters.records import Confirmation
from functions.domain.shared.signing import Purpose
from functions.domain.shared.vocabulary import N_
from functions.entrypoints import page
from functions.http.pages import NOINDEX, not_found_page, render_page
from functions.http.parent import followup_forms as forms
from functions.services.charters.confirm import ConfirmLink

NAME = "confirm_charter"
_EXPIRED = ("This page had been open a long time, so nothing was confirmed yet. Please press "
            "the button again.")  # fmt: skip


def _page(request: Request, status: int, link: ConfirmLink, token: str, *,
          done: bool = False, notice: str | None = None) -> Response:  # fmt: skip
    from functions.http.staff.case_action_page import local_time

    issued, nonce = forms.issue(request, Purpose.CHARTER_CONFIRM_FORM)
    deps = wiring.dependencies()
    region = deps.directory.get_region(link.centre.region_id)
    response = render_page(
        "staff/confirm_charter.html", status, NOINDEX, english_only=True,
        page_title="Confirm the charter is displayed", centre_name=link.centre.name,
        region_name=region.name if region else link.centre.region_id,
        state=link.state.value, done=done, notice=notice, version=link.version,
        record=link.record, when=local_time(link.centre.timezone),
        charter_page=f"charter?centre={quote(link.centre.centre_id, safe='')}",
        action=f"{NAME}?token={quote(token, safe='')}",
        csrf_token=issued[Purpose.CHARTER_CONFIRM_FORM],
    )  # fmt: skip
    return forms.bind(response, nonce)


@page(NAME, methods=("GET", "POST"),
      unavailable=N_("We could not record or load this just now. Please try again in a "
                     "minute: it will not be counted twice."))  # fmt: skip
def confirm_charter(request: Request) -> Response:
    """GET shows the charter's version and the button; POST confirms it."""
    from functions.services.charters.confirm import confirm, confirm_link

    token = request.args.get("token")
    deps = wiring.dependencies()
    link = confirm_link(deps, token)
    if link is None or link.state == Confirmation.NOT_SENT:
        return not_found_page()
    if request.method == "GET":
        return _page(request, 200, link, token, done=request.args.get("done") == "1")
    try:
        forms.check(request, Purpose.CHARTER_CONFIRM_FORM)
    except forms.FormTokenRejected as rejection:
        logs.parent_step_refused(NAME, f"form token: {rejection}")
        return _page(request, 403, link, token, notice=_EXPIRED)
    outcome = confirm(deps, link.centre.centre_id, link.version)
    logs.charter_confirmed(link.centre.centre_id, link.version, outcome.value)
    if outcome in (Confirmation.CONFIRMED, Confirmation.ALREADY):
        return Response(status=303, headers={"Location": f"{NAME}?token={quote(token, safe='')}"
                                                         f"&done=1"})  # fmt: skip
    refreshed = confirm_link(deps, token)
    if refreshed is None or refreshed.state == Confirmation.NOT_SENT:
        return not_found_page()
    return _page(request, 409, refreshed, token)
