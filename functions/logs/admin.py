"""Log events of administrators: sign-in, refusals, directory changes."""

from __future__ import annotations

from functions.logs._core import _emit


def admin_refused(entry_point: str, status: int, reason: str, administrator_key: str) -> None:
    """An administrator asked for something outside their scope, or that is not there:
    `reason` is one of our own words (out_of_scope, unknown_centre, ...)."""
    _emit("INFO", "administrator refused", entry_point=entry_point, status=status,
          reason=reason, administrator=administrator_key)  # fmt: skip


def admin_signed_in(administrator_key: str, region_id: str | None, local: bool) -> None:
    """An administrator signed in to the admin pages: their person key and scope."""
    _emit("NOTICE", "administrator signed in", administrator=administrator_key,
          scope=region_id or "network", development_token=local or None)  # fmt: skip


def admin_signin_refused(reason: str) -> None:
    """A sign-in refused: a fixed phrase (the form, the token, the allow-list)."""
    _emit("WARNING", "administrator sign-in refused", reason=reason[:200])


def directory_changed(source: str, outcome: str, counts: dict[str, int],
                      administrator_key: str) -> None:  # fmt: skip
    """A directory import or a centre's page edit (`source`: import, page), as a dry run,
    applied, refused (errors) or stale (the directory changed since the dry run): counts of
    rows, changes and cases handed back only, never a name, address or cell."""
    _emit("NOTICE" if outcome == "applied" else "INFO", f"directory {outcome}", source=source,
          administrator=administrator_key,
          **{key: int(value) for key, value in counts.items()})  # fmt: skip
