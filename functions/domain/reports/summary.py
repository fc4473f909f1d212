"""A forum summary as stored: one forum's, or a month's roll-up across a scope's forums.

Every figure is kept with what it was computed from: a share is a Rate (count of base), and
is shown as a whole percentage rounded half up (90.5 → 91), always beside its count and base
("127 of 140"); a share of nothing is None (shown as "n/a"), never 0. The month's totals are
computed from the rows (the sum of the forums' counts), never by averaging percentages.

Free text (recommendations, comments, practices) is kept without the respondent's name
unless they agreed to be quoted by name (SurveyAnswers.may_quote_name); then name and role.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from pydantic import Field, computed_field

from functions.domain.shared.records import Record
from functions.domain.shared.vocabulary import Category, ForumFormat, ParticipantRole

TOP_CENTRES = 3  # best-ranked centres shown beside the promising practices


def percent(numerator: int, base: int) -> int | None:
    """`numerator` of `base` as a whole percentage rounded half up (7 of 8 → 88, 181 of 200
    → 91); None when the base is 0. Integer arithmetic: no float ever rounds 90.5 to 90."""
    if base <= 0:
        return None
    return (200 * numerator + base) // (2 * base)


class Rate(Record):
    """A share: `count` of `base` (the respondents, the attendees, the cases)."""

    count: int = 0
    base: int = 0

    @computed_field  # stored and exported beside count and base
    @property
    def percent(self) -> int | None:
        return percent(self.count, self.base)

    @property
    def text(self) -> str:
        shown = "n/a" if self.percent is None else f"{self.percent}%"
        return f"{shown} ({self.count} of {self.base})"


class RoleCounts(Record):
    """One role's attendance in a forum (or the month); role None: every role together."""

    role: ParticipantRole | None = None
    registered: int = 0  # holding a place
    attended: int = 0  # anyone there, walk-ins included
    attended_registered: int = 0  # attended of those registered
    walk_ins: int = 0  # attended without holding a place
    no_shows: int = 0  # registered, not there


class Figures(Record):
    """Attendance and survey figures of one forum, or of the month (the forums' rows summed)."""

    roles: list[RoleCounts]  # one per ParticipantRole, in the vocabulary's order
    total: RoleCounts  # every role together (role None)
    respondents: int = 0  # survey responses received
    response_rate: Rate  # respondents of attendees
    satisfied: Rate  # respondents rating 4 or 5, of respondents
    wants_monthly: Rate  # respondents wanting monthly digital sessions, of respondents
    ratings: list[int]  # how many rated 1, 2, 3, 4, 5 (index 0 is rating 1)


class ForumFigures(Figures):
    """One forum's figures, with what identifies it on the report."""

    forum_id: str
    title: str
    starts_at: datetime  # the forum's date (shown in its time zone)
    timezone: str
    format: ForumFormat
    region_id: str | None = None  # None: a network forum
    cancelled: bool = False
    survey_closes_at: datetime


class PainPoint(Record):
    """A category, as the survey named it beside the month's cases in it."""

    category: Category
    survey: Rate  # respondents naming it, of respondents
    cases: int = 0  # the month's cases (in the scope) in this category


class QuotedPerson(Record):
    """A respondent who agreed to be quoted by name."""

    name: str
    role: str


class Quote(Record):
    """A free-text answer, or the same text from several respondents (case and spacing
    folded) as one, with how many gave it. Names only of those who agreed to be quoted:
    `people` (at most PEOPLE_KEPT), `name` and `role` the first of them."""

    text: str
    forum_id: str  # the first respondent's forum
    kind: str  # "recommendation", "comment", "practice", "pain_point_other"
    count: int = 1  # respondents who gave this text
    name: str | None = None
    role: str | None = None
    people: list[QuotedPerson] = Field(default_factory=list)


class QuoteGroup(Record):
    """Recommendations and comments under one pain point (None: the respondent named none).
    A response is filed under its first pain point in the month's ranking, once. The most
    given texts first; kept within a size budget (domain/reports/quotes.py), `omitted`
    distinct texts beyond it."""

    category: Category | None = None
    quotes: list[Quote]
    total: int = 0  # texts given in this group (each respondent's, before merging)
    omitted: int = 0  # distinct texts left out by the size budget


class CentreRank(Record):
    """A centre ranked on its case figures for the month (share resolved within the service
    level, then satisfaction after resolution), from at least `MonthSummary.rank_minimum`
    cases resolved."""

    rank: int
    centre_id: str
    centre_name: str
    cases: int  # received in the month
    resolved_in_time: Rate  # resolved within the service level, of resolved cases
    rated: int = 0  # cases rated after resolution
    # Ratings of 4 or 5 of the cases rated; None (withheld) below the minimum of ratings,
    # where a share would all but name a parent's answer.
    satisfied: Rate | None = None


class Practice(Record):
    """A promising practice a respondent described, with the centre it was seen at."""

    quote: Quote
    centre_id: str | None = None
    centre_name: str | None = None
    centre_rank: int | None = None  # the centre's CentreRank.rank, when it ranks best


class MonthSummary(Record):
    """A compiled summary: the month's roll-up of a scope (forum_id None), or one forum's
    summary (forum_id set; `forums` then holds that forum alone). Stored per version."""

    summary_id: str
    month: str  # "YYYY-MM"
    scope: str | None = None  # a region id; None: the whole network
    forum_id: str | None = None
    forums: list[ForumFigures]
    totals: Figures  # computed from the forums' rows
    pain_points: list[PainPoint]  # ranked: survey count, then cases, then category order
    pain_points_other: list[Quote]  # the "other" lines, as written (merged, budgeted)
    pain_points_other_omitted: int = 0
    cases_total: int = 0  # the month's cases in the scope (the pain points' case column)
    recommendations: list[QuoteGroup]
    practices: list[Practice]  # those at best-ranked centres first (merged, budgeted)
    practices_omitted: int = 0
    best_centres: list[CentreRank]
    rank_minimum: int  # resolved cases a centre needs to be ranked
    centres_ranked: int = 0  # how many centres had enough cases to rank
    # When the case parts (cases_total, pain points' cases, best centres) were counted: the
    # first version's compile, kept by later versions (a late survey answer makes a new
    # version; a case resolved since does not).
    cases_as_of: datetime | None = None
    version: int = 1
    fingerprint: str = ""
    compiled_at: datetime

    @property
    def is_roll_up(self) -> bool:
        return self.forum_id is None


def summary_id(month: str, scope: str | None, forum_id: str | None = None) -> str:
    """The stored id of a scope's month (or of one forum): compiling again finds it."""
    if forum_id is not None:
        return f"forum-{forum_id}"
    return f"{month}-{scope or 'network'}"


VOLATILE = frozenset({"summary_id", "version", "fingerprint", "compiled_at", "cases_as_of"})


def fingerprint(summary: MonthSummary) -> str:
    """A digest of the figures alone (not the version, nor when they were compiled): the
    same figures compiled again give the same fingerprint, so nothing is written or sent."""
    content = summary.model_dump(mode="json", exclude=set(VOLATILE))
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
