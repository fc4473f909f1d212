"""The links in staff mail that act on a case, one action each, without a login.

A link carries, signed (domain/shared/signing.py, purpose CASE_ACTION, 7 days): the action,
the case, the person it was sent to and a link id. The id is derived from the message and the
action, so the same mail always carries the same links, and using one spends it (the use is
recorded with the change it makes); another staff member's link, or this person's link in
another mail, is another link.
"""

from __future__ import annotations

import hashlib
import re
from typing import NamedTuple

from functions.domain.cases.references import is_reference
from functions.domain.shared.signing import Purpose, Signer
from functions.domain.shared.vocabulary import StaffAction

LINK_LIFETIME_SECONDS = 7 * 24 * 3600
_KEY = re.compile(r"[0-9a-f]{20}")  # a person key, a link id
_ACTIONS = frozenset(action.value for action in StaffAction)


class ActionLink(NamedTuple):
    action: StaffAction
    reference: str
    person: str  # functions.domain.directory.models.person_key of whom the link was sent to
    link_id: str

    def token(self, signer: Signer) -> str:
        value = ":".join((self.action.value, self.reference, self.person, self.link_id))
        return signer.sign(Purpose.CASE_ACTION, value, expires=True)

    @classmethod
    def read(cls, token: object, signer: Signer,
             max_age: int = LINK_LIFETIME_SECONDS) -> ActionLink | None:  # fmt: skip
        """The link a token of ours carries, or None: forged, expired, or not one of these."""
        value = signer.unsign(Purpose.CASE_ACTION, token, max_age=max_age)
        parts = value.split(":") if value else []
        if len(parts) != 4 or parts[0] not in _ACTIONS:
            return None
        action, reference, person, link_id = parts
        if not (is_reference(reference) and _KEY.fullmatch(person) and _KEY.fullmatch(link_id)):
            return None
        return cls(StaffAction(action), reference, person, link_id)


def link_id(message_id: str, reference: str, action: StaffAction) -> str:
    return hashlib.sha256(f"{message_id}:{reference}:{action}".encode()).hexdigest()[:20]


def action_urls(page: str, signer: Signer, message_id: str, person: str,
                reference: str) -> dict[str, str]:  # fmt: skip
    """{action: URL} for every action on one case, for the person a message goes to."""
    links = {}
    for action in StaffAction:
        link = ActionLink(action, reference, person, link_id(message_id, reference, action))
        links[action.value] = f"{page}?token={link.token(signer)}"
    return links
