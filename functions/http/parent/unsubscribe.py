"""GET/POST /unsubscribe?token=…: stop notification mail to one address.

GET only asks (mail scanners and link previewers follow links); POST does it, from the page's
button or from a mail client's RFC 8058 one-click POST ("List-Unsubscribe=One-Click", no
cookies), so the signed token is the only credential. Transactional mail still goes out.
"""

from __future__ import annotations

from flask import Request, Response

from functions import logs, wiring
from functions.domain.shared.vocabulary import N_
from functions.entrypoints import page
from functions.http.pages import NOINDEX, not_found_page, render_page
from functions.services.mail.suppress import is_unsubscribe_token
from functions.services.mail.suppress import unsubscribe as stop

NAME = "unsubscribe"


# The body is a token and "List-Unsubscribe=One-Click": the default small limit.
@page(NAME, methods=("GET", "POST"),
      unavailable=N_("We could not save that just now, so nothing changed yet."))  # fmt: skip
def unsubscribe(request: Request) -> Response:
    """GET: ask whether to stop notifications; POST: stop them. Any bad token: the same 404."""
    deps = wiring.dependencies()
    if request.method != "POST":
        token = request.args.get("token")
        if not is_unsubscribe_token(token, deps):
            logs.unsubscribe_token_rejected(request.method)
            return not_found_page()
        return render_page("unsubscribe.html", headers=NOINDEX, token=token)
    form = request.form  # urlencoded or multipart: RFC 8058 allows either
    # A merge of one reason: pressing twice, or a one-click POST retried, changes nothing.
    if not stop(request.args.get("token") or form.get("token"), deps):
        logs.unsubscribe_token_rejected(request.method)
        return not_found_page()
    logs.unsubscribe_recorded(one_click=form.get("List-Unsubscribe") == "One-Click")
    return render_page("unsubscribed.html", headers=NOINDEX)
