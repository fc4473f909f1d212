"""`ecd forums import-attendance` against every entry point served on loopback (LOCAL_DEV):
a dry run, the import, the same file again (nothing changed), a refused file."""

from __future__ import annotations

import json

from tests.functions.forum_attendance_support import FIXTURES, make_forum, register_zoom_people
from tests.functions.test_ecd_against_local_stack import ecd, stack  # noqa: F401

FILE = str(FIXTURES / "zoom_webinar_attendee_report.csv")


def test_ecd_imports_attendance_once(stack, tmp_path):  # noqa: F811
    forum = make_forum()
    register_zoom_people(forum)
    args = ("forums", "import-attendance", FILE, "--forum", forum.forum_id, "--source", "zoom")
    dry = ecd(stack, *args, "--dry-run")
    assert "6 people: 2 matched, 4 walk-ins; would add 6" in dry.stdout
    assert "Thandiwe" not in dry.stdout  # names in the file are never printed
    assert "added 6" in ecd(stack, *args).stdout
    again = json.loads(ecd(stack, "--json", *args).stdout)
    assert (again["added"], again["changed"], again["unchanged"]) == (0, 0, 6)
    other = tmp_path / "other.csv"
    other.write_text("name,when\r\nsomeone,today\r\n")
    refused = ecd(stack, "forums", "import-attendance", str(other), "--forum", forum.forum_id,
                  "--source", "meet", check=False)  # fmt: skip
    assert refused.returncode != 0 and "Google Meet" in refused.stdout + refused.stderr
