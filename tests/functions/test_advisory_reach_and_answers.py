"""Over the Firestore emulator: a nominee known by a phone alone is not drawn (they could
never be told or answer), and a reserve whose address is gone when a seat comes free is
passed over, recorded, the seat going to the next who can answer (rule 6); whoever accepts or
declines is written to once, in the answer's own commit."""

from __future__ import annotations

from datetime import UTC, datetime

from functions import wiring
from functions.adapters.firestore.base import FORUM_ATTENDANCE
from functions.domain.advisory.record import SeatState, answer
from functions.domain.advisory.selection import SeatType, select
from functions.rendering import render_email
from functions.services.advisory.responding import respond
from functions.services.advisory.selecting import run_selection
from tests.functions.advisory_support import GAUTENG, advisory_mail, gauteng_month, person

NOW = datetime(2025, 4, 2, 9, 0, tzinfo=UTC)
SEATS = {SeatType.PARENTS: 3, SeatType.STAFF: 2}
MARCH = ("2025-03", "2025-03")


def _stored(selection_id: str):
    return wiring.transactions().run(lambda uow: uow.advisory.get(selection_id))[0]


def test_a_nominee_known_by_a_phone_alone_is_not_drawn_and_the_reason_is_recorded(project):
    forum, _ = gauteng_month()
    by_phone = person(forum, 30, GAUTENG[1], phone="+27821234567")
    deps = wiring.dependencies()
    record = run_selection(deps, "gauteng", SEATS, "board-2025", MARCH, now=NOW).record
    drawn = {d.attendee_key for order in record.selection.order.values() for d in order}
    assert by_phone.attendee_key not in drawn
    (why,) = [i for i in record.selection.ineligible if i.attendee_key == by_phone.attendee_key]
    assert why.code == "no_email" and "no email address" in why.reason
    # The skip is recorded input: the stored nominees and seed draw the same selection.
    recorded = next(n for n in record.nominees if n.attendee_key == by_phone.attendee_key)
    assert recorded.reachable is False
    assert select(record.nominees, record.selection.seats, record.seed) == record.selection
    assert _stored(record.selection_id) == record


def test_a_reserve_whose_address_is_gone_is_passed_over_for_the_next_who_can_answer(
    project, client_for, google_idp
):
    gauteng_month()
    deps = wiring.dependencies()
    record = run_selection(deps, "gauteng", SEATS, "s", MARCH, now=NOW).record
    decliner = record.selection.selected(SeatType.PARENTS)[0]
    # Who the seat would go to, had everyone an address; their address is then erased.
    gone = answer(record, decliner.attendee_key, False, NOW).offered
    wiring.firestore_client().collection(FORUM_ATTENDANCE).document(gone.attendee_id).update(
        {"email": None})  # fmt: skip
    assert respond(deps, record.selection_id, decliner.attendee_key, False, now=NOW) == "declined"
    stored = _stored(record.selection_id)
    assert stored.states[gone.attendee_key] == SeatState.PASSED_OVER
    offered = [k for k, s in stored.states.items() if s == SeatState.OFFERED]
    assert len(offered) == 1 and offered[0] != gone.attendee_key
    passed = [c for c in stored.history if c.state == SeatState.PASSED_OVER]
    assert [c.attendee_key for c in passed] == [gone.attendee_key]
    assert "no email address" in passed[0].note
    offers = [m for m in advisory_mail() if m.data["outcome"] == "offered"]
    assert len(offers) == 1 and offers[0].data["advisory_response"].endswith(offered[0])
    # The page explaining the selection shows it.
    from tests import oidc

    admin = client_for("admin")
    token = google_idp.mint("admin@ecd.example.org", oidc.OAUTH_CLIENT_ID)
    admin.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    page = admin.get(f"/?page=advisory&id={record.selection_id}").text
    assert "passed over" in page and "no email address" in page


def test_accepting_and_declining_are_confirmed_once(project):
    gauteng_month()
    deps = wiring.dependencies()
    record = run_selection(deps, "gauteng", SEATS, "s", MARCH, now=NOW).record
    yes, no = record.selection.selected(SeatType.STAFF)
    assert advisory_mail("advisory_answer") == []
    assert respond(deps, record.selection_id, yes.attendee_key, True, now=NOW) == "accepted"
    assert respond(deps, record.selection_id, yes.attendee_key, True, now=NOW) == (
        "already_accepted")  # fmt: skip
    assert respond(deps, record.selection_id, no.attendee_key, False, now=NOW) == "declined"
    assert respond(deps, record.selection_id, no.attendee_key, False, now=NOW) == (
        "already_declined")  # fmt: skip
    mail = {m.data["outcome"]: m for m in advisory_mail("advisory_answer")}
    assert len(advisory_mail("advisory_answer")) == 2 and set(mail) == {"accepted", "declined"}
    attendees = deps.forums.attendees([yes.attendee_id, no.attendee_id])
    assert mail["accepted"].to == attendees[yes.attendee_id].email
    assert mail["declined"].to == attendees[no.attendee_id].email
    links = deps.mail.links.for_message
    accepted = render_email("advisory_answer", mail["accepted"].data | links(mail["accepted"]),
                            "en")  # fmt: skip
    assert "first meeting" in accepted.text and "admin.gauteng" in accepted.text
    assert "Nominee" in accepted.text  # their name
    declined = render_email("advisory_answer", mail["declined"].data | links(mail["declined"]),
                            "en")  # fmt: skip
    assert "Thank you for letting us know" in declined.text
    assert "first meeting" not in declined.text
