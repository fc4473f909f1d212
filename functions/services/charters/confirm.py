"""A principal confirms that their centre's charter is on display (confirm_charter).

The link in the charter's email is signed over the centre and the version it carried
(Purpose.CHARTER_CONFIRM, no expiry): it opens that centre only, and a link that was altered
or signed for anything else opens nothing. Confirming records the version and the time in the
centre's record in one unit of work; a second confirmation changes nothing; a link of a
version that a newer one has replaced confirms nothing and says so (the newer email has its
own link).
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from functions.domain.charters import records as rules
from functions.domain.charters.records import CharterRecord, Confirmation
from functions.domain.directory.models import Centre
from functions.domain.shared.signing import Purpose, Signer
from functions.services.ports import Dependencies, UnitOfWork

_ID_MAX = 200


class ConfirmLink(NamedTuple):
    """What a valid link opens: the centre, the version it carries, the record as it stands."""

    centre: Centre
    version: str
    record: CharterRecord | None

    @property
    def state(self) -> Confirmation:
        return rules.confirmation(self.record, self.version)


def read_confirm_token(token: object, signer: Signer) -> tuple[str, str] | None:
    """(centre id, version) a link carries, or None for anything else. The version is the
    last part: a centre id may itself hold a colon."""
    value = signer.unsign(Purpose.CHARTER_CONFIRM, token)
    if not value or ":" not in value or len(value) > _ID_MAX:
        return None
    centre_id, _, version = value.rpartition(":")
    return (centre_id, version) if centre_id and version else None


def confirm_link(deps: Dependencies, token: object) -> ConfirmLink | None:
    """The link's centre and record, or None (forged, another purpose, the centre gone)."""
    found = read_confirm_token(token, deps.signer)
    if found is None:
        return None
    centre_id, version = found
    centre = deps.directory.get_centre(centre_id)
    if centre is None:
        return None
    return ConfirmLink(centre, version, deps.charters.charter_record(centre_id))


def confirm(deps: Dependencies, centre_id: str, version: str,
            now: datetime | None = None) -> Confirmation:  # fmt: skip
    """Record that `version` is on display: CONFIRMED now, ALREADY (nothing changes),
    SUPERSEDED (a newer version was sent: nothing changes) or NOT_SENT."""
    now = now or deps.clock()

    def work(uow: UnitOfWork) -> Confirmation:
        record = uow.charters.get(centre_id)
        outcome = rules.confirmation(record, version)
        if outcome == Confirmation.CONFIRMED:
            uow.charters.save(rules.confirmed(record, now))
        return outcome

    return deps.transactions.run(work)[0]
