"""Mail transports: one MIME builder, Amazon SES v2, SMTP over STARTTLS, and a local mailbox.

boto3 (and smtplib, email.policy) are imported on first use so `import main` stays light.
Delivery errors carry a provider code and a short fixed reason, never the provider's text:
that text often quotes the recipient address, and these messages become last_error and logs.
"""

from __future__ import annotations

import functools
import json
import os
import re
import tempfile
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid, parseaddr
from pathlib import Path
from typing import TYPE_CHECKING

from functions.services.errors import PermanentDeliveryError, TransientDeliveryError

if TYPE_CHECKING:
    import ssl

    from functions.config import Settings
    from functions.domain.email import OutgoingEmail
    from functions.services.ports import MailTransport

# Headers build_mime sets itself: an extra header may not replace (or add a Bcc to) them.
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


def _address(header_value: str) -> str:
    return parseaddr(header_value)[1]


def build_mime(email: OutgoingEmail, now: datetime | None = None) -> EmailMessage:
    """The email as multipart/alternative (text/plain, then text/html), UTF-8, ready to send."""
    clashes = sorted(name for name in email.headers if name.lower() in _OWN_HEADERS)
    if clashes:
        raise ValueError(f"extra headers may not set {', '.join(clashes)}")
    message = EmailMessage(policy=_policy())
    message["From"] = email.sender
    message["To"] = email.to
    message["Subject"] = email.subject
    message["Date"] = format_datetime(now or datetime.now(UTC), usegmt=True)
    domain = _address(email.sender).rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid(domain=domain)
    if email.reply_to:
        message["Reply-To"] = email.reply_to
    for name, value in email.headers.items():
        message[name] = value
    # Quoted-printable keeps both parts 7-bit: safe through any relay, lines within 76 columns.
    message.set_content(email.text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(email.html, subtype="html", charset="utf-8", cte="quoted-printable")
    for part in message.iter_parts():
        del part["MIME-Version"]  # add_alternative repeats it on the part; it belongs on top
    return message


# --- Amazon SES (v2 API, raw content so that every header survives) -----------------------

_SES_TRANSIENT = {
    "TooManyRequestsException": "sending rate exceeded",
    "ThrottlingException": "throttled",
    "LimitExceededException": "limit exceeded",
    "ServiceUnavailable": "service unavailable",
    "InternalFailure": "internal failure",
    "InternalServerError": "internal error",
    # Paused sending (account or configuration set) is an operator's reversible decision and
    # the message itself is fine: retrying within the queue's attempts delivers it once sending
    # resumes instead of failing every email written during the pause.
    "SendingPausedException": "sending paused",
}
_SES_PERMANENT = {
    "MessageRejected": "message rejected",
    "MailFromDomainNotVerifiedException": "MAIL FROM domain not verified",
    "AccountSuspendedException": "account suspended",
    "BadRequestException": "bad request",
    "NotFoundException": "configuration set or identity not found",
}


@functools.cache
def ses_client(region: str):
    """A boto3 SES v2 client, built on first use (boto3 costs a cold start about 225 ms)."""
    import boto3
    from botocore.config import Config

    config = Config(
        connect_timeout=5, read_timeout=15, retries={"mode": "standard", "max_attempts": 3}
    )
    return boto3.session.Session().client("sesv2", region_name=region, config=config)


class SesTransport:
    """MailTransport over Amazon SES v2 SendEmail with raw MIME content."""

    def __init__(self, client, configuration_set: str | None = None):
        self._client = client
        self._configuration_set = configuration_set

    def send(self, email: OutgoingEmail) -> str:
        from botocore.exceptions import (
            ClientError,
            ConnectionError,
            HTTPClientError,
            NoCredentialsError,
        )

        request = {
            "FromEmailAddress": formataddr(parseaddr(email.sender)),
            "Destination": {"ToAddresses": [email.to]},
            "Content": {"Raw": {"Data": build_mime(email).as_bytes()}},
        }
        if self._configuration_set:
            request["ConfigurationSetName"] = self._configuration_set
        try:
            return self._client.send_email(**request)["MessageId"]
        except ClientError as error:
            raise _ses_error(error) from None
        except (ConnectionError, HTTPClientError) as error:  # connect/read timeouts, resets
            raise TransientDeliveryError(f"SES {type(error).__name__}: no answer") from None
        except NoCredentialsError:
            # Configuration, not the message: keep it queued while someone fixes the secret.
            raise TransientDeliveryError("SES NoCredentials: no AWS credentials") from None


def _ses_error(error) -> Exception:
    code = error.response.get("Error", {}).get("Code", "Unknown")
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
    if code in _SES_TRANSIENT:
        return TransientDeliveryError(f"SES {code}: {_SES_TRANSIENT[code]}")
    if code in _SES_PERMANENT:
        return PermanentDeliveryError(f"SES {code}: {_SES_PERMANENT[code]}")
    # An unknown code: the HTTP status says whose side it is on.
    if status >= 500 or status == 429:
        return TransientDeliveryError(f"SES {code}: HTTP {status}")
    return PermanentDeliveryError(f"SES {code}: HTTP {status}")


# --- SMTP (STARTTLS; credentials never cross the wire in clear) ------------------------------

_ENHANCED_STATUS = re.compile(rb"^\s*([245]\.\d{1,3}\.\d{1,3})\b")


class SmtpTransport:
    """MailTransport over SMTP: EHLO, STARTTLS, optional AUTH, one message per connection."""

    def __init__(
        self,
        host: str,
        port: int,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = True,
        timeout: float = 10,
        ssl_context: ssl.SSLContext | None = None,
    ):
        if username and not starttls:
            raise ValueError("SMTP credentials are only sent after STARTTLS: enable smtp_starttls")
        self._host, self._port, self._timeout = host, port, timeout
        self._username, self._password = username, password
        self._starttls, self._ssl_context = starttls, ssl_context

    def send(self, email: OutgoingEmail) -> str:
        import smtplib
        import ssl

        message = build_mime(email)
        try:
            with smtplib.SMTP(self._host, self._port, timeout=self._timeout) as smtp:
                smtp.ehlo()
                if self._starttls:
                    # Raises SMTPNotSupportedError when STARTTLS is not offered: never plaintext.
                    smtp.starttls(context=self._ssl_context or ssl.create_default_context())
                    smtp.ehlo()
                if self._username:
                    smtp.login(self._username, self._password or "")
                smtp.send_message(
                    message, from_addr=_address(email.sender), to_addrs=[_address(email.to)]
                )
        except smtplib.SMTPAuthenticationError as error:
            # A 535 is about our credentials, not this message: retry while they are fixed.
            reason = _smtp_reason(error.smtp_code, error.smtp_error, "authentication failed")
            raise TransientDeliveryError(reason) from None
        except smtplib.SMTPResponseException as error:
            raise _smtp_error(error.smtp_code, error.smtp_error, type(error).__name__) from None
        except smtplib.SMTPRecipientsRefused as error:
            answers = list(error.recipients.values())
            code, text = min(answers, key=lambda answer: answer[0])  # any 4xx: worth a retry
            raise _smtp_error(code, text, "recipient refused") from None
        except smtplib.SMTPNotSupportedError as error:  # no STARTTLS (or AUTH) on offer
            raise TransientDeliveryError(f"SMTP: {error}") from None
        except smtplib.SMTPServerDisconnected as error:
            # smtplib reports a read timeout or reset this way; name the cause when there is one.
            cause = f" ({type(error.__context__).__name__})" if error.__context__ else ""
            raise TransientDeliveryError(f"SMTP: server disconnected{cause}") from None
        except OSError as error:  # refused, unreachable, timed out, TLS failure
            reason = f"SMTP {type(error).__name__}: connection failed"
            raise TransientDeliveryError(reason) from None
        return str(message["Message-ID"])


def _smtp_reason(code: int, text: bytes | str, reason: str) -> str:
    raw = text.encode("utf-8", "replace") if isinstance(text, str) else text or b""
    enhanced = _ENHANCED_STATUS.match(raw)
    return f"SMTP {code}{' ' + enhanced.group(1).decode() if enhanced else ''}: {reason}"


def _smtp_error(code: int, text: bytes | str, reason: str) -> Exception:
    # Only a 5xx is final; a 4xx, and any unexpected code, is worth another attempt.
    description = _smtp_reason(code, text, reason)
    if 500 <= code < 600:
        return PermanentDeliveryError(description)
    return TransientDeliveryError(description)


# --- Local mailbox (make run): every message is a JSON file the dev_mailbox page reads -------

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


def transport_from_settings(settings: Settings) -> MailTransport:
    """The transport settings.mail_transport names: "ses", "smtp" or "local"."""
    kind = settings.mail_transport.strip().lower()
    if kind == "ses":
        return SesTransport(ses_client(settings.ses_region), settings.ses_configuration_set)
    if kind == "smtp":
        password = settings.smtp_password
        return SmtpTransport(
            settings.smtp_host,
            settings.smtp_port,
            username=settings.smtp_username,
            password=password.get_secret_value() if password else None,
            starttls=settings.smtp_starttls,
            timeout=settings.smtp_timeout_seconds,
        )
    if kind == "local":
        return LocalMailbox(settings.local_mailbox_dir)
    raise ValueError(
        f"MAIL_TRANSPORT must be 'ses', 'smtp' or 'local', not {settings.mail_transport!r}"
    )
