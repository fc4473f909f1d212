"""One cell's text as a value, or ValueError with a message an administrator can act on.

The same parsers read the admin pages' form fields, so a centre edited on its page is held
to the rules of the file. Each value has one written form (format_*), which the export
writes and the dry run compares: the same file read twice gives the same values.
"""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from functions.domain.shared.calendar import DEFAULT_TIMEZONE, WEEKDAYS, parse_hours
from functions.domain.shared.text import clean_text, one_line
from functions.domain.shared.vocabulary import LABELS, Language

NAME_MAX = 200
ADDRESS_MAX = 500
# Ids name Firestore documents and appear in links: lower-case letters, digits, hyphens and
# underscores, starting with a letter or digit (so never "." , ".." or "__x__", never a path).
_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,99}")
_DAY_NAMES = {day: day for day in WEEKDAYS} | {
    "monday": "mon",
    "tuesday": "tue",
    "tues": "tue",
    "wednesday": "wed",
    "thursday": "thu",
    "thur": "thu",
    "thurs": "thu",
    "friday": "fri",
    "saturday": "sat",
    "sunday": "sun",
}
_TIME = re.compile(r"([01]?\d|2[0-3])[:hH.]([0-5]\d)")
_SPAN = re.compile(rf"({_TIME.pattern})\s*(?:-|–|to)\s*({_TIME.pattern})")
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}
_HOURS_EXAMPLE = "like mon-fri 07:00-17:00; sat 08:00-12:00"


def parse_id(text: str) -> str:
    value = text.strip()
    if not _ID.fullmatch(value):
        suggestion = "-".join(re.findall(r"[a-z0-9]+", value.lower()))[:100]
        hint = f" (for example {suggestion})" if suggestion else ""
        raise ValueError(
            f"Use lower-case letters, digits and hyphens, starting with a letter or digit{hint}"
        )
    return value


def parse_name(text: str) -> str:
    """A name on one line (a line break inside the cell is a space)."""
    value = one_line(text)
    if not value:
        raise ValueError("Write a name")
    if len(value) > NAME_MAX:
        raise ValueError(f"At most {NAME_MAX} characters")
    return value


def parse_address(text: str) -> str | None:
    """A postal address; its lines are kept (one line each, none empty)."""
    lines = [one_line(line) for line in clean_text(text).splitlines()]
    value = "\n".join(line for line in lines if line)
    if len(value) > ADDRESS_MAX:
        raise ValueError(f"At most {ADDRESS_MAX} characters")
    return value or None


def parse_email(text: str) -> str:
    """An address checked by email-validator (syntax only: no DNS lookup), stored as the
    rest of the service stores addresses (functions/domain/shared/contact.normalise_email)."""
    import email_validator  # ≈27 ms to import: only where an administrator's file is read

    from functions.domain.shared.contact import normalise_email

    value = text.strip()
    if not value:
        raise ValueError("Write an email address")
    try:
        email_validator.validate_email(value, check_deliverability=False, allow_smtputf8=False)
        return normalise_email(value)
    except email_validator.EmailNotValidError as problem:
        raise ValueError(f"Not an email address: {problem}") from None
    except ValueError:
        raise ValueError("Not an email address we can send to") from None


def parse_phone(text: str) -> str | None:
    """A South African number (082 123 4567, +27 82 123 4567), stored in E.164."""
    import phonenumbers

    value = text.strip()
    if not value:
        return None
    try:
        number = phonenumbers.parse(value, "ZA")
    except phonenumbers.NumberParseException:
        number = None
    if (
        number is None
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.region_code_for_number(number) != "ZA"
        # Every South African number has 9 digits after the 0 (the metadata allows fewer)
        or len(phonenumbers.national_significant_number(number)) != 9
    ):
        raise ValueError("Not a South African phone number like 082 123 4567 or +27 11 555 0100")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(value: str | None) -> str:
    """E.164 as South Africans write it (082 123 4567): it never starts like a formula."""
    if not value:
        return ""
    import phonenumbers

    national = phonenumbers.PhoneNumberFormat.NATIONAL
    return phonenumbers.format_number(phonenumbers.parse(value, "ZA"), national)


def _day(text: str) -> str:
    day = _DAY_NAMES.get(text.strip().lower().rstrip("."))
    if day is None:
        raise ValueError(f"{text.strip()!r} is not a day: use mon, tue, wed, thu, fri, sat, sun")
    return day


def _days(text: str) -> list[str]:
    days: list[str] = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        first, dash, last = part.partition("-")
        if not dash:
            days.append(_day(first))
            continue
        start, end = WEEKDAYS.index(_day(first)), WEEKDAYS.index(_day(last))
        if end < start:
            raise ValueError(f"{part!r}: a range of days runs forward, like mon-fri")
        days.extend(WEEKDAYS[start : end + 1])
    return days


def parse_opening_hours(text: str) -> dict[str, str] | None:
    """ "mon-fri 07:00-17:00; sat 08:00-12:00" (07h00 and 7:00 are read too) → {day: span};
    empty: None (the default hours). A day not listed is closed."""
    value = one_line(text)
    if not value:
        return None
    hours: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in re.split(r"[;\n]", value))):
        span = _SPAN.search(part)
        if span is None or part[span.end() :].strip():
            raise ValueError(f"{part!r}: write days then times, {_HOURS_EXAMPLE}")
        opens = f"{int(span.group(2)):02d}:{span.group(3)}"
        closes = f"{int(span.group(5)):02d}:{span.group(6)}"
        try:
            parse_hours(f"{opens}-{closes}")
        except ValueError:
            raise ValueError(f"{part!r}: a day opens before it closes") from None
        days = _days(part[: span.start()])
        if not days:
            raise ValueError(f"{part!r}: which days? Write them first, {_HOURS_EXAMPLE}")
        for day in days:
            if day in hours:
                raise ValueError(f"{day} is given twice")
            hours[day] = f"{opens}-{closes}"
    return {day: hours[day] for day in WEEKDAYS if day in hours}


def format_opening_hours(hours: dict[str, str]) -> str:
    """{day: span} in its written form, consecutive days with the same hours together."""
    parts: list[str] = []
    run: list[str] = []

    def close_run() -> None:
        if run:
            days = run[0] if len(run) == 1 else f"{run[0]}-{run[-1]}"
            parts.append(f"{days} {hours[run[0]]}")

    for day in WEEKDAYS:
        span = hours.get(day)
        if run and span == hours[run[0]]:
            run.append(day)
            continue
        close_run()
        run = [day] if span else []
    close_run()
    return "; ".join(parts)


def parse_timezone(text: str) -> str:
    value = text.strip()
    if not value:
        return DEFAULT_TIMEZONE
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"Not a time zone: use a name like {DEFAULT_TIMEZONE}") from None
    return value


def _language_names() -> dict[str, Language]:
    names = {language.value: language for language in Language}
    names |= {LABELS[language].lower(): language for language in Language}
    return names


def parse_languages(text: str) -> list[Language]:
    """Codes or names, separated by commas, semicolons or spaces ("en, zu", "English
    isiZulu"): each once, in the order given."""
    known = _language_names()
    chosen: list[Language] = []
    for word in filter(None, re.split(r"[,;/\s]+", text.strip().lower())):
        if word not in known:
            codes = ", ".join(language.value for language in Language)
            raise ValueError(f"{word!r} is not a language we know: use {codes}")
        if known[word] not in chosen:
            chosen.append(known[word])
    return chosen


def format_languages(languages: list[Language]) -> str:
    return ", ".join(language.value for language in languages)


def parse_yes_no(text: str, default: bool) -> bool:
    value = text.strip().lower()
    if not value:
        return default
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise ValueError("Write yes or no")


def format_yes_no(value: bool) -> str:
    return "yes" if value else "no"
