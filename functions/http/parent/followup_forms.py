"""What the forms a parent follows a case up with share (the reply, and the rating, on their
own pages and on the status page): their CSRF tokens, bound to a cookie of their own as the
feedback form's are (form_tokens.py), and the words for the five scores."""

from __future__ import annotations

from flask import Request, Response

from functions import wiring
from functions.config import get_settings
from functions.domain.shared.signing import Purpose
from functions.domain.shared.vocabulary import N_
from functions.http import pages
from functions.http.parent import form_tokens as tokens

COOKIE_NAME = "case_forms"
FormTokenRejected = tokens.FormTokenRejected

# The five scores of a rating, worst first, as the mail's links and the forms show them.
SCORES = [
    {"value": 1, "label": N_("1 – Very poor")},
    {"value": 2, "label": N_("2 – Poor")},
    {"value": 3, "label": N_("3 – Fair")},
    {"value": 4, "label": N_("4 – Good")},
    {"value": 5, "label": N_("5 – Very good")},
]


def issue(request: Request, *purposes: Purpose) -> tuple[dict[Purpose, str], str]:
    """A token for each form on the page, all bound to this browser's nonce (kept when it
    has one of ours), and the nonce for the cookie (set it with `bind`)."""
    signer = wiring.signer()
    nonce = request.cookies.get(COOKIE_NAME)
    issued = {}
    for purpose in purposes:
        issued[purpose], nonce = tokens.issue(signer, nonce, purpose)
    return issued, nonce


def bind(response: Response, nonce: str) -> Response:
    """Set the cookie the forms' tokens are checked against."""
    response.set_cookie(COOKIE_NAME, nonce, max_age=get_settings().form_token_max_age_seconds,
                        httponly=True, samesite="Lax", secure=pages.cookies_secure(),
                        path="/")  # fmt: skip
    return response


def check(request: Request, purpose: Purpose) -> str:
    """The nonce of the form that was sent, or FormTokenRejected."""
    return tokens.check(request.form.get("csrf_token"), request.cookies.get(COOKIE_NAME),
                        wiring.signer(), get_settings().form_token_max_age_seconds,
                        purpose)  # fmt: skip
