"""The advisory network's draw (domain/advisory/selection.py): reproducible from its seed,
one seat per centre while other centres' nominees remain, ineligible people explained."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from functions.domain.advisory.selection import (
    RULES,
    Drawn,
    Nominee,
    SeatType,
    draw_number,
    next_offer,
    select,
)
from functions.domain.shared.vocabulary import ParticipantRole

AT = datetime(2025, 3, 20, tzinfo=UTC)
SEATS = {SeatType.PARENTS: 6, SeatType.STAFF: 6}


def nominee(key: str, centre: str | None = "c1", role=ParticipantRole.PARENT, attended=True,
            consent=True, minutes: int = 0, attendee_id: str | None = None) -> Nominee:  # fmt: skip
    return Nominee(attendee_key=key, attendee_id=attendee_id or f"a-{key}", role=role,
                   centre_id=centre, attended=attended, consent=consent,
                   responded_at=AT + timedelta(minutes=minutes))  # fmt: skip


def crowd() -> list[Nominee]:
    """Twenty parents over four centres (c1 has eight) and ten staff over five centres."""
    parents = [nominee(f"p{i}", f"c{1 + i % 4}") for i in range(12)]
    parents += [nominee(f"q{i}", "c1") for i in range(8)]
    staff = [nominee(f"s{i}", f"c{1 + i % 5}", ParticipantRole.STAFF) for i in range(10)]
    return parents + staff


def keys(drawn: list[Drawn]) -> list[str]:
    return [d.attendee_key for d in drawn]


def test_the_same_inputs_and_seed_give_the_same_order_in_any_input_order():
    first = select(crowd(), SEATS, "board-2025-03")
    again = select(list(reversed(crowd())), SEATS, "board-2025-03")
    assert first == again
    assert first.rules == RULES and first.seed == "board-2025-03"
    for seat_type in SeatType:
        assert [d.rank for d in first.order[seat_type]] == list(
            range(1, 11 if seat_type == SeatType.STAFF else 21)
        )


def test_another_seed_gives_another_order():
    one = select(crowd(), SEATS, "seed-one")
    two = select(crowd(), SEATS, "seed-two")
    assert keys(one.order[SeatType.PARENTS]) != keys(two.order[SeatType.PARENTS])


def test_the_draw_is_the_documented_hash_order():
    result = select(crowd(), SEATS, "s")
    parents = result.order[SeatType.PARENTS]
    by_draw = sorted(parents, key=lambda d: d.draw_position)
    assert keys(by_draw) == sorted(keys(parents), key=lambda k: draw_number("s", k))
    assert all(d.draw_number == draw_number("s", d.attendee_key) for d in parents)


def test_no_centre_has_two_seats_while_other_centres_nominees_remain():
    for seed in ("a", "b", "c", "d", "e"):
        result = select(crowd(), SEATS, seed)
        parents = result.selected(SeatType.PARENTS)
        assert len(parents) == 6
        counts = Counter(d.centre_id for d in parents)
        # Four centres for six seats: every centre once, then two centres twice.
        assert set(counts) == {"c1", "c2", "c3", "c4"} and max(counts.values()) == 2
        for d in parents[:4]:
            assert d.reason.split(": ", 1)[1].startswith(f"first from centre {d.centre_id}")
        assert "second from centre" in parents[4].reason
        staff = result.selected(SeatType.STAFF)
        assert sorted(Counter(d.centre_id for d in staff).values()) == [1, 1, 1, 1, 2]


def test_fewer_nominees_than_seats_selects_everyone_and_leaves_no_reserve():
    few = [nominee("p1", "c1"), nominee("p2", "c1"), nominee("s1", "c2", ParticipantRole.STAFF)]
    result = select(few, SEATS, "x")
    assert len(result.selected(SeatType.PARENTS)) == 2 and not result.reserve(SeatType.PARENTS)
    assert len(result.selected(SeatType.STAFF)) == 1
    second = result.selected(SeatType.PARENTS)[1]
    assert second.reason.startswith("seat 2 of 6: second from centre c1")


def test_ineligible_people_are_listed_with_why_and_never_drawn():
    people = [
        nominee("ok", "c1"),
        nominee("no-consent", "c1", consent=False),
        nominee("absent", "c2", attended=False),
        nominee("leader", "c3", ParticipantRole.COMMUNITY_LEADER),
    ]
    result = select(people, SEATS, "x")
    assert keys(result.order[SeatType.PARENTS]) == ["ok"]
    reasons = {i.attendee_key: i.reason for i in result.ineligible}
    assert reasons == {
        "no-consent": "not eligible: did not consent to be considered",
        "absent": "not eligible: did not attend a forum of the region in the period",
        "leader": "not eligible: attended as community_leader, which holds no parent or staff seat",
    }


def test_one_person_counts_once_across_forums_with_their_eligible_response():
    people = [
        nominee("p1", "c1", consent=False, attendee_id="f1-p1"),
        nominee("p1", "c2", minutes=5, attendee_id="f2-p1"),
        nominee("p1", "c3", minutes=9, consent=False, attendee_id="f3-p1"),
        nominee("p2", "c4"),
    ]
    result = select(people, SEATS, "x")
    parents = result.order[SeatType.PARENTS]
    assert sorted(keys(parents)) == ["p1", "p2"] and not result.ineligible
    assert next(d for d in parents if d.attendee_key == "p1").attendee_id == "f2-p1"


def test_reserve_is_in_the_order_the_rule_continues():
    result = select(crowd(), SEATS, "r")
    reserve = result.reserve(SeatType.PARENTS)
    assert [d.rank for d in reserve] == list(range(7, 21))
    assert reserve[0].reason.startswith("reserve 1:")


def test_a_declined_seat_goes_to_the_first_reserve_from_a_centre_with_fewest_seats():
    result = select(crowd(), SEATS, "d")
    order = result.order[SeatType.PARENTS]
    selected = result.selected(SeatType.PARENTS)
    decliner = selected[0]
    holding = [d for d in selected if d is not decliner]
    done = {d.attendee_key for d in selected}
    offer = next_offer(order, holding, done)
    assert offer is not None and not offer.selected
    held = Counter(d.centre_id for d in holding)
    waiting = [d for d in order if d.attendee_key not in done]
    assert held[offer.centre_id] == min(held[d.centre_id] for d in waiting)
    assert offer == next(d for d in waiting if held[d.centre_id] == held[offer.centre_id])
    # Nobody left to offer: None.
    assert next_offer(order, holding, {d.attendee_key for d in order}) is None


def test_people_without_a_centre_count_as_their_own_centre():
    people = [nominee(f"n{i}", None) for i in range(3)] + [nominee("c", "c1")]
    result = select(people, {SeatType.PARENTS: 4, SeatType.STAFF: 0}, "x")
    assert all("first from" in d.reason for d in result.selected(SeatType.PARENTS))
    assert not result.selected(SeatType.STAFF)


def test_a_nominee_with_no_email_address_is_not_drawn_and_says_why():
    by_phone = nominee("phone", "c2").model_copy(update={"reachable": False})
    people = [nominee("mail", "c1"), by_phone]
    result = select(people, SEATS, "x")
    assert keys(result.order[SeatType.PARENTS]) == ["mail"]
    (passed,) = result.ineligible
    assert passed.attendee_key == "phone" and passed.code == "no_email"
    assert passed.reason.startswith("not drawn: no email address recorded")
    assert "6. Told by email" in result.rules
    # Recorded input: the same nominees and seed draw the same again.
    assert select(list(reversed(people)), SEATS, "x") == result


def test_a_person_known_by_email_in_one_forum_and_a_phone_in_another_is_drawn_by_email():
    people = [nominee("p1", "c1", attendee_id="f1-p1"),
              nominee("p1", "c1", minutes=5, attendee_id="f2-p1").model_copy(
                  update={"reachable": False})]  # fmt: skip
    result = select(people, SEATS, "x")
    assert [d.attendee_id for d in result.order[SeatType.PARENTS]] == ["f1-p1"]
    assert not result.ineligible
