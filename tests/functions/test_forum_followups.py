"""After a forum, over the emulator with a fake clock (?now= under LOCAL_DEV, and the tasks'
as_of): the survey goes to attendees only (no-shows get nothing), once; attendance imported
late gets its survey on the next pass; 3 days on, a reminder to those who have not answered
only, once; nothing after the survey closes or for a cancelled forum."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from urllib.parse import quote

import pytest

from functions import wiring
from functions.adapters.mail.local_mailbox import LocalMailbox
from functions.config import get_settings
from functions.domain.forums.attendance import SurveyState
from functions.domain.forums.models import ForumStatus
from functions.domain.forums.survey import SurveyAnswers
from functions.services.forums.survey import submit_survey
from tests.functions.forum_attendance_support import (
    ENDS,
    MEET,
    ZOOM,
    make_forum,
    register_zoom_people,
)
from tests.functions.local_support import LOCAL

# The Zoom fixture's attendees with an address: Thandiwe, Pieter, Lerato Molefe, Bongani,
# the panelist, and Zanele (the address of her registration, matched by phone); not the
# host, who ran the webinar.
ZOOM_ADDRESSES = {"thandiwe.mokoena@example.org", "pieter.vdmerwe@example.org",
                  "lerato.molefe@example.org", "bongani.mthembu@example.org",
                  "nomvula.dlamini@example.org", "zanele@example.org"}  # fmt: skip
NO_SHOWS = {"sipho.ndlovu@example.org", "grace.naidoo@example.org"}


@pytest.fixture
def forum(local_dev, client_for):
    forum = make_forum()
    register_zoom_people(forum)
    answer = client_for("import_attendance").post(
        "/?forum=forum-march-zoom&source=zoom", data=ZOOM, headers=LOCAL
    )
    assert answer.status_code == 200, answer.get_json()
    return forum


def run_at(client_for, when: datetime) -> dict:
    answer = client_for("run_forum_followups").post(f"/?now={quote(when.isoformat(), safe='')}")
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def replay(client_for, tasks, handler: str) -> list[dict]:
    found = [t for t in tasks.tasks if t["http_request"]["url"].endswith(f"/{handler}")]
    tasks.tasks = [t for t in tasks.tasks if t not in found]
    answers = []
    for task in found:
        answer = client_for(handler).post("/", json=json.loads(task["http_request"]["body"]))
        assert answer.status_code == 200, answer.get_json()
        answers.append(answer.get_json())
    return answers


def survey_mail(template: str) -> dict[str, dict]:
    from google.cloud.firestore_v1.base_query import FieldFilter

    found = (wiring.firestore_client().collection("outbox")
             .where(filter=FieldFilter("template", "==", template)).stream())  # fmt: skip
    return {d.to_dict()["to"].lower(): d.to_dict() for d in found}


def states() -> dict[str, SurveyState]:
    return {(a.email or a.name).lower(): a.survey_state
            for a in wiring.forum_reader().attendance("forum-march-zoom")}  # fmt: skip


def test_the_survey_goes_to_attendees_once_and_the_reminder_to_non_respondents(
    client_for, tasks, forum, monkeypatch
):
    # During the forum: nothing yet.
    assert run_at(client_for, ENDS - timedelta(minutes=30))["survey_tasks"] == 0
    after = ENDS + timedelta(minutes=15)
    counts = run_at(client_for, after)
    assert counts["forums_open"] == 1 and counts["survey_tasks"] == 1
    assert run_at(client_for, after)["survey_tasks"] == 1  # the same name: one task queued
    sent = replay(client_for, tasks, "send_forum_surveys")
    assert [a["sent"] for a in sent] == [len(ZOOM_ADDRESSES)]
    invitations = survey_mail("forum_survey_invitation")
    assert set(invitations) == ZOOM_ADDRESSES and not NO_SHOWS & set(invitations)
    assert all(m["kind"] == "notification" and m["data"]["forum_survey"]
               for m in invitations.values())  # fmt: skip
    # Delivered: the mail carries the attendee's personal link.
    replay(client_for, tasks, "deliver_email")
    mailbox = {m.to.lower(): m for m in LocalMailbox(get_settings().local_mailbox_dir).list()}
    link = re.search(r"forum_survey\?token=[\w.-]+", mailbox["thandiwe.mokoena@example.org"].text)
    assert link and "forum_survey" in mailbox["zanele@example.org"].html
    # Another pass sends nothing more.
    assert run_at(client_for, after + timedelta(minutes=15))["survey_tasks"] == 0

    # Late attendance (the Meet room's report): its people get the survey on the next pass.
    client_for("import_attendance").post("/?forum=forum-march-zoom&source=meet", data=MEET,
                                         headers=LOCAL)  # fmt: skip
    late = after + timedelta(hours=2)
    assert run_at(client_for, late)["survey_tasks"] == 1
    assert replay(client_for, tasks, "send_forum_surveys")[0]["sent"] == 4  # one has no email
    assert len(survey_mail("forum_survey_invitation")) == len(ZOOM_ADDRESSES) + 4

    # Thandiwe answers; three days after the first invitations the others are reminded.
    thandiwe = next(a for a in wiring.forum_reader().attendance(forum.forum_id)
                    if a.email == "thandiwe.mokoena@example.org")  # fmt: skip
    monkeypatch.setattr(wiring, "utc_now", lambda: after + timedelta(days=1))
    submit_survey(wiring.dependencies(), thandiwe.attendee_id,
                  SurveyAnswers(satisfaction=5, wants_monthly=True))  # fmt: skip
    assert run_at(client_for, after + timedelta(days=2))["reminder_tasks"] == 0
    assert run_at(client_for, after + timedelta(days=3, minutes=15))["reminder_tasks"] == 1
    replay(client_for, tasks, "send_forum_surveys")
    reminded = set(survey_mail("forum_survey_reminder"))
    assert reminded == ZOOM_ADDRESSES - {"thandiwe.mokoena@example.org"}
    assert states()["thandiwe.mokoena@example.org"] == SurveyState.ANSWERED
    # Once: the next passes remind no one again (the Meet people's turn comes 3 days after
    # theirs went out, 2 hours later).
    assert run_at(client_for, after + timedelta(days=3, minutes=30))["reminder_tasks"] == 0
    run_at(client_for, late + timedelta(days=3, minutes=15))
    replay(client_for, tasks, "send_forum_surveys")
    assert len(survey_mail("forum_survey_reminder")) == len(reminded) + 4
    # After the survey closes (7 days after the end): nothing, and tasks queued before send
    # nothing either.
    closed = run_at(client_for, ENDS + timedelta(days=7, minutes=1))
    assert closed["forums_open"] == 0


def test_no_shows_get_nothing_and_a_cancelled_forum_sends_no_survey(client_for, tasks,
                                                                      local_dev):  # fmt: skip
    forum = make_forum("empty-forum")
    register_zoom_people(forum)  # registered, nobody attended
    assert run_at(client_for, ENDS + timedelta(hours=1))["survey_tasks"] == 0
    make_forum("cancelled-forum", status=ForumStatus.CANCELLED)
    assert run_at(client_for, ENDS + timedelta(hours=1))["forums_open"] == 1  # empty-forum
    # A task for a forum whose survey closed sends nothing.
    answer = client_for("send_forum_surveys").post("/", json={
        "forum_id": "empty-forum", "kind": "survey",
        "as_of": (ENDS + timedelta(days=8)).isoformat()})  # fmt: skip
    assert answer.get_json()["result"] == "closed"
    assert survey_mail("forum_survey_invitation") == {}


def test_the_job_takes_only_the_schedulers_token_and_a_sane_clock(client_for, project):
    assert client_for("run_forum_followups", signed=False).post("/").status_code == 401
    assert client_for("run_forum_followups").post("/?now=yesterday").status_code == 400
    bad = client_for("send_forum_surveys").post("/", json={"forum_id": "x", "kind": "spam"})
    assert bad.status_code == 422
