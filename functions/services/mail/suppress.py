"""Who must not be mailed: unsubscribes from links in mail, bounces and complaints from SES."""

from __future__ import annotations

from functions.domain.mail.suppression import (
    MailFeedback,
    SuppressionReason,
    read_unsubscribe_token,
)
from functions.services.ports import Dependencies


def unsubscribe(token: object, deps: Dependencies) -> bool:
    """Stop notifications to the address a signed token stands for; False if it is not ours.
    Doing it twice changes nothing (a merge of one reason)."""
    key = read_unsubscribe_token(token, deps.signer)
    if key is None:
        return False
    deps.suppressions.add(None, SuppressionReason.UNSUBSCRIBED, deps.clock(), key=key)
    return True


def is_unsubscribe_token(token: object, deps: Dependencies) -> bool:
    return read_unsubscribe_token(token, deps.signer) is not None


def record_mail_feedback(feedback: MailFeedback, deps: Dependencies) -> None:
    """Suppress every address a permanent bounce or a complaint names."""
    if feedback.reason is None:
        return
    now = deps.clock()
    for address in sorted(feedback.addresses):
        deps.suppressions.add(address, feedback.reason, now)
