"""The tallies the unit of work keeps beside cases, registrations and attendance (what the
forum summaries count from), against the real emulator: after any mix of writes, refused
commits and writers at once, they equal the counts of the records themselves."""

import threading
from datetime import UTC, datetime, timedelta

import pytest

from functions.adapters.firestore.cases import FirestoreCaseReader
from functions.adapters.firestore.forums import FirestoreForumReader
from functions.domain.cases.models import Outcome, Rating
from functions.domain.forums.attendance import Attendance
from functions.domain.forums.models import Registration, RegistrationState
from functions.domain.reports.tallies import case_tallies
from functions.domain.shared.vocabulary import Category, ParticipantRole
from tests.integration.test_case_storage import new_case

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
PARENT, STAFF = ParticipantRole.PARENT, ParticipantRole.STAFF


@pytest.fixture
def cases(firestore_client):
    return FirestoreCaseReader(firestore_client, timeout=5)


def at_centre(reference: str, centre: str, region: str, category=Category.FACILITIES,
              created=NOW):  # fmt: skip
    case, event = new_case(reference)
    case = case.model_copy(update={"centre_id": centre, "centre_name": f"Centre {centre}",
                                   "region_id": region, "category": category,
                                   "created_at": created})  # fmt: skip
    return case, event.model_copy(update={"reference": reference})


def add(transactions, *made):
    def work(uow):
        for case, event in made:
            uow.cases.add(case, event)

    transactions.run(work)


def change(transactions, reference: str, **fields):
    def work(uow):
        case = uow.cases.get(reference)
        _, event = new_case(reference)
        uow.cases.save(case.model_copy(update=fields), event)

    transactions.run(work)


def stored_cases(firestore_client, cases) -> list:
    return [cases.get(doc.id) for doc in firestore_client.collection("cases").stream()]


def by_id(tallies) -> dict:
    return {(t.month, t.centre_id, t.region_id): t for t in tallies}


def test_case_tallies_follow_every_change_of_a_case(transactions, cases, firestore_client):
    # 23:30 in Johannesburg on 30 November is November; 00:30 on 1 December is not
    last_hour, hour = datetime(2026, 11, 30, 21, 30, tzinfo=UTC), timedelta(hours=1)
    add(transactions, at_centre("FB-AAAA-AAA", "c1", "north"),
        at_centre("FB-AAAA-AAB", "c1", "north", Category.CHILD_WELLBEING_AND_SAFETY),
        at_centre("FB-AAAA-AAC", "c2", "north"), at_centre("FB-AAAA-AAD", "c3", "south"),
        at_centre("FB-AAAA-AAE", "c3", "south", created=last_hour),
        at_centre("FB-AAAA-AAF", "c3", "south", created=last_hour + hour))  # fmt: skip
    change(transactions, "FB-AAAA-AAA", category=Category.HEALTH_AND_NUTRITION)  # re-triaged
    change(transactions, "FB-AAAA-AAA", outcome=Outcome(resolved_in_time=True, hours_to_resolve=3))
    change(
        transactions, "FB-AAAA-AAB", outcome=Outcome(resolved_in_time=False, hours_to_resolve=80)
    )
    change(transactions, "FB-AAAA-AAB", rating=Rating(score=2, at=NOW))
    change(transactions, "FB-AAAA-AAB", rating=Rating(score=5, at=NOW))  # rated again
    change(transactions, "FB-AAAA-AAC", description="Texts only: counts nothing")
    change(transactions, "FB-AAAA-AAD", centre_id="c2", region_id="north", centre_name="Centre c2")

    kept = by_id(cases.month_tallies("2026-11", None))
    counted = by_id(case_tallies(stored_cases(firestore_client, cases)))
    expected = {key: tally for key, tally in counted.items() if key[0] == "2026-11"}
    assert kept == expected
    c1 = kept[("2026-11", "c1", "north")]
    assert (c1.received, c1.in_time, c1.late, c1.rated, c1.satisfied) == (2, 1, 1, 1, 1)
    assert c1.by_category == {
        Category.HEALTH_AND_NUTRITION: 1,
        Category.CHILD_WELLBEING_AND_SAFETY: 1,
    }
    # The case moved to c2 left c3's tally; a tally at 0 stays, counting nothing.
    assert kept[("2026-11", "c2", "north")].received == 2
    assert kept[("2026-11", "c3", "south")].received == 1  # the 23:30 one
    assert [t.received for t in cases.month_tallies("2026-12", None)] == [1]
    assert {t.centre_id for t in cases.month_tallies("2026-11", "south")} == {"c3"}


def test_a_refused_commit_adds_nothing(transactions, cases, firestore_client):
    add(transactions, at_centre("FB-AAAA-AAA", "c1", "north"))
    attempts = []

    def resolve(uow):
        case = uow.cases.get("FB-AAAA-AAA")
        if not attempts:  # someone else rates the case between this read and this commit
            change(transactions, "FB-AAAA-AAA", rating=Rating(score=4, at=NOW))
        attempts.append(case)
        _, event = new_case("FB-AAAA-AAA")
        uow.cases.save(case.model_copy(update={"outcome": Outcome(resolved_in_time=True)}),
                       event)  # fmt: skip

    transactions.run(resolve)
    assert len(attempts) == 2  # refused once, then run again on what was there
    (tally,) = cases.month_tallies("2026-11", None)
    assert (tally.received, tally.in_time, tally.rated, tally.satisfied) == (1, 1, 1, 1)


def test_writers_at_one_centre_at_once_do_not_refuse_each_other(transactions, cases):
    attempts, start = [], threading.Barrier(12)

    def submit(n: int) -> None:
        case, event = at_centre(f"FB-AAAA-{n:03d}", "c1", "north")
        start.wait()

        def work(uow):
            attempts.append(uow.attempt)
            uow.cases.add(case, event)

        transactions.run(work)

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    (tally,) = cases.month_tallies("2026-11", "north")
    assert tally.received == 12
    assert attempts == [0] * 12  # the shared tally is added to, never read: no contention


def registration(n: int, role, state, forum="f-1") -> Registration:
    return Registration(
        registration_id=f"r-{n}", forum_id=forum, participant_key=f"k-{n}", name=f"Person {n}",
        role=role, consent_version="v1", consented_at=NOW, state=state, created_at=NOW,
        updated_at=NOW,
    )  # fmt: skip


def attendance(n: int, role, registered: bool, forum="f-1") -> Attendance:
    return Attendance(attendee_id=f"a-{n}", forum_id=forum, attendee_key=f"k-{n}",
                      registered=registered, name=f"Person {n}", role=role, created_at=NOW,
                      updated_at=NOW)  # fmt: skip


def test_a_forums_role_tally_equals_the_aggregations_over_its_records(
    transactions, firestore_client
):
    registered, waiting = RegistrationState.REGISTERED, RegistrationState.WAITLISTED
    people = [registration(1, PARENT, registered), registration(2, PARENT, registered),
              registration(3, STAFF, registered), registration(4, PARENT, waiting),
              registration(5, STAFF, registered, forum="f-2")]  # fmt: skip
    transactions.run(lambda uow: [uow.registrations.add(r) for r in people])

    def cancel_and_promote(uow):
        first, fourth = uow.registrations.get("r-1"), uow.registrations.get("r-4")
        uow.registrations.save(first.model_copy(update={"state": RegistrationState.CANCELLED}))
        uow.registrations.save(fourth.model_copy(update={"state": registered}))

    transactions.run(cancel_and_promote)
    leader = ParticipantRole.COMMUNITY_LEADER
    came = [attendance(2, PARENT, True), attendance(3, STAFF, True),
            attendance(9, STAFF, False), attendance(10, leader, False)]  # fmt: skip
    transactions.run(lambda uow: [uow.attendance.save(a) for a in came])

    def correct_roll(uow):
        found = uow.attendance.get_many(["a-9", "a-10"])
        uow.attendance.save(found["a-9"].model_copy(update={"role": PARENT}))  # misread role
        uow.attendance.remove(found["a-10"])  # taken off the roll

    transactions.run(correct_roll)
    reader = FirestoreForumReader(firestore_client, timeout=5)
    tallied = reader.role_tallies("f-1")
    assert tallied == reader.attendance_by_role("f-1")
    assert (tallied[PARENT].registered, tallied[PARENT].attended, tallied[PARENT].walk_ins,
            tallied[PARENT].no_shows) == (2, 2, 1, 1)  # fmt: skip
    assert reader.role_tallies("f-2") == reader.attendance_by_role("f-2")
    assert reader.role_tallies("f-none")[STAFF].registered == 0


def test_an_unchanged_write_touches_no_tally(transactions, firestore_client):
    add(transactions, at_centre("FB-AAAA-AAA", "c1", "north"))
    (tally,) = firestore_client.collection("case_tallies").stream()
    change(transactions, "FB-AAAA-AAA", description="Only the text changed")
    (again,) = firestore_client.collection("case_tallies").stream()
    assert again.update_time == tally.update_time
