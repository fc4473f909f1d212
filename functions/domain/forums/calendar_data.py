"""The calendar invitation a registration's mail carries (OutboxMessage.data["calendar"]).

One event per registration: its UID never changes, so every later mail (an update, a
promotion, a cancellation) replaces the event in the person's calendar instead of adding one.
SEQUENCE is the forum's sequence plus the registration's: each only ever goes up (a change of
the forum, a promotion or a cancellation of the person), so every newer invitation outranks
the one before. Joining details are in it only once released (Forum.details_released).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from functions.domain.forums.models import Forum, JoiningDetails, Registration, RegistrationState
from functions.domain.mail.calendar import CalendarInvite
from functions.domain.shared.vocabulary import N_

_LATER = N_("The joining details will be sent by email %(hours)s hours before the start.")
_CANCELLED = N_("This forum was cancelled.")
_MEETING_ID = N_("Meeting ID: %(value)s")
_PASSCODE = N_("Passcode: %(value)s")
_DIAL_IN = N_("Dial in: %(value)s")


def calendar_uid(registration_id: str, domain: str) -> str:
    return f"{registration_id}@{domain}"


def calendar_sequence(forum: Forum, registration: Registration) -> int:
    return forum.sequence + registration.sequence


def joining_lines(joining: JoiningDetails | None, gettext: Callable[[str], str]) -> list[str]:
    """The joining details as lines of text (calendar description, plain-text mail)."""
    if joining is None:
        return []
    lines = [joining.url or "", joining.venue or ""]
    if joining.meeting_id:
        lines.append(gettext(_MEETING_ID) % {"value": joining.meeting_id})
    if joining.passcode:
        lines.append(gettext(_PASSCODE) % {"value": joining.passcode})
    if joining.dial_in:
        lines.append(gettext(_DIAL_IN) % {"value": joining.dial_in})
    lines.append(joining.instructions or "")
    return [line for line in lines if line]


def calendar_for(forum: Forum, registration: Registration, now: datetime, domain: str,
                 page_url: str | None = None,
                 gettext: Callable[[str], str] = lambda text: text) -> dict:  # fmt: skip
    """The calendar dict of this registration as things stand (CalendarInvite's shape)."""
    cancelled = forum.cancelled or registration.state == RegistrationState.CANCELLED
    released = forum.details_released(now) and forum.joining is not None
    description = [forum.description] if forum.description else []
    if cancelled:
        description.append(gettext(_CANCELLED))
    elif released:
        description += joining_lines(forum.joining, gettext)
    else:
        description.append(gettext(_LATER) % {"hours": forum.details_release_hours})
    location = None
    if released and not cancelled:
        location = forum.joining.url or forum.joining.venue
    url = forum.joining.url if released and not cancelled else page_url
    invite = CalendarInvite.model_validate({
        "uid": calendar_uid(registration.registration_id, domain),
        "sequence": calendar_sequence(forum, registration),
        "method": "CANCEL" if cancelled else "REQUEST",
        "summary": forum.title,
        "description": "\n\n".join(description),
        "starts_at": forum.starts_at,
        "ends_at": forum.ends_at,
        "timezone": forum.timezone,
        "location": location,
        "url": url if url and url.startswith(("https://", "http://")) else None,
        "attendee_email": registration.email,
        "attendee_name": registration.name,
        # The organizer is the mail's own address; deliver fills it in (services/mail).
        "organizer_email": "forums@invalid.example",
    })  # fmt: skip
    data = invite.to_data()
    del data["organizer_email"]
    return data
