"""GET/POST /advisory_response?token=<signed link>[&answer=accept|decline]: a nominee selected
for (or offered) an advisory network seat accepts or declines it.

The link in their mail is signed over the selection and the person (Purpose.ADVISORY_RESPONSE).
GET shows the seat and two buttons and changes nothing (a mail scanner following the link
accepts nothing); POST records the answer (CSRF: Purpose.ADVISORY_RESPONSE_FORM, bound to a
cookie) and answers 303 to the page, which then says what stands. A second answer changes
nothing: the page says it was already recorded. A forged or reused-elsewhere link is 404.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Request, Response

from functions import logs, wiring
from functions.domain.advisory.record import ANSWERING
from functions.domain.shared.signing import Purpose
from functions.domain.shared.vocabulary import N_
from functions.entrypoints import page
from functions.http.pages import NOINDEX, not_found_page, render_page
from functions.http.parent import followup_forms as forms

NAME = "advisory_response"
_EXPIRED = N_("Your page had been open a long time, so your answer was not sent yet. Please "
              "choose again.")  # fmt: skip
_ANSWERS = {"accept": True, "decline": False}


def _page(request: Request, status: int, seat, token: str, *, done: str | None = None,
          notice: str | None = None) -> Response:  # fmt: skip
    issued, nonce = forms.issue(request, Purpose.ADVISORY_RESPONSE_FORM)
    region = wiring.dependencies().directory.get_region(seat.record.region_id)
    response = render_page(
        "advisory_response/page.html", status, headers=NOINDEX, name=seat.name,
        region_name=region.name if region else seat.record.region_id,
        state=seat.state.value, open=seat.state in ANSWERING, done=done, notice=notice,
        suggested=request.args.get("answer") if request.args.get("answer") in _ANSWERS else None,
        action=f"{NAME}?token={quote(token, safe='')}",
        csrf_token=issued[Purpose.ADVISORY_RESPONSE_FORM],
    )  # fmt: skip
    return forms.bind(response, nonce)


@page(NAME, methods=("GET", "POST"),
      unavailable=N_("We could not record or load your answer just now. Please try again in "
                     "a minute: it will not be counted twice."))  # fmt: skip
def advisory_response(request: Request) -> Response:
    """GET shows the seat and the choice; POST records it."""
    from functions.services.advisory.responding import respond, seat_for

    token = request.args.get("token")
    deps = wiring.dependencies()
    seat = seat_for(deps, token)
    if seat is None:
        return not_found_page()
    if request.method == "GET":
        done = request.args.get("done")
        return _page(request, 200, seat, token, done=done if done in ("1",) else None)
    try:
        forms.check(request, Purpose.ADVISORY_RESPONSE_FORM)
    except forms.FormTokenRejected as rejection:
        logs.parent_step_refused(NAME, f"form token: {rejection}")
        return _page(request, 403, seat, token, notice=_EXPIRED)
    answer = request.form.get("answer")
    if answer not in _ANSWERS:
        logs.input_rejected(NAME, 422, ["answer"])
        return _page(request, 422, seat, token)
    outcome = respond(deps, seat.record.selection_id, seat.attendee_key, _ANSWERS[answer])
    logs.advisory_answered(seat.record.selection_id, outcome)
    status = 303 if outcome in ("accepted", "declined") else 409
    if status == 409:
        return _page(request, 409, seat_for(deps, token) or seat, token)
    return Response(status=303, headers={"Location": f"{NAME}?token={quote(token, safe='')}"
                                                     f"&done=1"})  # fmt: skip
