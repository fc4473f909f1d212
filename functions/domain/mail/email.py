"""An email ready for a transport, refusing anything that could break or inject a header."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from functions.domain.shared.text import breaks_a_line

# An outbox id becomes the Message-ID's left part: keep it to characters that need no quoting.
_MESSAGE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


class MailProblem(ValueError):
    """One message cannot be made; its text is safe to record (it never quotes the data)."""


class HeaderInjection(MailProblem):
    """A header value (address, subject, extra header) held a line break or a control."""


@dataclass(frozen=True)
class RenderedEmail:
    """Both parts of an email and its one-line subject, all non-empty (rendering makes it)."""

    subject: str
    html: str
    text: str


@dataclass(frozen=True)
class OutgoingEmail:
    """What a MailTransport sends: both parts, always, and any extra headers.

    `message_id` (the outbox id) makes the Message-ID header, so that a message sent twice
    is the same message to the mail clients that fold duplicates.
    """

    sender: str
    to: str
    subject: str
    html: str
    text: str
    headers: dict[str, str] = field(default_factory=dict)
    reply_to: str | None = None
    message_id: str | None = None

    def __post_init__(self) -> None:
        values = [self.sender, self.to, self.subject, self.reply_to or ""]
        values += [*self.headers, *self.headers.values()]
        if any(breaks_a_line(value) for value in values):
            raise HeaderInjection("line break or control character in an address, the subject "
                                  "or a header")  # fmt: skip
        if self.message_id is not None and not _MESSAGE_ID.fullmatch(self.message_id):
            raise MailProblem("a message id is 1 to 64 letters, digits, dots, dashes or _")
        if not (self.html and self.text):
            raise MailProblem("an email needs both an HTML and a plain-text part")
