"""GET/POST /case_action?token=…: a staff member acts on a case from the link in their mail.

GET shows the case (its whole history, internal notes included) and the one form its link
allows; POST, with the form's CSRF token bound to a cookie, does it and answers 303 to
`case_action?token=…&done=1`, which shows what was done and the case as it now is (a refresh
acts on nothing). A link that opens nothing says why on a plain page and changes nothing:
not valid 404, expired or used 410, not this person's to use 403, case gone 404. A link
whose action no longer applies (the case moved on) says what happened instead (409 on POST)
and is not spent (services/cases/act.py says why).
"""

from __future__ import annotations

import re

from flask import Request, Response

from functions import logs, wiring
from functions.config import get_settings
from functions.domain.cases.lifecycle import Refused
from functions.domain.shared.signing import Purpose
from functions.domain.shared.text import clean_text
from functions.domain.shared.vocabulary import StaffAction
from functions.entrypoints import page
from functions.http import pages
from functions.http.parent import form_tokens as tokens
from functions.http.staff.case_action_page import (
    ENTRY_POINT,
    TEXT_MAX,
    action_url,
    case_page,
    link_problem_page,
)
from functions.services.cases import act
from functions.services.cases.acting import LinkProblem, LinkRefused
from functions.services.cases.action_steps import ActionContext, Given, NotAChoice

COOKIE_NAME = "case_action_form"
# 5,000 characters of the widest UTF-8, percent-encoded (12 bytes each), and the token.
MAX_BODY = 64 * 1024
_LINE_END = re.compile(r"\r\n|[\r\x85\u2028\u2029]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# The actions whose text is required, and what to say when it is missing.
_TEXT_NEEDED = {
    StaffAction.NOTE: "Write the note first.",
    StaffAction.RESOLVE: "Write what was done, for the parent, first.",
    StaffAction.ASK_PARENT: "Write your question for the parent first.",
}
_EXPIRED_FORM = ("The form had expired or was opened in another browser, so nothing was done "
                 "yet. Check what you wrote and send it again.")  # fmt: skip


def clean(value: str) -> str:
    """Text as staff typed it, safe to keep and send: every kind of line end one newline, no
    control characters, half a surrogate pair (which no store or mail can hold) as U+FFFD."""
    return clean_text(_LINE_END.sub("\n", _SURROGATE.sub("\ufffd", value)))


def _now():
    return wiring.dependencies().clock()


def _form_page(request: Request, context: ActionContext, token: str, status: int = 200,
               **extra) -> Response:  # fmt: skip
    """The form with a fresh CSRF token, and its cookie."""
    settings = get_settings()
    csrf, nonce = tokens.issue(wiring.signer(), request.cookies.get(COOKIE_NAME),
                               Purpose.CASE_ACTION_FORM)  # fmt: skip
    response = case_page(context, token, "form", _now(), status, csrf_token=csrf,
                         **extra)  # fmt: skip
    response.set_cookie(COOKIE_NAME, nonce, max_age=settings.form_token_max_age_seconds,
                        httponly=True, samesite="Lax", secure=pages.cookies_secure(),
                        path="/")  # fmt: skip
    return response


def _refused_page(context: ActionContext, token: str, status: int) -> Response:
    logs.case_action_refused(context.refusal.why, context.link.action.value)
    return case_page(context, token, "refused", _now(), status)


def _problem(refused: LinkRefused, context: ActionContext | None = None) -> Response:
    logs.case_action_refused(refused.problem.value)
    return link_problem_page(refused.problem, context)


def _given(form, context: ActionContext) -> tuple[Given, dict[str, str], dict[str, str]]:
    """(what the form gave, cleaned; each field's error; what to show back in the form)."""
    action, case = context.link.action, context.case
    raw = form.get("text", "")
    text, to = clean(raw), form.get("to", "")
    values, errors = {"text": raw, "to": to}, {}
    if len(text) > TEXT_MAX:
        errors["text"] = (f"Keep it to {TEXT_MAX:,} characters at most: this has {len(text):,}. "
                          "What you wrote is kept below to shorten.")  # fmt: skip
    elif not text and action in _TEXT_NEEDED:
        errors["text"] = _TEXT_NEEDED[action]
    if action == StaffAction.REASSIGN:
        if case.assignee is not None and to == case.assignee.key:
            errors["to"] = f"{case.assignee.name} already has this case: choose someone else."
        elif to not in {member.key for member in context.choices}:
            errors["to"] = "Choose who should take the case."
    return Given(text=text or None, to=to or None), errors, values


def _post(request: Request, token: str, context: ActionContext) -> Response:
    deps = wiring.dependencies()
    form = request.form
    try:
        tokens.check(form.get("csrf_token"), request.cookies.get(COOKIE_NAME), wiring.signer(),
                     get_settings().form_token_max_age_seconds,
                     Purpose.CASE_ACTION_FORM)  # fmt: skip
    except tokens.FormTokenRejected as rejection:
        logs.case_action_refused(f"form token {rejection}", context.link.action.value)
        values = {"text": form.get("text", ""), "to": form.get("to", "")}
        return _form_page(request, context, token, 403, values=values, notice=_EXPIRED_FORM)
    given, errors, values = _given(form, context)
    if errors:
        logs.input_rejected(ENTRY_POINT, 422, errors)
        return _form_page(request, context, token, 422, values=values, errors=errors)
    try:
        acted = act.take_action(context, given, deps)
    except LinkRefused as refused:
        return _problem(refused, context)
    except Refused:
        # The case moved on while the form was open (a colleague acted first): say what
        # happened, from the case as it is now.
        try:
            fresh = act.open_link(token, deps)
        except LinkRefused as refused:
            return _problem(refused)
        if fresh.used:
            return _problem(LinkRefused(LinkProblem.USED), fresh)
        if fresh.refusal is None:  # it moved on, and back: show the form again
            return _form_page(request, fresh, token, 409, values=values)
        return _refused_page(fresh, token, 409)
    except NotAChoice as wrong:
        errors = {wrong.field: "Choose who should take the case." if wrong.field == "to"
                  else _TEXT_NEEDED.get(context.link.action, "Write something first.")}  # fmt: skip
        logs.input_rejected(ENTRY_POINT, 422, errors)
        return _form_page(request, context, token, 422, values=values, errors=errors)
    logs.case_action_taken(context.link.action.value, acted.change.case.reference,
                           context.acting.role.value, len(acted.mail))  # fmt: skip
    # 303: the browser GETs the confirmation, so a refresh sends nothing again.
    return Response(status=303, headers={"Location": action_url(token, done="1")})


@page(ENTRY_POINT, methods=("GET", "POST"), max_body=MAX_BODY,
      unavailable="We could not load or change this case just now. Nothing was changed unless "
                  "you see it in the case's history. Please try again in a minute.")  # fmt: skip
def case_action(request: Request) -> Response:
    """GET shows the case and the link's one action; POST does it."""
    token = request.args.get("token", "")
    try:
        context = act.open_link(token, wiring.dependencies())
    except LinkRefused as refused:
        return _problem(refused)
    if context.used:
        if request.method == "GET" and request.args.get("done") == "1":
            return case_page(context, token, "done", _now())
        return _problem(LinkRefused(LinkProblem.USED), context)
    if context.refusal is not None:
        return _refused_page(context, token, 409 if request.method == "POST" else 200)
    if request.method == "POST":
        return _post(request, token, context)
    return _form_page(request, context, token)
