"""The feedback form page: its choices, its CSRF token and the cookie that binds it."""

from __future__ import annotations

from urllib.parse import quote

from flask import Request

from functions import wiring
from functions.config import get_settings
from functions.domain.shared.consent import CONSENT_TEXTS, CURRENT_CONSENT_VERSION
from functions.domain.shared.vocabulary import (
    KIND_HINTS,
    AgeGroup,
    Category,
    Kind,
    Language,
    ReporterRole,
    options,
)
from functions.http import pages
from functions.http.pages import render_page
from functions.http.parent import form_tokens as tokens

FORM_ENTRY_POINT = "feedback_form"


def _centre_groups() -> list[dict]:
    directory = wiring.centre_directory()
    centres = directory.list_centres()
    groups = []
    for region in directory.list_regions():
        members = [
            {"id": c.centre_id, "name": c.name} for c in centres if c.region_id == region.region_id
        ]
        if members:
            groups.append({"region": region.name, "centres": members})
    return groups


def _charter_url(groups: list[dict], centre_id: object) -> str:
    """The chosen centre's charter (one of the listed centres), else the list of charters."""
    known = {centre["id"] for group in groups for centre in group["centres"]}
    if isinstance(centre_id, str) and centre_id in known:
        return f"charter?centre={quote(centre_id, safe='')}"
    return "charter"


def form_page(request: Request, status: int, values: dict, errors: dict, notice: str | None = None):
    """The form with what was typed and each error beside its field, and a fresh token."""
    settings = get_settings()
    token, nonce = tokens.issue(wiring.signer(), request.cookies.get(tokens.COOKIE_NAME))
    kinds = [option | {"hint": KIND_HINTS[Kind(option["value"])]} for option in options(Kind)]
    # The reply comes in the language the parent reads this page in, unless they choose another.
    values = {"reporter.preferred_language": pages.current_language(), **values}
    groups = _centre_groups()
    response = render_page(
        "feedback_form.html",
        status,
        action_url=FORM_ENTRY_POINT,  # relative: the page works on any host it is served from
        csrf_token=token,
        centre_groups=groups,
        charter_url=_charter_url(groups, values.get("centre_id")),
        kinds=kinds,
        categories=options(Category),
        age_groups=options(AgeGroup),
        roles=options(ReporterRole),
        languages=options(Language),
        consent_statement=CONSENT_TEXTS[CURRENT_CONSENT_VERSION],  # the template translates
        consent_version=CURRENT_CONSENT_VERSION,
        values=values,
        errors=errors,
        notice=notice,
    )
    response.set_cookie(
        tokens.COOKIE_NAME,
        nonce,
        max_age=settings.form_token_max_age_seconds,
        httponly=True,
        samesite="Lax",
        secure=pages.cookies_secure(),
        path="/",
    )
    return response
