"""A selection's answers (domain/advisory/record.py) and its mail (services/advisory/mail.py,
the advisory_outcome template, the accept/decline links MailLinks signs at send time)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from functions.domain.advisory.record import SeatState, answer, new_record, selection_id
from functions.domain.advisory.selection import Nominee, SeatType, select
from functions.domain.forums.attendance import Attendance
from functions.domain.mail.links import MailLinks
from functions.domain.shared.signing import Purpose, Signer
from functions.domain.shared.vocabulary import ParticipantRole
from functions.rendering import render_email
from functions.services.advisory.mail import offer_message, outcome_messages

AT = datetime(2025, 3, 20, tzinfo=UTC)
SEATS = {SeatType.PARENTS: 2, SeatType.STAFF: 0}
NASTY = "Thandi <script>x</script>\r\nBcc: victim@example.org"


def record(centres=("c1", "c1", "c2", "c2", "c3")):
    nominees = [Nominee(attendee_key=f"k{i}", attendee_id=f"a{i}", role=ParticipantRole.PARENT,
                        centre_id=c, attended=True, consent=True,
                        responded_at=AT + timedelta(minutes=i))
                for i, c in enumerate(centres)]  # fmt: skip
    nominees.append(nominees[0].model_copy(update={"attendee_key": "no", "attendee_id": "a-no",
                                                   "consent": False}))  # fmt: skip
    chosen = select(nominees, SEATS, "seed")
    return new_record(chosen, nominees, region_id="r", period_from="2025-01",
                      period_to="2025-03", now=AT)  # fmt: skip


def test_the_id_names_region_period_seats_and_seed():
    made = record()
    assert made.selection_id == selection_id("r", "2025-01", "2025-03", SEATS, "seed")
    assert made.selection_id != selection_id("r", "2025-01", "2025-03", SEATS, "seed2")
    assert made.selection_id != selection_id("r", "2025-01", "2025-04", SEATS, "seed")


def test_accepting_twice_is_one_answer_and_a_reserve_cannot_answer():
    made = record()
    first, reserve = made.selection.selected(SeatType.PARENTS)[0], made.selection.reserve(
        SeatType.PARENTS)[0]  # fmt: skip
    accepted = answer(made, first.attendee_key, True, AT)
    assert accepted.outcome == "accepted" and accepted.offered is None
    assert accepted.record.states[first.attendee_key] == SeatState.ACCEPTED
    assert answer(accepted.record, first.attendee_key, False, AT).outcome == "already_accepted"
    assert answer(made, reserve.attendee_key, True, AT).outcome == "not_offered"
    assert answer(made, "no", True, AT).outcome == "not_offered"


def test_a_decline_offers_the_seat_by_the_centre_rule_then_runs_out():
    made = record()
    selected = made.selection.selected(SeatType.PARENTS)
    assert selected[0].centre_id != selected[1].centre_id
    current, offered = made, []
    decliner = selected[0]
    while True:
        step = answer(current, decliner.attendee_key, False, AT)
        assert step.outcome == "declined"
        current = step.record
        if step.offered is None:
            break
        held = {d.centre_id for d in current.selection.order[SeatType.PARENTS]
                if current.states[d.attendee_key] in (SeatState.SELECTED, SeatState.OFFERED)
                and d.attendee_key != step.offered.attendee_key}  # fmt: skip
        waiting_elsewhere = [d for d in current.selection.reserve(SeatType.PARENTS)
                             if current.states[d.attendee_key] == SeatState.RESERVE
                             and d.centre_id not in held]  # fmt: skip
        # Offered to a centre holding no seat, unless none such was waiting.
        assert step.offered.centre_id not in held or not waiting_elsewhere
        offered.append(step.offered.attendee_key)
        decliner = step.offered
    assert len(offered) == 3  # the whole reserve, then nobody
    assert [c.state for c in current.history].count(SeatState.OFFERED) == 3


def people(made) -> dict[str, Attendance]:
    return {n.attendee_id: Attendance(
        attendee_id=n.attendee_id, forum_id="f", attendee_key=n.attendee_key, name=NASTY,
        role=n.role, centre_id=n.centre_id, email=f"{n.attendee_key}@example.org",
        created_at=AT, updated_at=AT) for n in made.nominees}  # fmt: skip


def test_every_nominee_gets_one_mail_and_only_the_chosen_get_links():
    made = record()
    mail = outcome_messages(made, people(made), "Gauteng", "Network", AT)
    by_outcome = {m.data["outcome"]: m for m in reversed(mail)}  # the first of each
    assert len(mail) == 6 and set(by_outcome) == {"selected", "reserve", "ineligible"}
    links = MailLinks(
        "s", "u", Signer([b"k"]), advisory_response_page="https://x/advisory_response"
    )
    for message in mail:
        found = links.for_message(message)
        chosen = message.data["outcome"] == "selected"
        assert ("accept_url" in found) == chosen
        rendered = render_email("advisory_outcome", message.data | found, "en")
        assert "<script>" not in rendered.html and "\n" not in rendered.subject
        assert ("Accept the seat" in rendered.text) == chosen
    token = links.for_message(by_outcome["selected"])["accept_url"].split("token=")[1]
    token = token.split("&")[0]
    assert Signer([b"k"]).unsign(Purpose.ADVISORY_RESPONSE, token)
    assert Signer([b"k"]).unsign(Purpose.FORUM_SURVEY, token) is None
    assert "number 1 in the reserve order" in render_email(
        "advisory_outcome", by_outcome["reserve"].data | links.for_message(
            by_outcome["reserve"]), "en").text  # fmt: skip
    assert "agreement to be considered" in render_email(
        "advisory_outcome", by_outcome["ineligible"].data | links.for_message(
            by_outcome["ineligible"]), "en").text  # fmt: skip
    drawn = made.selection.reserve(SeatType.PARENTS)[0]
    offer = offer_message(made, drawn, people(made)[drawn.attendee_id], "G", "N", AT)
    assert offer.data["outcome"] == "offered" and "accept_url" in links.for_message(offer)
    assert offer_message(made, drawn, None, "G", "N", AT) is None  # no address: no mail


def test_a_reserve_who_cannot_be_told_is_passed_over_and_recorded():
    made = record()
    decliner = made.selection.selected(SeatType.PARENTS)[0]
    plain = answer(made, decliner.attendee_key, False, AT)
    unreachable = plain.offered.attendee_key
    step = answer(made, decliner.attendee_key, False, AT,
                  can_be_told=lambda drawn: drawn.attendee_key != unreachable)  # fmt: skip
    assert step.offered is not None and step.offered.attendee_key != unreachable
    assert step.record.states[unreachable] == SeatState.PASSED_OVER
    assert step.record.states[step.offered.attendee_key] == SeatState.OFFERED
    passed = [c for c in step.record.history if c.state == SeatState.PASSED_OVER]
    assert [c.attendee_key for c in passed] == [unreachable]
    assert "no email address" in passed[0].note
    # Nobody reachable: the seat stays free, everyone passed over is recorded.
    none = answer(made, decliner.attendee_key, False, AT, can_be_told=lambda drawn: False)
    assert none.offered is None
    assert [s for s in none.record.states.values()].count(SeatState.PASSED_OVER) == 3
