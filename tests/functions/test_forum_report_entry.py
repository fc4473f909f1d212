"""The `forum_report` entry point over the Firestore emulator (functions/http/admin/
forum_report_entry.py): with an administrator's Bearer token it answers what
admin?page=forum_report answers (the same figures on the page, in the CSV and in the PDF,
the same scope rules); without one it sends the browser to that admin page with the query
kept, whatever the query holds; a token that is not right is 401 or 403."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest

from functions import wiring
from functions.config import get_settings
from functions.devtools.seed import seed_forums
from functions.domain.reports.summary import summary_id
from tests import oidc
from tests.functions.test_forum_report import (
    AFTER_CLOSING,
    CENTRES,
    GAUTENG_ADMIN,
    NETWORK_ADMIN,
    SEED_FIGURES,
    csv_rows,
    pdf_text,
    text_of,
)

QUERY = "/?month=2025-03"
ADMIN_PAGE = "admin"  # relative: the admin entry point on the host the browser asked


@pytest.fixture
def demo_month(project):
    """The demo March 2025 month, seeded and compiled (as test_forum_report.py has it)."""
    from functions.services.reports.compile import compile_due

    seed_forums(CENTRES)
    compile_due(wiring.dependencies(), AFTER_CLOSING)
    return wiring.forum_reader().summary(summary_id("2025-03", None))


@pytest.fixture
def report_as(client_for, google_idp):
    """report_as() → a client of `forum_report` (or, with entry="admin", of the admin pages)
    sending an administrator's Bearer token."""

    def build(who: str = NETWORK_ADMIN, entry: str = "forum_report"):
        client = client_for(entry)
        token = google_idp.mint(who, oidc.OAUTH_CLIENT_ID)
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        return client

    return build


def test_a_bearer_token_gets_what_the_admin_page_gives(demo_month, report_as):
    report, admin = report_as(), report_as(entry="admin")
    page = report.get(QUERY)
    assert page.status_code == 200 and page.mimetype == "text/html"
    shown = text_of(page)
    for figure in SEED_FIGURES:
        assert figure in shown, figure
    assert shown == text_of(admin.get("/?page=forum_report&month=2025-03"))
    csv = report.get(QUERY + "&format=csv")
    assert csv.data == admin.get("/?page=forum_report&month=2025-03&format=csv").data
    assert csv.headers["Content-Disposition"].startswith("attachment;")
    attended = [r["value"] for r in csv_rows(csv)
                if r["figure"] == "attended" and r["role_or_category"] == "all roles"
                and r["forum"] != "all forums"]  # fmt: skip
    assert attended == ["42", "58", "63"]
    pdf = report.get(QUERY + "&format=pdf")
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    printed = pdf_text(pdf.data)
    for figure in SEED_FIGURES:
        assert figure in printed, figure
    assert printed == pdf_text(admin.get("/?page=forum_report&month=2025-03&format=pdf").data)
    one = report.get(f"/?forum={demo_month.forums[0].forum_id}")
    assert one.status_code == 200 and "Parent or guardian: 21 attended" in text_of(one)
    assert report.head(QUERY).status_code == 200


def test_a_regional_administrator_out_of_scope_is_404(demo_month, report_as):
    gauteng = report_as(GAUTENG_ADMIN)
    assert gauteng.get(f"/?forum={demo_month.forums[0].forum_id}").status_code == 404
    assert gauteng.get(QUERY + "&region=western-cape").status_code == 404
    assert gauteng.get(QUERY + "&region=western-cape&format=pdf").status_code == 404
    assert gauteng.get("/?forum=no-such-forum&format=csv").status_code == 404
    own = gauteng.get(QUERY)
    assert own.status_code == 200 and "127 of 140" not in own.text


def test_a_token_that_is_not_right_is_401_or_403(demo_month, client_for, google_idp):
    report = client_for("forum_report")
    wrong = [
        {"Authorization": "Bearer not-a-token"},
        {"Authorization": "Bearer " + google_idp.mint(NETWORK_ADMIN, "another-client")},
        {"Authorization": "Bearer local-admin-token"},  # not under make run
        {"Authorization": "Basic YWRtaW46YWRtaW4="},
        {"Authorization": ""},
    ]
    for headers in wrong:
        answer = report.get(QUERY + "&format=csv", headers=headers)
        assert answer.status_code == 401, headers
        assert answer.headers["WWW-Authenticate"] == "Bearer"
        assert answer.get_json()["errors"][0]["field"] == "Authorization"
        assert "127" not in answer.text
    stranger = google_idp.mint("stranger@example.org", oidc.OAUTH_CLIENT_ID)
    refused = report.get(QUERY, headers={"Authorization": f"Bearer {stranger}"})
    assert refused.status_code == 403 and "not an administrator" in refused.text


def test_the_development_token_under_make_run(demo_month, client_for, monkeypatch):
    monkeypatch.setenv("LOCAL_DEV", "1")
    get_settings.cache_clear()
    answer = client_for("forum_report").get(
        QUERY + "&format=csv", headers={"Authorization": "Bearer local-admin-token"}
    )
    get_settings.cache_clear()
    assert answer.status_code == 200 and answer.mimetype == "text/csv"


def _location(answer) -> tuple[str, list[tuple[str, str]]]:
    assert answer.status_code == 303
    location = answer.headers["Location"]
    assert location.isascii() and location.isprintable()  # nothing can split the header
    parts = urlsplit(location)
    assert not parts.scheme and not parts.netloc  # no host pinned: localhost stays localhost
    return parts.path, parse_qsl(parts.query)


def test_a_browser_is_sent_to_the_admin_page_with_the_query(project, client_for):
    report = client_for("forum_report")
    answer = report.get("/?month=2025-03&forum=forum-x&format=pdf&version=2&region=gauteng")
    where, query = _location(answer)
    assert where == ADMIN_PAGE
    assert query == [("page", "forum_report"), ("month", "2025-03"), ("forum", "forum-x"),
                     ("region", "gauteng"), ("version", "2"), ("format", "pdf")]  # fmt: skip
    assert answer.headers["Cache-Control"] == "no-store"
    assert _location(report.get("/")) == (ADMIN_PAGE, [("page", "forum_report")])
    # A page of its own in the query does not send the browser elsewhere.
    _, query = _location(report.get("/?page=signout&month=2025-03&lang=zu&x=1"))
    assert query == [("page", "forum_report"), ("month", "2025-03")]
    # There, with no session, the admin page asks to sign in.
    signin = client_for("admin").get("/?page=forum_report&month=2025-03")
    assert signin.status_code == 401 and "Sign in" in signin.text


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        ("%0D%0ASet-Cookie:%20x=1", "\r\nSet-Cookie: x=1"),
        ("a%0Ab", "a\nb"),
        ("%E2%80%A8x%C2%85", "\u2028x\u0085"),
        ("%ED%A0%80", "%ED%A0%80"),  # half a surrogate pair: werkzeug keeps it as typed
        ("%00", "\x00"),
        ("%22%3E%3Cscript%3E", '"><script>'),
        ("x" * 100_000, "x" * 200),
    ],
    ids=["crlf", "lf", "separators", "surrogate", "nul", "markup", "100k"],
)
def test_a_hostile_query_never_breaks_the_location(project, client_for, raw, kept):
    report = client_for("forum_report")
    for name in ("month", "forum", "region", "version", "format"):
        answer = report.get(f"/?{name}={raw}")
        assert "Set-Cookie" not in answer.headers
        where, query = _location(answer)
        assert where == ADMIN_PAGE and query == [("page", "forum_report"), (name, kept)]
        assert len(answer.headers["Location"]) < 1_000


def test_an_outage_is_503_with_retry_after(project, report_as, monkeypatch):
    from tests.functions.test_storage_outage import firestore_goes_away

    report = report_as()  # its token minted while storage was there
    firestore_goes_away(monkeypatch)
    answer = report.get(QUERY + "&format=csv")
    assert answer.status_code == 503 and int(answer.headers["Retry-After"]) > 0
