"""Signing what this service hands out, and checking it safely for any input.

One `Signer` signs every link and token we give people (status links, unsubscribe links,
the feedback form's token, and the staff, survey and charter links to come) with
itsdangerous: a purpose per kind of link (its salt, so a token for one never opens another),
an expiry where the purpose has one, and key rotation. SIGNING_SECRETS lists the keys oldest
first; the newest signs and every one verifies, so adding a key breaks no link already sent
and an old key can be dropped once its links no longer matter.

The Google Forms Apps Script signs its deliveries its own way (an external contract, checked
in http/integrations/apps_script_signature.py) with the two helpers at the end, which, like
the Signer, never raise on what a stranger sends.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from enum import StrEnum

# Longer than any token we make (a reference or a key, signed): anything longer is not ours.
_TOKEN_MAX = 512
# Unix seconds stay within 11 digits until the year 5138; anything longer is not a timestamp.
_MAX_TIMESTAMP_DIGITS = 11


class Purpose(StrEnum):
    """What a signed value is for. A token signed for one purpose opens nothing else."""

    CASE_STATUS = "case-status"  # a parent's status page: the case reference; no expiry
    UNSUBSCRIBE = "unsubscribe"  # stop notifications: the address key; no expiry
    FEEDBACK_FORM = "feedback-form"  # the web form's CSRF token: a nonce; expires
    # A staff member's link to act on a case: the action, case, person and link id; 7 days.
    CASE_ACTION = "case-action"
    CASE_RATING = "case-rating"  # a parent's link to rate a resolution: the reference; expires
    # CSRF tokens of the forms those links open (a nonce each; expire like the feedback form's).
    CASE_ACTION_FORM = "case-action-form"
    CASE_REPLY_FORM = "case-reply-form"
    RATE_CASE_FORM = "rate-case-form"
    # CSRF tokens of the admin pages' forms, bound to the sign-in they were shown under
    # (functions/http/admin/session.py); expire like the others.
    ADMIN_FORM = "admin-form"
    # A forum registration form's CSRF token (and its cancel page's): a nonce; expires.
    FORUM_REGISTRATION_FORM = "forum-registration-form"
    # The cancel link in every forum confirmation: the registration id; no expiry (the
    # registration can only be cancelled before its forum ends).
    FORUM_CANCEL = "forum-cancel"
    # A person's invitation to a month's forums (prefills the form): the invitation id.
    FORUM_INVITATION = "forum-invitation"
    # A forum attendee's personal survey link: the attendee id; no expiry (the survey closes
    # on its own date). The survey form's CSRF token: a nonce; expires.
    FORUM_SURVEY = "forum-survey"
    FORUM_SURVEY_FORM = "forum-survey-form"
    # A nominee's accept/decline link for an advisory network seat: "<selection id>:<attendee
    # key>"; no expiry (a seat is answered once; later answers change nothing). Its page's
    # form CSRF token: a nonce; expires.
    ADVISORY_RESPONSE = "advisory-response"
    ADVISORY_RESPONSE_FORM = "advisory-response-form"
    # A principal's link confirming their centre's charter is displayed: "<centre id>:<charter
    # version>"; no expiry (a newer version makes the link say so; confirming twice changes
    # nothing). Its page's form CSRF token: a nonce; expires.
    CHARTER_CONFIRM = "charter-confirm"
    CHARTER_CONFIRM_FORM = "charter-confirm-form"


class Signer:
    """Signs values for a purpose with the newest key; verifies with any of the keys."""

    def __init__(self, keys: Sequence[bytes]):
        if not keys or not all(keys):
            raise ValueError("signing needs at least one non-empty key")
        self._keys = list(keys)

    def _serializer(self, purpose: Purpose, timed: bool):
        import itsdangerous  # already loaded with Flask; imported here to keep the domain light

        kind = itsdangerous.URLSafeTimedSerializer if timed else itsdangerous.URLSafeSerializer
        return kind(self._keys, salt=purpose.value,
                    signer_kwargs={"digest_method": hashlib.sha256})  # fmt: skip

    def sign(self, purpose: Purpose, value: str, expires: bool = False) -> str:
        """A URL-safe token carrying `value`; `expires`: it records when it was made."""
        return self._serializer(purpose, timed=expires).dumps(value)

    def unsign(self, purpose: Purpose, token: object, max_age: int | None = None) -> str | None:
        """The value a token of ours carries, or None: forged, for another purpose, older
        than `max_age` seconds (given only for purposes whose tokens expire), or not text."""
        import itsdangerous

        if not isinstance(token, str) or not 0 < len(token) <= _TOKEN_MAX:
            return None
        try:
            token.encode("utf-8")  # a lone surrogate is no token of ours
            if not _canonical(token):
                return None
            serializer = self._serializer(purpose, timed=max_age is not None)
            value = serializer.loads(token, max_age=max_age) if max_age else serializer.loads(token)
        except (itsdangerous.BadData, UnicodeError, ValueError):
            return None
        return value if isinstance(value, str) else None


def _canonical(token: str) -> bool:
    """Whether each part of the token is base64 exactly as we write it. The decoder takes
    padding and unused low bits loosely, so one token of ours had several spellings that all
    verified: a link used once must not open again under another."""
    from itsdangerous.encoding import base64_decode, base64_encode

    return all(base64_encode(base64_decode(part)).decode("ascii") == part
               for part in token.split(".") if part)  # fmt: skip


def same_signature(given: str, expected: str) -> bool:
    """Constant-time comparison of a signature we received with the one we computed
    (hmac.compare_digest raises TypeError on non-ASCII text; bytes it takes as they are)."""
    return hmac.compare_digest(given.encode("utf-8", "surrogatepass"), expected.encode())


def unix_seconds(text: str) -> int | None:
    """The timestamp in a header, or None unless it is 1 to 11 ASCII digits (int() would take
    "²", which str.isdigit() accepts, and refuse 5,000 digits)."""
    if 0 < len(text) <= _MAX_TIMESTAMP_DIGITS and text.isascii() and text.isdigit():
        return int(text)
    return None
