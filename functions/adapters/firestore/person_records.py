"""Where a person's records are in Firestore (services/privacy/export.py and erase.py).

Each kind of record is found by the fields intake stores the person under, one equality
query per spelling (single-field indexes: no composite index), a page at a time by document
id: cases by the reporter's address or number; forum registrations and attendance rows by
their participant key, address or number; invitations and outbox messages by address, and
outbox messages by the person's case references; the suppression entry, the acknowledgement
tally, the allow-list entry by the key derived from the address. The few records that hold
people inside lists (invitation batches, advisory selections, the directory) are small
collections, read a page at a time and matched in memory. Nothing is changed here: the
erasure's writes go through a unit of work (person_erasure.py).
"""

from __future__ import annotations

from collections.abc import Iterator

from functions.adapters.firestore.base import (
    ACKNOWLEDGEMENT_TALLIES,
    ACTION_POINTS,
    ADMINISTRATOR_CONTACTS,
    ADMINISTRATORS,
    ADVISORY_SELECTIONS,
    CASES,
    CENTRES,
    EVENTS,
    FORUM_ATTENDANCE,
    FORUM_INVITATION_BATCHES,
    FORUM_INVITATIONS,
    FORUM_REGISTRATIONS,
    FORUM_SUMMARIES,
    FORUM_SURVEY_RESPONSES,
    ONCE,
    OUTBOX,
    REGIONS,
    SUMMARY_VERSIONS,
    SUPPRESSIONS,
    FirestoreAdapter,
    query,
    storage_errors,
    valid_id,
)
from functions.domain.privacy.person import Person

Found = tuple[str, dict]  # (document path, the document as stored)
PAGE = 100


class FirestorePersonRecords(FirestoreAdapter):
    """PersonRecords port (services/privacy/ports.py)."""

    def pages(self, kind: str, person: Person, size: int = PAGE,
              within: tuple[str, ...] = ()) -> Iterator[list[Found]]:  # fmt: skip
        """`kind`'s records of `person`, a page at a time (a record found by two of its
        fields once). `within`: the ids a dependent kind is found by (survey responses:
        attendance ids; outbox: case references; advisory: attendee ids)."""
        seen: set[str] = set()
        for source in self._sources(kind, person, within):
            for page in source(size):
                fresh = [(path, doc) for path, doc in page if path not in seen]
                seen.update(path for path, _ in fresh)
                if fresh:
                    yield fresh

    def events(self, case_path: str, size: int = PAGE) -> Iterator[list[Found]]:
        """A case's history lines, a page at a time."""
        collection = self.document(case_path).collection(EVENTS)
        yield from _paged(collection, size, self._t)

    # Each kind: the sources its records are found in, each paging on its own.
    def _sources(self, kind: str, person: Person, within: tuple[str, ...]):
        by_field = self._by_field
        if kind == "cases":
            keyed = (
                [by_field(CASES, "reporter_key", person.address_key)] if person.address_key else []
            )
            return keyed + [by_field(CASES, "reporter.email", v) for v in person.emails] + [
                by_field(CASES, "reporter.phone", v) for v in person.phones]  # fmt: skip
        if kind in ("registrations", "attendance"):
            name = FORUM_REGISTRATIONS if kind == "registrations" else FORUM_ATTENDANCE
            key = "participant_key" if kind == "registrations" else "attendee_key"
            return ([by_field(name, key, person.participant_key)]
                    + [by_field(name, "email", v) for v in person.emails]
                    + [by_field(name, "phone", v) for v in person.phones])  # fmt: skip
        if kind == "survey_responses":
            return [self._by_ids(FORUM_SURVEY_RESPONSES, within)]
        if kind == "invitations":
            return [by_field(FORUM_INVITATIONS, "email", v) for v in person.emails]
        if kind == "outbox":  # to them, or about one of their cases (`within`)
            keyed = [by_field(OUTBOX, "to_key", person.address_key)] if person.address_key else []
            return keyed + [by_field(OUTBOX, "to", v) for v in person.emails] + [
                by_field(OUTBOX, "case_reference", ref) for ref in within]  # fmt: skip
        if kind == "case_mail":  # about one of their cases alone
            return [by_field(OUTBOX, "case_reference", ref) for ref in within]
        if kind == "once":  # keys of mail told to their registrations (`within`)
            return [by_field(ONCE, "about", registration) for registration in within]
        if kind == "summaries":  # compiled forum summaries of the months (`within`)
            return [by_field(FORUM_SUMMARIES, "month", month) for month in within]
        if kind == "summary_mail":  # mail of the months (`within`): summaries among it
            return [by_field(OUTBOX, "data.month", month) for month in within]
        if kind == "action_points":
            return [by_field(ACTION_POINTS, "owner.email", v) for v in person.emails]
        if kind == "suppression":
            return [self._by_ids(SUPPRESSIONS, (person.address_key,))]
        if kind == "acknowledgement_tally":
            return [self._by_ids(ACKNOWLEDGEMENT_TALLIES, (person.mailbox_key,))]
        if kind == "administrator":
            return [self._by_ids(ADMINISTRATORS, (person.person_key,))]
        if kind == "administrator_contact":  # its copy for mail (adapters/.../administrators.py)
            return [self._by_ids(ADMINISTRATOR_CONTACTS, (person.person_key,))]
        if kind == "invitation_batches":
            return [self._scan(FORUM_INVITATION_BATCHES, lambda _, d: _lists(d, person))]
        if kind == "directory":
            return [self._scan(c, lambda _, d: _contacts(d, person)) for c in (REGIONS, CENTRES)]
        if kind == "advisory_selections":
            keys = {person.participant_key, *within}
            return [
                self._scan(
                    ADVISORY_SELECTIONS,
                    lambda path, d: (
                        _mentions(d, keys)
                        or any(_mentions(part, keys) for _, part in self.advisory_parts(path))
                    ),
                )
            ]
        raise KeyError(kind)

    def _by_field(self, collection: str, field: str, value: str):
        found = query(self.collection(collection), collection, {field: value})
        return lambda size: _paged(found, size, self._t)

    def _by_ids(self, collection: str, ids: tuple[str | None, ...]):
        """The documents with these ids (absent ones left out), a page at a time."""

        def pages(size: int) -> Iterator[list[Found]]:
            wanted = [i for i in ids if i and valid_id(i)]
            for start in range(0, len(wanted), size):
                refs = [self.collection(collection).document(i)
                        for i in wanted[start : start + size]]  # fmt: skip
                with storage_errors():
                    snapshots = list(self.database_of(collection).get_all(refs, **self._t))
                page = [(s.reference.path, s.to_dict()) for s in snapshots if s.exists]
                if page:
                    yield page

        return pages

    def _scan(self, collection: str, matches):
        """A small collection read a page at a time, the documents `matches` keeps."""

        def pages(size: int) -> Iterator[list[Found]]:
            for page in _paged(self.collection(collection), min(size, 20), self._t):
                kept = [(path, doc) for path, doc in page if matches(path, doc)]
                if kept:
                    yield kept

        return pages

    def summary_versions(self, summary_path: str, size: int = 10) -> Iterator[list[Found]]:
        """A compiled summary's versions, a few at a time (each up to a few hundred KB)."""
        versions = self.document(summary_path).collection(SUMMARY_VERSIONS)
        yield from _paged(versions, size, self._t)

    def advisory_parts(self, selection_path: str) -> list[Found]:
        """A selection's parts (its long lists: at most a few, each about 250 KB)."""
        from functions.adapters.firestore.advisory import ADVISORY_PARTS

        parts = self.document(selection_path).collection(ADVISORY_PARTS)
        return [found for page in _paged(parts, 20, self._t) for found in page]


def _paged(found, size: int, options: dict) -> Iterator[list[Found]]:
    """`found` (a collection or a query) by document id, `size` documents a read."""
    found = found.order_by("__name__")
    after = None
    while True:
        page = found.start_after(after) if after is not None else found
        with storage_errors():
            snapshots = list(page.limit(size).stream(**options))
        if snapshots:
            yield [(s.reference.path, s.to_dict() or {}) for s in snapshots]
        if len(snapshots) < size:
            return
        after = snapshots[-1]


def _lists(doc: dict, person: Person) -> bool:
    """An invitation batch naming the person among its recipients."""
    return any(isinstance(r, dict) and person.is_address(r.get("email"))
               for r in doc.get("recipients") or [])  # fmt: skip


def _contacts(doc: dict, person: Person) -> bool:
    """A region or centre with the person among its contacts (an administrator, a
    principal, a staff member, a former one)."""
    people = [doc.get("administrator"), doc.get("principal"),
              *(doc.get("staff") or []), *(doc.get("former_staff") or [])]  # fmt: skip
    return any(isinstance(c, dict) and person.is_address(c.get("email")) for c in people)


def _mentions(doc: object, keys: set[str]) -> bool:
    """Whether any string in `doc` (keys of maps too) is one of `keys`."""
    if isinstance(doc, str):
        return doc in keys
    if isinstance(doc, dict):
        return any(k in keys or _mentions(v, keys) for k, v in doc.items())
    if isinstance(doc, list):
        return any(_mentions(v, keys) for v in doc)
    return False
