"""Turns pydantic's validation errors into messages a parent or an integrator can act on."""

from __future__ import annotations

from typing import NamedTuple

from pydantic import ValidationError

from functions.domain.shared.vocabulary import N_

UNKNOWN_FIELD = "(unknown field)"


class FieldError(NamedTuple):
    field: str
    # English, marked for translation (pages show it in the reader's language); with
    # %(name)s placeholders filled from `params` when there are any.
    message: str
    # False when the sender named the field: an unknown key may be any text (a name, an
    # address), so logs show UNKNOWN_FIELD in its place (the answer still names it).
    known: bool = True
    params: dict | None = None

    @property
    def text(self) -> str:
        """The message in English, placeholders filled (what the JSON API answers)."""
        return self.message % self.params if self.params else self.message


def logged_fields(errors) -> list[str]:
    """The fields of these errors as a log may show them: never a name the sender chose."""
    return [error.field if error.known else UNKNOWN_FIELD for error in errors]


def _message(error: dict) -> tuple[str, dict | None]:
    """(message, its placeholders' values): our words for pydantic's error types."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "missing":
        return N_("This field is required"), None
    if kind == "enum":
        choices = str(ctx.get("expected", "")).replace("'", "")
        return N_("Choose one of: %(choices)s"), {"choices": choices}
    if kind == "value_error":
        return str(ctx.get("error", error["msg"])), None
    if kind == "string_too_long":
        return N_("Use at most %(count)s characters"), {"count": ctx.get("max_length")}
    if kind == "string_too_short":
        return N_("This field is required"), None
    if kind == "extra_forbidden":
        return N_("Unknown field"), None
    if kind in {"bool_type", "bool_parsing"}:
        return N_("Must be true or false"), None
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        return N_("Must be a JSON object"), None
    if kind in {"string_type", "string_unicode"}:
        return N_("Must be text"), None
    return error["msg"], None  # pydantic's own words: English only


def field_errors(exc: ValidationError) -> list[FieldError]:
    """One FieldError per problem, the field written as a dotted path ("reporter.email")."""
    errors = []
    for error in exc.errors(include_url=False, include_input=False):
        path = ".".join(str(part) for part in error["loc"]) or "body"
        message, params = _message(error)
        known = error["type"] != "extra_forbidden"
        errors.append(FieldError(path, message, known=known, params=params))
    return errors
