"""Signing administrators in: the page a request without a valid session gets, and what it
posts back to admin?page=signin.

Deployed, the page shows Google Identity Services' "Sign in with Google" button: the one
admin page with JavaScript (Google's script only, allowed by this page's own
Content-Security-Policy; every other admin page keeps the strict one). Google's script posts
the ID token (`credential`) here with its double-submit CSRF token (`g_csrf_token`, in the
form and in a cookie of that name): we check the two match, verify the token for our OAuth
client (GOOGLE_OAUTH_CLIENT_ID), look the address up in the allow-list and keep the token as
the session (session.py), then 303 to the admin home. Under `make run` (LOCAL_DEV) the page
is a plain form for the development token (LOCAL_ADMIN_TOKEN) instead.

refused_page answers every admin page the decorator refused: 401 → the sign-in page; 403 →
"this account is not an administrator", with a sign-out button. admin?page=signin and
admin?page=signout work whether the caller is signed in or not.
"""

from __future__ import annotations

import re

from flask import Request, Response

from functions import logs, wiring
from functions.config import get_settings
from functions.domain.shared.signing import Purpose, same_signature
from functions.http import pages
from functions.http.admin import session
from functions.http.callers import (
    ADMIN_COOKIE,
    Refusal,
    identified,
    is_local_token,
    local_administrator,
    session_token,
)
from functions.http.parent import form_tokens
from functions.services.errors import InvalidToken

GOOGLE_CSRF = "g_csrf_token"  # Google's name, for its cookie and its form field
LOCAL_FORM_COOKIE = "admin_signin"  # the development-token form's CSRF nonce
_CSRF_SHAPE = re.compile(r"[\x21-\x7e]{1,256}")
_GIS = "https://accounts.google.com/gsi/"
# What Google's button needs (developers.google.com/identity/gsi/web, "Content Security
# Policy"), and nothing else: no inline script, and forms post here only.
GIS_CSP = (
    f"default-src 'none'; script-src {_GIS}client; frame-src {_GIS}; connect-src {_GIS}; "
    f"style-src 'unsafe-inline' {_GIS}style; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
# Google's button checks the page's origin from the Referer of its frame: send the origin.
GIS_REFERRER = "strict-origin-when-cross-origin"
NOT_ADMINISTRATOR = "This Google account is not an administrator of the network"


def refused_page(request: Request, refusal: Refusal) -> Response:
    """401: the sign-in page; 403: this account is not an administrator."""
    page = request.args.get("page")
    if page == "signin":
        return signin(request)
    if page == "signout":
        return session.signout(request)
    if refusal.status == 403:
        return _not_administrator(request, refusal.message)
    notice = None
    if session_token(request):
        notice = "Your sign-in has expired or is not valid here: please sign in again."
    response = _signin_page(request, 401, notice)
    if request.cookies.get(ADMIN_COOKIE):
        session.end_session(response)
    return response


def signin(request: Request) -> Response:
    """GET admin?page=signin: the sign-in page (the home, when signed in); POST: sign in."""
    if request.method == "POST":
        form = request.form
        if "credential" in form:
            return _google_signin(request)
        if get_settings().local_dev and "token" in form:
            return _local_signin(request)
        return _signin_page(request, 400, "Sign in with the form below.")
    if identified(request) is not None:
        return session.see_home()
    return _signin_page(request, 200)


def _google_signin(request: Request) -> Response:
    from functions.adapters.google_oidc import verify_id_token

    settings = get_settings()
    cookie, field = request.cookies.get(GOOGLE_CSRF), request.form.get(GOOGLE_CSRF)
    if not (isinstance(cookie, str) and isinstance(field, str) and _CSRF_SHAPE.fullmatch(cookie)
            and _CSRF_SHAPE.fullmatch(field) and same_signature(field, cookie)):  # fmt: skip
        logs.admin_signin_refused("g_csrf_token missing, or not the cookie's")
        return _signin_page(request, 403, "That sign-in did not come from this page: please "
                                          "sign in again with the button below.")  # fmt: skip
    credential = request.form.get("credential", "")
    try:
        identity = verify_id_token(credential, [settings.google_oauth_client_id or ""])
    except InvalidToken as problem:
        logs.admin_signin_refused(f"token: {problem}")
        return _signin_page(request, 401, f"Google's answer could not be accepted ({problem}): "
                                          "please sign in again.")  # fmt: skip
    administrator = wiring.dependencies().administrators.get(identity.email)
    if administrator is None:
        logs.admin_signin_refused("not on the allow-list, or inactive")
        return _not_administrator(request, NOT_ADMINISTRATOR)
    logs.admin_signed_in(administrator.key, administrator.region_id, local=False)
    return session.start_session(session.see_home(), credential, identity.expires_at)


def _local_signin(request: Request) -> Response:
    """Under LOCAL_DEV only: the development token, from the page's plain form."""
    settings = get_settings()
    try:
        form_tokens.check(request.form.get("csrf_token"), request.cookies.get(LOCAL_FORM_COOKIE),
                          wiring.signer(), settings.form_token_max_age_seconds,
                          Purpose.ADMIN_FORM)  # fmt: skip
    except form_tokens.FormTokenRejected as rejected:
        logs.admin_signin_refused(f"development token form: {rejected}")
        return _signin_page(request, 403, "The form had expired or was opened in another "
                                          "browser: please sign in again.")  # fmt: skip
    token = request.form.get("token", "").strip()
    if not is_local_token(token):
        logs.admin_signin_refused("not the development token")
        return _signin_page(request, 401, "That is not the development token.")
    administrator = local_administrator()
    logs.admin_signed_in(administrator.key, administrator.region_id, local=True)
    return session.start_session(session.see_home(), token, None)


def _signin_page(request: Request, status: int, notice: str | None = None) -> Response:
    settings = get_settings()
    headers = dict(pages.NOINDEX)
    context = {"notice": notice, "page_title": "Sign in", "referrer": None}
    if settings.local_dev:
        csrf, nonce = form_tokens.issue(wiring.signer(), request.cookies.get(LOCAL_FORM_COOKIE),
                                        Purpose.ADMIN_FORM)  # fmt: skip
        default = settings.local_admin_token.get_secret_value() == "local-admin-token"
        response = pages.render_page("admin/signin.html", status, headers, keep_query=False,
                                     english_only=True, local=True, csrf_token=csrf,
                                     local_email=settings.local_admin_email,
                                     default_token=default, **context)  # fmt: skip
        response.set_cookie(LOCAL_FORM_COOKIE, nonce, httponly=True, samesite="Lax",
                            max_age=settings.form_token_max_age_seconds,
                            secure=pages.cookies_secure(), path=session.cookie_path())  # fmt: skip
        return response
    client_id = settings.google_oauth_client_id
    if client_id:
        headers |= {"Content-Security-Policy": GIS_CSP, "Referrer-Policy": GIS_REFERRER}
    context["referrer"] = GIS_REFERRER if client_id else None
    return pages.render_page("admin/signin.html", status, headers, keep_query=False,
                             english_only=True, local=False, client_id=client_id,
                             login_uri=f"{settings.url_for('admin')}?page=signin",
                             **context)  # fmt: skip


def _not_administrator(request: Request, message: str) -> Response:
    return pages.render_page("admin/signin_refused.html", 403, pages.NOINDEX, keep_query=False,
                             english_only=True, page_title="Not an administrator",
                             message=message, signed_in=bool(session_token(request)),
                             csrf_field=session.csrf_field(request))  # fmt: skip
