"""The links a mail carries open the parent's pages in the mail's language."""

from functions.domain.mail.outbox import MessageKind
from tests.builders import SETUP, message


def test_a_parents_links_open_in_the_language_of_the_mail():
    mail = message("thandi@example.org", template="case_resolved", kind=MessageKind.TRANSACTIONAL)
    zulu = mail.model_copy(update={"language": "zu", "case_reference": "FB-AAAA-BBB"})
    links = SETUP.links.for_message(zulu)
    for url in (links["status_url"], links["reply_url"], links["privacy_url"],
                *links["rating_urls"]):  # fmt: skip
        assert url.endswith("lang=zu"), url
    english = SETUP.links.for_message(zulu.model_copy(update={"language": "en"}))
    assert "lang=" not in english["status_url"] + english["privacy_url"]
    assert english["rating_urls"][4].endswith("score=5")


def test_a_forum_summary_links_its_report_for_its_month_forum_or_region():
    from tests.builders import SETUP as setup

    links = setup.links._replace(forum_report_page="http://127.0.0.1:8080/forum_report")
    mail = message("admin@ecd.example.org", template="forum_summary", kind=MessageKind.NOTIFICATION)
    month = mail.model_copy(update={"data": {"month": "2025-03", "forum_id": None, "scope": None}})
    assert links.for_message(month)["report_url"].endswith("/forum_report?month=2025-03")
    region = month.model_copy(update={"data": {"month": "2025-03", "scope": "gauteng"}})
    assert links.for_message(region)["report_url"].endswith("?month=2025-03&region=gauteng")
    hostile = month.model_copy(update={"data": {"month": "2025-03", "forum_id": "a&b\r\n<x>"}})
    assert links.for_message(hostile)["report_url"].endswith("&forum=a%26b%0D%0A%3Cx%3E")
    assert "report_url" not in SETUP.links.for_message(month)  # no report page configured
