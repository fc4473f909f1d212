"""The forum summary's figures: whole percentages rounded half up, each with its count and
base, and a fingerprint of the figures alone."""

from datetime import UTC, datetime

import pytest

from functions.domain.reports.summary import (
    Figures,
    MonthSummary,
    Rate,
    RoleCounts,
    fingerprint,
    percent,
    summary_id,
)


@pytest.mark.parametrize(
    ("count", "base", "shown"),
    [
        (181, 200, 91),  # 90.5 → 91: half up
        (7, 8, 88),  # 87.5 → 88
        (1, 8, 13),  # 12.5 → 13
        (127, 140, 91),  # 90.71
        (123, 140, 88),  # 87.86
        (1, 3, 33),
        (2, 3, 67),
        (0, 5, 0),
        (5, 5, 100),
        (0, 0, None),  # a share of nothing is not 0%
    ],
)
def test_percent_is_whole_and_rounded_half_up(count, base, shown):
    assert percent(count, base) == shown


def test_a_rate_keeps_its_count_and_base():
    rate = Rate(count=127, base=140)
    assert rate.text == "91% (127 of 140)"
    assert rate.model_dump() == {"count": 127, "base": 140, "percent": 91}
    assert Rate(count=0, base=0).text == "n/a (0 of 0)"
    # A stored rate read back ignores the stored percent and computes it again.
    assert Rate.model_validate({"count": 7, "base": 8, "percent": 1}).percent == 88


def _summary(**changes) -> MonthSummary:
    figures = Figures(
        roles=[], total=RoleCounts(), response_rate=Rate(), satisfied=Rate(),
        wants_monthly=Rate(), ratings=[0] * 5,
    )  # fmt: skip
    fields = dict(
        summary_id=summary_id("2025-03", None), month="2025-03", forums=[], totals=figures,
        pain_points=[], pain_points_other=[], recommendations=[], practices=[],
        best_centres=[], rank_minimum=5, compiled_at=datetime(2025, 4, 9, tzinfo=UTC),
    )  # fmt: skip
    return MonthSummary(**(fields | changes))


def test_the_fingerprint_is_of_the_figures_alone():
    first = _summary()
    later = _summary(version=2, compiled_at=datetime(2025, 4, 10, tzinfo=UTC))
    assert fingerprint(first) == fingerprint(later)
    assert fingerprint(_summary(cases_total=1)) != fingerprint(first)


def test_summary_ids_per_scope_month_and_forum():
    assert summary_id("2025-03", None) == "2025-03-network"
    assert summary_id("2025-03", "gauteng") == "2025-03-gauteng"
    assert summary_id("2025-03", None, "f1") == "forum-f1"
