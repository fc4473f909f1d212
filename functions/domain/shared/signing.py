"""Checking what we signed, safely for any input a stranger can send.

Tokens and signature headers arrive from outside and may hold any character at any length:
hmac.compare_digest raises TypeError on non-ASCII text, and int() takes "²" (str.isdigit()
says yes) and refuses 5,000 digits. Every parser of a signed value goes through these two.
"""

from __future__ import annotations

import hmac

# Unix seconds stay within 11 digits until the year 5138; anything longer is not a timestamp.
_MAX_TIMESTAMP_DIGITS = 11


def same_signature(given: str, expected: str) -> bool:
    """Constant-time comparison of a signature we received with the one we computed."""
    return hmac.compare_digest(given.encode("utf-8", "surrogatepass"), expected.encode())


def unix_seconds(text: str) -> int | None:
    """The timestamp in a token or header, or None unless it is 1 to 11 ASCII digits."""
    if 0 < len(text) <= _MAX_TIMESTAMP_DIGITS and text.isascii() and text.isdigit():
        return int(text)
    return None
