"""A compiled summary as rows of figures, one figure a row, for the report's CSV and PDF
(functions/http/admin/forum_report.py): the same numbers the page shows, each with its
numerator and base so a reader can check the percentage (whole, rounded half up).

Columns: scope, month, forum_id, forum, figure, role_or_category, value, numerator, base.
Text cells (forum titles, centre names) are as stored; the CSV escapes formula-like cells
with the directory export's rule (domain/directory/importing/reading.escape).
"""

from __future__ import annotations

import csv
import io

from functions.domain.directory.importing.reading import escape
from functions.domain.reports.summary import Figures, MonthSummary, Rate
from functions.domain.shared.vocabulary import label

COLUMNS = ("scope", "month", "forum_id", "forum", "figure", "role_or_category", "value",
           "numerator", "base")  # fmt: skip
ALL_FORUMS = "all forums"
ROUNDING = ("Percentages are whole numbers rounded half up (90.5% shows as 91%), each "
            "beside the count and the base it was computed from.")  # fmt: skip


def _shown(value: int | None) -> str:
    return "" if value is None else str(value)


def _rate(head: list[str], figure: str, what: str, rate: Rate) -> list[str]:
    return [*head, figure, what, _shown(rate.percent), str(rate.count), str(rate.base)]


def _figures(head: list[str], figures: Figures) -> list[list[str]]:
    rows = []
    for counts in [*figures.roles, figures.total]:
        role = label(counts.role) if counts.role else "all roles"
        for figure in ("registered", "attended", "walk_ins", "no_shows"):
            value = str(getattr(counts, figure))
            rows.append([*head, figure, role, value, "", ""])
    rows.append([*head, "respondents", "", str(figures.respondents), "", ""])
    rows.append(_rate(head, "response_rate", "of attendees", figures.response_rate))
    rows.append(_rate(head, "satisfied", "rated 4 or 5", figures.satisfied))
    rows.append(_rate(head, "wants_monthly", "wants monthly sessions", figures.wants_monthly))
    for score, count in enumerate(figures.ratings, 1):
        rating = Rate(count=count, base=figures.respondents)
        rows.append(_rate(head, "rating", str(score), rating))
    return rows


def figure_rows(summary: MonthSummary) -> list[list[str]]:
    """Every figure of the summary, one row each (text as stored, unescaped)."""
    scope = summary.scope or "network"
    rows = []
    for forum in summary.forums:
        rows += _figures([scope, summary.month, forum.forum_id, forum.title], forum)
    head = [scope, summary.month, summary.forum_id or "", ALL_FORUMS]
    if summary.is_roll_up:
        rows += _figures(head, summary.totals)
    for point in summary.pain_points:
        rows.append(_rate(head, "pain_point_named", label(point.category), point.survey))
        rows.append([*head, "cases_in_category", label(point.category), str(point.cases),
                     str(point.cases), str(summary.cases_total)])  # fmt: skip
    rows.append([*head, "centres_ranked", f"at least {summary.rank_minimum} resolved cases",
                 str(summary.centres_ranked), "", ""])  # fmt: skip
    for centre in summary.best_centres:
        what = f"{centre.rank}. {centre.centre_name}"
        rows.append([*head, "centre_cases", what, str(centre.cases), "", ""])
        rows.append(_rate(head, "centre_resolved_in_time", what, centre.resolved_in_time))
        if centre.satisfied is not None:
            rows.append(_rate(head, "centre_satisfied", what, centre.satisfied))
    return rows


def csv_text(summary: MonthSummary) -> str:
    """The rows as a CSV file: a UTF-8 byte-order mark (Excel reads accents), CRLF lines,
    every cell a spreadsheet would take for a formula written as text."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in figure_rows(summary):
        writer.writerow([escape(cell) for cell in row])
    return "\ufeff" + out.getvalue()
