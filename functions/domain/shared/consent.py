"""Consent statements under POPIA. A case stores the version its reporter agreed to."""

from __future__ import annotations

from functions.domain.shared.vocabulary import N_

CURRENT_CONSENT_VERSION = "2026-11"

# "%(network)s" is the network's name (NETWORK_NAME) as the page shows it. A version's
# statement is its English with its translations (the catalogues): a parent agrees to it in
# the language they read the form in, so changing either wording is a new version.
CONSENT_TEXTS: dict[str, str] = {
    "2026-11": N_(
        "I agree that %(network)s may keep what I share here, and my contact details if I give "
        "them, to look into my feedback and reply to me. Only the centre and the network's "
        "customer-service staff will see it. I can ask to see or delete my information at any time."
    ),
}


def is_known_version(version: str) -> bool:
    return version in CONSENT_TEXTS


# What a forum registration agrees to (a version of its own: forums are not feedback).
FORUM_CONSENT_VERSION = "forum-2026-11"
FORUM_CONSENT_TEXTS: dict[str, str] = {
    "forum-2026-11": N_(
        "I agree that %(network)s may keep my registration (my name, role, centre, contact "
        "details and what I wrote here) to organise the forum, send me its invitation, "
        "reminders and joining details, and count attendance. I can cancel, or ask to see or "
        "delete my information, at any time."
    ),
}
