"""HTML answers: every page is rendered from templates/pages with the same safe headers."""

from __future__ import annotations

from flask import Response

from functions.config import get_settings
from functions.rendering import render

# Pages load nothing from anywhere: no scripts, fonts or images, only their own inline CSS.
_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def render_page(
    template: str, status: int = 200, headers: dict | None = None, **context
) -> Response:
    """Render templates/pages/<template> into a complete HTML response."""
    context.setdefault("network_name", get_settings().network_name)
    body = render(f"pages/{template}", **context)
    response = Response(body, status=status, mimetype="text/html")
    response.headers.update(_SECURITY_HEADERS)
    response.headers.update(headers or {})
    return response


def not_found_page() -> Response:
    return render_page("not_found.html", 404, page_title="Page not found")


def error_page(status: int, heading: str, message: str, headers: dict | None = None) -> Response:
    return render_page("error.html", status, headers, page_title=heading, heading=heading,
                       message=message)  # fmt: skip


def internal_error_page() -> Response:
    return error_page(500, "Something went wrong", "Please try again in a few minutes.")
