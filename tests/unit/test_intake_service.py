"""The intake use cases over in-memory fakes of our own ports."""

from datetime import UTC, datetime

import pytest

from functions.domain.cases.models import Actor, CaseEvent
from functions.domain.cases.submission import FeedbackSubmission
from functions.domain.directory.models import Centre, Contact
from functions.domain.shared.signing import Purpose
from functions.domain.shared.vocabulary import Source
from functions.services.cases.status import view_case_status
from functions.services.errors import IdempotencyKeyReused, QueueUnavailable, UnknownCentre
from functions.services.intake.submit_feedback import submit_feedback
from tests.builders import SIGNER, service_deps, submission
from tests.fakes import FakeCentreDirectory, FakeStore, RecordingQueue

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
CENTRE = Centre(
    centre_id="c1",
    name="Centre One",
    region_id="r1",
    principal=Contact(name="P", email="p@example.org"),
)
COMMAND = FeedbackSubmission.model_validate(submission(centre_id="c1"))


def deps(store=None, directory=None, queue=None):
    store = store or FakeStore()
    return service_deps(
        directory=directory or FakeCentreDirectory([CENTRE]), cases=store, transactions=store,
        queue=queue or RecordingQueue(), clock=lambda: NOW, network_name="Net",
    )  # fmt: skip


def submit(bundle, command=COMMAND, key=None):
    return submit_feedback(command, Source.API, bundle, key)


def test_a_submission_opens_a_received_case_with_its_first_event():
    bundle = deps()
    receipt = submit(bundle)
    case = bundle.cases.get(receipt.case.reference)
    assert receipt.created and case.status == "received" and case.centre_name == "Centre One"
    assert SIGNER.unsign(Purpose.CASE_STATUS, receipt.status_token) == case.reference
    assert [e.type for e in bundle.cases.list_events(case.reference)] == ["submitted"]
    assert case.consent.version == "2026-11" and case.consent.recorded_at == NOW


def test_the_case_its_mail_and_one_delivery_task_come_from_one_unit_of_work():
    bundle = deps()
    receipt = submit(bundle)
    (task,) = bundle.queue.tasks  # however many messages: one task, one Cloud Tasks call
    assert task.handler == "deliver_email"
    ids = {item["message_id"] for item in task.payload["messages"]}
    assert ids == set(bundle.transactions.outbox) and ids  # the principal's alert, at least
    assert all(message.case_reference == receipt.case.reference
               for message in bundle.transactions.outbox.values())  # fmt: skip
    assert "p@example.org" not in str(task.payload)  # ids and hashes only


def test_a_reference_clash_draws_another_reference(monkeypatch):
    bundle = deps(FakeStore(taken_references={"FB-TAKE-N00"}))
    drawn = iter(["FB-TAKE-N00", "FB-TAKE-N00", "FB-AAAA-BBB"])
    monkeypatch.setattr("functions.services.intake.recording.new_reference", lambda: next(drawn))
    assert submit(bundle).case.reference == "FB-AAAA-BBB"


def test_the_same_idempotency_key_returns_the_first_case_and_stores_no_mail_again():
    bundle = deps()
    first = submit(bundle, key="abc")
    stored = set(bundle.transactions.outbox)
    again = submit(bundle, key="abc")
    assert not again.created and again.case.reference == first.case.reference
    assert again.status_token == first.status_token and len(bundle.cases.cases) == 1
    assert set(bundle.transactions.outbox) == stored  # nothing more to send
    # The redelivery's first run assumed a new key and queued its mail alongside a commit
    # that was refused: that task was withdrawn.
    (task,) = bundle.queue.tasks
    assert {m["message_id"] for m in task.payload["messages"]} == stored


def test_a_refused_runs_task_that_cannot_be_withdrawn_is_only_logged(capsys):
    bundle = deps()
    first = submit(bundle, key="abc")

    def cannot(task):
        raise QueueUnavailable("Unimplemented")

    bundle.queue.cancel = cannot
    again = submit(bundle, key="abc")
    assert again.case.reference == first.case.reference and not again.created
    assert len(bundle.queue.tasks) == 2  # the orphan stays: it will settle as unknown
    assert "queued task not withdrawn" in capsys.readouterr().out


def test_a_reused_key_with_a_different_submission_is_refused():
    bundle = deps()
    submit(bundle, key="abc")
    changed = COMMAND.model_copy(update={"description": "Something else"})
    with pytest.raises(IdempotencyKeyReused):
        submit(bundle, command=changed, key="abc")


def test_a_queue_outage_never_fails_the_parent():
    queue = RecordingQueue()
    queue.unavailable = True
    bundle = deps(queue=queue)
    assert submit(bundle).created and bundle.transactions.outbox  # the sweep will send it


def test_closed_or_unknown_centres_are_refused():
    closed = CENTRE.model_copy(update={"active": False})
    with pytest.raises(UnknownCentre):
        submit(deps(directory=FakeCentreDirectory([closed])))
    with pytest.raises(UnknownCentre):
        submit(deps(directory=FakeCentreDirectory([])))


def test_the_status_view_hides_internal_events_and_opens_only_with_a_status_token():
    bundle = deps()
    receipt = submit(bundle)
    reference = receipt.case.reference
    note = CaseEvent(event_id="e2", type="note_added", at=NOW, actor=Actor(role="staff"),
                     public=False, summary="internal note")  # fmt: skip
    bundle.transactions.events[reference].append(note)
    view = view_case_status(receipt.status_token, bundle)
    assert [e.type for e in view.events] == ["submitted"]
    for other in ("nope", None, "x" * 500, SIGNER.sign(Purpose.UNSUBSCRIBE, reference)):
        assert view_case_status(other, bundle) is None
