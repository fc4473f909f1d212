"""What the forum use cases share to write their mail: the calendar's domain, the
registrant's language, the administrators of a forum's scope, and one way to commit."""

from __future__ import annotations

from collections.abc import Callable
from email.utils import parseaddr
from typing import TypeVar

from functions.domain.forums.models import Forum
from functions.services.mail.dispatch import cancel_delivery, queue_delivery
from functions.services.ports import Dependencies, UnitOfWork

T = TypeVar("T")
# Many people race for a forum's last places: each run that lost to another writer runs again.
ATTEMPTS = 100


def calendar_domain(deps: Dependencies) -> str:
    """The right-hand side of every calendar UID: the domain our mail comes from."""
    address = parseaddr(deps.mail.sender)[1]
    domain = address.rpartition("@")[2].strip().lower()
    return domain or "forums.invalid"


def gettext_for(language: str) -> Callable[[str], str]:
    """The translation of our own texts (calendar descriptions) in the registrant's language."""
    from functions.rendering.translations import catalogue

    return catalogue(language).gettext


def administrators_of(deps: Dependencies, forum: Forum) -> list[tuple[str, str]]:
    """(email, name) of whoever administers the forum's scope: the region's administrators
    for a regional forum, the network's for a network-wide one (every region's when the
    network has none listed), each once."""
    # Their contacts' copy in the main database: the parents' intake (a Google Form's
    # registration) may not read the allow-list (functions/adapters/firestore/base.py).
    listed = [a for a in deps.administrators.contacts() if a.active]
    if forum.region_id:
        region = deps.directory.get_region(forum.region_id)
        found = [(region.administrator.email, region.administrator.name)] if region else []
        found += [(a.email, a.name) for a in listed if a.region_id == forum.region_id]
    else:
        found = [(a.email, a.name) for a in listed if a.whole_network]
        if not found:
            found = [(r.administrator.email, r.administrator.name)
                     for r in deps.directory.list_regions()]  # fmt: skip
    seen, unique = set(), []
    for email, name in found:
        if email.lower() not in seen:
            seen.add(email.lower())
            unique.append((email, name))
    return unique


def commit(deps: Dependencies, work: Callable[[UnitOfWork], T]) -> T:
    """Run the work in one unit of work (again while other writers win), its mail's delivery
    queued while it commits and withdrawn when the commit is refused."""
    result, _ = deps.transactions.run(
        work,
        while_committing=lambda messages: queue_delivery(messages, deps.queue, deps.clock()),
        if_refused=lambda messages: cancel_delivery(messages, deps.queue),
        attempts=ATTEMPTS,
    )
    return result
