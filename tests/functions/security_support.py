"""What the security sweep's tests share (tests/functions/test_security_*.py): a snapshot of
everything stored, to say "nothing changed", and administrators' Authorization headers."""

from __future__ import annotations

from functions import wiring
from tests import oidc

NETWORK_ADMIN = "admin@ecd.example.org"
GAUTENG_ADMIN = "admin.gauteng@ecd.example.org"
# Another region's centres and people, which a Gauteng administrator must never be shown.
WESTERN_CAPE_MARKS = ("fynbos-khayelitsha", "protea-mitchells-plain", "Fynbos", "Protea",
                      "Pieter van Wyk", "admin.westerncape")  # fmt: skip
# Stores that count requests, not what was asked for (the flood limit): a refused request may
# move them, by design.
COUNTERS = ("rate_limits", "flood_limits")


def bearer(google_idp, email: str, audience: str = oidc.OAUTH_CLIENT_ID) -> dict:
    return {"Authorization": f"Bearer {google_idp.mint(email, audience)}"}


def everything(skip: tuple[str, ...] = COUNTERS) -> dict[str, dict]:
    """Every document of the project, subcollections included: path -> fields."""
    found: dict[str, dict] = {}

    def walk(collections):
        for collection in collections:
            if collection.id in skip:
                continue
            for ref in collection.list_documents():
                snapshot = ref.get()
                if snapshot.exists:
                    found[ref.path] = snapshot.to_dict()
                walk(ref.collections())

    for client in (wiring.firestore_client(), wiring.admin_firestore_client()):
        walk(client.collections())
    return found


def changed(before: dict[str, dict], after: dict[str, dict]) -> list[str]:
    """The paths added, removed or changed between two snapshots."""
    return sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))
