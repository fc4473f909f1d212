"""Regions, centres and their contacts, as the directory keeps them."""

from __future__ import annotations

from pydantic import Field

from functions.domain.shared.records import Record
from functions.domain.shared.vocabulary import StaffRole


class Contact(Record):
    """A staff member or administrator who receives mail about cases."""

    name: str
    email: str
    role: StaffRole = StaffRole.STAFF


class Region(Record):
    region_id: str
    name: str
    administrator: Contact


class Centre(Record):
    centre_id: str
    name: str
    region_id: str
    principal: Contact
    staff: list[Contact] = Field(default_factory=list)
    active: bool = True
