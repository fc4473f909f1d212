"""The admin pages' session (a cookie holding the administrator's ID token), signing out, and
the CSRF token every state-changing admin form carries.

The session cookie (ADMIN_COOKIE) is the Google ID token itself: HttpOnly, SameSite=Lax,
Secure wherever the service is served over HTTPS, only sent to the admin pages (its path is
the admin entry point's), and kept until the token expires (an hour at most), after which
the administrator signs in again. Nothing is stored on our side: each request verifies the
token again (functions/http/callers.py), so removing someone from the allow-list takes
effect at their next click.

CSRF, for every admin form that changes something. The token is signed for the sign-in it
was shown under (a hash of the session token: form_tokens with Purpose.ADMIN_FORM), so a
page of another site cannot make one, and a form outlives neither its sign-in nor
FORM_TOKEN_MAX_AGE_SECONDS. In a page's handler and template:

    from functions.http.admin.session import check_csrf, csrf_field

    if request.method == "POST":
        if (refused := check_csrf(request)) is not None:
            return refused          # 403 page: nothing was changed, send the form again
        ...                         # then change what the form asks
    return render_page("admin/….html", english_only=True, csrf_field=csrf_field(request))

    <form method="post" action="admin?page=…">{{ csrf_field }} … </form>
"""

from __future__ import annotations

import hashlib
import time
from urllib.parse import urlsplit

from flask import Request, Response
from markupsafe import Markup, escape

from functions import logs, wiring
from functions.config import get_settings
from functions.domain.shared.signing import Purpose
from functions.http import pages
from functions.http.callers import ADMIN_COOKIE, session_token
from functions.http.parent import form_tokens

CSRF_FIELD = "csrf_token"
SESSION_MAX_SECONDS = 3600
HOME = "admin"  # relative: the admin entry point, on whatever host served this page
_EXPIRED_FORM = (
    "The form had expired, or was opened under another sign-in or in another browser, so "
    "nothing was changed. Go back, reload the page and send it again."
)


def cookie_path() -> str:
    """The admin entry point's path: the session cookie goes to the admin pages only."""
    return urlsplit(get_settings().url_for("admin")).path or "/"


def start_session(response: Response, token: str, expires_at: float | None) -> Response:
    """Keep `token` as the session, until it expires (Unix seconds) and an hour at most."""
    left = SESSION_MAX_SECONDS if expires_at is None else int(expires_at - time.time())
    response.set_cookie(ADMIN_COOKIE, token, max_age=max(0, min(left, SESSION_MAX_SECONDS)),
                        httponly=True, secure=pages.cookies_secure(), samesite="Lax",
                        path=cookie_path())  # fmt: skip
    return response


def end_session(response: Response) -> Response:
    response.delete_cookie(ADMIN_COOKIE, path=cookie_path(), httponly=True,
                           secure=pages.cookies_secure(), samesite="Lax")  # fmt: skip
    return response


def see_home() -> Response:
    """303 to the admin home: the browser GETs it, so a refresh posts nothing again."""
    return Response(status=303, headers={"Location": HOME})


# ------------------------------------------------------------------------------------ CSRF


def _binding(request: Request) -> str | None:
    token = session_token(request)
    if not token:
        return None
    return hashlib.sha256(f"admin-session:{token}".encode("utf-8", "replace")).hexdigest()[:40]


def csrf_token(request: Request) -> str:
    """The CSRF token for a form shown to this request's sign-in ("" without one)."""
    binding = _binding(request)
    if binding is None:
        return ""
    token, _ = form_tokens.issue(wiring.signer(), binding, Purpose.ADMIN_FORM)
    return token


def csrf_field(request: Request) -> Markup:
    """The hidden field to put in every admin form that changes something."""
    value = escape(csrf_token(request))
    return Markup(f'<input type="hidden" name="{CSRF_FIELD}" value="{value}">')


def csrf_valid(request: Request) -> bool:
    """Whether the form posted carries a CSRF token of this sign-in, still valid."""
    binding = _binding(request)
    if binding is None:
        return False
    try:
        max_age = get_settings().form_token_max_age_seconds
        form_tokens.check(request.form.get(CSRF_FIELD), binding, wiring.signer(), max_age,
                          Purpose.ADMIN_FORM)  # fmt: skip
    except form_tokens.FormTokenRejected:
        return False
    return True


def check_csrf(request: Request) -> Response | None:
    """None when the posted form's CSRF token is good; else the 403 page to answer with."""
    if csrf_valid(request):
        return None
    logs.caller_refused("admin", 403, "a form without a valid CSRF token")
    return pages.render_page("admin/signin_form_expired.html", 403, pages.NOINDEX,
                             keep_query=False, english_only=True,
                             page_title="Nothing was changed", message=_EXPIRED_FORM)  # fmt: skip


# -------------------------------------------------------------------------------- sign-out


def signout(request: Request) -> Response:
    """POST admin?page=signout: forget the session (its cookie) and go to the sign-in page.
    A GET only shows where the sign-out form is (sign-out changes something: POST only)."""
    if request.method != "POST":
        return see_home()
    if session_token(request) and (refused := check_csrf(request)) is not None:
        return refused
    return end_session(see_home())


def admin_view(request: Request, template: str, title: str, status: int = 200,
               **context) -> Response:  # fmt: skip
    """An admin page from templates/pages/admin/<template>: English, not indexed, its language
    links not repeating the query, with the signed-in administrator and the CSRF field."""
    from functions.http.callers import caller
    from functions.http.pages import NOINDEX, render_page

    return render_page(f"admin/{template}", status, NOINDEX, keep_query=False,
                       english_only=True, page_title=title, admin=caller(request),
                       csrf_field=csrf_field(request), **context)  # fmt: skip
