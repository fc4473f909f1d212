"""Script and HTML injection in every free-text field, followed everywhere it is shown.

One world where every field a person types holds markup, a formula and a header break: a
centre imported with such a name, address and people; a parent's feedback (description,
name), a staff note, the question asked of the parent, the parent's reply, the resolution,
the rating's comment; a Google Form's centre and message; a forum registration (name,
needs, other topics) and survey (recommendations, practices, other pain points, comments);
an advisory nominee; a charter commitment; an action point. Then every page that can show
them is read (the parent's and staff's from their links, the administrators' by following
every admin?page= link from the home page, their CSV and PDF exports, the directory CSV,
the public charters and their PDFs) and every mail sent:
- HTML (pages, mails' HTML parts): the markup never appears as markup, only escaped;
- mail headers: no header made of a typed line break (Bcc:, X-Injected:);
- CSV: no cell a spreadsheet would run (=, +, -, @, tab or CR first) holding typed text;
- PDF: the text is drawn literally, and no PDF holds script or an open action.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from functions import wiring
from functions.adapters.mail.local_mailbox import LocalMailbox
from functions.config import get_settings
from functions.domain.cases.staff_links import ActionLink, link_id
from functions.domain.directory.models import person_key
from functions.domain.forums.attendance import AttendanceSource, attendee_id
from functions.domain.forums.models import participant_key
from functions.domain.shared.vocabulary import StaffAction
from functions.services.forums.attendance import import_attendance
from functions.services.forums.survey import survey_token
from tests.builders import submission
from tests.forum_builders import START, forum, store
from tests.functions.local_support import CSRF
from tests.functions.security_support import NETWORK_ADMIN, bearer
from tests.functions.test_security_csrf import _admin_pages, _parse

MARKUP = '<script>alert("x")</script><img src=x onerror=alert(1)>" onmouseover="alert(2)'
FORMULA = '=HYPERLINK("http://evil.example","x")'
BREAK = "\r\nBcc: evil@example.org\r\nX-Injected: 1"
HOSTILE = f"{FORMULA} {MARKUP}"
pytestmark = pytest.mark.timeout(300)  # a whole world, and every page of it, read
SURVEY_TEXTS = ("recommendations", "promising_practice", "pain_points_other", "comments")


def _csrf(page) -> str:
    return CSRF.search(page.get_data(as_text=True))[1]


def _case_side(client_for) -> list[tuple[str, str]]:
    """A case through every step with hostile text; the parent's and staff's pages."""
    from tests.functions.test_case_reply import staff_step
    from tests.functions.test_rate_case import rating_query

    body = submission(centre_id="sunflower-soweto", kind="complaint", category="facilities",
                      description=HOSTILE + BREAK,
                      reporter={"email": "parent@example.org",
                                "name": "Zola <b>Dube</b>" + BREAK})  # fmt: skip
    created = client_for("submit_feedback").post("/", json=body).get_json()
    reference = created["reference"]
    status = parse_qs(urlsplit(created["status_url"]).query)["token"][0]
    person = person_key("principal@sunflower.example.org")
    ident = link_id(f"m1-{person}", reference, StaffAction.NOTE)
    note = ActionLink(StaffAction.NOTE, reference, person, ident).token(wiring.signer())
    staff = client_for("case_action")
    page = staff.get(f"/?token={note}")
    staff.post(f"/?token={note}", data={"csrf_token": _csrf(page), "text": "Note " + HOSTILE})
    staff_step(reference, "ask", "Question " + HOSTILE)
    reply = client_for("case_reply")
    page = reply.get(f"/?token={status}")
    answer = reply.post(f"/?token={status}", data={"csrf_token": _csrf(page),
                                                   "reply": "Reply " + HOSTILE})  # fmt: skip
    assert answer.status_code in (200, 303), answer.status_code
    staff_step(reference, "resolve", "Resolved " + HOSTILE)
    rate = client_for("rate_case")
    rating = f"/?{rating_query(reference)}"
    page = rate.get(rating)
    rate.post(rating, data={"csrf_token": _csrf(page), "score": "2",
                            "comment": "Comment " + HOSTILE})  # fmt: skip
    return [("case_status", f"/?token={status}"), ("case_action", f"/?token={note}"),
            ("case_reply", f"/?token={status}")]  # fmt: skip


def _triage_case(client_for) -> None:
    from tests.builders import ANSWERS, delivery, post

    answers = [a | {"answer": HOSTILE} if a["question"] in ("Centre", "Your message") else a
               for a in ANSWERS]  # fmt: skip
    answer = post(client_for("intake_google_form"), delivery("resp-hostile", answers))
    assert answer.status_code == 201


def _forum_side(client_for, monkeypatch) -> None:
    """A registration and a survey response with hostile text; the month compiled."""
    from functions.services.reports.compile import compile_due
    from tests.functions.forum_attendance_support import ZOOM

    monkeypatch.setattr(wiring, "utc_now", lambda: START - timedelta(days=30))
    deps, event = wiring.dependencies(), forum()
    store(deps, event)
    client = client_for("forum_registration")
    page = client.get(f"/?forum={event.forum_id}")
    done = client.post(f"/?forum={event.forum_id}", data={
        "csrf_token": _csrf(page), "name": "Zola <b>Dube</b>" + BREAK, "role": "parent",
        "centre_id": "sunflower-soweto", "email": "zola@example.org", "language": "en",
        "needs": "Needs " + HOSTILE, "topics_other": "Topic " + HOSTILE, "consent": "yes",
        "consent_version": "forum-2026-11"})  # fmt: skip
    assert done.status_code == 303, done.get_data(as_text=True)[:300]
    report = ZOOM.replace(b"thandiwe.mokoena@example.org", b"zola@example.org")
    import_attendance(deps, event.forum_id, AttendanceSource.ZOOM, report)
    after = event.ends_at + timedelta(hours=1)
    monkeypatch.setattr(wiring, "utc_now", lambda: after)
    key = attendee_id(event.forum_id, participant_key("zola@example.org", None))
    url = f"/?token={quote(survey_token(key, wiring.signer()), safe='')}"
    survey = client_for("forum_survey")
    page = survey.get(url)
    sent = survey.post(url, data={"csrf_token": _csrf(page), "satisfaction": "2",
                                  "wants_monthly": "yes", "may_quote_name": "on",
                                  "advisory_nominee": "on", "advisory_consent": "on",
                                  **{name: HOSTILE for name in SURVEY_TEXTS}})  # fmt: skip
    assert sent.status_code in (200, 303), sent.status_code
    closed = event.ends_at + timedelta(days=30)
    monkeypatch.setattr(wiring, "utc_now", lambda: closed)
    compile_due(deps, closed)


EVIL_CENTRE = "evil-centre"


def _directory_side(client_for, google_idp) -> list[tuple[str, str]]:
    """A centre whose name, address and people's names hold markup, imported as any
    administrator would; a case about it. The pages that list or show it."""
    rows = [
        ["kind", "id", "name", "region", "centre", "email", "phone", "whatsapp", "address",
         "hours", "timezone", "languages", "share_staff_names", "active"],
        ["centre", EVIL_CENTRE, "Evil <b>Dube</b> Creche\u2028" + MARKUP, "gauteng", "",
         "hello@evil.example.org", "", "", FORMULA + MARKUP, "mon-fri 07:00-17:00",
         "Africa/Johannesburg", "en", "yes", "yes"],
        ["principal", "", "Zola <b>Dube</b> " + MARKUP, "", EVIL_CENTRE,
         "principal@evil.example.org", "", "", "", "", "", "", "", ""],
        ["staff", "", "=cmd|' /C calc'!A0 " + MARKUP, "", EVIL_CENTRE,
         "staff@evil.example.org", "", "", "", "", "", "", "", "yes"],
    ]  # fmt: skip
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    imported = client_for("admin_api", signed=False).post(
        "/directory/import", headers=bearer(google_idp, NETWORK_ADMIN),
        json={"csv": text.getvalue(), "apply": True, "full": False},
    )  # fmt: skip
    assert imported.status_code == 200, imported.get_json()
    body = submission(centre_id=EVIL_CENTRE, kind="complaint", category="facilities",
                      description="About the evil centre",
                      reporter={"email": "p@example.org"})  # fmt: skip
    assert client_for("submit_feedback").post("/", json=body).status_code == 201
    return [("feedback_form", "/"), ("charter", "/"), ("charter", f"/?centre={EVIL_CENTRE}"),
            ("admin", "/?page=directory"),
            ("admin", f"/?page=centre&id={EVIL_CENTRE}")]  # fmt: skip


def _admin_side(client_for, google_idp, tasks) -> None:
    from tests.functions.charter_support import replay

    api, headers = client_for("admin_api", signed=False), bearer(google_idp, NETWORK_ADMIN)
    commitment = {"centre_id": "sunflower-soweto", "add": "We promise " + HOSTILE}
    added = api.post("/charters/commitments", headers=headers, json=commitment)
    assert added.status_code == 200, added.get_json()
    point = api.post("/action_points/add", headers=headers,
                     json={"month": START.strftime("%Y-%m"), "text": "Point " + HOSTILE,
                           "owner_name": "Thandi <b>Dube</b>", "due": "2030-04-01"})  # fmt: skip
    assert point.status_code in (200, 201), point.get_json()
    sent = client_for("distribute_charters").post("/", json={}, headers=headers)
    assert sent.status_code == 200
    replay(client_for, tasks, "send_charter")


class _Live(HTMLParser):
    """What the typed text would be once a browser or mail client parses the document: a
    script element, an event handler attribute, the typed <img> or <b>. (A quote in a text
    node is inert: the mails' CSS inliner writes text nodes with only <, > and & escaped.)"""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._open: str | None = None

    def handle_starttag(self, tag, attrs):
        self._open = tag
        for name, value in attrs:
            if name.lower().startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action", "formaction") and "".join(
                (value or "").split()
            ).lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:...>")
        if tag == "img" and dict(attrs).get("src") == "x":
            self.found.append("<img src=x>")

    def handle_data(self, data):
        if self._open == "script" and "alert(" in data:
            self.found.append("<script>alert(...)")
        if self._open == "b" and data.startswith("Dube"):
            self.found.append("<b>Dube</b>")
        self._open = None


def _advisory_side(client_for, google_idp, tasks) -> list[tuple[str, str]]:
    """The advisory network drawn from the forum's month: Zola is a nominee."""
    from tests.functions.charter_support import replay

    body = {"region_id": "gauteng", "seed": "s", "parents": 6, "staff": 0,
            "period": {"from": START.strftime("%Y-%m"), "to": START.strftime("%Y-%m")}}  # fmt: skip
    ran = client_for("select_advisory_network", signed=False).post(
        "/", json=body, headers=bearer(google_idp, NETWORK_ADMIN)
    )
    assert ran.status_code in (200, 201), ran.get_json()
    replay(client_for, tasks, "send_advisory_notices")
    return [("admin", f"/?page=advisory&id={ran.get_json()['selection_id']}")]


def _html_problems(where: str, html: str) -> list[str]:
    parser = _Live()
    parser.feed(html)
    return [f"{where}: {found}" for found in parser.found]


def _csv_problems(where: str, data: bytes) -> list[str]:
    rows = csv.reader(io.StringIO(data.decode("utf-8-sig", "replace")))
    return [f"{where}: cell {cell[:40]!r}" for row in rows for cell in row
            if cell.startswith(("=", "+", "-", "@", "\t", "\r"))
            and ("HYPERLINK" in cell or "alert" in cell)]  # fmt: skip


def _pdf_problems(where: str, data: bytes) -> list[str]:
    from pypdf import PdfReader

    # fpdf2 opens at the first page (/OpenAction [page /FitH null], a destination): only an
    # action dictionary, script, a launch or an embedded file would be a problem.
    problems = [f"{where}: {bad.pattern!r}" for bad in (
        re.compile(rb"/OpenAction\s*<<"), re.compile(rb"/JavaScript|/JS\b"),
        re.compile(rb"/Launch|/EmbeddedFile|/SubmitForm")) if bad.search(data)]  # fmt: skip
    text = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    return problems, text


def test_hostile_text_is_inert_in_every_page_mail_export_and_pdf(
    client_for, google_idp, monkeypatch, tasks
):
    from tests.functions.test_new_case_mail import deliver_all

    check = MARKUP + '<b>Dube</b><a href=" javascript:alert(1)">'
    assert len(_html_problems("the check itself", check)) == 5
    _triage_case(client_for)
    pages = _directory_side(client_for, google_idp)
    pages += _case_side(client_for)
    _forum_side(client_for, monkeypatch)
    _admin_side(client_for, google_idp, tasks)
    pages += _advisory_side(client_for, google_idp, tasks)
    deliver_all(client_for, tasks)
    mails = LocalMailbox(get_settings().local_mailbox_dir).list()
    advisory_link = re.compile(r"advisory_response(\?token=[^\s\"<>]+)")
    pages += [("advisory_response", "/" + link) for mail in mails
              for link in advisory_link.findall(mail.text)]  # fmt: skip
    problems, pdf_texts, seen, csv_count = [], [], 0, 0
    admin_headers = bearer(google_idp, NETWORK_ADMIN)
    pages += _admin_pages(client_for("admin", signed=False), admin_headers)
    pages += [("charter", "/?centre=sunflower-soweto"), ("forums", "/")]
    exports = []
    for entry, path in pages:
        client = client_for(entry, signed=False)
        headers = admin_headers if entry == "admin" else {}
        answer = client.get(path, headers=headers)
        html = answer.get_data(as_text=True)
        seen += "&lt;script&gt;" in html
        problems += _html_problems(f"{entry}{path[1:]}", html)
        exports += [(entry, href if href.startswith("/") else "/" + href.split(entry, 1)[-1],
                     headers) for href in _parse(html).links
                    if "format=" in href and (href.startswith("?") or entry in href)]  # fmt: skip
    exports += [
        ("charter", "/?centre=sunflower-soweto&format=pdf", {}),
        ("charter", f"/?centre={EVIL_CENTRE}&format=pdf", {}),
        ("admin", "/?page=template", admin_headers),
    ]  # the directory, as CSV
    for entry, path, headers in {(e, p, tuple(h.items())) for e, p, h in exports}:
        answer = client_for(entry, signed=False).get(path, headers=dict(headers))
        data, kind = answer.get_data(), answer.mimetype
        if kind == "text/csv":
            problems += _csv_problems(f"{entry}{path}", data)
            csv_count += 1
        elif kind == "application/pdf":
            found, text = _pdf_problems(f"{entry}{path}", data)
            problems += found
            pdf_texts.append((path, text))
    for mail in mails:
        problems += _html_problems(f"mail {mail.subject[:40]!r}", mail.html)
        names = {name.lower() for name in mail.headers}
        problems += [f"mail header {n}" for n in ("bcc", "x-injected") if n in names]
        problems += [f"mail {name}: a line break" for name, value in mail.headers.items()
                     if re.search(r"[\r\n](?![ \t])", value)]  # fmt: skip
    assert problems == [], "\n".join(problems)
    assert seen >= 5, f"the typed text was shown escaped on only {seen} pages"
    assert any("We promise" in text and "<script>" in text for _, text in pdf_texts), [
        p for p, _ in pdf_texts
    ]
    assert any(entry == "advisory_response" for entry, _ in pages), "no advisory link mailed"
    assert len(mails) >= 5 and csv_count >= 2 and len(pdf_texts) >= 3, (csv_count, pdf_texts)


REFLECTED = ['"><script>alert(1)</script>', "'><img src=x onerror=alert(1)>",
             "javascript:alert(1)", "</title><script>alert(1)</script>"]  # fmt: skip


def test_markup_in_the_query_string_is_never_reflected_live(client_for, google_idp):
    """Every page echoes its query in its language links and forms: whatever a crafted link
    puts there (a parameter's value or its name) is never live markup."""
    from urllib.parse import quote

    admin_headers = bearer(google_idp, NETWORK_ADMIN)
    status = client_for("submit_feedback").post("/", json=submission(
        centre_id="sunflower-soweto", kind="compliment", category="facilities",
        description="Thank you", anonymous=True)).get_json()["status_url"]  # fmt: skip
    token = parse_qs(urlsplit(status).query)["token"][0]
    pages = [("feedback_form", "/?"), ("forums", "/?"), ("charter", "/?"), ("privacy", "/?"),
             ("charter", "/?centre=sunflower-soweto&"), ("case_status", f"/?token={token}&"),
             ("unsubscribe", "/?token=x&"), ("forum_registration", "/?forum=x&")]  # fmt: skip
    pages += [("admin", path + "&") for _, path in
              _admin_pages(client_for("admin", signed=False), admin_headers)]  # fmt: skip
    problems, tried = [], 0
    for entry, path in pages:
        client = client_for(entry, signed=False)
        headers = admin_headers if entry == "admin" else {}
        for hostile in REFLECTED:
            for query in (f"lang={quote(hostile)}&x={quote(hostile)}", f"{quote(hostile)}=1"):
                answer = client.get(path + query, headers=headers)
                tried += 1
                assert answer.status_code < 500, (entry, path + query)
                problems += _html_problems(f"{entry}{path}{query}", answer.get_data(as_text=True))
                location = answer.headers.get("Location", "")
                if location.lower().startswith(("javascript:", "//", "http")):
                    problems.append(f"{entry}{path}{query}: redirected to {location[:60]}")
    assert problems == [], "\n".join(problems[:30])
    assert tried > 50
