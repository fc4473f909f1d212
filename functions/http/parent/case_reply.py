"""GET/POST /case_reply?token=<status token>: the parent answers the centre's question (or adds
a word while the case is open). The link in the centre's question mail, and the form on the
status page, both carry the status token, so parents of anonymous cases can answer too."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

from flask import Request, Response

from functions import logs, wiring
from functions.config import get_settings
from functions.domain.cases.lifecycle import Refused, Why
from functions.domain.cases.models import OPEN_STATUSES
from functions.domain.shared.signing import Purpose
from functions.domain.shared.vocabulary import N_
from functions.entrypoints import page
from functions.http.pages import NOINDEX, not_found_page, render_page
from functions.http.parent import followup_forms as forms
from functions.services.cases.reply import REPLY_MAX, ReplyRejected, record_reply
from functions.services.cases.status import CaseView, view_case_status
from functions.services.errors import AlreadyDone, CaseNotFound

NAME = "case_reply"
_REJECTED = {
    "empty": N_("Write your reply before sending it"),
    "too_long": N_(
        "Your reply is too long: it can be at most 5,000 characters. Please shorten "
        "it and send it again."
    ),
}
_TOO_MANY = N_(
    "You have sent many messages about this case today, and the centre has them all. Please "
    "wait for their answer; you can write again tomorrow."
)


def _links(token: str) -> dict[str, str]:
    link = quote(token, safe="")
    return {"action": f"{NAME}?token={link}", "status_url": f"case_status?token={link}"}


def _page(request: Request, status: int, view: CaseView, token: str, text: str = "",
          error: str | None = None, notice: str | None = None) -> Response:  # fmt: skip
    """The reply form (or, for a case that is resolved or closed, why it takes no reply)."""
    issued, nonce = forms.issue(request, Purpose.CASE_REPLY_FORM)
    response = render_page("case_reply.html", status, headers=NOINDEX, case=view.case,
                           question=view.question, csrf_token=issued[Purpose.CASE_REPLY_FORM],
                           text=text, error=error, notice=notice,
                           open=view.case.status in OPEN_STATUSES, reply_max=REPLY_MAX,
                           **_links(token))  # fmt: skip
    return forms.bind(response, nonce)


def _seconds_to_tomorrow() -> int:
    now = wiring.utc_now()
    tomorrow = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(1, int((tomorrow - now).total_seconds()))


def _post(request: Request, token: str, view: CaseView) -> Response:
    text = request.form.get("reply", "")
    try:
        nonce = forms.check(request, Purpose.CASE_REPLY_FORM)
    except forms.FormTokenRejected as rejection:
        logs.parent_step_refused(NAME, f"form token: {rejection}")
        notice = N_("Your page had been open a long time, so your reply was not sent yet. It is "
                    "still below: please send it again.")  # fmt: skip
        return _page(request, 403, view, token, text, notice=notice)
    try:
        record_reply(token, text, nonce, wiring.dependencies())
    except ReplyRejected as rejected:
        logs.input_rejected(NAME, 422, ["reply"])
        return _page(request, 422, view, token, text, error=_REJECTED[rejected.reason])
    except AlreadyDone:
        logs.parent_step_refused(NAME, "already_done")  # Send pressed twice: the first counted
    except Refused as refused:
        logs.parent_step_refused(NAME, refused.why.value)
        if refused.why == Why.TOO_MANY_REPLIES:
            response = _page(request, 429, view, token, text, error=_TOO_MANY)
            response.headers["Retry-After"] = str(_seconds_to_tomorrow())
            return response
        now = view_case_status(token, wiring.dependencies()) or view  # it moved on since
        return _page(request, 409, now, token, text)
    except CaseNotFound:
        return not_found_page()
    # A redirect (303: the browser GETs it), so a refresh sends nothing again.
    return Response(status=303, headers={"Location": f"{_links(token)['action']}&sent=1"})


@page(NAME, methods=("GET", "POST"), max_body=lambda: get_settings().max_body_bytes,
      unavailable=N_("We could not send or load your reply just now. Go back: your reply is "
                     "still in the form. Send it again in a minute: it will not be recorded "
                     "twice."))  # fmt: skip
def case_reply(request: Request) -> Response:
    """GET shows the centre's question and the reply form; POST records the reply."""
    token = request.args.get("token")
    view = view_case_status(token, wiring.dependencies())
    if view is None:
        return not_found_page()
    if request.method == "POST":
        return _post(request, token, view)
    if "sent" in request.args:
        return render_page("case_reply_sent.html", headers=NOINDEX, case=view.case,
                           status_url=_links(token)["status_url"])  # fmt: skip
    return _page(request, 200, view, token)
