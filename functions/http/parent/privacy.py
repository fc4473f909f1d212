"""GET /privacy: who runs the service, how to reach a person, and parents' rights (POPIA)."""

from __future__ import annotations

from flask import Request, Response

from functions.config import get_settings
from functions.entrypoints import page
from functions.http.pages import render_page


@page("privacy")
def privacy(request: Request) -> Response:
    """The privacy notice and contact page, linked from every page and every email."""
    settings = get_settings()
    return render_page(
        "privacy.html",
        headers={"Cache-Control": "public, max-age=3600"},
        contact_email=settings.network_contact_email,
        contact_phone=settings.network_contact_phone,
        officer=settings.information_officer,
        officer_email=settings.information_officer_email,
        retention_days=settings.outbox_retention_days,
        retention_months=settings.record_retention_months,  # retain_records (README, Privacy)
    )
