"""Outbox messages made from the email samples, and the steps a delivery test repeats."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from functions.domain.links import MailLinks
from functions.domain.outbox import MessageKind, OutboxMessage, new_message_id
from functions.services.deliver_email import MailSetup
from functions.services.dispatch import dispatch, sweep_outbox

SAMPLES = Path(__file__).parents[2] / "templates" / "emails"
SETUP = MailSetup(
    sender="ECD Network <no-reply@ecd.example.org>",
    reply_to=None,
    retention=timedelta(days=90),
    links=MailLinks("http://127.0.0.1:8080/case_status", "http://127.0.0.1:8080/unsubscribe",
                    b"secret"),
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


def sweep(outbox, queue, now: datetime) -> dict[str, int]:
    return sweep_outbox(outbox=outbox, queue=queue, clock=lambda: now, retention=SETUP.retention)


def queue_up(outbox, queue, messages):
    for item in messages:
        outbox.add(item)
    dispatch(messages, queue)
