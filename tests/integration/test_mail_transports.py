"""Mail transports against real parts: moto's SES v2, a real aiosmtpd server with STARTTLS
(certificates from trustme), the local mailbox on disk, and the dev_mailbox page over it.

moto does not throttle, so throttling and other SES errors are injected through botocore's own
`before-call` event: botocore then raises the ClientError exactly as for a real answer.
"""

from __future__ import annotations

import email
import email.policy
import smtplib
import socket
import ssl
import subprocess
import sys
from pathlib import Path

import boto3
import flask
import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from botocore.awsrequest import AWSResponse
from botocore.config import Config
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from functions import wiring
from functions.adapters.mail.local_mailbox import LocalMailbox
from functions.adapters.mail.mime import build_mime
from functions.adapters.mail.ses import SesTransport
from functions.adapters.mail.smtp import SmtpTransport
from functions.adapters.mail.transports import transport_from_settings
from functions.config import Settings
from functions.devtools.dev_mailbox import dev_mailbox
from functions.domain.mail.email import HeaderInjection, OutgoingEmail
from functions.services.errors import PermanentDeliveryError, TransientDeliveryError

REGION = "af-south-1"
SENDER = "ECD Network <no-reply@ecd.example.org>"
PARENT = "thandi.parent@example.co.za"
SUBJECT = "Siyabonga — ✓"
# Long enough that Python's default folding would turn it into RFC 2047 encoded-words.
UNSUBSCRIBE = (
    "<https://europe-west1-ecd.cloudfunctions.net/unsubscribe?token=" + "k7" * 60 + ">, "
    "<mailto:unsubscribe@ecd.example.org?subject=unsubscribe>"
)
EXTRA_HEADERS = {
    "List-Unsubscribe": UNSUBSCRIBE,
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    "Importance": "high",
    "X-Priority": "1",
}
HTML = '<p style="color:#0b5d57">Dear parent, thank you — <b>ngiyabonga</b> ✓</p>'
TEXT = "Dear parent, thank you — ngiyabonga ✓"


def outgoing(**changes) -> OutgoingEmail:
    fields = dict(
        sender=SENDER, to=PARENT, subject=SUBJECT, html=HTML, text=TEXT, headers=EXTRA_HEADERS
    )
    return OutgoingEmail(**{**fields, **changes})


def parse(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)


def assert_complete(raw: bytes) -> email.message.EmailMessage:
    """The message as a mail client gets it: both parts, headers intact, UTF-8 subject."""
    message = parse(raw)
    assert message.get_content_type() == "multipart/alternative"
    parts = list(message.iter_parts())
    assert [part.get_content_type() for part in parts] == ["text/plain", "text/html"]
    assert parts[0].get_content().strip() == TEXT
    assert parts[1].get_content().strip() == HTML
    assert message["Subject"] == SUBJECT
    for name, value in EXTRA_HEADERS.items():
        assert message[name] == value
    # Clients read List-Unsubscribe raw: its URLs must be on the wire, not encoded-words.
    assert b"List-Unsubscribe: <https://europe-west1-ecd.cloudfunctions.net/" in raw
    assert message["Message-ID"].endswith("@ecd.example.org>")
    assert message["Date"] and message["To"] == PARENT
    return message


def test_extra_headers_may_not_replace_the_own_ones():
    with pytest.raises(ValueError, match="Bcc"):
        build_mime(outgoing(headers={"Bcc": "someone@example.com"}))


# --------------------------------------------------------------------------- Amazon SES (moto)


@pytest.fixture
def sesv2():
    with mock_aws():
        client = boto3.client("sesv2", region_name=REGION)
        client.create_email_identity(EmailIdentity="ecd.example.org")
        yield client


def sent_by_moto():
    return ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages


def test_ses_sends_the_raw_mime_so_every_header_survives(sesv2):
    calls = []
    sesv2.meta.events.register(
        "before-parameter-build.sesv2.SendEmail", lambda params, **_: calls.append(params)
    )
    message_id = SesTransport(sesv2, configuration_set="transactional").send(outgoing())

    [sent] = sent_by_moto()
    assert sent.id == message_id
    assert sent.source == SENDER
    # moto adds the To header's address to the envelope's: the recipient is listed twice.
    assert set(sent.destinations) == {PARENT}
    assert_complete(sent.raw_data.encode())
    assert calls[0]["ConfigurationSetName"] == "transactional"  # moto itself ignores it


def answer_with(code: str, status: int):
    """A before-call handler that makes botocore see `code` as SES's answer."""

    def handler(**_):
        body = {
            "Error": {"Code": code, "Message": f"{code} for {PARENT}"},
            "ResponseMetadata": {"HTTPStatusCode": status},
        }
        return AWSResponse("https://email.af-south-1.amazonaws.com", status, {}, None), body

    return handler


@pytest.mark.parametrize(
    ("code", "status", "expected"),
    [
        ("TooManyRequestsException", 429, TransientDeliveryError),
        ("ThrottlingException", 400, TransientDeliveryError),
        ("LimitExceededException", 400, TransientDeliveryError),
        ("ServiceUnavailable", 503, TransientDeliveryError),
        ("InternalFailure", 500, TransientDeliveryError),
        ("SendingPausedException", 400, TransientDeliveryError),
        ("MessageRejected", 400, PermanentDeliveryError),
        ("MailFromDomainNotVerifiedException", 400, PermanentDeliveryError),
        ("AccountSuspendedException", 400, PermanentDeliveryError),
        ("NotFoundException", 404, PermanentDeliveryError),
        ("SomethingNewException", 502, TransientDeliveryError),
        ("SomethingNewException", 400, PermanentDeliveryError),
    ],
)
def test_ses_errors_are_classified_without_the_address(sesv2, code, status, expected):
    sesv2.meta.events.register("before-call.sesv2.SendEmail", answer_with(code, status))
    with pytest.raises(expected) as raised:
        SesTransport(sesv2).send(outgoing())
    assert str(raised.value).startswith(f"SES {code}")
    assert PARENT not in str(raised.value)
    assert sent_by_moto() == []


def test_ses_rejecting_an_unverified_sender_is_permanent(sesv2):
    with pytest.raises(PermanentDeliveryError, match="MessageRejected") as raised:
        SesTransport(sesv2).send(outgoing(sender="Other <someone@unverified.example.net>"))
    assert "@" not in str(raised.value)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_ses_unreachable_or_silent_is_transient():
    def client(endpoint: str):
        return boto3.client(
            "sesv2",
            region_name=REGION,
            endpoint_url=endpoint,
            aws_access_key_id="test",
            aws_secret_access_key="test",
            config=Config(connect_timeout=1, read_timeout=0.5, retries={"max_attempts": 1}),
        )

    refused = client(f"http://127.0.0.1:{free_port()}")
    with pytest.raises(TransientDeliveryError, match="EndpointConnectionError"):
        SesTransport(refused).send(outgoing())

    with socket.socket() as silent:  # accepts connections (backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        timing_out = client(f"http://127.0.0.1:{silent.getsockname()[1]}")
        with pytest.raises(TransientDeliveryError, match="ReadTimeoutError"):
            SesTransport(timing_out).send(outgoing())


# --------------------------------------------------------------------------- SMTP (aiosmtpd)

LOGIN, PASSWORD = "ecd-mailer", "s3cret-pass"


class Recorder:
    """aiosmtpd handler: records what arrives; answers RCPT or DATA as told."""

    def __init__(self):
        self.ehlos: list[str] = []
        self.delivered: list[dict] = []
        self.logins: list[dict] = []
        self.rcpt_answer: str | None = None
        self.data_answer: str | None = None

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        self.ehlos.append(hostname)
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_answer:
            return self.rcpt_answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_answer:
            return self.data_answer
        self.delivered.append(
            {
                "mail_from": envelope.mail_from,
                "rcpt_tos": list(envelope.rcpt_tos),
                "content": envelope.original_content,
                "tls": session.ssl is not None,
                "authenticated": session.authenticated,
            }
        )
        return "250 2.0.0 Message accepted"

    def __call__(self, server, session, envelope, mechanism, auth_data):  # the authenticator
        self.logins.append({"tls": session.ssl is not None, "login": auth_data.login})
        ok = auth_data.login == LOGIN.encode() and auth_data.password == PASSWORD.encode()
        return AuthResult(success=ok, handled=False)  # not handled: the server answers 535


@pytest.fixture(scope="module")
def certificate_authority():
    return trustme.CA()


@pytest.fixture
def client_tls(certificate_authority):
    context = ssl.create_default_context()
    certificate_authority.configure_trust(context)
    return context


@pytest.fixture
def smtp_server(certificate_authority):
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate_authority.issue_cert("127.0.0.1").configure_cert(server_tls)
    recorder = Recorder()
    controller = Controller(
        recorder,
        hostname="127.0.0.1",
        port=free_port(),
        server_hostname="mail.test",
        tls_context=server_tls,
        require_starttls=True,
        auth_require_tls=True,
        authenticator=recorder,
    )
    controller.start()
    try:
        yield controller, recorder
    finally:
        controller.stop()


def smtp_transport(smtp_server, client_tls, **options) -> SmtpTransport:
    controller, _ = smtp_server
    settings = dict(username=LOGIN, password=PASSWORD, timeout=5, ssl_context=client_tls)
    return SmtpTransport(controller.hostname, controller.port, **{**settings, **options})


def test_smtp_delivers_both_parts_over_starttls_after_login(smtp_server, client_tls):
    _, recorder = smtp_server
    message_id = smtp_transport(smtp_server, client_tls).send(outgoing())

    [delivered] = recorder.delivered
    assert delivered["tls"] and delivered["authenticated"]
    assert delivered["mail_from"] == "no-reply@ecd.example.org"
    assert delivered["rcpt_tos"] == [PARENT]
    message = assert_complete(delivered["content"])
    assert message["Message-ID"] == message_id
    assert recorder.logins == [{"tls": True, "login": LOGIN.encode()}]


def test_smtp_login_is_offered_only_after_starttls(smtp_server, client_tls):
    controller, recorder = smtp_server
    with smtplib.SMTP(controller.hostname, controller.port, timeout=5) as plain:
        plain.ehlo()
        assert plain.has_extn("starttls") and not plain.has_extn("auth")
        with pytest.raises(smtplib.SMTPNotSupportedError):
            plain.login(LOGIN, PASSWORD)
        assert plain.mail("no-reply@ecd.example.org")[0] == 530  # STARTTLS first
        plain.starttls(context=client_tls)
        plain.ehlo()
        assert plain.has_extn("auth")
        assert plain.login(LOGIN, PASSWORD)[0] == 235
    assert recorder.logins == [{"tls": True, "login": LOGIN.encode()}]
    # And the transport refuses to be configured to send credentials in clear.
    with pytest.raises(ValueError, match="STARTTLS"):
        smtp_transport(smtp_server, client_tls, starttls=False)


def test_smtp_untrusted_certificate_is_transient_and_sends_no_credentials(smtp_server):
    _, recorder = smtp_server
    with pytest.raises(TransientDeliveryError, match="SSLCertVerificationError"):
        smtp_transport(smtp_server, ssl.create_default_context()).send(outgoing())
    assert recorder.logins == [] and recorder.delivered == []


def test_smtp_server_without_starttls_gets_nothing_in_clear(client_tls):
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        transport = SmtpTransport(
            "127.0.0.1", controller.port, LOGIN, PASSWORD, timeout=5, ssl_context=client_tls
        )
        with pytest.raises(TransientDeliveryError, match="STARTTLS extension not supported"):
            transport.send(outgoing())
    finally:
        controller.stop()
    assert recorder.ehlos and recorder.logins == [] and recorder.delivered == []


def test_smtp_wrong_password_is_retried_not_dropped(smtp_server, client_tls):
    _, recorder = smtp_server
    with pytest.raises(TransientDeliveryError) as raised:
        smtp_transport(smtp_server, client_tls, password="wrong").send(outgoing())
    assert str(raised.value) == "SMTP 535 5.7.8: authentication failed"
    assert recorder.delivered == []


@pytest.mark.parametrize(
    ("stage", "answer", "expected", "description"),
    [
        ("rcpt", "451 4.3.0 Mailbox busy <thandi.parent@example.co.za>", TransientDeliveryError,
         "SMTP 451 4.3.0: recipient refused"),
        ("rcpt", "550 5.1.1 No such user <thandi.parent@example.co.za>", PermanentDeliveryError,
         "SMTP 550 5.1.1: recipient refused"),
        ("data", "451 4.7.1 Try again later", TransientDeliveryError,
         "SMTP 451 4.7.1: SMTPDataError"),
        ("data", "554 5.7.1 Message rejected as spam", PermanentDeliveryError,
         "SMTP 554 5.7.1: SMTPDataError"),
    ],
)  # fmt: skip
def test_smtp_answers_are_classified_without_the_address(
    smtp_server, client_tls, stage, answer, expected, description
):
    _, recorder = smtp_server
    setattr(recorder, f"{stage}_answer", answer)
    with pytest.raises(expected) as raised:
        smtp_transport(smtp_server, client_tls).send(outgoing())
    assert str(raised.value) == description


def test_smtp_refused_or_silent_server_is_transient(client_tls):
    refused = SmtpTransport("127.0.0.1", free_port(), timeout=2, ssl_context=client_tls)
    with pytest.raises(TransientDeliveryError, match="ConnectionRefusedError"):
        refused.send(outgoing())
    with socket.socket() as silent:  # connects, never greets
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        timing_out = SmtpTransport("127.0.0.1", port, timeout=0.5, ssl_context=client_tls)
        # smtplib reports a read timeout as SMTPServerDisconnected; its cause is kept.
        with pytest.raises(TransientDeliveryError, match=r"disconnected \(TimeoutError\)"):
            timing_out.send(outgoing())


def test_header_injection_is_refused_before_anything_is_sent(smtp_server, client_tls):
    _, recorder = smtp_server
    with pytest.raises(HeaderInjection):
        outgoing(subject="Hello\r\nBcc: everyone@example.com")
    with pytest.raises(HeaderInjection):
        outgoing(headers={"X-Note": "ok\nBcc: everyone@example.com"})
    # Even a value smuggled past the model is refused while building, before connecting.
    smuggled = outgoing()
    object.__setattr__(smuggled, "subject", "Hello\r\nBcc: everyone@example.com")
    with pytest.raises(ValueError):
        smtp_transport(smtp_server, client_tls).send(smuggled)
    assert recorder.ehlos == [] and recorder.delivered == []


# --------------------------------------------------------------------------- local mailbox


def test_local_mailbox_round_trip(tmp_path):
    mailbox = LocalMailbox(tmp_path / "not" / "yet")  # created on demand
    message_id = mailbox.send(outgoing())

    stored = mailbox.get(message_id)
    assert (stored.id, stored.to, stored.subject) == (message_id, PARENT, SUBJECT)
    assert (stored.html, stored.text) == (HTML, TEXT)
    assert stored.headers["List-Unsubscribe"] == UNSUBSCRIBE
    assert stored.headers["Message-ID"].endswith("@ecd.example.org>")
    assert stored.sent_at.endswith("+00:00")
    assert [path.name for path in (tmp_path / "not" / "yet").iterdir()] == [f"{message_id}.json"]
    assert mailbox.get("0" * 32) is None


def test_local_mailbox_lists_newest_first(tmp_path):
    mailbox = LocalMailbox(tmp_path)
    assert mailbox.list() == []
    ids = [mailbox.send(outgoing(subject=f"Message {n}")) for n in range(3)]
    assert [message.id for message in mailbox.list()] == ids[::-1]


@pytest.mark.parametrize(
    "bad_id", ["../../etc/passwd", "..", "/etc/passwd", "A" * 32, "a" * 31, "a" * 32 + "/x", ""]
)
def test_local_mailbox_refuses_ids_that_are_not_plain_hex(tmp_path, bad_id):
    with pytest.raises(ValueError):
        LocalMailbox(tmp_path).get(bad_id)


def test_transport_from_settings(tmp_path):
    local = transport_from_settings(
        Settings(mail_transport="local", local_mailbox_dir=str(tmp_path))
    )
    assert isinstance(local, LocalMailbox)
    smtp = transport_from_settings(
        Settings(mail_transport="smtp", smtp_username="u", smtp_password="p")
    )
    assert isinstance(smtp, SmtpTransport)
    with mock_aws():
        assert isinstance(transport_from_settings(Settings(mail_transport="SES")), SesTransport)
    with pytest.raises(ValueError, match="MAIL_TRANSPORT must be 'ses', 'smtp' or 'local'"):
        transport_from_settings(Settings(mail_transport="sendgrid"))


def test_mail_modules_do_not_import_boto3():
    script = (
        "import sys, functions.adapters.mail.transports, functions.devtools.dev_mailbox;"
        "print([m for m in sys.modules if m.startswith(('boto3', 'botocore'))])"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=Path(__file__).parents[2],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "[]"


# --------------------------------------------------------------------------- dev_mailbox page


@pytest.fixture
def local_dev(monkeypatch, tmp_path):
    monkeypatch.setenv("LOCAL_DEV", "1")
    monkeypatch.setenv("LOCAL_MAILBOX_DIR", str(tmp_path))
    wiring.reset()
    yield LocalMailbox(tmp_path)
    wiring.reset()


def get(query: str = "", method: str = "GET"):
    with flask.Flask(__name__).test_request_context(f"/{query}", method=method):
        return dev_mailbox(flask.request)


def test_dev_mailbox_is_not_found_unless_local_dev(monkeypatch, tmp_path):
    message_id = LocalMailbox(tmp_path).send(outgoing())
    monkeypatch.setenv("LOCAL_MAILBOX_DIR", str(tmp_path))
    for value in (None, "0", "false"):
        if value is None:
            monkeypatch.delenv("LOCAL_DEV", raising=False)
        else:
            monkeypatch.setenv("LOCAL_DEV", value)
        wiring.reset()
        for query in ("", f"?id={message_id}", f"?id={message_id}&part=html"):
            response = get(query)
            assert response.status_code == 404
            assert SUBJECT not in response.get_data(as_text=True)
    wiring.reset()


def test_dev_mailbox_lists_messages_newest_first(local_dev):
    assert "No emails yet" in get().get_data(as_text=True)
    first = local_dev.send(outgoing(subject="First <one>"))
    second = local_dev.send(outgoing(subject="Second"))

    response = get()
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.index(f'href="?id={second}"') < page.index(f'href="?id={first}"')
    assert "First &lt;one&gt;" in page and PARENT in page


def test_dev_mailbox_shows_one_message(local_dev):
    message_id = local_dev.send(outgoing(html='<p class="x">Say "hi" &amp; go</p>'))

    response = get(f"?id={message_id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<iframe" in page and " sandbox " in page
    # The HTML part is one escaped attribute value: the browser turns it back into the markup.
    assert 'srcdoc="&lt;p class=&#34;x&#34;&gt;Say &#34;hi&#34; &amp;amp; go&lt;/p&gt;"' in page
    assert f'<pre class="mail-text">{TEXT}</pre>' in page
    assert "List-Unsubscribe" in page and "One-Click" in page
    assert f'href="?id={message_id}&amp;part=html"' in page
    # The page keeps the strict CSP (a srcdoc frame needs no frame-src) and no mail headers.
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none';")
    assert "List-Unsubscribe" not in response.headers


def test_dev_mailbox_returns_a_part_alone(local_dev):
    message_id = local_dev.send(outgoing())

    html = get(f"?id={message_id}&part=html")
    assert html.status_code == 200 and html.mimetype == "text/html"
    assert html.get_data(as_text=True) == HTML
    assert "sandbox" in html.headers["Content-Security-Policy"]
    text = get(f"?id={message_id}&part=text")
    assert text.mimetype == "text/plain" and text.get_data(as_text=True) == TEXT


@pytest.mark.parametrize(
    "query",
    ["?id=../../etc/passwd", "?id=" + "0" * 32, "?id={id}&part=raw", "?id={id}&part=../x"],
)
def test_dev_mailbox_unknown_or_bad_requests_are_not_found(local_dev, query):
    message_id = local_dev.send(outgoing())
    assert get(query.format(id=message_id)).status_code == 404
    assert get(f"?id={message_id}", method="POST").status_code == 405
