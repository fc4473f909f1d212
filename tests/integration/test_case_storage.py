"""The unit of work against the real emulator: all or nothing, and nothing on a stale read."""

import threading
from datetime import UTC, datetime, timedelta

import pytest

from functions.adapters.firestore.cases import FirestoreCaseReader
from functions.adapters.firestore.service_levels import policy_from_file
from functions.domain.cases.models import Actor, CaseEvent, Consent, Reporter
from functions.domain.cases.opening import new_event_id, open_case
from functions.domain.shared.vocabulary import CaseStatus, Category, EventType, Kind, Source
from functions.services.errors import StorageUnavailable
from functions.services.ports import IdempotencyMarker
from tests.builders import message

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


@pytest.fixture
def cases(firestore_client):
    return FirestoreCaseReader(firestore_client, timeout=5)


def new_case(reference="FB-AAAA-BBB", description="The tap in the toilets leaks"):
    return open_case(
        reference=reference, source=Source.API, centre=None, centre_name_given="Somewhere",
        kind=Kind.COMPLAINT, category=Category.FACILITIES, description=description,
        urgent=False, reporter=Reporter(email="p@example.org"),
        consent=Consent(given=True, version="2026-11", recorded_at=NOW), child=None,
        triage=None, policy=policy_from_file(), now=NOW,
    )  # fmt: skip


def test_a_case_its_event_marker_and_mail_are_committed_together(
    transactions, cases, firestore_client
):
    case, event = new_case()
    mail = message("p@example.org")
    marker = IdempotencyMarker("k-1", case.reference, "fp", NOW, NOW)

    def work(uow):
        uow.cases.add(case, event)
        uow.markers.add(marker)
        uow.outbox.add(mail)
        return "done"

    assert transactions.run(work) == ("done", [mail])
    assert cases.get(case.reference) == case
    assert cases.list_events(case.reference) == [event]
    assert firestore_client.collection("intake_keys").document("k-1").get().exists
    assert firestore_client.collection("outbox").document(mail.message_id).get().exists


def test_nothing_is_written_when_one_write_cannot_be(transactions, cases, firestore_client):
    first, first_event = new_case()
    transactions.run(lambda uow: uow.cases.add(first, first_event))
    other, other_event = new_case(description="Someone else's case")  # the same reference
    mail = message("p@example.org")

    def clash(uow):  # writes blind, without reading first: its create must fail
        uow.cases.add(other, other_event)
        uow.outbox.add(mail)

    with pytest.raises(StorageUnavailable):  # contention that never clears: try later
        transactions.run(clash)
    assert cases.get(first.reference).description == "The tap in the toilets leaks"
    assert not firestore_client.collection("outbox").document(mail.message_id).get().exists


@pytest.mark.parametrize("reads_first", [True, False], ids=["read-then-write", "blind-write"])
def test_concurrent_units_on_one_marker_make_one_case(transactions, firestore_client, reads_first):
    """Six deliveries of one key at once. Read-then-write: all six read "no marker" before
    any commits. Blind write (the intake's first run, one round trip): all six create the
    marker at once; the commit refuses every one but the first, and the run after reads."""
    made, barrier = [], threading.Barrier(6)

    def intake(number: int):
        def work(uow):
            if reads_first or uow.attempt > 0:
                marker = uow.markers.get("same-key")
                if marker is not None:
                    return marker.reference
            if uow.attempt == 0:
                barrier.wait(timeout=10)
            case, event = new_case(f"FB-000{number}-AAA")
            uow.cases.add(case, event)
            uow.markers.add(IdempotencyMarker("same-key", case.reference, None, NOW, NOW))
            return case.reference

        made.append(transactions.run(work)[0])

    threads = [threading.Thread(target=intake, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(made) == 6 and len(set(made)) == 1  # every run answers with the one case
    assert len(list(firestore_client.collection("cases").stream())) == 1


def test_a_read_modify_write_is_one_commit_with_its_event_and_never_on_a_stale_read(
    transactions, cases
):
    case, event = new_case()
    transactions.run(lambda uow: uow.cases.add(case, event))
    runs = []

    def work(uow):
        runs.append(1)
        current = uow.cases.get(case.reference)
        if len(runs) == 1:  # another writer changes the case after we read it
            transactions.run(lambda other: _move(other, "theirs"))
        _move(uow, "ours", current)

    transactions.run(work)
    assert len(runs) == 2  # the stale first run was not committed; the second was
    events = cases.list_events(case.reference)
    assert [e.summary for e in events] == [None, "theirs", "ours"]
    assert cases.get(case.reference).updated_at == NOW + timedelta(minutes=2)


def _move(uow, note: str, current=None):
    current = current or uow.cases.get("FB-AAAA-BBB")
    later = current.updated_at + timedelta(minutes=1)
    changed = current.model_copy(update={"status": CaseStatus.IN_PROGRESS, "updated_at": later})
    event = CaseEvent(
        event_id=new_event_id(),
        type=EventType.STATUS_CHANGED,
        at=later,
        actor=Actor(role="staff"),
        summary=note,
        status=CaseStatus.IN_PROGRESS,
    )
    uow.cases.save(changed, event)  # fmt: skip


def test_a_commit_whose_answer_was_lost_counts_as_done(transactions, cases, firestore_client):
    case, event = new_case()
    transactions.run(lambda uow: uow.cases.add(case, event))
    # The same unit again, as a retried commit would send it: it finds its writes landed.
    assert transactions.run(lambda uow: uow.cases.add(case, event)) == (None, [])
    assert len(cases.list_events(case.reference)) == 1


def test_a_marker_whose_case_was_erased_is_replaced_by_the_new_case(
    transactions, cases, firestore_client
):
    transactions.run(lambda uow: uow.markers.add(
        IdempotencyMarker("key-1", "FB-GONE-000", None, NOW, NOW)))  # fmt: skip
    case, event = new_case()

    def work(uow):
        assert uow.markers.get("key-1").reference == "FB-GONE-000"  # its case is not there
        uow.cases.add(case, event)
        uow.markers.add(IdempotencyMarker("key-1", case.reference, None, NOW, NOW))

    transactions.run(work)
    assert firestore_client.collection("intake_keys").document("key-1").get().get("reference") == (
        case.reference
    )
    assert cases.get(case.reference) == case
