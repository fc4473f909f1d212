"""Who may administer the network, and over what: the allow-list administrators sign in from."""

from __future__ import annotations

from functions.domain.directory.models import person_key
from functions.domain.shared.records import Record


class Administrator(Record):
    """An administrator of the whole network (region_id None) or of one region."""

    email: str
    name: str
    region_id: str | None = None  # None: the whole network
    active: bool = True

    @property
    def key(self) -> str:
        return person_key(self.email)

    @property
    def whole_network(self) -> bool:
        return self.region_id is None

    def sees(self, region_id: str | None) -> bool:
        """Whether this administrator may read and change what belongs to the region (a case
        of no known region: network administrators only)."""
        return self.whole_network or (region_id is not None and region_id == self.region_id)
