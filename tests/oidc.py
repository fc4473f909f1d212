"""A stand-in for Google's ID tokens: an RSA test key, its certificate served on loopback in
Google's v1 format ({kid: PEM certificate}, with Cache-Control), and real RS256 ID tokens
minted with it, so google-auth verifies them exactly as it verifies Google's.

    with IdentityProvider() as google:          # the session fixture `google_idp` does this
        os.environ["GOOGLE_CERTS_URL"] = google.url
        token = google.mint("admin@ecd.example.org", "client-id.apps.googleusercontent.com")
"""

from __future__ import annotations

import base64
import json
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

GOOGLE_ISSUER = "https://accounts.google.com"
# The accounts the tests' deployment trusts (tests/functions/conftest.py sets them).
SCHEDULER_ACCOUNT = "ecd-scheduler-invoker@demo-test.iam.gserviceaccount.com"
TASKS_ACCOUNT = "ecd-tasks-invoker@demo-test.iam.gserviceaccount.com"
OAUTH_CLIENT_ID = "1234567890-admin.apps.googleusercontent.com"
# The entry points that only a service account may call, and whose (infra/terraform's
# `invoker` of each function; tests/functions/test_admin_auth.py checks they agree).
INVOKERS = {
    "sweep_outbox": SCHEDULER_ACCOUNT,
    "run_nudges": SCHEDULER_ACCOUNT,
    "send_digests": SCHEDULER_ACCOUNT,
    "deliver_email": TASKS_ACCOUNT,
    "send_nudge": TASKS_ACCOUNT,
    "send_digest": TASKS_ACCOUNT,
    "setup_monthly_forums": SCHEDULER_ACCOUNT,
    "invite_to_forums": TASKS_ACCOUNT,
    "run_forum_followups": SCHEDULER_ACCOUNT,
    "compile_forum_summaries": SCHEDULER_ACCOUNT,
    "send_forum_surveys": TASKS_ACCOUNT,
    "send_forum_reminders": TASKS_ACCOUNT,
    "tell_forum_change": TASKS_ACCOUNT,
    "send_advisory_notices": TASKS_ACCOUNT,
    "send_charter": TASKS_ACCOUNT,
    "remind_charters": SCHEDULER_ACCOUNT,
    "retain_records": SCHEDULER_ACCOUNT,
}


class SigningKey:
    """An RSA key with a key id and a self-signed certificate, as Google publishes them."""

    def __init__(self, kid: str):
        self.kid = kid
        self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "securetoken.test")])
        now = datetime.now(UTC)
        certificate = (
            x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(self.private.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=30))
            .sign(self.private, hashes.SHA256())
        )  # fmt: skip
        self.certificate = certificate.public_bytes(serialization.Encoding.PEM).decode()
        self.private_pem = self.private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()  # fmt: skip

    def sign(self, payload: dict, header: dict | None = None) -> str:
        """An RS256 JWT of `payload`, signed with this key by google-auth's own signer."""
        from google.auth import crypt, jwt

        signer = crypt.RSASigner.from_string(self.private_pem, key_id=self.kid)
        return jwt.encode(signer, payload, header=header).decode()


class IdentityProvider:
    """Google's side: keys, their certificates over HTTP on 127.0.0.1, and minted tokens."""

    def __init__(self):
        self.key = SigningKey("test-key-1")
        self.published = {self.key.kid: self.key.certificate}
        self.fetches = 0
        self._server: ThreadingHTTPServer | None = None

    # -------------------------------------------------------------------- the cert server

    def __enter__(self) -> IdentityProvider:
        provider = self

        class Certificates(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                provider.fetches += 1
                body = json.dumps(provider.published).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("Cache-Control", "public, max-age=21600, must-revalidate")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):  # quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Certificates)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        assert self._server is not None, "use IdentityProvider as a context manager"
        return f"http://127.0.0.1:{self._server.server_address[1]}/oauth2/v1/certs"

    # ------------------------------------------------------------------------- the tokens

    def claims(self, email: str, audience: str, *, expires: float | None = None,
               issued: float | None = None, issuer: str = GOOGLE_ISSUER,
               email_verified: object = True, **extra) -> dict:  # fmt: skip
        """An ID token's claims as Google writes them; `expires`, `issued`: Unix seconds
        (default: issued now, valid for an hour)."""
        now = time.time()
        issued = now if issued is None else issued
        claims = {"iss": issuer, "azp": audience, "aud": audience, "sub": "1098765432101234567",
                  "email": email, "email_verified": email_verified, "iat": int(issued),
                  "exp": int(issued + 3600 if expires is None else expires)}  # fmt: skip
        claims.update(extra)
        return {key: value for key, value in claims.items() if value is not None}

    def mint(self, email: str, audience: str, *, key: SigningKey | None = None,
             **options) -> str:  # fmt: skip
        """A real RS256 ID token for `email` and `audience`, signed with the published key
        (or `key`); options as claims()."""
        return (key or self.key).sign(self.claims(email, audience, **options))


def unsigned(payload: dict, alg: str = "none", signature: str = "") -> str:
    """A JWT with the header {"alg": alg} and whatever signature text is given."""

    def part(value: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': alg, 'typ': 'JWT', 'kid': 'test-key-1'})}.{part(payload)}.{signature}"


def hs256(payload: dict, secret: str, kid: str = "test-key-1") -> str:
    """A JWT signed with HMAC-SHA256 keyed by `secret` (the certificate: a classic forgery)."""
    import hashlib
    import hmac

    def part(value: bytes) -> str:
        return base64.urlsafe_b64encode(value).rstrip(b"=").decode()

    head = part(json.dumps({"alg": "HS256", "typ": "JWT", "kid": kid}).encode())
    body = part(json.dumps(payload).encode())
    mac = hmac.new(secret.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{part(mac)}"
