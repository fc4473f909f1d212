"""What the admin pages and admin_api show of a forum, and who may change it."""

from __future__ import annotations

from functions.domain.directory.administrators import Administrator
from functions.domain.forums.models import Forum


def sees(administrator: Administrator, forum: Forum) -> bool:
    """Everyone sees the network's forums; a region's forums, its administrators."""
    return forum.region_id is None or administrator.sees(forum.region_id)


def may_change(administrator: Administrator, forum_region: str | None) -> bool:
    """A network forum: network administrators only; a region's: its administrators too."""
    return administrator.whole_network or (forum_region is not None
                                           and forum_region == administrator.region_id)  # fmt: skip


def forum_json(forum: Forum) -> dict:
    return {
        "forum_id": forum.forum_id, "month": forum.month, "title": forum.title,
        "format": forum.format.value, "status": forum.status.value,
        "starts_at": forum.starts_at.isoformat(), "ends_at": forum.ends_at.isoformat(),
        "timezone": forum.timezone, "capacity": forum.capacity,
        "places_taken": forum.places_taken, "places_left": forum.places_left,
        "waitlisted": forum.waitlisted, "topics": [t.value for t in forum.topics],
        "audiences": [a.value for a in forum.audiences],
        "breakout_rooms": [room.model_dump(mode="json") for room in forum.breakout_rooms],
        "joining": forum.joining.model_dump(mode="json") if forum.joining else None,
        "details_release_hours": forum.details_release_hours,
        "description": forum.description, "region_id": forum.region_id,
        "plan_slot": forum.plan_slot, "sequence": forum.sequence,
    }  # fmt: skip
