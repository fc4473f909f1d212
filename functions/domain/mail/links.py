"""Links that mail carries, derived at send time so the outbox stores no secret tokens."""

from __future__ import annotations

from typing import NamedTuple

from functions.domain.mail.outbox import MessageKind, OutboxMessage
from functions.domain.mail.suppression import unsubscribe_token
from functions.domain.shared.signing import Purpose, Signer


class MailLinks(NamedTuple):
    status_page: str  # URL of case_status
    unsubscribe_page: str  # URL of unsubscribe
    signer: Signer
    privacy_page: str = ""  # URL of privacy: who we are, how to reach us, parents' rights

    def for_message(self, message: OutboxMessage) -> dict[str, str | None]:
        """status_url for the case the message is about; unsubscribe_url for notifications;
        privacy_url always (every email says how to reach us and how we keep information)."""
        links: dict[str, str | None] = {"status_url": None, "unsubscribe_url": None,
                                        "privacy_url": self.privacy_page or None}  # fmt: skip
        if message.case_reference:
            links["status_url"] = status_link(self.status_page, message.case_reference,
                                              self.signer)  # fmt: skip
        if message.kind == MessageKind.NOTIFICATION:
            token = unsubscribe_token(message.to, self.signer)
            links["unsubscribe_url"] = f"{self.unsubscribe_page}?token={token}"
        return links

    def headers(self, message: OutboxMessage, unsubscribe_url: str | None) -> dict[str, str]:
        """One-click unsubscribe (RFC 8058) on notifications; priority on urgent mail."""
        headers = {}
        if unsubscribe_url:
            headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        if message.urgent:
            headers["Importance"] = "high"
            headers["X-Priority"] = "1"
        return headers


def status_link(status_page: str, reference: str, signer: Signer) -> str:
    """A parent's private link to a case's status page: the reference, signed."""
    return f"{status_page}?token={signer.sign(Purpose.CASE_STATUS, reference)}"
