"""Unsubscribing from notification mail: GET asks, POST (button or RFC 8058 one-click) does it,
and afterwards notifications to that address are suppressed while transactional mail is sent."""

from __future__ import annotations

import re

import pytest

from functions import wiring
from functions.adapters.firestore.base import SUPPRESSIONS
from functions.config import get_settings
from functions.devtools.emulators import free_port
from functions.domain.mail.outbox import DeliveryState, MessageKind
from functions.domain.mail.suppression import unsubscribe_token
from functions.domain.shared.signing import Signer
from tests.builders import stored_message, suppression_reasons, tampered

PRINCIPAL = "principal@sunflower.example.org"  # the demo data's Sunflower principal
PARENT = "thandi.parent@example.org"
ONE_CLICK = {"List-Unsubscribe": "One-Click"}


def token_for(address: str, key: bytes | None = None) -> str:
    signer = Signer([key]) if key else Signer(get_settings().signing_keys())
    return unsubscribe_token(address, signer)


def stored_suppressions() -> list[str]:
    return [doc.id for doc in wiring.firestore_client().collection(SUPPRESSIONS).stream()]


def test_get_asks_with_a_post_form_and_changes_nothing(client_for):
    token = token_for(PRINCIPAL)
    answer = client_for("unsubscribe").get(f"/?token={token}")
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert "Stop these notifications?" in html
    assert re.search(r'<form method="post"', html)
    assert f'name="token" value="{token}"' in html
    assert "will still come" in html  # transactional mail is not affected
    assert PRINCIPAL not in html
    assert "noindex" in answer.headers["X-Robots-Tag"]
    assert answer.headers["Referrer-Policy"] == "no-referrer"
    assert suppression_reasons(wiring.firestore_client(), PRINCIPAL) == set()
    assert stored_suppressions() == []


@pytest.mark.parametrize("where", ["query and form (the page's button)", "form only", "query only"])
def test_pressing_the_button_unsubscribes(client_for, where):
    token = token_for(PRINCIPAL)
    url = "/" if where == "form only" else f"/?token={token}"
    data = {} if where == "query only" else {"token": token}
    answer = client_for("unsubscribe").post(url, data=data)
    assert answer.status_code == 200
    assert "You will no longer get these notifications" in answer.get_data(as_text=True)
    assert suppression_reasons(wiring.firestore_client(), PRINCIPAL) == {"unsubscribed"}


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded",
                                          "multipart/form-data"])  # fmt: skip
def test_one_click_post_unsubscribes_without_cookies_or_csrf(client_for, content_type):
    client = client_for("unsubscribe")
    answer = client.post(
        f"/?token={token_for(PRINCIPAL.upper())}", data=ONE_CLICK, content_type=content_type
    )
    assert answer.status_code == 200
    assert suppression_reasons(wiring.firestore_client(), PRINCIPAL) == {"unsubscribed"}


def test_unsubscribing_twice_is_fine(client_for):
    client = client_for("unsubscribe")
    url = f"/?token={token_for(PRINCIPAL)}"
    assert client.post(url, data=ONE_CLICK).status_code == 200
    assert client.post(url, data={"token": token_for(PRINCIPAL)}).status_code == 200
    assert suppression_reasons(wiring.firestore_client(), PRINCIPAL) == {"unsubscribed"}
    assert len(stored_suppressions()) == 1


def test_bad_tokens_get_the_same_404_and_store_nothing(client_for):
    client = client_for("unsubscribe")
    good = token_for(PRINCIPAL)
    forged = tampered(good)
    other_secret = token_for(PRINCIPAL, b"another-deployment")
    answers = [
        client.post(f"/?token={forged}", data=ONE_CLICK),
        client.post("/", data={"token": other_secret}),
        client.post("/", data=ONE_CLICK),
        client.post("/?token=", data={"token": ""}),
        client.post(f"/?token={good.split('.')[0]}", data=ONE_CLICK),
        client.get(f"/?token={forged}"),
        client.get("/"),
    ]
    assert {a.status_code for a in answers} == {404}
    assert len({a.get_data(as_text=True) for a in answers}) == 1
    assert stored_suppressions() == []


def test_other_methods_and_huge_bodies_are_refused(client_for):
    client = client_for("unsubscribe")
    url = f"/?token={token_for(PRINCIPAL)}"
    refused = client.put(url)
    assert refused.status_code == 405 and refused.headers["Allow"] == "GET, HEAD, POST"
    assert client.post(url, data={"token": "x" * 20_000}).status_code == 413
    assert stored_suppressions() == []


def test_storage_outage_answers_an_html_503_with_retry_after(client_for, monkeypatch):
    client = client_for("unsubscribe")
    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", f"127.0.0.1:{free_port()}")
    monkeypatch.setenv("FIRESTORE_TIMEOUT_SECONDS", "1")
    wiring.reset()
    answer = client.post(f"/?token={token_for(PRINCIPAL)}", data=ONE_CLICK)
    assert answer.status_code == 503 and int(answer.headers["Retry-After"]) > 0
    assert answer.mimetype == "text/html"
    assert "nothing changed" in answer.get_data(as_text=True)


def test_logs_name_neither_the_address_nor_the_token(client_for, capfd):
    token = token_for(PRINCIPAL)
    client = client_for("unsubscribe")
    client.get(f"/?token={token}")
    client.post(f"/?token={token}", data=ONE_CLICK)
    client.post(f"/?token={token}x", data=ONE_CLICK)
    out, err = capfd.readouterr()
    assert '"unsubscribe recorded"' in out and '"one_click": true' in out
    for secret in (PRINCIPAL, "sunflower.example", token, *filter(None, token.split("."))):
        assert secret not in out and secret not in err


# --- the effect on delivery ------------------------------------------------------------------


def submit_case(client_for, urgent: bool) -> None:
    body = {
        "centre_id": "sunflower-soweto",
        "kind": "complaint",
        "category": "child_wellbeing_and_safety" if urgent else "facilities",
        "description": "The gate latch is broken",
        "urgent": urgent,
        "reporter": {"email": PARENT},
        "consent": {"given": True, "version": "2026-11"},
    }
    assert client_for("submit_feedback").post("/", json=body).status_code == 201


def deliver_queued(client_for, tasks) -> list:
    """POST every queued task to deliver_email, as Cloud Tasks would; the messages after."""
    deliver = client_for("deliver_email")
    bodies = tasks.take()
    for body in bodies:
        assert deliver.post("/", json=body).status_code == 200
    ids = [item["message_id"] for body in bodies for item in body["messages"]]
    return [stored_message(wiring.firestore_client(), message_id) for message_id in ids]


def test_after_unsubscribing_notifications_are_suppressed_and_transactional_mail_is_sent(
    client_for, tasks
):
    one_click = client_for("unsubscribe").post(f"/?token={token_for(PRINCIPAL)}", data=ONE_CLICK)
    assert one_click.status_code == 200
    submit_case(client_for, urgent=False)  # the principal's alert is a notification
    submit_case(client_for, urgent=True)  # an urgent alert is transactional: never switched off
    messages = deliver_queued(client_for, tasks)

    outcomes = {(m.to, m.kind, m.template, m.state) for m in messages}
    principal = [(m.kind, m.state) for m in messages if m.to == PRINCIPAL]
    assert sorted(principal) == [
        (MessageKind.NOTIFICATION, DeliveryState.SUPPRESSED),
        (MessageKind.TRANSACTIONAL, DeliveryState.SENT),
    ], outcomes
    parent = [m.state for m in messages if m.to == PARENT]
    assert parent == [DeliveryState.SENT, DeliveryState.SENT], outcomes
