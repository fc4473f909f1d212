"""A forum invitation end to end: an outbox message whose data has a calendar, delivered over
the Firestore emulator to a real aiosmtpd server, sent through moto's SES v2 as raw MIME, and
kept by the local mailbox, whose dev_mailbox page lists and serves the .ics."""

from __future__ import annotations

import email
import email.policy
import json

import boto3
import flask
import icalendar
import pytest
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from functions import wiring
from functions.adapters.mail.local_mailbox import LocalMailbox
from functions.adapters.mail.ses import SesTransport
from functions.adapters.mail.smtp import SmtpTransport
from functions.devtools.dev_mailbox import dev_mailbox
from functions.domain.mail.calendar import CalendarInvite
from functions.domain.mail.email import Attachment, OutgoingEmail
from functions.domain.mail.outbox import DeliveryState
from functions.rendering.calendar_invite import ics_bytes
from functions.services.mail.deliver import DeliveryResult
from tests.builders import message, queue_up, stored_message
from tests.unit.test_calendar_invite import stored

REGION = "af-south-1"
PARENT = "thandi.parent@example.co.za"


def parse(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)


def invitation_parts(raw: bytes):
    """(the text/calendar alternative, the attached file) of a received message."""
    message = parse(raw)
    assert message.get_content_type() == "multipart/mixed"
    alternative, attached = message.iter_parts()
    types = [part.get_content_type() for part in alternative.iter_parts()]
    assert types == ["text/plain", "text/html", "text/calendar"]
    return list(alternative.iter_parts())[2], attached


def event_of(ics: bytes) -> icalendar.Event:
    (event,) = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    return event


def forum_email(method="REQUEST") -> OutgoingEmail:
    ics = ics_bytes(CalendarInvite.from_data(stored(method=method)))
    invite = Attachment("invite.ics", "application/ics", ics, inline_calendar_method=method)
    return OutgoingEmail(
        sender="ECD Network <no-reply@ecd.example.org>", to=PARENT, subject="Your forum place",
        html="<p>See you there</p>", text="See you there", attachments=(invite,),
    )  # fmt: skip


def forum_message(to: str, calendar):
    base = message(to)
    return base.model_copy(update={"data": {**base.data, "calendar": calendar}})


# --------------------------------------------------------------------- outbox → SMTP (aiosmtpd)


def test_a_message_with_a_calendar_arrives_with_its_invitation(
    outbox, queue, tasks, deliver, smtp_server, firestore_client, deps
):
    calendar = stored(attendee_email=None, summary="Forum\r\nBcc: all@example.org")
    sent = forum_message(PARENT, calendar)
    queue_up(deps, [sent])
    (task,) = tasks.take()
    assert deliver(task) == DeliveryResult.SENT
    assert deliver(task) == DeliveryResult.ALREADY_DONE  # the task again sends nothing

    (raw,) = smtp_server.handler.messages
    assert smtp_server.handler.received[PARENT] == 1
    calendar_part, attached = invitation_parts(raw)
    assert calendar_part.get_param("method") == "REQUEST"
    assert attached.get_filename() == "invite.ics"
    assert calendar_part.get_payload(decode=True) == attached.get_payload(decode=True)
    event = event_of(attached.get_payload(decode=True))
    assert str(event["UID"]) == "reg-7f3a9c@ecd.example.org"
    assert str(event["SUMMARY"]) == "Forum Bcc: all@example.org"  # one line, inside SUMMARY
    assert str(event["ATTENDEE"]) == f"mailto:{PARENT}"  # the recipient by default
    assert event.decoded("DTSTAMP") == sent.created_at.replace(microsecond=0)
    assert parse(raw)["Bcc"] is None
    assert stored_message(firestore_client, sent.message_id).state == DeliveryState.SENT


def test_a_cancellation_arrives_as_method_cancel(outbox, queue, tasks, deliver, smtp_server, deps):
    queue_up(deps, [forum_message(PARENT, stored(method="CANCEL", sequence=2))])
    (task,) = tasks.take()
    assert deliver(task) == DeliveryResult.SENT
    calendar_part, attached = invitation_parts(smtp_server.handler.messages[0])
    assert calendar_part.get_param("method") == "CANCEL"
    event = event_of(attached.get_payload(decode=True))
    assert str(event["STATUS"]) == "CANCELLED" and event["SEQUENCE"] == 2


def test_a_broken_calendar_fails_its_message_only_and_says_why(
    outbox, queue, tasks, deliver, smtp_server, firestore_client, deps
):
    broken = forum_message("broken@example.org", stored(timezone="Nowhere/At_All", uid="x"))
    fine = forum_message("fine@example.org", stored())
    queue_up(deps, [broken, fine])
    assert [deliver(task) for task in tasks.take()] == [DeliveryResult.FAILED, DeliveryResult.SENT]
    failed = stored_message(firestore_client, broken.message_id)
    assert failed.state == DeliveryState.FAILED and failed.attempts == 0
    assert failed.last_error == "calendar invite: invalid timezone, uid"
    assert set(smtp_server.handler.received) == {"fine@example.org"}


def test_smtp_transport_sends_the_invitation_intact(smtp_server):
    outgoing = forum_email()
    SmtpTransport(smtp_server.hostname, smtp_server.port, starttls=False, timeout=10).send(outgoing)
    calendar_part, attached = invitation_parts(smtp_server.handler.messages[0])
    assert attached.get_payload(decode=True) == outgoing.attachments[0].content
    assert calendar_part.get_payload(decode=True) == outgoing.attachments[0].content


# --------------------------------------------------------------------------- SES v2 (moto, raw)


@pytest.fixture
def sesv2():
    with mock_aws():
        client = boto3.client("sesv2", region_name=REGION)
        client.create_email_identity(EmailIdentity="ecd.example.org")
        yield client


def test_ses_sends_the_invitation_as_raw_mime(sesv2):
    calls = []
    sesv2.meta.events.register(
        "before-parameter-build.sesv2.SendEmail", lambda params, **_: calls.append(params)
    )
    outgoing = forum_email("CANCEL")
    message_id = SesTransport(sesv2).send(outgoing)

    [sent] = ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages
    assert sent.id == message_id and "Raw" in calls[0]["Content"]
    calendar_part, attached = invitation_parts(sent.raw_data.encode())
    assert calendar_part.get_param("method") == "CANCEL"
    assert attached.get_payload(decode=True) == outgoing.attachments[0].content
    assert str(event_of(attached.get_payload(decode=True))["STATUS"]) == "CANCELLED"


# ------------------------------------------------------------------ local mailbox, dev_mailbox


@pytest.fixture
def local_dev(monkeypatch, tmp_path):
    monkeypatch.setenv("LOCAL_DEV", "1")
    monkeypatch.setenv("LOCAL_MAILBOX_DIR", str(tmp_path))
    wiring.reset()
    yield LocalMailbox(tmp_path)
    wiring.reset()


def get(query: str):
    with flask.Flask(__name__).test_request_context(f"/{query}"):
        return dev_mailbox(flask.request)


def test_the_local_mailbox_keeps_the_invitation_and_dev_mailbox_serves_it(local_dev):
    outgoing = forum_email()
    message_id = local_dev.send(outgoing)
    kept = local_dev.get(message_id)
    assert kept.attachment(0) == ("invite.ics", "application/ics", outgoing.attachments[0].content)
    assert kept.attachment(1) is None

    page = get(f"?id={message_id}").get_data(as_text=True)
    assert f'href="?id={message_id}&amp;attachment=0"' in page
    assert "invite.ics" in page and "application/ics" in page and "REQUEST" in page

    download = get(f"?id={message_id}&attachment=0")
    assert download.status_code == 200
    assert download.mimetype == "application/ics"
    assert download.headers["Content-Disposition"] == 'attachment; filename="invite.ics"'
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download.headers["Content-Security-Policy"]
    assert download.get_data() == outgoing.attachments[0].content
    assert str(event_of(download.get_data())["UID"]) == "reg-7f3a9c@ecd.example.org"


@pytest.mark.parametrize("index", ["1", "-1", "x", "0x0", "9999", ""])
def test_dev_mailbox_refuses_an_attachment_that_is_not_there(local_dev, index):
    message_id = local_dev.send(forum_email())
    assert get(f"?id={message_id}&attachment={index}").status_code == 404
    plain = local_dev.send(
        OutgoingEmail(sender="a@ecd.example.org", to=PARENT, subject="s", html="h", text="t")
    )
    assert get(f"?id={plain}&attachment=0").status_code == 404
    assert get("?id=" + "0" * 32 + "&attachment=0").status_code == 404


def test_a_message_kept_before_attachments_existed_still_shows(local_dev, tmp_path):
    message_id = local_dev.send(
        OutgoingEmail(sender="a@ecd.example.org", to=PARENT, subject="Old", html="h", text="t")
    )
    path = tmp_path / f"{message_id}.json"
    old = json.loads(path.read_text())
    del old["attachments"]
    path.write_text(json.dumps(old))
    assert get(f"?id={message_id}").status_code == 200
    assert local_dev.get(message_id).attachments == []
