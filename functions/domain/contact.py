"""Checks and normalises the ways a parent can be reached."""

from __future__ import annotations

import re

DEFAULT_PHONE_REGION = "ZA"
_HEADER_BREAKING = re.compile(r"[\r\n]")


def normalise_email(text: str) -> str:
    """A syntactically valid email address, normalised; ValueError with a readable reason."""
    from email_validator import EmailNotValidError, validate_email  # ~25 ms: only when used

    if _HEADER_BREAKING.search(text):
        raise ValueError("Enter an email address like name@example.com")
    try:
        return validate_email(text.strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        raise ValueError("Enter an email address like name@example.com") from None


def normalise_phone(text: str, region: str = DEFAULT_PHONE_REGION) -> str:
    """A phone number in E.164 (+27821234567); South African when no country code is given."""
    import phonenumbers  # ~20 ms: only when used

    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValueError("Enter a phone number like 082 123 4567 or +27 82 123 4567")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
