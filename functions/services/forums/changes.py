"""Changing and cancelling a forum (the administrator's edit and cancel forms, `ecd`)."""

from __future__ import annotations

from datetime import datetime

from functions.domain.forums.changes import ForumChanges
from functions.domain.forums.models import Forum


def change_forum(deps, forum_id: str, changes: ForumChanges, now: datetime) -> Forum:
    """Apply the changes to a forum; registrants are told when their calendar changes."""
    raise NotImplementedError


def cancel_forum(deps, forum_id: str, now: datetime) -> Forum:
    """Cancel a forum: everyone registered or waitlisted is told at once."""
    raise NotImplementedError
