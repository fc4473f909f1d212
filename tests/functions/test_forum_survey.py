"""The forum_survey page over the emulator: only an attendee's signed link opens it; one
response each, a second submission updating the first (version 2); closed after
forum.ends_at + survey_days; hostile answers kept bounded and shown escaped."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

import pytest

from functions import wiring
from functions.domain.forums.attendance import AttendanceSource, SurveyState, attendee_id
from functions.domain.forums.models import participant_key
from functions.services.forums.attendance import import_attendance
from functions.services.forums.survey import survey_token
from tests.functions.forum_attendance_support import ENDS, ZOOM, make_forum, register_zoom_people
from tests.functions.test_feedback_form import csrf_token

AFTER = ENDS + timedelta(hours=1)


@pytest.fixture
def forum(project, monkeypatch):
    monkeypatch.setattr(wiring, "utc_now", lambda: AFTER)
    forum = make_forum()
    people = register_zoom_people(forum)
    import_attendance(wiring.dependencies(), forum.forum_id, AttendanceSource.ZOOM, ZOOM)
    return forum, people


def link_of(forum, email: str) -> str:
    key = attendee_id(forum.forum_id, participant_key(email, None))
    return f"/?token={quote(survey_token(key, wiring.signer()), safe='')}"


def answers(html: str, **extra) -> dict:
    return {"csrf_token": csrf_token(html), "satisfaction": "4", "wants_monthly": "yes",
            "pain_points": ["communication_and_delays", "facilities"],
            "recommendations": "Send the agenda a week before.", **extra}  # fmt: skip


def test_an_attendee_answers_once_and_updates_until_it_closes(client_for, forum, monkeypatch):
    forum, people = forum
    page = client_for("forum_survey")
    url = link_of(forum, "thandiwe.mokoena@example.org")
    shown = page.get(url)
    assert shown.status_code == 200 and "How was the forum?" in shown.text
    sent = page.post(url, data=answers(shown.text))
    assert sent.status_code == 303 and "sent=1" in sent.headers["Location"]
    assert "Thank you" in page.get(url + "&sent=1").text
    responses = wiring.forum_reader().survey_responses(forum.forum_id)
    assert len(responses) == 1 and responses[0].version == 1 and responses[0].satisfaction == 4
    assert [p.value for p in responses[0].pain_points] == ["communication_and_delays",
                                                           "facilities"]  # fmt: skip
    # The same answers again (Send pressed twice): nothing new.
    again = page.get(url)
    assert "We have your answers" in again.text and 'value="4" checked' in again.text
    page.post(url, data=answers(again.text))
    assert wiring.forum_reader().survey_responses(forum.forum_id)[0].version == 1
    # Changed: the same response, version 2.
    page.post(url, data=answers(page.get(url).text, satisfaction="2", wants_monthly="no"))
    (response,) = wiring.forum_reader().survey_responses(forum.forum_id)
    assert (response.version, response.satisfaction, response.wants_monthly) == (2, 2, False)
    attendee = wiring.forum_reader().attendees([response.attendee_id])[response.attendee_id]
    assert attendee.survey_state == SurveyState.ANSWERED
    # After the survey closes: a clear page, and nothing taken.
    monkeypatch.setattr(wiring, "utc_now", lambda: ENDS + timedelta(days=7, seconds=1))
    closed = page.get(url)
    assert closed.status_code == 410 and "This survey is closed" in closed.text
    assert page.post(url, data={"satisfaction": "5"}).status_code == 410
    assert wiring.forum_reader().survey_responses(forum.forum_id)[0].version == 2


def test_no_show_and_forged_links_open_nothing(client_for, forum):
    forum, _ = forum
    page = client_for("forum_survey")
    assert page.get(link_of(forum, "sipho.ndlovu@example.org")).status_code == 404  # no-show
    assert page.get("/?token=forged").status_code == 404
    assert page.get("/").status_code == 404


def test_before_the_end_the_survey_is_not_open(client_for, forum, monkeypatch):
    forum, _ = forum
    monkeypatch.setattr(wiring, "utc_now", lambda: ENDS - timedelta(minutes=5))
    answer = client_for("forum_survey").get(link_of(forum, "thandiwe.mokoena@example.org"))
    assert answer.status_code == 409 and "not open yet" in answer.text


def test_missing_and_wrong_answers_get_clear_messages(client_for, forum):
    forum, _ = forum
    page = client_for("forum_survey")
    url = link_of(forum, "thandiwe.mokoena@example.org")
    html = page.get(url).text
    bad = page.post(url, data={"csrf_token": csrf_token(html), "satisfaction": "9",
                               "pain_points": ["not_a_category"], "practice_centre_id": "nope",
                               "comments": "x" * 2001})  # fmt: skip
    assert bad.status_code == 422
    for message in ("from 1 to 5", "every month", "Choose from the list",
                    "Choose a centre", "at most 2,000"):  # fmt: skip
        assert message in bad.text
    assert "x" * 2001 not in bad.text or 'maxlength="2000"' in bad.text
    no_csrf = page.post(url, data={"satisfaction": "5", "wants_monthly": "yes"})
    assert no_csrf.status_code == 403
    assert wiring.forum_reader().survey_responses(forum.forum_id) == []


HOSTILE = "<script>alert(1)</script>\r\nBcc: x@example.org\u2028\u0085 \ud800 ＝1+1 {{ 7*7 }}"


def test_hostile_answers_are_kept_bounded_and_shown_escaped(client_for, forum):
    forum, _ = forum
    page = client_for("forum_survey")
    url = link_of(forum, "thandiwe.mokoena@example.org")
    html = page.get(url).text
    texts = {name: HOSTILE for name in ("recommendations", "promising_practice", "comments")}
    fields = answers(html, pain_points_other=HOSTILE[:300], **texts, advisory_consent="yes")
    # A lone surrogate travels as the bytes a broken client would send (not UTF-8).
    body = "&".join(f"{k}={quote(v, safe='', errors='surrogatepass')}"
                    for k, value in fields.items()
                    for v in (value if isinstance(value, list) else [value]))  # fmt: skip
    sent = page.post(url, data=body, content_type="application/x-www-form-urlencoded")
    assert sent.status_code == 303
    (response,) = wiring.forum_reader().survey_responses(forum.forum_id)
    assert "\x00" not in response.comments and "\ud800" not in response.comments
    assert response.advisory_consent is False  # consent without nominating means nothing
    shown = page.get(url).text
    assert "<script>alert(1)</script>" not in shown and "&lt;script&gt;" in shown
    assert "{{ 7*7 }}" in shown and "Bcc: x@example.org" in shown
