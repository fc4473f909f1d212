from datetime import UTC, datetime

from functions.domain.cases.service_levels import respond_by
from functions.domain.shared.vocabulary import Kind
from functions.rendering import environment

FRIDAY_NOON_SAST = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def human_date(moment: datetime, language: str = "en") -> str:
    """The date as the templates show it (rendering/filters.py)."""
    return environment(language).filters["date"](moment)


def test_urgent_cases_are_due_within_a_day_even_over_a_weekend():
    due = respond_by(FRIDAY_NOON_SAST, Kind.COMPLAINT, urgent=True)
    assert (due - FRIDAY_NOON_SAST).total_seconds() == 24 * 3600


def test_complaints_are_due_in_three_working_days_skipping_the_weekend():
    due = respond_by(FRIDAY_NOON_SAST, Kind.COMPLAINT, urgent=False)
    assert human_date(due) == "Wednesday 2 December 2026"


def test_other_feedback_is_due_in_five_working_days():
    due = respond_by(FRIDAY_NOON_SAST, Kind.COMPLIMENT, urgent=False)
    assert human_date(due) == "Friday 4 December 2026"
    assert respond_by(FRIDAY_NOON_SAST, None, urgent=False) == due


def test_dates_are_shown_in_south_african_time():
    late_evening_utc = datetime(2026, 11, 23, 23, 30, tzinfo=UTC)
    assert human_date(late_evening_utc) == "Tuesday 24 November 2026"


def test_dates_are_shown_in_the_readers_language():
    due = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    assert human_date(due, "af") == "Woensdag 25 November 2026"
    assert human_date(due, "zu") == "ULwesithathu 25 Novemba 2026"
