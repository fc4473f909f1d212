"""A CalendarInvite as an iTIP .ics file (RFC 5545 / 5546), written with the icalendar library.

icalendar is imported on first use: only the deliveries that carry an invitation pay for it.
The library escapes TEXT values (commas, semicolons, backslashes, line breaks) and folds lines
at 75 octets; the invite has already made its texts safe and bounded.
"""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from functions.domain.mail.calendar import CalendarInvite

PRODID = "-//ECD Network//Forum invitations//EN"
# The attachment's name and type as Google Calendar sends them.
FILENAME = "invite.ics"
CONTENT_TYPE = "application/ics"


@functools.lru_cache(maxsize=64)
def _timezone(tzid: str, first_year: int, last_year: int):
    """The zone's VTIMEZONE over the event's years only: its rules, not decades of changes.

    Built from zoneinfo (so from the pinned tzdata), cached because it walks the year.
    """
    from icalendar import Timezone

    return Timezone.from_tzid(
        tzid, first_date=date(first_year, 1, 1), last_date=date(last_year + 1, 1, 1)
    )


def ics_bytes(invite: CalendarInvite, stamp: datetime | None = None) -> bytes:
    """The invitation as a VCALENDAR with its METHOD, one VTIMEZONE and one VEVENT (CRLF).

    `stamp` is the DTSTAMP: when this iTIP message was made (the outbox message's creation,
    so that a retried delivery sends the very same file); now when not given.
    """
    from icalendar import Calendar, Event

    starts, ends = invite.starts(), invite.ends()
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", invite.method)
    calendar.add_component(_timezone(invite.timezone, starts.year, ends.year))

    event = Event()
    event.add("uid", invite.uid)
    event.add("sequence", invite.sequence)
    event.add("dtstamp", (stamp or datetime.now(UTC)).astimezone(UTC))
    event.add("dtstart", starts)
    event.add("dtend", ends)
    event.add("summary", invite.summary)
    if invite.description:
        event.add("description", invite.description)
    if invite.location:
        event.add("location", invite.location)
    if invite.url:
        event.add("url", invite.url)
    event.add("status", invite.status)
    event.add("transp", "OPAQUE")
    event.add("organizer", _address(invite.organizer_email, invite.organizer_name))
    if invite.attendee_email:
        attendee = _address(invite.attendee_email, invite.attendee_name)
        attendee.params.update(
            {"CUTYPE": "INDIVIDUAL", "ROLE": "REQ-PARTICIPANT", "PARTSTAT": "NEEDS-ACTION"}
        )
        # The place is already taken and cancelled through the emailed link, not by replying.
        attendee.params["RSVP"] = "FALSE"
        event.add("attendee", attendee)
    calendar.add_component(event)
    return calendar.to_ical()


def _address(email: str, name: str | None):
    from icalendar import vCalAddress

    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["CN"] = name
    return address
