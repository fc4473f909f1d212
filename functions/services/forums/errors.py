"""Outcomes of the forum use cases that entry points turn into pages and answers."""

from __future__ import annotations

from functions.services.errors import ServiceError


class ForumNotFound(ServiceError):
    """No forum has this id."""


class ForumClosed(ServiceError):
    """The forum takes no registration (or cancellation) now: `reason` is "cancelled" or
    "ended"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class RegistrationRefused(ServiceError):
    """The registration does not fit the forum: the problems by field (N_ messages)."""

    def __init__(self, problems: dict[str, str]):
        super().__init__(", ".join(sorted(problems)))
        self.problems = problems


class RegistrationNotFound(ServiceError):
    """No registration has this id (or it was erased)."""
