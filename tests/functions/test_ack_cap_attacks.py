"""Attacks on the acknowledgement cap (issue 9): one mailbox written many ways, a tally that
Firestore cannot read or write, a retried message, an urgent case's staff alert."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest

from functions import wiring
from functions.domain.mail import acknowledgement_cap as cap
from functions.domain.mail.outbox import DeliveryState, MessageKind
from functions.domain.shared.contact import address_key, normalise_email
from functions.services.errors import StorageUnavailable
from functions.services.mail.deliver import DeliveryResult, deliver_batch
from tests.builders import message, write_messages
from tests.functions.test_acknowledgement_cap import (
    NOW,
    Recording,
    deliver,
    deps_at,
    stored,
)

# ------------------------------------------------------------------ one mailbox, many spellings

SAME_MAILBOX = [
    "Naledi.Mokoena@Gmail.com",
    "naledi.mokoena+1@gmail.com",
    "nalediMokoena+case2@gmail.com",
    "n.a.l.e.d.i.mokoena@googlemail.com",
    "NALEDI.MOKOENA+X@GMAIL.COM",
]


def test_one_gmail_mailbox_however_written_shares_one_cap(project):
    """Plus-addressing and Gmail's dots reach one mailbox: a stranger typing a+1@, a+2@ ...
    must not escape the cap."""
    items = [message(to) for to in SAME_MAILBOX]
    write_messages(wiring.transactions(), items)
    transport = Recording()
    deps = deps_at(transport)
    results = [deliver(m, deps) for m in items]
    assert results == [DeliveryResult.SENT] * 3 + [DeliveryResult.SUPPRESSED] * 2
    assert len(transport.sent) == 3


def test_a_plus_tag_elsewhere_is_the_same_mailbox_too(project):
    items = [message(f"parent+{n}@example.org") for n in range(4)]
    write_messages(wiring.transactions(), items)
    deps = deps_at(Recording())
    assert [deliver(m, deps) for m in items][-1] == DeliveryResult.SUPPRESSED


@pytest.mark.parametrize(
    "spelling",
    [
        "Parent@Example.org",  # case
        "parent@ＥＸＡＭＰＬＥ.ORG",  # full-width domain (normalised at intake)
        "parent@EXAMPLE.org",
    ],
)
def test_spellings_intake_accepts_map_to_one_tally(spelling):
    assert cap.mailbox_key(normalise_email(spelling)) == cap.mailbox_key("parent@example.org")


def test_idna_forms_of_one_domain_map_to_one_tally():
    unicode_form = normalise_email("ouma@bücher.example")
    assert unicode_form == "ouma@xn--bcher-kva.example"
    assert cap.mailbox_key(unicode_form) == cap.mailbox_key("ouma@bücher.example")
    assert cap.mailbox_key("ouma@xn--bcher-kva.example.") == cap.mailbox_key(unicode_form)


def test_a_trailing_dot_and_full_width_local_parts_are_refused_at_intake():
    for spelling in ("parent@example.org.", "ｐａｒｅｎｔ@example.org"):
        with pytest.raises(ValueError):
            normalise_email(spelling)


def test_different_mailboxes_keep_different_tallies():
    keys = {cap.mailbox_key(a) for a in ("a.b@example.org", "ab@example.org", "a-b@gmail.com")}
    assert len(keys) == 3  # dots are dropped for Gmail only; '-' is not a tag separator
    assert cap.mailbox_key("a@example.org") != address_key("a@example.org")  # not a suppression key


# ------------------------------------------------------------------ the tally's store fails


class TallyDown:
    """The outbox, whose acknowledgement tally Firestore cannot reach for now."""

    def __init__(self, outbox):
        self._outbox = outbox

    def __getattr__(self, name):
        return getattr(self._outbox, name)

    def take_acknowledgement_place(self, *_args):
        raise StorageUnavailable("DeadlineExceeded")


def test_a_tally_outage_retries_the_acknowledgement_and_delays_no_staff_alert(project):
    ack = message("stranger@example.org")
    urgent_alert = message("principal@centre.example.org", template="case_notification",
                           kind=MessageKind.TRANSACTIONAL)  # fmt: skip
    write_messages(wiring.transactions(), [ack, urgent_alert])
    transport = Recording()
    down = deps_at(transport)
    down.outbox = TallyDown(wiring.outbox())
    batch = [(m.message_id, address_key(m.to)) for m in (ack, urgent_alert)]
    assert deliver_batch(batch, down) == [DeliveryResult.RETRY, DeliveryResult.SENT]
    assert transport.sent == ["principal@centre.example.org"]
    pending = stored(ack.message_id)
    assert pending.state == DeliveryState.PENDING and pending.attempts == 0  # never claimed
    later = deps_at(transport, NOW + timedelta(minutes=1))
    assert deliver_batch(batch, later) == [DeliveryResult.SENT, DeliveryResult.ALREADY_DONE]
    assert Counter(transport.sent) == {"principal@centre.example.org": 1,
                                       "stranger@example.org": 1}  # fmt: skip


# ------------------------------------------------------------------ retries and other hours


def test_a_message_retried_after_its_lease_lapsed_counts_once(project):
    first, second, third = (message("stranger@example.org") for _ in range(3))
    write_messages(wiring.transactions(), [first, second, third])
    transport = Recording()
    wiring.outbox().take_acknowledgement_place(first.to, first.message_id, NOW)
    outbox = wiring.outbox()
    loaded = outbox.load(first.message_id, address_key(first.to))
    from functions.domain.mail.outbox import claimed

    outbox.update_if_unchanged(first.message_id, loaded.version, claimed(first, NOW))  # then died
    after_lease = deps_at(transport, NOW + timedelta(minutes=30))
    assert deliver(first, after_lease) == DeliveryResult.SENT
    assert [deliver(m, after_lease) for m in (second, third)] == [DeliveryResult.SENT] * 2


def test_another_hours_places_do_not_fill_this_hour():
    old = {f"m{n}": NOW - cap.WINDOW - timedelta(seconds=n) for n in range(5)}
    verdict = cap.decide(old, "new", NOW)
    assert verdict.allowed and set(verdict.sent) == {"new"}


def test_an_urgent_staff_alert_is_never_capped(project):
    alerts = [message("principal@centre.example.org", template="case_notification",
                      kind=MessageKind.TRANSACTIONAL, urgent=True) for _ in range(6)]  # fmt: skip
    write_messages(wiring.transactions(), alerts)
    transport = Recording()
    deps = deps_at(transport)
    assert [deliver(m, deps) for m in alerts] == [DeliveryResult.SENT] * 6
    assert not cap.capped("case_notification")
