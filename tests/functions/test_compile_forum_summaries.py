"""compile_forum_summaries over the emulator, on the demo March 2025 month (the seed
report's): the figures match the seed, a re-run writes and sends nothing, and a late
survey response makes version 2 (version 1 kept) and one more email per summary."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest

from functions import wiring
from functions.config import get_settings
from functions.devtools.demo_forums import seed_demo_forums
from functions.devtools.seed import seed_demo_data
from functions.domain.forums.survey import SurveyResponse
from functions.domain.reports.summary import summary_id
from functions.domain.shared.vocabulary import ParticipantRole

ZONE = ZoneInfo("Africa/Johannesburg")
AFTER_CLOSING = datetime(2025, 4, 5, 6, 0, tzinfo=ZONE)  # every March survey has closed
MONTH = summary_id("2025-03", None)


@pytest.fixture
def local_dev(local_dev):
    """The shared one (conftest.py), with the demo month's records only: seed_forums would
    compile them already, as make run does."""
    seed_demo_forums(
        wiring.firestore_client(), [c.centre_id for c in wiring.centre_directory().list_centres()]
    )


def compile_at(client_for, when: datetime) -> dict:
    answer = client_for("compile_forum_summaries").post(f"/?now={quote(when.isoformat(), safe='')}")
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def summary_mail() -> list[dict]:
    from google.cloud.firestore_v1.base_query import FieldFilter

    found = (wiring.firestore_client().collection("outbox")
             .where(filter=FieldFilter("template", "==", "forum_summary")).stream())  # fmt: skip
    return [d.to_dict() for d in found]


def test_the_demo_month_compiles_to_the_seed_reports_figures(local_dev, client_for):
    counts = compile_at(client_for, AFTER_CLOSING)
    assert (counts["forums"], counts["months"], counts["new"]) == (3, 1, 4)
    summary = wiring.forum_reader().summary(MONTH)
    assert summary.version == 1 and summary.scope is None and summary.forum_id is None
    attended = [f.total.attended for f in summary.forums]
    assert attended == [42, 58, 63]
    by_role = [(f.roles[0].role, f.roles[0].attended, f.roles[1].role, f.roles[1].attended)
               for f in summary.forums]  # fmt: skip
    parent, staff = ParticipantRole.PARENT, ParticipantRole.STAFF
    assert by_role == [(parent, 21, staff, 21), (parent, 30, staff, 28), (parent, 33, staff, 30)]
    assert summary.totals.total.attended == 163
    assert summary.totals.satisfied.text == "91% (127 of 140)"
    assert summary.totals.wants_monthly.text == "88% (123 of 140)"
    assert summary.totals.response_rate.text == "86% (140 of 163)"
    assert summary.pain_points[0].survey.base == 140
    # The demo's five recommendations, each said by many, show once each with their counts.
    quotes = [q for g in summary.recommendations for q in g.quotes]
    assert len(quotes) == 5 and sum(q.count for q in quotes) == 140
    assert all(not q.name or q.people for q in quotes)
    # Each forum's own summary too, and one email per summary to the network's administrators.
    for forum in summary.forums:
        assert wiring.forum_reader().summary(summary_id("2025-03", None, forum.forum_id))
    mail = summary_mail()
    assert counts["sent"] == len(mail) == 4
    assert {m["to"] for m in mail} == {get_settings().local_admin_email}
    month_mail = [m for m in mail if m["data"]["summary_id"] == MONTH]
    assert month_mail[0]["data"]["totals"]["satisfied"]["percent"] == 91


def test_a_rerun_writes_and_sends_nothing(local_dev, client_for):
    compile_at(client_for, AFTER_CLOSING)
    before = wiring.forum_reader().summary(MONTH)
    counts = compile_at(client_for, AFTER_CLOSING.replace(day=6))
    assert (counts["new"], counts["versions"], counts["unchanged"], counts["sent"]) == (0, 0, 4, 0)
    after = wiring.forum_reader().summary(MONTH)
    assert after == before  # not even compiled_at moved: nothing was written
    assert len(summary_mail()) == 4
    assert [s.version for s in wiring.forum_reader().summary_versions(MONTH)] == [1]


def test_a_late_response_makes_version_2_and_one_more_email(local_dev, client_for):
    compile_at(client_for, AFTER_CLOSING)
    reader = wiring.forum_reader()
    last = reader.in_month("2025-03")[-1]
    answered = {r.attendee_id for r in reader.survey_responses(last.forum_id)}
    late = next(a for a in reader.attendance(last.forum_id) if a.attendee_id not in answered)
    at = AFTER_CLOSING.replace(day=7)
    response = SurveyResponse(
        attendee_id=late.attendee_id, forum_id=last.forum_id, role=late.role.value,
        centre_id=late.centre_id, satisfaction=5, wants_monthly=True, source="google_form",
        submitted_at=at, updated_at=at,
    )  # fmt: skip
    wiring.transactions().run(lambda uow: uow.surveys.save(response))

    counts = compile_at(client_for, AFTER_CLOSING.replace(day=8))
    assert (counts["versions"], counts["unchanged"], counts["sent"]) == (2, 2, 2)
    summary = reader.summary(MONTH)
    assert summary.version == 2
    assert summary.totals.satisfied.text == "91% (128 of 141)"
    assert summary.totals.wants_monthly.text == "88% (124 of 141)"
    versions = reader.summary_versions(MONTH)
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].totals.satisfied.text == "91% (127 of 140)"  # kept as it was sent
    assert summary.cases_as_of == versions[0].cases_as_of  # the case parts are version 1's
    forum = reader.summary(summary_id("2025-03", None, last.forum_id))
    assert forum.version == 2
    mail = summary_mail()
    assert len(mail) == 6
    assert sorted(m["data"]["version"] for m in mail if m["data"]["summary_id"] == MONTH) == [1, 2]
    # And again: nothing more.
    assert compile_at(client_for, AFTER_CLOSING.replace(day=9))["sent"] == 0
    assert len(summary_mail()) == 6


def test_the_month_waits_until_every_forums_survey_has_closed(local_dev, client_for):
    counts = compile_at(client_for, datetime(2025, 3, 25, 6, 0, tzinfo=ZONE))
    assert (counts["forums"], counts["months"], counts["new"]) == (2, 0, 2)
    assert wiring.forum_reader().summary(MONTH) is None
    counts = compile_at(client_for, AFTER_CLOSING)
    assert (counts["forums"], counts["months"], counts["new"], counts["unchanged"]) == (3, 1, 2, 2)


def test_a_clock_from_the_caller_is_refused_when_deployed(project, client_for):
    answer = client_for("compile_forum_summaries").post("/?now=2025-04-05T06:00:00%2B02:00")
    assert answer.status_code == 400
    assert list(wiring.firestore_client().collection("forum_summaries").stream()) == []


def test_a_regional_forum_goes_to_its_regions_administrators(project, monkeypatch, client_for):
    from functions.domain.forums.attendance import Attendance, attendee_id
    from tests.functions.forum_attendance_support import make_forum, register

    monkeypatch.setenv("LOCAL_DEV", "1")
    get_settings.cache_clear()
    seed_demo_data()
    starts = datetime(2025, 6, 10, 10, 0, tzinfo=ZONE)
    forum = make_forum("forum-gauteng-june", starts=starts, ends=starts.replace(hour=11),
                       region_id="gauteng")  # fmt: skip
    came = register(forum, "Lerato <b>Molefe</b>\u2028", "lerato@example.org")
    register(forum, "Sipho Ndlovu", "sipho@example.org")  # a no-show
    person = Attendance(
        attendee_id=attendee_id(forum.forum_id, came.participant_key), forum_id=forum.forum_id,
        attendee_key=came.participant_key, registration_id=came.registration_id,
        registered=True, name=came.name, role=came.role, centre_id="sunflower-soweto",
        email=came.email, created_at=starts, updated_at=starts,
    )  # fmt: skip
    answer = SurveyResponse(
        attendee_id=person.attendee_id, forum_id=forum.forum_id, role="parent",
        centre_id="sunflower-soweto", satisfaction=4, wants_monthly=False,
        recommendations="<script>alert(1)</script>", may_quote_name=True, quoted_as=came.name,
        submitted_at=starts.replace(hour=12), updated_at=starts.replace(hour=12),
    )  # fmt: skip
    wiring.transactions().run(lambda uow: (uow.attendance.add(person), uow.surveys.save(answer)))

    counts = compile_at(client_for, datetime(2025, 6, 20, 6, 0, tzinfo=ZONE))
    assert (counts["forums"], counts["months"], counts["new"]) == (1, 1, 2)
    summary = wiring.forum_reader().summary(summary_id("2025-06", "gauteng"))
    assert summary.scope == "gauteng"
    assert (summary.totals.total.registered, summary.totals.total.attended) == (2, 1)
    assert summary.totals.total.no_shows == 1
    assert summary.totals.satisfied.text == "100% (1 of 1)"
    assert summary.totals.wants_monthly.text == "0% (0 of 1)"
    (quote,) = summary.recommendations[0].quotes
    assert quote.name == "Lerato <b>Molefe</b>\u2028"  # kept as given; escaped when shown
    mail = summary_mail()
    assert {m["to"] for m in mail} == {"admin.gauteng@ecd.example.org"}
    assert len(mail) == 2  # the forum's summary and the region's month

    from functions.domain.mail.outbox import OutboxMessage
    from functions.rendering import render_email

    links = wiring.mail_setup().links.for_message(OutboxMessage.model_validate(mail[0]))
    email = render_email(mail[0]["template"], mail[0]["data"] | links)
    assert "<script>" not in email.html and "&lt;script&gt;" in email.html
    assert "<b>Molefe" not in email.html
    assert "\n" not in email.subject and "<svg" not in email.html.lower()


def test_a_summary_stored_as_fields_before_is_read_and_not_sent_again(local_dev, client_for):
    """Summaries are stored as their JSON text; one stored as nested fields (a local stack
    from before) still reads, and compiling over it sends nothing new."""
    compile_at(client_for, AFTER_CLOSING)
    ref = wiring.firestore_client().collection("forum_summaries").document(MONTH)
    summary = wiring.forum_reader().summary(MONTH)
    ref.set(summary.model_dump(mode="python"))
    assert wiring.forum_reader().summary(MONTH) == summary
    assert compile_at(client_for, AFTER_CLOSING)["sent"] == 0
