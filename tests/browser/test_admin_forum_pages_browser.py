"""The forum admin pages in Chromium at 360 px, JavaScript off: a month's forums and a forum's
page (details, registrations, the edit form) never scroll sideways, with a word as wide as
a title may be in the title, a 3,000-character word in the description and a registrant's
name; a refused new-forum form (a 3,000-character title) neither."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from functions import wiring
from functions.services.forums.creating import ForumDraft, create_forum
from functions.services.forums.registering import register
from tests.browser.layout import sideways
from tests.forum_builders import form as registration_form

WORD = "W" * 200  # the longest title there is, as one word


def _forum():
    starts = (datetime.now(UTC) + timedelta(days=40)).replace(minute=0, second=0, microsecond=0)
    draft = ForumDraft(title=WORD, format="google_meet_breakouts", starts_at=starts,
                       ends_at=starts + timedelta(hours=2), capacity=1,
                       audiences=["parents", "staff"], topics=["staff_training_needs"],
                       breakout_rooms=[{"room_id": "room-1", "name": "R" * 200}],
                       description="d" * 3000,
                       joining={"url": "https://meet.example.org/" + "x" * 1500})  # fmt: skip
    deps = wiring.dependencies()
    forum = create_forum(deps, draft, datetime.now(UTC))
    for name in ("N" * 100, "Thandi"):
        register(
            deps,
            registration_form(forum.forum_id, name=name, room_id="room-1"),
            "web_form",
            datetime.now(UTC),
        )
    return forum


def test_the_forum_pages_fit_a_small_screen(site, phone, screenshot):
    forum = _forum()
    phone.context.add_cookies([{"name": "admin_session", "value": "local-admin-token",
                                "url": f"{site}/admin"}])  # fmt: skip
    phone.goto(f"{site}/admin?page=forums&month={forum.month}")
    assert WORD in phone.content()
    assert sideways(phone) <= 0, "forums"
    screenshot(phone, "admin_forums")
    phone.goto(f"{site}/admin?page=forum&id={forum.forum_id}")
    assert WORD in phone.content() and "waiting, number 1" in phone.content()
    assert sideways(phone) <= 0, "forum"
    screenshot(phone, "admin_forum")
    phone.goto(f"{site}/admin?page=forum&id={forum.forum_id}&confirm=cancel")
    assert "Yes, cancel the forum" in phone.content() and sideways(phone) <= 0


def test_a_refused_new_forum_fits_a_small_screen(site, phone, screenshot):
    phone.context.add_cookies([{"name": "admin_session", "value": "local-admin-token",
                                "url": f"{site}/admin"}])  # fmt: skip
    phone.goto(f"{site}/admin?page=forum_new")
    assert sideways(phone) <= 0
    phone.fill("#f-title", "T" * 3000)
    phone.fill("#f-date", (datetime.now(UTC) + timedelta(days=40)).date().isoformat())
    phone.click("button[type=submit]")
    # A click waits only for the navigation to start: wait for the page before reading it.
    phone.wait_for_load_state()
    assert "The forum was not created" in phone.content()
    assert "at most 200 characters" in phone.content()
    assert sideways(phone) <= 0
    screenshot(phone, "admin_forum_new_refused")
