"""Everything held about a person (POPIA's right of access), found by their email address or
phone number (domain/privacy/person.py) in every collection, for an administrator to hand
over as JSON (functions/http/admin/privacy*.py, `ecd privacy export`).

The records are read a page at a time (adapters/firestore/person_records.py); what is
returned is the person's own: their cases with their history, their forum registrations,
attendance rows and survey answers (and the quotes of them in compiled forum summaries),
the invitations and the mail to them or about their
cases, the keys kept instead of their address (the suppression list's entry, the hourly
acknowledgement tally), their entries in advisory selections and invitation batches (not the
other people's), their directory and allow-list entries when they are staff, and the text of
each consent they gave.
"""

from __future__ import annotations

from collections.abc import Iterator

from functions.domain.privacy.person import Person
from functions.domain.reports.mail import TEMPLATE as SUMMARY_TEMPLATE
from functions.services.ports import Dependencies
from functions.services.privacy.summaries import quoting

_ENVELOPE = ("message_id", "template", "to", "kind", "state", "case_reference", "created_at",
             "sent_at")  # fmt: skip

# The kinds of record, in the order they are looked for (a later kind may be found through
# an earlier one: survey answers through attendance rows, mail through cases; and the forum
# rows, found by a key that folds case, tell how the address was typed: learning()).
KINDS = ("registrations", "attendance", "survey_responses", "invitation_batches", "cases",
         "invitations", "outbox", "suppression", "acknowledgement_tally",
         "advisory_selections", "directory", "administrator", "administrator_contact",
         "action_points")  # fmt: skip
KEYED = ("registrations", "attendance", "invitation_batches")


# Kinds a person may have very many of (a flood of cases under their address, and the mail
# of each): handed on a page at a time and not kept (but a case's id: their mail is found
# by it).
MANY = ("cases", "outbox")


def walk(deps: Dependencies, person: Person) -> Iterator[tuple[str, list[dict]]]:
    """(kind, a page of entries [{"path", "record", ...}]) for every record of the person,
    kind by kind in KINDS' order (each kind first with an empty page, so every kind is
    named), then their quotes in compiled forum summaries. Each entry is only what is about
    them (shaped()); what is held meanwhile is the kinds a person has few of."""
    store, kept = deps.person_records, {}
    for kind in KINDS:
        if kind == "cases":
            person = person.learning(addresses(kept))
        within = links(kind, kept, person)
        wanted = set(within)
        kept[kind] = []
        yield kind, []
        for page in store.pages(kind, person, within=within):
            entries = [shaped(deps, kind, {"path": path, "record": doc}, person, wanted)
                       for path, doc in page]  # fmt: skip
            if kind not in MANY:
                kept[kind] += entries
            elif kind == "cases":
                kept[kind] += [{"path": e["path"], "record": {}} for e in entries]
            yield kind, entries
    yield "forum_summaries", quoting(deps, person, kept)


def find_person(deps: Dependencies, person: Person) -> dict[str, list[dict]]:
    """{kind: [{"path", "record", ...}]}: every record of the person, kind by kind (all of
    it in memory: export_chunks streams them)."""
    found: dict[str, list[dict]] = {}
    for kind, entries in walk(deps, person):
        found.setdefault(kind, []).extend(entries)
    return found


def shaped(deps: Dependencies, kind: str, entry: dict, person: Person, within: set) -> dict:
    """An entry as the export shows it: a case with its history; of a record that holds
    other people too (a batch, a selection, the directory, mail sent to them as staff),
    only what is about this person."""
    record, path = entry["record"], entry["path"]
    if kind == "cases":
        pages = deps.person_records.events(path)
        entry["history"] = [{"path": p, "record": d} for page in pages for p, d in page]
    elif kind == "invitation_batches":
        entry["record"] = {"month": record.get("month"), "recipients": [
            r for r in record.get("recipients") or []
            if isinstance(r, dict) and person.is_address(r.get("email"))]}  # fmt: skip
    elif kind == "outbox":
        entry["record"] = mail_about(record, within)
    elif kind == "directory":
        entry["record"] = own_contacts(record, person)
    elif kind == "advisory_selections":
        parts = [d for _, d in deps.person_records.advisory_parts(path)]
        entry["record"] = advisory_entries(record, parts, within)
    return entry


def addresses(found: dict) -> list[str]:
    """The addresses the person's keyed records hold, as stored."""
    stored = [r["record"].get("email") for kind in KEYED[:2] for r in found.get(kind, [])]
    for batch in found.get("invitation_batches", []):
        stored += [p.get("email") for p in batch["record"].get("recipients") or []
                   if isinstance(p, dict)]  # fmt: skip
    return [s for s in stored if isinstance(s, str)]


def links(kind: str, found: dict, person: Person) -> tuple[str, ...]:
    """The ids a kind is found by, from what was found before it."""
    if kind == "survey_responses":
        return tuple(_id(r["path"]) for r in found.get("attendance", []))
    if kind == "outbox":
        return tuple(_id(r["path"]) for r in found.get("cases", []))
    if kind == "advisory_selections":
        rows = found.get("attendance", [])
        keys = [person.participant_key, *(_id(r["path"]) for r in rows),
                *(r["record"].get("attendee_key") or "" for r in rows)]  # fmt: skip
        return tuple(dict.fromkeys(k for k in keys if k))
    return ()


def advisory_entries(head: dict, parts: list[dict], keys: set[str]) -> dict:
    """A selection's entries about the person (their place, their nomination, their state
    and history), not the other people's."""
    mine: list[dict] = []
    for doc in [head, *parts]:
        _collect(doc, keys, mine)
    states = {k: v for k, v in (head.get("states") or {}).items() if k in keys}
    return {"region_id": head.get("region_id"), "period_from": head.get("period_from"),
            "period_to": head.get("period_to"), "states": states, "entries": mine}  # fmt: skip


def mail_about(doc: dict, references: set[str]) -> dict:
    """A message as it is about the person: whole when it is about one of their cases or
    was written to them as a parent or a participant; mail they were sent as staff or an
    administrator (a case's notification, a digest, a forum summary) is about other people,
    so only its envelope is theirs."""
    if not sent_in_role(doc, references):
        return doc
    envelope = {k: doc.get(k) for k in _ENVELOPE if k in doc}
    return envelope | {"data": None, "withheld": "sent to them in their role: about others"}


def sent_in_role(doc: dict, references: set[str]) -> bool:
    """Mail they were sent as staff or an administrator, about other people's cases or forums
    (not about one of `references`, their own cases)."""
    data = doc.get("data") if isinstance(doc.get("data"), dict) else {}
    return doc.get("case_reference") not in references and bool(
        data.get("recipient_role") or doc.get("template") == SUMMARY_TEMPLATE
    )


def own_contacts(doc: dict, person: Person) -> dict:
    """A region's or centre's directory entry as it is about the person: which it is, and
    their own contact entries (not their colleagues' names, addresses and numbers)."""
    kept = {k: doc[k] for k in ("region_id", "centre_id", "name") if k in doc}
    for field in ("administrator", "principal"):
        contact = doc.get(field)
        if isinstance(contact, dict) and person.is_address(contact.get("email")):
            kept[field] = contact
    for field in ("staff", "former_staff"):
        mine = [c for c in doc.get(field) or []
                if isinstance(c, dict) and person.is_address(c.get("email"))]  # fmt: skip
        if mine:
            kept[field] = mine
    return kept


def _collect(node, keys: set[str], into: list[dict]) -> None:
    """Each map holding one of `keys` as a value (a nominee, a drawn place, a change)."""
    if isinstance(node, dict):
        if any(isinstance(v, str) and v in keys for v in node.values()):
            into.append(node)
            return
        for value in node.values():
            _collect(value, keys, into)
    elif isinstance(node, list):
        for value in node:
            _collect(value, keys, into)


def _id(path: str) -> str:
    return path.rsplit("/", 1)[-1]
