"""The mail a parent gets as their case moves: a question from the centre, and the
resolution with its rating links. Only to a parent who gave an email, consented and is not
anonymous; in their language. Anyone else follows (and answers) through their status link."""

from __future__ import annotations

from datetime import datetime

from functions.domain.cases.models import Case
from functions.domain.cases.notifications import case_message
from functions.domain.mail.outbox import MessageKind, OutboxMessage


def reachable(case: Case) -> bool:
    """Whether the parent may be written to about the case."""
    return bool(case.reporter.email) and not case.anonymous and case.consent.given


def _to_parent(case: Case, template: str, network_name: str, now: datetime,
               **data) -> OutboxMessage | None:  # fmt: skip
    if not reachable(case):
        return None
    common = {
        "network_name": network_name,
        "reference": case.reference,
        "centre_name": case.centre_name,
        "kind": case.kind.value if case.kind else None,
        "reporter_name": case.reporter.name,
    }
    return case_message(case, template, case.reporter.email, MessageKind.TRANSACTIONAL,
                        common | data, now, case.reporter.preferred_language)  # fmt: skip


def info_request_message(case: Case, question: str, network_name: str,
                         now: datetime) -> OutboxMessage | None:  # fmt: skip
    """template case_info_request: data `question` (the centre's words); links status_url,
    reply_url."""
    return _to_parent(case, "case_info_request", network_name, now, question=question)


def resolution_message(case: Case, summary: str, network_name: str,
                       now: datetime) -> OutboxMessage | None:  # fmt: skip
    """template case_resolved: data `summary` (the centre's words for the parent); links
    status_url, rating_urls (five, for 1 to 5)."""
    return _to_parent(case, "case_resolved", network_name, now, summary=summary)
