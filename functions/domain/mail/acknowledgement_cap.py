"""The acknowledgement cap: a parent's acknowledgement goes to an address at most CAP times
an hour.

Anyone may type any address into the form, so a stranger's could be given on many
submissions; after CAP acknowledgements within the hour, the next ones are suppressed (the
case is made and its staff are alerted all the same, and the parent who sent it still has
their reference and status link on the thanks page).

Each address (by its hash) keeps a small tally in Firestore: the ids of the acknowledgements
whose delivery was claimed within the window, and when. A message counts once, by its id, so
a retried delivery (a transient failure, a lapsed lease, a redelivered task) is not counted
again; the tally is written with a precondition on what was read, so of two deliveries at
once only one takes the last place (functions/adapters/firestore/acknowledgement_cap.py).
A claim counts whether or not the send then succeeds: the cap bounds attempts to mail the
address, which errs on the side of the stranger.

The tally is kept per mailbox, not per spelling (mailbox_key), so the cap cannot be escaped
by writing one stranger's address many ways: case and the domain's forms (full-width, IDNA
Unicode or xn--, a trailing dot) are one; a "+tag" after the local part is dropped (Gmail,
Outlook, iCloud, Fastmail and most others deliver a+anything to a); and for Gmail
(gmail.com, googlemail.com) dots in the local part are dropped too, as Gmail ignores them.
Two distinct mailboxes this merges (a provider where "+" is a literal character) only share
a cap of CAP an hour. Not merged: "-" tags (qmail, Yahoo's disposable addresses) and
catch-all domains, which no rule can see; the per-client flood limit at intake
(functions/http/flood_limit.py) bounds those.
"""

from __future__ import annotations

import contextlib
import hashlib
import unicodedata
from datetime import datetime, timedelta
from typing import Any, NamedTuple

ACKNOWLEDGEMENT = "case_acknowledgement"  # the one template the cap applies to
CAP = 3
WINDOW = timedelta(hours=1)
REASON = (
    f"not sent: {CAP} acknowledgements already went to this address within the hour "
    "(the acknowledgement cap)"
)


class Verdict(NamedTuple):
    allowed: bool
    sent: dict[str, datetime]  # the tally to keep: message id -> when it was claimed
    changed: bool  # the tally must be written (this message took a place)

    @property
    def expires_at(self) -> datetime | None:
        """When the tally says nothing any more (its Firestore TTL)."""
        return max(self.sent.values()) + WINDOW if self.sent else None


def capped(template: str) -> bool:
    """Whether mail of this template counts towards the cap."""
    return template == ACKNOWLEDGEMENT


_GMAIL = {"gmail.com", "googlemail.com"}


def mailbox_key(address: str) -> str:
    """The key of the mailbox an address reaches, for its tally (see the module's notes):
    a hash, so no address is stored; not the suppression list's address_key."""
    local, _, domain = unicodedata.normalize("NFKC", address).strip().rpartition("@")
    domain = domain.lower().rstrip(".")
    if not domain.isascii():  # intake stores xn--; a domain IDNA refuses is kept as it is
        with contextlib.suppress(UnicodeError):
            domain = domain.encode("idna").decode("ascii")
    local = local.lower().split("+", 1)[0] or local.lower()
    if domain in _GMAIL:
        local, domain = local.replace(".", ""), "gmail.com"
    return hashlib.sha256(f"mailbox:{local}@{domain}".encode()).hexdigest()


def tally(stored: dict[str, Any] | None) -> dict[str, datetime]:
    """The tally as stored (anything unreadable in it is left out)."""
    sent = (stored or {}).get("sent")
    if not isinstance(sent, dict):
        return {}
    return {str(key): at for key, at in sent.items() if isinstance(at, datetime)}


def decide(sent: dict[str, datetime], message_id: str, now: datetime) -> Verdict:
    """May `message_id` go now, given the address's tally?"""
    recent = {key: at for key, at in sent.items() if at > now - WINDOW}
    if message_id in recent:
        return Verdict(True, recent, changed=False)  # counted when first claimed
    if len(recent) >= CAP:
        return Verdict(False, recent, changed=False)
    return Verdict(True, recent | {message_id: now}, changed=True)
