"""CSRF on every form: each POST form a page renders refuses a POST without its token, with a
token changed by one character, and (for the parents' and staff's forms, whose token is
paired with a cookie) with its own token from a browser without the cookie: 400 or 403, and
nothing stored changes.

The forms are found, not listed: the pages are rendered (the parents' and staff's from real
links, the administrators' by following every admin?page= link from the home page) and their
HTML parsed, so a form added later is swept too. Only these are open by design:
- unsubscribe: RFC 8058's one-click POST comes from a mail client, without cookie or token;
  the signed token in its URL is the secret (tests/functions/test_unsubscribe.py);
- the administrators' Google sign-in: Google's own double-submit token (g_csrf_token),
  tested in tests/functions/test_admin_auth.py.
"""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import parse_qs, quote, urljoin, urlsplit

import pytest

from functions import wiring
from functions.domain.cases.staff_links import ActionLink, link_id
from functions.domain.directory.models import person_key
from functions.domain.forums.attendance import AttendanceSource, attendee_id
from functions.domain.forums.models import participant_key
from functions.domain.shared.signing import Purpose
from functions.domain.shared.vocabulary import StaffAction
from functions.services.forums.attendance import import_attendance
from functions.services.forums.survey import survey_token
from tests.builders import submission
from tests.forum_builders import START, forum, store
from tests.functions.security_support import NETWORK_ADMIN, bearer, changed, everything

pytestmark = pytest.mark.timeout(300)  # every page of a whole world, rendered and posted to

HOST = "http://127.0.0.1:8080"
OPEN_BY_DESIGN = {"unsubscribe", "admin?page=signin"}
BEFORE_FORUMS = START - timedelta(days=30)


class _Forms(HTMLParser):
    """The POST forms of a page: action and the fields a browser would send."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.links: list[str] = []
        self._form: dict | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "form" and (a.get("method") or "get").lower() == "post":
            self._form = {"action": a.get("action") or "", "fields": []}
            self.forms.append(self._form)
        if self._form is None or "name" not in a and tag != "option":
            return
        if tag == "input" and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self._form["fields"].append((a["name"], a.get("value") or ""))
        elif tag == "textarea":
            self._form["fields"].append((a["name"], "Hello"))
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select:
            self._form["fields"].append((self._select, a.get("value") or ""))
            self._select = None
        elif tag == "button" and a.get("value"):
            self._form["fields"].append((a["name"], a["value"]))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        if tag == "select":
            self._select = None


def _parse(html: str) -> _Forms:
    parser = _Forms()
    parser.feed(html)
    return parser


def _where(page_url: str, action: str) -> tuple[str, str]:
    """(entry point, path and query) of a form's action on a page at page_url."""
    url = urlsplit(urljoin(page_url, action))
    entry = url.path.strip("/").split("/")[0]
    return entry, "/" + (f"?{url.query}" if url.query else "")


def _flip(token: str) -> str:
    at = len(token) // 2
    return token[:at] + ("A" if token[at] != "A" else "B") + token[at + 1 :]


def _parent_and_staff_pages(client_for, monkeypatch, tasks, google_idp) -> list[tuple[str, str]]:
    """(entry point, path) of a page showing each parents' and staff's form, from real links."""
    monkeypatch.setattr(wiring, "utc_now", lambda: BEFORE_FORUMS)
    deps = wiring.dependencies()
    body = submission(centre_id="sunflower-soweto", kind="complaint", category="facilities",
                      description="The gate latch is broken",
                      reporter={"email": "parent@example.org"})  # fmt: skip
    answer = client_for("submit_feedback").post("/", json=body)
    reference = answer.get_json()["reference"]
    status = parse_qs(urlsplit(answer.get_json()["status_url"]).query)["token"][0]
    person = person_key("principal@sunflower.example.org")
    pages = [("feedback_form", "/"), ("case_status", f"/?token={status}")]
    for action in (StaffAction.NOTE, StaffAction.RESOLVE):
        ident = link_id(f"m1-{person}", reference, action)
        link = ActionLink(action, reference, person, ident).token(wiring.signer())
        pages.append(("case_action", f"/?token={link}"))
    from tests.functions.test_case_reply import staff_step

    staff_step(reference, "ask", "Which gate?")
    pages.append(("case_reply", f"/?token={status}"))
    from tests.functions.test_rate_case import rating_query, resolved

    closed, closed_status = resolved(client_for)
    pages += [
        ("rate_case", f"/?{rating_query(closed)}"),
        ("case_status", f"/?token={closed_status}"),
    ]
    event = forum()
    store(deps, event)
    coming = forum(starts_at=START + timedelta(days=60))  # still open once `event` is over
    store(deps, coming)
    pages.append(("forum_registration", f"/?forum={coming.forum_id}"))
    pages += _registered_and_surveyed(client_for, monkeypatch, event)
    from tests.functions.charter_support import records, replay

    client_for("distribute_charters").post("/", json={}, headers=bearer(google_idp, NETWORK_ADMIN))
    replay(client_for, tasks, "send_charter")
    version = records()["sunflower-soweto"]["version"]
    token = wiring.signer().sign(Purpose.CHARTER_CONFIRM, f"sunflower-soweto:{version}")
    pages.append(("confirm_charter", f"/?token={token}"))
    from tests.functions.test_security_links import _advisory_token

    advisory = quote(_advisory_token(client_for, google_idp), safe="")
    pages.append(("advisory_response", f"/?token={advisory}"))
    return pages


def _registered_and_surveyed(client_for, monkeypatch, event) -> list[tuple[str, str]]:
    """The cancel page of a registration, and an attendee's survey once the forum is over."""
    from tests.functions.forum_attendance_support import ZOOM

    client = client_for("forum_registration")
    page = client.get(f"/?forum={event.forum_id}").get_data(as_text=True)
    token = dict(_parse(page).forms[0]["fields"])["csrf_token"]
    done = client.post(f"/?forum={event.forum_id}", data={
        "csrf_token": token, "name": "Zola", "role": "parent", "centre_id": "sunflower-soweto",
        "email": "zola@example.org", "language": "en", "consent": "yes",
        "consent_version": "forum-2026-11"})  # fmt: skip
    assert done.status_code == 303, done.get_data(as_text=True)[:500]
    registered = parse_qs(urlsplit(done.headers["Location"]).query)["registered"][0]
    pages = [("forum_registration", f"/?cancel={registered}")]
    deps = wiring.dependencies()
    report = ZOOM.replace(b"thandiwe.mokoena@example.org", b"zola@example.org")
    import_attendance(deps, event.forum_id, AttendanceSource.ZOOM, report)
    later = event.ends_at + timedelta(hours=1)
    monkeypatch.setattr(wiring, "utc_now", lambda: later)
    key = attendee_id(event.forum_id, participant_key("zola@example.org", None))
    pages.append(("forum_survey", f"/?token={survey_token(key, wiring.signer())}"))
    return pages


def _admin_pages(client, headers) -> list[tuple[str, str]]:
    """Every admin page reachable from the home page by its admin?page= links."""
    seen, queue, found = set(), ["/?page=home"], []
    while queue and len(seen) < 80:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        answer = client.get(path, headers=headers)
        if answer.status_code != 200 or answer.mimetype != "text/html":
            continue
        found.append(("admin", path))
        for link in _parse(answer.get_data(as_text=True)).links:
            entry, target = _where(f"{HOST}/admin{path[1:]}", link)
            if entry == "admin" and "page=signout" not in target and target not in seen:
                queue.append(target)
    return found


def test_every_form_refuses_a_post_without_its_token_and_changes_nothing(
    client_for, monkeypatch, tasks, google_idp
):
    from tests.functions.test_admin_home import form_answer

    admin_headers = bearer(google_idp, NETWORK_ADMIN)
    form_answer(client_for, "resp-triage")  # a case waiting in triage: its placing forms
    pages = _parent_and_staff_pages(client_for, monkeypatch, tasks, google_idp)
    pages += _admin_pages(client_for("admin", signed=False), admin_headers)
    swept, wrong, unprotected, forms = [], [], [], []
    for entry, path in pages:
        client = client_for(entry, signed=False)
        headers = admin_headers if entry == "admin" else {}
        page = client.get(path, headers=headers)
        assert page.status_code == 200, (entry, path, page.status_code)
        for form in _parse(page.get_data(as_text=True)).forms:
            target_entry, target = _where(f"{HOST}/{entry}{path[1:]}", form["action"])
            label = f"{target_entry}{target[1:]}"
            if any(label.startswith(name) for name in OPEN_BY_DESIGN):
                continue
            if "csrf_token" not in dict(form["fields"]):
                unprotected.append(label)
                continue
            forms.append((label, client, target_entry, target, dict(form["fields"]), headers))
    before = everything()  # the pages are read: from here on, every post is refused
    for label, page_client, target_entry, target, fields, headers in forms:
        swept.append(label)
        sender = client_for(target_entry, signed=False)
        sender._cookies.update(page_client._cookies)  # the browser that was shown the form
        others = {k: v for k, v in fields.items() if k != "csrf_token"}
        for data in (others, others | {"csrf_token": _flip(fields["csrf_token"])}):
            answer = sender.post(target, data=data, headers=headers)
            if answer.status_code not in (400, 403):
                wrong.append((label, answer.status_code, sorted(data)))
        if headers:
            continue  # an administrator's form is bound to their sign-in, not to a cookie
        stranger = client_for(target_entry, signed=False)  # its own token, without the cookie
        answer = stranger.post(target, data=fields)
        if answer.status_code not in (400, 403):
            wrong.append((label, answer.status_code, "no cookie"))
    if moved := changed(before, everything()):
        wrong.append(("after the sweep", "changed", moved[:10]))
    assert unprotected == [], unprotected
    assert wrong == [], "\n".join(map(str, wrong))
    kinds = {label.split("&")[0] if label.startswith("admin") else label.split("?")[0]
             for label in swept}  # fmt: skip
    print(f"CSRF sweep: {len(swept)} forms of {len(kinds)} kinds: {sorted(kinds)}")
    assert len(kinds) >= 19, sorted(kinds)  # the sweep reached the forms, not just a few
