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


# An attachment's file name: one line of characters no header needs to quote or encode.
_FILENAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
_CONTENT_TYPE = re.compile(r"[a-z0-9][a-z0-9.+-]{0,63}/[a-z0-9][a-z0-9.+-]{0,63}")
ATTACHMENT_LIMIT = 2 * 1024 * 1024  # bytes, all attachments together: invitations, not files
_CALENDAR_TYPES = frozenset({"text/calendar", "application/ics"})
CALENDAR_METHODS = frozenset({"REQUEST", "CANCEL", "PUBLISH"})


@dataclass(frozen=True)
class Attachment:
    """A file sent with an email. `inline_calendar_method` (REQUEST, CANCEL) makes it an
    invitation too: the same calendar is then also a text/calendar alternative of the body,
    which is what mail clients read to offer to add, update or remove the event."""

    filename: str
    content_type: str
    content: bytes
    inline_calendar_method: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.filename, str) or not _FILENAME.fullmatch(self.filename):
            raise MailProblem("an attachment's file name is letters, digits, dots, dashes or _")
        if not isinstance(self.content_type, str) or not _CONTENT_TYPE.fullmatch(self.content_type):
            raise MailProblem("an attachment's content type is a lower-case type/subtype")
        if not isinstance(self.content, bytes):
            raise MailProblem("an attachment's content is bytes")
        method = self.inline_calendar_method
        if method is not None:
            if method not in CALENDAR_METHODS or self.content_type not in _CALENDAR_TYPES:
                raise MailProblem("an invitation is text/calendar or application/ics with "
                                  "method REQUEST, CANCEL or PUBLISH")  # fmt: skip
            try:
                self.content.decode("utf-8")
            except UnicodeDecodeError:
                raise MailProblem("an invitation's calendar is not UTF-8") from None


@dataclass(frozen=True)
class OutgoingEmail:
    """What a MailTransport sends: both parts, always, any extra headers and attachments.

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
    attachments: tuple[Attachment, ...] = ()

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
        if not isinstance(self.attachments, tuple) or not all(
            isinstance(attachment, Attachment) for attachment in self.attachments
        ):
            raise MailProblem("attachments are a tuple of Attachment")
        if sum(len(attachment.content) for attachment in self.attachments) > ATTACHMENT_LIMIT:
            raise MailProblem("attachments over 2 MiB")
        if sum(bool(a.inline_calendar_method) for a in self.attachments) > 1:
            raise MailProblem("an email carries at most one invitation")
