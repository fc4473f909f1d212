"""Recording a new case exactly once, whichever path it came in by."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import NamedTuple

from functions.domain.cases.models import Case, CaseEvent
from functions.domain.cases.references import new_reference, status_token
from functions.domain.mail.outbox import OutboxMessage
from functions.services.errors import DuplicateSubmission, IdempotencyKeyReused, ReferenceTaken
from functions.services.mail.dispatch import dispatch
from functions.services.ports import (
    CaseRepository,
    CentreDirectory,
    DeliveryQueue,
    IdempotencyMarker,
)

_REFERENCE_ATTEMPTS = 5
# How long a redelivery is still recognised. Apps Script retries for as long as a delivery
# fails, so this is generous: over a year.
MARKER_RETENTION = timedelta(days=400)


class Receipt(NamedTuple):
    """What the parent gets back: the case, its status-link token, and whether it is new."""

    case: Case
    status_token: str
    created: bool


def idempotency_key(namespace: str, raw_key: str) -> str:
    """Hash a caller's key so raw keys (which may be guessable) are never stored."""
    return hashlib.sha256(f"{namespace}\x00{raw_key}".encode()).hexdigest()


def record_case(
    build: Callable[[str], tuple[Case, CaseEvent, list[OutboxMessage]]],
    *,
    cases: CaseRepository,
    queue: DeliveryQueue,
    secret: bytes,
    now: datetime,
    key: str | None = None,
    fingerprint: str | None = None,
) -> Receipt:
    """Commit what build(reference) makes (the case, its first event and the mail it causes)
    with the idempotency marker in one commit, then queue the mail.

    A redelivery (same key) returns the first case instead of making another, and sends
    nothing again; a different request under a used key raises IdempotencyKeyReused.
    """
    for _ in range(_REFERENCE_ATTEMPTS):
        case, event, messages = build(new_reference())
        marker = (
            IdempotencyMarker(key, case.reference, fingerprint, now, now + MARKER_RETENTION)
            if key
            else None
        )
        try:
            cases.add(case, event, marker, tuple(messages))
            dispatch(messages, queue)
            return Receipt(case, status_token(case.reference, secret), created=True)
        except ReferenceTaken:
            continue
        except DuplicateSubmission as duplicate:
            if fingerprint and duplicate.fingerprint and duplicate.fingerprint != fingerprint:
                raise IdempotencyKeyReused() from None
            first = cases.get(duplicate.reference)
            return Receipt(first, status_token(first.reference, secret), created=False)
    raise RuntimeError("could not draw an unused case reference")


def regions_to_alert(directory: CentreDirectory, region_id: str | None):
    """(the case's region, every region when it is unknown): whom alerts can go to."""
    region = directory.get_region(region_id) if region_id else None
    return region, ([] if region else directory.list_regions())
