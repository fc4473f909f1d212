"""Who an access or erasure request is about (no I/O): the address or phone number an
administrator gives, checked and normalised the way intake stores it, and every key the
records derive from it (hashes kept instead of the address: the suppression list's, the
acknowledgement cap's, a forum participant's, a staff member's).

Addresses are stored with the local part as typed and the domain lower-cased
(contact.normalise_email), and Firestore matches exactly; every key folds case. So an
address is looked for under the spellings people type (as given, lower-cased, capitalised)
and those found in the person's records kept under a key (forum registrations, attendance
rows, invitation batches), and compared case-insensitively wherever it is read. A case
whose address was typed in an unusual mix of capitals, by someone with no other record, is
found only when the address is given as it was typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from functions.domain.directory.models import person_key
from functions.domain.forums.models import participant_key
from functions.domain.mail.acknowledgement_cap import mailbox_key
from functions.domain.shared.contact import address_key, normalise_email, normalise_phone

MAX_LENGTH = 320  # an address is at most 254; a phone number far less
# Line breaks of every kind (CR, LF, NEL, U+2028/9) and any other control character: never
# part of an address or a number, and each could split a header or a log line.
_REFUSED = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class NotAPerson(ValueError):
    """What was given is not an email address or a phone number (the message says which)."""


@dataclass(frozen=True)
class Person:
    """The person a request is about, as the records know them."""

    kind: str  # "email" or "phone"
    value: str  # as intake stores it: normalise_email / normalise_phone
    also: tuple[str, ...] = ()  # spellings of the address found in their other records

    @property
    def emails(self) -> tuple[str, ...]:
        """The spellings an address may be stored under: as given, lower-cased, the usual
        capitalisations of its local part (Thandi.Mokoena, Thandi.mokoena, THANDI), and
        those its other records hold (a forum registration's, kept as typed)."""
        if self.kind != "email":
            return ()
        local, _, domain = self.value.rpartition("@")
        low = local.lower()
        forms = (local, low, low.capitalize(), low.upper(),
                 "".join(part.capitalize() for part in re.split(r"([._+-])", low)))  # fmt: skip
        return tuple(dict.fromkeys([*(f"{f}@{domain}" for f in forms), *self.also]))

    def learning(self, stored) -> Person:
        """The person, with the spellings of their address that `stored` holds (addresses
        read from records already found to be theirs by a key that folds case)."""
        found = tuple(s for s in stored if self.is_address(s) and s not in self.emails)
        return Person(self.kind, self.value, self.also + tuple(dict.fromkeys(found)))

    @property
    def phones(self) -> tuple[str, ...]:
        return (self.value,) if self.kind == "phone" else ()

    @property
    def participant_key(self) -> str:
        """A forum registration's or attendance row's key for this person (one given by a
        phone alone: a registration with both is keyed by its address)."""
        return participant_key(self.value if self.kind == "email" else None,
                               self.value if self.kind == "phone" else None)  # fmt: skip

    @property
    def address_key(self) -> str | None:
        """The suppression list's key (and a forum invitation's), for an address."""
        return address_key(self.value) if self.kind == "email" else None

    @property
    def mailbox_key(self) -> str | None:
        """The acknowledgement cap's tally key, for an address."""
        return mailbox_key(self.value) if self.kind == "email" else None

    @property
    def person_key(self) -> str | None:
        """A staff member's or administrator's key (the allow-list's id), for an address."""
        return person_key(self.value) if self.kind == "email" else None

    def is_address(self, stored: object) -> bool:
        """Whether a stored address or number is this person's (case-insensitively)."""
        if not isinstance(stored, str) or not stored:
            return False
        if self.kind == "email":
            return stored.strip().lower() == self.value.lower()
        try:
            return normalise_phone(stored) == self.value
        except ValueError:
            return False


def identify(given: object) -> Person:
    """The person named by `given` (an email address or a phone number), or NotAPerson."""
    if not isinstance(given, str) or not given.strip():
        raise NotAPerson("Give an email address or a phone number")
    if len(given) > MAX_LENGTH:
        raise NotAPerson(f"At most {MAX_LENGTH} characters: an email address or a phone number")
    if _REFUSED.search(given):
        raise NotAPerson("An email address or a phone number has no line breaks")
    text = given.strip()
    try:
        if "@" in text:
            return Person("email", normalise_email(text))
        return Person("phone", normalise_phone(text))
    except ValueError:
        raise NotAPerson("Not an email address or a phone number we could read") from None
