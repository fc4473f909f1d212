"""What templates show of the domain's values: labels and dates, in the reader's language.

The domain keeps enums, ids and UTC datetimes; these filters turn them into words through
gettext and into South African dates through Babel, in the language of the environment that
renders (each language has its own environment: rendering/__init__.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from functions.domain.shared.vocabulary import label
from functions.rendering.translations import babel_locale

TIME_ZONE = "Africa/Johannesburg"  # South Africa keeps one offset all year


def filters_for(language: str, gettext) -> dict[str, Any]:
    """The filters of one language's environment."""

    def label_filter(value) -> str:
        """The label a person sees for a vocabulary value (an enum or its string)."""
        english = label(value)
        return gettext(english) if english else ""  # gettext("") is the catalogue's header

    def date(moment: datetime | str | None) -> str:
        """'Wednesday 25 November 2026', in South African time."""
        return _format(moment, "EEEE d MMMM y", language)

    def date_time(moment: datetime | str | None) -> str:
        """'25 November 2026, 08:42', in South African time."""
        return _format(moment, "d MMMM y, HH:mm", language)

    def date_time_in(moment: datetime | str | None, zone: str | None = None) -> str:
        """'Wednesday 5 March 2025, 18:00' in the given zone (a forum's own), South
        African time when none is given."""
        return _format(moment, "EEEE d MMMM y, HH:mm", language, zone or TIME_ZONE)

    def translate(message: str | tuple[str, dict]) -> str:
        """A message our code wrote (marked with N_ there), in the reader's language, or
        (a message with %(name)s placeholders, their values). Plain text, so autoescaping
        still applies (gettext in a template returns markup)."""
        if isinstance(message, tuple):
            template, params = message
            return str(gettext(template)) % params
        return str(gettext(message)) if message else ""

    return {"label": label_filter, "date": date, "datetime": date_time, "nl2br": nl2br,
            "translate": translate, "datetime_in": date_time_in}  # fmt: skip


def _format(moment: datetime | str | None, pattern: str, language: str,
            zone: str = TIME_ZONE) -> str:  # fmt: skip
    if moment is None or moment == "":
        return ""
    from zoneinfo import ZoneInfo

    from babel.dates import format_datetime

    when = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return format_datetime(when, pattern, tzinfo=ZoneInfo(zone), locale=babel_locale(language))


def nl2br(value: Any):
    """Escape user text for HTML and keep its line breaks as <br>."""
    from markupsafe import Markup, escape

    lines = escape(str(value).replace("\r\n", "\n").replace("\r", "\n")).split("\n")
    return Markup("<br>\n").join(lines)
