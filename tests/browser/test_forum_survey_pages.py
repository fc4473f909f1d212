"""The post-forum survey and the attendance pages in Chromium at 360 px, JavaScript off: the
survey answered from an attendee's link (a long word wraps, nothing scrolls sideways), and
the administrators' attendance and roll pages fitting the screen."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from functions import wiring
from functions.domain.forums.attendance import AttendanceSource, attendee_id
from functions.domain.forums.models import participant_key
from functions.services.forums.attendance import import_attendance
from functions.services.forums.survey import survey_token
from tests.browser.layout import sideways
from tests.functions.forum_attendance_support import ZOOM, make_forum, register_zoom_people


def _forum():
    ends = datetime.now(UTC) - timedelta(hours=1)
    forum = make_forum(f"browser-{ends.timestamp():.0f}", starts=ends - timedelta(hours=2),
                       ends=ends)  # fmt: skip
    register_zoom_people(forum)
    import_attendance(wiring.dependencies(), forum.forum_id, AttendanceSource.ZOOM, ZOOM)
    return forum


def test_an_attendee_answers_the_survey_on_a_small_phone(site, phone, screenshot):
    forum = _forum()
    key = attendee_id(forum.forum_id, participant_key("thandiwe.mokoena@example.org", None))
    phone.goto(f"{site}/forum_survey?token={survey_token(key, wiring.signer())}")
    assert sideways(phone) <= 0
    screenshot(phone, "forum_survey_form")
    phone.check("#f-satisfaction-5")
    phone.check("#f-wants_monthly-yes")
    phone.check("#f-pain-facilities")
    phone.fill("#f-comments", "y" * 1500)
    phone.click("button[type=submit]")
    # A click waits only for the navigation to start: wait for the page before reading it.
    phone.wait_for_load_state()
    assert "Thank you for your answers" in phone.content()
    assert sideways(phone) <= 0
    (response,) = wiring.forum_reader().survey_responses(forum.forum_id)
    assert response.satisfaction == 5 and response.wants_monthly
    phone.goto(phone.url.replace("&sent=1", ""))
    assert "y" * 100 in phone.content() and sideways(phone) <= 0


def test_the_attendance_and_roll_pages_fit_a_small_screen(site, phone, screenshot):
    forum = _forum()
    phone.context.add_cookies([{"name": "admin_session", "value": "local-admin-token",
                                "url": f"{site}/admin"}])  # fmt: skip
    for page in ("forum_attendance", "forum_roll"):
        phone.goto(f"{site}/admin?page={page}&id={forum.forum_id}")
        assert forum.title in phone.content()
        assert sideways(phone) <= 0, page
        screenshot(phone, page)
