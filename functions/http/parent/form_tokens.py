"""The feedback form's CSRF token, bound to a cookie (double submit); other forms use the
same with a purpose of their own (the staff case action form: Purpose.CASE_ACTION_FORM).

The token is the form's nonce, signed for the feedback form with an expiry
(domain/shared/signing.py); the cookie holds the nonce itself. The nonce also names the form
instance, so pressing Send twice, or refreshing the confirmation, records one case.
"""

from __future__ import annotations

import re
import secrets

from functions.domain.shared.signing import Purpose, Signer, same_signature

COOKIE_NAME = "feedback_form"
_NONCE = re.compile(r"[A-Za-z0-9_-]{1,64}")  # what secrets.token_urlsafe makes


class FormTokenRejected(Exception):
    """The token is missing, forged, expired or not this browser's; the reason is safe to log."""


def issue(signer: Signer, nonce: str | None = None,
          purpose: Purpose = Purpose.FEEDBACK_FORM) -> tuple[str, str]:  # fmt: skip
    """(token for the hidden field, nonce for the cookie); an existing nonce of ours is kept
    (a cookie holding anything else gets a new one, or its form could never be sent)."""
    if not (isinstance(nonce, str) and _NONCE.fullmatch(nonce)):
        nonce = secrets.token_urlsafe(16)
    return signer.sign(purpose, nonce, expires=True), nonce


def check(token: object, cookie: object, signer: Signer, max_age: int,
          purpose: Purpose = Purpose.FEEDBACK_FORM) -> str:  # fmt: skip
    """The token's nonce, or FormTokenRejected (forged, expired, or another browser's)."""
    nonce = signer.unsign(purpose, token, max_age=max_age)
    if nonce is None or not _NONCE.fullmatch(nonce):
        raise FormTokenRejected("forged or expired")
    # The nonce is ours (the signature checked it); the cookie may hold anything.
    if not isinstance(cookie, str) or not same_signature(cookie, nonce):
        raise FormTokenRejected("cookie")
    return nonce
