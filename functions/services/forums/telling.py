"""Telling every registrant of a forum something (a reminder, a change, a cancellation) in
batches: each batch one unit of work whose writes stay within Firestore's 500, each person's
mail guarded by a once key, so a batch run again (a retried task, a second click) tells
nobody twice."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from functions.domain.forums.models import Forum, Registration
from functions.domain.forums.registration_mail import Moment, registrant_message
from functions.services.forums.mailing import calendar_domain, commit, gettext_for
from functions.services.ports import Dependencies, UnitOfWork

# Three writes a person at most (their registration, the once key, the mail): 450 a batch.
BATCH = 150
ONCE_RETENTION = timedelta(days=60)

# change(uow, registration as read now) -> the registration to save (None: unchanged).
Change = Callable[[UnitOfWork, Registration], Registration | None]


def tell_registrants(deps: Dependencies, forum: Forum, registrations: Sequence[Registration],
                     moment: Moment, key: str, now: datetime, *, offset: str | None = None,
                     calendar: Callable[[Registration], bool] = lambda r: r.holds_place,
                     change: Change | None = None) -> int:  # fmt: skip
    """Write the moment's mail to each registrant (once per `key` and registration); returns
    how many were told now. `change` may update each registration in the same unit."""
    domain = calendar_domain(deps)
    told = 0
    for start in range(0, len(registrations), BATCH):
        batch = registrations[start : start + BATCH]

        def work(uow: UnitOfWork, batch=batch) -> int:
            count = 0
            for listed in batch:
                once = f"forum:{key}:{listed.registration_id}"
                if uow.once.used(once):
                    continue
                person = listed
                if change is not None:
                    current = uow.registrations.get(listed.registration_id) or listed
                    person = change(uow, current) or current
                    if person is not current:
                        uow.registrations.save(person)
                mail = registrant_message(moment, forum, person, now, deps.network_name,
                                          domain, gettext_for(person.language.value),
                                          offset=offset, calendar=calendar(listed))  # fmt: skip
                if mail is not None:
                    uow.outbox.add(mail)
                # `about`: a person's erasure deletes the key (derived from their address).
                uow.once.add(once, now, now + ONCE_RETENTION, about=listed.registration_id)
                count += 1
            return count

        told += commit(deps, work)
    return told
