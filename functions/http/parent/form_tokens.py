"""Signed CSRF tokens for the feedback form, bound to a cookie (double submit).

A token is "<issued unix seconds>.<nonce>.<signature>". The nonce also names the form
instance, so pressing Send twice, or refreshing the confirmation, records one case.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from functions.domain.shared.signing import same_signature, unix_seconds

COOKIE_NAME = "feedback_form"
_NONCE = re.compile(r"[A-Za-z0-9_-]{1,64}")  # what secrets.token_urlsafe makes


class FormTokenRejected(Exception):
    """The token is missing, forged, expired or not this browser's; the reason is safe to log."""


def _signature(issued_at: int, nonce: str, secret: bytes) -> str:
    message = f"feedback-form:{issued_at}.{nonce}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:32]


def issue(secret: bytes, now: float, nonce: str | None = None) -> tuple[str, str]:
    """(token for the hidden field, nonce for the cookie); an existing nonce of ours is kept
    (a cookie holding anything else gets a new one, or its form could never be sent)."""
    if not (nonce and _NONCE.fullmatch(nonce)):
        nonce = secrets.token_urlsafe(16)
    issued_at = int(now)
    return f"{issued_at}.{nonce}.{_signature(issued_at, nonce, secret)}", nonce


def check(token: str | None, cookie: str | None, secret: bytes, now: float, max_age: int) -> str:
    """The token's nonce, or FormTokenRejected."""
    issued, _, rest = (token or "").partition(".")
    nonce, _, signature = rest.partition(".")
    issued_at = unix_seconds(issued)
    if issued_at is None or not (_NONCE.fullmatch(nonce) and signature):
        raise FormTokenRejected("malformed")
    if not same_signature(signature, _signature(issued_at, nonce, secret)):
        raise FormTokenRejected("forged")
    if not 0 <= now - issued_at <= max_age:
        raise FormTokenRejected("expired")
    # The nonce is ours (the signature checked it); the cookie may hold anything.
    if not cookie or not same_signature(cookie, nonce):
        raise FormTokenRejected("cookie")
    return nonce
