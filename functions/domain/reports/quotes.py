"""Free-text answers for a summary: the same text from many respondents shown once, with
how many gave it, and each list kept within a size budget.

Why a budget: a summary is one Firestore document (at most 1 MiB) and a month may bring
thousands of answers of up to 2,000 characters. Each list keeps its most given texts first
(then the first given) up to QUOTE_BYTES of UTF-8, and says how many distinct texts it left
out; the counts (total, count) are never cut.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable

from functions.domain.reports.summary import Quote, QuotedPerson

QUOTE_BYTES = 40_000  # per list: ten groups and the rest stay well within a document
PEOPLE_KEPT = 20  # names kept on one merged text


def folded(text: str) -> str:
    return " ".join(text.casefold().split())


def merge(items: Iterable[tuple[Hashable, Quote]]) -> tuple[list[tuple[Hashable, Quote]], int]:
    """(extra key, quote) pairs, as answered, merged by (extra key, kind, folded text): the
    kept pairs, most given first, and how many distinct texts the budget left out."""
    order: list[tuple] = []
    first: dict[tuple, tuple[Hashable, Quote]] = {}
    counts: dict[tuple, int] = {}
    people: dict[tuple, list[QuotedPerson]] = {}
    for extra, quote in items:
        key = (extra, quote.kind, folded(quote.text))
        if key not in first:
            order.append(key)
            first[key], counts[key], people[key] = (extra, quote), 0, []
        counts[key] += 1
        if quote.name and quote.role and len(people[key]) < PEOPLE_KEPT:
            people[key].append(QuotedPerson(name=quote.name, role=quote.role))
    ranked = sorted(order, key=lambda key: -counts[key])  # stable: the first given first
    kept, used = [], 0
    for key in ranked:
        extra, quote = first[key]
        size = len(quote.text.encode("utf-8", "replace"))
        if kept and used + size > QUOTE_BYTES:
            break
        used += size
        named = people[key]
        kept.append((extra, quote.model_copy(update={
            "count": counts[key], "people": named,
            "name": named[0].name if named else None, "role": named[0].role if named else None,
        })))  # fmt: skip
    return kept, len(ranked) - len(kept)


def merge_quotes(quotes: Iterable[Quote]) -> tuple[list[Quote], int]:
    kept, omitted = merge((None, quote) for quote in quotes)
    return [quote for _, quote in kept], omitted
