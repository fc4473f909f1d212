"""The forum summary report (admin?page=forum_report) in Chromium at 360 px, JavaScript off:
the demo March 2025 month compiled, then a version with a 3,000-character word in a forum's
title, a recommendation and a respondent's name, never scrolls sideways; its bars and
figures are there."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from functions import wiring
from functions.devtools.seed import seed_forums
from functions.domain.reports.summary import QuotedPerson, summary_id
from tests.browser.layout import sideways

AFTER_CLOSING = datetime(2025, 4, 5, 6, 0, tzinfo=ZoneInfo("Africa/Johannesburg"))
CENTRES = ["sunflower-soweto", "little-stars-tembisa", "fynbos-khayelitsha",
           "protea-mitchells-plain", "ubuntu-umlazi"]  # fmt: skip
WORD = "W" * 3000


def _compiled_with_long_words():
    from functions.services.reports.compile import compile_due

    seed_forums(CENTRES)
    compile_due(wiring.dependencies(), AFTER_CLOSING)
    summary = wiring.forum_reader().summary(summary_id("2025-03", None))
    forums = [summary.forums[0].model_copy(update={"title": WORD}), *summary.forums[1:]]
    group = summary.recommendations[0]
    quote = group.quotes[0].model_copy(update={
        "text": WORD, "name": "N" * 300, "role": "parent",
        "people": [QuotedPerson(name="N" * 300, role="parent")],
    })  # fmt: skip
    groups = [group.model_copy(update={"quotes": [quote, *group.quotes[1:]]}),
              *summary.recommendations[1:]]  # fmt: skip
    changed = summary.model_copy(update={"version": 2, "forums": forums, "recommendations": groups})
    changed = type(changed).model_validate(changed.model_dump())
    wiring.transactions().run(lambda uow: uow.forum_summaries.save(changed))


def test_the_report_fits_a_small_screen(site, phone, screenshot):
    _compiled_with_long_words()
    phone.context.add_cookies([{"name": "admin_session", "value": "local-admin-token",
                                "url": f"{site}/admin"}])  # fmt: skip
    phone.goto(f"{site}/admin?page=forum_report&month=2025-03")
    content = phone.content()
    assert WORD in content and "91% (127 of 140)" in content and "88% (123 of 140)" in content
    assert sideways(phone) <= 0
    screenshot(phone, "admin_forum_report")
    phone.goto(f"{site}/admin?page=forum_report&month=2025-03&version=1")
    assert "an earlier version" in phone.content() and sideways(phone) <= 0
    phone.goto(f"{site}/admin?page=forum_report&month=2025-05")
    assert "No forum was held" in phone.content() and sideways(phone) <= 0
