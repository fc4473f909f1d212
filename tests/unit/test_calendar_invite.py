"""Calendar invitations: the stored dict checked and cleaned, the .ics parsed back (icalendar)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
import pytest

from functions.domain.mail.calendar import (
    DESCRIPTION_LIMIT,
    LOCATION_LIMIT,
    SUMMARY_LIMIT,
    CalendarInvite,
)
from functions.domain.mail.email import MailProblem
from functions.rendering.calendar_invite import ics_bytes

STAMP = datetime(2025, 2, 20, 9, 30, tzinfo=UTC)


def stored(**changes) -> dict:
    data = {
        "uid": "reg-7f3a9c@ecd.example.org",
        "sequence": 0,
        "method": "REQUEST",
        "summary": "Monthly forum: learning through play",
        "description": "Join us.\nBring your questions.",
        "starts_at": "2025-03-05T18:00:00+02:00",
        "ends_at": "2025-03-05T19:30:00+02:00",
        "timezone": "Africa/Johannesburg",
        "location": "https://zoom.us/j/81234567890?pwd=abc",
        "url": "https://ecd.example.org/forums?forum=f1",
        "organizer_email": "forums@ecd.example.org",
        "organizer_name": "ECD Network",
        "attendee_email": "thandi.parent@example.co.za",
        "attendee_name": "Thandi",
    }
    return {**data, **changes}


def parsed(data: dict) -> tuple[icalendar.Calendar, icalendar.Event]:
    raw = ics_bytes(CalendarInvite.from_data(data), stamp=STAMP)
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    # RFC 5545 3.1: no content line longer than 75 octets (the library folds them).
    assert max(len(line) for line in raw.split(b"\r\n")) <= 75
    calendar = icalendar.Calendar.from_ical(raw)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def test_a_request_in_johannesburg_has_its_zone_and_identity():
    calendar, event = parsed(stored())
    assert str(calendar["METHOD"]) == "REQUEST" and str(calendar["VERSION"]) == "2.0"
    assert "ECD Network" in str(calendar["PRODID"])
    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Africa/Johannesburg"
    # UTC+2 all year: one STANDARD rule, no DAYLIGHT.
    assert [c.name for c in zone.subcomponents] == ["STANDARD"]
    assert zone.subcomponents[0]["TZOFFSETTO"].td == timedelta(hours=2)
    assert event["DTSTART"].params["TZID"] == "Africa/Johannesburg"
    assert event["DTEND"].params["TZID"] == "Africa/Johannesburg"
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert (start.hour, start.minute, start.utcoffset()) == (18, 0, timedelta(hours=2))
    assert end - start == timedelta(minutes=90)
    assert start == datetime(2025, 3, 5, 16, 0, tzinfo=UTC)
    assert str(event["UID"]) == "reg-7f3a9c@ecd.example.org"
    assert event["SEQUENCE"] == 0 and str(event["STATUS"]) == "CONFIRMED"
    assert event.decoded("DTSTAMP") == STAMP
    assert str(event["SUMMARY"]) == "Monthly forum: learning through play"
    assert str(event["DESCRIPTION"]) == "Join us.\nBring your questions."
    assert str(event["LOCATION"]) == "https://zoom.us/j/81234567890?pwd=abc"
    assert str(event["URL"]) == "https://ecd.example.org/forums?forum=f1"
    assert str(event["ORGANIZER"]) == "mailto:forums@ecd.example.org"
    assert event["ORGANIZER"].params["CN"] == "ECD Network"
    assert str(event["ATTENDEE"]) == "mailto:thandi.parent@example.co.za"
    assert event["ATTENDEE"].params["CN"] == "Thandi"
    assert event["ATTENDEE"].params["PARTSTAT"] == "NEEDS-ACTION"


def test_a_summer_date_in_london_is_in_british_summer_time():
    data = stored(starts_at="2025-07-10T17:00:00+00:00", ends_at="2025-07-10T18:00:00+00:00",
                  timezone="Europe/London")  # fmt: skip
    calendar, event = parsed(data)
    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/London"
    daylight = [c for c in zone.subcomponents if c.name == "DAYLIGHT"]
    assert daylight and daylight[0]["TZOFFSETTO"].td == timedelta(hours=1)
    assert str(daylight[0]["TZNAME"]) == "BST"
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    start = event.decoded("DTSTART")
    # 17:00 UTC is 18:00 in London in July; the file says 18:00 local with TZID.
    assert b"DTSTART;TZID=Europe/London:20250710T180000" in calendar.to_ical()
    assert start.utcoffset() == timedelta(hours=1) and start.astimezone(UTC).hour == 17


def test_an_update_bumps_the_sequence_and_a_cancellation_cancels():
    _, updated = parsed(stored(sequence=3))
    assert updated["SEQUENCE"] == 3
    calendar, cancelled = parsed(stored(method="CANCEL", sequence=4))
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(cancelled["STATUS"]) == "CANCELLED" and cancelled["SEQUENCE"] == 4
    assert str(cancelled["UID"]) == "reg-7f3a9c@ecd.example.org"  # the same event, removed


def test_the_optional_fields_may_be_left_out():
    required = ("uid", "summary", "starts_at", "ends_at", "timezone", "organizer_email")
    minimal = {key: stored()[key] for key in required}
    invite = CalendarInvite.from_data(minimal)
    assert (invite.method, invite.status, invite.sequence) == ("REQUEST", "CONFIRMED", 0)
    _, event = parsed(minimal)
    assert "ATTENDEE" not in event and "LOCATION" not in event and "URL" not in event
    assert "DESCRIPTION" not in event
    # None stands for "not given", as other helpers may write it.
    assert CalendarInvite.from_data(stored(location=None, attendee_email=None)).location is None


def test_the_stored_dict_round_trips_as_plain_json():
    invite = CalendarInvite.from_data(stored())
    data = invite.to_data()
    assert all(isinstance(value, str | int) for value in data.values())
    assert data["starts_at"] == "2025-03-05T18:00:00+02:00"
    assert CalendarInvite.from_data(data) == invite


HOSTILE = "Forum\r\nBEGIN:VEVENT\u2028UID:evil\x85X\u2029Y\x0bZ\x1c\x00\ud800end"


def test_hostile_texts_stay_inside_their_property():
    data = stored(
        summary=HOSTILE, location=HOSTILE, organizer_name='Evil" ; X-INJ=1 : \r\nAttendee',
        attendee_name=HOSTILE, description=HOSTILE + "\n" + "d" * 100_000,
    )  # fmt: skip
    invite = CalendarInvite.from_data(data)
    for line in (invite.summary, invite.location, invite.organizer_name, invite.attendee_name):
        assert line.splitlines() == [line] and "\ud800" not in line and "\x00" not in line
    assert invite.summary == "Forum BEGIN:VEVENT UID:evil X Y Z end"
    assert len(invite.description) <= DESCRIPTION_LIMIT and invite.description.endswith("…")
    assert "\ud800" not in invite.description and "\x00" not in invite.description
    assert invite.description.startswith("Forum\nBEGIN:VEVENT\nUID:evil\nX\nY\nZ")
    raw = ics_bytes(invite, stamp=STAMP)
    raw.decode("utf-8")  # encodable: no lone surrogate reached it
    calendar = icalendar.Calendar.from_ical(raw)
    (event,) = calendar.walk("VEVENT")  # still one event, one UID
    assert str(event["UID"]) == "reg-7f3a9c@ecd.example.org"
    assert str(event["SUMMARY"]) == invite.summary
    assert str(event["DESCRIPTION"]) == invite.description
    assert event["ORGANIZER"].params["CN"] == invite.organizer_name
    assert "X-INJ" not in event["ORGANIZER"].params
    assert str(event["ORGANIZER"]) == "mailto:forums@ecd.example.org"
    assert len(raw) < 20_000


def test_long_texts_are_cut_to_their_limits():
    invite = CalendarInvite.from_data(stored(summary="s" * 5000, location="l " * 5000))
    assert len(invite.summary) == SUMMARY_LIMIT and invite.summary.endswith("…")
    assert len(invite.location) <= LOCATION_LIMIT


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"uid": "no domain"}, "uid"),
        ({"uid": "a@b\r\nX-EVIL:1"}, "uid"),
        ({"sequence": -1}, "sequence"),
        ({"method": "PUBLISH"}, "method"),
        ({"method": "CANCEL", "status": "CONFIRMED"}, "invite"),
        ({"status": "TENTATIVE"}, "status"),
        ({"summary": " \r\n\u2028 "}, "summary"),
        ({"starts_at": "2025-03-05T18:00:00"}, "starts_at"),  # no offset
        ({"starts_at": "next Tuesday"}, "starts_at"),
        ({"ends_at": "2025-03-05T17:00:00+02:00"}, "invite"),  # before the start
        ({"ends_at": "2025-04-05T17:00:00+02:00"}, "invite"),  # a month long
        ({"timezone": "../../etc/passwd"}, "timezone"),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"timezone": "Africa/Johannesburg\nX-EVIL:1"}, "timezone"),
        ({"organizer_email": "forums@ecd.example.org\r\nX: y"}, "organizer_email"),
        ({"attendee_email": "not an address"}, "attendee_email"),
        ({"url": "javascript:alert(1)"}, "url"),
        ({"url": "https://ecd.example.org/a b"}, "url"),
        ({"colour": "red"}, "colour"),  # a misspelt field is not dropped silently
    ],
)
def test_what_a_calendar_cannot_be_is_refused_naming_the_field_only(changes, field):
    with pytest.raises(MailProblem) as raised:
        CalendarInvite.from_data(stored(**changes))
    reason = str(raised.value)
    assert reason.startswith("calendar invite: invalid") and field in reason
    for value in changes.values():  # the reason quotes no value
        if isinstance(value, str) and len(value) > 6:
            assert value not in reason


def test_a_missing_field_or_not_a_mapping_is_refused():
    without_uid = stored()
    del without_uid["uid"]
    with pytest.raises(MailProblem, match="uid"):
        CalendarInvite.from_data(without_uid)
    with pytest.raises(MailProblem, match="not a mapping"):
        CalendarInvite.from_data("BEGIN:VCALENDAR")


def test_lines_are_folded_at_75_octets_without_splitting_a_character():
    _, event = parsed(stored(summary="👶" * 150, description="Ŋ✓👶 " * 500))
    assert str(event["SUMMARY"]) == "👶" * 150
    assert str(event["DESCRIPTION"]).startswith("Ŋ✓👶 Ŋ✓👶")
