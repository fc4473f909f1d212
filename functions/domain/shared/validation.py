"""Turns pydantic's validation errors into messages a parent or an integrator can act on."""

from __future__ import annotations

from typing import NamedTuple

from pydantic import ValidationError

UNKNOWN_FIELD = "(unknown field)"


class FieldError(NamedTuple):
    field: str
    message: str
    # False when the sender named the field: an unknown key may be any text (a name, an
    # address), so logs show UNKNOWN_FIELD in its place (the answer still names it).
    known: bool = True


def logged_fields(errors) -> list[str]:
    """The fields of these errors as a log may show them: never a name the sender chose."""
    return [error.field if error.known else UNKNOWN_FIELD for error in errors]


def _message(error: dict) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "missing":
        return "This field is required"
    if kind == "enum":
        return f"Choose one of: {ctx.get('expected', '').replace(chr(39), '')}"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind == "string_too_long":
        return f"Use at most {ctx.get('max_length')} characters"
    if kind == "string_too_short":
        return "This field is required"
    if kind == "extra_forbidden":
        return "Unknown field"
    if kind in {"bool_type", "bool_parsing"}:
        return "Must be true or false"
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        return "Must be a JSON object"
    if kind in {"string_type", "string_unicode"}:
        return "Must be text"
    return error["msg"]


def field_errors(exc: ValidationError) -> list[FieldError]:
    """One FieldError per problem, the field written as a dotted path ("reporter.email")."""
    errors = []
    for error in exc.errors(include_url=False, include_input=False):
        path = ".".join(str(part) for part in error["loc"]) or "body"
        errors.append(FieldError(path, _message(error), known=error["type"] != "extra_forbidden"))
    return errors
