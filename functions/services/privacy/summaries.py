"""A person's words and name in compiled forum summaries (domain/privacy/summary_quotes.py):
the summaries of the months of the forums they attended or answered about, each version
read a few at a time, and the summaries' emails to the administrators. For the export, the
quotes that are theirs; for the erasure, each document rewritten without them, one unit of
work a document (before their survey answers are de-identified: those tell which texts
are theirs)."""

from __future__ import annotations

from collections.abc import Iterator

from functions.domain.privacy import summary_quotes as rules
from functions.domain.privacy.erasure import names_in
from functions.domain.privacy.person import Person
from functions.domain.reports.mail import TEMPLATE as SUMMARY_TEMPLATE
from functions.services.ports import Dependencies

Found = tuple[str, dict]


def their_words(deps: Dependencies, found: dict[str, list[dict]]) -> tuple[set, set, tuple]:
    """(names, texts, months): what marks a quote as theirs, and the months to look in."""
    answers = [r["record"] for r in found.get("survey_responses", [])]
    forum_ids = {r["record"].get("forum_id") for kind in ("attendance", "survey_responses")
                 for r in found.get(kind, [])}  # fmt: skip
    months = set()
    for forum_id in sorted(f for f in forum_ids if isinstance(f, str) and f):
        forum = deps.forums.get(forum_id)
        if forum is not None:
            months.add(forum.month)
    # The names their answers were to be quoted with (not every name of theirs: another
    # person of the same name keeps their quotes).
    names = names_in({"survey_responses": found.get("survey_responses", [])})
    return names, rules.their_texts(answers), tuple(sorted(months))


def summary_docs(deps: Dependencies, person: Person, months: tuple) -> Iterator[Found]:
    """Each compiled summary of the months, then each of its versions."""
    store = deps.person_records
    for page in store.pages("summaries", person, within=months):
        for path, doc in page:
            yield path, doc
            for versions in store.summary_versions(path):
                yield from versions


def summary_mail(deps: Dependencies, person: Person, months: tuple) -> Iterator[Found]:
    """The summaries' emails of the months (to the administrators, carrying the quotes)."""
    for page in deps.person_records.pages("summary_mail", person, within=months):
        yield from ((p, d) for p, d in page if d.get("template") == SUMMARY_TEMPLATE)


def quoting(deps: Dependencies, person: Person, found: dict) -> list[dict]:
    """For the export: each summary (or version), or its email, quoting them, with the
    quotes."""
    names, texts, months = their_words(deps, found)
    if not (names or texts) or not months:
        return []
    quoted = []
    for path, doc in summary_docs(deps, person, months):
        quotes = rules.quotes_of(rules.body_of(doc), names, texts)
        if quotes:
            quoted.append({"path": path, "record": {"month": doc.get("month"), "quotes": quotes}})
    for path, doc in summary_mail(deps, person, months):
        quotes = rules.quotes_of(doc.get("data") or {}, names, texts)
        if quotes:
            quoted.append({"path": path, "record": {"to": doc.get("to"), "quotes": quotes}})
    return quoted


def erase_quotes(deps: Dependencies, person: Person, found: dict, in_time) -> int | None:
    """Their name and words out of every summary quoting them: how many documents were
    rewritten, or None when out of time (the next run carries on)."""
    names, texts, months = their_words(deps, found)
    done = 0
    if not (names or texts) or not months:
        return done
    found_docs = [(path, False) for path, _ in summary_docs(deps, person, months)]
    found_docs += [(path, True) for path, _ in summary_mail(deps, person, months)]
    for path, is_mail in found_docs:
        if not in_time():
            return None

        def work(uow, path=path, is_mail=is_mail):
            store = deps.erasures.records(uow)
            doc = store.read(path)
            if not doc:
                return False
            new = rules.without_them(doc.get("data") or {} if is_mail else doc, names, texts)
            if new is not None:
                store.rewrite(path, doc | {"data": new} if is_mail else new)
            return new is not None

        done += deps.transactions.run(work)[0]
    return done
