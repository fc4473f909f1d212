"""GET/POST /unsubscribe?token=…: stop notification mail to one address.

GET only asks (mail scanners and link previewers follow links); POST does it, from the page's
button or from a mail client's RFC 8058 one-click POST ("List-Unsubscribe=One-Click", no
cookies), so the signed token is the only credential. Transactional mail still goes out.
"""

from __future__ import annotations

from flask import Request, Response

from functions import logs, wiring
from functions.config import get_settings
from functions.domain.mail.suppression import SuppressionReason, read_unsubscribe_token
from functions.entrypoints import RETRY_AFTER_SECONDS, entry_point
from functions.http.pages import PAGE_REFUSALS, error_page, not_found_page, page
from functions.services.errors import StorageUnavailable

NAME = "unsubscribe"
_NOINDEX = {"X-Robots-Tag": "noindex, nofollow"}
_MAX_FORM_BYTES = 8 * 1024  # a token and "List-Unsubscribe=One-Click"


def _address_key(token: str | None) -> str | None:
    secret = get_settings().signing_secret.get_secret_value().encode()
    return read_unsubscribe_token(token, secret)


def _ask(request: Request) -> Response:
    token = request.args.get("token")
    if _address_key(token) is None:
        logs.unsubscribe_token_rejected(request.method)
        return not_found_page()
    return page("unsubscribe.html", headers=_NOINDEX, token=token)


def _stop(request: Request) -> Response:
    form = request.form  # urlencoded or multipart: RFC 8058 allows either
    key = _address_key(request.args.get("token") or form.get("token"))
    if key is None:
        logs.unsubscribe_token_rejected(request.method)
        return not_found_page()
    try:
        # A merge of one reason: pressing twice, or a one-click POST retried, changes nothing.
        wiring.suppression_list().add(
            None, SuppressionReason.UNSUBSCRIBED, wiring.utc_now(), key=key
        )
    except StorageUnavailable as error:
        logs.storage_unavailable(NAME, str(error))
        return error_page(
            503,
            "Please try again",
            "We could not save that just now, so nothing changed yet.",
            {"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    logs.unsubscribe_recorded(one_click=form.get("List-Unsubscribe") == "One-Click")
    return page("unsubscribed.html", headers=_NOINDEX)


@entry_point(NAME, methods=("GET", "POST"), max_body=_MAX_FORM_BYTES, refusals=PAGE_REFUSALS)
def unsubscribe(request: Request) -> Response:
    """GET: ask whether to stop notifications; POST: stop them. Any bad token: the same 404."""
    if request.method == "POST":
        return _stop(request)
    return _ask(request)
