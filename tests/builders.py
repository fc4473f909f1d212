"""Builders every test shares: valid requests, signed Google Form deliveries, outbox messages,
a Dependencies bundle for services, and readers of what Firestore holds (so production code
keeps no test-only methods)."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

from functions.config import LOCAL_INTAKE_SECRET
from functions.domain.mail.links import MailLinks
from functions.domain.mail.outbox import MessageKind, OutboxMessage, new_message_id
from functions.domain.shared.contact import address_key
from functions.domain.shared.signing import Signer
from functions.http.integrations.apps_script_signature import sign
from functions.services.mail.dispatch import delivery_task, sweep_outbox
from functions.services.ports import MailSetup
from tests.fakes import FixedServiceLevels


def submission(**changes) -> dict:
    """A JSON submission the API accepts (a question about fees, reachable by phone)."""
    return {
        "centre_id": "sunflower-soweto",
        "kind": "question",
        "category": "other",
        "description": "Is the centre open on 16 December?",
        "reporter": {"phone": "0821234567"},
        "consent": {"given": True, "version": "2026-11"},
    } | changes


# --------------------------------------------------------------------- Google Form deliveries

ANSWERS = [
    {"question": "Centre", "answer": "Fynbos Early Learning, Khayelitsha"},
    {"question": "Type of feedback", "answer": "Compliment"},
    {"question": "Topic", "answer": "Learning programme"},
    {"question": "Your message", "answer": "Teacher Chantal is wonderful with the toddlers."},
    {"question": "Is a child at risk, or is this urgent?", "answer": "No"},
    {"question": "Your name", "answer": "Ayesha"},
    {"question": "Email address", "answer": "ayesha@example.org"},
    {"question": "Phone number", "answer": ""},
    {"question": "Consent", "answer": ["I agree"]},
]


def delivery(response_id="resp-1", answers=ANSWERS, form_id="demo-feedback-form", **extra):
    body = {
        "form_id": form_id,
        "response_id": response_id,
        "submitted_at": "2026-11-23T08:00:00Z",
        "respondent_email": None,
        "answers": answers,
    } | extra
    return json.dumps(body).encode()


def post(client, body: bytes, secret=LOCAL_INTAKE_SECRET, offset=0, header=None):
    at = int(time.time()) + offset
    signature = header if header is not None else sign(body, secret.encode(), at)
    return client.post(
        "/", data=body, content_type="application/json", headers={"X-Signature": signature}
    )


# ---------------------------------------------------------------------------- outbox messages

SAMPLES = Path(__file__).parents[1] / "templates" / "emails"
SIGNER = Signer([b"test-signing-key"])
SETUP = MailSetup(
    sender="ECD Network <no-reply@ecd.example.org>",
    reply_to=None,
    retention=timedelta(days=90),
    links=MailLinks("http://127.0.0.1:8080/case_status", "http://127.0.0.1:8080/unsubscribe",
                    SIGNER, "http://127.0.0.1:8080/privacy", "http://127.0.0.1:8080/case_action",
                    "http://127.0.0.1:8080/case_reply", "http://127.0.0.1:8080/rate_case"),
)  # fmt: skip


def message(to: str, template="case_acknowledgement", kind=MessageKind.TRANSACTIONAL, **data):
    now = datetime.now(UTC)
    sample = json.loads((SAMPLES / template / "sample.json").read_text())
    sample.pop("status_url", None)
    sample.pop("unsubscribe_url", None)
    return OutboxMessage(
        message_id=new_message_id(), template=template, to=to, data=sample | data, kind=kind,
        case_reference="FB-7K3M-Q9P", created_at=now, updated_at=now,
    )  # fmt: skip


def service_deps(**parts) -> SimpleNamespace:
    """A Dependencies bundle (services/ports.py): the parts a test gives, defaults for the rest
    (parts a test does not give are None: a service reaching for one fails loudly)."""
    from functions.rendering import render_email

    defaults = dict(
        directory=None, cases=None, transactions=None, form_mappings=None, outbox=None,
        suppressions=None, queue=None, transport=None, render=render_email, signer=SIGNER,
        clock=lambda: datetime.now(UTC), network_name="SayPro ECD Network", mail=SETUP,
        service_levels=FixedServiceLevels(),
    )  # fmt: skip
    return SimpleNamespace(**(defaults | parts))


def write_messages(transactions, messages) -> None:
    """Commit outbox messages in one unit of work, as a change that causes mail does."""
    transactions.run(lambda uow: [uow.outbox.add(message) for message in messages])


def queue_up(deps, messages):
    """Write the messages in one unit of work, and queue a delivery task for each."""
    write_messages(deps.transactions, messages)
    for message in messages:
        key = address_key(message.to)
        deps.queue.enqueue(delivery_task([(message.message_id, key)], f"test:{message.message_id}"))


def only(task: dict) -> tuple[str, str | None]:
    """(message id, recipient key) of a delivery task that carries one message."""
    (item,) = task["messages"]
    return item["message_id"], item["recipient_key"]


def sweep(deps, now: datetime) -> dict[str, int]:
    """The sweep as Cloud Scheduler would run it at `now`."""
    return sweep_outbox(SimpleNamespace(**(vars(deps) | {"clock": lambda: now})))


# ---------------------------------------------------------------- what Firestore holds, read raw


def stored_message(client, message_id: str) -> OutboxMessage | None:
    """The outbox message as stored (the delivery code reads it its own way)."""
    snapshot = client.collection("outbox").document(message_id).get()
    return OutboxMessage.model_validate(snapshot.to_dict()) if snapshot.exists else None


def suppression_reasons(client, address: str) -> set[str]:
    snapshot = client.collection("suppressions").document(address_key(address)).get()
    return set((snapshot.to_dict() or {}).get("reasons", {})) if snapshot.exists else set()


def tampered(token: str) -> str:
    """`token` with one character of its signature changed. Not the last character: base64's
    last character carries bits the decoder drops, so changing it may change nothing."""
    spot = len(token) - 5
    return token[:spot] + ("A" if token[spot] != "A" else "B") + token[spot + 1 :]
