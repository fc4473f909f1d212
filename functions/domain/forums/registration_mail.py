"""The mail a registration causes: one template for every moment a registrant is told about
(registered, waitlisted, promoted, cancelled, the forum changed or called off, a reminder),
and the administrators' alert when a forum fills up.

Messages hold ids, enums, times and the texts the person or the administrator typed (the
templates escape them); the cancel link is derived at send time from `registration_id`
(domain/mail/links.py), so the outbox stores no token.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import StrEnum

from functions.domain.forums.calendar_data import calendar_for, joining_lines
from functions.domain.forums.models import Forum, Registration
from functions.domain.mail.outbox import (
    MessageKind,
    OutboxMessage,
    new_message_id,
    notifications_to,
)

TEMPLATE = "forum_registration"
ALERT_TEMPLATE = "forum_capacity_alert"


class Moment(StrEnum):
    REGISTERED = "registered"
    WAITLISTED = "waitlisted"
    PROMOTED = "promoted"
    CANCELLED = "cancelled"  # the person cancelled
    CHANGED = "changed"  # the forum's time, title or joining details changed
    FORUM_CANCELLED = "forum_cancelled"
    REMINDER = "reminder"


# Moments whose mail carries the calendar: those of a person who holds (or held) a place.
_WITH_CALENDAR = {Moment.REGISTERED, Moment.PROMOTED, Moment.CANCELLED, Moment.CHANGED,
                  Moment.FORUM_CANCELLED}  # fmt: skip


def forum_facts(forum: Forum) -> dict:
    """What every forum mail shows of the forum (times in UTC ISO; shown in its zone)."""
    return {
        "forum_id": forum.forum_id,
        "forum_title": forum.title,
        "format": forum.format.value,
        "starts_at": forum.starts_at.isoformat(),
        "ends_at": forum.ends_at.isoformat(),
        "timezone": forum.timezone,
        "release_hours": forum.details_release_hours,
    }


def registrant_message(
    moment: Moment,
    forum: Forum,
    registration: Registration,
    now: datetime,
    network_name: str,
    domain: str,
    gettext: Callable[[str], str] = lambda text: text,
    offset: str | None = None,
    calendar: bool | None = None,
) -> OutboxMessage | None:
    """The mail telling the registrant about this moment; None when they gave no email."""
    if not registration.email:
        return None
    released = forum.details_released(now) and forum.joining is not None
    data = forum_facts(forum) | {
        "network_name": network_name,
        "moment": moment.value,
        "name": registration.name,
        "registration_id": registration.registration_id,
        "waitlist_position": registration.waitlist_position,
        "room": _room_name(forum, registration.room_id),
        "joining": joining_lines(forum.joining, gettext) if released else [],
        "offset": offset,
    }
    with_calendar = moment in _WITH_CALENDAR if calendar is None else calendar
    if with_calendar:
        data["calendar"] = calendar_for(forum, registration, now, domain, gettext=gettext)
    return OutboxMessage(
        message_id=new_message_id(), template=TEMPLATE, to=registration.email, data=data,
        language=registration.language.value, kind=MessageKind.TRANSACTIONAL,
        created_at=now, updated_at=now,
    )  # fmt: skip


def capacity_alerts(forum: Forum, percentages: list[int], recipients: list[tuple[str, str]],
                    now: datetime, network_name: str) -> list[OutboxMessage]:  # fmt: skip
    """The administrators' alert that the forum reached a share of its places (English)."""
    if not percentages:
        return []
    data = forum_facts(forum) | {
        "network_name": network_name,
        "percent": max(percentages),
        "capacity": forum.capacity,
        "places_taken": forum.places_taken,
        "waitlisted": forum.waitlisted,
    }
    return notifications_to(ALERT_TEMPLATE, data, recipients, now)


def _room_name(forum: Forum, room_id: str | None) -> str | None:
    for room in forum.breakout_rooms:
        if room.room_id == room_id:
            return room.name
    return None
