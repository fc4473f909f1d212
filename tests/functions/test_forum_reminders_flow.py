"""Reminders, changes and cancelling a forum over the emulator, with a fake clock: queued
tasks replayed through send_forum_reminders; the .ics of each mail parsed back."""

from __future__ import annotations

import json
from datetime import timedelta

import icalendar
import pytest

from functions import wiring
from functions.domain.forums.changes import ForumChanges
from functions.domain.mail.calendar import CalendarInvite
from functions.rendering.calendar_invite import ics_bytes
from functions.services.forums.changes import cancel_forum, change_forum
from functions.services.forums.registering import Outcome, register
from functions.services.forums.reminders import queue_reminders
from tests.forum_builders import START, form, forum, store


class Clock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = Clock(START - timedelta(days=10))
    monkeypatch.setattr(wiring, "utc_now", fake)
    return fake


def _mails(forum_id):
    db = wiring.firestore_client()
    found = [d.to_dict() for d in db.collection("outbox").stream()]
    return [m for m in found if m["data"].get("forum_id") == forum_id
            and m["template"] == "forum_registration"]  # fmt: skip


def _event(mail):
    invite = CalendarInvite.from_data({"organizer_email": "forums@ecd.example.org",
                                       **mail["data"]["calendar"]})  # fmt: skip
    calendar = icalendar.Calendar.from_ical(ics_bytes(invite))
    (event,) = [c for c in calendar.walk("VEVENT")]
    return calendar, event


def _reminder_tasks(tasks):
    return [t for t in tasks.take() if "offset" in t]


def test_reminders_change_and_cancel(client_for, clock, tasks):
    deps = wiring.dependencies()
    event = forum(capacity=1)
    store(deps, event)
    placed = register(deps, form(event.forum_id, name="Thandi"), "web_form", clock())
    waiting = register(deps, form(event.forum_id, name="Sipho"), "web_form", clock())
    assert (placed.outcome, waiting.outcome) == (Outcome.REGISTERED, Outcome.WAITLISTED)
    (confirmation,) = [m for m in _mails(event.forum_id) if m["to"] == placed.registration.email]
    calendar, vevent = _event(confirmation)
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(vevent["UID"]) == f"{placed.registration.registration_id}@ecd.example.org"
    assert int(vevent["SEQUENCE"]) == 0
    assert vevent["DTSTART"].dt == START and str(vevent["DTSTART"].params["TZID"]) == (
        "Africa/Johannesburg"
    )
    assert "LOCATION" not in vevent  # not released ten days before
    assert "24 hours before the start" in str(vevent["DESCRIPTION"])
    (waitlisted,) = [m for m in _mails(event.forum_id) if m["to"] == waiting.registration.email]
    assert "calendar" not in waitlisted["data"] and waitlisted["data"]["waitlist_position"] == 1

    # Two days before: the follow-up job queues both reminders, once.
    clock.now = START - timedelta(hours=40)
    tasks.take()
    assert queue_reminders(deps, clock()) == 2
    queue_reminders(deps, clock())  # a repeat: same names
    old = _reminder_tasks(tasks)
    assert sorted(t["offset"] for t in old) == ["1h", "24h"]

    # The start moves an hour later: registrants get an update (SEQUENCE 1), new reminders.
    moved = START + timedelta(hours=1)
    change_forum(deps, event.forum_id, ForumChanges(starts_at=moved,
                                                    ends_at=moved + timedelta(hours=1)),
                 clock())  # fmt: skip
    (update,) = [m for m in _mails(event.forum_id) if m["data"]["moment"] == "changed"]
    assert update["to"] == placed.registration.email
    assert int(_event(update)[1]["SEQUENCE"]) == 1
    new = _reminder_tasks(tasks)
    assert {t["starts_at"] for t in new} == {moved.isoformat()}

    reminders = client_for("send_forum_reminders")
    clock.now = START - timedelta(hours=24)
    for task in old:  # the old tasks find the time changed
        answer = reminders.post("/", json=task)
        assert answer.status_code == 200 and answer.get_json()["stale"] is True
    clock.now = moved - timedelta(hours=24)
    day_before = next(t for t in new if t["offset"] == "24h")
    assert reminders.post("/", json=day_before).get_json() == {"reminded": 1, "stale": False}
    assert reminders.post("/", json=day_before).get_json() == {"reminded": 0, "stale": False}
    (reminder,) = [m for m in _mails(event.forum_id) if m["data"]["moment"] == "reminder"]
    calendar, vevent = _event(reminder)
    assert str(vevent["LOCATION"]) == "https://zoom.example.org/j/123"  # released now
    assert "https://zoom.example.org/j/123" in reminder["data"]["joining"]
    assert int(vevent["SEQUENCE"]) == 1

    # Cancelled: both told at once, CANCEL for the one with a place; reminders send nothing.
    cancel_forum(deps, event.forum_id, clock())
    cancel_forum(deps, event.forum_id, clock())  # again: nobody told twice
    told = [m for m in _mails(event.forum_id) if m["data"]["moment"] == "forum_cancelled"]
    assert sorted(m["to"] for m in told) == sorted(
        [placed.registration.email, waiting.registration.email]
    )
    (with_place,) = [m for m in told if "calendar" in m["data"]]
    calendar, vevent = _event(with_place)
    assert str(calendar["METHOD"]) == "CANCEL" and str(vevent["STATUS"]) == "CANCELLED"
    assert int(vevent["SEQUENCE"]) == 2
    clock.now = moved - timedelta(hours=1)
    hour_before = next(t for t in new if t["offset"] == "1h")
    assert reminders.post("/", json=hour_before).get_json()["stale"] is True
    states = {r.state for r in deps.forums.registrations(event.forum_id)}
    assert states == {"cancelled"}
    assert json.dumps(hour_before).count("@") == 0  # ids and times only
