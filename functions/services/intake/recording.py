"""Recording a new case exactly once, whichever path it came in by."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import NamedTuple

from functions.domain.cases.models import Case, CaseEvent
from functions.domain.cases.references import new_reference
from functions.domain.mail.outbox import OutboxMessage
from functions.domain.shared.signing import Purpose
from functions.services.errors import IdempotencyKeyReused
from functions.services.mail.dispatch import cancel_delivery, queue_delivery
from functions.services.ports import CentreDirectory, Dependencies, IdempotencyMarker, UnitOfWork

# How long a redelivery is still recognised. Apps Script retries for as long as a delivery
# fails, so this is generous: over a year.
MARKER_RETENTION = timedelta(days=400)

Build = Callable[[str], tuple[Case, CaseEvent, list[OutboxMessage]]]


class Receipt(NamedTuple):
    """What the parent gets back: the case, its status-link token, and whether it is new."""

    case: Case
    status_token: str
    created: bool


def idempotency_key(namespace: str, raw_key: str) -> str:
    """Hash a caller's key so raw keys (which may be guessable) are never stored."""
    return hashlib.sha256(f"{namespace}\x00{raw_key}".encode()).hexdigest()


def record_case(build: Build, deps: Dependencies, now: datetime, key: str | None = None,
                fingerprint: str | None = None) -> Receipt:  # fmt: skip
    """Commit what build(reference) makes (the case, its first event and the mail it causes)
    with the idempotency marker in one unit of work, and queue the mail (one task) meanwhile.

    A redelivery (same key) returns the first case instead of making another, and sends
    nothing again; a different request under a used key raises IdempotencyKeyReused.
    """

    def work(uow: UnitOfWork) -> tuple[Case, bool]:
        # The first run assumes a new key and a free reference: the commit creates the marker
        # and the case only where none exists, so a redelivery or a clash fails it and the
        # run after looks. One round trip for the common case instead of three.
        if key and uow.attempt > 0:
            marker = uow.markers.get(key)
            if marker is not None:
                if fingerprint and marker.fingerprint and marker.fingerprint != fingerprint:
                    raise IdempotencyKeyReused()
                first = uow.cases.get(marker.reference)
                if first is not None:  # (gone only if it was erased: then take it anew)
                    return first, False
        case, event, messages = build(new_reference())
        uow.cases.add(case, event)
        for message in messages:
            uow.outbox.add(message)
        if key:
            marker = IdempotencyMarker(key, case.reference, fingerprint, now,
                                       now + MARKER_RETENTION)  # fmt: skip
            uow.markers.add(marker)
        return case, True

    # The mail's one Cloud Tasks call goes out while the commit is in flight (deliver_email
    # waits for messages it finds missing while the task is young); a refused commit's task
    # is withdrawn (a redelivery, a used key, a reference clash: the run after decides).
    (case, created), _ = deps.transactions.run(
        work,
        while_committing=lambda messages: queue_delivery(messages, deps.queue, deps.clock()),
        if_refused=lambda messages: cancel_delivery(messages, deps.queue),
    )
    return Receipt(case, deps.signer.sign(Purpose.CASE_STATUS, case.reference), created)


def regions_to_alert(directory: CentreDirectory, region_id: str | None):
    """(the case's region, every region when it is unknown): whom alerts can go to."""
    region = directory.get_region(region_id) if region_id else None
    return region, ([] if region else directory.list_regions())
