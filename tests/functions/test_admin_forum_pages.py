"""The admin pages of the forums over the emulator (functions/http/admin/forum_pages.py,
forum_detail.py): a month set up from the page (twice: nothing new), a forum created, edited
(a moved start tells the registrants and bumps the calendar's sequence; the form sent back
unchanged changes nothing), cancelled after a confirmation (everyone told); CSRF; scope (a
region's administrator: their region's forums only, the network's seen not changed); and
hostile input answered with the form and its problems by field, never a 500."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest

from functions import wiring
from functions.config import get_settings
from functions.domain.forums.models import RegistrationState
from functions.services.forums.registering import Outcome, register
from tests import oidc
from tests.forum_builders import form as registration_form
from tests.functions.local_support import CSRF, LOCAL

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
NEW = {"title": "Partners' forum", "format": "in_person", "date": "2026-12-09",
       "start": "10:00", "end": "12:00", "timezone": "Africa/Johannesburg", "capacity": "2",
       "topics": ["staff_training_needs"], "audiences": ["parents", "service_partners"],
       "venue": "Soweto community hall", "details_release_hours": "24",
       "description": "Line one\r\nLine two"}  # fmt: skip


@pytest.fixture
def admin(client_for, project, monkeypatch):
    monkeypatch.setenv("LOCAL_DEV", "1")
    monkeypatch.setattr(wiring, "utc_now", lambda: NOW)
    get_settings.cache_clear()
    client = client_for("admin")
    client.environ_base["HTTP_AUTHORIZATION"] = LOCAL["Authorization"]
    return client


@pytest.fixture
def nomsa(admin, client_for, google_idp):
    """Gauteng's administrator (on the demo allow-list), with a real Google ID token."""
    client = client_for("admin")
    token = google_idp.mint("admin.gauteng@ecd.example.org", oidc.OAUTH_CLIENT_ID)
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


def csrf(html: str) -> str:
    return CSRF.search(html).group(1)


class _Form(HTMLParser):
    """The fields a browser would send for the form holding `marker` (an action's value)."""

    def __init__(self, marker: str):
        super().__init__()
        self.marker, self.fields, self.inside, self.found = marker, [], False, False
        self.select = self.textarea = None
        self.text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside, self.current = True, []
        elif not self.inside:
            return
        elif tag == "input" and a.get("name"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.current.append((a["name"], a.get("value", "")))
            self.found |= a["name"] == "action" and a.get("value") == self.marker
        elif tag == "select":
            self.select, self.chosen = a["name"], None
        elif tag == "option" and self.select:
            if self.chosen is None or "selected" in a:
                self.chosen = a.get("value", "")
        elif tag == "textarea":
            self.textarea, self.text = a["name"], ""

    def handle_data(self, data):
        if self.textarea:
            self.text += data

    def handle_endtag(self, tag):
        if tag == "select" and self.select:
            self.current.append((self.select, self.chosen))
            self.select = None
        elif tag == "textarea" and self.textarea:
            self.current.append((self.textarea, self.text.removeprefix("\n")))
            self.textarea = None
        elif tag == "form" and self.inside:
            self.inside = False
            if self.found and not self.fields:
                self.fields = self.current
            self.found = False


def form_of(html: str, action: str) -> dict:
    parser = _Form(action)
    parser.feed(html)
    data: dict = {}
    for name, value in parser.fields:
        data.setdefault(name, []).append(value)
    return {k: v if len(v) > 1 or k in ("topics", "audiences") else v[0] for k, v in data.items()}


def forums() -> dict:
    return {d.id: d.to_dict() for d in wiring.firestore_client().collection("forums").stream()}


def told(forum_id: str, moment: str) -> list[dict]:
    outbox = (d.to_dict() for d in wiring.firestore_client().collection("outbox").stream())
    return [
        m
        for m in outbox
        if (m["data"].get("forum_id"), m["data"].get("moment")) == (forum_id, moment)
    ]


def create(admin, **changes) -> str:
    page = admin.get("/?page=forum_new")
    answer = admin.post("/?page=forum_new", data=NEW | {"csrf_token": csrf(page.text)} | changes)
    assert answer.status_code == 303, answer.text
    return re.search(r"id=([0-9a-f]+)&done=created", answer.headers["Location"])[1]


def test_the_home_page_links_the_forums(admin):
    assert 'href="admin?page=forums"' in admin.get("/").text


def test_a_network_administrator_sets_up_the_coming_month_from_the_page(admin, tasks):
    page = admin.get("/?page=forums")
    assert page.status_code == 200 and "Forums of 2026-12" in page.text
    assert "No forum in 2026-12" in page.text and "2026-11" in page.text and "2027-01" in page.text
    sent = admin.post("/?page=forums&month=2026-12", data={"csrf_token": csrf(page.text)})
    assert sent.status_code == 303
    assert re.search(r"setup=3\.0\.\d+\.\d+\.queued", sent.headers["Location"])
    shown = admin.get("/" + sent.headers["Location"].removeprefix("admin"))
    assert "3 forums created" in shown.text and "Invitations queued for" in shown.text
    assert shown.text.count("admin?page=forum&amp;id=") == 3
    assert "0/" in shown.text and "Scheduled" in shown.text
    again = admin.post("/?page=forums&month=2026-12", data={"csrf_token": csrf(page.text)})
    assert ".already" in again.headers["Location"] and ("setup=0.3." in again.headers["Location"])
    shown = admin.get("/" + again.headers["Location"].removeprefix("admin"))
    assert "No forum created: 3 were there already" in shown.text
    assert "nobody is invited twice" in shown.text


def test_a_past_month_is_explained_and_refused(admin):
    page = admin.get("/?page=forums&month=2026-10")
    assert "2026-10 cannot be set up" in page.text and "is in the past" in page.text
    token = csrf(admin.get("/?page=forums").text)  # the past month's page offers no form
    refused = admin.post("/?page=forums&month=2026-10", data={"csrf_token": token})
    assert refused.status_code == 422 and "The month was not set up" in refused.text
    assert forums() == {}
    # A month not given as one is the coming month.
    assert "Forums of 2026-12" in admin.get("/?page=forums&month=../../x").text


def test_create_edit_and_cancel_a_forum(admin):
    forum_id = create(admin, title="Partners' <b>forum</b>\r\nBcc: x@y")
    stored = forums()[forum_id]
    assert stored["title"] == "Partners' <b>forum</b> Bcc: x@y"  # one line, kept as typed
    assert stored["description"] == "Line one\nLine two" and stored["capacity"] == 2
    deps = wiring.dependencies()
    people = [register(deps, registration_form(forum_id), "web_form", NOW) for _ in range(3)]
    assert [p.outcome for p in people] == [Outcome.REGISTERED] * 2 + [Outcome.WAITLISTED]

    url = f"/?page=forum&id={forum_id}"
    page = admin.get(url).text
    assert "Partners&#39; &lt;b&gt;forum&lt;/b&gt; Bcc: x@y" in page and "<b>forum" not in page
    assert "Soweto community hall" in page and "waiting, number 1" in page
    assert "2 of 2 places" in page and "page=forum_attendance&amp;id=" in page
    assert "page=forum_roll&amp;id=" in page and f"forum_registration?forum={forum_id}" in page
    assert "Person " not in re.sub(r"<strong>Person \d+</strong>", "", page)

    # The form sent back as shown changes nothing and tells nobody.
    unchanged = admin.post(url, data=form_of(page, "edit"))
    assert "done=unchanged" in unchanged.headers["Location"]
    assert forums()[forum_id]["sequence"] == 0 and told(forum_id, "changed") == []

    moved = form_of(page, "edit") | {"start": "11:00", "end": "13:00"}
    done = admin.post(url, data=moved)
    assert (
        done.status_code == 303 and "changed=starts_at,ends_at&told=2" in done.headers["Location"]
    )
    stored = forums()[forum_id]
    assert stored["sequence"] == 1 and stored["starts_at"] == datetime(
        2026, 12, 9, 9, 0, tzinfo=UTC
    )
    assert len(told(forum_id, "changed")) == 2
    shown = admin.get("/" + done.headers["Location"].removeprefix("admin")).text
    assert "Changed: start, end." in shown and "2 registrants were told by email" in shown

    bigger = admin.post(url, data=form_of(admin.get(url).text, "edit") | {"capacity": "3"})
    assert "changed=capacity&told=1" in bigger.headers["Location"]
    assert len(told(forum_id, "promoted")) == 1 and forums()[forum_id]["waitlisted"] == 0

    confirm = admin.get(url + "&confirm=cancel").text
    assert "Yes, cancel the forum" in confirm
    cancelled = admin.post(url, data=form_of(confirm, "cancel"))
    assert "done=cancelled&told=3" in cancelled.headers["Location"]
    assert forums()[forum_id]["status"] == "cancelled"
    assert {r.state for r in deps.forums.registrations(forum_id)} == {RegistrationState.CANCELLED}
    assert len(told(forum_id, "forum_cancelled")) == 3
    shown = admin.get("/" + cancelled.headers["Location"].removeprefix("admin")).text
    assert "The forum is cancelled. 3 people were told" in shown
    assert "Save the changes" not in shown and "Cancel this forum" not in shown


def test_a_breakout_forum_keeps_its_rooms_by_id(admin):
    forum_id = create(admin, format="google_meet_breakouts", room_name_1="Rights",
                      room_topic_1="parent_and_child_rights", room_name_2="Training",
                      room_name_3="")  # fmt: skip
    rooms = forums()[forum_id]["breakout_rooms"]
    assert [(r["room_id"], r["name"]) for r in rooms] == [
        ("room-1", "Rights"),
        ("room-2", "Training"),
    ]
    url = f"/?page=forum&id={forum_id}"
    renamed = form_of(admin.get(url).text, "edit") | {"room_name_1": "Children's rights"}
    assert admin.post(url, data=renamed).status_code == 303
    rooms = forums()[forum_id]["breakout_rooms"]
    assert rooms[0] == {"room_id": "room-1", "name": "Children's rights",
                        "topic": "parent_and_child_rights"}  # fmt: skip
    plain = create(admin)
    refused = admin.post(f"/?page=forum&id={plain}",
                         data=form_of(admin.get(f"/?page=forum&id={plain}").text, "edit")
                         | {"room_name_1": "A room"})  # fmt: skip
    assert refused.status_code == 422 and "Only a breakout forum has breakout rooms" in refused.text


def test_forms_without_a_good_csrf_token_change_nothing(admin):
    assert admin.post("/?page=forums&month=2026-12").status_code == 403
    assert (
        admin.post("/?page=forums&month=2026-12", data={"csrf_token": "x.y.z"}).status_code == 403
    )
    assert admin.post("/?page=forum_new", data=NEW).status_code == 403
    assert forums() == {}
    forum_id = create(admin)
    url = f"/?page=forum&id={forum_id}"
    edit = form_of(admin.get(url).text, "edit") | {"title": "Changed"}
    assert admin.post(url, data=edit | {"csrf_token": "forged"}).status_code == 403
    assert admin.post(url, data={"action": "cancel"}).status_code == 403
    assert (
        forums()[forum_id]["title"] == NEW["title"] and forums()[forum_id]["status"] == "scheduled"
    )


def test_a_regional_administrator_works_in_their_region_only(admin, nomsa):
    network = create(admin)
    western = create(admin, region="western-cape")
    page = nomsa.get("/?page=forums").text
    assert "A network administrator sets up" in page and "Set up 2026-12" not in page
    new = nomsa.get("/?page=forum_new").text
    assert nomsa.post("/?page=forums&month=2026-12", data={"csrf_token": csrf(new)}) \
        .status_code == 403  # fmt: skip
    assert 'name="region"' not in new
    mine = nomsa.post("/?page=forum_new", data=NEW | {"csrf_token": csrf(new),
                                                      "region": "western-cape"})  # fmt: skip
    mine_id = re.search(r"id=([0-9a-f]+)", mine.headers["Location"])[1]
    assert forums()[mine_id]["region_id"] == "gauteng"
    listed = nomsa.get("/?page=forums").text
    assert network in listed and mine_id in listed and western not in listed
    assert nomsa.get(f"/?page=forum&id={western}").status_code == 404
    assert nomsa.post(f"/?page=forum&id={western}", data={"action": "cancel"}).status_code == 404
    seen = nomsa.get(f"/?page=forum&id={network}").text
    assert (
        "a network administrator changes or cancels it" in seen and "Save the changes" not in seen
    )
    cancel = {"csrf_token": csrf(new), "action": "cancel"}
    assert nomsa.post(f"/?page=forum&id={network}", data=cancel).status_code == 403
    assert forums()[network]["status"] == "scheduled"
    theirs = nomsa.get(f"/?page=forum&id={mine_id}").text
    assert nomsa.post(f"/?page=forum&id={mine_id}", data=form_of(theirs, "edit")
                      | {"capacity": "5"}).status_code == 303  # fmt: skip
    assert admin.get("/?page=forum&id=nope").status_code == 404


HOSTILE = [
    ({"end": "09:00"}, "end", "ends after it starts"),
    ({"end": "10:00"}, "end", "ends after it starts"),
    ({"capacity": "0"}, "capacity", "between 1 and 100,000"),
    ({"capacity": "1000000000"}, "capacity", "between 1 and 100,000"),
    ({"capacity": "-5"}, "capacity", "between 1 and 100,000"),
    ({"capacity": "٣"}, "capacity", "between 1 and 100,000"),
    ({"topics": ["staff_training_needs", "astrology"]}, "topics", "not ours"),
    ({"audiences": []}, "audiences", "Choose who the forum is for"),
    ({"audiences": ["martians"]}, "audiences", "not ours"),
    ({"title": "x" * 3000}, "title", "at most 200 characters"),
    ({"title": " \r\n\u2028 "}, "title", "Give the forum a title"),
    ({"timezone": "../../etc/passwd"}, "timezone", "Not a time zone"),
    ({"timezone": "Mars/Olympus"}, "timezone", "Not a time zone"),
    ({"date": "2026-02-30"}, "date", "as a date"),
    ({"date": "2026-11-01"}, "date", "starts in the future"),
    ({"start": "25:00"}, "start", "as a time"),
    ({"format": "telepathy"}, "format", "Choose the forum"),
    ({"url": "javascript:alert(1)"}, "url", "https://"),
    ({"room_name_1": "A room"}, "format", "only a breakout forum has breakout rooms"),
    ({"details_release_hours": "9999"}, "details_release_hours", "between 0 and 720"),
    ({"region": "atlantis"}, "region", "Choose a region"),
]  # fmt: skip


@pytest.mark.parametrize(("change", "field", "message"), HOSTILE)
def test_bad_input_comes_back_with_the_form_and_its_problem_by_field(admin, change, field,
                                                                    message):  # fmt: skip
    page = admin.get("/?page=forum_new")
    answer = admin.post("/?page=forum_new", data=NEW | {"csrf_token": csrf(page.text)} | change)
    assert answer.status_code == 422, answer.text[:300]
    assert "The forum was not created" in answer.text
    assert f'href="#f-{field}"' in answer.text and message.lower() in answer.text.lower()
    assert 'name="title"' in answer.text  # the form again, with what was typed
    assert forums() == {}


def test_an_edit_that_does_not_hold_changes_nothing(admin):
    forum_id = create(admin, title="<script>alert(1)</script>")
    url = f"/?page=forum&id={forum_id}"
    page = admin.get(url).text
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page
    for change in ({"end": "09:00"}, {"capacity": "0"}, {"topics": ["nope"]},
                   {"title": "y" * 3000}, {"timezone": "Nowhere/At_All"}):  # fmt: skip
        answer = admin.post(url, data=form_of(page, "edit") | change)
        assert answer.status_code == 422 and "Nothing was changed" in answer.text, change
    assert forums()[forum_id]["sequence"] == 0 and forums()[forum_id]["capacity"] == 2
