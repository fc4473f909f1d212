"""Cancelling a registration from the link in its confirmation, and promoting whoever waited
longest into the place it frees: one unit of work, so the forum's counters, both
registrations and both mails are committed together or not at all."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from functions.domain.forums import capacity
from functions.domain.forums.models import Forum, Registration, RegistrationState
from functions.domain.forums.registration_mail import Moment, registrant_message
from functions.domain.shared.signing import Purpose
from functions.services.forums.errors import ForumClosed, ForumNotFound, RegistrationNotFound
from functions.services.forums.mailing import calendar_domain, commit, gettext_for
from functions.services.ports import Dependencies, UnitOfWork


class Cancelled(NamedTuple):
    already: bool  # it was cancelled before: nothing changed, nothing sent
    registration: Registration
    promoted: Registration | None


def cancel_token(deps: Dependencies, registration_id: str) -> str:
    return deps.signer.sign(Purpose.FORUM_CANCEL, registration_id)


def registration_for_token(deps: Dependencies,
                           token: object) -> tuple[Registration, Forum] | None:  # fmt: skip
    """The registration a cancel link names and its forum, or None (forged, unknown)."""
    reg_id = deps.signer.unsign(Purpose.FORUM_CANCEL, token)
    if reg_id is None:
        return None
    registration = deps.forums.registration(reg_id)
    if registration is None:
        return None
    forum = deps.forums.get(registration.forum_id)
    return (registration, forum) if forum is not None else None


def cancel_registration(deps: Dependencies, registration_id: str, now: datetime) -> Cancelled:
    """Cancel it (before its forum ends); a place it held goes to the first on the waiting
    list, who is told at once. Cancelling again changes nothing."""
    domain = calendar_domain(deps)

    def work(uow: UnitOfWork) -> Cancelled:
        registration = uow.registrations.get(registration_id)
        if registration is None:
            raise RegistrationNotFound(registration_id)
        forum = uow.forums.get(registration.forum_id)
        if forum is None:
            raise ForumNotFound(registration.forum_id)
        if registration.state == RegistrationState.CANCELLED or forum.cancelled:
            return Cancelled(True, registration, None)
        if now >= forum.ends_at:
            raise ForumClosed("ended")
        held = registration.holds_place
        forum = capacity.release(forum, registration, now)
        cancelled = registration.model_copy(update={
            "state": RegistrationState.CANCELLED, "waitlist_position": None,
            "sequence": registration.sequence + 1, "cancelled_at": now, "updated_at": now,
        })  # fmt: skip
        # A place freed is one to give only while the forum has one left: a capacity cut
        # below the places taken leaves everyone holding theirs, and the next in line waits
        # until the count is back under the capacity.
        free = held and forum.places_left > 0
        promoted = uow.registrations.first_waitlisted(forum.forum_id) if free else None
        if promoted is not None:
            forum, promoted = capacity.promote(forum, promoted, now)
            uow.registrations.save(promoted)
        uow.forums.save(forum)
        uow.registrations.save(cancelled)
        told = [(Moment.CANCELLED, cancelled, held)]
        if promoted is not None:
            told.append((Moment.PROMOTED, promoted, True))
        for moment, person, calendar in told:
            mail = registrant_message(moment, forum, person, now, deps.network_name, domain,
                                      gettext_for(person.language.value),
                                      calendar=calendar)  # fmt: skip
            if mail is not None:
                uow.outbox.add(mail)
        return Cancelled(False, cancelled, promoted)

    return commit(deps, work)
