"""Case references people read aloud (a parent's status link carries one, signed)."""

from __future__ import annotations

import re
import secrets

# Crockford's base32: no I, L, O or U, so a reference survives being read over the phone.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_SHAPE = re.compile(r"^FB-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{3}$")


def new_reference() -> str:
    """A random reference like FB-7K3M-Q9P (35 bits: uniqueness is enforced at commit)."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(7))
    return f"FB-{chars[:4]}-{chars[4:]}"


def is_reference(text: object) -> bool:
    """Whether `text` has the shape of a reference (what a signed status link carries)."""
    return isinstance(text, str) and _SHAPE.fullmatch(text) is not None
