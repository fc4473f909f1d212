"""Checks and normalises the ways a parent can be reached.

Both checks are hand-written for the common case because they run on every cold start's
first request: email-validator and phonenumbers cost ~27 ms each to import. phonenumbers is
still used, lazily, for numbers from outside South Africa, and idna for non-ASCII domains.
tests/unit/test_contact_details.py holds the email check to email-validator's verdicts.

Every pattern is matched whole (fullmatch): `$` alone also matches before a final line feed.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from functions.domain.shared.vocabulary import N_

_EMAIL_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_DOMAIN_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
_TLD = re.compile(r"[a-z]{2,63}|xn--[a-z0-9-]{1,59}")
# South African numbers: 9 digits after the country code, never starting with 0 or 9.
_ZA_NATIONAL = re.compile(r"[1-8][0-9]{8}")
_PHONE_PUNCTUATION = re.compile(r"[\s().\-/]")
_EMAIL_ERROR = N_("Enter an email address like name@example.com")
_PHONE_ERROR = N_("Enter a phone number like 082 123 4567 or +27 82 123 4567")


def normalise_email(text: str) -> str:
    """A valid address as it is stored and sent: the local part as typed (ASCII only), the
    domain lower-cased and, when it is not ASCII, in its IDNA form (xn--…), so that one
    mailbox always has one spelling (a full-width ＥＸＡＭＰＬＥ.ORG is example.org)."""
    local, at, domain = text.strip().rpartition("@")
    if not at or len(local) > 64 or not _EMAIL_LOCAL.fullmatch(local):
        raise ValueError(_EMAIL_ERROR)
    if "=?" in local:  # an RFC 2047 encoded word: mail clients would show other text
        raise ValueError(_EMAIL_ERROR)
    ascii_domain = _ascii_domain(domain)
    labels = ascii_domain.split(".")
    if (
        len(labels) < 2
        or not all(_DOMAIN_LABEL.fullmatch(label) for label in labels)
        or not _TLD.fullmatch(labels[-1])
        or len(local) + 1 + len(ascii_domain) > 254
    ):
        raise ValueError(_EMAIL_ERROR)
    return f"{local}@{ascii_domain}"


def address_key(address: str) -> str:
    """The stable, non-reversible-at-a-glance key of an address (case-insensitive): the
    suppression list's id, and what finds a person's cases and mail however they typed it."""
    return hashlib.sha256(f"address:{address.strip().lower()}".encode()).hexdigest()


def _ascii_domain(domain: str) -> str:
    if domain.isascii():
        return domain.lower()
    import idna  # IDNA 2008 with UTS 46 mapping; loaded only for a domain that needs it

    try:
        return idna.encode(domain, uts46=True).decode("ascii")
    except idna.IDNAError:
        raise ValueError(_EMAIL_ERROR) from None


def _south_african_national(digits: str) -> str | None:
    """The 9-digit national number when `digits` is South African, else None."""
    for prefix in ("+27", "0027", "27", "0"):
        if digits.startswith(prefix) and _ZA_NATIONAL.fullmatch(digits[len(prefix) :]):
            return digits[len(prefix) :]
    return None


def normalise_phone(text: str) -> str:
    """A phone number in E.164 (+27821234567); South African when no country code is given."""
    # NFKC: full-width digits (a phone keyboard's) are the ASCII ones; no other digits pass.
    digits = _PHONE_PUNCTUATION.sub("", unicodedata.normalize("NFKC", text).strip())
    if not re.fullmatch(r"\+?[0-9]{6,17}", digits):
        raise ValueError(_PHONE_ERROR)
    national = _south_african_national(digits)
    if national:
        return f"+27{national}"
    if not (digits.startswith("+") or digits.startswith("00")):
        raise ValueError(_PHONE_ERROR)
    return _international(digits)


def _international(digits: str) -> str:
    import phonenumbers  # only for numbers from outside South Africa

    try:
        number = phonenumbers.parse("+" + digits.lstrip("+").removeprefix("00"), None)
    except phonenumbers.NumberParseException:
        raise ValueError(_PHONE_ERROR) from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError(_PHONE_ERROR)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
