"""Registering for a forum: a place while any is left, else the waiting list; once per
person and forum, however often they send the form.

One unit of work reads the forum (its counters) and the person's registration, decides, and
writes both with the confirmation mail (and, the first time the forum reaches 80% or 100%
of its places, the administrators' alert). Two people racing for the last place both write
the forum: one commit wins, the other runs again and finds the place gone (waitlisted). The
same person twice: both create the same registration id, one wins, the other finds it there
("already registered", nothing written, nothing sent).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import NamedTuple

from functions.domain.forums import capacity
from functions.domain.forums.models import (
    Forum,
    Registration,
    RegistrationState,
    participant_key,
    registration_id,
)
from functions.domain.forums.registration import RegistrationForm, problems_with
from functions.domain.forums.registration_mail import Moment, capacity_alerts, registrant_message
from functions.services.forums.errors import ForumClosed, ForumNotFound, RegistrationRefused
from functions.services.forums.mailing import (
    administrators_of,
    calendar_domain,
    commit,
    gettext_for,
)
from functions.services.ports import Dependencies, UnitOfWork


class Outcome(StrEnum):
    REGISTERED = "registered"
    WAITLISTED = "waitlisted"
    ALREADY_REGISTERED = "already_registered"


class Registered(NamedTuple):
    outcome: Outcome
    registration: Registration
    forum: Forum


def closed_reason(forum: Forum, now: datetime) -> str | None:
    """Why the forum takes no registration now ("cancelled", "ended"), or None."""
    if forum.cancelled:
        return "cancelled"
    if now >= forum.ends_at:
        return "ended"
    return None


def register(deps: Dependencies, form: RegistrationForm, source: str,
             now: datetime) -> Registered:  # fmt: skip
    """Register the person for the forum (or put them on its waiting list) and tell them.
    Raises ForumNotFound, ForumClosed or RegistrationRefused (nothing written)."""
    forum = deps.forums.get(form.forum_id)
    if forum is None:
        raise ForumNotFound(form.forum_id)
    centres = {c.centre_id for c in deps.directory.list_centres() if c.active}
    admins = administrators_of(deps, forum)
    key = participant_key(form.email, form.phone)
    reg_id = registration_id(forum.forum_id, key)
    domain, gettext = calendar_domain(deps), gettext_for(form.language.value)

    def work(uow: UnitOfWork) -> Registered:
        current = uow.forums.get(form.forum_id)
        if current is None:
            raise ForumNotFound(form.forum_id)
        if reason := closed_reason(current, now):
            raise ForumClosed(reason)
        if problems := problems_with(form, current, centres):
            raise RegistrationRefused(problems)
        existing = uow.registrations.get(reg_id)
        if existing is not None and existing.state != RegistrationState.CANCELLED:
            return Registered(Outcome.ALREADY_REGISTERED, existing, current)
        changed, state, position = capacity.place_or_waitlist(current, now)
        changed, reached = capacity.new_alerts(current, changed)
        registration = _registration(form, reg_id, key, source, state, position, existing, now)
        moment = Moment.REGISTERED if state == RegistrationState.REGISTERED else Moment.WAITLISTED
        message = registrant_message(moment, changed, registration, now, deps.network_name,
                                     domain, gettext)  # fmt: skip
        # The mail first: a commit refused for a clash is taken as landed when its first new
        # document is there as it would write it (unit_of_work._landed), and a registration
        # made by the same person racing in the same instant would be; a message never is.
        for mail in [message, *capacity_alerts(changed, reached, admins, now, deps.network_name)]:
            if mail is not None:
                uow.outbox.add(mail)
        uow.forums.save(changed)
        if existing is None:
            uow.registrations.add(registration)
        else:
            uow.registrations.save(registration)
        return Registered(Outcome(state.value), registration, changed)

    return commit(deps, work)


def _registration(form: RegistrationForm, reg_id: str, key: str, source: str,
                  state: RegistrationState, position: int | None,
                  existing: Registration | None, now: datetime) -> Registration:  # fmt: skip
    """The registration as the form gives it; a cancelled one comes back with its calendar's
    sequence moved on (the person's calendar replaces the cancelled event)."""
    return Registration(
        registration_id=reg_id, forum_id=form.forum_id, participant_key=key, name=form.name,
        role=form.role, centre_id=form.centre_id, email=form.email, phone=form.phone,
        language=form.language, needs=form.needs, topics=form.topics,
        topics_other=form.topics_other, room_id=form.room_id,
        consent_version=form.consent_version, consented_at=now, source=source, state=state,
        waitlist_position=position,
        sequence=existing.sequence + 1 if existing else 0,
        created_at=existing.created_at if existing else now, updated_at=now,
    )  # fmt: skip
