"""A case's life: status, service clock and figures, step by step (domain/cases/lifecycle.py)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from functions.adapters.firestore.service_levels import policy_from_file
from functions.domain.cases import lifecycle
from functions.domain.cases.lifecycle import Refused, Why
from functions.domain.cases.models import Consent, Person, Reporter
from functions.domain.cases.opening import deadlines_for, open_case
from functions.domain.cases.service_levels import Level, Stage
from functions.domain.shared.vocabulary import (
    ActorRole,
    CaseStatus,
    Category,
    ClockChange,
    EventType,
    Kind,
    Source,
)

SAST = ZoneInfo("Africa/Johannesburg")
POLICY = policy_from_file()
LERATO = Person(key="a" * 20, name="Lerato Khumalo")
THANDI = Person(key="b" * 20, name="Thandi Mokoena")
STAFF = ActorRole.STAFF


def at(day, hour, minute=0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=SAST)


def new(kind=Kind.COMPLAINT, urgent=False, now=None):
    case, _ = open_case(
        reference="FB-AAAA-BBB", source=Source.API, centre=None, centre_name_given="A centre",
        kind=kind, category=Category.FACILITIES, description="The gate is broken", urgent=urgent,
        reporter=Reporter(email="p@example.org"), child=None, triage=None, policy=POLICY,
        consent=Consent(given=True, version="2026-11", recorded_at=now or at(1, 9)),
        now=now or at(1, 9),
    )  # fmt: skip
    return case, deadlines_for(POLICY, None, kind, urgent)


def test_a_new_complaint_runs_its_acknowledge_clock_and_is_due_for_a_nudge_at_the_breach():
    case, deadlines = new()
    assert case.open and case.clock.stage == Stage.ACKNOWLEDGE
    assert case.respond_by == deadlines.acknowledge_by(at(1, 9)) == case.clock.due
    assert case.next_nudge_at == deadlines.nudge_at(case.respond_by, Level.STAFF)
    assert case.resolve_by > case.respond_by and case.policy_version == POLICY.version


def test_acknowledging_stops_the_first_clock_starts_the_second_and_takes_ownership():
    case, deadlines = new()
    change = lifecycle.acknowledge(case, LERATO, STAFF, deadlines, at(1, 11))
    case = change.case
    assert case.status == CaseStatus.IN_PROGRESS and case.assignee == LERATO
    assert case.outcome.hours_to_acknowledge == 2.0 and case.outcome.acknowledged_in_time
    assert case.clock.stage == Stage.RESOLVE and case.clock.due == case.resolve_by
    assert change.event.type == EventType.ACKNOWLEDGED and change.event.actor.key == LERATO.key
    with pytest.raises(Refused) as refused:
        lifecycle.acknowledge(case, THANDI, STAFF, deadlines, at(1, 12))
    assert refused.value.why == Why.ALREADY_ACKNOWLEDGED


def test_waiting_on_the_parent_pauses_the_clock_and_the_reply_resumes_it_with_what_was_left():
    case, deadlines = new()
    case = lifecycle.acknowledge(case, LERATO, STAFF, deadlines, at(1, 10)).case
    left = deadlines.elapsed(at(1, 12), case.resolve_by)
    asked = lifecycle.ask_parent(case, LERATO, STAFF, "Which gate?", deadlines, at(1, 12))
    assert asked.event.clock == ClockChange.PAUSED and asked.event.public
    paused = asked.case
    assert paused.status == CaseStatus.AWAITING_PARENT and paused.next_nudge_at is None
    # The parent answers three working days later (a weekend between): nothing ran meanwhile.
    replied = lifecycle.parent_replied(paused, "The side gate", deadlines, at(7, 9))
    assert replied.event.clock == ClockChange.RESUMED
    case = replied.case
    assert case.status == CaseStatus.IN_PROGRESS
    assert deadlines.elapsed(at(7, 9), case.resolve_by) == left
    assert case.clock.paused_seconds == deadlines.elapsed(at(1, 12), at(7, 9)).total_seconds()
    assert case.next_nudge_at is not None


def test_time_waiting_on_the_parent_is_left_out_of_the_time_to_resolve():
    case, deadlines = new()
    case = lifecycle.ask_parent(case, LERATO, STAFF, "Which gate?", deadlines, at(1, 10)).case
    assert case.outcome.acknowledged_at == at(1, 10)  # asking is a first answer
    case = lifecycle.parent_replied(case, "The side gate", deadlines, at(2, 10)).case
    case = lifecycle.resolve(case, LERATO, STAFF, "Fixed", deadlines, at(2, 12)).case
    # 1 h before asking, 10 working hours waiting (not counted), 2 h after the reply
    assert case.outcome.hours_to_resolve == 3.0 and case.outcome.resolved_in_time
    assert not case.open and case.next_nudge_at is None and case.clock.stage is None


def test_a_compliment_is_shared_not_worked_and_closes_when_acknowledged():
    case, deadlines = new(kind=Kind.COMPLIMENT)
    assert not case.open and case.next_nudge_at is None and case.resolve_by is None
    case = lifecycle.acknowledge(case, THANDI, STAFF, deadlines, at(1, 10)).case
    assert case.status == CaseStatus.CLOSED


def test_a_low_rating_reopens_the_case_for_the_principal_and_a_good_one_closes_it():
    case, deadlines = new()
    resolved = lifecycle.resolve(case, LERATO, STAFF, "Fixed", deadlines, at(1, 12)).case
    reopened = lifecycle.rate(resolved, 1, "Still broken", THANDI, deadlines, at(2, 9))
    assert reopened.case.status == CaseStatus.IN_PROGRESS and reopened.case.assignee == THANDI
    assert reopened.case.open and reopened.case.next_nudge_at is not None
    assert reopened.case.outcome.resolved_at == at(1, 12)  # the first resolution counts
    assert reopened.event.score == 1 and reopened.event.to == THANDI
    with pytest.raises(Refused):
        lifecycle.rate(reopened.case, 5, None, THANDI, deadlines, at(2, 10))
    closed = lifecycle.rate(resolved, 5, None, THANDI, deadlines, at(2, 9)).case
    assert closed.status == CaseStatus.CLOSED and not closed.open


def test_nothing_but_a_note_happens_to_a_resolved_case():
    case, deadlines = new()
    case = lifecycle.resolve(case, LERATO, STAFF, "Fixed", deadlines, at(1, 12)).case
    for step in (
        lambda: lifecycle.acknowledge(case, LERATO, STAFF, deadlines, at(1, 13)),
        lambda: lifecycle.ask_parent(case, LERATO, STAFF, "?", deadlines, at(1, 13)),
        lambda: lifecycle.reassign(case, LERATO, STAFF, THANDI, deadlines, at(1, 13)),
        lambda: lifecycle.parent_replied(case, "thanks", deadlines, at(1, 13)),
    ):
        with pytest.raises(Refused) as refused:
            step()
        assert refused.value.why == Why.NOT_OPEN
    note = lifecycle.add_note(case, LERATO, STAFF, "Called the parent", deadlines, at(1, 13))
    assert not note.event.public and note.case.status == CaseStatus.RESOLVED


def test_escalating_to_whoever_already_owns_the_case_is_refused():
    case, deadlines = new()
    case = lifecycle.escalate(case, LERATO, STAFF, THANDI, Level.PRINCIPAL, deadlines,
                              at(1, 10)).case  # fmt: skip
    assert case.assignee == THANDI
    with pytest.raises(Refused) as refused:
        lifecycle.escalate(case, LERATO, STAFF, THANDI, Level.PRINCIPAL, deadlines, at(1, 11))
    assert refused.value.why == Why.ALREADY_ASSIGNED


def test_a_nudge_moves_the_ladder_one_rung_up():
    case, deadlines = new()
    nudged = lifecycle.nudged(case, Level.STAFF, LERATO, deadlines, case.next_nudge_at)
    assert nudged.case.clock.level == Level.STAFF and not nudged.event.public
    assert nudged.case.next_nudge_at == deadlines.nudge_at(case.respond_by, Level.PRINCIPAL)
    top = lifecycle.nudged(nudged.case, Level.REGION, None, deadlines, at(9, 9)).case
    assert top.next_nudge_at is None


def test_an_urgent_case_counts_clock_hours_night_included():
    case, deadlines = new(urgent=True, now=at(5, 22))  # a Saturday night
    target = POLICY.target(Kind.COMPLAINT, True)
    assert case.respond_by == at(5, 22) + timedelta(hours=target.acknowledge_hours)
    case = lifecycle.acknowledge(case, THANDI, STAFF, deadlines, at(5, 23, 30)).case
    assert case.outcome.hours_to_acknowledge == 1.5


def test_a_reopened_case_resolved_again_may_be_rated_again_once():
    case, deadlines = new()
    case = lifecycle.resolve(case, LERATO, STAFF, "Fixed", deadlines, at(1, 12)).case
    case = lifecycle.rate(case, 1, "Still broken", THANDI, deadlines, at(2, 9)).case
    assert not case.awaiting_rating
    case = lifecycle.resolve(case, THANDI, STAFF, "Replaced it", deadlines, at(2, 15)).case
    assert case.awaiting_rating and case.outcome.resolved_at == at(1, 12)
    case = lifecycle.rate(case, 5, None, THANDI, deadlines, at(3, 9)).case
    assert case.status == CaseStatus.CLOSED and case.rating.score == 5
    with pytest.raises(Refused) as refused:
        lifecycle.rate(case, 4, None, THANDI, deadlines, at(3, 10))
    assert refused.value.why == Why.ALREADY_RATED


def test_a_parent_may_reply_ten_times_a_day_and_again_the_next():
    case, deadlines = new()
    for n in range(lifecycle.MAX_REPLIES_A_DAY):
        case = lifecycle.parent_replied(case, f"word {n}", deadlines, at(1, 10, n)).case
    with pytest.raises(Refused) as refused:
        lifecycle.parent_replied(case, "one more", deadlines, at(1, 16))
    assert refused.value.why == Why.TOO_MANY_REPLIES
    assert (
        lifecycle.parent_replied(case, "next day", deadlines, at(2, 9)).case.replies_that_day == 1
    )


def test_a_case_given_back_to_the_centre_is_the_whole_centres_again():
    from functions.domain.cases.models import Actor

    case, deadlines = new()
    case = lifecycle.acknowledge(case, LERATO, STAFF, deadlines, at(1, 10)).case
    admin = Actor(role=ActorRole.ADMINISTRATOR, display_name="Nomsa", key="c" * 20)
    back = lifecycle.back_to_centre(case, admin, "Lerato left", deadlines, at(2, 9))
    assert back.case.assignee is None and back.case.next_nudge_at == case.next_nudge_at
    assert back.event.type == EventType.REASSIGNED and not back.event.public
    assert back.event.actor == admin and back.event.summary == "Lerato left"
