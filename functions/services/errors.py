"""Outcomes of use cases that entry points turn into HTTP answers."""

from __future__ import annotations


class ServiceError(Exception):
    """Base for expected, non-bug outcomes."""


class StorageUnavailable(ServiceError):
    """Storage is briefly unreachable: the caller should try again later (503)."""


class IdempotencyKeyReused(ServiceError):
    """The same idempotency key came with a different request."""


class UnknownCentre(ServiceError):
    """The centre does not exist or no longer takes feedback."""


class UnknownForm(ServiceError):
    """No field mapping is configured for this Google Form."""


class TransientDeliveryError(ServiceError):
    """The mail provider could not take the message now (throttling, 4xx, timeout): retry."""


class PermanentDeliveryError(ServiceError):
    """The provider refused the message for good (rejected address, 5xx): do not retry."""


class QueueUnavailable(ServiceError):
    """Cloud Tasks did not take the task; the outbox sweep will enqueue it later."""


class CaseNotFound(ServiceError):
    """No case has this reference (or it was erased)."""


class AlreadyDone(ServiceError):
    """What was asked was done before (a used link, a second reply from the same form): the
    first time counted, and nothing changed now."""


class InvalidToken(ServiceError):
    """Not a valid Google ID token for us (signature, issuer, audience, expiry); the text says
    which, and holds nothing of the token."""
