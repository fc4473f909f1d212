"""The steps of an erasure (erase.py says the order and why), each answering True when it has
done everything of its kind, False when out of time (the next run carries on: each step
finds only what is still the person's)."""

from __future__ import annotations

from collections.abc import Callable

from functions.domain.privacy import erasure as rules
from functions.domain.privacy.person import Person
from functions.services.ports import Dependencies
from functions.services.privacy import erase_records as records

RETENTION_PLACE = "retention/forums"  # the retention job's place among the forums


class Steps:
    def __init__(self, deps: Dependencies, person: Person, now, size: int,
                 in_time: Callable[[], bool], counts: dict):  # fmt: skip
        self.deps, self.person, self.now, self.size = deps, person, now, size
        self.in_time, self.counts = in_time, counts
        self.found = deps.person_records
        self._needles: set[str] | None = None  # what marks mail as theirs (mailbox())

    def _pages(self, kind: str, within: tuple[str, ...] = ()):
        return self.found.pages(kind, self.person, self.size, within=within)

    def _unit(self, work):
        return self.deps.transactions.run(lambda uow: work(self.deps.erasures.records(uow)))[0]

    def learn(self) -> None:
        """How their address was typed, from the records found by a key that folds case
        (forum rows, invitation batches): cases and mail are then found under it too."""
        from functions.services.privacy.export import KEYED, addresses

        found = {kind: [{"record": doc} for page in self._pages(kind) for _, doc in page]
                 for kind in KEYED}  # fmt: skip
        self.person = self.person.learning(addresses(found))

    def mailbox(self, directory: str) -> int:
        """Mail kept by the local mailbox to or about them: first, while their names and case
        references can still be read from their records (kept for the last purge, after
        their mail is deleted: a delivery that ran meanwhile wrote to the mailbox again)."""
        from functions.adapters.mail.mailbox_privacy import purge

        if self._needles is None:
            self._needles = self._mailbox_needles()
        return purge(directory, self._needles)

    def _mailbox_needles(self) -> set[str]:
        names, references = set(), set()
        for kind in ("cases", "registrations", "attendance"):
            for page in self._pages(kind):
                found = {kind: [{"record": doc} for _, doc in page]}
                names |= rules.names_in(found)
                if kind == "cases":
                    references |= {path.rsplit("/", 1)[-1] for path, _ in page}
        return rules.needles(self.person, names, references)

    def advisory(self) -> bool:
        keys = [self.person.participant_key]
        for page in self._pages("attendance"):
            for path, doc in page:
                keys += [path.rsplit("/", 1)[-1], doc.get("attendee_key") or ""]
        keys = tuple(dict.fromkeys(k for k in keys if k))
        for page in self._pages("advisory_selections", keys):
            for path, _ in page:
                if not self.in_time():
                    return False
                parts = [p for p, _ in self.found.advisory_parts(path)]
                self._unit(
                    lambda store, path=path, parts=parts: records.rekey(
                        store, [path, *parts], set(keys)
                    )
                )
                self.counts["advisory_selections"] += 1
        return True

    def summaries(self) -> bool:
        from functions.services.privacy.export import links
        from functions.services.privacy.summaries import erase_quotes

        found: dict[str, list[dict]] = {}
        # Their answers tell their words (found by their attendance rows); their cases,
        # perhaps very many, are not read here.
        for kind in ("attendance", "survey_responses"):
            within = links(kind, found, self.person)
            found[kind] = [{"path": path, "record": doc}
                           for page in self._pages(kind, within) for path, doc in page]  # fmt: skip
        done = erase_quotes(self.deps, self.person, found, self.in_time)
        self.counts["summaries"] += done or 0
        return done is not None

    def cases(self) -> bool:
        for page in self._pages("cases"):
            for path, _ in page:
                reference = path.rsplit("/", 1)[-1]
                if not self.in_time() or not self._deleted("case_mail", (reference,)):
                    return False
                self._case(reference)
        return True

    def _case(self, reference: str) -> None:
        """The case and its history, in as many commits as its history needs."""
        while True:
            result, events = self._unit(lambda store: records.case(store, reference, self.now))
            self.counts["events"] += events
            if result != "partial":
                if result != "done":
                    self.counts[result] += 1
                return

    def mail(self) -> bool:
        """Mail to them deleted, but for mail still waiting that they were sent as staff or an
        administrator (a new case's alert, a digest): it is owed to the centre's team about
        other people's cases, and an urgent alert must reach someone; it goes, and an erasure
        run after it went takes it (the answer counts it: staff_mail_waiting)."""
        from functions.domain.mail.outbox import FINAL_STATES
        from functions.services.privacy.export import sent_in_role

        for page in self._pages("outbox"):
            if not self.in_time():
                return False
            owed = {
                path
                for path, doc in page
                if sent_in_role(doc, set()) and doc.get("state") not in FINAL_STATES
            }
            paths = [path for path, _ in page if path not in owed]
            self.counts["outbox"] += self._unit(lambda store, paths=paths: sum(
                store.delete(path) for path in paths))  # fmt: skip
            self.counts["staff_mail_waiting"] += len(owed)
        return True

    def invitations(self) -> bool:
        if not self._deleted("invitations"):
            return False
        for page in self._pages("invitation_batches"):
            if not self.in_time():
                return False
            for path, _ in page:
                self._unit(
                    lambda store, path=path: store.rewrite(
                        path, rules.batch_without(store.read(path) or {}, self.person)
                    )
                )
                self.counts["invitation_entries"] += 1
        return True

    def tally(self) -> bool:
        """The hashes of their address: the acknowledgement cap's tally, the suppression."""
        return self._deleted("acknowledgement_tally", counted="acknowledgement_tallies") and (
            self._deleted("suppression", counted="suppressions")
        )

    def _deleted(self, kind: str, within: tuple[str, ...] = (), counted: str = "") -> bool:
        """Every record of `kind` deleted, a page a commit."""
        counted = counted or ("outbox" if kind == "case_mail" else kind)
        for page in self._pages(kind, within):
            if not self.in_time():
                return False
            paths = [path for path, _ in page]
            self.counts[counted] += self._unit(lambda store, paths=paths: sum(
                store.delete(path) for path in paths))  # fmt: skip
        return True

    def once_keys(self) -> bool:
        """The keys of the mail told to their registrations (forum_rows moves those)."""
        for page in self._pages("registrations"):
            ids = tuple(path.rsplit("/", 1)[-1] for path, _ in page)
            if not self._deleted("once", ids, counted="once_keys"):
                return False
        return True

    def retention_place(self) -> bool:
        """Where the retention job stopped inside a forum may be one of their rows' ids
        (hashes of their address): it restarts that kind of the forum's rows instead (the
        rows done are passed over). Before their rows move, while their ids are found."""
        ids = {path.rsplit("/", 1)[-1] for kind in ("attendance", "registrations")
               for page in self._pages(kind) for path, _ in page}  # fmt: skip

        def forget(store) -> None:
            doc = store.read(RETENTION_PLACE) or {}
            within = doc.get("within") or {}
            if within.get("after") in ids:
                store.rewrite(RETENTION_PLACE, doc | {"within": within | {"after": None}})

        if ids:
            self._unit(forget)
        return True

    def forum_rows(self) -> bool:
        """Their attendance rows, each with its registration and answer, then the
        registrations left, moved to random ids as the retention rules keep them."""
        for kind in ("attendance", "registrations"):
            # An attendee moves with their registration and answer: up to six writes each.
            for page in self.found.pages(kind, self.person, max(1, self.size // 3)):
                if not self.in_time():
                    return False
                ids = [path.rsplit("/", 1)[-1] for path, _ in page]
                moved = self._unit(
                    lambda store, kind=kind, ids=ids: records.move(store, kind, ids, self.now)
                )
                for name, n in moved.items():
                    self.counts[name] += n
        return True
