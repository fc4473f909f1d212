"""Choosing the mail transport the settings name: Amazon SES, SMTP or the local mailbox."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from functions.config import Settings
    from functions.services.ports import MailTransport


def transport_from_settings(settings: Settings) -> MailTransport:
    """The transport settings.mail_transport names: "ses", "smtp" or "local"."""
    kind = settings.mail_transport.strip().lower()
    if kind == "ses":
        from functions.adapters.mail.ses import SesTransport, ses_client

        return SesTransport(ses_client(settings.ses_region), settings.ses_configuration_set)
    if kind == "smtp":
        from functions.adapters.mail.smtp import SmtpTransport

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
        from functions.adapters.mail.local_mailbox import LocalMailbox

        return LocalMailbox(settings.local_mailbox_dir)
    raise ValueError(
        f"MAIL_TRANSPORT must be 'ses', 'smtp' or 'local', not {settings.mail_transport!r}"
    )
