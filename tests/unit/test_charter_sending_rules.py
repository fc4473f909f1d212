"""The rules of a charter's distribution without I/O: what a record says after each step, when
a version is still to send, who is reminded, what a confirmation link carries, and the email
composed at delivery with its PDFs (the same bytes every time; a broken charter fails it)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from functions.domain.charters import records as rules
from functions.domain.charters.content import charter_version
from functions.domain.charters.records import CharterStep, Confirmation
from functions.domain.mail.email import MailProblem
from functions.domain.shared.signing import Purpose
from functions.rendering import render_email
from functions.services.charters.confirm import read_confirm_token
from functions.services.charters.distribute import needs_sending, send_task
from functions.services.charters.send import charter_mail
from functions.services.mail.deliver import _compose
from tests.builders import SETUP, SIGNER
from tests.unit.test_charter_content import build

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
LINKS = SETUP._replace(links=SETUP.links._replace(
    charter_confirm_page="https://f.example/confirm_charter"))  # fmt: skip


def _sent(version="v1", at=NOW, to="p@x.org"):
    return rules.sent(rules.blank("c1", "r1"), version, "2026-12", "2026-12", to, at, "r1")


def test_a_record_tells_what_was_sent_confirmed_and_reminded():
    record = _sent()
    assert (record.version, record.sent_to, record.sent_at) == ("v1", "p@x.org", NOW)
    assert not record.confirmed and not record.awaiting_confirmation(NOW + timedelta(days=6))
    assert record.due_reminder(NOW + timedelta(days=7))
    reminded = rules.reminded(record, NOW + timedelta(days=7))
    assert not reminded.due_reminder(NOW + timedelta(days=30))
    assert reminded.awaiting_confirmation(NOW + timedelta(days=30))  # still listed
    assert rules.confirmation(reminded, "v1") == Confirmation.CONFIRMED
    done = rules.confirmed(reminded, NOW + timedelta(days=8))
    assert done.confirmed and rules.confirmation(done, "v1") == Confirmation.ALREADY
    assert [e.step for e in done.history] == [CharterStep.SENT, CharterStep.REMINDED,
                                              CharterStep.CONFIRMED]  # fmt: skip
    newer = rules.sent(done, "v2", "2026-12", "2026-12", "p@x.org", NOW + timedelta(days=9), "r1")
    assert not newer.confirmed and newer.confirmed_version == "v1"  # v1 is on the wall still
    assert rules.confirmation(newer, "v1") == Confirmation.SUPERSEDED
    assert newer.due_reminder(NOW + timedelta(days=16))  # a new version: reminded again
    assert rules.confirmation(None, "v1") == Confirmation.NOT_SENT


def test_a_version_not_sent_for_want_of_an_address_is_noted_once():
    record = rules.not_sent(rules.blank("c1", "r1"), "v1", "no_email", NOW, "r1")
    assert record.version is None and record.unsent_version == "v1"
    assert rules.not_sent(record, "v1", "no_email", NOW, "r1") is None
    assert not record.awaiting_confirmation(NOW + timedelta(days=30))
    assert rules.confirmation(record, "v1") == Confirmation.NOT_SENT
    assert needs_sending(record, "v1", None) is False
    assert needs_sending(record, "v1", "new@x.org") is True
    sent = rules.sent(record, "v1", "t", "p", "new@x.org", NOW, "r1")
    assert sent.unsent_version is None and needs_sending(sent, "v1", "new@x.org") is False
    assert needs_sending(sent, "v2", "new@x.org") and needs_sending(sent, "v1", "other@x.org")


def test_the_history_stays_small():
    record = _sent()
    for day in range(100):
        record = rules.sent(record, f"v{day}", "t", "p", "p@x.org", NOW, "r1")
    assert len(record.history) == rules.HISTORY_KEPT and record.history[-1].version == "v99"


def test_a_task_is_named_by_centre_version_and_address_and_carries_ids_only():
    task = send_task("c1", "v1", "p@x.org")
    assert task.payload == {"centre_id": "c1", "version": "v1"}
    assert send_task("c1", "v1", "p@x.org").dedupe_key == task.dedupe_key
    assert "p@x.org" not in task.dedupe_key
    assert len({task.dedupe_key, send_task("c1", "v2", "p@x.org").dedupe_key,
                send_task("c1", "v1", "q@x.org").dedupe_key,
                send_task("c1", "v1", None).dedupe_key}) == 4  # fmt: skip


def test_a_confirmation_token_carries_one_centre_and_one_version():
    token = SIGNER.sign(Purpose.CHARTER_CONFIRM, "centre:with:colons:v1")
    assert read_confirm_token(token, SIGNER) == ("centre:with:colons", "v1")
    for value in ("", "nocolon", ":v1", "c1:"):
        assert read_confirm_token(SIGNER.sign(Purpose.CHARTER_CONFIRM, value), SIGNER) is None
    assert read_confirm_token(SIGNER.sign(Purpose.ADVISORY_RESPONSE, "c1:v1"), SIGNER) is None
    for junk in (None, 5, "x" * 5000, "a\r\nb", "\ud800", token + "x"):
        assert read_confirm_token(junk, SIGNER) is None


def test_the_email_composed_at_delivery_has_its_pdfs_and_a_signed_link():
    charter = build()  # speaks isiZulu, Sesotho and English: produced in English and isiZulu
    version = charter_version(charter)
    mail = charter_mail(charter, version, "p@x.org", "Net", NOW)
    assert mail.data["charter_confirm"] == f"{charter.centre_id}:{version}"
    assert "token" not in str(mail.data)  # signed at delivery: the outbox keeps no token
    composed = _compose(mail, render_email, LINKS)
    names = [a.filename for a in composed.attachments]
    assert names == ["charter-en.pdf", "charter-zu.pdf", "charter-poster-en.pdf"]
    assert all(a.content.startswith(b"%PDF") for a in composed.attachments)
    again = _compose(mail, render_email, LINKS)
    assert [a.content for a in again.attachments] == [a.content for a in composed.attachments]
    link = next(w for w in composed.text.split() if "confirm_charter?token=" in w)
    token = link.split("token=", 1)[1]
    assert read_confirm_token(token, SIGNER) == (charter.centre_id, version)
    assert charter.centre_name in composed.subject and "\n" not in composed.subject


@pytest.mark.parametrize("stored", [{"centre_id": "c1"}, "text", [1, 2]])
def test_a_stored_charter_that_is_not_one_fails_the_mail_with_our_words(stored):
    mail = charter_mail(build(), "v1", "p@x.org", "Net", NOW)
    broken = mail.model_copy(update={"data": {**mail.data, "charter": stored}})
    with pytest.raises(MailProblem, match="charter"):
        _compose(broken, render_email, LINKS)
    languages = {**mail.data["charter"], "languages": []}
    empty = mail.model_copy(update={"data": {**mail.data, "charter": languages}})
    with pytest.raises(MailProblem, match="no language"):
        _compose(empty, render_email, LINKS)


def test_without_the_charter_a_reminder_attaches_nothing():
    mail = charter_mail(build(), "v1", "p@x.org", "Net", NOW, template="charter_reminder")
    reminder = mail.model_copy(update={"data": {**mail.data, "charter": None, "sent_at": None}})
    composed = _compose(reminder, render_email, LINKS)
    assert composed.attachments == () and "new version comes in an email" in composed.text
