"""Google-signed ID tokens, verified with google-auth against Google's published certificates:
signature, issuer, audience and expiry, then the account (email, verified by Google).

Two kinds of caller carry one: administrators (Google sign-in, or `gcloud auth
print-identity-token` for the `ecd` tool; functions/http/callers.py) and the service accounts
of Cloud Scheduler and Cloud Tasks (the job and task decorators, functions/entrypoints.py).

How a token is checked, in this order, so that no string a stranger sends reaches a parser
that could fail in a way we did not foresee (huge, not ASCII, half a surrogate pair, not a JWT):
1. its shape: ASCII, at most 8 KiB, three base64url parts, a header naming RS256 (the only
   algorithm Google signs ID tokens with: "none", HS256 and the rest are refused here) and a
   key id;
2. google.auth.jwt.decode with the certificate of that key: the signature, `iat` and `exp`
   (60 s of clock skew) and the audience;
3. the issuer (accounts.google.com), the email address and email_verified.
Anything else is InvalidToken with a short reason, never the token nor its claims.

The certificates (settings.google_certs_url, Google's v1 format {kid: PEM certificate}) are
kept per instance for as long as Google's Cache-Control max-age says (5 minutes to 6 hours; an
hour without one), and fetched again early when a token names a key we do not have (Google
rotated its keys), at most once a minute. google.oauth2.id_token.verify_token does the same
checks but fetches the certificates on every call (a request per admin page, and an import of
requests): jwt.decode given cached certificates is the same verification without that. When
Google cannot be reached, CertificatesUnavailable (a StorageUnavailable): the caller gets 503
and tries again, rather than a 401 that says its token is wrong.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import threading
import time
from dataclasses import dataclass

from functions.config import get_settings
from functions.services.errors import InvalidToken, StorageUnavailable

ISSUERS = frozenset({"accounts.google.com", "https://accounts.google.com"})
CLOCK_SKEW_SECONDS = 60
TOKEN_MAX = 8 * 1024  # Google's ID tokens are about 1 KiB
# What Cloud Run puts in place of the signature once it has verified the token itself
# (https://cloud.google.com/run/docs/troubleshooting#signature-removed).
SIGNATURE_REMOVED = "SIGNATURE_REMOVED_BY_GOOGLE"
_SHAPE = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
_CERTS_MAX_BYTES = 256 * 1024
_CERTS_MIN_AGE, _CERTS_MAX_AGE, _CERTS_DEFAULT_AGE = 300, 6 * 3600, 3600
_REFETCH_EVERY = 60  # seconds between early fetches for an unknown key id


class CertificatesUnavailable(StorageUnavailable):
    """Google's signing certificates could not be fetched: try again shortly (503)."""


@dataclass(frozen=True)
class Identity:
    """Who a verified token stands for, and until when (Unix seconds)."""

    email: str
    audience: str
    expires_at: int


def verify_id_token(token: object, audiences: list[str] | tuple[str, ...]) -> Identity:
    """The identity of a Google-signed ID token for one of `audiences`, or InvalidToken."""
    header, payload = _parts(token)
    audiences = [audience for audience in audiences if audience]
    if not audiences:
        raise InvalidToken("no audience is configured to accept")
    certificate = _certificates.get(header["kid"], get_settings().google_certs_url)
    if certificate is None:
        raise InvalidToken("signed with a key Google does not publish")
    from google.auth import exceptions, jwt

    try:
        verified = jwt.decode(token, certs={header["kid"]: certificate}, audience=audiences,
                              clock_skew_in_seconds=CLOCK_SKEW_SECONDS)  # fmt: skip
    except (exceptions.GoogleAuthError, ValueError, TypeError, KeyError, AttributeError):
        # Why, from the unverified claims where they say it; else the signature is wrong.
        _check_times_and_audience(payload, audiences)
        raise InvalidToken("the signature is not Google's") from None
    return _identity(verified)


def verify_administrator_token(token: str) -> str:
    """The verified email address of an administrator's ID token, or InvalidToken. Its
    audience must be the admin sign-in's OAuth client (GOOGLE_OAUTH_CLIENT_ID) or one of
    ADMIN_AUDIENCES (e.g. the client of `gcloud auth print-identity-token`)."""
    settings = get_settings()
    audiences = [*settings.admin_audiences, settings.google_oauth_client_id or ""]
    return verify_id_token(token, audiences).email


def verify_service_token(token: object, audience: str, platform_verified: bool = False) -> str:
    """The verified email address of a service account's ID token for `audience` (a
    function's own URL), or InvalidToken.

    `platform_verified`: the function is deployed private, so Cloud Run has verified the
    token (signature, audience, and that its account may invoke the function) and removed
    its signature before passing it on. A token whose signature is SIGNATURE_REMOVED is then
    taken as verified and only its claims are checked; without this it is refused like any
    unsigned token. Never set it for a function anyone may call.
    """
    if platform_verified and isinstance(token, str) and token.endswith("." + SIGNATURE_REMOVED):
        _, payload = _parts(token)
        _check_times_and_audience(payload, [audience])
        return _identity(payload).email
    return verify_id_token(token, [audience]).email


# ------------------------------------------------------------------------------- the token


def _parts(token: object) -> tuple[dict, dict]:
    """The header and (unverified) payload of a token of the right shape, or InvalidToken."""
    if not isinstance(token, str) or not 0 < len(token) <= TOKEN_MAX:
        raise InvalidToken("not a Google ID token")
    if not _SHAPE.fullmatch(token):  # ASCII only: a lone surrogate never gets further
        raise InvalidToken("not a Google ID token")
    encoded_header, encoded_payload, _ = token.split(".")
    header, payload = _segment(encoded_header), _segment(encoded_payload)
    if header.get("alg") != "RS256":
        raise InvalidToken("not signed the way Google signs ID tokens (RS256)")
    kid = header.get("kid")
    if not isinstance(kid, str) or not 0 < len(kid) <= 128:
        raise InvalidToken("no signing key named")
    return header, payload


def _segment(encoded: str) -> dict:
    try:
        value = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    except (binascii.Error, ValueError, RecursionError):
        raise InvalidToken("not a Google ID token") from None
    if not isinstance(value, dict):
        raise InvalidToken("not a Google ID token")
    return value


def _number(value: object) -> float | None:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _check_times_and_audience(payload: dict, audiences: list[str]) -> None:
    now = time.time()
    expires, issued = _number(payload.get("exp")), _number(payload.get("iat"))
    if expires is None or issued is None:
        raise InvalidToken("no expiry")
    if expires + CLOCK_SKEW_SECONDS < now:
        raise InvalidToken("expired")
    if issued - CLOCK_SKEW_SECONDS > now:
        raise InvalidToken("issued in the future")
    if not isinstance(payload.get("aud"), str) or payload["aud"] not in audiences:
        raise InvalidToken("meant for another audience")


def _identity(payload) -> Identity:
    """The identity of a token whose signature, times and audience are verified."""
    if payload.get("iss") not in ISSUERS:
        raise InvalidToken("not issued by Google")
    email = payload.get("email")
    if not isinstance(email, str) or "@" not in email or len(email) > 254:
        raise InvalidToken("no email address")
    if not email.isascii():  # lower() would fold some (K, İ) into an allow-listed address
        raise InvalidToken("an email address Google does not give")
    if payload.get("email_verified") not in (True, "true"):
        raise InvalidToken("the email address is not verified by Google")
    return Identity(email=email.strip().lower(), audience=payload["aud"],
                    expires_at=int(payload["exp"]))  # fmt: skip


# ------------------------------------------------------------------------ the certificates


class _Certificates:
    """Google's certificates by key id, per URL, fetched when stale or when a key is new."""

    def __init__(self):
        self._lock = threading.Lock()
        self._held: dict[str, tuple[dict[str, str], float, float]] = {}  # url: certs, until, at

    def get(self, kid: str, url: str) -> str | None:
        now = time.monotonic()
        with self._lock:
            certs, until, fetched = self._held.get(url, ({}, 0.0, -_REFETCH_EVERY))
            if now >= until or (kid not in certs and now - fetched >= _REFETCH_EVERY):
                try:
                    certs, max_age = _fetch(url)
                except CertificatesUnavailable:
                    if kid not in certs:
                        raise
                    # Google's keys outlive their max-age by days: keep going on these.
                    certs, max_age = certs, _REFETCH_EVERY
                self._held[url] = (certs, now + max_age, now)
            return certs.get(kid)

    def forget(self) -> None:
        with self._lock:
            self._held.clear()


def _fetch(url: str) -> tuple[dict[str, str], float]:
    """Google's certificates and how long to keep them, or CertificatesUnavailable."""
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our setting
            body = response.read(_CERTS_MAX_BYTES + 1)
            cache_control = response.headers.get("Cache-Control", "")
        certs = json.loads(body) if len(body) <= _CERTS_MAX_BYTES else None
    except (OSError, ValueError) as error:
        raise CertificatesUnavailable(f"Google's certificates: {type(error).__name__}") from None
    if not isinstance(certs, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and "BEGIN CERTIFICATE" in v
        for k, v in certs.items()
    ):
        raise CertificatesUnavailable("Google's certificates: not the v1 format")
    age = re.search(r"max-age=(\d+)", cache_control)
    max_age = int(age.group(1)) if age else _CERTS_DEFAULT_AGE
    return certs, float(min(max(max_age, _CERTS_MIN_AGE), _CERTS_MAX_AGE))


_certificates = _Certificates()


def forget_certificates() -> None:
    """Drop the certificates held (tests that change GOOGLE_CERTS_URL's keys)."""
    _certificates.forget()
