"""A month built by hand, its figures computed here (domain/reports/compile.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from functions.domain.cases.models import Case, Consent, Outcome, Rating, Reporter
from functions.domain.forums.attendance import RoleFigures
from functions.domain.forums.survey import SurveyResponse
from functions.domain.reports.compile import compile_summary
from functions.domain.reports.summary import fingerprint
from functions.domain.shared.vocabulary import Category, ParticipantRole
from tests.forum_builders import forum

START = datetime(2025, 3, 5, 16, 0, tzinfo=UTC)
COMPILED = datetime(2025, 4, 10, tzinfo=UTC)
PARENT, STAFF = ParticipantRole.PARENT, ParticipantRole.STAFF
COMM, FEES = Category.COMMUNICATION_AND_DELAYS, Category.FEES_AND_ADMINISTRATION
CONDUCT, FACILITIES, OTHER = Category.STAFF_CONDUCT, Category.FACILITIES, Category.OTHER


def response(n: int, forum_id: str, score: int, monthly: bool = True, **fields):
    at = START + timedelta(days=1, minutes=n)
    base = dict(attendee_id=f"a{n}", forum_id=forum_id, role="parent", centre_id="c1",
                satisfaction=score, wants_monthly=monthly,
                submitted_at=at, updated_at=at)  # fmt: skip
    return SurveyResponse(**(base | fields))


def case(n: int, centre: str, category: Category, in_time: bool | None, score: int | None):
    created = START + timedelta(hours=n)
    return Case(
        reference=f"FB-AAAA-{n:03d}", source="web_form", centre_id=centre,
        centre_name=f"Centre {centre}", region_id="r1", kind="complaint", category=category,
        description="x", urgent=False, anonymous=False, reporter=Reporter(),
        consent=Consent(given=True, version="2026-11", recorded_at=created),
        created_at=created, updated_at=created, respond_by=created,
        outcome=Outcome(hours_to_resolve=5 if in_time is not None else None,
                        resolved_in_time=in_time),
        rating=Rating(score=score, at=created) if score else None,
    )  # fmt: skip


def month():
    first = forum(forum_id="fa", title="First", starts_at=START)
    second = forum(forum_id="fb", title="Second", starts_at=START + timedelta(days=9))
    roles = {
        "fa": {PARENT: RoleFigures(registered=10, attended=9, attended_registered=8, walk_ins=1),
               STAFF: RoleFigures(registered=6, attended=5, attended_registered=5)},
        "fb": {PARENT: RoleFigures(registered=4, attended=2, attended_registered=2),
               STAFF: RoleFigures(registered=4, attended=6, attended_registered=4, walk_ins=2)},
    }  # fmt: skip
    responses = [
        response(1, "fa", 5, pain_points=[COMM, FEES], recommendations="Answer within a day",
                 may_quote_name=True),
        response(2, "fa", 5, pain_points=[COMM], comments="More evening forums"),
        response(3, "fa", 4, pain_points=[CONDUCT], promising_practice="Daily updates",
                 practice_centre_id="c2"),
        response(4, "fa", 4, recommendations="Post the fees", role="staff", may_quote_name=True),
        response(5, "fa", 4, promising_practice="A suggestion box", centre_id=None),
        response(6, "fa", 4, pain_points_other="Parking"),
        response(7, "fa", 4, monthly=False),
        response(8, "fa", 3),
        response(9, "fb", 5, pain_points=[FEES], promising_practice="Open days"),
        response(10, "fb", 2),
    ]  # fmt: skip
    c1 = [
        (FEES, True, 5),
        (FEES, True, 4),
        (FEES, True, 4),
        (COMM, True, 4),
        (FACILITIES, False, 2),
    ]
    c2 = [
        (FACILITIES, True, 5),
        (OTHER, True, 5),
        (OTHER, True, 4),
        (OTHER, True, 3),
        (OTHER, True, None),
    ]
    c3 = [(OTHER, True, 5), (OTHER, True, 5)]  # too few cases to rank
    cases = [case(n, centre, *row) for centre, rows in (("c1", c1), ("c2", c2), ("c3", c3))
             for n, row in enumerate(rows, 10 * int(centre[1]))]  # fmt: skip
    names = {"a1": "Thandiwe Dlamini", "a2": "Sipho Nkosi", "a4": "Johan Botha"}
    return [second, first], roles, responses, cases, names


def compiled(**changes):
    forums, roles, responses, cases, names = month()
    fields = dict(month="2025-03", scope=None, forums=forums, roles=roles,
                  responses=responses, cases=cases, names=names, compiled_at=COMPILED)  # fmt: skip
    return compile_summary(**(fields | changes))


def test_each_forums_attendance_by_role_and_survey_figures():
    first, second = compiled().forums  # soonest first
    assert (first.forum_id, second.forum_id) == ("fa", "fb")
    parents, staff = first.roles[0], first.roles[1]
    assert (parents.registered, parents.attended, parents.walk_ins, parents.no_shows) == (
        10,
        9,
        1,
        2,
    )
    assert (staff.registered, staff.attended, staff.walk_ins, staff.no_shows) == (6, 5, 0, 1)
    assert (first.total.registered, first.total.attended, first.total.no_shows) == (16, 14, 3)
    assert first.respondents == 8
    assert first.response_rate.text == "57% (8 of 14)"  # 57.14
    assert first.satisfied.text == "88% (7 of 8)"  # 87.5 → 88, half up
    assert first.wants_monthly.text == "88% (7 of 8)"
    assert first.ratings == [0, 0, 1, 5, 2]
    assert second.satisfied.text == "50% (1 of 2)"
    assert (second.total.attended, second.total.walk_ins, second.total.no_shows) == (8, 2, 2)


def test_the_months_totals_come_from_the_rows_not_from_averaged_percentages():
    totals = compiled().totals
    assert (totals.total.registered, totals.total.attended, totals.total.no_shows) == (24, 22, 5)
    assert [(r.role, r.attended) for r in totals.roles[:2]] == [(PARENT, 11), (STAFF, 11)]
    assert totals.respondents == 10
    assert totals.response_rate.text == "45% (10 of 22)"  # 45.45
    # 8 of 10 satisfied: 80%, not the mean of 88% and 50%.
    assert totals.satisfied.text == "80% (8 of 10)"
    assert totals.wants_monthly.text == "90% (9 of 10)"


def test_half_up_rounding_of_a_rate():
    first = forum(forum_id="fa", starts_at=START)
    roles = {"fa": {PARENT: RoleFigures(registered=200, attended=200, attended_registered=200)}}
    answers = [response(n, "fa", 4 if n < 181 else 3) for n in range(200)]
    summary = compiled(forums=[first], roles=roles, responses=answers, cases=[])
    assert summary.totals.satisfied.text == "91% (181 of 200)"  # 90.5 → 91


def test_pain_points_ranked_beside_the_months_cases():
    summary = compiled()
    ranked = [(p.category, p.survey.count, p.cases) for p in summary.pain_points]
    assert ranked == [
        (FEES, 2, 3),
        (COMM, 2, 1),
        (CONDUCT, 1, 0),
        (OTHER, 0, 6),
        (FACILITIES, 0, 2),
    ]
    assert summary.pain_points[0].survey.text == "20% (2 of 10)"
    assert summary.cases_total == 12
    assert [q.text for q in summary.pain_points_other] == ["Parking"]


def test_recommendations_grouped_and_named_only_with_agreement():
    groups = {g.category: g.quotes for g in compiled().recommendations}
    assert list(groups) == [FEES, COMM, None]  # in the ranking's order, then the rest
    (named,) = groups[FEES]  # under its first pain point in the ranking, once
    assert (named.text, named.name, named.role, named.kind) == (
        "Answer within a day",
        "Thandiwe Dlamini",
        "parent",
        "recommendation",
    )
    (unnamed,) = groups[COMM]  # a name on record, but no agreement: none shown
    assert (unnamed.text, unnamed.name, unnamed.role, unnamed.kind) == (
        "More evening forums",
        None,
        None,
        "comment",
    )
    assert [(q.text, q.name, q.role) for q in groups[None]] == [
        ("Post the fees", "Johan Botha", "staff")
    ]


def test_best_centres_and_their_practices():
    summary = compiled()
    assert summary.rank_minimum == 5 and summary.centres_ranked == 2  # c3 has 2 cases
    best, second = summary.best_centres
    assert (best.rank, best.centre_id, best.cases) == (1, "c2", 5)
    assert best.resolved_in_time.text == "100% (5 of 5)"
    assert best.rated == 4 and best.satisfied is None  # 4 ratings: withheld
    assert (second.rank, second.centre_id, second.centre_name) == (2, "c1", "Centre c1")
    assert second.resolved_in_time.text == "80% (4 of 5)"
    assert second.satisfied.text == "80% (4 of 5)"
    practices = [(p.quote.text, p.centre_id, p.centre_rank) for p in summary.practices]
    assert practices == [("Daily updates", "c2", 1), ("Open days", "c1", 2),
                         ("A suggestion box", None, None)]  # fmt: skip


def test_the_same_rows_give_the_same_fingerprint_and_a_late_response_another():
    summary = compiled()
    assert summary.fingerprint == fingerprint(summary)
    assert compiled(compiled_at=COMPILED + timedelta(days=1)).fingerprint == summary.fingerprint
    _, _, responses, _, _ = month()
    late = compiled(responses=[*responses, response(11, "fb", 5)])
    assert late.fingerprint != summary.fingerprint
    assert late.totals.satisfied.text == "82% (9 of 11)"  # 81.8


def test_one_forums_summary():
    forums, roles, responses, cases, names = month()
    summary = compiled(forums=[forums[0]], forum_id="fb",
                       responses=[r for r in responses if r.forum_id == "fb"])  # fmt: skip
    assert summary.summary_id == "forum-fb" and not summary.is_roll_up
    assert [f.forum_id for f in summary.forums] == ["fb"]
    assert summary.totals.satisfied.text == "50% (1 of 2)"


def test_the_same_text_from_many_shows_once_with_its_count_and_who_agreed_to_be_named():
    same = dict(pain_points=[FEES], recommendations="Put fees online.")
    answers = [
        response(1, "fa", 5, **same, may_quote_name=True),
        response(2, "fa", 4, pain_points=[FEES], recommendations="  put FEES   online. "),
        response(3, "fb", 4, **same),
        response(4, "fb", 4, pain_points=[FEES], recommendations="Answer the phone."),
    ]
    names = {"a1": "Thandiwe Dlamini", "a3": "Sipho Nkosi"}  # a3 did not agree
    (group,) = compiled(responses=answers, names=names).recommendations
    assert (group.category, group.total, group.omitted) == (FEES, 4, 0)
    merged, single = group.quotes  # the most given first
    assert (merged.text, merged.count, merged.name) == ("Put fees online.", 3, "Thandiwe Dlamini")
    assert [(p.name, p.role) for p in merged.people] == [("Thandiwe Dlamini", "parent")]
    assert (single.text, single.count, single.people) == ("Answer the phone.", 1, [])


def test_free_text_is_kept_within_a_budget_and_says_how_much_it_left_out():
    long = "é" * 1_000  # 2,000 bytes of UTF-8 each
    answers = [response(n, "fa", 4, recommendations=f"{n:03d}{long}") for n in range(30)]
    (group,) = compiled(responses=answers).recommendations
    assert group.total == 30
    assert len(group.quotes) == 19 and group.omitted == 11  # 19 x 2,003 bytes <= 40,000
    assert group.quotes[0].text.startswith("000")


def test_a_forum_read_back_in_utc_gives_the_same_fingerprint():
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Africa/Johannesburg")
    forums = month()[0]  # built in UTC, as storage gives them back
    local = [f.model_copy(update={"starts_at": f.starts_at.astimezone(zone),
                                  "ends_at": f.ends_at.astimezone(zone)})
             for f in forums]  # fmt: skip
    assert local[0].starts_at.utcoffset() != forums[0].starts_at.utcoffset()
    assert compiled(forums=local).fingerprint == compiled().fingerprint


def test_a_later_version_keeps_the_first_versions_case_figures():
    from functions.domain.reports.compile import case_figures_of

    first = compiled()
    _, _, responses, cases, _ = month()
    resolved_since = [c.model_copy(update={"outcome": c.outcome.model_copy(
        update={"resolved_in_time": True})}) for c in cases]  # fmt: skip
    later = compiled(cases=resolved_since, kept=case_figures_of(first),
                     compiled_at=COMPILED + timedelta(days=3))  # fmt: skip
    assert later.fingerprint == first.fingerprint  # a case resolved since is no new version
    assert later.best_centres == first.best_centres and later.cases_as_of == first.cases_as_of
    fresh = compiled(cases=resolved_since)
    assert fresh.best_centres[1].resolved_in_time.text == "100% (5 of 5)"
    late = compiled(kept=case_figures_of(first), responses=[*responses, response(11, "fb", 5)])
    assert late.fingerprint != first.fingerprint
    assert [(p.category, p.cases) for p in late.pain_points] == [
        (p.category, p.cases) for p in first.pain_points]  # fmt: skip


def test_the_fields_read_of_each_response_are_all_a_summary_uses():
    from functions.domain.reports.compile import RESPONSE_FIELDS

    forums, roles, responses, cases, names = month()
    full = [r.model_copy(update={"advisory_nominee": True, "advisory_consent": True,
                                 "language": "zu", "source": "google_form", "version": 3,
                                 "registration_id": "reg"}) for r in responses]  # fmt: skip
    read = [SurveyResponse.model_validate(r.model_dump(include=set(RESPONSE_FIELDS)))
            for r in full]  # fmt: skip
    assert compiled(responses=read) == compiled(responses=full)
