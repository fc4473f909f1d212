"""Attacks on the administrators' rules, without the emulator."""

from __future__ import annotations

import time

import pytest

from functions.adapters import google_oidc
from functions.domain.directory.models import person_key
from functions.services.errors import InvalidToken


def _claims(email: str) -> dict:
    now = int(time.time())
    return {"iss": "https://accounts.google.com", "aud": "client", "email": email,
            "email_verified": True, "iat": now, "exp": now + 600}  # fmt: skip


@pytest.mark.parametrize(
    "email",
    [
        "\u212aabelo@example.org",  # KELVIN SIGN: lower() makes it "kabelo@example.org"
        "admin@ecd.example.\u0130rg",  # İ: lower() makes it "i̇"
        "ADMİN@ecd.example.org",
    ],
)
def test_an_email_that_only_lowercases_into_an_allow_listed_one_is_refused(email):
    with pytest.raises(InvalidToken):
        google_oidc._identity(_claims(email))


def test_an_ascii_email_differing_in_case_is_the_same_administrator():
    identity = google_oidc._identity(_claims("Kabelo@Example.ORG"))
    assert person_key(identity.email) == person_key("kabelo@example.org")
