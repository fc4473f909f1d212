"""GET/POST /forum_registration: register for a forum (`?forum=<id>`), see the outcome
(`?registered=<token>`), and cancel from the link in every confirmation (`?cancel=<token>`:
GET asks to confirm, POST cancels)."""

from __future__ import annotations

from urllib.parse import quote

from flask import Request, Response
from pydantic import ValidationError

from functions import logs, wiring
from functions.config import get_settings
from functions.domain.forums.models import RegistrationState
from functions.domain.forums.registration import RegistrationForm
from functions.domain.shared.validation import field_errors
from functions.domain.shared.vocabulary import N_, Source
from functions.entrypoints import page
from functions.http import flood_limit
from functions.http.pages import NOINDEX, not_found_page, render_page
from functions.http.parent import form_tokens as tokens
from functions.http.parent import forum_registration_page as view
from functions.services.forums.cancelling import (
    cancel_registration,
    cancel_token,
    registration_for_token,
)
from functions.services.forums.errors import (
    ForumClosed,
    ForumNotFound,
    RegistrationNotFound,
    RegistrationRefused,
)
from functions.services.forums.invitations import invitee_for_token
from functions.services.forums.registering import Outcome, closed_reason, register

NAME = view.ENTRY_POINT
HONEYPOT = "website"
_LISTS = ("topics",)
_WHEN_EMPTY = {"role": N_("Choose your role"), "consent": N_("Tick the box to agree, so that "
               "we can register you")}  # fmt: skip
_HELD = N_("Many registrations came from your connection just now, so yours was not sent yet. "
           "Your answers are still here: please send them again in a minute.")  # fmt: skip


def _values(request: Request) -> dict:
    form = request.form
    values = {name: form.get(name, "") for name in form if name not in ("csrf_token", *_LISTS)}
    values["topics"] = form.getlist("topics")
    return values


def _data(values: dict, forum_id: str) -> dict:
    return {
        "forum_id": forum_id, "name": values.get("name", ""), "role": values.get("role") or None,
        "centre_id": values.get("centre_id") or None, "email": values.get("email") or None,
        "phone": values.get("phone") or None, "needs": values.get("needs", ""),
        "topics": values.get("topics", []), "topics_other": values.get("topics_other", ""),
        "room_id": values.get("room_id") or None, "language": values.get("language") or "en",
        "consent": values.get("consent") == "yes",
        "consent_version": values.get("consent_version", ""),
    }  # fmt: skip


def _errors(error: ValidationError, values: dict) -> dict:
    shown: dict = {}
    for problem in field_errors(error):
        field = problem.field.split(".")[0] or "email"
        if field in ("forum_id", "consent_version"):
            field = "consent" if field == "consent_version" else "name"
        if field == "" or field == "__root__":
            field = "email"
        message = _WHEN_EMPTY.get(field) if not values.get(field) else None
        given = (problem.message, problem.params) if problem.params else problem.message
        shown.setdefault(field, message or given)
    return shown


def _post(request: Request, forum) -> Response:
    values = _values(request)
    if values.pop(HONEYPOT, ""):
        logs.honeypot_tripped()
        return render_page("thanks.html")
    try:
        view.check(request)
    except tokens.FormTokenRejected as rejection:
        logs.form_token_rejected(str(rejection))
        notice = N_("Your form had expired, so you are not registered yet. Please check your "
                    "answers and send again.")  # fmt: skip
        return view.form_page(request, forum, 403, values, {}, notice)
    try:
        command = RegistrationForm.model_validate(_data(values, forum.forum_id))
    except ValidationError as error:
        errors = _errors(error, values)
        logs.input_rejected(NAME, 422, errors)
        return view.form_page(request, forum, 422, values, errors)
    if (wait := flood_limit.held_for(request, NAME, Source.WEB_FORM, None)) is not None:
        response = view.form_page(request, forum, 429, values, {}, _HELD)
        response.headers.update(flood_limit.retry_after(wait))
        return response
    deps = wiring.dependencies()
    try:
        done = register(deps, command, Source.WEB_FORM.value, deps.clock())
    except RegistrationRefused as refused:
        logs.input_rejected(NAME, 422, refused.problems)
        return view.form_page(request, forum, 422, values, refused.problems)
    except ForumClosed as closed:
        return view.closed_page(closed.reason)
    except ForumNotFound:
        return view.forum_not_found()
    logs.forum_registered(forum.forum_id, done.outcome.value, Source.WEB_FORM.value)
    if done.outcome == Outcome.ALREADY_REGISTERED:
        # Says nothing of the registration (anyone may type someone's address), sends nothing.
        return render_page("forums/already.html", headers=NOINDEX, forum=forum)
    token = quote(cancel_token(deps, done.registration.registration_id), safe="")
    return Response(status=303, headers={"Location": f"{NAME}?registered={token}"})


def _registered(token: str) -> Response:
    found = registration_for_token(wiring.dependencies(), token)
    if found is None:
        return not_found_page()
    registration, forum = found
    return render_page("forums/registered.html", headers=NOINDEX, forum=forum,
                       registration=registration, cancel_url=f"{NAME}?cancel={quote(token)}",
                       states=RegistrationState)  # fmt: skip


def _cancel(request: Request, token: str) -> Response:
    deps = wiring.dependencies()
    found = registration_for_token(deps, token)
    if found is None:
        return not_found_page()
    registration, forum = found
    link = f"{NAME}?cancel={quote(token, safe='')}"
    if request.method == "POST":
        try:
            view.check(request)
        except tokens.FormTokenRejected as rejection:
            logs.form_token_rejected(str(rejection))
            return _cancel_page(request, 403, forum, registration, link, expired=True)
        try:
            done = cancel_registration(deps, registration.registration_id, deps.clock())
        except ForumClosed as closed:
            return view.closed_page(closed.reason)
        except (RegistrationNotFound, ForumNotFound):
            return not_found_page()
        logs.forum_registration_cancelled(forum.forum_id, done.already, done.promoted is not None)
        return Response(status=303, headers={"Location": link})
    return _cancel_page(request, 200, forum, registration, link)


def _cancel_page(request, status, forum, registration, link, expired=False) -> Response:
    token, nonce = view.issue(request)
    ended = closed_reason(forum, wiring.dependencies().clock()) == "ended"
    response = render_page("forums/cancel.html", status, headers=NOINDEX, forum=forum,
                           registration=registration, action_url=link, csrf_token=token,
                           ended=ended, expired=expired, states=RegistrationState)  # fmt: skip
    return view.bind(response, nonce)


def _form(request: Request) -> Response:
    deps = wiring.dependencies()
    forum = deps.forums.get(request.args.get("forum", ""))
    if forum is None:
        return view.forum_not_found()
    if request.method == "GET":
        if reason := closed_reason(forum, deps.clock()):
            return view.closed_page(reason)
        values = {}
        invitee = invitee_for_token(deps, request.args.get("invite"))
        if invitee is not None:
            values = {
                "name": invitee.name, "email": invitee.email, "role": invitee.role.value,
                "centre_id": invitee.centre_id or "", "language": invitee.language,
            }  # fmt: skip
        return view.form_page(request, forum, 200, values, {})
    return _post(request, forum)


@page(NAME, methods=("GET", "POST"), max_body=lambda: get_settings().max_body_bytes,
      unavailable=N_("We could not save or load the registration just now. Go back: your "
                     "answers are still in the form. Send it again in a minute: you will not "
                     "be registered twice."))  # fmt: skip
def forum_registration(request: Request) -> Response:
    """The registration form and its outcome; the cancel link's confirm page and cancel."""
    if "cancel" in request.args:
        return _cancel(request, request.args["cancel"])
    if "registered" in request.args:
        return _registered(request.args["registered"])
    return _form(request)
