"""Amazon SNS messages over HTTPS: signature verification and the two fetches SNS asks for.

https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html. A message is
trusted only when its signature verifies under the certificate at its SigningCertURL, and that
URL (like a SubscribeURL) must be https://sns.<region>.amazonaws.com[.cn]/… — checked before
anything is fetched. The fetch itself goes through a verified TLS connection with no redirects,
so the certificate can only come from Amazon. cryptography and urllib load on first use.
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import urlsplit

FETCH_TIMEOUT_SECONDS = 5.0
_MAX_FETCH_BYTES = 64 * 1024

_SIGNED_FIELDS = {
    "Notification": ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"),
    "SubscriptionConfirmation": (
        "Message",
        "MessageId",
        "SubscribeURL",
        "Timestamp",
        "Token",
        "TopicArn",
        "Type",
    ),  # fmt: skip
}
_SIGNED_FIELDS["UnsubscribeConfirmation"] = _SIGNED_FIELDS["SubscriptionConfirmation"]
_OPTIONAL_FIELDS = {"Subject"}
_ENVELOPE_FIELDS = ("Signature", "SignatureVersion", "SigningCertURL")
_HASHES = {"1": "SHA1", "2": "SHA256"}
_SNS_HOST = re.compile(r"sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?")
_URL_CHARACTERS = re.compile(r"[\x21-\x7e]+")  # printable ASCII, no spaces or controls


class SnsMessageMalformed(ValueError):
    """Not an SNS message: an unknown Type or a missing or non-text field (answer 400)."""


class SnsSignatureInvalid(Exception):
    """The message cannot be trusted; str() is a fixed, log-safe reason (answer 403)."""


class SnsFetchFailed(Exception):
    """A GET from SNS failed: for good (`permanent`: a 3xx or 4xx) or just now (SNS will
    redeliver the message, so answer 503). str() is a fixed, log-safe reason."""

    def __init__(self, reason: str, permanent: bool = False):
        super().__init__(reason)
        self.permanent = permanent


def check_message_shape(message: object) -> None:
    """Raise SnsMessageMalformed unless the message is an object with every field its Type
    needs present as text."""
    if not isinstance(message, dict):
        raise SnsMessageMalformed("not an object")
    message_type = message.get("Type")
    signed = _SIGNED_FIELDS.get(message_type) if isinstance(message_type, str) else None
    if signed is None:
        raise SnsMessageMalformed("unknown Type")
    for field in (*signed, *_ENVELOPE_FIELDS):
        value = message.get(field)
        if value is None and field in _OPTIONAL_FIELDS:
            continue
        if not isinstance(value, str) or (not value and field != "Message"):
            raise SnsMessageMalformed(f"{field} missing")


def canonical_string(message: dict) -> bytes:
    """What SNS signs: "Key\\nValue\\n" for each signed field of the Type, in byte order."""
    check_message_shape(message)
    parts = []
    for field in _SIGNED_FIELDS[message["Type"]]:
        if message.get(field) is not None:
            parts.append(f"{field}\n{message[field]}\n")
    return "".join(parts).encode()


def check_sns_url(url: object, certificate: bool = False) -> str:
    """The URL, if it is https on an SNS host (a certificate's ends in .pem); else refuse."""
    if not isinstance(url, str) or not _URL_CHARACTERS.fullmatch(url):
        raise SnsSignatureInvalid("url not acceptable")
    parts = urlsplit(url)
    # The whole netloc must be the host: no user info, no port, no look-alike suffix.
    if parts.scheme != "https" or not _SNS_HOST.fullmatch(parts.netloc):
        raise SnsSignatureInvalid("url not on an sns host")
    if certificate and not parts.path.endswith(".pem"):
        raise SnsSignatureInvalid("certificate url not a .pem")
    return url


def verify_sns_message(
    message: dict, fetch_certificate: Callable[[str], bytes], now: datetime | None = None
) -> None:
    """Raise unless `message` is signed by SNS (SignatureVersion 1: SHA1, 2: SHA256).

    SnsMessageMalformed for a missing field, SnsSignatureInvalid for anything untrusted (the
    certificate URL is refused before `fetch_certificate` is called), and whatever the fetcher
    raises (SnsFetchFailed) when the certificate cannot be had just now.
    """
    canonical = canonical_string(message)
    hash_name = _HASHES.get(message["SignatureVersion"])
    if hash_name is None:
        raise SnsSignatureInvalid("unsupported SignatureVersion")
    try:
        signature = base64.b64decode(message["Signature"], validate=True)
    except (binascii.Error, ValueError):
        raise SnsSignatureInvalid("signature not base64") from None
    url = check_sns_url(message["SigningCertURL"], certificate=True)
    _check_signature(fetch_certificate(url), signature, canonical, hash_name, now)


def _check_signature(pem: bytes, signature: bytes, canonical: bytes, hash_name: str,
                     now: datetime | None) -> None:  # fmt: skip
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    try:
        certificate = x509.load_pem_x509_certificate(pem)
    except ValueError:
        raise SnsSignatureInvalid("certificate unreadable") from None
    now = now or datetime.now(UTC)
    if not certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
        raise SnsSignatureInvalid("certificate expired or not yet valid")
    key = certificate.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise SnsSignatureInvalid("certificate key not rsa")
    try:
        key.verify(signature, canonical, padding.PKCS1v15(), getattr(hashes, hash_name)())
    except InvalidSignature:
        raise SnsSignatureInvalid("signature does not match") from None


def confirm_subscription(message: dict, get: Callable[[str], bytes]) -> None:
    """Confirm a (verified) SubscriptionConfirmation by GETting its SubscribeURL."""
    get(check_sns_url(message.get("SubscribeURL")))


def https_get(url: str) -> bytes:
    """GET an SNS URL over verified TLS, no redirects, a short timeout and a size limit.

    SnsSignatureInvalid for a URL off SNS; SnsFetchFailed when the GET does not succeed.
    """
    import urllib.error
    import urllib.request

    check_sns_url(url)

    class _NoRedirects(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None  # the 3xx then surfaces as an HTTPError

    opener = urllib.request.build_opener(_NoRedirects)
    try:
        with opener.open(url, timeout=FETCH_TIMEOUT_SECONDS) as response:
            body = response.read(_MAX_FETCH_BYTES + 1)
    except urllib.error.HTTPError as error:
        raise SnsFetchFailed(f"sns answered {error.code}", error.code < 500) from None
    except (OSError, ValueError) as error:  # URLError, timeouts, TLS failures
        raise SnsFetchFailed(type(error).__name__) from None
    if len(body) > _MAX_FETCH_BYTES:
        raise SnsFetchFailed("sns answer too large", permanent=True)
    return body


@functools.lru_cache(maxsize=16)
def fetch_certificate(url: str) -> bytes:
    """The PEM at a SigningCertURL, fetched once per URL per process (failures are not kept).

    A certificate SNS does not have (3xx, 4xx) makes the message untrusted.
    """
    try:
        return https_get(check_sns_url(url, certificate=True))
    except SnsFetchFailed as failure:
        if failure.permanent:
            raise SnsSignatureInvalid("certificate not found") from None
        raise
