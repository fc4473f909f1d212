import time

import pytest

from functions.domain.shared.signing import Purpose, Signer
from functions.http.integrations.apps_script_signature import SignatureRejected, sign, verify
from functions.http.parent import form_tokens as tokens
from tests.builders import tampered

SECRET = b"s3cret"
SIGNER = Signer([b"form-key"])
OTHER = Signer([b"another-key"])
BODY = '{"form_id": "f", "answers": ["é ✓"]}'.encode()
NOW = 1_790_000_000


def test_a_fresh_signature_over_the_exact_body_is_accepted():
    verify(sign(BODY, SECRET, NOW), BODY, SECRET, now=NOW + 299, tolerance=300)


def test_the_signature_covers_the_timestamp_exactly_as_sent():
    """ "<t>.<body>" with t as it appears in the header, leading zeros and all."""
    import hashlib
    import hmac

    padded = f"0{NOW}"
    digest = hmac.new(SECRET, f"{padded}.".encode() + BODY, hashlib.sha256).hexdigest()
    verify(f"t={padded},v1={digest}", BODY, SECRET, now=NOW, tolerance=300)
    with pytest.raises(SignatureRejected, match="mismatch"):
        verify(f"t={padded},{sign(BODY, SECRET, NOW).split(',')[1]}", BODY, SECRET, now=NOW,
               tolerance=300)  # fmt: skip


@pytest.mark.parametrize(
    ("header", "body", "now", "reason"),
    [
        (None, BODY, NOW, "missing"),
        ("v1=abc", BODY, NOW, "malformed"),
        (sign(BODY, SECRET, NOW), BODY + b" ", NOW, "mismatch"),
        (sign(BODY, b"other", NOW), BODY, NOW, "mismatch"),
        (sign(BODY, SECRET, NOW), BODY, NOW + 301, "stale"),
        (sign(BODY, SECRET, NOW), BODY, NOW - 301, "stale"),
    ],
)
def test_anything_else_is_rejected_with_a_reason(header, body, now, reason):
    with pytest.raises(SignatureRejected, match=reason):
        verify(header, body, SECRET, now=now, tolerance=300)


def test_during_secret_rotation_either_signature_may_match():
    old = sign(BODY, b"old", NOW).split("v1=")[1]
    header = f"{sign(BODY, SECRET, NOW)},v1={old}"
    verify(header, BODY, b"old", now=NOW, tolerance=300)


def test_form_tokens_round_trip_with_their_cookie():
    token, nonce = tokens.issue(SIGNER)
    assert tokens.check(token, nonce, SIGNER, max_age=3600) == nonce


def test_a_cookie_nonce_of_ours_is_kept_and_any_other_replaced():
    assert tokens.issue(SIGNER, "abcDEF_-123")[1] == "abcDEF_-123"
    for foreign in ("é", "a b", "x" * 65, "", None):
        assert tokens.issue(SIGNER, foreign)[1] != foreign


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda token, nonce: ("garbage", nonce), "forged"),
        (lambda token, nonce: (tampered(token), nonce), "forged"),
        (
            lambda token, nonce: (OTHER.sign(Purpose.FEEDBACK_FORM, nonce, expires=True), nonce),
            "forged",
        ),
        (lambda token, nonce: (SIGNER.sign(Purpose.UNSUBSCRIBE, nonce), nonce), "forged"),
        (lambda token, nonce: (token, "another-browser"), "cookie"),
        (lambda token, nonce: (token, None), "cookie"),
    ],
    ids=["garbage", "tampered", "another-key", "another-purpose", "other-cookie", "no-cookie"],
)
def test_form_tokens_refuse_forgery_and_other_browsers(mutate, reason):
    token, nonce = tokens.issue(SIGNER)
    token, cookie = mutate(token, nonce)
    with pytest.raises(tokens.FormTokenRejected, match=reason):
        tokens.check(token, cookie, SIGNER, max_age=3600)


def test_form_tokens_expire(monkeypatch):
    token, nonce = tokens.issue(SIGNER)
    later = time.time() + 3601
    monkeypatch.setattr(time, "time", lambda: later)
    with pytest.raises(tokens.FormTokenRejected, match="expired"):
        tokens.check(token, nonce, SIGNER, max_age=3600)
