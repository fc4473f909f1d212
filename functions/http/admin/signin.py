"""Signing administrators in: the page a request without a valid session gets."""

from __future__ import annotations

from flask import Request, Response

from functions.http.callers import Refusal
from functions.http.pages import NOINDEX, error_page


def refused_page(request: Request, refusal: Refusal) -> Response:
    """401: the sign-in page; 403: this account is not an administrator."""
    heading = "Sign in" if refusal.status == 401 else "Not an administrator"
    return error_page(refusal.status, heading, refusal.message, NOINDEX)
