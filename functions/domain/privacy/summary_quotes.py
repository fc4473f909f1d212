"""A person's words and name in compiled forum summaries (no I/O), for their export and their
erasure.

A summary (domain/reports/summary.py, stored as its JSON text; its email to the
administrators carries the same lists, domain/reports/mail.py) quotes survey answers: the
"other" pain points, the recommendations and comments under each pain point, the promising
practices; each quote with how many gave that text and the names of those who agreed to be
quoted. Theirs are the quotes naming them, and those whose text is one of their answers.
Erased: their name leaves every quote; a text only they gave leaves the summary (counted
among the texts the summary left out, so every figure and count stays as compiled); a text
others gave too stays, it is theirs as much.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from functions.domain.reports.quotes import folded

ANSWER_TEXTS = ("recommendations", "comments", "promising_practice", "pain_points_other")


def their_texts(answers: list[dict]) -> set[str]:
    """Their answers' free texts, folded as summaries merge them."""
    return {folded(a[f]) for a in answers for f in ANSWER_TEXTS
            if isinstance(a.get(f), str) and a[f].strip()}  # fmt: skip


def body_of(doc: dict) -> dict:
    """A stored summary's content (its JSON text, or a summary stored as maps before it)."""
    return json.loads(doc["body"]) if isinstance(doc.get("body"), str) else dict(doc)


def quotes_of(body: dict, names: set[str], texts: set[str]) -> list[dict]:
    """The quotes naming them or giving one of their texts, each naming only them: a text
    others gave too names them as well, and their names are not this person's to have."""
    return [_only_them(quote, names) for quote, _, _ in _quotes(body)
            if _theirs(quote, names, texts)]  # fmt: skip


def _only_them(quote: dict, names: set[str]) -> dict:
    if not quote.get("people") and not quote.get("name"):
        return quote  # nobody named: as compiled
    people = [
        p for p in quote.get("people") or [] if isinstance(p, dict) and p.get("name") in names
    ]
    first = people[0] if people else {}
    return quote | {"people": people, "name": first.get("name"), "role": first.get("role")}


def without_them(doc: dict, names: set[str], texts: set[str]) -> dict | None:
    """The stored summary without their name and their own texts, or None: nothing of
    theirs in it."""
    body = body_of(doc)
    changed = False
    for quote, holder, omitted in list(_quotes(body)):
        if not _theirs(quote, names, texts):
            continue
        changed = True
        if folded(str(quote.get("text", ""))) in texts and int(quote.get("count") or 1) <= 1:
            holder.remove(quote)  # theirs alone: it goes, counted among those left out
            container, fields = omitted
            for field in [f for f in fields if f in container] or fields[:1]:
                container[field] = int(container.get(field) or 0) + 1
            continue
        people = [p for p in quote.get("people") or [] if p.get("name") not in names]
        first = people[0] if people else {}
        quote.update(people=people, name=first.get("name"), role=first.get("role"))
    if not changed:
        return None
    if isinstance(doc.get("body"), str):
        return doc | {"body": json.dumps(body, ensure_ascii=False)}
    return body


def _theirs(quote: dict, names: set[str], texts: set[str]) -> bool:
    """Naming them; or one of their texts, unless it names only others (the same words,
    given by someone else, filed under another pain point)."""
    named = {quote.get("name")} | {p.get("name") for p in quote.get("people") or []
                                   if isinstance(p, dict)}  # fmt: skip
    named.discard(None)
    if named & names:
        return True
    return not named and folded(str(quote.get("text", ""))) in texts


Omitted = tuple[dict, tuple[str, ...]]


def _quotes(body: dict) -> Iterator[tuple[dict, list, Omitted]]:
    """Each quote, the list holding it, and where that list counts the texts left out (a
    summary's fields, or its email's: domain/reports/mail.py)."""
    for quote in list(body.get("pain_points_other") or []):
        if isinstance(quote, dict):
            yield quote, body["pain_points_other"], (body, ("pain_points_other_omitted",))
    for group in body.get("recommendations") or []:
        for quote in list(group.get("quotes") or []) if isinstance(group, dict) else []:
            if isinstance(quote, dict):
                yield quote, group["quotes"], (group, ("omitted", "more"))
    practices = body.get("practices") or []
    for practice in list(practices):
        quote = practice.get("quote") if isinstance(practice, dict) else None
        if isinstance(quote, dict):
            yield (
                quote,
                _PracticeList(practices, practice),
                (body, ("practices_omitted", "practices_more")),
            )


class _PracticeList:
    """A practice's quote is removed by removing the practice (it is nothing without it)."""

    def __init__(self, practices: list, practice: dict):
        self._practices, self._practice = practices, practice

    def remove(self, _quote) -> None:
        self._practices.remove(self._practice)
