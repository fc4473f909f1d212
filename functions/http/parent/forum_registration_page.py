"""The forum registration pages: the form (its choices from the forum, its CSRF token bound
to a cookie of its own) and the outcome pages."""

from __future__ import annotations

from flask import Request, Response

from functions import wiring
from functions.config import get_settings
from functions.domain.forums.models import Forum
from functions.domain.forums.registration import CENTRE_ROLES
from functions.domain.shared.consent import FORUM_CONSENT_TEXTS, FORUM_CONSENT_VERSION
from functions.domain.shared.signing import Purpose
from functions.domain.shared.vocabulary import (
    AUDIENCE_OF_ROLE,
    N_,
    Language,
    ParticipantRole,
    options,
)
from functions.http import pages
from functions.http.pages import NOINDEX, error_page, render_page
from functions.http.parent import form_tokens as tokens

ENTRY_POINT = "forum_registration"
COOKIE_NAME = "forum_forms"
CLOSED = {
    "cancelled": (N_("This forum is cancelled"),
                  N_("It takes no registrations. Other forums are on the forums page.")),
    "ended": (N_("This forum has taken place"),
              N_("It takes no registrations now. The coming forums are on the forums page.")),
}  # fmt: skip


def closed_page(reason: str) -> Response:
    heading, message = CLOSED[reason]
    return error_page(410 if reason == "ended" else 409, heading, message, NOINDEX)


def forum_not_found() -> Response:
    return error_page(404, N_("We couldn't find that forum"),
                      N_("The link may be incomplete. The coming forums are on the forums page."),
                      NOINDEX)  # fmt: skip


def issue(request: Request) -> tuple[str, str]:
    return tokens.issue(wiring.signer(), request.cookies.get(COOKIE_NAME),
                        Purpose.FORUM_REGISTRATION_FORM)  # fmt: skip


def check(request: Request) -> str:
    """The nonce of the form sent, or tokens.FormTokenRejected."""
    return tokens.check(request.form.get("csrf_token"), request.cookies.get(COOKIE_NAME),
                        wiring.signer(), get_settings().form_token_max_age_seconds,
                        Purpose.FORUM_REGISTRATION_FORM)  # fmt: skip


def bind(response: Response, nonce: str) -> Response:
    response.set_cookie(COOKIE_NAME, nonce, max_age=get_settings().form_token_max_age_seconds,
                        httponly=True, samesite="Lax", secure=pages.cookies_secure(),
                        path="/")  # fmt: skip
    return response


def _centres() -> list[dict]:
    directory = wiring.centre_directory()
    regions = {r.region_id: r.name for r in directory.list_regions()}
    groups: dict[str, list] = {}
    for centre in directory.list_centres():
        if centre.active:
            groups.setdefault(regions.get(centre.region_id, ""), []).append(
                {"id": centre.centre_id, "name": centre.name}
            )
    return [{"region": name, "centres": found} for name, found in sorted(groups.items())]


def form_page(request: Request, forum: Forum, status: int, values: dict, errors: dict,
              notice: str | None = None) -> Response:  # fmt: skip
    """The form for this forum, with what was typed and each error beside its field."""
    token, nonce = issue(request)
    roles = [o for o in options(ParticipantRole) if AUDIENCE_OF_ROLE[o["value"]] in forum.audiences]
    values = {"language": pages.current_language(), **values}
    response = render_page(
        "forums/register.html", status, headers=NOINDEX, forum=forum,
        action_url=f"{ENTRY_POINT}?forum={forum.forum_id}", csrf_token=token, roles=roles,
        centre_roles=[r.value for r in CENTRE_ROLES], centre_groups=_centres(),
        languages=options(Language), rooms=forum.breakout_rooms,
        consent_statement=FORUM_CONSENT_TEXTS[FORUM_CONSENT_VERSION],
        consent_version=FORUM_CONSENT_VERSION, values=values, errors=errors, notice=notice,
    )  # fmt: skip
    return bind(response, nonce)
