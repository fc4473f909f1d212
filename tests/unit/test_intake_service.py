"""The intake use cases over in-memory fakes of our own ports."""

from datetime import UTC, datetime

import pytest

from functions.domain.cases.references import hash_token
from functions.domain.cases.submission import FeedbackSubmission
from functions.domain.directory.models import Centre, Contact
from functions.domain.shared.vocabulary import Source
from functions.services.cases.status import view_case_status
from functions.services.errors import IdempotencyKeyReused, UnknownCentre
from functions.services.intake.submit_feedback import submit_feedback
from tests.fakes import FakeCaseRepository, FakeCentreDirectory, RecordingQueue

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
CENTRE = Centre(
    centre_id="c1",
    name="Centre One",
    region_id="r1",
    principal=Contact(name="P", email="p@example.org"),
)
COMMAND = FeedbackSubmission.model_validate(
    {
        "centre_id": "c1",
        "kind": "question",
        "category": "other",
        "description": "When is the concert?",
        "reporter": {"phone": "0821234567"},
        "consent": {"given": True, "version": "2026-11"},
    }
)


def submit(cases, command=COMMAND, key=None, directory=None, queue=None):
    return submit_feedback(
        command,
        source=Source.API,
        directory=directory or FakeCentreDirectory([CENTRE]),
        cases=cases,
        queue=queue if queue is not None else RecordingQueue(),
        clock=lambda: NOW,
        secret=b"k",
        network_name="Net",
        raw_idempotency_key=key,
    )


def test_a_submission_opens_a_received_case_with_its_first_event():
    cases = FakeCaseRepository()
    receipt = submit(cases)
    case = cases.get(receipt.case.reference)
    assert receipt.created and case.status == "received" and case.centre_name == "Centre One"
    assert case.status_token_hash == hash_token(receipt.status_token)
    assert [e.type for e in cases.list_events(case.reference)] == ["submitted"]
    assert case.consent.version == "2026-11" and case.consent.recorded_at == NOW


def test_a_reference_clash_draws_another_reference(monkeypatch):
    cases = FakeCaseRepository(taken_references={"FB-TAKE-N00"})
    drawn = iter(["FB-TAKE-N00", "FB-TAKE-N00", "FB-AAAA-BBB"])
    monkeypatch.setattr("functions.services.intake.recording.new_reference", lambda: next(drawn))
    assert submit(cases).case.reference == "FB-AAAA-BBB"


def test_the_same_idempotency_key_returns_the_first_case():
    cases = FakeCaseRepository()
    first = submit(cases, key="abc")
    again = submit(cases, key="abc")
    assert not again.created and again.case.reference == first.case.reference
    assert again.status_token == first.status_token and len(cases.cases) == 1


def test_a_reused_key_with_a_different_submission_is_refused():
    cases = FakeCaseRepository()
    submit(cases, key="abc")
    changed = COMMAND.model_copy(update={"description": "Something else"})
    with pytest.raises(IdempotencyKeyReused):
        submit(cases, command=changed, key="abc")


def test_closed_or_unknown_centres_are_refused():
    closed = CENTRE.model_copy(update={"active": False})
    with pytest.raises(UnknownCentre):
        submit(FakeCaseRepository(), directory=FakeCentreDirectory([closed]))
    with pytest.raises(UnknownCentre):
        submit(FakeCaseRepository(), directory=FakeCentreDirectory([]))


def test_the_status_view_hides_internal_events_and_unknown_tokens():
    from functions.domain.cases.models import Actor, CaseEvent

    cases = FakeCaseRepository()
    receipt = submit(cases)
    cases.append_event(
        receipt.case.reference,
        CaseEvent(
            event_id="e2",
            type="note_added",
            at=NOW,
            actor=Actor(role="staff"),
            public=False,
            summary="internal note",
        ),
    )
    view = view_case_status(receipt.status_token, cases=cases)
    assert [e.type for e in view.events] == ["submitted"]
    assert view_case_status("nope", cases=cases) is None
    assert view_case_status(None, cases=cases) is None
    assert view_case_status("x" * 500, cases=cases) is None
