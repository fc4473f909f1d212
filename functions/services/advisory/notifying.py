"""The "not selected" notices of a large selection, in batches (domain/advisory/notices.py):
the selection's own commit writes batch 0 with the seats' mail; each later batch is one
send_advisory_notices task, named by the selection and the batch number, so queueing it again
is a no-op (and the selection queues it again when re-run before every batch was queued).

A batch's commit writes its people's mail and the batch's once key: a batch run again (a
retried task, the emulator's duplicate) finds the key and writes nothing; a batch whose commit
failed wrote nothing, and its retry writes it whole. A reserve who was offered a seat before
their batch ran (someone declined fast) has had their offer: no reserve notice for them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from functions.domain.advisory.notices import batch, once_key
from functions.domain.advisory.record import AdvisorySelection, SeatState
from functions.services.advisory.mail import notice_messages
from functions.services.forums.mailing import commit
from functions.services.ports import Dependencies, Task, UnitOfWork

HANDLER = "send_advisory_notices"
# Longer than Cloud Tasks keeps retrying a task: a batch is never written twice.
ONCE_RETENTION = timedelta(days=400)


class Noticed(NamedTuple):
    emailed: int = 0  # messages written now
    already: bool = False  # the batch was written before
    skipped: str | None = None  # unknown selection, no such batch


def notice_task(selection_id: str, number: int) -> Task:
    return Task(HANDLER, {"selection_id": selection_id, "batch": number},
                f"advisory-notices:{selection_id}:{number}")  # fmt: skip


def queue_notices(deps: Dependencies, record: AdvisorySelection) -> int:
    """Queue every batch after the first, then record that they are queued; returns how many
    people those batches tell. Raises QueueUnavailable (nothing recorded: run again)."""
    if record.notices_queued:
        return 0
    for number in range(1, record.notice_batches):
        deps.queue.enqueue(notice_task(record.selection_id, number))

    def mark(uow: UnitOfWork) -> None:
        current = uow.advisory.get(record.selection_id)
        if current is not None and not current.notices_queued:
            uow.advisory.save(current.model_copy(update={"notices_queued": True}))

    commit(deps, mark)
    return sum(len(batch(record, n)) for n in range(1, record.notice_batches))


def write_batch(uow: UnitOfWork, record: AdvisorySelection, number: int,
                attendees: dict, region_name: str, network_name: str, now: datetime,
                states: dict[str, SeatState] | None = None) -> int | None:  # fmt: skip
    """Add the batch's mail and once key to the unit; None when it was written before.
    `states`: where everyone stands now (the record's own when not given)."""
    key = once_key(record.selection_id, number)
    if uow.once.used(key):
        return None
    states = record.states if states is None else states
    people = [
        p
        for p in batch(record, number)
        if p.outcome != "reserve" or states.get(p.attendee_key) == SeatState.RESERVE
    ]
    messages = notice_messages(record, people, attendees, region_name, network_name, now)
    for message in messages:
        uow.outbox.add(message)
    uow.once.add(key, now, now + ONCE_RETENTION)
    return len(messages)


def send_notice_batch(deps: Dependencies, selection_id: str, number: int,
                      now: datetime | None = None) -> Noticed:  # fmt: skip
    """Write batch `number`'s notices once (the task)."""
    now = now or deps.clock()
    record = deps.transactions.run(lambda uow: uow.advisory.get(selection_id))[0]
    if record is None:
        return Noticed(skipped="unknown selection")
    if number < 1 or not batch(record, number):
        return Noticed(skipped="no such batch")
    ids = sorted({p.attendee_id for p in batch(record, number)})
    attendees = deps.forums.attendees(ids)
    region = deps.directory.get_region(record.region_id)
    region_name = region.name if region else record.region_id

    def work(uow: UnitOfWork) -> Noticed:
        states = uow.advisory.standing(selection_id)  # now: someone may have been offered
        written = write_batch(uow, record, number, attendees, region_name, deps.network_name,
                              now, states)  # fmt: skip
        return Noticed(already=True) if written is None else Noticed(emailed=written)

    return commit(deps, work)
