"""In-memory stand-ins for our own ports (never for Firestore itself), for unit tests."""

from __future__ import annotations

from functions.domain.cases.models import Case, CaseEvent
from functions.domain.directory.models import Centre, Region
from functions.services.errors import DuplicateSubmission, ReferenceTaken, StorageUnavailable


class FakeCaseRepository:
    """Behaves like FirestoreCaseRepository: one atomic add, conflicts on existing ids."""

    def __init__(self, taken_references: set[str] | None = None, unavailable: bool = False):
        self.cases: dict[str, Case] = {}
        self.events: dict[str, list[CaseEvent]] = {}
        self.markers: dict = {}
        self.taken = set(taken_references or ())
        self.unavailable = unavailable

    def add(self, case, event, marker, messages=()):
        if self.unavailable:
            raise StorageUnavailable("ServiceUnavailable")
        if marker and marker.key in self.markers:
            first = self.markers[marker.key]
            raise DuplicateSubmission(first.reference, first.fingerprint)
        if case.reference in self.cases or case.reference in self.taken:
            raise ReferenceTaken(case.reference)
        self.cases[case.reference] = case
        self.events[case.reference] = [event]
        self.messages = [*getattr(self, "messages", []), *messages]
        if marker:
            self.markers[marker.key] = marker

    def append_event(self, reference, event):
        self.events[reference].append(event)

    def get(self, reference):
        return self.cases.get(reference)

    def find_by_token_hash(self, token_hash):
        return next((c for c in self.cases.values() if c.status_token_hash == token_hash), None)

    def list_events(self, reference):
        return list(self.events.get(reference, []))


class FakeCentreDirectory:
    def __init__(self, centres: list[Centre], regions: list[Region] = ()):
        self.centres = {c.centre_id: c for c in centres}
        self.regions = list(regions)

    def get_centre(self, centre_id):
        return self.centres.get(centre_id)

    def get_region(self, region_id):
        return next((r for r in self.regions if r.region_id == region_id), None)

    def list_centres(self):
        return [c for c in self.centres.values() if c.active]

    def list_regions(self):
        return self.regions


class FakeTasksClient:
    """Stands in for google.cloud.tasks_v2.CloudTasksClient the way Cloud Tasks behaves:
    a task name already used answers ALREADY_EXISTS (the emulator does not)."""

    def __init__(self):
        self.tasks: list[dict] = []
        self.unavailable = False

    def create_task(self, parent, task, timeout=None):
        from google.api_core.exceptions import AlreadyExists, ServiceUnavailable

        if self.unavailable:
            raise ServiceUnavailable("queue down")
        if any(existing["name"] == task["name"] for existing in self.tasks):
            raise AlreadyExists(f"task {task['name']} exists")
        self.tasks.append(task)
        return task

    def take(self) -> list[dict]:
        """The task bodies created since the last take, as Cloud Tasks would POST them."""
        import json

        bodies = [json.loads(task["http_request"]["body"]) for task in self.tasks]
        self.tasks.clear()
        return bodies


class RecordingQueue:
    """A DeliveryQueue that only records what would be enqueued."""

    def __init__(self):
        self.enqueued: list[tuple[str, str, int]] = []

    def enqueue_delivery(self, message_id, recipient_key, dispatch):
        self.enqueued.append((message_id, recipient_key, dispatch))
