"""A signature replayed over another body opens nothing: the Google Form intake's HMAC
(X-Signature over "<t>.<raw body>") and Amazon SNS's signature over its message's fields.

A captured request is the attacker's best material: a real signature, fresh, over a real
body. Each test takes one and changes only what the attacker would, then checks the answer
(401 or 403) and that nothing was stored. (A tampered SNS Message alone is
tests/functions/test_email_events.py's; here every signed field, and the signature carried
to another message.)
"""

from __future__ import annotations

import json
import time

import pytest

from functions import wiring
from functions.adapters.aws import sns
from functions.config import LOCAL_INTAKE_SECRET
from functions.http.integrations.apps_script_signature import sign
from tests.builders import delivery, suppression_reasons
from tests.unit.test_sns_signatures import TOPIC, SnsSigner

SECRET = LOCAL_INTAKE_SECRET.encode()


def _count(collection: str) -> int:
    return sum(1 for _ in wiring.firestore_client().collection(collection).stream())


def _send(client, body: bytes, header: str):
    return client.post("/", data=body, content_type="application/json",
                       headers={"X-Signature": header})  # fmt: skip


def _respaced(body: bytes) -> bytes:
    return json.dumps(json.loads(body), indent=1).encode()


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda b: delivery("resp-other"), id="another response id"),
        pytest.param(lambda b: delivery(form_id="demo-forum-registration"), id="another form"),
        pytest.param(lambda b: b + b" ", id="a trailing space"),
        pytest.param(_respaced, id="the same JSON spaced otherwise"),
        pytest.param(lambda b: b.replace(b"Compliment", b"Complaint"), id="one answer changed"),
    ],
)
def test_a_google_form_signature_over_another_body_is_401_and_stores_nothing(client_for, change):
    intake = client_for("intake_google_form")
    genuine = delivery("resp-genuine")
    header = sign(genuine, SECRET, int(time.time()))
    forged = change(genuine)
    assert forged != genuine
    answer = _send(intake, forged, header)
    assert answer.status_code == 401, answer.get_json()
    assert _count("cases") == 0 and _count("idempotency") == 0
    assert _send(intake, genuine, header).status_code == 201  # the genuine one still works


def test_a_google_form_signature_with_its_timestamp_moved_is_401(client_for):
    """The timestamp is signed too: moving it to keep a stale signature fresh fails."""
    intake = client_for("intake_google_form")
    body = delivery("resp-stale")
    old = int(time.time()) - 3600
    stale = sign(body, SECRET, old)
    moved = stale.replace(f"t={old}", f"t={int(time.time())}")
    for header in (stale, moved):
        assert _send(intake, body, header).status_code == 401
    assert _count("cases") == 0


def test_a_signature_made_with_another_secret_is_401(client_for):
    intake = client_for("intake_google_form")
    body = delivery("resp-other-secret")
    header = sign(body, b"another network's secret", int(time.time()))
    assert _send(intake, body, header).status_code == 401
    assert _count("cases") == 0


@pytest.fixture
def sns_post(client_for, project, monkeypatch):
    signer = SnsSigner()
    monkeypatch.setattr(sns, "fetch_certificate", signer.fetch)
    monkeypatch.setattr(sns, "https_get", lambda url: b"")
    monkeypatch.setenv("SNS_TOPIC_ARNS", TOPIC)
    wiring.reset()
    client = client_for("email_events")

    def send(message: dict):
        return client.post("/", data=json.dumps(message), content_type="text/plain")

    send.signer = signer
    return send


def _bounce(address: str) -> dict:
    return {
        "notificationType": "Bounce",
        "bounce": {"bounceType": "Permanent", "bounceSubType": "General",
                   "bouncedRecipients": [{"emailAddress": address}]},
        "mail": {"messageId": "m", "destination": [address]},
    }  # fmt: skip


@pytest.mark.parametrize(
    "field, value",
    [
        ("MessageId", "another-message"),
        ("Timestamp", "2030-01-01T00:00:00.000Z"),
        ("Subject", "Amazon SES Email Event Notification"),
        ("TopicArn", TOPIC.replace("ses-feedback", "other")),
        ("Type", "SubscriptionConfirmation"),
    ],
)
def test_an_sns_signature_is_bound_to_every_signed_field(sns_post, field, value):
    victim = "victim@example.org"
    genuine = sns_post.signer.notification(_bounce("someone@example.org"))
    forged = genuine | {field: value, "Message": json.dumps(_bounce(victim))}
    # 400 for a Type whose own fields are missing (a subscription's SubscribeURL): refused first
    assert sns_post(forged).status_code in ((400, 403) if field == "Type" else (403,))
    assert suppression_reasons(wiring.firestore_client(), victim) == set()


def test_an_sns_signature_carried_to_another_message_is_403(sns_post):
    victim = "victim@example.org"
    one = sns_post.signer.notification(_bounce("someone@example.org"))
    other = sns_post.signer.notification(_bounce(victim), MessageId="other-id")
    forged = other | {"Signature": one["Signature"]}
    assert sns_post(forged).status_code == 403
    assert suppression_reasons(wiring.firestore_client(), victim) == set()
    assert sns_post(other).status_code == 200  # signed as SNS signs it: taken
    assert suppression_reasons(wiring.firestore_client(), victim) == {"bounced"}
