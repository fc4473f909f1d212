"""Changing one case in one unit of work: the change, its history event, the mail it causes
and (for a link or a form used once) the mark that it was used, committed together; the
mail's delivery queued while the commit is in flight, as at intake."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from functions.domain.cases.lifecycle import Change
from functions.domain.cases.models import Case
from functions.domain.cases.opening import deadlines_for
from functions.domain.cases.service_levels import Deadlines
from functions.domain.mail.outbox import OutboxMessage
from functions.services.errors import AlreadyDone, CaseNotFound
from functions.services.mail.dispatch import cancel_delivery, queue_delivery
from functions.services.ports import Dependencies, UnitOfWork

# How long a used link or form is remembered: longer than any link of ours lives.
ONCE_RETENTION = timedelta(days=90)

# decide(case as read) -> the change and the mail it causes; raises lifecycle.Refused (or
# a ServiceError) to change nothing.
Decide = Callable[[Case], tuple[Change, list[OutboxMessage]]]


def deadlines_of(case: Case, deps: Dependencies) -> Deadlines:
    """The policy in force on the case's centre calendar (the default one when unknown)."""
    centre = deps.directory.get_centre(case.centre_id) if case.centre_id else None
    return deadlines_for(deps.service_levels.current(), centre, case.kind, case.urgent)


def change_case(reference: str, decide: Decide, deps: Dependencies,
                once_key: str | None = None) -> Change:  # fmt: skip
    """Apply decide() to the case as it is now and commit it all at once; when another writer
    changed the case first, decide again on what is there (a decision on a stale case is
    never stored). `once_key`: this change may happen once only; a second time raises
    AlreadyDone and changes nothing."""

    def work(uow: UnitOfWork) -> Change:
        if once_key and uow.once.used(once_key):
            raise AlreadyDone()
        case = uow.cases.get(reference)
        if case is None:
            raise CaseNotFound(reference)
        change, messages = decide(case)
        uow.cases.save(change.case, change.event)
        for message in messages:
            uow.outbox.add(message)
        if once_key:
            now = change.event.at
            uow.once.add(once_key, now, now + ONCE_RETENTION)
        return change

    change, _ = deps.transactions.run(
        work,
        while_committing=lambda messages: queue_delivery(messages, deps.queue, deps.clock()),
        if_refused=lambda messages: cancel_delivery(messages, deps.queue),
    )
    return change
