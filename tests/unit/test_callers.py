"""Who is calling, without I/O: Google ID tokens minted with a test key (tests/oidc.py) and
verified by google-auth against its certificate, which the certificate cache is handed
instead of fetching it; the allow-list and the invoking accounts checked on top."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from functions.adapters import google_oidc
from functions.adapters.google_oidc import (
    CertificatesUnavailable,
    verify_administrator_token,
    verify_id_token,
    verify_service_token,
)
from functions.config import get_settings
from functions.domain.directory.administrators import Administrator
from functions.http import callers
from functions.services.errors import InvalidToken
from tests.oidc import (
    OAUTH_CLIENT_ID,
    SCHEDULER_ACCOUNT,
    TASKS_ACCOUNT,
    IdentityProvider,
    SigningKey,
    hs256,
    unsigned,
)

_REAL_FETCH = google_oidc._fetch  # before the fixture below replaces it
ADMIN = "admin@ecd.example.org"
JOB_URL = "http://127.0.0.1:8080/sweep_outbox"
GCLOUD_CLIENT = "32555940559.apps.googleusercontent.com"


@pytest.fixture(scope="module")
def google() -> IdentityProvider:
    return IdentityProvider()  # not entered: no server, the certificates are handed over


@pytest.fixture(scope="module")
def stranger() -> SigningKey:
    """A key Google never published, under the published key's id."""
    return SigningKey("test-key-1")


@pytest.fixture(autouse=True)
def deployment(google, monkeypatch):
    """Settings as deployed (no LOCAL_DEV); Google's certificates are the test key's, and
    every fetch is counted."""
    fetched = []

    def fetch(url):
        fetched.append(url)
        return dict(google.published), 3600.0

    monkeypatch.setattr(google_oidc, "_fetch", fetch)
    monkeypatch.delenv("LOCAL_DEV", raising=False)
    monkeypatch.setenv("GOOGLE_OAUTH_CLIENT_ID", OAUTH_CLIENT_ID)
    monkeypatch.setenv("ADMIN_AUDIENCES", GCLOUD_CLIENT)
    monkeypatch.setenv("SCHEDULER_INVOKER_EMAIL", SCHEDULER_ACCOUNT)
    monkeypatch.setenv("TASKS_INVOKER_EMAIL", TASKS_ACCOUNT)
    monkeypatch.delenv("CLOUD_RUN_INVOKER_CHECK", raising=False)
    google_oidc.forget_certificates()
    get_settings.cache_clear()
    yield fetched
    google_oidc.forget_certificates()
    get_settings.cache_clear()


def _reason(token) -> str:
    with pytest.raises(InvalidToken) as refused:
        verify_administrator_token(token)
    return str(refused.value)


# ------------------------------------------------------------------- an administrator's token


def test_a_real_token_gives_its_verified_email(google):
    assert verify_administrator_token(google.mint(ADMIN, OAUTH_CLIENT_ID)) == ADMIN
    assert verify_administrator_token(google.mint("Admin@ECD.example.org", GCLOUD_CLIENT)) == ADMIN
    identity = verify_id_token(google.mint(ADMIN, OAUTH_CLIENT_ID), [OAUTH_CLIENT_ID])
    assert identity.audience == OAUTH_CLIENT_ID and identity.expires_at > time.time() + 3000


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        ({"expires": time.time() - 3600, "issued": time.time() - 7200}, "expired"),
        ({"issued": time.time() + 3600}, "issued in the future"),
        ({"issuer": "https://evil.example.org"}, "not issued by Google"),
        ({"issuer": "accounts.google.com.evil.example"}, "not issued by Google"),
        ({"email_verified": False}, "not verified"),
        ({"email_verified": None}, "not verified"),
        ({"email_verified": "yes"}, "not verified"),
    ],
)
def test_a_token_google_signed_but_not_fit_is_refused(google, options, reason):
    assert reason in _reason(google.mint(ADMIN, OAUTH_CLIENT_ID, **options))


def test_a_token_without_an_email_address_is_refused(google):
    claims = google.claims(ADMIN, OAUTH_CLIENT_ID)
    del claims["email"]
    assert "no email" in _reason(google.key.sign(claims))
    assert "no email" in _reason(google.key.sign(claims | {"email": ["a@b.c"]}))


def test_a_little_clock_skew_is_allowed(google):
    just_expired = google.mint(ADMIN, OAUTH_CLIENT_ID, expires=time.time() - 30)
    assert verify_administrator_token(just_expired) == ADMIN
    assert "expired" in _reason(google.mint(ADMIN, OAUTH_CLIENT_ID, expires=time.time() - 120))


def test_a_token_for_another_audience_is_refused(google, monkeypatch):
    assert "another audience" in _reason(google.mint(ADMIN, "someone-else.apps.example"))
    assert "another audience" in _reason(google.mint(ADMIN, JOB_URL))
    monkeypatch.delenv("GOOGLE_OAUTH_CLIENT_ID")
    monkeypatch.delenv("ADMIN_AUDIENCES")
    get_settings.cache_clear()
    assert "no audience" in _reason(google.mint(ADMIN, OAUTH_CLIENT_ID))


def test_forgeries_are_refused(google, stranger):
    claims = google.claims(ADMIN, OAUTH_CLIENT_ID)
    assert "not Google's" in _reason(google.mint(ADMIN, OAUTH_CLIENT_ID, key=stranger))
    assert _reason(unsigned(claims))  # alg none, no signature
    assert "RS256" in _reason(unsigned(claims, signature="c2lnbmF0dXJl"))
    assert "RS256" in _reason(hs256(claims, google.key.certificate))  # the certificate as key
    # A real token with its claims swapped: the signature no longer matches.
    head, _, signature = google.mint("nobody@example.org", OAUTH_CLIENT_ID).split(".")
    body = unsigned(claims).split(".")[1]
    assert "not Google's" in _reason(f"{head}.{body}.{signature}")


def test_an_unpublished_key_is_refused_and_fetched_for_once_a_minute(google, deployment):
    other = SigningKey("rotated-away")
    assert "does not publish" in _reason(google.mint(ADMIN, OAUTH_CLIENT_ID, key=other))
    assert "does not publish" in _reason(google.mint(ADMIN, OAUTH_CLIENT_ID, key=other))
    assert len(deployment) == 1  # a stranger's made-up key ids cannot make us fetch each time


def test_certificates_are_fetched_once_and_kept_for_their_max_age(google, deployment):
    for _ in range(5):
        verify_administrator_token(google.mint(ADMIN, OAUTH_CLIENT_ID))
    assert len(deployment) == 1


def test_a_new_key_of_google_is_fetched_for(google, deployment):
    verify_administrator_token(google.mint(ADMIN, OAUTH_CLIENT_ID))
    rotated = SigningKey("test-key-2")
    google.published[rotated.kid] = rotated.certificate
    google_oidc._certificates._held = {  # the last fetch was over a minute ago
        url: (certs, until, at - 61) for url, (certs, until, at) in
        google_oidc._certificates._held.items()
    }  # fmt: skip
    try:
        assert verify_administrator_token(google.mint(ADMIN, OAUTH_CLIENT_ID, key=rotated)) == ADMIN
    finally:
        del google.published[rotated.kid]
    assert len(deployment) == 2


def test_certificates_google_cannot_give_are_a_503_not_a_401(google, monkeypatch):
    def down(url):
        raise CertificatesUnavailable("Google's certificates: URLError")

    monkeypatch.setattr(google_oidc, "_fetch", down)
    with pytest.raises(CertificatesUnavailable):
        verify_administrator_token(google.mint(ADMIN, OAUTH_CLIENT_ID))


class _Answer:
    """What urllib.request.urlopen gives back, for _fetch."""

    def __init__(self, body: bytes, cache_control: str | None):
        self._body, self.headers = body, {"Cache-Control": cache_control} if cache_control else {}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def read(self, limit):
        return self._body[:limit]


@pytest.mark.parametrize(
    ("cache_control", "kept"),
    [("public, max-age=19845, must-revalidate", 19845), ("max-age=5", 300),
     ("max-age=9999999", 6 * 3600), ("no-cache", 3600), (None, 3600)],
)  # fmt: skip
def test_certificates_are_kept_for_googles_max_age_within_bounds(monkeypatch, cache_control,
                                                                 kept):  # fmt: skip
    body = b'{"k1": "-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n"}'
    monkeypatch.setattr("urllib.request.urlopen", lambda url, timeout: _Answer(body, cache_control))
    certs, max_age = _REAL_FETCH("https://www.googleapis.com/oauth2/v1/certs")
    assert list(certs) == ["k1"] and max_age == kept


@pytest.mark.parametrize("body", [b"not json", b"[]", b'{"k": 1}', b'{"k": "plain text"}',
                                  b"{" * 100_000, b" " * (300 * 1024)])  # fmt: skip
def test_an_answer_that_is_not_googles_certificates_is_unavailable_not_trusted(monkeypatch,
                                                                               body):  # fmt: skip
    monkeypatch.setattr("urllib.request.urlopen", lambda url, timeout: _Answer(body, None))
    with pytest.raises(CertificatesUnavailable):
        _REAL_FETCH("https://www.googleapis.com/oauth2/v1/certs")


def test_google_unreachable_is_unavailable(monkeypatch):
    def refuse(url, timeout):
        raise OSError("connection refused")

    monkeypatch.setattr("urllib.request.urlopen", refuse)
    with pytest.raises(CertificatesUnavailable):
        _REAL_FETCH("https://www.googleapis.com/oauth2/v1/certs")


def test_certificates_held_serve_while_google_is_unreachable(google, monkeypatch):
    verify_administrator_token(google.mint(ADMIN, OAUTH_CLIENT_ID))
    google_oidc._certificates._held = {  # stale now
        url: (certs, 0.0, at - 61) for url, (certs, _, at) in
        google_oidc._certificates._held.items()
    }  # fmt: skip

    def down(url):
        raise CertificatesUnavailable("Google's certificates: URLError")

    monkeypatch.setattr(google_oidc, "_fetch", down)
    assert verify_administrator_token(google.mint(ADMIN, OAUTH_CLIENT_ID)) == ADMIN


HOSTILE = [
    "", " ", "null", "a.b", "a.b.c", "a.b.c.d", "." * 3, "x" * 100_000,
    "eyJhbGciOiJSUzI1NiJ9.e30.c2ln",  # {} claims
    "W10.W10.W10",  # [] header and claims
    "bnVsbA.bnVsbA.bnVsbA",  # null
    "eyJhbGciOiJSUzI1NiIsImtpZCI6W119.e30.c2ln",  # kid a list
    "eyJhbGciOiJSUzI1NiIsImtpZCI6InRlc3Qta2V5LTEifQ.W1tbW1tbW1tbW1tbW10.c2ln",
    "ünïcødé.ünïcødé.ünïcødé", "\ud800.\udfff.\ud800", "a\x00.b.c", "Bearer x.y.z",
    "eyJhbGciOiJSUzI1NiIsImtpZCI6InRlc3Qta2V5LTEifQ.eyJleHAiOiJzb29uIiwiaWF0IjpbXX0.c2ln",
]  # fmt: skip


@pytest.mark.parametrize("token", HOSTILE, ids=range(len(HOSTILE)))
def test_any_string_is_an_invalid_token_never_an_error(token):
    assert _reason(token)
    with pytest.raises(InvalidToken):
        verify_service_token(token, JOB_URL, platform_verified=True)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.one_of(st.text(), st.binary().map(lambda b: b.decode("latin-1")),
                 st.lists(st.text(alphabet="abcXYZ09-_=+/", max_size=40), min_size=3,
                          max_size=3).map(".".join)))  # fmt: skip
def test_fuzzed_strings_are_invalid_tokens(token):
    with pytest.raises(InvalidToken) as refused:
        verify_administrator_token(token)
    assert token not in str(refused.value) or len(token) < 3


# -------------------------------------------------------------- the scheduler's and tasks' tokens


def test_a_service_token_for_this_function_gives_its_account(google):
    assert verify_service_token(google.mint(SCHEDULER_ACCOUNT, JOB_URL), JOB_URL) == \
        SCHEDULER_ACCOUNT  # fmt: skip
    with pytest.raises(InvalidToken, match="another audience"):
        verify_service_token(google.mint(SCHEDULER_ACCOUNT, JOB_URL + "x"), JOB_URL)


def _stripped(google, email=SCHEDULER_ACCOUNT, audience=JOB_URL, **options) -> str:
    """A token as Cloud Run passes it on after verifying it: its signature removed."""
    head, body, _ = google.mint(email, audience, **options).split(".")
    return f"{head}.{body}.{google_oidc.SIGNATURE_REMOVED}"


def test_a_token_cloud_run_verified_is_taken_only_where_cloud_run_checks_invokers(google):
    with pytest.raises(InvalidToken, match="not Google's"):
        verify_service_token(_stripped(google), JOB_URL)
    assert verify_service_token(_stripped(google), JOB_URL, platform_verified=True) == \
        SCHEDULER_ACCOUNT  # fmt: skip
    for token, reason in [
        (_stripped(google, audience=JOB_URL + "x"), "another audience"),
        (_stripped(google, expires=time.time() - 600, issued=time.time() - 4000), "expired"),
        (_stripped(google, issuer="https://evil.example.org"), "not issued by Google"),
        (_stripped(google, email_verified=False), "not verified"),
    ]:
        with pytest.raises(InvalidToken, match=reason):
            verify_service_token(token, JOB_URL, platform_verified=True)
    # Where Cloud Run checks invokers, an administrator's token stays a full verification.
    with pytest.raises(InvalidToken):
        verify_administrator_token(_stripped(google, ADMIN, OAUTH_CLIENT_ID))


@pytest.mark.parametrize(
    ("account", "token_of", "status"),
    [(SCHEDULER_ACCOUNT, SCHEDULER_ACCOUNT, None), (SCHEDULER_ACCOUNT, TASKS_ACCOUNT, 403),
     (SCHEDULER_ACCOUNT, ADMIN, 403), (None, SCHEDULER_ACCOUNT, 403),
     (TASKS_ACCOUNT, TASKS_ACCOUNT.upper(), None)],
)  # fmt: skip
def test_only_the_invoking_account_may_call(google, account, token_of, status):
    found = callers.identify_invoker(google.mint(token_of, JOB_URL), account, JOB_URL)
    if status is None:
        assert found == account.lower()
    else:
        assert isinstance(found, callers.Refusal) and found.status == status


def test_no_token_or_a_bad_one_is_401_unless_under_make_run(google, monkeypatch):
    for token in (None, "", "local-admin-token", google.mint(SCHEDULER_ACCOUNT, JOB_URL + "x")):
        found = callers.identify_invoker(token, SCHEDULER_ACCOUNT, JOB_URL)
        assert isinstance(found, callers.Refusal) and found.status == 401, token
    monkeypatch.setenv("LOCAL_DEV", "1")
    get_settings.cache_clear()
    # The Cloud Tasks emulator sends no token, the local scheduler the development token.
    assert callers.identify_invoker(None, SCHEDULER_ACCOUNT, JOB_URL) == "local"
    assert callers.identify_invoker("local-admin-token", SCHEDULER_ACCOUNT, JOB_URL) == "local"
    # Anything else is verified as deployed.
    assert callers.identify_invoker("nonsense", SCHEDULER_ACCOUNT, JOB_URL).status == 401
    assert callers.identify_invoker(google.mint(TASKS_ACCOUNT, JOB_URL), SCHEDULER_ACCOUNT,
                                    JOB_URL).status == 403  # fmt: skip


# ---------------------------------------------------------------------------- the allow-list


class _AllowList:
    def __init__(self, *administrators: Administrator):
        self._by_email = {a.email: a for a in administrators}

    def get(self, email: str) -> Administrator | None:
        found = self._by_email.get(email)
        return found if found is not None and found.active else None


DEPS = SimpleNamespace(administrators=_AllowList(
    Administrator(email=ADMIN, name="Network"),
    Administrator(email="gauteng@ecd.example.org", name="Gauteng", region_id="gauteng"),
    Administrator(email="gone@ecd.example.org", name="Gone", active=False),
))  # fmt: skip


def test_administrators_on_the_allow_list_are_identified_with_their_scope(google):
    found = callers.identify_administrator(google.mint(ADMIN, OAUTH_CLIENT_ID), DEPS)
    assert found.email == ADMIN and found.whole_network
    regional = google.mint("gauteng@ecd.example.org", OAUTH_CLIENT_ID)
    assert callers.identify_administrator(regional, DEPS).region_id == "gauteng"


@pytest.mark.parametrize(
    ("email", "status"),
    [("stranger@example.org", 403), ("gone@ecd.example.org", 403)],
)
def test_a_valid_token_of_someone_not_or_no_longer_listed_is_403(google, email, status):
    found = callers.identify_administrator(google.mint(email, OAUTH_CLIENT_ID), DEPS)
    assert isinstance(found, callers.Refusal) and found.status == status


def test_the_development_token_counts_only_under_make_run(monkeypatch):
    found = callers.identify_administrator("local-admin-token", DEPS)
    assert isinstance(found, callers.Refusal) and found.status == 401
    monkeypatch.setenv("LOCAL_DEV", "1")
    get_settings.cache_clear()
    assert callers.identify_administrator("local-admin-token", DEPS).email == ADMIN
    assert callers.identify_administrator("local-admin-token ", DEPS).status == 401
    assert callers.identify_administrator(None, DEPS).status == 401


def test_refusals_never_repeat_the_token(google):
    token = google.mint(ADMIN, "another-audience")
    found = callers.identify_administrator(token, DEPS)
    assert found.status == 401 and token not in found.message and "audience" in found.message
