"""Setting up a month's forums from the standing plan, then inviting everyone.

setup_month creates the plan's forums of the month in one unit of work (ids from the month
and the slot: a forum already there is left as it is, and two setups racing create each
once: the second's commit is refused, and its run again finds them), then queues the
invitations (services/forums/invitations.py) unless they were queued before. Called twice,
it answers that nothing changed: {"created": 0, "existing": 3, "invitations": "already
queued"}.
"""

from __future__ import annotations

from datetime import datetime

from functions.domain.forums.plan import forums_for_month, month_problem, next_month
from functions.services.forums.invitations import queue_invitations
from functions.services.ports import Dependencies, UnitOfWork


class MonthRefused(ValueError):
    """The month cannot be set up (not YYYY-MM, past, too far ahead): the message says why."""


def month_to_set_up(deps: Dependencies, month: str | None, now: datetime) -> str:
    """The month asked for, checked; none asked: the next month where the network is (the
    scheduler on the 1st). Raises MonthRefused."""
    zone = deps.forum_plan.current().timezone
    month = next_month(now, zone) if month is None else month
    problem = month_problem(month, now, zone)
    if problem:
        raise MonthRefused(problem)
    return month


def setup_month(deps: Dependencies, month: str, now: datetime,
                as_of: datetime | None = None) -> dict:  # fmt: skip
    """Create the month's planned forums not there yet, and queue the invitations not queued
    yet. Raises MonthRefused, QueueUnavailable (try again: nothing is done twice)."""
    plan = deps.forum_plan.current()
    problem = month_problem(month, now, plan.timezone)
    if problem:
        raise MonthRefused(problem)
    planned = forums_for_month(plan, month, now)

    def work(uow: UnitOfWork) -> tuple[int, int]:
        created = 0
        for forum in planned:
            if uow.forums.get(forum.forum_id) is None:
                uow.forums.add(forum)
                created += 1
        return created, len(planned) - created

    (created, existing), _ = deps.transactions.run(work)
    invitations = queue_invitations(deps, month, now, as_of)
    return {"month": month, "created": created, "existing": existing,
            "changed": bool(created) or invitations["invitations"] == "queued",
            **invitations}  # fmt: skip
