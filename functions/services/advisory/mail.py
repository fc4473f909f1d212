"""The advisory network's mail: every nominee hears how the selection went for them (selected
with accept/decline links, in the reserve with their place, or why they were not included),
a reserve offered a declined seat is written to, and whoever answers is thanked (accepted:
what happens next and how to step down). Ids and display values only: the links are signed
when the mail is sent (MailLinks: data.advisory_response)."""

from __future__ import annotations

from datetime import datetime

from functions.domain.advisory.notices import Notice, notices
from functions.domain.advisory.record import AdvisorySelection
from functions.domain.advisory.selection import Drawn, SeatType
from functions.domain.forums.attendance import Attendance
from functions.domain.mail.outbox import MessageKind, OutboxMessage, new_message_id

TEMPLATE = "advisory_outcome"
ANSWER_TEMPLATE = "advisory_answer"  # to whoever accepted or declined: what happens next


def response_value(selection_id: str, attendee_key: str) -> str:
    """What an accept/decline link carries (signed): the selection and the person."""
    return f"{selection_id}:{attendee_key}"


def _message(record: AdvisorySelection, attendee: Attendance | None, outcome: str,
             region_name: str, network_name: str, now: datetime, *, reason: str = "",
             reserve_place: int | None = None, key: str | None = None,
             ) -> OutboxMessage | None:  # fmt: skip
    if attendee is None or not attendee.email:
        return None  # known by a phone only (or their record is gone): no email to send
    seats = record.selection.seats
    data = {
        "network_name": network_name, "name": attendee.name, "region_name": region_name,
        "outcome": outcome, "reason": reason, "reserve_place": reserve_place,
        "parents": seats.get(SeatType.PARENTS, 0), "staff": seats.get(SeatType.STAFF, 0),
        "selection_id": record.selection_id,
    }  # fmt: skip
    if outcome in ("selected", "offered") and key:
        data["advisory_response"] = response_value(record.selection_id, key)
    return OutboxMessage(message_id=new_message_id(), template=TEMPLATE, to=attendee.email,
                         data=data, language=attendee.language.value,
                         kind=MessageKind.TRANSACTIONAL, created_at=now,
                         updated_at=now)  # fmt: skip


def seat_messages(record: AdvisorySelection, attendees: dict[str, Attendance],
                  region_name: str, network_name: str, now: datetime,
                  ) -> list[OutboxMessage]:  # fmt: skip
    """One email to each person drawn to a seat, with their accept and decline links."""
    out = []
    for order in record.selection.order.values():
        for drawn in order:
            if drawn.selected:
                out.append(_message(record, attendees.get(drawn.attendee_id), "selected",
                                    region_name, network_name, now,
                                    key=drawn.attendee_key))  # fmt: skip
    return [m for m in out if m is not None]


def notice_messages(record: AdvisorySelection, people: list[Notice],
                    attendees: dict[str, Attendance], region_name: str, network_name: str,
                    now: datetime) -> list[OutboxMessage]:  # fmt: skip
    """One email to each of these people not selected (reserve place, or why not eligible)."""
    out = [_message(record, attendees.get(p.attendee_id), p.outcome, region_name, network_name,
                    now, reason=p.reason, reserve_place=p.reserve_place)
           for p in people]  # fmt: skip
    return [m for m in out if m is not None]


def outcome_messages(record: AdvisorySelection, attendees: dict[str, Attendance],
                     region_name: str, network_name: str, now: datetime,
                     ) -> list[OutboxMessage]:  # fmt: skip
    """One email to each nominee (each person once) with an address: every batch at once."""
    return seat_messages(record, attendees, region_name, network_name, now) + notice_messages(
        record, notices(record), attendees, region_name, network_name, now)  # fmt: skip


def offer_message(record: AdvisorySelection, drawn: Drawn, attendee: Attendance | None,
                  region_name: str, network_name: str, now: datetime,
                  ) -> OutboxMessage | None:  # fmt: skip
    return _message(
        record, attendee, "offered", region_name, network_name, now, key=drawn.attendee_key
    )


def answer_message(record: AdvisorySelection, attendee: Attendance | None, accepted: bool,
                   region_name: str, contact_email: str, network_name: str, now: datetime,
                   ) -> OutboxMessage | None:  # fmt: skip
    """To someone who just accepted (what happens next, how to step down) or declined (thanks)."""
    if attendee is None or not attendee.email:
        return None
    data = {"network_name": network_name, "name": attendee.name, "region_name": region_name,
            "outcome": "accepted" if accepted else "declined", "contact_email": contact_email,
            "selection_id": record.selection_id}  # fmt: skip
    return OutboxMessage(message_id=new_message_id(), template=ANSWER_TEMPLATE, to=attendee.email,
                         data=data, language=attendee.language.value,
                         kind=MessageKind.TRANSACTIONAL, created_at=now,
                         updated_at=now)  # fmt: skip
