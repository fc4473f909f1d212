"""Who is calling: administrators (a Google-signed ID token, against the allow-list), and,
under `make run` only, the development token that stands for the demo network administrator.

An administrator's token comes as `Authorization: Bearer <token>` (the `ecd` tool, scripts)
or in the admin pages' session cookie (set at sign-in). 401: no token, or one that is not
valid; 403: a valid token of someone who is not an administrator. Nothing is changed either
way. The decorators in functions/entrypoints.py (`admin_page`, `admin_api`) call these before
the handler, which then reads `caller(request)`.
"""

from __future__ import annotations

from typing import NamedTuple

from flask import Request

from functions.config import get_settings
from functions.domain.directory.administrators import Administrator
from functions.domain.shared.signing import same_signature
from functions.services.errors import InvalidToken

ADMIN_COOKIE = "admin_session"
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
