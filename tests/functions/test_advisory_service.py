"""The advisory network selection over the Firestore emulator (services/advisory/): one seat
per centre while the other centre's nominees remain, the same record when run again, every
nominee emailed once, a decline offering the seat to the next in the reserve order."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from functions import wiring
from functions.domain.advisory.record import SeatState
from functions.domain.advisory.selection import SeatType
from functions.services.advisory.responding import read_response_token, respond, seat_for
from functions.services.advisory.selecting import run_selection
from tests.functions.advisory_support import advisory_mail, gauteng_month

NOW = datetime(2025, 4, 2, 9, 0, tzinfo=UTC)
SEATS = {SeatType.PARENTS: 3, SeatType.STAFF: 2}
MARCH = ("2025-03", "2025-03")


def test_the_selection_spreads_seats_and_runs_once(project):
    gauteng_month()
    deps = wiring.dependencies()
    ran = run_selection(deps, "gauteng", SEATS, "board-2025", MARCH, now=NOW)
    assert ran.created
    record = ran.record
    parents = record.selection.selected(SeatType.PARENTS)
    # Soweto has five nominees and Tembisa three: two centres, three seats, so 2 + 1.
    assert sorted(Counter(d.centre_id for d in parents).values()) == [1, 2]
    assert len(record.selection.selected(SeatType.STAFF)) == 2
    assert {d.centre_id for d in record.selection.selected(SeatType.STAFF)} == {
        "sunflower-soweto", "little-stars-tembisa"}  # fmt: skip
    assert {i.code for i in record.selection.ineligible} == {"no_consent", "role"}
    # Every nominee (8 parents, 4 staff, 2 not eligible) is written to, once.
    mail = advisory_mail()
    assert len(mail) == 14 and len({m.to for m in mail}) == 14
    outcomes = Counter(m.data["outcome"] for m in mail)
    assert outcomes == {"selected": 5, "reserve": 7, "ineligible": 2}
    selected = [m for m in mail if m.data["outcome"] == "selected"]
    links = deps.mail.links.for_message(selected[0])
    assert "answer=accept" in links["accept_url"] and "answer=decline" in links["decline_url"]
    assert all("token=" not in str(m.data) for m in mail)  # signed when sent, never stored

    again = run_selection(deps, "gauteng", SEATS, "board-2025", MARCH, now=NOW)
    assert not again.created and again.record == record
    assert len(advisory_mail()) == 14  # nobody written to twice

    other = run_selection(deps, "gauteng", SEATS, "another-seed", MARCH, now=NOW)
    assert other.created and other.record.selection_id != record.selection_id


def test_a_decline_offers_the_seat_to_the_next_in_the_reserve_order(project):
    gauteng_month()
    deps = wiring.dependencies()
    record = run_selection(deps, "gauteng", SEATS, "s", MARCH, now=NOW).record
    parents = record.selection.order[SeatType.PARENTS]
    first = parents[0]
    assert respond(deps, record.selection_id, first.attendee_key, False, now=NOW) == "declined"
    assert respond(deps, record.selection_id, first.attendee_key, True, now=NOW) == (
        "already_declined")  # fmt: skip
    stored = wiring.transactions().run(lambda uow: uow.advisory.get(record.selection_id))[0]
    offered = [k for k, s in stored.states.items() if s == SeatState.OFFERED]
    holding = [d for d in parents if stored.states[d.attendee_key] != SeatState.DECLINED
               and stored.states[d.attendee_key] != SeatState.RESERVE]  # fmt: skip
    assert len(offered) == 1 and len(holding) == 3
    # The offer went to the first reserve from the centre with fewer seats held.
    reserve = [d for d in parents if not d.selected]
    seat_counts = Counter(d.centre_id for d in holding if d.attendee_key not in offered)
    fewest = min(seat_counts.get(d.centre_id, 0) for d in reserve)
    expected = next(d for d in reserve if seat_counts.get(d.centre_id, 0) == fewest)
    assert offered == [expected.attendee_key]
    offers = [m for m in advisory_mail() if m.data["outcome"] == "offered"]
    assert len(offers) == 1 and offers[0].data["advisory_response"].endswith(offered[0])

    # Accepting twice: the second is a no-op answer.
    assert respond(deps, record.selection_id, offered[0], True, now=NOW) == "accepted"
    assert respond(deps, record.selection_id, offered[0], True, now=NOW) == "already_accepted"
    # Someone in the reserve cannot answer a seat they were not offered.
    waiting = next(d for d in reserve if stored.states[d.attendee_key] == SeatState.RESERVE)
    assert respond(deps, record.selection_id, waiting.attendee_key, True) == "not_offered"


def test_links_forged_or_for_another_purpose_open_nothing(project):
    gauteng_month()
    deps = wiring.dependencies()
    record = run_selection(deps, "gauteng", SEATS, "s", MARCH, now=NOW).record
    first = record.selection.order[SeatType.PARENTS][0]
    from functions.domain.shared.signing import Purpose

    good = deps.signer.sign(
        Purpose.ADVISORY_RESPONSE, f"{record.selection_id}:{first.attendee_key}"
    )
    assert read_response_token(good, deps.signer) == (record.selection_id, first.attendee_key)
    seat = seat_for(deps, good)
    assert seat is not None and seat.state == SeatState.SELECTED and seat.name
    survey = deps.signer.sign(Purpose.FORUM_SURVEY, f"{record.selection_id}:{first.attendee_key}")
    stranger = deps.signer.sign(Purpose.ADVISORY_RESPONSE, f"{record.selection_id}:nobody")
    for token in (good[:-2] + "xx", survey, stranger, "", "\ud800", "a" * 5000, None):
        assert seat_for(deps, token) is None
