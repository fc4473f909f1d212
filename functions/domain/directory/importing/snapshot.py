"""The directory as stored, read whole for an import or an edit: regions, every centre
(closed ones too), the administrators, and each person by their key."""

from __future__ import annotations

from typing import NamedTuple

from functions.domain.directory.administrators import Administrator
from functions.domain.directory.models import Centre, Contact, Region
from functions.domain.shared.vocabulary import StaffRole


class Member(NamedTuple):
    """A person of a centre's team as stored: principal, staff or former staff."""

    contact: Contact
    centre_id: str
    principal: bool

    @property
    def active(self) -> bool:
        return self.contact.active


class Directory:
    def __init__(
        self, regions: list[Region], centres: list[Centre], administrators: list[Administrator]
    ):
        self.regions = {region.region_id: region for region in regions}
        self.centres = {centre.centre_id: centre for centre in centres}
        self.administrators = {admin.key: admin for admin in administrators}
        self.people: dict[str, Member] = {}
        for centre in centres:
            team = [
                (centre.principal, True),
                *((p, False) for p in centre.staff),
                *((p, False) for p in centre.former_staff),
            ]
            for contact, principal in team:
                # A person is on one team; should stored data hold them twice, the first
                # (by centre id) is the one an import compares with.
                self.people.setdefault(contact.key, Member(contact, centre.centre_id, principal))

    def region_of(self, centre_id: str) -> str | None:
        centre = self.centres.get(centre_id)
        return centre.region_id if centre else None

    def centres_seen_by(self, caller: Administrator) -> list[Centre]:
        return [c for c in self.centres.values() if caller.sees(c.region_id)]

    def regions_seen_by(self, caller: Administrator) -> list[Region]:
        return [r for r in self.regions.values() if caller.sees(r.region_id)]

    def administrators_seen_by(self, caller: Administrator) -> list[Administrator]:
        """A regional administrator sees their region's administrators; a network one all."""
        if caller.whole_network:
            return list(self.administrators.values())
        return [a for a in self.administrators.values() if a.region_id == caller.region_id]


def role_of(member: Member) -> StaffRole:
    return StaffRole.PRINCIPAL if member.principal else StaffRole.STAFF
