"""One way for the advisory use cases to commit a unit of work with its mail: run again while
other writers win (forums/mailing.py's attempts), the mail's delivery queued while committing
in tasks of at most PER_DELIVERY messages (deliver_email's payload limit: a selection's commit
writes a few hundred), and withdrawn when the commit is refused."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from functions.domain.mail.outbox import OutboxMessage
from functions.services.forums.mailing import ATTEMPTS
from functions.services.mail.dispatch import cancel_delivery, queue_delivery
from functions.services.ports import Dependencies, UnitOfWork

T = TypeVar("T")
PER_DELIVERY = 50


def commit(deps: Dependencies, work: Callable[[UnitOfWork], T]) -> T:
    """The work's result, once committed."""
    result, _ = deps.transactions.run(
        work,
        while_committing=lambda messages: _in_chunks(
            messages, lambda chunk: queue_delivery(chunk, deps.queue, deps.clock())),
        if_refused=lambda messages: _in_chunks(
            messages, lambda chunk: cancel_delivery(chunk, deps.queue)),
        attempts=ATTEMPTS,
    )  # fmt: skip
    return result


def _in_chunks(messages: Sequence[OutboxMessage], call: Callable[[list], object]) -> None:
    for start in range(0, len(messages), PER_DELIVERY):
        call(list(messages[start : start + PER_DELIVERY]))
