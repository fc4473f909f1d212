"""SMTP with STARTTLS: credentials never cross the wire in clear.

Errors carry the SMTP code, the enhanced status and a short fixed reason, never the server's
text, which often quotes the recipient address.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from functions.adapters.mail.mime import bare_address, build_mime
from functions.services.errors import PermanentDeliveryError, TransientDeliveryError

if TYPE_CHECKING:
    import ssl

    from functions.domain.mail.email import OutgoingEmail

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
                    message, from_addr=bare_address(email.sender), to_addrs=[bare_address(email.to)]
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
