"""The survey's Google Form through intake_google_form (purpose "forum_survey", the demo
mapping infra/google_forms/mappings/demo-forum-survey.json): an attendee's response stored
as their survey response (a second one updates it); a non-attendee's refused with a clear
422 and nothing stored; a closed survey refused the same way."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from functions import wiring
from functions.domain.forums.attendance import AttendanceSource
from functions.services.forums.attendance import import_attendance
from tests.builders import post
from tests.functions.forum_attendance_support import ENDS, ZOOM, make_forum, register_zoom_people

SATISFACTION = "Overall, how satisfied were you with the forum?"


@pytest.fixture
def intake(client_for, project, monkeypatch):
    monkeypatch.setattr(wiring, "utc_now", lambda: ENDS + timedelta(days=1))
    forum = make_forum()
    register_zoom_people(forum)
    import_attendance(wiring.dependencies(), forum.forum_id, AttendanceSource.ZOOM, ZOOM)
    return client_for("intake_google_form")


def body(email: str | None, response_id="r1", **changes) -> bytes:
    answers = {
        "Which forum did you attend?": "forum-march-zoom",
        "Overall, how satisfied were you with the forum?": "5 – Very satisfied",
        "Would you like a digital forum like this every month?": "Yes",
        "Which problems with the services did you raise or hear about?":
            ["Communication and delays", "Transport to the centre"],
        "Your recommendations": "<b>Share the agenda</b>\u2028early",
        "Which centre is that?": "sunflower-soweto",
        "I would like to serve on the regional advisory network": "Yes",
        "I agree that my name, role and centre are used to select the members": "Yes",
    } | changes  # fmt: skip
    return json.dumps({"form_id": "demo-forum-survey", "response_id": response_id,
                       "submitted_at": "2025-03-06T08:00:00Z", "respondent_email": email,
                       "answers": [{"question": q, "answer": a}
                                   for q, a in answers.items()]}).encode()  # fmt: skip


def test_an_attendees_form_response_is_their_survey_response(intake):
    answer = post(intake, body("Thandiwe.Mokoena@example.org"))
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json() == {"forum_id": "forum-march-zoom", "version": 1, "changed": True}
    (response,) = wiring.forum_reader().survey_responses("forum-march-zoom")
    assert response.source == "google_form" and response.satisfaction == 5
    assert response.wants_monthly and [p.value for p in response.pain_points] == [
        "communication_and_delays"]  # fmt: skip
    assert response.pain_points_other == "Transport to the centre"
    assert response.practice_centre_id == "sunflower-soweto"
    assert response.advisory_nominee and response.advisory_consent
    again = post(intake, body("thandiwe.mokoena@example.org", "r2",
                              **{SATISFACTION: "3"}))  # fmt: skip
    assert again.status_code == 200 and again.get_json()["version"] == 2


def test_a_non_attendees_response_is_refused_and_nothing_stored(intake):
    for email in ("sipho.ndlovu@example.org", "stranger@example.org", None):
        answer = post(intake, body(email))
        assert answer.status_code == 422, email
        assert "attendee" in json.dumps(answer.get_json()) or email is None
    assert wiring.forum_reader().survey_responses("forum-march-zoom") == []


def test_unreadable_answers_and_a_closed_survey_are_refused(intake, monkeypatch):
    bad = post(intake, body("thandiwe.mokoena@example.org",
                            **{SATISFACTION: "great"}))  # fmt: skip
    assert bad.status_code == 422 and "satisfaction" in json.dumps(bad.get_json())
    monkeypatch.setattr(wiring, "utc_now", lambda: ENDS + timedelta(days=8))
    closed = post(intake, body("thandiwe.mokoena@example.org"))
    assert closed.status_code == 422 and "closed" in json.dumps(closed.get_json())
    assert wiring.forum_reader().survey_responses("forum-march-zoom") == []
