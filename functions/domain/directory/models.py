"""Regions, centres and their contacts, as the directory keeps them."""

from __future__ import annotations

import hashlib

from pydantic import Field, field_validator, model_validator

from functions.domain.shared.calendar import (
    DEFAULT_OPENING_HOURS,
    DEFAULT_TIMEZONE,
    WEEKDAYS,
    WorkingCalendar,
    parse_hours,
)
from functions.domain.shared.records import Record
from functions.domain.shared.vocabulary import Language, StaffRole


def person_key(email: str) -> str:
    """A short, stable id for a staff member or administrator, derived from their address
    (case-insensitive): what signed links and case histories name instead of the address."""
    return hashlib.sha256(f"person:{email.strip().lower()}".encode()).hexdigest()[:20]


class Contact(Record):
    """A staff member or administrator who receives mail about cases."""

    name: str
    email: str
    role: StaffRole = StaffRole.STAFF
    # False: left the centre (deactivated, never deleted: histories still name them). Kept in
    # Centre.former_staff, never among the members who get mail or act on cases.
    active: bool = True

    @property
    def key(self) -> str:
        return person_key(self.email)


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
    timezone: str = DEFAULT_TIMEZONE
    # Weekday ("mon".."sun") → "HH:MM-HH:MM"; a day not listed is closed.
    opening_hours: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_OPENING_HOURS))
    # Whether parents see which staff member acted on their case (else: "the centre").
    share_staff_names: bool = False
    address: str | None = None
    languages: list[Language] = Field(default_factory=list)  # spoken with parents
    phone: str | None = None  # E.164
    email: str | None = None  # the centre's own address (parents' questions), not staff's
    whatsapp: str | None = None  # E.164
    # People who left (active False): kept for the administrators, never mailed, never acting.
    former_staff: list[Contact] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _leavers_apart(cls, data):
        """Whoever is not active is a former member, wherever given: `staff` holds only the
        active, so every reader of `staff` or `members()` reaches the current team."""
        if not isinstance(data, dict):
            return data

        def active(person) -> bool:
            if isinstance(person, Contact):
                return person.active
            return person.get("active", True) is not False if isinstance(person, dict) else True

        def gone(person):
            if isinstance(person, Contact):
                return person.model_copy(update={"active": False})
            return {**person, "active": False} if isinstance(person, dict) else person

        staff = list(data.get("staff") or [])
        former = [gone(p) for p in [*(data.get("former_staff") or []),
                                    *(p for p in staff if not active(p))]]  # fmt: skip
        return {**data, "staff": [p for p in staff if active(p)], "former_staff": former}

    @field_validator("principal")
    @classmethod
    def _active_principal(cls, principal: Contact) -> Contact:
        if not principal.active:
            raise ValueError("a centre's principal is active: name another principal first")
        return principal

    @field_validator("opening_hours")
    @classmethod
    def _valid_hours(cls, hours: dict[str, str]) -> dict[str, str]:
        for day, span in hours.items():
            if day not in WEEKDAYS:
                raise ValueError(f"{day!r} is not one of {', '.join(WEEKDAYS)}")
            parse_hours(span)
        if not hours:
            raise ValueError("a centre is open on at least one day")
        return hours

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, zone: str) -> str:
        from zoneinfo import ZoneInfo

        ZoneInfo(zone)  # raises for a zone the tz database does not know
        return zone

    def calendar(self) -> WorkingCalendar:
        return WorkingCalendar(self.timezone, self.opening_hours)

    def members(self) -> list[Contact]:
        """The principal first, then the staff: everyone a complaint belongs to (active
        people only: former staff get no mail and cannot act)."""
        return [person for person in (self.principal, *self.staff) if person.active]

    def member(self, key: str) -> Contact | None:
        return next((person for person in self.members() if person.key == key), None)
