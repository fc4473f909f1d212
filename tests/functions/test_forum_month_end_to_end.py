"""A forum month end to end, through the entry points only, over the Firestore emulator with
a fake clock: setup → invitations → registration → waitlist → cancel and promotion →
reminders → attendance from real-format Zoom and Meet exports → the survey to attendees only
→ a reminder to those who have not answered.

Queued tasks are replayed through their own entry points (tasks.take() is what Cloud Tasks
would POST); mail is delivered by deliver_email into the local mailbox, and every link
followed is one a person received.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from functions import wiring
from functions.adapters.mail.local_mailbox import LocalMailbox
from functions.config import get_settings
from tests.functions.forum_attendance_support import MEET, ZOOM
from tests.functions.local_support import LOCAL

SAST = ZoneInfo("Africa/Johannesburg")
STARTS = datetime(2027, 2, 10, 10, 0, tzinfo=SAST)  # a Wednesday, 10:00 to 11:30
ENDS = STARTS + timedelta(minutes=90)
# The Zoom export's people (tests/fixtures/attendance): Thandiwe and Lerato Molefe came;
# Grace registered and did not. Palesa is in the Meet export.
THANDIWE, PIETER = "thandiwe.mokoena@example.org", "pieter.vdmerwe@example.org"
LERATO, GRACE = "lerato.molefe@example.org", "grace.naidoo@example.org"
PALESA = "palesa.nkosi@example.org"


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(project, monkeypatch):
    monkeypatch.setenv("LOCAL_DEV", "1")  # the local administrator's token
    get_settings.cache_clear()
    fake = Clock(datetime(2027, 1, 4, 8, 0, tzinfo=SAST))
    monkeypatch.setattr(wiring, "utc_now", fake)
    return fake


def replay(client_for, tasks, handler: str) -> list[dict]:
    """Run the queued tasks of `handler` through it, as Cloud Tasks would (then forget them)."""
    found = [t for t in tasks.tasks if t["http_request"]["url"].endswith(f"/{handler}")]
    tasks.tasks = [t for t in tasks.tasks if t not in found]
    answers = []
    for task in found:
        answer = client_for(handler).post("/", json=json.loads(task["http_request"]["body"]))
        assert answer.status_code == 200, (handler, answer.get_json())
        answers.append(answer.get_json())
    return answers


def deliver(client_for, tasks) -> None:
    replay(client_for, tasks, "deliver_email")


def inbox(address: str) -> list:
    return [m for m in LocalMailbox(get_settings().local_mailbox_dir).list() if m.to == address]


def invited(address: str) -> list:
    return [m for m in inbox(address) if m.subject.startswith("You are invited")]


def link_to(message, entry_point: str) -> str:
    """The path and query of the first link in the mail to `entry_point`."""
    found = re.search(rf"https?://[^/\s]+/{entry_point}(\?[^\s\"<>]*)", message.text)
    assert found, (entry_point, message.subject)
    return "/" + found.group(1).replace("&amp;", "&")


def csrf(page) -> str:
    return re.search(rb'name="csrf_token" value="([^"]+)"', page.data).group(1).decode()


def register(client_for, path: str, name: str, email: str):
    client = client_for("forum_registration")
    form = client.get(path)
    assert form.status_code == 200
    fields = {"csrf_token": csrf(form), "name": name, "role": "parent",
              "centre_id": "sunflower-soweto", "email": email, "language": "en",
              "consent": "yes", "consent_version": "forum-2026-11"}  # fmt: skip
    return client.post(path, data=fields, follow_redirects=True)


def test_a_forum_month_from_setup_to_the_survey_reminder(client_for, tasks, clock):
    # Thandiwe gave feedback twice, with her email and consent.
    for description in ("The gate latch is broken.", "Thank you for fixing the gate."):
        case = {"centre_id": "sunflower-soweto", "kind": "complaint", "category": "facilities",
                "description": description, "urgent": False, "anonymous": False,
                "reporter": {"name": "Thandiwe Mokoena", "email": THANDIWE, "role": "parent"},
                "consent": {"given": True, "version": "2026-11"}}  # fmt: skip
        assert client_for("submit_feedback").post("/", json=case).status_code == 201
    deliver(client_for, tasks)

    # 1. Setup: the administrator sets February up; again, nothing changes.
    setup = client_for("setup_monthly_forums")
    first = setup.post("/", json={"month": "2027-02"}, headers=LOCAL)
    assert first.status_code == 200 and first.get_json()["created"] == 3
    again = setup.post("/", json={"month": "2027-02"}, headers=LOCAL).get_json()
    assert (again["created"], again["changed"]) == (0, False)

    # 2. Invitations: a batch retried invites nobody twice; Thandiwe (two cases) once.
    batches = [t for t in tasks.tasks if t["http_request"]["url"].endswith("/invite_to_forums")]
    tasks.tasks.extend(batches)  # each batch delivered twice, as Cloud Tasks may
    replay(client_for, tasks, "invite_to_forums")
    deliver(client_for, tasks)
    (invitation,) = invited(THANDIWE)
    assert len(invited("lerato@sunflower.example.org")) == 1  # staff are invited too

    # One forum more, by hand, with three places (the administrator's API).
    draft = {"title": "Extra forum: digital case reporting", "format": "zoom_webinar",
             "starts_at": STARTS.isoformat(), "ends_at": ENDS.isoformat(), "capacity": 3,
             "topics": ["feedback_tools_and_case_reporting"], "audiences": ["parents", "staff"],
             "joining": {"url": "https://zoom.example.org/j/8881234"}}  # fmt: skip
    created = client_for("admin_api").post("/forums/create", json=draft, headers=LOCAL)
    assert created.status_code in (200, 201), created.get_json()
    forum_id = created.get_json()["forum_id"]

    # 3. Registration from the invitation's personal link; the fourth person waits.
    forums_page = client_for("forums").get(link_to(invitation, "forums"))
    assert forums_page.status_code == 200 and b"Extra forum" in forums_page.data
    path = f"/?forum={forum_id}"
    for name, email in (("Thandiwe Mokoena", THANDIWE), ("Pieter van der Merwe", PIETER),
                        ("Grace Naidoo", GRACE), ("Lerato Molefe", LERATO)):  # fmt: skip
        assert register(client_for, path, name, email).status_code == 200
    again = register(client_for, path, "Thandiwe Mokoena", THANDIWE)
    assert b"already registered" in again.data.lower()
    deliver(client_for, tasks)
    confirmation = [m for m in inbox(THANDIWE) if "invite.ics" in json.dumps(m.attachments)]
    assert len(confirmation) == 1  # registering again sent nothing new
    (waiting,) = inbox(LERATO)
    assert not waiting.attachments  # no calendar while waiting

    # 4. Pieter cancels from his confirmation: Lerato is promoted and told at once.
    (pieter_mail,) = inbox(PIETER)
    cancel_path = link_to(pieter_mail, "forum_registration")
    registration = client_for("forum_registration")
    confirm = registration.get(cancel_path)
    cancelled = registration.post(
        cancel_path, data={"csrf_token": csrf(confirm)}, follow_redirects=True
    )
    assert cancelled.status_code == 200
    deliver(client_for, tasks)
    (promoted,) = [m for m in inbox(LERATO) if m.subject.startswith("A place opened")]
    assert "invite.ics" in json.dumps(promoted.attachments)

    # 5. Reminders: queued by the follow-up job two days before, sent a day and an hour before.
    clock.now = STARTS - timedelta(hours=40)
    assert client_for("run_forum_followups").post("/").status_code == 200
    clock.now = STARTS - timedelta(hours=24)
    replay(client_for, tasks, "send_forum_reminders")
    deliver(client_for, tasks)
    reminded = {m.to for m in LocalMailbox(get_settings().local_mailbox_dir).list()
                if "zoom.example.org/j/8881234" in m.text}  # fmt: skip
    assert reminded == {THANDIWE, GRACE, LERATO}  # not Pieter, who cancelled

    # 6. Attendance from the real exports, dated this forum's day; the same file twice is
    # nothing new.
    clock.now = ENDS + timedelta(minutes=30)
    zoom = ZOOM.replace(b"03/05/2025", STARTS.strftime("%m/%d/%Y").encode())
    importer = client_for("import_attendance")
    url = f"/?forum={forum_id}&source="
    assert importer.post(url + "zoom", data=zoom, headers=LOCAL).status_code == 200
    twice = importer.post(url + "zoom", data=zoom, headers=LOCAL).get_json()
    assert (twice["added"], twice["changed"]) == (0, 0), twice
    assert importer.post(url + "meet", data=MEET, headers=LOCAL).status_code == 200

    # 7. The survey goes to attendees only: Grace, a no-show, gets nothing.
    clock.now = ENDS + timedelta(hours=1)
    assert client_for("run_forum_followups").post("/").status_code == 200
    replay(client_for, tasks, "send_forum_surveys")
    deliver(client_for, tasks)

    def surveyed(address):
        return [m for m in inbox(address) if "/forum_survey?" in m.text]

    assert surveyed(THANDIWE) and surveyed(LERATO) and surveyed(PALESA)
    assert surveyed(PIETER)  # cancelled but came: a walk-in is an attendee
    assert not surveyed(GRACE)

    survey_path = link_to(surveyed(THANDIWE)[0], "forum_survey")
    survey = client_for("forum_survey")
    form = survey.get(survey_path)
    assert form.status_code == 200
    answers = {"csrf_token": csrf(form), "satisfaction": "5", "wants_monthly": "yes",
               "pain_points": "communication_and_delays",
               "recommendations": "Monthly, please."}  # fmt: skip
    assert survey.post(survey_path, data=answers, follow_redirects=True).status_code == 200

    # 8. Three days on, a reminder to those who have not answered: not Thandiwe, not Grace.
    clock.now = ENDS + timedelta(days=3, hours=2)
    assert client_for("run_forum_followups").post("/").status_code == 200
    replay(client_for, tasks, "send_forum_surveys")
    deliver(client_for, tasks)
    assert len(surveyed(LERATO)) == 2 and len(surveyed(PALESA)) == 2
    assert len(surveyed(THANDIWE)) == 1 and not surveyed(GRACE)
