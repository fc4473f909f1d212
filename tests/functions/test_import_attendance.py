"""import_attendance over the emulator with the fixtures' real Zoom and Meet layouts: people
matched to registrations by email, else phone; walk-ins (staff when the directory knows
their email); rejoins summed; the same file twice changes nothing; a Meet file after the
Zoom one adds; a dry run writes nothing."""

from __future__ import annotations

import pytest

from functions import wiring
from functions.config import get_settings
from functions.domain.forums.attendance import AttendanceSource, SurveyState, figures_by_role
from functions.domain.shared.vocabulary import ParticipantRole
from tests.functions.forum_attendance_support import (
    MEET,
    ZOOM,
    make_forum,
    register,
    register_zoom_people,
)
from tests.functions.local_support import LOCAL


@pytest.fixture
def api(client_for, project, monkeypatch):
    monkeypatch.setenv("LOCAL_DEV", "1")
    get_settings.cache_clear()
    return client_for("import_attendance")


@pytest.fixture
def forum(project):
    forum = make_forum()
    register_zoom_people(forum)
    return forum


def send(api, data: bytes, source="zoom", forum_id="forum-march-zoom", **query):
    args = "&".join(f"{k}={v}" for k, v in {"forum": forum_id, "source": source, **query}.items())
    return api.post(f"/?{args}", data=data, headers=LOCAL | {"Content-Type": "text/csv"})


def people(forum_id="forum-march-zoom"):
    return {a.name: a for a in wiring.forum_reader().attendance(forum_id)}


def test_a_zoom_report_matches_registrations_and_records_walk_ins(api, forum):
    answer = send(api, ZOOM)
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    # A panelist and five attendees (the host ran it: not counted, and said so); Sipho and
    # Grace are listed as not attended.
    assert body["people"] == 6 and body["not_attended"] == 2
    assert body["matched"] == 2 and body["walk_ins"] == 4
    assert body["added"] == 6 and body["changed"] == 0 and body["dry_run"] is False
    assert any("host" in problem for problem in body["problems"])
    assert "forums@example.org" not in {a.email for a in people().values()}
    assert "parent" in body["note"] and "staff" in body["note"]
    found = people()
    thandiwe = found["Thandiwe Mokoena"]
    assert thandiwe.registration_id and thandiwe.registered
    assert [s.minutes for s in thandiwe.sessions] == [39, 46] and thandiwe.minutes == 85
    assert thandiwe.survey_state == SurveyState.DUE
    zanele = found["Zanele Khumalo"]  # matched by phone: the registration's name and email
    assert zanele.registered and zanele.email == "zanele@example.org"
    pieter = next(a for n, a in found.items() if "Pieter" in n)
    assert not pieter.registered and pieter.role == ParticipantRole.PARENT
    assert pieter.minutes == 72  # 10:03-11:15 once, though two devices overlapped
    figures = figures_by_role(wiring.forum_reader().registrations(forum.forum_id),
                              found.values())  # fmt: skip
    assert figures[ParticipantRole.PARENT].registered == 3
    assert figures[ParticipantRole.PARENT].no_shows == 1  # Sipho
    assert figures[ParticipantRole.STAFF].no_shows == 1  # Grace
    assert wiring.forum_reader().attendance_by_role(forum.forum_id) == figures


def test_the_same_file_twice_changes_nothing_and_a_meet_file_adds(api, forum):
    assert send(api, ZOOM).status_code == 200
    before = {a.attendee_id: a for a in wiring.forum_reader().attendance(forum.forum_id)}
    again = send(api, ZOOM).get_json()
    assert (again["added"], again["changed"], again["unchanged"]) == (0, 0, 6)
    after = {a.attendee_id: a for a in wiring.forum_reader().attendance(forum.forum_id)}
    assert after == before
    # A Meet report of the same forum (another room): Ruth is a registrant, the rest new.
    register(forum, "Ruth Adams", "ruth.adams@example.org")
    meet = send(api, MEET, source="meet").get_json()
    assert meet["matched"] == 1 and meet["added"] == 5
    assert len(wiring.forum_reader().attendance(forum.forum_id)) == 11
    ruth = people()["Ruth Adams"]
    assert ruth.registered and ruth.sources == [AttendanceSource.MEET] and ruth.minutes == 60
    assert send(api, MEET, source="meet").get_json()["changed"] == 0


def test_a_dry_run_says_what_would_change_and_writes_nothing(api, forum):
    body = send(api, ZOOM, dry_run="1").get_json()
    assert body["dry_run"] is True and body["added"] == 6
    assert wiring.forum_reader().attendance(forum.forum_id) == []


def test_walk_ins_are_staff_when_the_directory_knows_them_else_the_role_given(api, forum):
    meet = (b"First name,Last name,Email,Duration,Time joined,Time exited\r\n"
            b"Lerato,Khumalo,Lerato@Sunflower.example.org,50 min,10:05 AM,10:55 AM\r\n"
            b"Sam,Guest,sam@example.net,20 min,10:10 AM,10:30 AM\r\n")  # fmt: skip
    body = send(api, meet, source="meet", walk_in_role="community_leader").get_json()
    assert body["walk_ins"] == 2 and body["walk_in_role"] == "community_leader"
    assert body["by_role"] == {"staff": {"attended": 1, "walk_ins": 1},
                               "community_leader": {"attended": 1, "walk_ins": 1}}  # fmt: skip
    found = people()
    assert found["Lerato Khumalo"].role == ParticipantRole.STAFF
    assert found["Lerato Khumalo"].centre_id
    assert found["Sam Guest"].role == ParticipantRole.COMMUNITY_LEADER


@pytest.mark.parametrize(
    ("query", "status"),
    [({"source": "teams"}, 400), ({"forum_id": "no-such-forum"}, 404),
     ({"walk_in_role": "king"}, 400), ({"forum_id": "a/b"}, 404)],
)  # fmt: skip
def test_a_bad_query_is_refused_and_changes_nothing(api, forum, query, status):
    assert send(api, ZOOM, **query).status_code == status
    assert wiring.forum_reader().attendance(forum.forum_id) == []


def test_a_file_that_is_not_the_export_is_422_and_nothing_written(api, forum):
    answer = send(api, b"name,when\r\nsomeone,today\r\n")
    assert answer.status_code == 422 and "Zoom" in answer.get_json()["errors"][0]["message"]
    assert send(api, MEET, source="zoom").status_code == 422
    assert wiring.forum_reader().attendance(forum.forum_id) == []


def test_multipart_upload_and_no_token(api, client_for, forum):
    answer = api.post("/?forum=forum-march-zoom&source=zoom", headers=LOCAL,
                      data={"file": (__import__("io").BytesIO(ZOOM), "report.csv")},
                      content_type="multipart/form-data")  # fmt: skip
    assert answer.status_code == 200 and answer.get_json()["added"] == 6
    refused = client_for("import_attendance").post("/?forum=forum-march-zoom&source=zoom",
                                                   data=ZOOM)  # fmt: skip
    assert refused.status_code == 401


def test_a_cancelled_forum_takes_no_attendance(api, project):
    from functions.domain.forums.models import ForumStatus

    make_forum("cancelled-forum", status=ForumStatus.CANCELLED)
    assert send(api, ZOOM, forum_id="cancelled-forum").status_code == 409
