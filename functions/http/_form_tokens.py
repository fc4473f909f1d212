"""Signed CSRF tokens for the feedback form, bound to a cookie (double submit).

A token is "<issued unix seconds>.<nonce>.<signature>". The nonce also names the form
instance, so pressing Send twice, or refreshing the confirmation, records one case.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

COOKIE_NAME = "feedback_form"


class FormTokenRejected(Exception):
    """The token is missing, forged, expired or not this browser's; the reason is safe to log."""


def _signature(issued_at: int, nonce: str, secret: bytes) -> str:
    message = f"feedback-form:{issued_at}.{nonce}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:32]


def issue(secret: bytes, now: float, nonce: str | None = None) -> tuple[str, str]:
    """(token for the hidden field, nonce for the cookie); an existing nonce is kept."""
    nonce = nonce or secrets.token_urlsafe(16)
    issued_at = int(now)
    return f"{issued_at}.{nonce}.{_signature(issued_at, nonce, secret)}", nonce


def check(token: str | None, cookie: str | None, secret: bytes, now: float, max_age: int) -> str:
    """The token's nonce, or FormTokenRejected."""
    issued, _, rest = (token or "").partition(".")
    nonce, _, signature = rest.partition(".")
    if not (issued.isdigit() and nonce and signature):
        raise FormTokenRejected("malformed")
    if not hmac.compare_digest(signature, _signature(int(issued), nonce, secret)):
        raise FormTokenRejected("forged")
    if not 0 <= now - int(issued) <= max_age:
        raise FormTokenRejected("expired")
    if not cookie or not hmac.compare_digest(cookie, nonce):
        raise FormTokenRejected("cookie")
    return nonce
