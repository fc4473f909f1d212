"""Who must not be mailed, and why: unsubscribes, hard bounces and complaints.

Addresses are kept only as a hash, so the suppression list is not a list of addresses.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import NamedTuple

from functions.domain.mail.outbox import MessageKind
from functions.domain.shared.contact import address_key
from functions.domain.shared.signing import Purpose, Signer

_ADDRESS_KEY = re.compile(r"[0-9a-f]{64}")


class SuppressionReason(StrEnum):
    UNSUBSCRIBED = "unsubscribed"  # stops notifications only
    BOUNCED = "bounced"  # the address does not exist: stops everything
    COMPLAINED = "complained"  # marked as spam: stops everything


class MailFeedback(NamedTuple):
    """What the mail provider reported about one message: whom to suppress (reason None:
    nobody). The provider's own format is read in adapters/aws."""

    event_type: str
    detail: str | None  # the bounce type
    reason: SuppressionReason | None
    addresses: frozenset[str]


def blocks(reasons: set[str], kind: MessageKind) -> bool:
    """Whether a message of this kind may not go to an address suppressed for these reasons."""
    if reasons & {SuppressionReason.BOUNCED, SuppressionReason.COMPLAINED}:
        return True
    return kind == MessageKind.NOTIFICATION and SuppressionReason.UNSUBSCRIBED in reasons


def unsubscribe_token(address: str, signer: Signer) -> str:
    """The token in an unsubscribe link: the address key, signed; the address is not in it."""
    return signer.sign(Purpose.UNSUBSCRIBE, address_key(address))


def read_unsubscribe_token(token: object, signer: Signer) -> str | None:
    """The address key an unsubscribe token stands for, or None when it is not ours."""
    key = signer.unsign(Purpose.UNSUBSCRIBE, token)
    return key if key and _ADDRESS_KEY.fullmatch(key) else None
