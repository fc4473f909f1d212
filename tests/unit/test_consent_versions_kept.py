"""Consent texts are versioned and kept (POPIA): every version a record can carry resolves to
a kept text, so an export (services/privacy/export.py) can show the words a person agreed
to. A case carries the version of the feedback form's statement (the web form's and API's
ConsentInput, or a Google Form mapping's consent_version), a forum registration the forum
statement's (RegistrationForm, or a registration form mapping's); every intake refuses a
version with no kept text, and no published version is ever dropped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from functions.domain.cases.google_forms import FormMapping
from functions.domain.cases.submission import ConsentInput
from functions.domain.forums.registration import RegistrationForm
from functions.domain.privacy.consents import consent_text, consents_given
from functions.domain.shared.consent import (
    CONSENT_TEXTS,
    CURRENT_CONSENT_VERSION,
    FORUM_CONSENT_TEXTS,
    FORUM_CONSENT_VERSION,
)

MAPPINGS = sorted((Path(__file__).parents[2] / "infra/google_forms/mappings").glob("*.json"))
# Every version ever shown to anyone: records carrying them exist. Add a new one here when it
# is published; removing one from the consent texts fails this test.
PUBLISHED = {"2026-11", "forum-2026-11"}
NETWORK = "Soweto ECD Network"


def test_every_published_version_is_kept_with_its_text():
    assert set(CONSENT_TEXTS) | set(FORUM_CONSENT_TEXTS) >= PUBLISHED
    assert {CURRENT_CONSENT_VERSION, FORUM_CONSENT_VERSION} <= PUBLISHED
    assert not set(CONSENT_TEXTS) & set(FORUM_CONSENT_TEXTS), "one text a version"
    for version in PUBLISHED:
        text = consent_text(version, NETWORK)
        assert text and NETWORK in text and "%(" not in text


@pytest.mark.parametrize("path", MAPPINGS, ids=lambda path: path.stem)
def test_every_google_form_mapping_carries_a_kept_version(path):
    mapping = FormMapping.model_validate(json.loads(path.read_text(encoding="utf-8")))
    assert consent_text(mapping.consent_version, NETWORK)
    if mapping.purpose == "case":  # its cases carry this version
        assert mapping.consent_version in CONSENT_TEXTS


@pytest.mark.parametrize("purpose", ["case", "forum_registration", "forum_survey"])
@pytest.mark.parametrize("version", ["2020-01", "", "forum-2020-01"])
def test_a_mapping_with_a_version_not_kept_is_refused(purpose, version):
    with pytest.raises(ValidationError, match="consent"):
        FormMapping(form_id="f1", purpose=purpose, consent_version=version, forum_id="x",
                    questions={"Centre": "centre"} if purpose == "case" else {})  # fmt: skip


def test_a_feedback_form_mapping_carries_the_feedback_statement_not_the_forums():
    with pytest.raises(ValidationError, match="feedback consent"):
        FormMapping(form_id="f1", consent_version=FORUM_CONSENT_VERSION, questions={})


def test_intake_refuses_a_version_not_kept():
    assert ConsentInput(given=True, version=CURRENT_CONSENT_VERSION).version in CONSENT_TEXTS
    with pytest.raises(ValidationError):
        ConsentInput(given=True, version="2020-01")
    fields = {"forum_id": "f", "name": "N", "role": "parent", "email": "n@example.org",
              "consent": True}  # fmt: skip
    assert RegistrationForm(**fields, consent_version=FORUM_CONSENT_VERSION)
    with pytest.raises(ValidationError):
        RegistrationForm(**fields, consent_version=CURRENT_CONSENT_VERSION)


def test_the_export_gives_each_consent_with_its_text():
    records = {
        "cases": [{"path": "cases/FB-1", "record": {"consent": {
            "given": True, "version": "2026-11", "recorded_at": "2026-11-30"}}},
            {"path": "cases/FB-2", "record": {"consent": {"given": False}}}],
        "registrations": [{"path": "forum_registrations/r", "record": {
            "consent_version": "forum-2026-11", "consented_at": "2026-12-01"}}],
    }  # fmt: skip
    given = consents_given(records, NETWORK)
    assert [(c["record"], c["version"]) for c in given] == [
        ("cases/FB-1", "2026-11"), ("forum_registrations/r", "forum-2026-11")]  # fmt: skip
    assert all(NETWORK in c["text"] for c in given)
    assert consent_text("2020-01", NETWORK) is None and consent_text(None, NETWORK) is None
