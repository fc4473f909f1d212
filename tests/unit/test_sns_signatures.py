"""SNS message signatures: the canonical string, both signature versions, and the URL rule.

A self-signed certificate stands in for the one SNS publishes; messages are signed with its
key exactly as SNS signs them. `SnsSigner` is also used by tests/functions/test_email_events.py.
"""

from __future__ import annotations

import base64
import functools
from datetime import UTC, datetime, timedelta

import pytest

from functions.adapters.aws import sns
from functions.adapters.aws.sns import (
    SnsFetchFailed,
    SnsMessageMalformed,
    SnsSignatureInvalid,
    canonical_string,
    check_sns_url,
    confirm_subscription,
    verify_sns_message,
)

CERT_URL = "https://sns.af-south-1.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem"
TOPIC = "arn:aws:sns:af-south-1:123456789012:ses-feedback"
SUBSCRIBE_URL = (
    "https://sns.af-south-1.amazonaws.com/?Action=ConfirmSubscription"
    f"&TopicArn={TOPIC}&Token=2336412f37fb687f5d51e6e2425c464de"
)


class SnsSigner:
    """Makes messages the way SNS does, signed by a self-signed test certificate's key."""

    def __init__(self, days_valid: int = 30):
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import rsa
        from cryptography.x509.oid import NameOID

        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.amazonaws.com")])
        now = datetime.now(UTC)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=days_valid))
            .sign(self.key, hashes.SHA256())
        )
        self.pem = certificate.public_bytes(serialization.Encoding.PEM)
        self.fetched: list[str] = []

    def fetch(self, url: str) -> bytes:
        """A certificate fetcher that records what it was asked for."""
        self.fetched.append(url)
        return self.pem

    def sign(self, message: dict, version: str = "2") -> dict:
        """The message with SignatureVersion, SigningCertURL and Signature set."""
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        message = {"SignatureVersion": version, "SigningCertURL": CERT_URL, **message}
        message["Signature"] = "placeholder"
        algorithm = hashes.SHA1() if version == "1" else hashes.SHA256()
        signature = self.key.sign(canonical_string(message), padding.PKCS1v15(), algorithm)
        return message | {"Signature": base64.b64encode(signature).decode()}

    def notification(self, body: dict | str, version: str = "2", **fields) -> dict:
        text = body if isinstance(body, str) else _json(body)
        return self.sign(
            {
                "Type": "Notification",
                "MessageId": "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
                "TopicArn": TOPIC,
                "Message": text,
                "Timestamp": "2026-11-23T09:14:00.000Z",
                "UnsubscribeURL": "https://sns.af-south-1.amazonaws.com/?Action=Unsubscribe",
            }
            | fields,
            version,
        )

    def subscription_confirmation(self, version: str = "2", **fields) -> dict:
        return self.sign(
            {
                "Type": "SubscriptionConfirmation",
                "MessageId": "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
                "Token": "2336412f37fb687f5d51e6e2425c464de",
                "TopicArn": TOPIC,
                "Message": f"You have chosen to subscribe to the topic {TOPIC}.",
                "SubscribeURL": SUBSCRIBE_URL,
                "Timestamp": "2026-11-23T09:14:00.000Z",
            }
            | fields,
            version,
        )


def _json(value) -> str:
    import json

    return json.dumps(value)


@functools.cache
def signer() -> SnsSigner:
    return SnsSigner()  # an RSA key takes a moment: one per test session


# --- the canonical string ------------------------------------------------------------------


def test_notification_canonical_string_follows_the_documented_order():
    message = {
        "Type": "Notification", "MessageId": "m-1", "TopicArn": TOPIC, "Subject": "Hi",
        "Message": "line one\nline two", "Timestamp": "2026-11-23T09:14:00.000Z",
        "SignatureVersion": "1", "Signature": "c2ln", "SigningCertURL": CERT_URL,
        "UnsubscribeURL": "https://sns.af-south-1.amazonaws.com/?Action=Unsubscribe",
    }  # fmt: skip
    assert (
        canonical_string(message)
        == (
            "Message\nline one\nline two\nMessageId\nm-1\nSubject\nHi\n"
            f"Timestamp\n2026-11-23T09:14:00.000Z\nTopicArn\n{TOPIC}\nType\nNotification\n"
        ).encode()
    )


@pytest.mark.parametrize("subject", ["absent", None])
def test_a_notification_without_subject_leaves_it_out(subject):
    message = signer().notification("hello")
    if subject == "absent":
        message.pop("Subject", None)
    else:
        message["Subject"] = None
    assert b"Subject" not in canonical_string(message)


def test_subscription_canonical_string_includes_subscribe_url_and_token():
    message = signer().subscription_confirmation()
    text = canonical_string(message).decode()
    keys = text.split("\n")[0::2][:-1]
    assert keys == ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn",
                    "Type"]  # fmt: skip
    assert f"SubscribeURL\n{SUBSCRIBE_URL}\n" in text


@pytest.mark.parametrize("field", ["Type", "MessageId", "Timestamp", "TopicArn", "Signature",
                                   "SigningCertURL", "SignatureVersion", "Message"])  # fmt: skip
def test_a_missing_field_is_malformed(field):
    message = signer().notification("hello")
    del message[field]
    with pytest.raises(SnsMessageMalformed):
        verify_sns_message(message, signer().fetch)


def test_a_confirmation_without_token_is_malformed():
    message = signer().subscription_confirmation()
    del message["Token"]
    with pytest.raises(SnsMessageMalformed):
        canonical_string(message)


def test_a_non_text_field_is_malformed():
    with pytest.raises(SnsMessageMalformed):
        canonical_string(signer().notification("hello") | {"MessageId": 7})


# --- verification --------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["1", "2"])
def test_both_signature_versions_verify(version):
    verify_sns_message(signer().notification("hello", version), signer().fetch)
    verify_sns_message(signer().subscription_confirmation(version), signer().fetch)


@pytest.mark.parametrize(
    "change",
    [
        {"Message": "hello!"},
        {"MessageId": "another"},
        {"Subject": "added"},
        {"TopicArn": TOPIC + "-2"},
        {"Timestamp": "2026-11-24T09:14:00.000Z"},
        {"SignatureVersion": "1"},  # signed as 2: the SHA1 check fails
    ],
)
def test_any_change_to_a_signed_field_is_refused(change):
    with pytest.raises(SnsSignatureInvalid):
        verify_sns_message(signer().notification("hello") | change, signer().fetch)


def test_a_signature_by_another_key_is_refused():
    other = SnsSigner()
    with pytest.raises(SnsSignatureInvalid, match="does not match"):
        verify_sns_message(other.notification("hello"), signer().fetch)


@pytest.mark.parametrize("signature", ["not base64!", ""])
def test_a_garbled_signature_is_refused(signature):
    message = signer().notification("hello") | {"Signature": signature}
    with pytest.raises((SnsSignatureInvalid, SnsMessageMalformed)):
        verify_sns_message(message, signer().fetch)


def test_an_unknown_signature_version_is_refused_before_fetching():
    fetched = []
    message = signer().notification("hello") | {"SignatureVersion": "3"}
    with pytest.raises(SnsSignatureInvalid, match="SignatureVersion"):
        verify_sns_message(message, fetched.append)
    assert fetched == []


def test_an_expired_certificate_is_refused():
    later = datetime.now(UTC) + timedelta(days=400)
    with pytest.raises(SnsSignatureInvalid, match="expired"):
        verify_sns_message(signer().notification("hello"), signer().fetch, now=later)


def test_something_that_is_not_a_certificate_is_refused():
    with pytest.raises(SnsSignatureInvalid, match="unreadable"):
        verify_sns_message(signer().notification("hello"), lambda url: b"<html>hi</html>")


# --- where certificates and confirmations may come from -------------------------------------

GOOD_URLS = [
    CERT_URL,
    "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem",
    "https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-abc.pem",
]
BAD_URLS = [
    "http://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem",
    "https://sns.us-east-1.amazonaws.com.evil.example/x.pem",
    "https://evil.example/sns.us-east-1.amazonaws.com/x.pem",
    "https://sns.us-east-1.amazonaws.com:8443/x.pem",
    "https://user@sns.us-east-1.amazonaws.com/x.pem",
    "https://sns.us-east-1.amazonaws.com@evil.example/x.pem",
    "https://SNS.us-east-1.amazonaws.com.evil.example/x.pem",
    "https://s3.amazonaws.com/x.pem",
    "https://sns.amazonaws.com/x.pem",
    "https://evilsns.us-east-1.amazonaws.com/x.pem",
    "https://sns.us-east-1.amazonaws.com/x.pem\n.evil.example",
    "https://sns.us-east-1.amazonaws.com/x.txt",
    "//sns.us-east-1.amazonaws.com/x.pem",
]


@pytest.mark.parametrize("url", GOOD_URLS)
def test_sns_certificate_urls_are_accepted(url):
    assert check_sns_url(url, certificate=True) == url


@pytest.mark.parametrize("url", BAD_URLS)
def test_other_certificate_urls_are_refused_without_fetching(url):
    fetched = []
    message = signer().notification("hello", SigningCertURL=url)
    with pytest.raises(SnsSignatureInvalid):
        verify_sns_message(message, fetched.append)
    assert fetched == []


def test_the_subscription_is_confirmed_at_its_subscribe_url():
    fetched = []
    confirm_subscription(signer().subscription_confirmation(), fetched.append)
    assert fetched == [SUBSCRIBE_URL]


@pytest.mark.parametrize(
    "url", ["http://sns.af-south-1.amazonaws.com/?Action=ConfirmSubscription",
            "https://sns.af-south-1.amazonaws.com.evil.example/?Action=ConfirmSubscription"],
)  # fmt: skip
def test_a_subscribe_url_off_sns_is_not_visited(url):
    fetched = []
    with pytest.raises(SnsSignatureInvalid):
        confirm_subscription({"SubscribeURL": url}, fetched.append)
    assert fetched == []


# --- the real fetchers (no network: https_get is replaced where it would connect) ------------


def test_certificates_are_fetched_once_per_url(monkeypatch):
    fetched = []
    monkeypatch.setattr(sns, "https_get", lambda url: fetched.append(url) or signer().pem)
    sns.fetch_certificate.cache_clear()
    for _ in range(3):
        verify_sns_message(signer().notification("hello"), sns.fetch_certificate)
    sns.fetch_certificate.cache_clear()
    assert fetched == [CERT_URL]


def test_a_failed_certificate_fetch_is_not_remembered(monkeypatch):
    answers = [SnsFetchFailed("TimeoutError"), signer().pem]

    def flaky(url):
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    monkeypatch.setattr(sns, "https_get", flaky)
    sns.fetch_certificate.cache_clear()
    with pytest.raises(SnsFetchFailed):
        sns.fetch_certificate(CERT_URL)
    assert sns.fetch_certificate(CERT_URL) == signer().pem
    sns.fetch_certificate.cache_clear()


def test_a_certificate_sns_does_not_have_makes_the_message_untrusted(monkeypatch):
    def missing(url):
        raise SnsFetchFailed("sns answered 404", permanent=True)

    monkeypatch.setattr(sns, "https_get", missing)
    sns.fetch_certificate.cache_clear()
    with pytest.raises(SnsSignatureInvalid, match="not found"):
        sns.fetch_certificate(CERT_URL)


@pytest.mark.parametrize("url", BAD_URLS)
def test_https_get_refuses_urls_off_sns_before_connecting(url, monkeypatch):
    import urllib.request

    def no_network(*args, **kwargs):
        raise AssertionError("tried to connect")

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", no_network)
    with pytest.raises(SnsSignatureInvalid):
        sns.fetch_certificate(url)
