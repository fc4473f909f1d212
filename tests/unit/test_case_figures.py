"""A centre's figures from what its cases keep (domain/cases/figures.py), and the service that
reads a centre's cases for a period (services/cases/figures.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from functions.domain.cases.figures import Unit, centre_figures
from functions.domain.cases.models import Case, Consent, Outcome, Rating, Reporter
from functions.services.cases.figures import figures_for_centre
from tests.builders import service_deps
from tests.fakes import FakeStore

START = datetime(2026, 11, 1, tzinfo=UTC)


def case(n: int, centre_id: str = "c1", urgent: bool = False, kind: str | None = "complaint",
         ack: float | None = None, ack_in_time: bool | None = None, resolve: float | None = None,
         in_time: bool | None = None, score: int | None = None, at: datetime | None = None,
         ) -> Case:  # fmt: skip
    created = at or START + timedelta(hours=n)
    return Case(
        reference=f"FB-AAAA-{n:03d}", source="web_form", centre_id=centre_id,
        centre_name="Centre One", region_id="r1", kind=kind, category="other",
        description="x", urgent=urgent, anonymous=False, reporter=Reporter(),
        consent=Consent(given=True, version="2026-11", recorded_at=created),
        created_at=created, updated_at=created, respond_by=created,
        outcome=Outcome(hours_to_acknowledge=ack, acknowledged_in_time=ack_in_time,
                        hours_to_resolve=resolve, resolved_in_time=in_time),
        rating=Rating(score=score, at=created) if score else None,
    )  # fmt: skip


def test_medians_count_working_hours_and_urgent_clock_hours_apart():
    cases = [case(n, ack=h, resolve=h * 10) for n, h in enumerate([1, 2, 3, 4, 50])]
    cases += [case(10 + n, urgent=True, ack=h, resolve=h) for n, h in enumerate([0.5] * 5)]
    figures = centre_figures(cases)
    assert figures.cases == 10 and figures.urgent == 5
    assert figures.hours_to_acknowledge.value == 3  # the median: one slow case does not drag it
    assert figures.hours_to_acknowledge.unit == Unit.WORKING_HOURS
    assert figures.hours_to_acknowledge.count == 5
    assert figures.hours_to_resolve.value == 30
    assert figures.urgent_hours_to_acknowledge.value == 0.5
    assert figures.urgent_hours_to_acknowledge.unit == Unit.CLOCK_HOURS
    assert figures.urgent_hours_to_resolve.count == 5


def test_the_share_in_time_is_of_the_cases_resolved():
    cases = [case(n, resolve=5, in_time=n < 6) for n in range(8)]
    cases += [case(20 + n) for n in range(4)]  # not resolved yet: not counted either way
    figures = centre_figures(cases)
    assert figures.resolved_in_time.count == 8
    assert figures.resolved_in_time.value == 0.75
    assert figures.resolved_in_time.unit == Unit.SHARE


def test_satisfaction_is_the_share_of_4_and_5_among_the_cases_rated():
    scores = [5, 4, 4, 3, 1, 2, None, None]
    figures = centre_figures([case(n, score=s) for n, s in enumerate(scores)])
    assert figures.satisfaction.count == 6
    assert figures.satisfaction.value == pytest.approx(0.5)


def test_a_figure_behind_too_few_cases_is_withheld_but_its_count_is_given():
    figures = centre_figures([case(n, ack=2, score=5) for n in range(4)])
    assert figures.hours_to_acknowledge.value is None
    assert figures.hours_to_acknowledge.count == 4 and not figures.hours_to_acknowledge.shown
    assert figures.satisfaction.value is None and figures.satisfaction.count == 4
    assert centre_figures([case(n, score=5) for n in range(4)], minimum=4).satisfaction.value == 1


def test_no_cases_give_zero_counts_and_no_figures():
    figures = centre_figures([])
    assert figures.cases == 0 and figures.by_kind == {}
    assert all(f.value is None and f.count == 0 for f in figures[3:])


def test_cases_are_counted_by_kind_unknown_kinds_included():
    figures = centre_figures([case(1), case(2, kind="compliment"), case(3, kind=None)])
    assert figures.by_kind == {"complaint": 1, "compliment": 1, "unknown": 1}


def test_the_service_reads_the_centres_cases_of_the_period_only():
    store = FakeStore()
    end = START + timedelta(days=30)
    inside = [case(n, ack=1, score=5) for n in range(5)]
    outside = [
        case(90, ack=100, score=1, at=START - timedelta(seconds=1)),  # before
        case(91, ack=100, score=1, at=end),  # the end is not included
        case(92, centre_id="c2", ack=100, score=1),  # another centre
    ]
    for one in inside + outside:
        store.cases[one.reference] = one
    figures = figures_for_centre("c1", START, end, service_deps(cases=store))
    assert figures.cases == 5
    assert figures.hours_to_acknowledge.value == 1 and figures.satisfaction.value == 1
