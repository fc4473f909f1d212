"""In-memory stand-ins for our own ports (never for Firestore itself), for unit tests."""

from __future__ import annotations

from functions.services.errors import QueueUnavailable, StorageUnavailable


class FakeStore:
    """Transactions and CaseReader over dicts: a unit of work sees what is committed, and its
    writes land together or not at all (a `create` of something that exists fails it)."""

    def __init__(self, taken_references: set[str] | None = None, unavailable: bool = False):
        self.cases: dict = {}
        self.events: dict[str, list] = {}
        self.markers: dict = {}
        self.outbox: dict = {}
        self.once: dict = {}
        self.summaries: dict = {}  # "<centre_id>:<date>" -> CentreSummary (digests)
        self.taken = set(taken_references or ())
        self.unavailable = unavailable

    # Transactions: like the Firestore unit of work, a commit that would create something
    # that exists fails as a whole and the work runs again (a few times).
    def run(self, work, while_committing=None, if_refused=None, attempts=5):
        if self.unavailable:
            raise StorageUnavailable("ServiceUnavailable")
        for attempt in range(attempts):
            unit = _Unit(self, attempt)
            result = work(unit)
            if while_committing and unit.messages:
                while_committing(list(unit.messages))
            try:
                unit.commit()
            except _Conflict:
                if if_refused and while_committing and unit.messages:
                    if_refused(list(unit.messages))
                continue
            return result, unit.messages
        raise StorageUnavailable("contention")

    # CaseReader
    def get(self, reference):
        return self.cases.get(reference)

    def list_events(self, reference):
        return sorted(self.events.get(reference, []), key=lambda event: event.at)

    def due_for_nudge(self, now, limit):
        due = [c for c in self.cases.values() if c.next_nudge_at and c.next_nudge_at <= now]
        return sorted(due, key=lambda case: case.next_nudge_at)[:limit]

    def received_between(self, centre_id, start, end):
        found = [c for c in self.cases.values()
                 if c.centre_id == centre_id and start <= c.created_at < end]  # fmt: skip
        return sorted(found, key=lambda case: case.created_at)

    # The digests' reads, over the same dicts (functions/adapters/firestore/digests.py).
    def _digest_rows(self, keep):
        from functions.domain.cases.digest_cases import DigestCase

        return [DigestCase.model_validate(c.model_dump()) for c in self.cases.values() if keep(c)]

    def open_at_centre(self, centre_id):
        return self._digest_rows(lambda c: c.centre_id == centre_id and c.open)

    def compliments_since(self, centre_id, since):
        return self._digest_rows(lambda c: c.centre_id == centre_id and c.kind == "compliment"
                                 and c.created_at >= since)  # fmt: skip

    def digest_summaries(self, region_id, day):
        return [s for s in self.summaries.values()
                if s.region_id == region_id and s.date == day.isoformat()]  # fmt: skip

    # The administrators' reads (functions/services/admin/); region_id None: the network.
    def open_cases(self, region_id, limit):
        return self._digest_rows(lambda c: c.open and region_id in (None, c.region_id))[:limit]

    def waiting_for_triage(self, region_id, limit):
        return [c for c in self.cases.values() if c.triage and not c.triage.resolved
                and region_id in (None, c.region_id)][:limit]  # fmt: skip

    def regions_of(self, references):
        return {r: self.cases[r].region_id for r in references if r in self.cases}


class _Conflict(Exception):
    pass


class _Unit:
    def __init__(self, store: FakeStore, attempt: int = 0):
        self.store, self.writes, self.messages, self.attempt = store, [], [], attempt
        self.read_markers: set = set()
        self.cases, self.markers, self.outbox = self, _Markers(self), _Outbox(self)
        self.once = _Once(self)
        self.summaries = _Summaries(self)
        self.read_cases: dict = {}  # reference -> the case as read (a save needs it unchanged)

    def get(self, reference):
        if reference in self.store.taken:
            return object()  # someone else's case
        case = self.store.cases.get(reference)
        self.read_cases[reference] = case
        return case

    def add(self, case, event):
        self.writes.append(("case", case.reference, case, event))

    def save(self, case, event):
        self.writes.append(("save", case.reference, case, event))

    def commit(self):
        store = self.store
        for kind, key, *_ in self.writes:
            if kind == "case" and (key in store.cases or key in store.taken):
                raise _Conflict(f"case {key} exists")
            if kind == "marker" and key in store.markers and key not in self.read_markers:
                raise _Conflict(f"marker {key} exists")
            if kind == "save" and store.cases.get(key) is not self.read_cases.get(key):
                raise _Conflict(f"case {key} changed since it was read")
            if kind == "once" and key in store.once:
                raise _Conflict(f"{key} was used")
            if kind == "summary" and key in store.summaries:
                raise _Conflict(f"summary {key} exists")
        for kind, key, *values in self.writes:
            if kind in ("case", "save"):
                case, event = values
                store.cases[key] = case
                store.events.setdefault(key, []).append(event)
            elif kind == "marker":
                store.markers[key] = values[0]
            elif kind == "once":
                store.once[key] = values[0]
            elif kind == "summary":
                store.summaries[key] = values[0]
            else:
                store.outbox[key] = values[0]


class _Markers:
    def __init__(self, unit: _Unit):
        self._unit = unit

    def get(self, key):
        self._unit.read_markers.add(key)
        return self._unit.store.markers.get(key)

    def add(self, marker):
        self._unit.writes.append(("marker", marker.key, marker))


class _Once:
    def __init__(self, unit: _Unit):
        self._unit = unit

    def used(self, key):
        return key in self._unit.store.once

    def add(self, key, now, expires_at, about=None):
        self._unit.writes.append(("once", key, now))


class _Summaries:
    def __init__(self, unit: _Unit):
        self._unit = unit

    def exists(self, centre_id, day):
        return f"{centre_id}:{day}" in self._unit.store.summaries

    def add(self, summary, expires_at):
        self._unit.writes.append(("summary", f"{summary.centre_id}:{summary.date}", summary))


class _Outbox:
    def __init__(self, unit: _Unit):
        self._unit = unit

    def add(self, message):
        self._unit.writes.append(("outbox", message.message_id, message))
        self._unit.messages.append(message)


class FixedServiceLevels:
    """The policy of infra/service_levels.json, or the one given."""

    def __init__(self, policy=None):
        from functions.adapters.firestore.service_levels import policy_from_file

        self.policy = policy or policy_from_file()

    def current(self):
        return self.policy


class FakeCentreDirectory:
    def __init__(self, centres, regions=()):
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


class RecordingQueue:
    """A TaskQueue that records what would be enqueued; `unavailable` refuses everything."""

    def __init__(self):
        self.tasks: list = []
        self.unavailable = False

    def enqueue(self, task):
        if self.unavailable:
            raise QueueUnavailable("ServiceUnavailable")
        self.tasks.append(task)

    def cancel(self, task):
        if self.unavailable:
            raise QueueUnavailable("ServiceUnavailable")
        self.tasks = [t for t in self.tasks if (t.handler, t.dedupe_key) !=
                      (task.handler, task.dedupe_key)]  # fmt: skip


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

    def delete_task(self, name, timeout=None):
        from google.api_core.exceptions import NotFound, ServiceUnavailable

        if self.unavailable:
            raise ServiceUnavailable("queue down")
        if not any(existing["name"] == name for existing in self.tasks):
            raise NotFound(f"task {name} not found")
        self.tasks = [existing for existing in self.tasks if existing["name"] != name]

    def take(self) -> list[dict]:
        """The task bodies created since the last take, as Cloud Tasks would POST them."""
        import json

        bodies = [json.loads(task["http_request"]["body"]) for task in self.tasks]
        self.tasks.clear()
        return bodies
