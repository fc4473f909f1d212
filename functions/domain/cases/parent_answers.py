"""The staff mail a parent's answer causes: their reply to the centre (to whoever answers for
the case now), and a low rating that reopens it (to the principal). In English, with the
links that act on the case (data["actionable"]); transactional (notifications.work_message),
so that an unsubscribe never silences it."""

from __future__ import annotations

from datetime import datetime

from functions.domain.cases.models import Case, Rating
from functions.domain.cases.notifications import staff_case_data, work_message
from functions.domain.directory.models import Centre, Contact, Region
from functions.domain.mail.outbox import OutboxMessage


def answering(case: Case, centre: Centre | None, region: Region | None) -> Contact | None:
    """Who answers for the case now: the person it is assigned to (a member of the centre,
    or the regional administrator it was escalated to), else the principal; for a case of
    no known centre, the regional administrator."""
    if case.assignee is not None:
        member = centre.member(case.assignee.key) if centre else None
        if member is not None:
            return member
        if region is not None and region.administrator.key == case.assignee.key:
            return region.administrator
    if centre is not None:
        return centre.principal
    return region.administrator if region else None


def _to_staff(case: Case, template: str, to: Contact, network_name: str, now: datetime,
              **data) -> OutboxMessage:  # fmt: skip
    return work_message(case, template, to, staff_case_data(case, network_name) | data, now)


def reply_received_message(case: Case, reply: str, question: str | None, to: Contact,
                           network_name: str, now: datetime) -> OutboxMessage:  # fmt: skip
    """template case_reply_received: the parent's `reply` (their words) to the centre's
    `question` (None: a word the parent added unasked), with the case as it is now (its
    clock running again: `resolve_by`)."""
    return _to_staff(case, "case_reply_received", to, network_name, now, reply=reply,
                     question=question, status=case.status.value)  # fmt: skip


def reopened_message(case: Case, rating: Rating, to: Contact, network_name: str,
                     now: datetime) -> OutboxMessage:  # fmt: skip
    """template case_reopened: the parent rated the resolution `score` (1 or 2) and wrote
    `comment` (or nothing); the case is the principal's again, due by `resolve_by`."""
    return _to_staff(case, "case_reopened", to, network_name, now, score=rating.score,
                     comment=rating.comment, resolution=case.resolution)  # fmt: skip
