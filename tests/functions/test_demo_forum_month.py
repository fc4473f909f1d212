"""`make run`'s demo forums: the seed report's March 2025 month, figure for figure, and the
coming month open for registration; seeding again writes nothing."""

from __future__ import annotations

import re

from functions import wiring
from functions.devtools.seed import seed_forums
from functions.domain.forums.plan import month_of, next_month
from functions.domain.shared.vocabulary import ParticipantRole

CENTRES = ["sunflower-soweto", "little-stars-tembisa", "fynbos-khayelitsha",
           "protea-mitchells-plain", "ubuntu-umlazi"]  # fmt: skip


def test_the_seed_reports_month_is_there_with_its_figures(project):
    assert seed_forums(CENTRES) > 0
    forums = wiring.forum_reader().in_month("2025-03")
    assert [(f.starts_at.day, f.format.value) for f in forums] == [
        (5, "zoom_webinar"), (14, "whatsapp_live_audio"), (26, "google_meet_breakouts"),
    ]  # fmt: skip
    attended = []
    for forum in forums:
        by_role = wiring.forum_reader().attendance_by_role(forum.forum_id)
        attended.append((by_role[ParticipantRole.PARENT].attended,
                         by_role[ParticipantRole.STAFF].attended))  # fmt: skip
    assert attended == [(21, 21), (30, 28), (33, 30)]

    answers = [r for f in forums for r in wiring.forum_reader().survey_responses(f.forum_id)]
    satisfied = sum(r.satisfaction >= 4 for r in answers)
    monthly = sum(r.wants_monthly for r in answers)
    # The report's rounded figures, from the responses themselves.
    assert round(100 * satisfied / len(answers)) == 91
    assert round(100 * monthly / len(answers)) == 88


def test_the_coming_month_is_open_and_seeding_again_writes_nothing(project):
    seed_forums(CENTRES)
    now = wiring.utc_now()
    zone = "Africa/Johannesburg"
    coming = wiring.forum_reader().in_month(next_month(now, zone))
    assert coming and all(f.open_for_registration(now) and f.places_left > 0 for f in coming)
    assert all(f.starts_at > now for f in wiring.forum_reader().in_month(month_of(now, zone)))
    assert seed_forums(CENTRES) == 0


def test_the_public_page_shows_the_past_month_with_how_many_took_part(project, client_for):
    seed_forums(CENTRES)
    page = client_for("forums").get("/?month=2025-03").get_data(as_text=True)
    assert [int(n) for n in re.findall(r"(\d+) people took part", page)] == [42, 58, 63]
    assert "forum_registration" not in page  # past: nothing to register for


def test_the_demo_month_is_compiled_once_into_its_summary(project):
    from functions.domain.reports.summary import summary_id

    seed_forums(CENTRES)
    month = wiring.forum_reader().summary(summary_id("2025-03", None))
    assert month is not None and month.version == 1
    assert (month.totals.total.attended, month.totals.satisfied.text) == (163, "91% (127 of 140)")
    assert month.totals.wants_monthly.text == "88% (123 of 140)"
    seed_forums(CENTRES)  # again: the same figures, no second version
    assert len(wiring.forum_reader().summary_versions(summary_id("2025-03", None))) == 1


def test_the_demo_month_sets_pain_points_beside_cases_and_ranks_the_centres(project):
    from functions.devtools.demo_cases import PER_CENTRE
    from functions.domain.reports.summary import summary_id

    seed_forums(CENTRES)
    month = wiring.forum_reader().summary(summary_id("2025-03", None))
    assert month.cases_total == sum(PER_CENTRE[: len(CENTRES)])
    assert sum(p.cases for p in month.pain_points) == month.cases_total
    assert month.centres_ranked == len(CENTRES) and len(month.best_centres) >= 3
    shares = [c.resolved_in_time.count / c.resolved_in_time.base for c in month.best_centres]
    assert shares == sorted(shares, reverse=True)
    # Closed, every one: the demo month nudges nobody and fills no inbox today.
    assert wiring.case_reader().open_cases(None, 10) == []
