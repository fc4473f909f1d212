"""Renders every email template with its sample data, to look at in a browser.

`python -m functions.devtools.preview_emails [--language LANG] [--out DIR]` (or
`make preview-emails`) writes build/email-previews/<name>[-variant].html and .txt for each
folder under templates/emails/ that has a sample.json, and an index.html linking them all.
"""

from __future__ import annotations

import argparse
import html
import json
from dataclasses import dataclass
from pathlib import Path

from functions.rendering import TEMPLATES_DIR, RenderedEmail, render_email

EMAILS_DIR = TEMPLATES_DIR / "emails"
OUT_DIR = TEMPLATES_DIR.parent / "build" / "email-previews"

# Cases worth seeing besides the sample itself, as overrides of the template's sample.json.
VARIANTS: dict[str, dict[str, dict]] = {
    "case_acknowledgement": {
        "urgent-anonymous": {"urgent": True, "reporter_name": None},
    },
    "case_notification": {
        "urgent-triage": {
            "urgent": True,
            "recipient_name": "Pieter van Wyk",
            "recipient_role": "administrator",
            "kind": "complaint",
            "category": "child_wellbeing_and_safety",
            "centre_name": "Sunflower creche Soweto ext 4",
            "centre_known": False,
            "region_name": "Gauteng – Johannesburg South",
            "description": (
                "My son (4) came home with bruises on both arms again today.\n"
                "When I asked the teacher she said he fell, but he says an older boy "
                "pushes him in the yard and nobody stops it.\n\n"
                "I sent a photo here: https://photos.example.com/share/"
                "AF1QipN8s7dK2lQm9XvYzT4bR6cW0eHjUoPiLkJgFdSa3\n"
                "Please call me before Friday."
            ),
            "submitted_at": "2026-11-23T17:05:00+00:00",
            "respond_by": "2026-11-24T17:05:00+00:00",
            "triage": [
                {"reason": "unknown_centre", "given": ""},
                {"reason": "unknown_topic", "given": "safety / bullying"},
            ],
            "reporter_contact": None,
            "anonymous": True,
            "unsubscribe_url": None,
        },
    },
}

# A registrant's calendar invitation as the outbox keeps it (domain/forums/calendar_data.py);
# the mail itself only says whether one is attached.
_CALENDAR = {
    "uid": "5b1e8f0c2a7d4e6f9a3b1c0d@feedback.example.org", "sequence": 0, "method": "REQUEST",
    "summary": "Parents and staff forum (Zoom)", "description": "Our monthly forum.",
    "starts_at": "2026-12-03T16:00:00+00:00", "ends_at": "2026-12-03T17:30:00+00:00",
    "timezone": "Africa/Johannesburg", "location": None, "url": None,
    "organizer_name": "SayPro ECD Network", "attendee_email": "ayanda@example.org",
    "attendee_name": "Ayanda", "status": "CONFIRMED",
}  # fmt: skip
_JOINING = ["Join: https://zoom.example.org/j/81234567890", "Meeting ID: 812 3456 7890",
            "Passcode: forum1"]  # fmt: skip
_CANCELLED_CALENDAR = _CALENDAR | {"sequence": 1, "method": "CANCEL", "status": "CANCELLED"}
VARIANTS["forum_registration"] = {
    "registered-with-calendar": {"calendar": _CALENDAR, "room": "Rights of parents and children",
                                 "format": "google_meet_breakouts",
                                 "forum_title": "Parents and staff forum (Google Meet)"},
    "waitlisted": {"moment": "waitlisted", "waitlist_position": 3},
    "promoted": {"moment": "promoted", "calendar": _CALENDAR | {"sequence": 1}},
    "cancelled": {"moment": "cancelled", "calendar": _CANCELLED_CALENDAR},
    "forum-changed": {"moment": "changed", "starts_at": "2026-12-03T17:00:00+00:00",
                      "ends_at": "2026-12-03T18:30:00+00:00",
                      "calendar": _CALENDAR | {"sequence": 1}},
    "forum-cancelled": {"moment": "forum_cancelled", "calendar": _CANCELLED_CALENDAR},
    "reminder-24h": {"moment": "reminder", "offset": "24h", "joining": _JOINING,
                     "calendar": _CALENDAR | {"location": _JOINING[0]}},
    "reminder-1h": {"moment": "reminder", "offset": "1h", "joining": _JOINING},
}  # fmt: skip
VARIANTS["forum_capacity_alert"] = {
    "full": {"percent": 100, "places_taken": 100, "waitlisted": 7},
}


@dataclass(frozen=True)
class Preview:
    """One email to preview: the file name it gets, its template and its data."""

    name: str
    template: str
    data: dict


def previews() -> list[Preview]:
    """Every template's sample, then its variants, in template-name order."""
    found = []
    for folder in sorted(p for p in EMAILS_DIR.iterdir() if (p / "sample.json").is_file()):
        sample = json.loads((folder / "sample.json").read_text(encoding="utf-8"))
        found.append(Preview(folder.name, folder.name, sample))
        for variant, overrides in VARIANTS.get(folder.name, {}).items():
            found.append(Preview(f"{folder.name}-{variant}", folder.name, sample | overrides))
    return found


def write_previews(out_dir: Path = OUT_DIR, language: str = "en") -> list[Path]:
    """Render every preview into out_dir; returns the files written, index.html last."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    rows = []
    for preview in previews():
        email = render_email(preview.template, preview.data, language)
        written += _write(out_dir, preview.name, email)
        rows.append(
            f'<li><a href="{preview.name}.html">{html.escape(preview.name)}</a>'
            f' (<a href="{preview.name}.txt">text</a>)<br>'
            f"<small>{html.escape(email.subject)}</small></li>"
        )
    index = out_dir / "index.html"
    index.write_text(
        '<!DOCTYPE html><html lang="en"><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Email previews</title>"
        '<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:1rem auto;'
        'padding:0 1rem;line-height:1.5"><h1>Email previews</h1>'
        f"<ul>{''.join(rows)}</ul></body></html>\n",
        encoding="utf-8",
    )
    return [*written, index]


def _write(out_dir: Path, name: str, email: RenderedEmail) -> list[Path]:
    html_path, text_path = out_dir / f"{name}.html", out_dir / f"{name}.txt"
    html_path.write_text(email.html, encoding="utf-8")
    text_path.write_text(f"Subject: {email.subject}\n\n{email.text}", encoding="utf-8")
    return [html_path, text_path]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--language", default="en", help="gettext catalogue to use (default en)")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help=f"default {OUT_DIR}")
    args = parser.parse_args(argv)
    for path in write_previews(args.out, args.language):
        print(path)


if __name__ == "__main__":
    main()
