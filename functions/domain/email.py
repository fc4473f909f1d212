"""An email ready for a transport, refusing anything that could inject headers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_LINE_BREAK = re.compile(r"[\r\n\x00]")


class HeaderInjection(ValueError):
    """A header value (address, subject, extra header) carried a line break."""


@dataclass(frozen=True)
class OutgoingEmail:
    """What a MailTransport sends: both parts, always, and any extra headers."""

    sender: str
    to: str
    subject: str
    html: str
    text: str
    headers: dict[str, str] = field(default_factory=dict)
    reply_to: str | None = None

    def __post_init__(self) -> None:
        values = [self.sender, self.to, self.subject, self.reply_to or ""]
        values += [*self.headers, *self.headers.values()]
        if any(_LINE_BREAK.search(value) for value in values):
            raise HeaderInjection("line break in an address, the subject or a header")
        if not (self.html and self.text):
            raise ValueError("an email needs both an HTML and a plain-text part")
