"""A calendar invitation carried by an outbox message, checked before it becomes an .ics file.

The texts are cleaned and bounded (whatever a registration or an administrator typed), the
rest is refused when it is not exactly what a calendar needs: a bad calendar fails its one
message for good with a reason that names fields, never their values.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    ValidationError,
    field_validator,
    model_validator,
)

from functions.domain.mail.email import MailProblem
from functions.domain.shared.text import cut, one_line

SUMMARY_LIMIT = 200
DESCRIPTION_LIMIT = 8000
LOCATION_LIMIT = 500
NAME_LIMIT = 120
LONGEST_EVENT = timedelta(days=7)

_SURROGATE = re.compile(r"[\ud800-\udfff]")
# Every line end str.splitlines knows (CR LF, CR, VT, FF, FS-RS, NEL, U+2028, U+2029) is "\n"
# in a description; other C0/C1 controls go (a tab stays).
_LINE_END = re.compile(r"\r\n|[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_UID = re.compile(r"[A-Za-z0-9._-]{1,128}@[A-Za-z0-9.-]{1,128}")
_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")
_URL = re.compile(r"https?://[\x21-\x7e]{1,2000}")
_ZONE = re.compile(r"[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+){0,2}")


def _no_surrogates(value: Any) -> Any:
    return _SURROGATE.sub("", value) if isinstance(value, str) else value


def _line(value: str | None, limit: int) -> str | None:
    text = cut(one_line(value), limit) if value is not None else None
    return text or None


class CalendarInvite(BaseModel):
    """One event invitation, stored in OutboxMessage.data["calendar"] as this JSON dict:

    {
      "uid": "<registration id>@<domain>",   # stable per registration; [A-Za-z0-9._-]@domain
      "sequence": 0,                         # int >= 0; +1 each time the event changes
      "method": "REQUEST",                   # "REQUEST" (invite, update) or "CANCEL"
      "status": "CONFIRMED",                 # optional: CONFIRMED (REQUEST) / CANCELLED (CANCEL)
      "summary": "Forum: ...",               # one line; cleaned, cut at 200 characters
      "description": "...",                  # optional; line breaks kept; cut at 8,000
      "starts_at": "2025-03-05T18:00:00+02:00",  # ISO 8601 with an offset
      "ends_at": "2025-03-05T19:30:00+02:00",    # after starts_at, at most 7 days later
      "timezone": "Africa/Johannesburg",     # IANA name the event is shown in (TZID)
      "location": "https://zoom.us/j/...",   # optional; joining URL or address; one line
      "url": "https://.../forums?forum=...", # optional; http(s) only
      "organizer_email": "forums@...",       # optional: the mail's Reply-To (else From)
      "organizer_name": "ECD Network",       # optional: likewise
      "attendee_email": "parent@...",        # optional: the recipient's address
      "attendee_name": "Thandi"              # optional
    }

    Unknown keys are refused (a misspelt field would otherwise vanish silently).
    """

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    uid: str
    sequence: int = 0
    method: Literal["REQUEST", "CANCEL"] = "REQUEST"
    status: Literal["CONFIRMED", "CANCELLED"]
    summary: str
    description: str = ""
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    timezone: str
    location: str | None = None
    url: str | None = None
    organizer_email: str
    organizer_name: str | None = None
    attendee_email: str | None = None
    attendee_name: str | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _drop_surrogates(cls, value: Any) -> Any:
        return _no_surrogates(value)

    @field_validator("uid")
    @classmethod
    def _uid(cls, value: str) -> str:
        if not _UID.fullmatch(value):
            raise ValueError("uid is id@domain in letters, digits, dots, dashes and _")
        return value

    @field_validator("sequence")
    @classmethod
    def _sequence(cls, value: int) -> int:
        if not 0 <= value < 2**31:
            raise ValueError("sequence is a whole number from 0")
        return value

    @field_validator("summary")
    @classmethod
    def _summary(cls, value: str) -> str:
        text = _line(value, SUMMARY_LIMIT)
        if not text:
            raise ValueError("summary is empty")
        return text

    @field_validator("description")
    @classmethod
    def _description(cls, value: str) -> str:
        lines = _CONTROL.sub("", _LINE_END.sub("\n", value[: DESCRIPTION_LIMIT * 2]))
        return cut(lines.strip(), DESCRIPTION_LIMIT)

    @field_validator("location")
    @classmethod
    def _location(cls, value: str | None) -> str | None:
        return _line(value, LOCATION_LIMIT)

    @field_validator("organizer_name", "attendee_name")
    @classmethod
    def _name(cls, value: str | None) -> str | None:
        # A double quote would end the quoted CN parameter: it becomes a single one.
        return _line(value.replace('"', "'"), NAME_LIMIT) if value is not None else None

    @field_validator("organizer_email", "attendee_email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is not None and (len(value) > 254 or not _EMAIL.fullmatch(value)):
            raise ValueError("not a plain ASCII email address")
        return value

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value and not _URL.fullmatch(value):
            raise ValueError("url is an http(s) address of visible ASCII characters")
        return value or None

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo

        if not _ZONE.fullmatch(value) or len(value) > 64:
            raise ValueError("timezone is an IANA name such as Africa/Johannesburg")
        try:
            ZoneInfo(value)
        except (ValueError, OSError, KeyError) as error:  # ZoneInfoNotFoundError is a KeyError
            raise ValueError("unknown timezone") from error
        return value

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = {key: value for key, value in data.items() if value is not None}
        if "status" not in data:  # the status follows the method
            data["status"] = "CANCELLED" if data.get("method") == "CANCEL" else "CONFIRMED"
        return data

    @model_validator(mode="after")
    def _consistent(self) -> CalendarInvite:
        if not timedelta(0) < self.ends_at - self.starts_at <= LONGEST_EVENT:
            raise ValueError("ends_at is after starts_at, at most 7 days later")
        expected = "CANCELLED" if self.method == "CANCEL" else "CONFIRMED"
        if self.status != expected:
            raise ValueError(f"a {self.method} invitation has status {expected}")
        return self

    def starts(self) -> datetime:
        """The start in the event's own time zone."""
        from zoneinfo import ZoneInfo

        return self.starts_at.astimezone(ZoneInfo(self.timezone))

    def ends(self) -> datetime:
        """The end in the event's own time zone."""
        from zoneinfo import ZoneInfo

        return self.ends_at.astimezone(ZoneInfo(self.timezone))

    def to_data(self) -> dict[str, Any]:
        """The JSON dict to store in OutboxMessage.data["calendar"] (plain strings and ints)."""
        return self.model_dump(mode="json", exclude_none=True)

    @classmethod
    def from_data(cls, data: Any) -> CalendarInvite:
        """The invite from a stored dict; a MailProblem naming the bad fields (not the values)."""
        if not isinstance(data, dict):
            raise MailProblem("calendar invite: not a mapping")
        try:
            return cls.model_validate(data)
        except ValidationError as error:
            fields = sorted({".".join(map(str, e["loc"])) or "invite" for e in error.errors()})
            raise MailProblem(f"calendar invite: invalid {', '.join(fields)}"[:500]) from None
