"""Deadlines in a centre's working time: opening hours, weekends, South African holidays."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from functions.adapters.firestore.service_levels import policy_from_file
from functions.domain.cases.opening import deadlines_for
from functions.domain.cases.service_levels import Level, ServiceClock, Stage
from functions.domain.directory.models import Centre, Contact
from functions.domain.shared.calendar import WorkingCalendar
from functions.domain.shared.vocabulary import Kind

SAST = ZoneInfo("Africa/Johannesburg")
CALENDAR = WorkingCalendar()  # weekdays 07:00-17:00, Johannesburg, ZA holidays
POLICY = policy_from_file()


def sast(*args) -> datetime:
    return datetime(*args, tzinfo=SAST)


def test_working_time_skips_the_night_and_the_weekend():
    friday_4pm = sast(2026, 11, 27, 16, 0)
    # one hour left on Friday, then Monday from 07:00
    assert CALENDAR.add_working_time(friday_4pm, timedelta(hours=3)) == sast(2026, 11, 30, 9, 0)


def test_working_time_skips_south_african_public_holidays():
    # 16 December (Day of Reconciliation, a Wednesday in 2026) is not a working day.
    tuesday_3pm = sast(2026, 12, 15, 15, 0)
    assert not CALENDAR.is_working_day(sast(2026, 12, 16, 12, 0).date())
    assert CALENDAR.add_working_time(tuesday_3pm, timedelta(hours=4)) == sast(2026, 12, 17, 9, 0)


def test_a_holiday_on_a_sunday_is_observed_on_the_monday():
    # Human Rights Day, 21 March 2027, is a Sunday: the Monday is the public holiday.
    assert not CALENDAR.is_working_day(sast(2027, 3, 22, 12).date())


def test_out_of_hours_start_counts_from_the_next_opening():
    saturday = sast(2026, 11, 28, 10, 0)
    assert CALENDAR.next_open(saturday) == sast(2026, 11, 30, 7, 0)
    assert CALENDAR.add_working_time(saturday, timedelta(hours=8)) == sast(2026, 11, 30, 15, 0)


def test_working_time_between_leaves_out_closed_hours():
    assert CALENDAR.working_time_between(sast(2026, 11, 27, 16), sast(2026, 11, 30, 8)) == (
        timedelta(hours=2)
    )


def test_a_centre_keeps_its_own_hours_and_zone():
    centre = Centre(
        centre_id="c", name="C", region_id="r", principal=Contact(name="P", email="p@x.org"),
        opening_hours={"sat": "08:00-12:00"}, timezone="Africa/Windhoek",
    )  # fmt: skip
    calendar = centre.calendar()
    friday = datetime(2026, 11, 27, 10, tzinfo=UTC)
    assert calendar.next_open(friday).astimezone(ZoneInfo("Africa/Windhoek")).hour == 8
    assert calendar.next_open(friday).weekday() == 5


@pytest.mark.parametrize("hours", [{}, {"mon": "17:00-07:00"}, {"someday": "07:00-17:00"}])
def test_impossible_opening_hours_are_refused(hours):
    with pytest.raises(ValueError):
        Centre(centre_id="c", name="C", region_id="r", opening_hours=hours,
               principal=Contact(name="P", email="p@x.org"))  # fmt: skip


def test_complaints_are_due_in_working_hours_and_urgent_cases_by_the_clock():
    friday_4pm = sast(2026, 11, 27, 16, 0)
    normal = deadlines_for(POLICY, None, Kind.COMPLAINT, urgent=False)
    urgent = deadlines_for(POLICY, None, Kind.COMPLAINT, urgent=True)
    target = POLICY.target(Kind.COMPLAINT, False)
    assert normal.acknowledge_by(friday_4pm) == CALENDAR.add_working_time(
        friday_4pm, timedelta(hours=target.acknowledge_hours)
    )
    assert normal.acknowledge_by(friday_4pm) > sast(2026, 11, 30, 7)  # after the weekend
    urgent_hours = POLICY.target(Kind.COMPLAINT, True).acknowledge_hours
    assert urgent.acknowledge_by(friday_4pm) == friday_4pm + timedelta(hours=urgent_hours)


def test_compliments_have_nothing_to_resolve():
    assert (
        deadlines_for(POLICY, None, Kind.COMPLIMENT, False).resolve_by(sast(2026, 11, 27)) is None
    )


def test_the_ladder_climbs_a_working_day_at_a_time_and_only_in_working_hours():
    deadlines = deadlines_for(POLICY, None, Kind.COMPLAINT, urgent=False)
    due = sast(2026, 12, 15, 17, 0)  # Tuesday at closing; Wednesday is a public holiday
    clock = ServiceClock(stage=Stage.RESOLVE, due=due)
    assert deadlines.next_nudge(clock) == sast(2026, 12, 17, 7, 0)  # the next opening
    # a working day after the breach is Thursday at closing: the principal hears on Friday
    assert deadlines.nudge_at(due, Level.PRINCIPAL) == sast(2026, 12, 18, 7, 0)
    assert deadlines.nudge_at(due, Level.REGION) > deadlines.nudge_at(due, Level.PRINCIPAL)
    top = clock.model_copy(update={"level": Level.REGION})
    assert deadlines.next_nudge(top) is None


def test_an_urgent_ladder_climbs_in_hours_day_or_night():
    deadlines = deadlines_for(POLICY, None, Kind.COMPLAINT, urgent=True)
    due = sast(2026, 11, 28, 23, 0)  # a Saturday night
    steps = POLICY.escalation
    assert deadlines.nudge_at(due, Level.STAFF) == due
    assert deadlines.nudge_at(due, Level.PRINCIPAL) == due + timedelta(
        hours=steps.urgent_principal_after_hours
    )
    assert deadlines.may_nudge_now(due)


def test_a_paused_clock_has_no_nudge():
    deadlines = deadlines_for(POLICY, None, Kind.COMPLAINT, urgent=False)
    clock = ServiceClock(
        stage=Stage.RESOLVE, due=sast(2026, 12, 1, 9), paused_at=sast(2026, 11, 30)
    )
    assert deadlines.next_nudge(clock) is None


def test_holidays_loaded_with_the_policy_are_the_packages_and_are_used_without_it():
    from functions.domain.cases.service_levels import KnownHolidays
    from functions.domain.shared import calendar

    known = KnownHolidays.work_out(range(2026, 2028))
    assert "2026-12-16" in known.dates and "2027-03-22" in known.dates  # observed Monday
    assert known.by_year()[2027] == calendar.public_holidays("ZA", 2027)
    # What the policy document carries is what the calendar goes by for those years.
    calendar.remember_holidays("ZA", {2091: frozenset({sast(2091, 5, 2).date()})})
    assert not CALENDAR.is_working_day(sast(2091, 5, 2).date())  # a Wednesday, remembered
    assert CALENDAR.is_working_day(sast(2091, 5, 3).date())


def test_a_new_instance_counts_deadlines_without_importing_the_holidays_package(tmp_path):
    """≈150 ms a parent would wait for on a new instance: the policy's holidays stand in."""
    import subprocess
    import sys

    code = """
import sys
from datetime import datetime, timezone
from functions.adapters.firestore.service_levels import policy_from_file
from functions.domain.cases.service_levels import KnownHolidays
from functions.domain.shared.calendar import remember_holidays
from functions.domain.cases.opening import deadlines_for
holidays = {"country": "ZA", "years": [2026], "dates": ["2026-12-16", "2026-12-25"]}
policy = policy_from_file().model_copy(update={"holidays": KnownHolidays(**holidays)})
remember_holidays("ZA", policy.holidays.by_year())
due = deadlines_for(policy, None, None, False).acknowledge_by(
    datetime(2026, 12, 15, 15, tzinfo=timezone.utc))
print(due.isoformat(), "holidays" in sys.modules)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    due, imported = out.stdout.split()
    assert imported == "False" and due.startswith("2026-12-17")
