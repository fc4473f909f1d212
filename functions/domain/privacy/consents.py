"""The consent a person gave, as they were shown it (no I/O): every version a record can carry
(a case's consent.version, a forum registration's consent_version, a Google Form mapping's)
is kept in domain/shared/consent.py, so an export can show the words agreed to."""

from __future__ import annotations

from functions.domain.shared.consent import CONSENT_TEXTS, FORUM_CONSENT_TEXTS


def consent_text(version: object, network: str) -> str | None:
    """The statement of `version` in English, with the network's name, or None when no kept
    text has that version (a test holds every version in use to a kept text)."""
    if not isinstance(version, str):
        return None
    text = CONSENT_TEXTS.get(version) or FORUM_CONSENT_TEXTS.get(version)
    return text % {"network": network} if text else None


def consents_given(records: dict[str, list[dict]], network: str) -> list[dict]:
    """Each consent the person's records carry: where, the version, when, and its text."""
    given = []
    for found in records.get("cases", []):
        consent = found["record"].get("consent") or {}
        if consent.get("given"):
            given.append(_consent("case", found, consent.get("version"),
                                  consent.get("recorded_at"), network))  # fmt: skip
    for found in records.get("registrations", []):
        record = found["record"]
        if record.get("consent_version"):
            given.append(_consent("forum_registration", found, record["consent_version"],
                                  record.get("consented_at"), network))  # fmt: skip
    return given


def _consent(where: str, found: dict, version, at, network: str) -> dict:
    return {"record": found["path"], "kind": where, "version": version, "given_at": at,
            "text": consent_text(version, network)}  # fmt: skip
