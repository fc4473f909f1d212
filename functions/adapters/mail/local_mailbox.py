"""The local mailbox for `make run`: every message is a JSON file the dev_mailbox page reads."""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import tempfile
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from functions.adapters.mail.mime import build_mime

if TYPE_CHECKING:
    from functions.domain.mail.email import OutgoingEmail

_MESSAGE_ID = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True)
class StoredMessage:
    """One email kept by LocalMailbox."""

    id: str
    to: str
    subject: str
    html: str
    text: str
    headers: dict[str, str]
    sent_at: str  # ISO 8601, UTC
    # Each file sent with it: filename, content_type, size, calendar_method (or None) and
    # content (base64). Messages kept before attachments existed have none.
    attachments: list[dict] = field(default_factory=list)

    def attachment(self, index: int) -> tuple[str, str, bytes] | None:
        """The file at this place as (filename, content type, content), or None."""
        if not 0 <= index < len(self.attachments):
            return None
        kept = self.attachments[index]
        try:
            content = base64.b64decode(kept["content"], validate=True)
            return str(kept["filename"]), str(kept["content_type"]), content
        except (KeyError, TypeError, binascii.Error):
            return None


class LocalMailbox:
    """MailTransport that keeps each message as <directory>/<id>.json instead of sending it."""

    def __init__(self, directory: str | os.PathLike):
        self._directory = Path(directory)

    def send(self, email: OutgoingEmail) -> str:
        message = build_mime(email)
        stored = StoredMessage(
            id=uuid.uuid4().hex,
            to=email.to,
            subject=email.subject,
            html=email.html,
            text=email.text,
            headers={name: str(value) for name, value in message.items()},
            sent_at=datetime.now(UTC).isoformat(),
            attachments=[
                {
                    "filename": attachment.filename,
                    "content_type": attachment.content_type,
                    "size": len(attachment.content),
                    "calendar_method": attachment.inline_calendar_method,
                    "content": base64.b64encode(attachment.content).decode("ascii"),
                }
                for attachment in email.attachments
            ],
        )
        self._directory.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed: a reader never sees half a message.
        handle, temporary = tempfile.mkstemp(dir=self._directory, suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                json.dump(stored.__dict__, file, ensure_ascii=False)
            os.replace(temporary, self._directory / f"{stored.id}.json")
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return stored.id

    def list(self) -> list[StoredMessage]:
        """Every kept message, newest first."""
        if not self._directory.is_dir():
            return []
        messages = [self._read(path) for path in self._directory.glob("*.json")]
        found = [message for message in messages if message is not None]
        return sorted(found, key=lambda message: message.sent_at, reverse=True)

    def get(self, message_id: str) -> StoredMessage | None:
        """The message with this id, or None. Anything but a 32-digit hex id is refused."""
        if not isinstance(message_id, str) or not _MESSAGE_ID.fullmatch(message_id):
            raise ValueError("a mailbox message id is 32 lower-case hex digits")
        return self._read(self._directory / f"{message_id}.json")

    @staticmethod
    def _read(path: Path) -> StoredMessage | None:
        try:
            return StoredMessage(**json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None
