"""Attachments on OutgoingEmail and in its MIME: an invitation as Gmail and Outlook read it."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime

import icalendar
import pytest

from functions.adapters.mail.mime import build_mime
from functions.domain.mail.email import Attachment, MailProblem, OutgoingEmail
from functions.rendering import render_email
from functions.services.mail.deliver import _compose
from tests.builders import SETUP, message
from tests.unit.test_calendar_invite import stored

NOW = datetime(2025, 2, 20, 9, 30, tzinfo=UTC)
ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"


def outgoing(*attachments: Attachment, **changes) -> OutgoingEmail:
    fields = dict(sender="ECD Network <no-reply@ecd.example.org>", to="p@example.co.za",
                  subject="Forum ✓", html="<p>See you ✓</p>", text="See you ✓",
                  message_id="abc123", attachments=attachments)  # fmt: skip
    return OutgoingEmail(**{**fields, **changes})


def invitation(method="REQUEST", content=ICS) -> Attachment:
    return Attachment("invite.ics", "application/ics", content, inline_calendar_method=method)


def parse(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)


def test_without_attachments_the_email_is_as_before():
    message = parse(build_mime(outgoing(), now=NOW).as_bytes())
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    assert build_mime(outgoing(), now=NOW).as_bytes().count(b"MIME-Version") == 1


def test_an_invitation_is_an_alternative_and_an_attached_file():
    raw = build_mime(outgoing(invitation()), now=NOW).as_bytes()
    message = parse(raw)
    assert message.get_content_type() == "multipart/mixed"
    assert message["Subject"] == "Forum ✓" and message["Message-ID"] == "<abc123@ecd.example.org>"
    alternative, attached = message.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    plain, html, calendar = alternative.iter_parts()
    assert (plain.get_content_type(), html.get_content_type()) == ("text/plain", "text/html")
    assert plain.get_content().strip() == "See you ✓"
    assert calendar.get_content_type() == "text/calendar"
    assert calendar.get_param("method") == "REQUEST"
    assert calendar.get_content_charset() == "utf-8"
    assert calendar.get_content_disposition() is None
    assert calendar.get_payload(decode=True) == ICS  # byte for byte, CRLFs and all
    assert attached.get_content_disposition() == "attachment"
    assert attached.get_filename() == "invite.ics"
    assert attached.get_content_type() == "application/ics"
    assert attached.get_payload(decode=True) == ICS
    assert raw.count(b"MIME-Version") == 1
    assert max(len(line) for line in raw.split(b"\r\n")) <= 78


def test_a_plain_file_is_attached_without_a_calendar_part():
    pdf = Attachment("report-2025-03.pdf", "application/pdf", b"%PDF-1.7 \x00\xff")
    message = parse(build_mime(outgoing(pdf)).as_bytes())
    alternative, attached = message.iter_parts()
    assert len(list(alternative.iter_parts())) == 2
    assert attached.get_payload(decode=True) == b"%PDF-1.7 \x00\xff"


@pytest.mark.parametrize(
    "changes",
    [
        {"filename": "invite.ics\r\nBcc: x@example.com"},
        {"filename": "../../etc/passwd"},
        {"filename": ".hidden"},
        {"filename": "ä.ics"},
        {"filename": "a" * 101},
        {"filename": ""},
        {"content_type": "text/calendar; method=REQUEST"},
        {"content_type": "Text/Calendar"},
        {"content_type": "text/calendar\r\nX: y"},
        {"content": "BEGIN:VCALENDAR"},  # text, not bytes
        {"inline_calendar_method": "REQUEST\r\nX: y"},
        {"inline_calendar_method": "REQUEST", "content_type": "application/pdf"},
        {"inline_calendar_method": "REQUEST", "content": b"\xff\xfe"},  # not UTF-8
    ],
)
def test_an_attachment_that_could_break_the_message_is_refused(changes):
    fields = dict(filename="invite.ics", content_type="text/calendar", content=ICS)
    with pytest.raises(MailProblem):
        Attachment(**{**fields, **changes})


def test_attachments_are_bounded_and_one_invitation_at_most():
    with pytest.raises(MailProblem, match="2 MiB"):
        outgoing(Attachment("big.bin", "application/octet-stream", b"x" * (2 * 1024 * 1024 + 1)))
    with pytest.raises(MailProblem, match="at most one invitation"):
        outgoing(invitation(), invitation("CANCEL"))
    with pytest.raises(MailProblem, match="tuple of Attachment"):
        outgoing(attachments=[invitation()])


def forum_message(calendar) -> object:
    base = message("thandi.parent@example.co.za")
    return base.model_copy(update={"data": {**base.data, "calendar": calendar}})


def test_compose_attaches_the_invitation_with_defaults_for_the_people():
    calendar = stored()
    for key in ("organizer_email", "organizer_name", "attendee_email", "attendee_name"):
        del calendar[key]
    composed = _compose(forum_message(calendar), render_email, SETUP)
    (attachment,) = composed.attachments
    assert (attachment.filename, attachment.content_type) == ("invite.ics", "application/ics")
    assert attachment.inline_calendar_method == "REQUEST"
    (event,) = icalendar.Calendar.from_ical(attachment.content).walk("VEVENT")
    assert str(event["ORGANIZER"]) == "mailto:no-reply@ecd.example.org"  # SETUP's sender
    assert event["ORGANIZER"].params["CN"] == "ECD Network"
    assert str(event["ATTENDEE"]) == "mailto:thandi.parent@example.co.za"
    again = _compose(forum_message(calendar), render_email, SETUP)
    assert again.attachments == composed.attachments  # DTSTAMP is the message's creation


def test_compose_without_a_calendar_attaches_nothing():
    assert _compose(message("a@example.org"), render_email, SETUP).attachments == ()
    assert _compose(forum_message(None), render_email, SETUP).attachments == ()


@pytest.mark.parametrize("calendar", ["BEGIN:VCALENDAR", {"uid": "x"}, stored(timezone="Nowhere")])
def test_a_broken_calendar_is_a_mail_problem(calendar):
    with pytest.raises(MailProblem, match="calendar invite"):
        _compose(forum_message(calendar), render_email, SETUP)
