"""The local mailbox (`make run`'s captured mail, adapters/mail/local_mailbox.py) searched and
purged for an erasure: every kept message to or about a person goes (its recipient, subject,
bodies, headers and attachments, an invitation's calendar file too, are searched)."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable
from pathlib import Path


def purge(directory: str | Path, needles: Iterable[str]) -> int:
    """Delete each kept message that holds any of `needles` (compared case-insensitively);
    answers how many went. A directory that does not exist holds nothing."""
    wanted = [n.lower() for n in needles if n and len(n) >= 3]
    folder = Path(directory)
    if not wanted or not folder.is_dir():
        return 0
    gone = 0
    for path in folder.glob("*.json"):
        text = _text(path)
        if text is not None and any(needle in text for needle in wanted):
            path.unlink(missing_ok=True)
            gone += 1
    return gone


def _text(path: Path) -> str | None:
    """Everything a kept message says, lower-cased (None: unreadable, or gone meanwhile)."""
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(stored, dict):
        return None
    parts = [json.dumps(stored, ensure_ascii=False)]
    for attachment in stored.get("attachments") or []:
        try:
            content = base64.b64decode(attachment.get("content") or "", validate=True)
        except (binascii.Error, TypeError, AttributeError, ValueError):
            continue
        parts.append(content.decode("utf-8", "replace"))
    return "\n".join(parts).lower()
