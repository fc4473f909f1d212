"""The acknowledgement cap: no more than three acknowledgements an hour to one address,
through the entry points and the delivery service over the Firestore emulator."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from functions import wiring
from functions.adapters.mail.local_mailbox import LocalMailbox
from functions.config import get_settings
from functions.domain.mail import acknowledgement_cap as cap
from functions.domain.mail.outbox import DeliveryState, MessageKind, OutboxMessage
from functions.domain.shared.contact import address_key
from functions.services.errors import TransientDeliveryError
from functions.services.mail.deliver import DeliveryResult, deliver_email
from tests.builders import message, service_deps, write_messages
from tests.functions.test_new_case_mail import CENTRE_TEAM, SUBMISSION, deliver_all

STRANGER = "stranger@example.org"
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


class Recording:
    """A transport that takes every message (after `fail_first` transient failures)."""

    def __init__(self, fail_first: int = 0):
        self.sent: list[str] = []
        self._failures = fail_first
        self._lock = threading.Lock()

    def send(self, email) -> str:
        with self._lock:
            if self._failures:
                self._failures -= 1
                raise TransientDeliveryError("421 try again later")
            self.sent.append(email.to)
            return f"provider-{len(self.sent)}"


def deps_at(transport, now=NOW):
    return service_deps(outbox=wiring.outbox(), transport=transport, clock=lambda: now)


def stored(message_id: str) -> OutboxMessage:
    data = wiring.firestore_client().collection("outbox").document(message_id).get().to_dict()
    return OutboxMessage.model_validate(data)


def tally_of(address: str) -> dict | None:
    ref = wiring.firestore_client().collection("acknowledgement_tallies")
    return ref.document(cap.mailbox_key(address)).get().to_dict()


def acknowledgements(count: int, to: str = STRANGER) -> list[OutboxMessage]:
    messages = [message(to) for _ in range(count)]
    write_messages(wiring.transactions(), messages)
    return messages


def deliver(item: OutboxMessage, deps) -> DeliveryResult:
    return deliver_email(item.message_id, address_key(item.to), deps)


# ---------------------------------------------------------------------- through intake


def test_the_fourth_acknowledgement_within_the_hour_is_suppressed_and_the_case_still_made(
    client_for, tasks
):
    api = client_for("submit_feedback")
    references = []
    for n in range(4):  # someone types the same stranger's address into four submissions
        body = SUBMISSION | {"description": f"Complaint {n}", "reporter": {"email": STRANGER}}
        answer = api.post("/", json=body, headers={"X-Forwarded-For": f"203.0.113.{n}"})
        assert answer.status_code == 201
        references.append(answer.get_json()["reference"])
        deliver_all(client_for, tasks)  # each case's mail goes out before the next arrives
    assert all(wiring.case_reader().get(reference) for reference in references)
    outbox = [d.to_dict() for d in wiring.firestore_client().collection("outbox").stream()]
    to_stranger = sorted((m for m in outbox if m["to"] == STRANGER),
                         key=lambda m: m["created_at"])  # fmt: skip
    assert [m["state"] for m in to_stranger] == [DeliveryState.SENT] * 3 + [
        DeliveryState.SUPPRESSED
    ]
    assert to_stranger[-1]["last_error"] == cap.REASON
    assert to_stranger[-1]["case_reference"] == references[-1]
    # The centre's team heard of all four cases.
    alerts = [m for m in outbox if m["to"] in CENTRE_TEAM]
    assert len(alerts) == 4 * len(CENTRE_TEAM)
    assert {m["state"] for m in alerts} == {DeliveryState.SENT}
    mailbox = Counter(m.to for m in LocalMailbox(get_settings().local_mailbox_dir).list())
    assert mailbox[STRANGER] == 3 and all(mailbox[to] == 4 for to in CENTRE_TEAM)


# -------------------------------------------------------------------- the delivery service


def test_a_retried_delivery_does_not_count_twice(project):
    first, second, third, fourth = acknowledgements(4)
    transport = Recording(fail_first=2)
    deps = deps_at(transport)
    assert deliver(first, deps) == DeliveryResult.RETRY  # the provider said "later", twice
    assert deliver(first, deps) == DeliveryResult.RETRY
    assert deliver(first, deps) == DeliveryResult.SENT
    assert [deliver(m, deps) for m in (second, third)] == [DeliveryResult.SENT] * 2
    assert deliver(fourth, deps) == DeliveryResult.SUPPRESSED
    assert transport.sent == [STRANGER] * 3
    assert stored(fourth.message_id).last_error == cap.REASON
    assert deliver(fourth, deps) == DeliveryResult.ALREADY_DONE  # a redelivered task
    assert set(tally_of(STRANGER)["sent"]) == {m.message_id for m in (first, second, third)}


def test_a_delivery_whose_sender_died_mid_send_keeps_its_place(project):
    first, second, third, fourth = acknowledgements(4)
    deps = deps_at(Recording())
    assert cap.decide({}, first.message_id, NOW).allowed
    wiring.outbox().take_acknowledgement_place(STRANGER, first.message_id, NOW)  # then died
    later = deps_at(deps.transport, NOW + timedelta(minutes=10))
    assert [deliver(m, later) for m in (first, second, third)] == [DeliveryResult.SENT] * 3
    assert deliver(fourth, later) == DeliveryResult.SUPPRESSED


def test_concurrent_deliveries_never_pass_the_cap_together(project):
    for round_ in range(3):
        address = f"round{round_}@example.org"
        items = acknowledgements(8, to=address)
        transport = Recording()
        deps = deps_at(transport)
        start, results = threading.Barrier(len(items)), {}

        def send(item, deps=deps, start=start, results=results):
            start.wait()
            results[item.message_id] = deliver(item, deps)

        threads = [threading.Thread(target=send, args=(item,)) for item in items]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert Counter(results.values()) == {DeliveryResult.SENT: 3,
                                             DeliveryResult.SUPPRESSED: 5}  # fmt: skip
        assert transport.sent == [address] * 3
        sent = {key for key, result in results.items() if result == DeliveryResult.SENT}
        assert set(tally_of(address)["sent"]) == sent


def test_after_an_hour_the_address_is_acknowledged_again(project):
    items = acknowledgements(5)
    deps = deps_at(Recording())
    assert [deliver(m, deps) for m in items[:4]] == [DeliveryResult.SENT] * 3 + [
        DeliveryResult.SUPPRESSED
    ]
    an_hour_on = deps_at(deps.transport, NOW + cap.WINDOW + timedelta(seconds=1))
    assert deliver(items[4], an_hour_on) == DeliveryResult.SENT
    tally = tally_of(STRANGER)
    assert list(tally["sent"]) == [items[4].message_id]  # the old places were let go
    assert tally["expires_at"] == NOW + 2 * cap.WINDOW + timedelta(seconds=1)


def test_only_acknowledgements_count_and_only_to_their_own_address(project):
    items = acknowledgements(3)
    notice = message(STRANGER, template="case_notification", kind=MessageKind.NOTIFICATION)
    elsewhere = message("someone.else@example.org")
    write_messages(wiring.transactions(), [notice, elsewhere])
    transport = Recording()
    deps = deps_at(transport)
    assert [deliver(m, deps) for m in items] == [DeliveryResult.SENT] * 3
    assert deliver(notice, deps) == DeliveryResult.SENT  # staff mail is never capped
    assert deliver(elsewhere, deps) == DeliveryResult.SENT
    tally = tally_of(STRANGER)
    assert STRANGER not in str(tally) and set(tally) == {"sent", "expires_at"}


# ----------------------------------------------------------------------------- the rule


@pytest.mark.parametrize(
    ("ages_in_minutes", "allowed"),
    [([], True), ([5, 10], True), ([5, 10, 59], False), ([5, 10, 61], True), ([70, 80, 90], True)],
)
def test_the_rule_counts_the_past_hour(ages_in_minutes, allowed):
    sent = {f"m{n}": NOW - timedelta(minutes=age) for n, age in enumerate(ages_in_minutes)}
    verdict = cap.decide(sent, "new", NOW)
    assert verdict.allowed is allowed and verdict.changed is allowed
    assert all(NOW - at < cap.WINDOW for at in verdict.sent.values())


def test_the_rule_lets_a_counted_message_go_again_without_counting_it():
    sent = {f"m{n}": NOW - timedelta(minutes=n) for n in range(3)}
    verdict = cap.decide(sent, "m1", NOW)
    assert verdict.allowed and not verdict.changed and verdict.sent == sent


def test_the_rule_reads_only_what_it_can():
    assert cap.tally(None) == {} and cap.tally({"sent": "x"}) == {}
    assert cap.tally({"sent": {"a": NOW, "b": "yesterday"}}) == {"a": NOW}
