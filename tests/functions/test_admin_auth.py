"""Who may call what, through the deployed entry points over the Firestore emulator, with
real ID tokens minted with the test key (tests/oidc.py) and verified by google-auth as in
production: administrators (the admin API and pages, signing in from a browser) and the
scheduler's and tasks' service accounts (jobs and task handlers)."""

from __future__ import annotations

import re
import time
from http.cookies import SimpleCookie
from urllib.parse import quote

import pytest

from functions import wiring
from functions.adapters import google_oidc
from functions.config import get_settings
from functions.http.callers import ADMIN_COOKIE
from tests.builders import submission
from tests.oidc import (
    INVOKERS,
    OAUTH_CLIENT_ID,
    SCHEDULER_ACCOUNT,
    TASKS_ACCOUNT,
    SigningKey,
    hs256,
    unsigned,
)

NETWORK_ADMIN = "admin@ecd.example.org"  # LOCAL_ADMIN_EMAIL, seeded over the whole network
GAUTENG_ADMIN = "admin.gauteng@ecd.example.org"  # seeded over region gauteng
ADMIN_PATH = "/admin"  # the session cookie's path: the admin entry point's


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _whoami(client_for, token: str | None):
    headers = _bearer(token) if token is not None else {}
    return client_for("admin_api").get("/whoami", headers=headers)


def _refusal(answer) -> str:
    return answer.get_json()["errors"][0]["message"]


# ------------------------------------------------------------------- administrators, the API


def test_a_seeded_administrator_is_identified_with_their_scope(client_for, google_idp):
    answer = _whoami(client_for, google_idp.mint(NETWORK_ADMIN, OAUTH_CLIENT_ID))
    assert answer.status_code == 200
    assert answer.get_json() == {"email": NETWORK_ADMIN, "name": "Demo network administrator",
                                 "region_id": None, "scope": "network"}  # fmt: skip
    regional = _whoami(client_for, google_idp.mint(GAUTENG_ADMIN, OAUTH_CLIENT_ID)).get_json()
    assert regional["scope"] == "region" and regional["region_id"]


def test_an_audience_of_admin_audiences_is_taken_too(client_for, google_idp, monkeypatch):
    gcloud = "32555940559.apps.googleusercontent.com"
    token = google_idp.mint(NETWORK_ADMIN, gcloud)
    assert _whoami(client_for, token).status_code == 401
    monkeypatch.setenv("ADMIN_AUDIENCES", f'["{gcloud}"]')
    get_settings.cache_clear()
    assert _whoami(client_for, token).status_code == 200


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        ({"expires": time.time() - 3600, "issued": time.time() - 7200}, "expired"),
        ({"audience": "another-client.apps.googleusercontent.com"}, "another audience"),
        ({"audience": "http://127.0.0.1:8080/admin_api"}, "another audience"),
        ({"issuer": "https://accounts.example.org"}, "not issued by Google"),
        ({"email_verified": False}, "not verified"),
    ],
    ids=["expired", "other-client", "function-url", "issuer", "unverified"],
)
def test_tokens_google_signed_but_not_fit_are_401(client_for, google_idp, options, reason):
    audience = options.pop("audience", OAUTH_CLIENT_ID)
    answer = _whoami(client_for, google_idp.mint(NETWORK_ADMIN, audience, **options))
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"] == "Bearer"
    assert reason in _refusal(answer)


def test_forged_tokens_are_401(client_for, google_idp):
    claims = google_idp.claims(NETWORK_ADMIN, OAUTH_CLIENT_ID)
    forgeries = [
        unsigned(claims),  # alg none
        unsigned(claims, alg="none", signature="eA"),
        hs256(claims, google_idp.key.certificate),  # HS256, keyed with the public certificate
        SigningKey("test-key-1").sign(claims),  # another key, the published key's id
        SigningKey("unpublished").sign(claims),
        "x" * 20_000,
        "ünïcødé.ünïcødé.ünïcødé",
    ]
    for token in forgeries:
        answer = _whoami(client_for, token)
        assert answer.status_code == 401, token[:40]
        assert token[-20:] not in answer.get_data(as_text=True)


def test_no_token_is_401(client_for):
    answer = _whoami(client_for, None)
    assert answer.status_code == 401 and "Sign in" in _refusal(answer)


@pytest.mark.parametrize("email", ["stranger@example.org", "principal@sunflower.example.org"])
def test_a_valid_token_of_someone_not_on_the_allow_list_is_403(client_for, google_idp, email):
    answer = _whoami(client_for, google_idp.mint(email, OAUTH_CLIENT_ID))
    assert answer.status_code == 403 and "not an administrator" in _refusal(answer)


def test_a_deactivated_administrator_is_403_at_once(client_for, google_idp):
    token = google_idp.mint(GAUTENG_ADMIN, OAUTH_CLIENT_ID)
    assert _whoami(client_for, token).status_code == 200
    gone = wiring.administrators().get(GAUTENG_ADMIN).model_copy(update={"active": False})
    wiring.administrators().save(gone)
    assert _whoami(client_for, token).status_code == 403


def test_the_development_token_is_refused_unless_under_make_run(client_for, monkeypatch):
    assert _whoami(client_for, "local-admin-token").status_code == 401
    monkeypatch.setenv("LOCAL_DEV", "1")
    get_settings.cache_clear()
    answer = _whoami(client_for, "local-admin-token")
    assert answer.status_code == 200 and answer.get_json()["email"] == NETWORK_ADMIN
    assert _whoami(client_for, "local-admin-tokeN").status_code == 401


def test_an_unknown_operation_is_401_before_signing_in_and_404_after(client_for, google_idp):
    client = client_for("admin_api")
    assert client.get("/no-such-thing").status_code == 401
    token = google_idp.mint(NETWORK_ADMIN, OAUTH_CLIENT_ID)
    assert client.get("/no-such-thing", headers=_bearer(token)).status_code == 404


def test_googles_certificates_are_fetched_once_per_instance(client_for, google_idp):
    google_oidc.forget_certificates()
    before = google_idp.fetches
    for _ in range(4):
        assert _whoami(client_for, google_idp.mint(NETWORK_ADMIN, OAUTH_CLIENT_ID)).status_code \
            == 200  # fmt: skip
    assert google_idp.fetches == before + 1


def test_certificates_google_cannot_give_are_503_with_retry_after(client_for, google_idp,
                                                                  monkeypatch):  # fmt: skip
    google_oidc.forget_certificates()
    monkeypatch.setenv("GOOGLE_CERTS_URL", "http://127.0.0.1:9/oauth2/v1/certs")  # discard port
    get_settings.cache_clear()
    answer = _whoami(client_for, google_idp.mint(NETWORK_ADMIN, OAUTH_CLIENT_ID))
    assert answer.status_code == 503 and "Retry-After" in answer.headers
    google_oidc.forget_certificates()


# ------------------------------------------------------------------------- jobs and tasks


def _cases() -> list:
    return list(wiring.firestore_client().collection("cases").stream())


def _outbox() -> list:
    return list(wiring.firestore_client().collection("outbox").stream())


def _a_case_with_mail(client_for, tasks) -> list[dict]:
    """One case recorded; the deliver_email tasks its mail queued."""
    assert client_for("submit_feedback").post("/", json=submission()).status_code == 201
    return [body for body in tasks.take() if "messages" in body]


def test_every_job_and_task_takes_its_own_accounts_token(client_for, tasks):
    """What client_for sends (as Cloud Scheduler and Cloud Tasks do) is let through."""
    assert client_for("sweep_outbox").post("/").status_code == 200
    assert client_for("run_nudges").post("/").status_code == 200
    assert client_for("send_digests").post("/").status_code == 200
    assert client_for("deliver_email").post("/", json={"messages": []}).status_code in (200, 422)


@pytest.mark.parametrize("name", sorted(INVOKERS))
def test_a_job_or_task_without_a_token_is_401_and_does_nothing(client_for, tasks, name):
    answer = client_for(name, signed=False).post("/", json={"messages": []})
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"] == "Bearer"
    assert "ID token" in _refusal(answer)
    assert tasks.take() == [] and _outbox() == []


@pytest.mark.parametrize("name", sorted(INVOKERS))
def test_the_development_token_is_401_for_jobs_and_tasks_when_deployed(client_for, name):
    answer = client_for(name).post("/", headers=_bearer("local-admin-token"))
    assert answer.status_code == 401


@pytest.mark.parametrize("name", sorted(INVOKERS))
def test_the_other_accounts_token_is_403(client_for, google_idp, tasks, name):
    other = TASKS_ACCOUNT if INVOKERS[name] == SCHEDULER_ACCOUNT else SCHEDULER_ACCOUNT
    token = google_idp.mint(other, get_settings().url_for(name))
    answer = client_for(name).post("/", headers=_bearer(token), json={"messages": []})
    assert answer.status_code == 403 and "may not call this" in _refusal(answer)
    administrator = google_idp.mint(NETWORK_ADMIN, get_settings().url_for(name))
    assert client_for(name).post("/", headers=_bearer(administrator)).status_code == 403
    assert tasks.take() == []


@pytest.mark.parametrize("name", sorted(INVOKERS))
def test_a_token_for_another_functions_url_is_401(client_for, google_idp, name):
    other = "run_nudges" if name != "run_nudges" else "sweep_outbox"
    token = google_idp.mint(INVOKERS[name], get_settings().url_for(other))
    answer = client_for(name).post("/", headers=_bearer(token))
    assert answer.status_code == 401 and "another audience" in _refusal(answer)


def test_a_refused_delivery_sends_nothing_and_changes_nothing(client_for, tasks, monkeypatch,
                                                             tmp_path):  # fmt: skip
    bodies = _a_case_with_mail(client_for, tasks)
    assert bodies
    before = sorted((d.id, d.to_dict()["state"]) for d in _outbox())
    for body in bodies:
        assert client_for("deliver_email", signed=False).post("/", json=body).status_code == 401
    assert sorted((d.id, d.to_dict()["state"]) for d in _outbox()) == before
    assert not list((tmp_path / "mailbox").glob("**/*.eml"))
    for body in bodies:  # and the same tasks with the queue's token are delivered
        assert client_for("deliver_email").post("/", json=body).status_code == 200
    assert {d.to_dict()["state"] for d in _outbox()} == {"sent"}


def test_jobs_and_tasks_take_no_token_under_make_run(client_for, local_dev):
    """The Cloud Tasks emulator sends no token, nor does `curl` in the README."""
    assert client_for("sweep_outbox", signed=False).post("/").status_code == 200
    when = quote("2026-12-15T07:10:00+02:00")
    assert client_for("send_digests", signed=False).post(f"/?now={when}").status_code == 200
    local = client_for("run_nudges").post("/", headers=_bearer("local-admin-token"))
    assert local.status_code == 200


def test_where_cloud_run_checks_invokers_its_verified_token_is_taken(client_for, google_idp,
                                                                     monkeypatch):  # fmt: skip
    def stripped(email: str) -> str:
        head, body, _ = google_idp.mint(email, get_settings().url_for("sweep_outbox")).split(".")
        return f"{head}.{body}.SIGNATURE_REMOVED_BY_GOOGLE"

    sweep = client_for("sweep_outbox")
    assert sweep.post("/", headers=_bearer(stripped(SCHEDULER_ACCOUNT))).status_code == 401
    monkeypatch.setenv("CLOUD_RUN_INVOKER_CHECK", "true")
    get_settings.cache_clear()
    assert sweep.post("/", headers=_bearer(stripped(SCHEDULER_ACCOUNT))).status_code == 200
    assert sweep.post("/", headers=_bearer(stripped(TASKS_ACCOUNT))).status_code == 403
    # Never for administrators: the admin functions are public, nothing verified before them.
    admin_token = google_idp.mint(NETWORK_ADMIN, OAUTH_CLIENT_ID).rsplit(".", 1)[0]
    forged = f"{admin_token}.SIGNATURE_REMOVED_BY_GOOGLE"
    assert _whoami(client_for, forged).status_code == 401


def test_the_test_invokers_are_terraforms():
    from tests.unit.test_infra_files import _terraform_functions

    accounts = {"scheduler": SCHEDULER_ACCOUNT, "tasks": TASKS_ACCOUNT}
    deployed = {name: accounts[fn["invoker"]] for name, fn in _terraform_functions().items()
                if fn.get("invoker")}  # fmt: skip
    assert deployed == INVOKERS


# ------------------------------------------------------------------- signing in from a browser


def _cookies(answer) -> dict[str, dict]:
    """Each Set-Cookie of an answer: name -> {value, and its attributes, lower-case}."""
    found = {}
    for header in answer.headers.getlist("Set-Cookie"):
        cookie = SimpleCookie()
        cookie.load(header)
        for name, morsel in cookie.items():
            flags = {f.strip().lower() for f in header.split(";")[1:] if "=" not in f}
            found[name] = {
                "value": morsel.value, "path": morsel["path"], "max-age": morsel["max-age"],
                "samesite": morsel["samesite"], "httponly": "httponly" in flags,
                "secure": "secure" in flags,
            }  # fmt: skip
    return found


def _google_post(client, credential: str, csrf: str | None = "c5rf-t0ken",
                 cookie: str | None = "c5rf-t0ken"):  # fmt: skip
    """What Google Identity Services' script posts back to the login_uri."""
    if cookie is not None:
        client.set_cookie("g_csrf_token", cookie, path="/")
    form = {"credential": credential} | ({"g_csrf_token": csrf} if csrf is not None else {})
    return client.post(f"{ADMIN_PATH}?page=signin", data=form)


def test_without_a_session_admin_shows_the_google_sign_in(client_for):
    answer = client_for("admin").get(f"{ADMIN_PATH}?page=home")
    assert answer.status_code == 401
    page = answer.get_data(as_text=True)
    assert 'src="https://accounts.google.com/gsi/client"' in page
    assert f'data-client_id="{OAUTH_CLIENT_ID}"' in page
    assert 'data-login_uri="http://127.0.0.1:8080/admin?page=signin"' in page
    csp = answer.headers["Content-Security-Policy"]
    assert "script-src https://accounts.google.com/gsi/client;" in csp
    assert "frame-src https://accounts.google.com/gsi/" in csp and "'unsafe-eval'" not in csp
    assert answer.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert answer.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert '<meta name="referrer" content="strict-origin-when-cross-origin">' in page


def test_other_admin_pages_keep_the_strict_policy(client_for, google_idp):
    answer = client_for("admin").get(f"{ADMIN_PATH}?page=signin")
    assert "accounts.google.com" in answer.headers["Content-Security-Policy"]
    # A signed-in administrator's sign-in page is the home: no script anywhere after it.
    token = google_idp.mint(NETWORK_ADMIN, OAUTH_CLIENT_ID)
    signed_in = client_for("admin").get(f"{ADMIN_PATH}?page=signin", headers=_bearer(token))
    assert signed_in.status_code == 303 and signed_in.headers["Location"] == "admin"
    stranger = google_idp.mint("x@example.org", OAUTH_CLIENT_ID)
    refused = client_for("admin").get(f"{ADMIN_PATH}?page=home", headers=_bearer(stranger))
    assert refused.status_code == 403
    assert "accounts.google.com" not in refused.headers["Content-Security-Policy"]
    assert "script-src" not in refused.headers["Content-Security-Policy"]
    assert "<script" not in refused.get_data(as_text=True)


def test_signing_in_with_google_sets_the_session_cookie(client_for, google_idp):
    client = client_for("admin")
    credential = google_idp.mint(NETWORK_ADMIN, OAUTH_CLIENT_ID, expires=time.time() + 1800)
    answer = _google_post(client, credential)
    assert answer.status_code == 303 and answer.headers["Location"] == "admin"
    session = _cookies(answer)[ADMIN_COOKIE]
    assert session["value"] == credential
    assert session["httponly"] and session["samesite"] == "Lax" and session["path"] == ADMIN_PATH
    assert not session["secure"]  # served over http here
    assert 1700 <= int(session["max-age"]) <= 1800  # until the token expires
    # The cookie now signs the browser in: the sign-in page sends it home.
    again = client.get(f"{ADMIN_PATH}?page=signin")
    assert again.status_code == 303 and again.headers["Location"] == "admin"


def test_the_session_lasts_an_hour_at_most_and_is_secure_over_https(client_for, google_idp,
                                                                     monkeypatch):  # fmt: skip
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://africa-south1-demo.cloudfunctions.net")
    get_settings.cache_clear()
    credential = google_idp.mint(NETWORK_ADMIN, OAUTH_CLIENT_ID, expires=time.time() + 5 * 3600)
    session = _cookies(_google_post(client_for("admin"), credential))[ADMIN_COOKIE]
    assert session["secure"] and int(session["max-age"]) == 3600


@pytest.mark.parametrize(
    ("csrf", "cookie"),
    [("one", "another"), (None, "c5rf"), ("c5rf", None), ("", ""), ("c5rf\u00e9", "c5rf\u00e9")],
    ids=["differ", "no-field", "no-cookie", "empty", "non-ascii"],
)
def test_a_google_sign_in_without_its_double_submit_token_is_refused(client_for, google_idp,
                                                                     csrf, cookie):  # fmt: skip
    credential = google_idp.mint(NETWORK_ADMIN, OAUTH_CLIENT_ID)
    answer = _google_post(client_for("admin"), credential, csrf=csrf, cookie=cookie)
    assert answer.status_code == 403
    assert ADMIN_COOKIE not in _cookies(answer)
    assert "did not come from this page" in answer.get_data(as_text=True)


@pytest.mark.parametrize(
    ("email", "options", "status"),
    [(NETWORK_ADMIN, {"audience": "http://127.0.0.1:8080/admin"}, 401),
     (NETWORK_ADMIN, {"expires": time.time() - 600, "issued": time.time() - 4000}, 401),
     ("stranger@example.org", {}, 403)],
    ids=["audience", "expired", "not-administrator"],
)  # fmt: skip
def test_a_google_sign_in_that_does_not_hold_is_refused_without_a_session(
    client_for, google_idp, email, options, status
):
    credential = google_idp.mint(email, options.pop("audience", OAUTH_CLIENT_ID), **options)
    answer = _google_post(client_for("admin"), credential)
    assert answer.status_code == status
    assert ADMIN_COOKIE not in _cookies(answer)


def test_a_sign_in_token_only_for_the_admin_api_does_not_open_the_pages(client_for, google_idp,
                                                                        monkeypatch):  # fmt: skip
    monkeypatch.setenv("ADMIN_AUDIENCES", "cli-client.apps.googleusercontent.com")
    get_settings.cache_clear()
    credential = google_idp.mint(NETWORK_ADMIN, "cli-client.apps.googleusercontent.com")
    assert _google_post(client_for("admin"), credential).status_code == 401


def test_an_expired_session_is_the_sign_in_page_and_its_cookie_is_dropped(client_for,
                                                                          google_idp):  # fmt: skip
    client = client_for("admin")
    expired = google_idp.mint(NETWORK_ADMIN, OAUTH_CLIENT_ID, expires=time.time() - 600,
                              issued=time.time() - 4000)  # fmt: skip
    client.set_cookie(ADMIN_COOKIE, expired, path=ADMIN_PATH)
    answer = client.get(f"{ADMIN_PATH}?page=home")
    assert answer.status_code == 401
    assert "sign in again" in answer.get_data(as_text=True)
    assert _cookies(answer)[ADMIN_COOKIE]["max-age"] == "0"


def test_a_session_of_someone_not_an_administrator_can_sign_out(client_for, google_idp):
    client = client_for("admin")
    client.set_cookie(ADMIN_COOKIE, google_idp.mint("x@example.org", OAUTH_CLIENT_ID),
                      path=ADMIN_PATH)  # fmt: skip
    page = client.get(f"{ADMIN_PATH}?page=home")
    assert page.status_code == 403
    text = page.get_data(as_text=True)
    assert "not an administrator" in text and 'action="admin?page=signout"' in text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', text).group(1)
    # Without the form's token nothing happens; with it, the cookie goes.
    refused = client.post(f"{ADMIN_PATH}?page=signout", data={"csrf_token": "forged"})
    assert refused.status_code == 403 and ADMIN_COOKIE not in _cookies(refused)
    out = client.post(f"{ADMIN_PATH}?page=signout", data={"csrf_token": csrf})
    assert out.status_code == 303 and out.headers["Location"] == "admin"
    assert _cookies(out)[ADMIN_COOKIE]["max-age"] == "0"
    assert client.get(f"{ADMIN_PATH}?page=home").status_code == 401


def test_an_administrator_signs_out_with_the_forms_token(client_for, google_idp):
    from flask import Flask

    from functions.http.admin import session

    client = client_for("admin")
    credential = google_idp.mint(NETWORK_ADMIN, OAUTH_CLIENT_ID)
    _google_post(client, credential)
    with Flask(__name__).test_request_context(headers={"Cookie": f"{ADMIN_COOKIE}={credential}"}):
        from flask import request

        csrf = session.csrf_token(request)
    other = google_idp.mint(GAUTENG_ADMIN, OAUTH_CLIENT_ID)
    with Flask(__name__).test_request_context(headers={"Cookie": f"{ADMIN_COOKIE}={other}"}):
        from flask import request

        others = session.csrf_token(request)
    # Another sign-in's token is no good for this one (nor a GET: sign-out is a POST).
    assert client.post(f"{ADMIN_PATH}?page=signout", data={"csrf_token": others}).status_code \
        == 403  # fmt: skip
    assert client.get(f"{ADMIN_PATH}?page=signout").status_code == 303
    assert client.get(f"{ADMIN_PATH}?page=signin").status_code == 303  # still signed in
    out = client.post(f"{ADMIN_PATH}?page=signout", data={"csrf_token": csrf})
    assert out.status_code == 303 and _cookies(out)[ADMIN_COOKIE]["max-age"] == "0"


def test_the_development_token_form_is_for_make_run_only(client_for, monkeypatch):
    client = client_for("admin")
    assert client.post(f"{ADMIN_PATH}?page=signin",
                       data={"token": "local-admin-token"}).status_code == 400  # fmt: skip
    monkeypatch.setenv("LOCAL_DEV", "1")
    get_settings.cache_clear()
    page = client.get(f"{ADMIN_PATH}?page=home")
    assert page.status_code == 401
    text = page.get_data(as_text=True)
    assert "development token" in text and "<script" not in text
    assert "script-src" not in page.headers["Content-Security-Policy"]
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', text).group(1)
    wrong = client.post(f"{ADMIN_PATH}?page=signin", data={"csrf_token": csrf, "token": "guess"})
    assert wrong.status_code == 401 and ADMIN_COOKIE not in _cookies(wrong)
    forged = client.post(f"{ADMIN_PATH}?page=signin",
                         data={"csrf_token": "forged", "token": "local-admin-token"})  # fmt: skip
    assert forged.status_code == 403 and ADMIN_COOKIE not in _cookies(forged)
    answer = client.post(f"{ADMIN_PATH}?page=signin",
                         data={"csrf_token": csrf, "token": "local-admin-token"})  # fmt: skip
    assert answer.status_code == 303
    session = _cookies(answer)[ADMIN_COOKIE]
    assert session["value"] == "local-admin-token" and session["httponly"]
    assert int(session["max-age"]) == 3600
    assert client.get(f"{ADMIN_PATH}?page=signin").status_code == 303
    # Deployed again, that cookie opens nothing.
    monkeypatch.delenv("LOCAL_DEV")
    get_settings.cache_clear()
    assert client.get(f"{ADMIN_PATH}?page=signin").status_code == 200
    assert client.get(f"{ADMIN_PATH}?page=home").status_code == 401


def test_check_csrf_refuses_a_form_of_another_sign_in_and_passes_its_own(client_for,
                                                                        google_idp):  # fmt: skip
    from flask import Flask, request

    from functions.http.admin import session

    mine = google_idp.mint(NETWORK_ADMIN, OAUTH_CLIENT_ID)
    theirs = google_idp.mint(GAUTENG_ADMIN, OAUTH_CLIENT_ID)
    app = Flask(__name__)

    def post(cookie: str, token: str):
        return app.test_request_context("/admin?page=x", method="POST", data={"csrf_token": token},
                                        headers={"Cookie": f"{ADMIN_COOKIE}={cookie}"})  # fmt: skip

    with app.test_request_context(headers={"Cookie": f"{ADMIN_COOKIE}={mine}"}):
        field = str(session.csrf_field(request))
        token = re.search(r'value="([^"]+)"', field).group(1)
    assert field.startswith('<input type="hidden" name="csrf_token" ')
    with post(mine, token):
        assert session.check_csrf(request) is None
    with post(theirs, token):
        refused = session.check_csrf(request)
        assert refused.status_code == 403 and "Nothing was changed" in refused.get_data(True)
    with post(mine, token + "x"):
        assert session.check_csrf(request).status_code == 403
    with app.test_request_context("/", method="POST", data={"csrf_token": token}):
        assert session.check_csrf(request).status_code == 403  # no sign-in at all
