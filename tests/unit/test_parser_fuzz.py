"""Every parser of outside input answers "yes" or its own "no", for any input at all.

Each of these once raised something else (TypeError, ValueError from int(), UnicodeEncodeError)
on text an attacker chose, and the entry point answered 500. hypothesis draws text from the
whole of Unicode, lone surrogates and line breaks of every kind included.
"""

from __future__ import annotations

import contextlib
import json
import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from functions.adapters.aws import sns
from functions.domain.mail.suppression import (
    address_key,
    read_unsubscribe_token,
    unsubscribe_token,
)
from functions.domain.shared.signing import Signer, same_signature, unix_seconds
from functions.http.answers import parse_json
from functions.http.integrations.apps_script_signature import SignatureRejected, sign, verify
from functions.http.parent import form_tokens as tokens
from tests.unit.test_sns_signatures import SnsSigner

SECRET = b"s3cret"
SIGNER = Signer([b"fuzz-key"])
NOW = 1_790_000_000
ANY_TEXT = st.text(st.characters(codec=None), max_size=80)
DIGITS = st.text(st.characters(categories=["Nd", "No"]), min_size=1, max_size=20)
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


@given(given_=ANY_TEXT, expected=st.text(alphabet="0123456789abcdef", max_size=64))
@example(given_="é", expected="00").via("non-ASCII against ASCII")
def test_comparing_signatures_never_raises(given_, expected):
    assert same_signature(given_, expected) == (given_ == expected)


@given(ANY_TEXT | DIGITS)
@example("²").via("a superscript two is a digit to str.isdigit()")
@example("9" * 5000).via("more digits than int() takes")
def test_a_timestamp_is_ascii_digits_or_nothing(text):
    value = unix_seconds(text)
    assert value is None or (text.isascii() and str(value) == text.lstrip("0").rjust(1, "0"))


@given(header=ANY_TEXT, stamp=ANY_TEXT | DIGITS, signature=ANY_TEXT)
@settings(max_examples=300)
@example(header="", stamp="²", signature="00").via("a superscript timestamp")
@example(header="", stamp="9" * 5000, signature="00").via("a 5,000-digit timestamp")
@example(header="", stamp=str(NOW), signature="é").via("a non-ASCII signature")
def test_any_signature_header_is_accepted_or_rejected_with_a_reason(header, stamp, signature):
    body = b'{"form_id": "f"}'
    for candidate in (header, f"t={stamp},v1={signature}", f"v1={signature},t={stamp},v1=ab"):
        try:
            verify(candidate, body, SECRET, now=NOW, tolerance=300)
        except SignatureRejected:
            continue
        raise AssertionError(f"accepted a header we did not sign: {candidate!r}")


@given(noise=ANY_TEXT)
def test_our_own_signature_is_accepted_beside_any_other_candidate(noise):
    ours = sign(b"{}", SECRET, NOW)
    verify(f"{ours},v1={noise.replace(',', '')}", b"{}", SECRET, now=NOW, tolerance=300)


@given(token=ANY_TEXT, cookie=st.none() | ANY_TEXT, parts=st.lists(ANY_TEXT, max_size=4))
@settings(max_examples=300)
@example(token="1.a.é", cookie=None, parts=[]).via("a non-ASCII signature")
@example(token="².a.b", cookie=None, parts=[]).via("a superscript timestamp")
@example(token=tokens.issue(SIGNER, "abc")[0], cookie="é", parts=[]).via("a foreign cookie")
def test_any_form_token_and_cookie_give_a_nonce_or_a_rejection(token, cookie, parts):
    for candidate in (token, ".".join(parts)):
        try:
            nonce = tokens.check(candidate, cookie, SIGNER, 3600)
        except tokens.FormTokenRejected:
            continue
        assert nonce == cookie


@given(cookie=st.none() | ANY_TEXT)
def test_the_form_issued_to_any_cookie_can_be_sent(cookie):
    """A browser holding a cookie we did not set still gets a form it can send."""
    token, nonce = tokens.issue(SIGNER, cookie)
    assert tokens.check(token, nonce, SIGNER, 3600) == nonce


@given(token=st.none() | ANY_TEXT, key=st.text(alphabet="0123456789abcdef", min_size=64,
                                                 max_size=64), tail=ANY_TEXT)  # fmt: skip
def test_any_unsubscribe_token_is_ours_or_none(token, key, tail):
    for candidate in (token, f"{key}.{tail}", f"{key}.{tail}".upper()):
        assert read_unsubscribe_token(candidate, SIGNER) is None
    genuine = unsubscribe_token("parent@example.org", SIGNER)
    assert read_unsubscribe_token(genuine, SIGNER) == address_key("parent@example.org")


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | ANY_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(ANY_TEXT, inner, max_size=4),
    max_leaves=20,
)


@given(JSON_VALUES)
def test_parsed_json_holds_no_lone_surrogate(value):
    parsed = parse_json(json.dumps(value).encode())
    assert not LONE_SURROGATE.search(json.dumps(parsed, ensure_ascii=False))


@given(st.binary(max_size=200))
def test_any_bytes_are_json_or_a_value_error(raw):
    with contextlib.suppress(ValueError, UnicodeDecodeError):
        parse_json(raw)


_SIGNER = SnsSigner()
SIGNED = {
    "notification": _SIGNER.notification({"notificationType": "Bounce"}),
    "confirmation": _SIGNER.subscription_confirmation(version="1"),
}
FIELDS = sorted(set(SIGNED["notification"]) | set(SIGNED["confirmation"]) | {"Subject"})


@given(
    kind=st.sampled_from(sorted(SIGNED)),
    changes=st.dictionaries(st.sampled_from(FIELDS), JSON_VALUES | st.just(...), max_size=3),
)
@settings(max_examples=300)
@example(kind="notification", changes={"Type": []}).via("an unhashable Type")
@example(kind="notification", changes={"Signature": "é"}).via("a non-ASCII signature")
def test_any_sns_envelope_is_verified_or_refused_with_a_reason(kind, changes):
    """A genuine SNS message with fields replaced by any JSON (or removed: `...`), through
    the same steps as email_events: JSON, an object, its shape, its signature."""
    envelope = {**SIGNED[kind], **changes}
    envelope = {field: value for field, value in envelope.items() if value is not ...}
    try:
        message = parse_json(json.dumps(envelope).encode())
        sns.check_message_shape(message)
        sns.verify_sns_message(message, _SIGNER.fetch)
    except (ValueError, sns.SnsSignatureInvalid):
        return
    # Trusted: then every signed field is as SNS signed it.
    signed = sns.canonical_string(SIGNED[kind])
    assert sns.canonical_string(message) == signed


def test_the_envelope_fuzz_reaches_the_signature_check():
    sns.verify_sns_message(SIGNED["notification"], _SIGNER.fetch)
    sns.verify_sns_message(SIGNED["confirmation"], _SIGNER.fetch)
