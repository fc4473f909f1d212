"""The summary's email to the administrators of its scope (template forum_summary, English).

The message carries what the template shows, nothing more: the figures of each forum and of
the month (each with its count and base), the pain points, the best centres, and the first
few quotes of each group (the page, CSV and PDF of forum_report have them all). Charts are
HTML bars whose widths are the percentages, each with its figures in text beside it: no
JavaScript, no SVG, no image to block.
"""

from __future__ import annotations

from datetime import datetime

from functions.domain.mail.outbox import OutboxMessage, notifications_to
from functions.domain.reports.summary import MonthSummary

TEMPLATE = "forum_summary"
QUOTES_IN_MAIL = 3  # per group (and practices): the rest are on the report page


def summary_title(summary: MonthSummary, scope_name: str) -> str:
    """'Forum summary, 2025-03, the whole network' or one forum's title."""
    if summary.forum_id is not None and summary.forums:
        return f"Forum summary: {summary.forums[0].title}"
    return f"Forum summary, {summary.month}, {scope_name}"


def once_key(summary: MonthSummary) -> str:
    """The key that sends a summary's version once, however often it is compiled."""
    return f"forum_summary:{summary.summary_id}:{summary.version}"


def mail_data(summary: MonthSummary, scope_name: str, network_name: str) -> dict:
    dumped = summary.model_dump(mode="json")
    # "more": distinct texts in the report and not in the mail (cut here, or by the budget).
    groups = [group | {"quotes": group["quotes"][:QUOTES_IN_MAIL],
                       "more": max(0, len(group["quotes"]) - QUOTES_IN_MAIL) + group["omitted"]}
              for group in dumped["recommendations"]]  # fmt: skip
    return {
        "network_name": network_name,
        "forum_title": summary_title(summary, scope_name),
        "scope_name": scope_name,
        "summary_id": summary.summary_id,
        "month": summary.month,
        "scope": summary.scope,
        "forum_id": summary.forum_id,
        "version": summary.version,
        "compiled_at": dumped["compiled_at"],
        "forums": dumped["forums"],
        "totals": dumped["totals"],
        "pain_points": dumped["pain_points"],
        "cases_total": summary.cases_total,
        "recommendations": groups,
        "practices": dumped["practices"][:QUOTES_IN_MAIL],
        "practices_more": max(0, len(summary.practices) - QUOTES_IN_MAIL)
        + summary.practices_omitted,
        "best_centres": dumped["best_centres"],
        "rank_minimum": summary.rank_minimum,
        "centres_ranked": summary.centres_ranked,
    }


def summary_messages(summary: MonthSummary, recipients: list[tuple[str, str]], scope_name: str,
                     network_name: str, now: datetime) -> list[OutboxMessage]:  # fmt: skip
    """One message per administrator (email, name) of the summary's scope."""
    data = mail_data(summary, scope_name, network_name)
    return notifications_to(TEMPLATE, data, recipients, now)
