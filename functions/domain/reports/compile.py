"""A forum summary's figures from the rows (no I/O): the forums, their attendance by role,
their survey responses and the month's cases in the scope.

Attendance by role comes in as RoleFigures per forum, from the forum's tally in the service
(FirestoreForumReader.role_tallies, kept as each record was written) or from the records by
`roles_from_records` (tests, the benchmark): both give the same figures. The month's totals
are the forums' counts summed; every percentage is computed once, from those sums.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import NamedTuple

from functions.domain.cases.case_rows import CaseRow
from functions.domain.cases.figures import MINIMUM_COUNT
from functions.domain.forums.attendance import Attendance, RoleFigures, figures_by_role
from functions.domain.forums.models import Forum, Registration
from functions.domain.forums.survey import SATISFIED, SurveyResponse, closes_at
from functions.domain.reports.centres import best_centres
from functions.domain.reports.quotes import merge, merge_quotes
from functions.domain.reports.summary import (
    CentreRank,
    Figures,
    ForumFigures,
    MonthSummary,
    PainPoint,
    Practice,
    Quote,
    QuoteGroup,
    Rate,
    RoleCounts,
    fingerprint,
    summary_id,
)
from functions.domain.reports.tallies import CaseTally, case_tallies
from functions.domain.shared.vocabulary import Category, ParticipantRole

RoleTable = Mapping[ParticipantRole, RoleFigures]
# What a summary reads of a survey response (the rest keep their defaults when only these
# are read: storage reads a month's ten thousand responses as this projection).
RESPONSE_FIELDS = ("attendee_id", "forum_id", "role", "centre_id", "satisfaction",
                   "wants_monthly", "pain_points", "pain_points_other", "recommendations",
                   "promising_practice", "practice_centre_id", "comments", "may_quote_name",
                   "quoted_as", "submitted_at", "updated_at")  # fmt: skip


def roles_from_records(
    registrations: Iterable[Registration], attendance: Iterable[Attendance]
) -> dict[ParticipantRole, RoleFigures]:
    """A forum's figures by role counted from its records (what the aggregations count)."""
    return figures_by_role(registrations, attendance)


def _role_counts(role: ParticipantRole | None, numbers: Iterable[RoleFigures]) -> RoleCounts:
    numbers = list(numbers)
    registered = sum(n.registered for n in numbers)
    attended_registered = sum(n.attended_registered for n in numbers)
    return RoleCounts(
        role=role, registered=registered, attended=sum(n.attended for n in numbers),
        attended_registered=attended_registered, walk_ins=sum(n.walk_ins for n in numbers),
        no_shows=sum(n.no_shows for n in numbers),
    )  # fmt: skip


def _figures(tables: list[RoleTable], responses: list[SurveyResponse]) -> dict:
    """The fields of Figures from these forums' role tables and responses."""
    roles = [_role_counts(role, [t.get(role, RoleFigures()) for t in tables])
             for role in ParticipantRole]  # fmt: skip
    total = _role_counts(None, [t.get(role, RoleFigures()) for t in tables
                                for role in ParticipantRole])  # fmt: skip
    count = len(responses)
    ratings = Counter(response.satisfaction for response in responses)
    return {
        "roles": roles,
        "total": total,
        "respondents": count,
        "response_rate": Rate(count=count, base=total.attended),
        "satisfied": Rate(count=sum(r.satisfaction in SATISFIED for r in responses), base=count),
        "wants_monthly": Rate(count=sum(r.wants_monthly for r in responses), base=count),
        "ratings": [ratings.get(score, 0) for score in range(1, 6)],
    }


def forum_figures(forum: Forum, roles: RoleTable,
                  responses: list[SurveyResponse]) -> ForumFigures:  # fmt: skip
    # Times in UTC: the same forum read back from storage (UTC) or built with its offset
    # gives the same figures, and so the same fingerprint.
    return ForumFigures(
        forum_id=forum.forum_id, title=forum.title, starts_at=forum.starts_at.astimezone(UTC),
        timezone=forum.timezone, format=forum.format, region_id=forum.region_id,
        cancelled=forum.cancelled, survey_closes_at=closes_at(forum).astimezone(UTC),
        **_figures([roles], responses),
    )  # fmt: skip


def _pain_points(responses: list[SurveyResponse],
                 in_cases: Mapping[Category, int]) -> list[PainPoint]:  # fmt: skip
    named = Counter(point for response in responses for point in response.pain_points)
    in_cases = Counter(in_cases)
    order = list(Category)
    points = [
        PainPoint(category=category, survey=Rate(count=named[category], base=len(responses)),
                  cases=in_cases[category])
        for category in order if named[category] or in_cases[category]
    ]  # fmt: skip
    return sorted(points, key=lambda p: (-p.survey.count, -p.cases, order.index(p.category)))


def _quote(response: SurveyResponse, text: str, kind: str, names: Mapping[str, str]) -> Quote:
    named = response.may_quote_name and response.attendee_id in names
    return Quote(
        text=text, forum_id=response.forum_id, kind=kind,
        name=names[response.attendee_id] if named else None,
        role=response.role if named else None,
    )  # fmt: skip


def _recommendations(responses: list[SurveyResponse], ranking: list[Category],
                     names: Mapping[str, str]) -> list[QuoteGroup]:  # fmt: skip
    """Recommendations and comments, each response's under its first pain point in the
    month's ranking (once, so a text never shows twice), None when it named none."""
    groups: dict[Category | None, list[Quote]] = defaultdict(list)
    for response in responses:
        texts = [(response.recommendations, "recommendation"), (response.comments, "comment")]
        quotes = [_quote(response, text, kind, names) for text, kind in texts if text]
        if not quotes:
            continue
        mine = [point for point in ranking if point in response.pain_points]
        groups[mine[0] if mine else None].extend(quotes)
    found = []
    for key in [*ranking, None]:
        if groups.get(key):
            kept, omitted = merge_quotes(groups[key])
            found.append(QuoteGroup(category=key, quotes=kept, total=len(groups[key]),
                                    omitted=omitted))  # fmt: skip
    return found


def _practices(responses: list[SurveyResponse], ranks: Mapping[str, int],
               centre_names: Mapping[str, str],
               names: Mapping[str, str]) -> tuple[list[Practice], int]:  # fmt: skip
    """Practices (the same text at the same centre once), those at the best-ranked centres
    first (by rank), the rest most given first; and how many the budget left out."""
    given = [(response.practice_centre_id or response.centre_id,
              _quote(response, response.promising_practice, "practice", names))
             for response in responses if response.promising_practice]  # fmt: skip
    kept, omitted = merge(given)
    practices = [
        Practice(quote=quote, centre_id=centre,
                 centre_name=centre_names.get(centre) if centre else None,
                 centre_rank=ranks.get(centre) if centre else None)
        for centre, quote in kept
    ]  # fmt: skip
    return sorted(practices, key=lambda p: p.centre_rank or len(ranks) + 1), omitted


class CaseFigures(NamedTuple):
    """The summary's parts drawn from the month's cases. Kept from a summary's first version
    into its later ones (case_figures_of): a case resolved or rated after the survey closed
    does not make a new version, only survey answers do."""

    total: int
    by_category: dict[Category, int]
    best: list[CentreRank]
    ranked: int  # centres with enough resolved cases to rank
    minimum: int
    as_of: datetime  # when they were counted
    names: dict[str, str]  # centre id -> name, as the cases keep it


def case_figures(tallies: list[CaseTally], minimum: int, as_of: datetime) -> CaseFigures:
    """The case parts from the month's case tallies in the scope (one a centre)."""
    best, ranked = best_centres(tallies, minimum)
    names = {tally.centre_id: tally.centre_name for tally in tallies if tally.centre_id}
    by_category: Counter[Category] = Counter()
    for tally in tallies:
        by_category.update(tally.by_category)
    return CaseFigures(sum(tally.received for tally in tallies), dict(+by_category), best,
                       ranked, minimum, as_of, names)  # fmt: skip


def case_figures_of(summary: MonthSummary) -> CaseFigures:
    """A stored summary's case parts, as they were counted."""
    by_category = {point.category: point.cases for point in summary.pain_points if point.cases}
    names = {centre.centre_id: centre.centre_name for centre in summary.best_centres}
    return CaseFigures(summary.cases_total, by_category, list(summary.best_centres),
                       summary.centres_ranked, summary.rank_minimum,
                       summary.cases_as_of or summary.compiled_at, names)  # fmt: skip


def compile_summary(*, month: str, scope: str | None, forums: list[Forum],
                    roles: Mapping[str, RoleTable], responses: list[SurveyResponse],
                    names: Mapping[str, str], compiled_at: datetime,
                    cases: Iterable[CaseRow] | None = None,
                    tallies: list[CaseTally] | None = None, kept: CaseFigures | None = None,
                    centre_names: Mapping[str, str] | None = None, forum_id: str | None = None,
                    minimum: int = MINIMUM_COUNT, version: int = 1) -> MonthSummary:  # fmt: skip
    """The summary of these forums (the scope's month, or the one forum `forum_id`).

    `roles`: each forum's RoleFigures by role; `responses`: the forums' survey responses;
    the month's cases in the scope as their `tallies` (or the `cases` themselves, tallied
    here), or `kept`: their figures as an earlier version counted them; `names`: attendee id
    → name, consulted only for respondents who agreed to be quoted by name."""
    if kept is None:
        if tallies is None:
            tallies = case_tallies(cases or [])
        kept = case_figures(tallies, minimum, compiled_at)
    forums = sorted(forums, key=lambda f: (f.starts_at, f.forum_id))
    by_forum: dict[str, list[SurveyResponse]] = defaultdict(list)
    for response in sorted(responses, key=lambda r: (r.submitted_at, r.attendee_id)):
        by_forum[response.forum_id].append(response)
    ordered = [response for forum in forums for response in by_forum[forum.forum_id]]
    figures = [forum_figures(f, roles.get(f.forum_id, {}), by_forum[f.forum_id]) for f in forums]
    totals = Figures(**_figures([roles.get(f.forum_id, {}) for f in forums], ordered))
    pain_points = _pain_points(ordered, kept.by_category)
    ranking = [point.category for point in pain_points]
    known = kept.names | dict(centre_names or {})
    ranks = {centre.centre_id: centre.rank for centre in kept.best}
    others, others_omitted = merge_quotes(
        _quote(r, r.pain_points_other, "pain_point_other", names)
        for r in ordered if r.pain_points_other
    )  # fmt: skip
    practices, practices_omitted = _practices(ordered, ranks, known, names)
    summary = MonthSummary(
        summary_id=summary_id(month, scope, forum_id), month=month, scope=scope,
        forum_id=forum_id, forums=figures, totals=totals, pain_points=pain_points,
        pain_points_other=others, pain_points_other_omitted=others_omitted,
        cases_total=kept.total, recommendations=_recommendations(ordered, ranking, names),
        practices=practices, practices_omitted=practices_omitted, best_centres=kept.best,
        rank_minimum=kept.minimum, centres_ranked=kept.ranked,
        cases_as_of=kept.as_of.astimezone(UTC), version=version, compiled_at=compiled_at,
    )  # fmt: skip
    return summary.model_copy(update={"fingerprint": fingerprint(summary)})
