"""FirestoreCaseRepository against the real emulator: atomic intake and its edge cases."""

import uuid
from datetime import UTC, datetime

import pytest
from google.cloud import firestore

from functions.adapters.firestore.cases import FirestoreCaseRepository
from functions.domain.cases.models import Consent, Reporter
from functions.domain.cases.opening import open_case
from functions.domain.shared.vocabulary import Category, Kind, Source
from functions.services.errors import DuplicateSubmission, ReferenceTaken
from functions.services.ports import IdempotencyMarker

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


@pytest.fixture
def repo(firestore_emulator):
    client = firestore.Client(project=f"demo-storage-{uuid.uuid4().hex[:8]}")
    return FirestoreCaseRepository(client, timeout=5)


def new_case(reference="FB-AAAA-BBB", description="The tap in the toilets leaks"):
    return open_case(
        reference=reference,
        secret=b"k",
        source=Source.API,
        centre=None,
        centre_name_given="Somewhere",
        kind=Kind.COMPLAINT,
        category=Category.FACILITIES,
        description=description,
        urgent=False,
        reporter=Reporter(email="p@example.org"),
        consent=Consent(given=True, version="2026-11", recorded_at=NOW),
        child=None,
        triage=None,
        now=NOW,
    )


def test_a_case_and_its_first_event_are_stored_together(repo):
    case, event = new_case()
    repo.add(case, event, None)
    assert repo.get(case.reference) == case
    assert repo.list_events(case.reference) == [event]
    assert repo.find_by_token_hash(case.status_token_hash) == case


def test_a_clashing_reference_is_reported_and_nothing_of_the_second_case_is_written(repo):
    repo.add(*new_case(), None)
    other, other_event = new_case(description="Someone else's case")
    marker = IdempotencyMarker("k-1", other.reference, None, NOW, NOW)
    with pytest.raises(ReferenceTaken):
        repo.add(other, other_event, marker)
    assert repo.get(other.reference).description == "The tap in the toilets leaks"
    assert len(repo.list_events(other.reference)) == 1
    # The marker was in the same failed commit, so the key is still free.
    retry_case, retry_event = new_case("FB-CCCC-DDD", "Someone else's case")
    repo.add(retry_case, retry_event, marker._replace(reference="FB-CCCC-DDD"))


def test_a_used_idempotency_key_reports_the_first_reference(repo):
    case, event = new_case()
    repo.add(case, event, IdempotencyMarker("k-2", case.reference, "fp", NOW, NOW))
    second, second_event = new_case("FB-EEEE-FFF")
    with pytest.raises(DuplicateSubmission) as duplicate:
        repo.add(second, second_event, IdempotencyMarker("k-2", second.reference, "fp", NOW, NOW))
    assert duplicate.value.reference == case.reference
    assert repo.get("FB-EEEE-FFF") is None


def test_a_commit_retried_after_its_answer_was_lost_counts_as_done(repo):
    case, event = new_case()
    repo.add(case, event, None)
    repo.add(case, event, None)  # the same write again: no error, still one case
    assert len(repo.list_events(case.reference)) == 1
