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
