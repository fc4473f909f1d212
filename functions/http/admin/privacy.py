"""GET/POST admin?page=privacy_request: a person's records (POPIA), English, no script.

GET shows a form: an email address or a phone number, and two buttons. POST action=export
answers the JSON download of everything held about them (privacy_common.download);
action=preview shows what an erasure would do, kind by kind, with a second form to confirm;
action=erase (that form) erases and shows the counts ("Carry on erasing" when it ran out of
time). Every POST carries the CSRF token; only network administrators may use the page
(privacy_common: records span regions), a regional one is answered 403. What is typed is
checked and normalised as intake does (domain/privacy/person.py): anything else, a line
break, or more than 320 characters is answered 400 and nothing is read.
"""

from __future__ import annotations

from flask import Request, Response

from functions import logs
from functions.domain.privacy.person import NotAPerson
from functions.http.admin import privacy_common as common
from functions.http.admin.session import admin_view, check_csrf
from functions.http.callers import caller

NAME = "admin"
_TITLE = "A person's records"
_ACTIONS = ("export", "preview", "erase")


def privacy_request_page(request: Request) -> Response:
    administrator = caller(request)
    if not common.may_ask(administrator):
        logs.admin_refused(NAME, 403, "out_of_scope", administrator.key)
        return admin_view(request, "privacy_request.html", _TITLE, 403, allowed=False,
                          refused=common.REFUSED_SCOPE)  # fmt: skip
    if request.method != "POST":
        return _view(request)
    if (refused := check_csrf(request)) is not None:
        return refused
    action = request.form.get("action", "")
    given = request.form.get("who", "")
    shown = given[:320] if "\n" not in given and "\r" not in given else ""
    if action not in _ACTIONS:
        logs.input_rejected(NAME, 400, ["action"])
        return _view(request, 400, who=shown, errors=["Choose to export or to erase"])
    try:
        person = common.person_asked(given)
    except NotAPerson as bad:
        logs.input_rejected(NAME, 400, ["who"])
        return _view(request, 400, who=shown, errors=[str(bad)])
    if action == "export":
        return common.download(common.export(administrator, person))
    if action == "preview":
        plan, also = common.preview(person)
        return _view(request, who=person.value, person=person, plan=plan, also=also)
    done = common.erase(administrator, person)
    return _view(request, who=person.value, person=person, done=done)


def _view(request: Request, status: int = 200, **context) -> Response:
    values = {"allowed": True, "who": "", "person": None, "errors": [], "plan": None,
              "done": None, "also": []} | context  # fmt: skip
    return admin_view(request, "privacy_request.html", _TITLE, status, **values)
