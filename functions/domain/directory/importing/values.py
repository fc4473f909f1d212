"""A centre's fields as the file names and writes them: what the dry run compares and the
export writes (each value has one written form, so an unchanged value is never a change)."""

from __future__ import annotations

from typing import Any

from functions.domain.directory.importing import cells
from functions.domain.directory.models import Centre
from functions.domain.shared.calendar import DEFAULT_OPENING_HOURS

# column -> Centre field, in the file's order
CENTRE_FIELDS = {
    "name": "name",
    "region": "region_id",
    "email": "email",
    "phone": "phone",
    "whatsapp": "whatsapp",
    "address": "address",
    "hours": "opening_hours",
    "timezone": "timezone",
    "languages": "languages",
    "share_staff_names": "share_staff_names",
    "active": "active",
}
_PHONES = {"phone", "whatsapp"}
_TEAM = {"principal", "staff", "former_staff"}


def display(value: Any, field: str | None = None) -> str:
    """A value as the file writes it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return cells.format_yes_no(value)
    if field in _PHONES:
        return cells.format_phone(value)
    if isinstance(value, dict):
        return cells.format_opening_hours(value)
    if isinstance(value, list):
        return cells.format_languages(value)
    return str(value)


def stored_fields(centre: Centre) -> dict[str, Any]:
    """A centre's own fields (its id included, its team apart)."""
    return {name: getattr(centre, name) for name in Centre.model_fields if name not in _TEAM}


def centre_fields(stored: Centre | None, given: dict[str, Any]) -> dict[str, Any]:
    """The fields a centre row leaves: what it gives over what is stored (a new centre: over
    the defaults); empty hours are the default hours."""
    if stored is not None:
        base = stored_fields(stored)
    else:
        base = {
            name: info.get_default(call_default_factory=True)
            for name, info in Centre.model_fields.items()
            if name not in _TEAM and not info.is_required()
        }
    fields = base | given
    if fields.get("opening_hours") is None:
        fields["opening_hours"] = dict(DEFAULT_OPENING_HOURS)
    return fields


def centre_texts(fields: dict[str, Any]) -> dict[str, str]:
    return {column: display(fields.get(field), field) for column, field in CENTRE_FIELDS.items()}
