"""The acknowledgement cap's tallies in Firestore (the rule: domain/mail/acknowledgement_cap.py).

One small document per mailbox that was sent an acknowledgement within the hour, keyed by
its mailbox_key (a hash: no address is stored; one mailbox however written), deleted by
Firestore's TTL once it says nothing.
A place is taken with a write conditioned on the tally read (created only if still absent,
else updated only if unchanged): when two deliveries to one address run at once, one write
fails, and that delivery reads the tally again and decides again, so they never both take
the last place. Only acknowledgements pay for it: one read, and one write when counted.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from functions.adapters.firestore.base import ACKNOWLEDGEMENT_TALLIES, storage_errors
from functions.domain.mail.acknowledgement_cap import decide, mailbox_key, tally
from functions.services.errors import StorageUnavailable

# Each try loses only to a delivery that took a place meanwhile; after CAP of those the tally
# is full and the next try decides without writing. The extra tries cover writes lost midway.
MAX_TRIES = 8


class AcknowledgementTallies:
    """Mixed into FirestoreOutbox, so every delivery that holds the outbox can reach it."""

    _db: Any
    _t: dict[str, Any]

    def take_acknowledgement_place(self, address: str, message_id: str, now: datetime) -> bool:
        """Count `message_id` towards its address's cap; False when the cap is reached (a
        message already counted is allowed again, uncounted)."""
        from google.api_core.exceptions import Conflict, FailedPrecondition, NotFound

        ref = self._db.collection(ACKNOWLEDGEMENT_TALLIES).document(mailbox_key(address))
        for _ in range(MAX_TRIES):
            with storage_errors():
                snapshot = ref.get(**self._t)
            verdict = decide(tally(snapshot.to_dict() if snapshot.exists else None),
                             message_id, now)  # fmt: skip
            if not verdict.changed:
                return verdict.allowed
            data = {"sent": verdict.sent, "expires_at": verdict.expires_at}
            try:
                with storage_errors():
                    if snapshot.exists:
                        option = self._db.write_option(last_update_time=snapshot.update_time)
                        ref.update(data, option=option, **self._t)
                    else:
                        ref.create(data, **self._t)
            except (Conflict, FailedPrecondition, NotFound):
                continue  # another delivery wrote first (or our own write landed): read again
            return True
        raise StorageUnavailable("contention")
