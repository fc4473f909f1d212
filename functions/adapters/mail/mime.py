"""MIME for outgoing mail: both parts, attachments, our own headers, List-* kept readable."""

from __future__ import annotations

import functools
import re
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from functions.domain.mail.email import OutgoingEmail

_OWN_HEADERS = frozenset(
    {"from", "to", "cc", "bcc", "sender", "subject", "date", "message-id", "reply-to"}
    | {"mime-version", "content-type", "content-transfer-encoding"}
)
# Where a List-* header may be folded: after the comma that ends a <URL> entry.
_BETWEEN_ENTRIES = re.compile(r"(?<=>),\s*(?=<)")


@functools.cache
def _policy():
    """SMTP's policy (CRLF, 78-column folding), except that List-* headers are never encoded.

    Python folds an ASCII token longer than a line (a List-Unsubscribe URL with a token) into
    RFC 2047 encoded-words; mail clients read these headers as raw <URL> lists and would then
    find no usable link. They are folded only between their comma-separated entries instead.
    """
    from email.policy import EmailPolicy

    class _MailPolicy(EmailPolicy):
        def _verbatim(self, name: str, value) -> str | None:
            text = str(value)
            if not name.lower().startswith("list-") or not text.isascii():
                return None
            line = f"{name}: {text}"
            if len(line) > self.max_line_length:
                line = _BETWEEN_ENTRIES.sub(f",{self.linesep} ", line)
            return line + self.linesep

        def fold(self, name, value):
            return self._verbatim(name, value) or super().fold(name, value)

        def fold_binary(self, name, value):
            verbatim = self._verbatim(name, value)
            return verbatim.encode("ascii") if verbatim else super().fold_binary(name, value)

    return _MailPolicy(linesep="\r\n")


def bare_address(header_value: str) -> str:
    return parseaddr(header_value)[1]


def build_mime(email: OutgoingEmail, now: datetime | None = None) -> EmailMessage:
    """The email as multipart/alternative (text/plain, then text/html), UTF-8, ready to send;
    with attachments, that alternative inside a multipart/mixed (see _attach).

    The Message-ID is the outbox id at the sender's domain when the email has one, so every
    sending of one outbox message carries the same Message-ID.
    """
    clashes = sorted(name for name in email.headers if name.lower() in _OWN_HEADERS)
    if clashes:
        raise ValueError(f"extra headers may not set {', '.join(clashes)}")
    message = EmailMessage(policy=_policy())
    message["From"] = email.sender
    message["To"] = email.to
    message["Subject"] = email.subject
    message["Date"] = format_datetime(now or datetime.now(UTC), usegmt=True)
    domain = bare_address(email.sender).rpartition("@")[2] or "localhost"
    message["Message-ID"] = (
        f"<{email.message_id}@{domain}>" if email.message_id else make_msgid(domain=domain)
    )
    if email.reply_to:
        message["Reply-To"] = email.reply_to
    for name, value in email.headers.items():
        message[name] = value
    # Quoted-printable keeps both parts 7-bit: safe through any relay, lines within 76 columns.
    message.set_content(email.text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(email.html, subtype="html", charset="utf-8", cte="quoted-printable")
    if email.attachments:
        _attach(message, email.attachments)
    for part in message.walk():
        if part is not message:
            del part["MIME-Version"]  # add_* repeats it on each part; it belongs on top
    return message


def _attach(message: EmailMessage, attachments) -> None:
    """multipart/mixed: the alternative first, then each file.

    An invitation is also the alternative's last part, text/calendar with its METHOD, as
    Google Calendar and Outlook send theirs: that part is what mail clients read to offer
    Accept/Decline or to update or remove the event; the attached file is for the others.
    """
    for attachment in attachments:
        if attachment.inline_calendar_method:
            # base64 carries the file byte for byte (its CRLFs and folded lines) through any relay.
            message.add_alternative(
                attachment.content, maintype="text", subtype="calendar", cte="base64",
                params={"charset": "UTF-8", "method": attachment.inline_calendar_method},
            )  # fmt: skip
    message.make_mixed()
    for attachment in attachments:
        maintype, subtype = attachment.content_type.split("/")
        message.add_attachment(
            attachment.content, maintype=maintype, subtype=subtype,
            filename=attachment.filename, params={"name": attachment.filename},
        )  # fmt: skip
