"""Attacks on a person's export and erasure (POPIA), each found by trying: another person's
name in the export through a quote both gave; mail delivered into the local mailbox while
an erasure runs, after the mailbox was purged."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from functions import wiring
from functions.config import get_settings
from functions.domain.forums.attendance import attendee_id
from functions.domain.forums.models import participant_key
from functions.domain.privacy.person import identify
from functions.services.mail.dispatch import delivery_task
from functions.services.privacy import erase_steps
from functions.services.privacy.erase import erase_person
from functions.services.reports.compile import compile_forum, compile_month
from tests.builders import message, write_messages
from tests.functions.privacy_support import (
    EMAIL,
    NAME,
    OTHER,
    OTHER_NAME,
    SHARED_TEXT,
    build_world,
    deliver_all,
    mailbox,
)
from tests.functions.test_privacy_requests import export


@pytest.fixture
def world(project, monkeypatch, client_for, tasks) -> dict:
    """The person's records (privacy_support.build_world), their mail delivered, under
    make run's settings (the local mailbox)."""
    monkeypatch.setenv("LOCAL_DEV", "1")
    get_settings.cache_clear()
    built = build_world(client_for)
    built["bodies"] = deliver_all(client_for, tasks)
    return built


def test_the_export_names_nobody_else_in_a_quote_both_gave(world, client_for):
    """Both gave the same recommendation under the same pain point: the summary quotes it
    once, naming both. Her export has the quote, naming her alone."""
    deps, db = wiring.dependencies(), wiring.firestore_client()
    event = world["forum"]
    other = attendee_id(event.forum_id, participant_key(OTHER, None))
    answers = db.collection("forum_survey_responses")
    answers.document(other).update({"pain_points": ["facilities"]})
    later = event.ends_at + timedelta(days=3)
    compile_forum(deps, deps.forums.get(event.forum_id), later)
    compile_month(deps, event.month, None, [deps.forums.get(event.forum_id)], later)
    stored = [d.to_dict()["body"] for d in db.collection("forum_summaries").stream()]
    assert all(OTHER_NAME in body for body in stored)  # the summaries name both

    found = export(client_for, EMAIL).get_json()
    shared = [q for s in found["records"]["forum_summaries"] for q in s["record"]["quotes"]
              if q["text"] == SHARED_TEXT]  # fmt: skip
    assert shared and all(q["people"] == [{"name": NAME, "role": "parent"}] for q in shared)
    assert all(q["name"] == NAME for q in shared)
    assert OTHER_NAME not in json.dumps(found, ensure_ascii=False)


def test_mail_delivered_while_the_erasure_runs_leaves_the_mailbox(world, client_for,
                                                                  monkeypatch):  # fmt: skip
    """A delivery task runs after the erasure purged the local mailbox and before it deleted
    the message: the mail it wrote goes too."""
    deps = wiring.dependencies()
    late = message(EMAIL, name=NAME)
    write_messages(deps.transactions, [late])
    task = delivery_task([(late.message_id, None)], f"test:{late.message_id}")
    deliver = client_for("deliver_email")
    real = erase_steps.Steps.advisory

    def delivered_meanwhile(steps):
        assert deliver.post("/", json=task.payload).status_code == 200
        assert any(m.to == EMAIL for m in mailbox())  # it landed after the purge
        return real(steps)

    monkeypatch.setattr(erase_steps.Steps, "advisory", delivered_meanwhile)
    done = erase_person(deps, identify(EMAIL), "k", get_settings().local_mailbox_dir)
    assert done["finished"]
    assert not [m for m in mailbox() if EMAIL in m.to.lower() or NAME in m.text]
