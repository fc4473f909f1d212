"""Case references people read aloud, and the secret tokens behind status links."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

# Crockford's base32: no I, L, O or U, so a reference survives being read over the phone.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_SHAPE = re.compile(r"^FB-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{3}$")


def new_reference() -> str:
    """A random reference like FB-7K3M-Q9P (35 bits: uniqueness is enforced at commit)."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(7))
    return f"FB-{chars[:4]}-{chars[4:]}"


def status_token(reference: str, secret: bytes) -> str:
    """The unguessable token in a parent's status link (192 bits).

    Derived from the reference with a server secret, so a redelivered submission can show
    the same link again while the database itself holds only the token's hash.
    """
    digest = hmac.new(secret, f"status-link:{reference}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode("ascii")


def hash_token(token: str) -> str:
    """Only the hash is stored, so a copy of the database cannot open status pages."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
