"""Amazon SES bounces and complaints arriving through Amazon SNS: verified before anything is
done, then permanent bounces and complaints suppress the address and nothing else does.

The certificate and SubscribeURL fetchers are replaced by recorders (no network here); the
messages are signed with a test certificate's key exactly as SNS signs them."""

from __future__ import annotations

import json

import pytest

from functions import wiring
from functions.adapters.aws import sns
from functions.devtools.emulators import free_port
from tests.builders import stored_message, suppression_reasons
from tests.unit.test_sns_signatures import CERT_URL, SUBSCRIBE_URL, TOPIC, SnsSigner

GONE, SPAMMY, BUSY = "Gone.Parent@Example.org", "annoyed@example.org", "full.inbox@example.org"


def bounce(bounce_type: str, *addresses: str, style: str = "notificationType") -> dict:
    return {
        style: "Bounce",
        "bounce": {
            "bounceType": bounce_type,
            "bounceSubType": "General",
            "bouncedRecipients": [
                {"emailAddress": a, "action": "failed", "status": "5.1.1"} for a in addresses
            ],
            "timestamp": "2026-11-23T09:14:01.000Z",
            "feedbackId": "0102017c-feedback",
        },
        "mail": {"messageId": "0102017c-mail", "destination": list(addresses)},
    }


def complaint(*addresses: str, style: str = "notificationType") -> dict:
    return {
        style: "Complaint",
        "complaint": {
            "complainedRecipients": [{"emailAddress": a} for a in addresses],
            "complaintFeedbackType": "abuse",
            "timestamp": "2026-11-23T09:14:01.000Z",
            "feedbackId": "0102017c-feedback",
        },
        "mail": {"messageId": "0102017c-mail", "destination": list(addresses)},
    }


DELIVERY = {"notificationType": "Delivery", "delivery": {"recipients": [BUSY]}, "mail": {}}


class Fetches:
    """Stands in for the certificate fetcher and the SubscribeURL GET; records each call."""

    def __init__(self, signer: SnsSigner):
        self.signer = signer
        self.certificates: list[str] = []
        self.visited: list[str] = []
        self.failure: Exception | None = None

    def certificate(self, url: str) -> bytes:
        self.certificates.append(url)
        if self.failure:
            raise self.failure
        return self.signer.pem

    def get(self, url: str) -> bytes:
        self.visited.append(url)
        if self.failure:
            raise self.failure
        return b"<ConfirmSubscriptionResponse/>"


@pytest.fixture(scope="module")
def signer() -> SnsSigner:
    return SnsSigner()


@pytest.fixture
def fetches(signer, project, monkeypatch) -> Fetches:
    recorder = Fetches(signer)
    monkeypatch.setattr(sns, "fetch_certificate", recorder.certificate)
    monkeypatch.setattr(sns, "https_get", recorder.get)
    monkeypatch.setenv("SNS_TOPIC_ARNS", f"arn:aws:sns:af-south-1:123456789012:other, {TOPIC}")
    wiring.reset()
    yield recorder


@pytest.fixture
def post(client_for, fetches):
    """Deliver a message the way SNS does (a JSON body sent as text/plain)."""
    client = client_for("email_events")

    def send(message: dict | bytes):
        body = message if isinstance(message, bytes) else json.dumps(message).encode()
        kind = message.get("Type", "") if isinstance(message, dict) else ""
        return client.post(
            "/",
            data=body,
            content_type="text/plain; charset=UTF-8",
            headers={"x-amz-sns-message-type": str(kind)},
        )

    return send


def reasons(address: str) -> set[str]:
    return suppression_reasons(wiring.firestore_client(), address)


@pytest.mark.parametrize("version", ["1", "2"])
def test_valid_signatures_of_both_versions_are_accepted(post, signer, fetches, version):
    answer = post(signer.notification(DELIVERY, version))
    assert answer.status_code == 200 and answer.get_json()["result"] == "ignored"
    assert fetches.certificates == [CERT_URL]


def test_a_tampered_message_is_refused_and_changes_nothing(post, signer):
    genuine = signer.notification(bounce("Permanent", BUSY))
    forged = genuine | {"Message": json.dumps(bounce("Permanent", GONE))}
    answer = post(forged)
    assert answer.status_code == 403
    assert reasons(GONE) == set() and reasons(BUSY) == set()


@pytest.mark.parametrize(
    "url",
    [
        "https://sns.us-east-1.amazonaws.com.evil.example/x.pem",
        "http://sns.af-south-1.amazonaws.com/SimpleNotificationService-abc.pem",
        "https://evil.example/SimpleNotificationService-abc.pem",
    ],
)
def test_a_certificate_off_sns_is_refused_without_fetching(post, signer, fetches, url):
    answer = post(signer.notification(bounce("Permanent", GONE), SigningCertURL=url))
    assert answer.status_code == 403
    assert fetches.certificates == []
    assert reasons(GONE) == set()


def test_a_subscription_is_confirmed_at_its_subscribe_url(post, signer, fetches):
    answer = post(signer.subscription_confirmation())
    assert answer.status_code == 200 and answer.get_json()["result"] == "confirmed"
    assert fetches.visited == [SUBSCRIBE_URL]


def test_a_subscribe_url_off_sns_is_not_visited(post, signer, fetches):
    url = "https://sns.af-south-1.amazonaws.com.evil.example/?Action=ConfirmSubscription"
    answer = post(signer.subscription_confirmation(SubscribeURL=url))
    assert answer.status_code == 403
    assert fetches.visited == []


def test_an_unsubscribe_confirmation_is_only_noted(post, signer, fetches):
    message = signer.subscription_confirmation(Type="UnsubscribeConfirmation")
    answer = post(message)
    assert answer.status_code == 200 and answer.get_json()["result"] == "noted"
    assert fetches.visited == []


@pytest.mark.parametrize("style", ["notificationType", "eventType"])
def test_a_permanent_bounce_suppresses_every_bounced_recipient(post, signer, style):
    answer = post(signer.notification(bounce("Permanent", GONE, SPAMMY, style=style)))
    assert answer.status_code == 200
    assert answer.get_json() == {"result": "suppressed", "recipients": 2}
    assert reasons(GONE.lower()) == {"bounced"}
    assert reasons(SPAMMY) == {"bounced"}


@pytest.mark.parametrize("style", ["notificationType", "eventType"])
def test_a_complaint_suppresses_the_complainant(post, signer, style):
    answer = post(signer.notification(complaint(SPAMMY, style=style)))
    assert answer.status_code == 200 and answer.get_json()["result"] == "suppressed"
    assert reasons(SPAMMY) == {"complained"}


@pytest.mark.parametrize("bounce_type", ["Transient", "Undetermined"])
def test_other_bounces_suppress_nothing(post, signer, bounce_type):
    answer = post(signer.notification(bounce(bounce_type, BUSY)))
    assert answer.status_code == 200 and answer.get_json()["result"] == "ignored"
    assert reasons(BUSY) == set()


@pytest.mark.parametrize(
    "event",
    [
        DELIVERY,
        {"eventType": "Open", "open": {}, "mail": {}},
        {"notificationType": "AmazonSnsSubscriptionSucceeded", "message": "You have subscribed"},
    ],
)
def test_deliveries_and_other_events_are_ignored(post, signer, event):
    answer = post(signer.notification(event))
    assert answer.status_code == 200 and answer.get_json()["result"] == "ignored"
    assert reasons(BUSY) == set()


def test_a_redelivered_bounce_is_still_200(post, signer):
    message = signer.notification(bounce("Permanent", GONE))
    assert [post(message).status_code for _ in range(2)] == [200, 200]
    assert reasons(GONE) == {"bounced"}


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"\xff\xfe{}",
        b"[]",
        b'{"Type": "Notification"}',
        b'{"Type": "SomethingElse", "Message": "x"}',
    ],
)
def test_malformed_messages_are_400(post, fetches, body):
    assert post(body).status_code == 400
    assert fetches.certificates == []


@pytest.mark.parametrize(
    "message",
    ["plain text from the console", "[]", json.dumps({"notificationType": "Bounce"}),
     json.dumps(bounce("Permanent") | {"bounce": {"bounceType": "Permanent"}}),
     json.dumps(complaint() | {"complaint": {"complainedRecipients": [{"x": 1}]}})],
)  # fmt: skip
def test_a_signed_message_that_is_not_an_ses_event_is_400(post, signer, message):
    assert post(signer.notification(message)).status_code == 400


def test_only_the_configured_topics_are_accepted(post, signer, fetches, monkeypatch):
    other = "arn:aws:sns:af-south-1:999999999999:someone-elses-topic"
    answer = post(signer.notification(bounce("Permanent", GONE), TopicArn=other))
    assert answer.status_code == 403
    assert fetches.certificates == [] and reasons(GONE) == set()

    monkeypatch.delenv("SNS_TOPIC_ARNS")  # unset: refuse every topic (outside `make run`)
    wiring.reset()
    assert post(signer.subscription_confirmation()).status_code == 403
    assert fetches.visited == []


def test_sns_unreachable_answers_503_so_sns_redelivers(post, signer, fetches):
    fetches.failure = sns.SnsFetchFailed("TimeoutError")
    answer = post(signer.notification(bounce("Permanent", GONE)))
    assert answer.status_code == 503 and "Retry-After" in answer.headers
    assert post(signer.subscription_confirmation()).status_code == 503


def test_storage_outage_answers_503(post, signer, monkeypatch):
    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", f"127.0.0.1:{free_port()}")
    monkeypatch.setenv("FIRESTORE_TIMEOUT_SECONDS", "1")
    wiring.reset()
    answer = post(signer.notification(bounce("Permanent", GONE)))
    assert answer.status_code == 503 and "Retry-After" in answer.headers


def test_other_methods_are_405(client_for, fetches):
    assert client_for("email_events").get("/").status_code == 405


def test_logs_carry_types_and_counts_never_addresses(post, signer, capfd):
    post(signer.notification(bounce("Permanent", GONE, SPAMMY)))
    post(signer.notification(bounce("Transient", BUSY)))
    post(signer.notification(complaint(SPAMMY)))
    post(signer.notification(bounce("Permanent", GONE)) | {"Message": "tampered"})
    out, err = capfd.readouterr()
    entries = [json.loads(line) for line in out.splitlines() if line.strip()]
    feedback = [e for e in entries if e["message"] == "email feedback received"]
    assert [(e["event_type"], e.get("bounce_type"), e["recipients"]) for e in feedback] == [
        ("Bounce", "Permanent", 2), ("Bounce", "Transient", 0), ("Complaint", None, 1)
    ]  # fmt: skip
    assert any(e["message"] == "sns message rejected" and e["status"] == 403 for e in entries)
    for address in (GONE, GONE.lower(), SPAMMY, BUSY, "Example.org", "example.org"):
        assert address not in out and address not in err


def test_a_bounced_address_gets_no_mail_at_all(post, signer, client_for, tasks):
    principal = "principal@sunflower.example.org"
    assert post(signer.notification(bounce("Permanent", principal))).status_code == 200
    case = {
        "centre_id": "sunflower-soweto", "kind": "complaint", "urgent": True,
        "category": "child_wellbeing_and_safety", "description": "The gate was left open",
        "reporter": {"phone": "0821234567"}, "consent": {"given": True, "version": "2026-11"},
    }  # fmt: skip
    assert client_for("submit_feedback").post("/", json=case).status_code == 201
    deliver = client_for("deliver_email")
    states = {}
    for body in tasks.take():
        assert deliver.post("/", json=body).status_code == 200
        for item in body["messages"]:
            message = stored_message(wiring.firestore_client(), item["message_id"])
            states[message.to] = message.state
    assert states[principal] == "suppressed"  # even an urgent (transactional) alert
    assert states["admin.gauteng@ecd.example.org"] == "sent"
