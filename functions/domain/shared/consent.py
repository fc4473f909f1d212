"""Consent statements under POPIA. A case stores the version its reporter agreed to."""

from __future__ import annotations

CURRENT_CONSENT_VERSION = "2026-11"

# "{network}" is the network's name (NETWORK_NAME) as the page shows it.
CONSENT_TEXTS: dict[str, str] = {
    "2026-11": (
        "I agree that {network} may keep what I share here, and my contact details if I give "
        "them, to look into my feedback and reply to me. Only the centre and the network's "
        "customer-service staff will see it. I can ask to see or delete my information at any time."
    ),
}


def consent_text(version: str, network_name: str) -> str:
    """The statement a person agrees to, as they read it."""
    return CONSENT_TEXTS[version].replace("{network}", network_name)


def is_known_version(version: str) -> bool:
    return version in CONSENT_TEXTS
