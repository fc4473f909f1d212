"""Verifies X-Signature on deliveries from the Google Forms Apps Script.

Format: "t=<unix seconds>,v1=<hex HMAC-SHA256 of '<t>.<raw body>'>". The timestamp bounds
replays; several v1 values may be sent while a secret is being rotated.
"""

from __future__ import annotations

import hashlib
import hmac

from functions.domain.shared.signing import same_signature, unix_seconds


class SignatureRejected(Exception):
    """The delivery is not provably from our script; the reason is safe to log."""


def _digest(body: bytes, secret: bytes, timestamp: str) -> str:
    return hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def sign(body: bytes, secret: bytes, timestamp: int) -> str:
    """The header value the script sends (used by tests and local tools)."""
    return f"t={timestamp},v1={_digest(body, secret, str(timestamp))}"


def verify(header: str | None, body: bytes, secret: bytes, now: float, tolerance: int) -> None:
    """Raise SignatureRejected unless the header signs this body, recently, with the secret."""
    if not header:
        raise SignatureRejected("missing")
    sent, candidates = "", []
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        if name == "t":
            sent = value
        elif name == "v1":
            candidates.append(value.lower())
    timestamp = unix_seconds(sent)
    if timestamp is None or not candidates:
        raise SignatureRejected("malformed")
    if abs(now - timestamp) > tolerance:
        raise SignatureRejected("stale")
    expected = _digest(body, secret, sent)  # over "<t>.<body>" with t exactly as sent
    if not any(same_signature(candidate, expected) for candidate in candidates):
        raise SignatureRejected("mismatch")
