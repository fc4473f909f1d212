"""Who is calling: administrators (a Google-signed ID token, against the allow-list), and,
under `make run` only, the development token that stands for the demo network administrator.

An administrator's token comes as `Authorization: Bearer <token>` (the `ecd` tool, scripts)
or in the admin pages' session cookie (set at sign-in). 401: no token, or one that is not
valid; 403: a valid token of someone who is not an administrator. Nothing is changed either
way. The decorators in functions/entrypoints.py (`admin_page`, `admin_api`) call these before
the handler, which then reads `caller(request)`.

Cloud Scheduler and Cloud Tasks carry an ID token of their own service account
(SCHEDULER_INVOKER_EMAIL, TASKS_INVOKER_EMAIL) for the called function's URL:
`identify_invoker` (the `job` and `task` decorators) accepts that account's token and no
other (401 without a valid token, 403 with one of another account). Under `make run` only
(LOCAL_DEV), a call with no token, or with the development token, is let through: the Cloud
Tasks emulator sends no token (only X-CloudTasks-* headers), nor does the local scheduler
loop (functions/devtools/run.py sends the development token), nor `curl` in the README.
"""

from __future__ import annotations

from typing import NamedTuple

from flask import Request

from functions.config import get_settings
from functions.domain.directory.administrators import Administrator
from functions.domain.shared.signing import same_signature
from functions.services.errors import InvalidToken

ADMIN_COOKIE = "admin_session"  # the administrator's ID token itself (functions/http/admin)
_CALLER = "ecd.caller"  # where the decorator leaves the caller, in the request's environ


class Refusal(NamedTuple):
    status: int  # 401 or 403
    message: str


def bearer(request: Request) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, if any."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def local_administrator() -> Administrator:
    """The demo network administrator the development token stands for."""
    return Administrator(email=get_settings().local_admin_email, name="Demo network administrator")


def is_local_token(token: str) -> bool:
    settings = get_settings()
    return settings.local_dev and same_signature(
        token, settings.local_admin_token.get_secret_value()
    )


def identify_administrator(token: str | None, deps) -> Administrator | Refusal:
    """The administrator a token stands for, or why not."""
    if not token:
        return Refusal(401, "Sign in: this needs an administrator's Google identity")
    if is_local_token(token):
        return local_administrator()
    from functions.adapters.google_oidc import verify_administrator_token

    try:
        email = verify_administrator_token(token)
    except InvalidToken as problem:
        return Refusal(401, f"The sign-in is not valid ({problem}): please sign in again")
    administrator = deps.administrators.get(email)
    if administrator is None:
        return Refusal(403, "This Google account is not an administrator of the network")
    return administrator


def remember(request: Request, administrator: Administrator) -> None:
    request.environ[_CALLER] = administrator


def caller(request: Request) -> Administrator:
    """The administrator the decorator identified for this request."""
    return request.environ[_CALLER]


def identified(request: Request) -> Administrator | None:
    """The administrator identified for this request, if any (pages shown to anyone)."""
    return request.environ.get(_CALLER)


def session_token(request: Request) -> str | None:
    """The token this request is signed in with: the Bearer header's, else the cookie's."""
    return bearer(request) or request.cookies.get(ADMIN_COOKIE) or None


def identify_invoker(token: str | None, account: str | None, audience: str) -> str | Refusal:
    """The service account a scheduled job's or task's ID token stands for (`account`, for
    this function's URL `audience`), or why not. Under LOCAL_DEV, no token or the
    development token stands for the local emulators ("local")."""
    settings = get_settings()
    if settings.local_dev and (not token or is_local_token(token)):
        return "local"
    if not token:
        return Refusal(401, "Only Google Cloud calls this: send the caller's ID token")
    from functions.adapters.google_oidc import verify_service_token

    try:
        email = verify_service_token(token, audience, settings.cloud_run_invoker_check)
    except InvalidToken as problem:
        return Refusal(401, f"The ID token is not valid here ({problem})")
    if not account or email != account.strip().lower():
        return Refusal(403, "This account may not call this: only its scheduler or task queue")
    return email
