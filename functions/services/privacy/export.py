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

from functions.domain.privacy.consents import consents_given
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
         "advisory_selections", "directory", "administrator", "action_points")  # fmt: skip
KEYED = ("registrations", "attendance", "invitation_batches")


def find_person(deps: Dependencies, person: Person) -> dict[str, list[dict]]:
    """{kind: [{"path", "record", ...}]}: every record of the person, kind by kind."""
    store, found = deps.person_records, {}
    for kind in KINDS:
        if kind == "cases":
            person = person.learning(addresses(found))
        within = links(kind, found, person)
        entries = []
        for page in store.pages(kind, person, within=within):
            entries.extend({"path": path, "record": doc} for path, doc in page)
        found[kind] = entries
    found["forum_summaries"] = quoting(deps, person, found)
    for case in found["cases"]:
        pages = store.events(case["path"])
        case["history"] = [{"path": path, "record": doc} for page in pages for path, doc in page]
    for batch in found["invitation_batches"]:
        batch["record"] = {"month": batch["record"].get("month"), "recipients": [
            r for r in batch["record"].get("recipients") or []
            if isinstance(r, dict) and person.is_address(r.get("email"))]}  # fmt: skip
    references = set(links("outbox", found, person))
    for message in found["outbox"]:
        message["record"] = mail_about(message["record"], references)
    for entry in found["directory"]:
        entry["record"] = own_contacts(entry["record"], person)
    keys = set(links("advisory_selections", found, person))
    for selection in found["advisory_selections"]:
        parts = store.advisory_parts(selection["path"])
        selection["record"] = advisory_entries(selection["record"], [d for _, d in parts], keys)
    return found


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


def export_person(deps: Dependencies, person: Person) -> dict:
    """The export: who it is about, when it was made, every record and each consent given."""
    records = find_person(deps, person)
    return {
        "about": {"kind": person.kind, "value": person.value},
        "generated_at": deps.clock().isoformat(),
        "counts": {kind: len(entries) for kind, entries in records.items()},
        "consents": consents_given(records, deps.network_name),
        "records": records,
    }


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
    data = doc.get("data") if isinstance(doc.get("data"), dict) else {}
    if doc.get("case_reference") in references or not (
        data.get("recipient_role") or doc.get("template") == SUMMARY_TEMPLATE
    ):
        return doc
    envelope = {k: doc.get(k) for k in _ENVELOPE if k in doc}
    return envelope | {"data": None, "withheld": "sent to them in their role: about others"}


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
